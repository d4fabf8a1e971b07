"""The quarantine's words (:mod:`socialops.sources.ledger`): why a row was set aside
(``quarantine.reason.<reason>``: the machine ``reason`` code stays in the ledger and the API)
and what exactly was wrong with it (``quarantine.detail.<code>``: a detail recorded as a code
and its values, rendered in the reader's language)."""

from __future__ import annotations

REASONS: dict[str, tuple[str, str]] = {
    "encoding": ("인코딩 오류", "Not in the file's encoding"),
    "column_count": ("열 개수 불일치", "Wrong number of fields"),
    "malformed": ("읽을 수 없는 행", "Unreadable row"),
    "unclosed_quote": ("닫히지 않은 따옴표", "Unclosed quote"),
    "bad_json": ("잘못된 JSON 줄", "Not a JSON object"),
    "oversized_field": ("너무 긴 값", "Value too long"),
    "missing_id": ("게시물 ID 없음", "No post id"),
    "empty_text": ("본문 없음", "No text"),
    "missing_date": ("날짜 없음", "No date"),
    "bad_date": ("읽을 수 없는 날짜", "Unreadable date"),
    "bad_number": ("숫자가 아닌 값", "Not a number"),
    "out_of_range": ("범위를 벗어난 값", "Value out of range"),
    "bad_value": ("알 수 없는 값", "Unknown value"),
    "negative": ("음수 값", "Negative value"),
    "missing_value": ("빈 값", "Empty value"),
    "bad_channel": ("알 수 없는 채널", "Unknown channel"),
    "bad_month": ("잘못된 월", "Not a month"),
    "duplicate": ("같은 파일 안의 중복 키", "Key repeated in the file"),
}

DETAILS: dict[str, tuple[str, str]] = {
    "bad_date": (
        "'{column}' 열의 날짜·시간 '{value}'을(를) 읽을 수 없습니다.",
        "Column '{column}': cannot read the date/time '{value}'.",
    ),
    "date_range": (
        "'{column}' 열의 날짜 '{value}'이(가) 1900-01-01 ~ 2199-12-31 밖에 있습니다.",
        "Column '{column}': the date '{value}' is outside 1900-01-01 to 2199-12-31.",
    ),
    "missing_date": ("'{column}' 열에 날짜가 없습니다.", "Column '{column}' has no date."),
    "missing_id": ("'{column}' 열에 게시물 ID가 없습니다.", "Column '{column}' has no post id."),
    "empty_text": ("'{column}' 열에 본문이 없습니다.", "Column '{column}' has no text."),
    "empty_platform": (
        "'{column}' 열에 플랫폼이 없습니다.",
        "Column '{column}' has no platform.",
    ),
    "bad_kind": (
        "게시물 종류 '{value}'은(는) 쓸 수 없습니다 (가능한 값: {kinds}).",
        "The kind '{value}' is not one of {kinds}.",
    ),
    "long_text": (
        "본문이 {n}자로 한도 {limit}자를 넘습니다.",
        "The text has {n} characters (limit {limit}).",
    ),
    "count_infinite": (
        "'{column}' 열의 {field} 값이 무한대입니다: {value}",
        "{field} (column '{column}') is infinite: {value}",
    ),
    "count_not_number": (
        "'{column}' 열의 {field} 값이 정수가 아닙니다: {value}",
        "{field} (column '{column}') is not a whole number: {value}",
    ),
    "count_negative": (
        "'{column}' 열의 {field} 값이 음수입니다: {value}",
        "{field} (column '{column}') is negative: {value}",
    ),
    "count_too_large": (
        "'{column}' 열의 {field} 값이 {limit}보다 큽니다: {value}",
        "{field} (column '{column}') is over {limit}: {value}",
    ),
}

# what the file readers (socialops.sources.readers) say of a row they cannot read
DETAILS.update(
    {
        "malformed": (
            "CSV 규칙으로 읽을 수 없는 행입니다 ({error}).",
            "The row cannot be parsed ({error}).",
        ),
        "unclosed_quote_eof": (
            "{line}번째 줄에서 연 따옴표가 파일 끝까지 닫히지 않습니다.",
            "A quote opened in line {line} is never closed (end of the file).",
        ),
        "unclosed_quote": (
            "{line}번째 줄에서 연 따옴표가 {end}번째 줄까지 닫히지 않습니다. 이 줄만 격리하고 "
            "{next}–{end}번째 줄은 다시 행으로 읽었습니다.",
            "A quote opened in line {line} is never closed (it runs on to line {end}); only "
            "this line is quarantined, lines {next}–{end} were read again as rows.",
        ),
        "line_bytes": (
            "{line}번째 줄이 {size}바이트로 한도 {limit}바이트를 넘습니다.",
            "Line {line} has {size} bytes (limit {limit}).",
        ),
        "line_chars": (
            "{line}번째 줄이 {n}자로 한도 {limit}자를 넘습니다.",
            "Line {line} has {n} characters (limit {limit}).",
        ),
        "column_count": (
            "필드가 {width}개여야 하는데 {found}개입니다 (구분자 {delimiter}).",
            "Expected {width} fields, found {found} (delimiter {delimiter}).",
        ),
        "extra_cells": (
            "열은 {width}개인데 그 뒤에도 값이 있습니다.",
            "Expected {width} cells, found values beyond column {width}.",
        ),
        "field_chars": (
            "'{column}' 값이 {n}자로 한도 {limit}자를 넘습니다.",
            "Field '{column}' has {n} characters (limit {limit}).",
        ),
        "field_over": (
            "'{column}' 값이 {limit}자를 넘습니다.",
            "Field '{column}' has more than {limit} characters.",
        ),
        "bad_json": ("JSON으로 읽을 수 없는 줄입니다: {error}", "Not JSON: {error}"),
        "not_object": (
            "각 줄은 JSON 객체여야 합니다 (이 줄은 {kind}).",
            "A line must be a JSON object, not {kind}.",
        ),
        "bad_encoding": (
            "{line}번째 줄이 {encoding} 인코딩에 맞지 않습니다.",
            "Line {line} is not valid {encoding}.",
        ),
        "bad_encoding_at": (
            "{line}번째 줄이 {encoding} 인코딩에 맞지 않습니다 (위치 {pos}의 바이트 {byte}).",
            "Line {line} is not valid {encoding}: byte {byte} at position {pos}.",
        ),
        "binary_not_utf8": (
            "바이너리 열 '{column}'이(가) UTF-8 텍스트가 아닙니다 (위치 {pos}의 바이트 {byte}).",
            "Binary column '{column}' is not UTF-8 text: byte {byte} at position {pos}.",
        ),
    }
)

# what the metric and conversion rows say (socialops.sources.metric_rows)
DETAILS.update(
    {
        "not_number": (
            "{field} 값 '{value}'은(는) 숫자가 아닙니다.",
            "{field}: '{value}' is not a number.",
        ),
        "negative": ("{field} 값 {value}은(는) 음수입니다.", "{field}: {value} is negative."),
        "too_large": (
            "{field} 값 {value}이(가) {limit}보다 큽니다.",
            "{field}: {value} is over {limit}.",
        ),
        "empty": ("{field} 값이 비어 있습니다.", "{field} is empty."),
        "bad_channel": (
            "채널 '{value}'을(를) 알 수 없습니다. instagram 같은 채널 키를 써 주세요.",
            "Channel '{value}': use a key such as instagram.",
        ),
        "bad_paid": (
            "paid 값 '{value}'은(는) 0/1 또는 yes/no여야 합니다.",
            "paid: '{value}' is not 0/1 or yes/no.",
        ),
        "year_range": (
            "{field} 값 '{value}'이(가) {low}~{high}년 밖에 있습니다.",
            "{field}: '{value}' is outside {low}..{high}.",
        ),
        "not_date": (
            "{field} 값 '{value}'을(를) 날짜로 읽을 수 없습니다 (예: 2024-03-05).",
            "{field}: '{value}' is not a date (e.g. 2024-03-05).",
        ),
        "header_width": (
            "필드가 {found}개인데 머리글은 {width}개입니다.",
            "{found} fields, the header has {width}.",
        ),
        "value_range": (
            "범위를 벗어난 값이 있습니다 ({error}).",
            "A value out of range ({error}).",
        ),
        "duplicate": (
            "{line}번째 줄과 키가 같습니다 (처음 것만 가져옵니다).",
            "Same key as line {line} (the first is imported).",
        ),
        "bad_month": (
            "월 '{value}'은(는) 1~12 사이의 숫자여야 합니다.",
            "Month '{value}' is not a number from 1 to 12.",
        ),
    }
)

MESSAGES: dict[str, tuple[str, str]] = {
    **{f"quarantine.reason.{k}": v for k, v in REASONS.items()},
    **{f"quarantine.detail.{k}": v for k, v in DETAILS.items()},
}

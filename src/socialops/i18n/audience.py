"""Audience files' messages (:mod:`socialops.segment.audience`, ``socialops audience
export|exports``)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "audience.country_unknown": (
        "국가 '{country}'의 전화번호 규칙을 모릅니다: {choices} 중 하나를 써 주세요.",
        "No phone numbering rules for country '{country}': use one of {choices}.",
    ),
    "audience.format_unknown": (
        "오디언스 파일 형식 '{format}'은(는) 없습니다: {choices} 중 하나를 골라 주세요.",
        "Unknown audience file format '{format}': choose one of {choices}.",
    ),
    "audience.too_small": (
        "세그먼트 '{segment}'에서 {format} 파일에 넣을 수 있는 고객이 {rows:,}명뿐입니다 "
        "(고객 {members:,}명 중 제외: 식별자 없음 {no_identifier:,}, 이 형식이 받지 않는 "
        "식별자만 있음 {not_carried:,}, 형식 오류 {invalid:,}). 광고 플랫폼은 {min_rows:,}명 "
        "미만의 오디언스를 쓰지 않으므로 파일을 만들지 않았습니다: 더 큰 세그먼트를 쓰거나 "
        "식별자(이메일, 전화번호, 광고 ID)를 보강해 주세요.",
        "Segment '{segment}' has only {rows:,} customers a {format} file can carry (of "
        "{members:,}, left out: no identifier {no_identifier:,}, only identifiers this format "
        "cannot carry {not_carried:,}, identifiers that did not parse {invalid:,}). Ad "
        "platforms do not serve audiences under {min_rows:,}, so no file was written: use a "
        "larger segment or add identifiers (e-mail, phone, advertising id).",
    ),
    "audience.bad_out": (
        "오디언스 파일을 {file}에 쓸 수 없습니다: 있는 폴더 안의 파일 이름을 주세요.",
        "Cannot write the audience file to {file}: give a file name in an existing folder.",
    ),
    "audience.cannot_write": (
        "오디언스 파일 {file}을(를) 쓰지 못했습니다 ({detail}): 폴더의 권한과 남은 공간을 "
        "확인해 주세요.",
        "Could not write the audience file {file} ({detail}): check the folder's permissions "
        "and free space.",
    ),
    # CLI
    "audience.exported": (
        "세그먼트 '{segment}'을(를) {format} 오디언스 파일 {file}로 내보냈습니다: {rows:,}행 "
        "(고객 {members:,}명 중, 제외 {skipped_total:,}명{reasons}), SHA-256 {sha256}.",
        "exported segment '{segment}' as a {format} audience file {file}: {rows:,} rows (of "
        "{members:,} customers, {skipped_total:,} left out{reasons}), SHA-256 {sha256}.",
    ),
    "audience.invalid_values": (
        "형식이 맞지 않아 쓰지 못한 식별자: {values}.",
        "identifiers that did not parse: {values}.",
    ),
    "audience.none": (
        "아직 내보낸 오디언스 파일이 없습니다.",
        "No audience files exported yet.",
    ),
    "audience.reason.no_identifier": ("식별자 없음", "no identifier"),
    "audience.reason.not_carried": (
        "이 형식이 받지 않는 식별자만 있음",
        "only identifiers this format cannot carry",
    ),
    "audience.reason.invalid_email": ("이메일 형식 오류", "e-mail did not parse"),
    "audience.reason.invalid_phone": ("전화번호 형식 오류", "phone did not parse"),
    "audience.reason.invalid_ad_id": ("광고 ID 형식 오류", "advertising id did not parse"),
    "audience.kind.email": ("이메일", "e-mail"),
    "audience.kind.phone": ("전화번호", "phone"),
    "audience.kind.adid": ("Android 광고 ID", "Android advertising id"),
    "audience.kind.idfa": ("Apple 광고 ID", "Apple advertising id"),
    "audience.kind.maid": ("광고 ID", "advertising id"),
    "audience.kind.name": ("이름", "name"),
    "audience.kind.address": ("주소", "address"),
    "audience.kind.birthdate": ("생년월일", "birth date"),
    "audience.col_when": ("내보낸 시각", "exported at"),
    "audience.col_segment": ("세그먼트", "segment"),
    "audience.col_format": ("형식", "format"),
    "audience.col_rows": ("행", "rows"),
    "audience.col_skipped": ("제외", "left out"),
    "audience.col_file": ("파일", "file"),
    "audience.col_by": ("내보낸 사람", "by"),
}

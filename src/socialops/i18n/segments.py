"""Saved segments' messages (:mod:`socialops.segment.store`, ``socialops segment
save|list|show|delete``)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "segments.name_missing": (
        "세그먼트 이름이 비어 있습니다: 이름을 정해 주세요.",
        "The segment has no name: give it one.",
    ),
    "segments.name_invalid": (
        "세그먼트 이름 '{name}'은(는) 쓸 수 없습니다: 글자(한글 포함), 숫자, _ - . 만 쓰고 "
        "/ 로 구분하며 {limit}자 이내로 정해 주세요.",
        "The segment name '{name}' cannot be used: use letters (Korean included), digits and "
        "_ - . in parts separated by /, at most {limit} characters.",
    ),
    "segments.kind_unknown": (
        "세그먼트 종류 '{kind}'은(는) 없습니다: {choices} 중 하나를 써 주세요.",
        "Unknown segment kind '{kind}': use one of {choices}.",
    ),
    "segments.member_no_id": (
        "세그먼트 '{name}'에 고객 ID가 빈 고객이 있습니다: 모든 행에 고객 ID를 넣어 주세요.",
        "A customer of segment '{name}' has no customer id: give every row one.",
    ),
    "segments.not_found": (
        "세그먼트 '{name}'이(가) 없습니다: 저장된 세그먼트 이름을 확인해 주세요.",
        "There is no segment '{name}': check the names of the saved segments.",
    ),
    "segments.not_found.cli": (
        "(`socialops segment list`로 목록을 볼 수 있습니다)",
        "(see `socialops segment list`)",
    ),
    "segments.secret_key": (
        "세그먼트의 고객 식별자를 복호화할 수 없습니다: 워크스페이스의 암호화 키가 저장할 "
        "때와 다릅니다. 원래 키를 되돌리거나 세그먼트를 다시 저장해 주세요.",
        "The segment's customer identifiers cannot be decrypted: the workspace's encryption "
        "key differs from the one they were saved with. Restore that key or save the segment "
        "again.",
    ),
    "segments.id_col_missing": (
        "고객 ID 열 '{column}'이(가) 없습니다: 파일의 열({columns}) 중 고객 ID 열을 골라 주세요.",
        "There is no customer id column '{column}': pick the customer id among the file's "
        "columns ({columns}).",
    ),
    "segments.id_col_missing.cli": ("(--id-col)", "(--id-col)"),
    "segments.score_col_missing": (
        "{file}에 score 열이 없습니다: 타깃 모델의 점수 파일(입력 열 + score)을 주세요.",
        "{file} has no score column: give the targeting model's scores file (the input "
        "columns plus score).",
    ),
    "segments.score_col_missing.cli": (
        "(`socialops segment score FILE --model NAME --out OUT.csv`로 만듭니다)",
        "(made by `socialops segment score FILE --model NAME --out OUT.csv`)",
    ),
    "segments.min_score_range": (
        "최소 점수 {value}은(는) 0과 1 사이여야 합니다 (점수는 확률입니다).",
        "The minimum score {value} must be between 0 and 1 (scores are probabilities).",
    ),
    "segments.none_above": (
        "점수 파일의 {rows:,}행 중 최소 점수 {min_score} 이상인 고객이 없어 세그먼트 "
        "'{name}'을(를) 저장하지 않았습니다: 기준을 낮춰 주세요.",
        "None of the scores file's {rows:,} rows reaches the minimum score {min_score}, so "
        "segment '{name}' was not saved: lower the threshold.",
    ),
    # CLI
    "segments.saved": (
        "세그먼트 '{name}'을(를) 저장했습니다: 고객 {size:,}명 (점수 파일 {rows:,}행 중, "
        "식별자: {identifiers}).",
        "saved segment '{name}': {size:,} customers (of {rows:,} rows in the scores file; "
        "identifiers: {identifiers}).",
    ),
    "segments.from_customers": (
        "그중 {count:,}명은 가져온 고객 테이블에 있는 식별자(암호화된 채)를 씁니다.",
        "{count:,} of them use the identifiers kept (encrypted) in the imported customer table.",
    ),
    "segments.deleted": (
        "세그먼트 '{name}'을(를) 삭제했습니다.",
        "deleted segment '{name}'.",
    ),
    "segments.none": (
        "저장된 세그먼트가 없습니다.",
        "No segments saved yet.",
    ),
    "segments.no_identifiers": ("없음", "none"),
    "segments.def_scores": (
        "점수 {min_score} 이상 (점수 파일 {rows:,}행 중 {kept:,}명{row_ids})",
        "score at least {min_score} ({kept:,} of the scores file's {rows:,} rows{row_ids})",
    ),
    "segments.def_row_ids": ("; 고객 ID는 파일의 행 번호", "; customer ids are row numbers"),
    "segments.col_name": ("이름", "name"),
    "segments.col_kind": ("종류", "kind"),
    "segments.col_size": ("고객 수", "customers"),
    "segments.col_updated": ("수정", "updated"),
    "segments.col_source": ("출처", "source"),
    "segments.col_description": ("설명", "description"),
    "segments.col_definition": ("정의", "definition"),
    "segments.col_created_by": ("만든 사람", "created by"),
    "segments.kind.rfm": ("RFM", "RFM"),
    "segments.kind.attribute": ("속성", "attribute"),
    "segments.kind.scores": ("모델 점수", "model scores"),
    "segments.kind.manual": ("직접 지정", "manual"),
}

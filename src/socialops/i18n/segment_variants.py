"""Saved segments in plans and the publishing composer: a plan's target segment linked to a
saved customer segment, and per-segment content variants of a composed post."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "plan.saved_segment_unknown": (
        "타깃 세그먼트 '{segment}'가 저장된 세그먼트 '{saved}'를 가리키지만 그런 세그먼트가 "
        "없습니다: 세그먼트 목록에서 이름을 확인하거나 연결을 지워 주세요.",
        "Target segment '{segment}' names the saved segment '{saved}', which does not exist: "
        "check the name in the segments list, or clear the link.",
    ),
    "segvar.saved_segment": ("저장된 세그먼트", "Saved segment"),
    "segvar.customers": ("{size}명", "{size} customers"),
    "segvar.missing": ("삭제됨", "deleted"),
    "segvar.segment": ("세그먼트", "Segment"),
    "segvar.everyone": ("전체", "Everyone"),
    "segvar.variants": ("세그먼트별 문구", "Per-segment text"),
    "segvar.variants_help": (
        "저장된 세그먼트마다 다른 문구를 쓸 수 있습니다. 비워 두면 그 세그먼트에는 기본 문구가 "
        "나갑니다.",
        "Write a different text for each saved segment; leave it empty to send the main text.",
    ),
    "segvar.unknown": (
        "세그먼트 '{segment}'가 저장되어 있지 않습니다: 세그먼트 목록에서 이름을 확인해 주세요.",
        "There is no saved segment '{segment}': check the name in the segments list.",
    ),
    "segvar.duplicate": (
        "세그먼트 '{segment}'에 문구가 두 번 있습니다: 하나만 남겨 주세요.",
        "Segment '{segment}' has two texts: keep one.",
    ),
    "segvar.empty": (
        "세그먼트 '{segment}'의 문구가 비어 있습니다.",
        "The text for segment '{segment}' is empty.",
    ),
}

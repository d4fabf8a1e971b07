"""Triage's messages: the ``socialops triage`` command and ``socialops train triage``."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "triage.unknown_taxonomy": (
        "분류 체계 '{value}'은(는) 없습니다. {choices} 중 하나를 써 주세요.",
        "Unknown taxonomy '{value}': use one of {choices}.",
    ),
    "triage.done": (
        "{rows:,}행을 분류해 {out}에 썼습니다 (문의 {inquiry:,}, 불만 {complaint:,}, "
        "칭찬 {praise:,}, 제안 {suggestion:,}, 스팸/욕설 {spam:,}, 기타 {other:,}, "
        "답변 필요 {needs_reply:,}, 긴급 {urgent:,}).",
        "triaged {rows:,} rows → {out} (inquiry {inquiry:,}, complaint {complaint:,}, "
        "praise {praise:,}, suggestion {suggestion:,}, spam {spam:,}, other {other:,}; "
        "needs a reply {needs_reply:,}, urgent {urgent:,}).",
    ),
}

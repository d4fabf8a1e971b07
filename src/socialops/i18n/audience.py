"""Audience files' messages (:mod:`socialops.segment.audience`, ``socialops audience
export|exports``)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "audience.country_unknown": (
        "국가 '{country}'의 전화번호 규칙을 모릅니다: {choices} 중 하나를 써 주세요.",
        "No phone numbering rules for country '{country}': use one of {choices}.",
    ),
}

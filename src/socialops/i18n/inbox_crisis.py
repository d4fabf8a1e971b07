"""The inbox's crisis cases opened from listening (socialops.engage.crisis): the message that
summarises a negative spike of a tracked topic, and the managers' notification."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "inbox.crisis.spike": (
        "소셜 리스닝: '{topic}'의 부정 언급이 급증했습니다({period}). 언급 {mentions}건 중 "
        "부정 {negative}건({share}), 평소 부정 언급은 약 {baseline}건입니다. 주요 단어: {words}.",
        "Listening: negative mentions of '{topic}' spiked ({period}). {negative} of {mentions} "
        "mentions were negative ({share}), against about {baseline} usually. Top words: {words}.",
    ),
    "inbox.crisis.spike_grew": (
        "소셜 리스닝: '{topic}'의 부정 언급 급증이 이어지고 있습니다({period}). 언급 {mentions}건 "
        "중 부정 {negative}건({share}). 주요 단어: {words}.",
        "Listening: the negative spike of '{topic}' goes on ({period}). {negative} of "
        "{mentions} mentions were negative ({share}). Top words: {words}.",
    ),
    "inbox.crisis.no_words": ("두드러진 단어 없음", "none stand out"),
    "inbox.crisis.author": ("리스닝 · {topic}", "Listening · {topic}"),
    "inbox.crisis.alert": (
        "위기 단계 {level}: '{topic}'의 부정 언급 급증({period}, 부정 {share}) — 케이스 #{case}",
        "Crisis level {level}: negative spike of '{topic}' ({period}, {share} negative) — "
        "case #{case}",
    ),
    "inbox.crisis.alert_no_level": (
        "'{topic}'의 부정 언급 급증({period}, 부정 {share}) — 긴급 케이스 #{case}",
        "Negative spike of '{topic}' ({period}, {share} negative) — urgent case #{case}",
    ),
}

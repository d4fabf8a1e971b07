"""``tokens``: Korean morphemes (Kiwi, ``form/TAG``) or English words, and content lemmas.

Also passes on, for Korean posts, the ``(form, tag)`` morphemes (``_morphs``, for keywords) and
whether each morpheme starts a word (``_word_starts``, for match units); not stored."""

from __future__ import annotations

from typing import Any

from socialops.nlp import en, ko
from socialops.nlp.registry import REGISTRY, Component, Work

__all__ = ["COMPONENT"]


def version() -> str:
    return f"kiwi-{ko.kiwi_version()}/en-{en.VERSION}"


def run(work: Work) -> dict[str, Any]:
    n = work.rows
    texts: list[str] = work["text_norm"]
    langs: list[str | None] = work["lang"]
    tokens: list[list[str]] = [[] for _ in range(n)]
    lemmas: list[list[str]] = [[] for _ in range(n)]
    morphs: list[list[tuple[str, str]] | None] = [None] * n
    word_starts: list[list[bool] | None] = [None] * n
    ko_idx = [i for i, lg in enumerate(langs) if lg == "ko"]
    if ko_idx:
        for i, words in zip(ko_idx, ko.analyse_words([texts[i] for i in ko_idx]), strict=True):
            tokens[i] = [f"{f}/{t}" for f, t, _, _ in words]
            lemmas[i] = [lm for _, t, lm, _ in words if t.partition("-")[0] in ko.CONTENT_TAGS]
            morphs[i] = [(f, t) for f, t, _, _ in words]
            word_starts[i] = [w for _, _, _, w in words]
    for i, lg in enumerate(langs):
        if lg in ("en", "other"):
            tokens[i], lemmas[i] = en.tokenize(texts[i])
    return {"tokens": tokens, "lemmas": lemmas, "_morphs": morphs, "_word_starts": word_starts}


COMPONENT = REGISTRY.add(
    Component(
        "tokens",
        version,
        requires=("text_norm", "lang"),
        assigns=("tokens", "lemmas", "_morphs", "_word_starts"),
        run=run,
    )
)

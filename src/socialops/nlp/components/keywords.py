"""``keywords``: keyword candidates of a post (:mod:`socialops.nlp.keywords`): Korean content
morphemes, English lemmas, and the hashtags."""

from __future__ import annotations

from typing import Any

from socialops.nlp import keywords
from socialops.nlp.registry import REGISTRY, Component, Work

__all__ = ["COMPONENT"]


def run(work: Work) -> dict[str, Any]:
    langs: list[str | None] = work["lang"]
    lemmas: list[list[str]] = work["lemmas"]
    hashtags: list[list[str]] = work["hashtags"]
    morphs: list[list[tuple[str, str]] | None] = work["_morphs"]
    out: list[list[str]] = [[] for _ in range(work.rows)]
    for i, lg in enumerate(langs):
        if lg == "ko":
            out[i] = keywords.keywords_ko(morphs[i] or [], hashtags[i])
        elif lg in ("en", "other"):
            out[i] = keywords.keywords_en(lemmas[i], hashtags[i])
    return {"keywords": out}


COMPONENT = REGISTRY.add(
    Component(
        "keywords",
        keywords.VERSION,
        requires=("lang", "lemmas", "hashtags", "_morphs"),
        assigns=("keywords",),
        run=run,
    )
)

"""``match``: the post's tokens as topic-query match units (:func:`socialops.nlp.match.match_text`),
noun compounds kept within a word."""

from __future__ import annotations

from typing import Any

from socialops.nlp import match
from socialops.nlp.registry import REGISTRY, Component, Work

__all__ = ["COMPONENT"]


def run(work: Work) -> dict[str, Any]:
    of_morphs, of_tokens = match.match_text_of_morphs, match.match_text
    return {
        "match_text": [
            # Korean posts come with their (form, tag) morphemes: no "form/TAG" to split again
            of_morphs(m, w) if m is not None else of_tokens(t, w)
            for t, m, w in zip(work["tokens"], work["_morphs"], work["_word_starts"], strict=True)
        ]
    }


COMPONENT = REGISTRY.add(
    Component(
        "match",
        match.VERSION,
        requires=("tokens", "_morphs", "_word_starts"),
        assigns=("match_text",),
        run=run,
    )
)

"""``match``: the post's tokens as topic-query match units (:func:`socialops.nlp.match.match_text`),
noun compounds kept within a word."""

from __future__ import annotations

from typing import Any

from socialops.nlp import match
from socialops.nlp.registry import REGISTRY, Component, Work

__all__ = ["COMPONENT"]


def run(work: Work) -> dict[str, Any]:
    return {
        "match_text": [
            match.match_text(t, w)
            for t, w in zip(work["tokens"], work["_word_starts"], strict=True)
        ]
    }


COMPONENT = REGISTRY.add(
    Component(
        "match",
        match.VERSION,
        requires=("tokens", "_word_starts"),
        assigns=("match_text",),
        run=run,
    )
)

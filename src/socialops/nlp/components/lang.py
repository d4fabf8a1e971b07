"""``lang``: ko | en | other per post (:func:`socialops.nlp.lang.detect`, the declared
``language`` as a hint); ``None`` for a post without text."""

from __future__ import annotations

from typing import Any

from socialops.nlp import lang
from socialops.nlp.registry import REGISTRY, Component, Work

__all__ = ["COMPONENT"]


def run(work: Work) -> dict[str, Any]:
    return {
        "lang": [
            lang.detect(t, d) if t else None
            for t, d in zip(work["text_norm"], work["language"], strict=True)
        ]
    }


COMPONENT = REGISTRY.add(
    Component("lang", lang.VERSION, requires=("text_norm", "language"), assigns=("lang",), run=run)
)

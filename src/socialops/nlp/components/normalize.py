"""``normalize``: NFC text with runs folded, and the URLs, mentions, hashtags and emojis in it
(:func:`socialops.nlp.normalize.normalize`)."""

from __future__ import annotations

from typing import Any

from socialops.nlp import normalize
from socialops.nlp.registry import REGISTRY, Component, Work

__all__ = ["COMPONENT"]


def run(work: Work) -> dict[str, Any]:
    norms = [normalize.normalize(t) for t in work["text"]]
    return {
        "text_norm": [nt.text for nt in norms],
        "urls": [nt.urls for nt in norms],
        "mentions": [nt.mentions for nt in norms],
        "hashtags": [nt.hashtags for nt in norms],
        "emojis": [nt.emojis for nt in norms],
    }


COMPONENT = REGISTRY.add(
    Component(
        "normalize",
        normalize.VERSION,
        requires=("text",),
        assigns=("text_norm", "urls", "mentions", "hashtags", "emojis"),
        run=run,
    )
)

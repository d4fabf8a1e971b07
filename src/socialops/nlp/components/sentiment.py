"""``sentiment``: negative | neutral | positive and a score in -1 … 1, from the Korean linear
model (over Kiwi tokens) or the English one; ``None`` for other languages."""

from __future__ import annotations

from typing import Any

from socialops.nlp.registry import REGISTRY, Component, Work

__all__ = ["COMPONENT"]


def version() -> str:
    # the models' modules import numpy, scipy, scikit-learn and VADER: imported when first
    # needed, so that importing the pipeline (the CLI, the web) stays fast
    from socialops.nlp.sentiment_en import EnSentiment
    from socialops.nlp.sentiment_ko import KoSentiment

    return f"{KoSentiment.VERSION}/{EnSentiment.VERSION}"


def run(work: Work) -> dict[str, Any]:
    from socialops.nlp.sentiment_en import EnSentiment  # heavy: see version()
    from socialops.nlp.sentiment_ko import KoSentiment

    n = work.rows
    texts: list[str] = work["text_norm"]
    langs: list[str | None] = work["lang"]
    tokens: list[list[str]] = work["tokens"]
    sentiment: list[str | None] = [None] * n
    score: list[float | None] = [None] * n
    ko_idx = [i for i, lg in enumerate(langs) if lg == "ko"]
    if ko_idx:
        labels, scores = KoSentiment.load().score(
            [tokens[i] for i in ko_idx], [texts[i] for i in ko_idx]
        )
        for i, lab, sc in zip(ko_idx, labels, scores.tolist(), strict=True):
            sentiment[i] = lab
            score[i] = round(float(sc), 6)
    en_idx = [i for i, lg in enumerate(langs) if lg == "en"]
    if en_idx:
        labels, scores = EnSentiment.load().score([texts[i] for i in en_idx])
        for i, lab, sc in zip(en_idx, labels, scores.tolist(), strict=True):
            sentiment[i] = lab
            score[i] = round(float(sc), 6)
    return {"sentiment": sentiment, "sentiment_score": score}


COMPONENT = REGISTRY.add(
    Component(
        "sentiment",
        version,
        requires=("tokens", "text_norm", "lang"),
        assigns=("sentiment", "sentiment_score"),
        run=run,
    )
)

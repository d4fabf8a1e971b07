"""``sentiment``: negative | neutral | positive and a score in -1 … 1, from the Korean linear
model (over Kiwi tokens) or the English one; ``None`` for other languages."""

from __future__ import annotations

from typing import Any

from socialops.nlp.registry import REGISTRY, Component, Work

__all__ = ["COMPONENT"]


def version() -> str:
    # the models' own modules import numpy, scipy, scikit-learn and VADER: each is imported
    # when a batch has text in its language (a Korean-only enrichment never loads the English
    # model), and the versions come from a light module
    from socialops.nlp.sentiment_versions import EN_VERSION, KO_VERSION

    return f"{KO_VERSION}/{EN_VERSION}"


def run(work: Work) -> dict[str, Any]:
    n = work.rows
    texts: list[str] = work["text_norm"]
    langs: list[str | None] = work["lang"]
    tokens: list[list[str]] = work["tokens"]
    sentiment: list[str | None] = [None] * n
    score: list[float | None] = [None] * n
    ko_idx = [i for i, lg in enumerate(langs) if lg == "ko"]
    if ko_idx:
        from socialops.nlp.sentiment_ko import KoSentiment  # heavy: see version()

        labels, scores = KoSentiment.load().score(
            [tokens[i] for i in ko_idx], [texts[i] for i in ko_idx]
        )
        for i, lab, sc in zip(ko_idx, labels, scores.tolist(), strict=True):
            sentiment[i] = lab
            score[i] = round(float(sc), 6)
    en_idx = [i for i, lg in enumerate(langs) if lg == "en"]
    if en_idx:
        from socialops.nlp.sentiment_en import EnSentiment  # heavy: see version()

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

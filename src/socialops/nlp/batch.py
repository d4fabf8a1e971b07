"""Batch sentiment scoring of texts (pure: no files, no store): the scores behind
``socialops sentiment FILE ...`` (:mod:`socialops.listen.sentiment_file` reads and writes the
file).
"""

from __future__ import annotations

from socialops.nlp import ko, lang, normalize

__all__ = ["score_texts"]


def score_texts(texts: list[str], language: str = "auto") -> list[tuple[str | None, float | None]]:
    """Sentiment of each text; ``language`` is ko, en or auto (per text)."""
    # the models' modules import numpy, scipy, scikit-learn and VADER (seconds): imported when
    # a file is scored, not when the CLI starts
    from socialops.nlp.sentiment_en import EnSentiment
    from socialops.nlp.sentiment_ko import KoSentiment

    norm = [normalize.normalize(t).text for t in texts]
    if language == "auto":
        langs = [lang.detect(t) if t else None for t in norm]
    else:
        langs = [language if t else None for t in norm]
    out: list[tuple[str | None, float | None]] = [(None, None)] * len(texts)
    ko_idx = [i for i, lg in enumerate(langs) if lg == "ko"]
    if ko_idx:
        morphs = ko.analyse([norm[i] for i in ko_idx])
        toks = [[f"{f}/{t}" for f, t, _ in m] for m in morphs]
        labels, scores = KoSentiment.load().score(toks, [norm[i] for i in ko_idx])
        for i, lab, sc in zip(ko_idx, labels, scores.tolist(), strict=True):
            out[i] = (lab, round(float(sc), 4))
    en_idx = [i for i, lg in enumerate(langs) if lg == "en"]
    if en_idx:
        labels, scores = EnSentiment.load().score([norm[i] for i in en_idx])
        for i, lab, sc in zip(en_idx, labels, scores.tolist(), strict=True):
            out[i] = (lab, round(float(sc), 4))
    return out

"""The enrichment pipeline: one pure function over Arrow record batches.

``enrich_batch(batch, tz)`` takes rows in :data:`socialops.domain.post.POST_SCHEMA` and returns
them in :data:`ENRICHED_SCHEMA`. It has no side effects and depends only on its input and the
shipped models, so the local process pool and Spark (``mapInArrow``) run the very same code and
give the very same rows.

Components are named and versioned (like spaCy's): each row records in ``enriched_by`` which
versions made it, e.g. ``lang@1,normalize@1,tokens@kiwi-0.24.1/en-1,sentiment@ko-linear-1/...``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from socialops.domain.post import ENRICHED_SCHEMA
from socialops.nlp import en, keywords, ko, lang, match, normalize

__all__ = ["COMPONENTS", "Component", "enrich_batch", "enrich_batches", "pipeline_id"]


@dataclass(frozen=True)
class Component:
    name: str
    requires: tuple[str, ...]
    assigns: tuple[str, ...]

    @property
    def version(self) -> str:
        return _versions()[self.name]


COMPONENTS: tuple[Component, ...] = (
    Component("normalize", ("text",), ("text_norm", "urls", "mentions", "hashtags", "emojis")),
    Component("lang", ("text_norm", "language"), ("lang",)),
    Component("tokens", ("text_norm", "lang"), ("tokens", "lemmas")),
    Component("sentiment", ("tokens", "text_norm", "lang"), ("sentiment", "sentiment_score")),
    Component("keywords", ("tokens", "lemmas", "hashtags"), ("keywords",)),
    Component("match", ("tokens",), ("match_text",)),
    Component("time", ("created_at",), ("day", "hour", "month")),
)


@cache
def _versions() -> dict[str, str]:
    from socialops.nlp.sentiment_en import EnSentiment
    from socialops.nlp.sentiment_ko import KoSentiment

    return {
        "normalize": normalize.VERSION,
        "lang": lang.VERSION,
        "tokens": f"kiwi-{ko.kiwi_version()}/en-{en.VERSION}",
        "sentiment": f"{KoSentiment.VERSION}/{EnSentiment.VERSION}",
        "keywords": keywords.VERSION,
        "match": match.VERSION,
        "time": "2",
    }


def pipeline_id() -> str:
    """The versions of every component, as stored in ``enriched_by``."""
    return ",".join(f"{c.name}@{c.version}" for c in COMPONENTS)


def _local_days(created_at: pa.Array, tz: str) -> tuple[pa.Array, pa.Array, pa.Array]:
    local = pc.local_timestamp(created_at.cast(pa.timestamp("us", tz=tz)))
    day = local.cast(pa.date32())
    hour = pc.hour(local).cast(pa.int8())
    month = pc.fill_null(pc.strftime(local, format="%Y-%m"), "undated")
    return day, hour, month


def enrich_batch(batch: pa.RecordBatch, tz: str = "Asia/Seoul") -> pa.RecordBatch:
    """Enrich one batch of canonical posts. Pure: same input, same output."""
    from socialops.nlp.sentiment_en import EnSentiment
    from socialops.nlp.sentiment_ko import KoSentiment

    n = batch.num_rows
    texts: list[str | None] = batch.column("text").to_pylist()
    declared: list[str | None] = batch.column("language").to_pylist()

    norms = [normalize.normalize(t) for t in texts]
    langs: list[str | None] = [
        lang.detect(nt.text, d) if nt.text else None for nt, d in zip(norms, declared, strict=True)
    ]
    tokens: list[list[str]] = [[] for _ in range(n)]
    lemmas: list[list[str]] = [[] for _ in range(n)]
    kws: list[list[str]] = [[] for _ in range(n)]
    sentiment: list[str | None] = [None] * n
    score: list[float | None] = [None] * n

    word_starts: list[list[bool] | None] = [None] * n
    ko_idx = [i for i, lg in enumerate(langs) if lg == "ko"]
    if ko_idx:
        morphs_all = ko.analyse_words([norms[i].text for i in ko_idx])
        for i, morphs in zip(ko_idx, morphs_all, strict=True):
            tokens[i] = [f"{f}/{t}" for f, t, _, _ in morphs]
            lemmas[i] = [lm for _, t, lm, _ in morphs if t.partition("-")[0] in ko.CONTENT_TAGS]
            kws[i] = keywords.keywords_ko([(f, t) for f, t, _, _ in morphs], norms[i].hashtags)
            word_starts[i] = [w for _, _, _, w in morphs]
        labels, scores = KoSentiment.load().score(
            [tokens[i] for i in ko_idx], [norms[i].text for i in ko_idx]
        )
        for i, lab, sc in zip(ko_idx, labels, scores.tolist(), strict=True):
            sentiment[i] = lab
            score[i] = round(float(sc), 6)

    en_idx: list[int] = []
    for i, lg in enumerate(langs):
        if lg in ("en", "other"):
            tokens[i], lemmas[i] = en.tokenize(norms[i].text)
            kws[i] = keywords.keywords_en(lemmas[i], norms[i].hashtags)
            if lg == "en":
                en_idx.append(i)
    if en_idx:
        labels, scores = EnSentiment.load().score([norms[i].text for i in en_idx])
        for i, lab, sc in zip(en_idx, labels, scores.tolist(), strict=True):
            sentiment[i] = lab
            score[i] = round(float(sc), 6)

    day, hour, month = _local_days(batch.column("created_at"), tz)
    strs = pa.list_(pa.string())
    added: dict[str, Any] = {
        "lang": pa.array(langs, pa.string()),
        "text_norm": pa.array([nt.text for nt in norms], pa.string()),
        "urls": pa.array([nt.urls for nt in norms], strs),
        "mentions": pa.array([nt.mentions for nt in norms], strs),
        "hashtags": pa.array([nt.hashtags for nt in norms], strs),
        "emojis": pa.array([nt.emojis for nt in norms], strs),
        "tokens": pa.array(tokens, strs),
        "lemmas": pa.array(lemmas, strs),
        "sentiment": pa.array(sentiment, pa.string()),
        "sentiment_score": pa.array(score, pa.float64()),
        "keywords": pa.array(kws, strs),
        "match_text": pa.array(
            [match.match_text(t, w) for t, w in zip(tokens, word_starts, strict=True)], pa.string()
        ),
        "enriched_by": pa.array([pipeline_id()] * n, pa.string()),
        "day": day,
        "hour": hour,
        "month": month,
    }
    columns = [
        batch.column(f.name) if f.name in batch.schema.names else added[f.name]
        for f in ENRICHED_SCHEMA
    ]
    return pa.RecordBatch.from_arrays(columns, schema=ENRICHED_SCHEMA)


def enrich_batches(
    batches: Iterator[pa.RecordBatch] | Sequence[pa.RecordBatch], tz: str = "Asia/Seoul"
) -> Iterator[pa.RecordBatch]:
    """``mapInArrow``-shaped: an iterator of batches in, enriched batches out."""
    for b in batches:
        if b.num_rows:
            yield enrich_batch(b, tz)

"""Descriptive statistics over enriched posts, the same on every engine.

Each function takes the Ibis table of enriched posts (``AnalyticsStore.posts()``), builds ONE Ibis
expression, runs it, and returns plain Python data (``int``, ``str``, ``float``, ``None``, lists and
dicts) in a deterministic order. Shares and ratios are computed in Python from integer counts and
rounded to :data:`DIGITS` places, so DuckDB and Spark give equal results.

:func:`summary` gathers them all; it is what ``socialops stats --json`` prints. Its keys:

``totals``
    ``posts``, ``authors`` (distinct platform + author_id, or author_handle where there is no
    id), ``dated``, ``undated`` (no ``day``),
    ``first_day``, ``last_day`` (ISO dates, or null when nothing is dated).
``platforms`` / ``languages``
    ``[{"platform"|"lang": str, "posts": int}]``, most posts first, ties by name; posts without
    a detected language are counted as ``"unknown"``.
``days``
    ``[{"day": "YYYY-MM-DD", "posts": int}]`` by local day, oldest first; undated posts left out.
``sentiment``
    ``posts``, ``scored`` (with a sentiment label), ``negative``/``neutral``/``positive`` counts,
    ``shares`` (each label / scored), ``net`` = (positive − negative) / (positive + negative),
    ``net_share`` = %positive − %negative (as a fraction of scored), ``mean_score`` (mean
    ``sentiment_score``); ratios are null when their denominator is 0.
``sentiment_by_lang``
    the same fields plus ``lang``, one entry per language, most posts first, ties by name.
``top_keywords``
    ``[{"keyword": str, "posts": int}]``: posts whose ``keywords`` contain it (keyword lists hold
    no repeats, see :func:`top_keywords`), most first, ties by keyword (code point order), at most
    ``top``; empty strings are skipped.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import ibis

from socialops.store.analytics import fetch_arrow

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = [
    "DIGITS",
    "LABELS",
    "by_day",
    "by_lang",
    "by_platform",
    "sentiment",
    "sentiment_by_lang",
    "summary",
    "top_keywords",
    "totals",
]

DIGITS = 4
LABELS = ("negative", "neutral", "positive")
UNKNOWN_LANG = "unknown"


def _rows(expr: ir.Table) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = fetch_arrow(expr).to_pylist()
    return rows


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    return str(value.isoformat())


def _ratio(num: float, den: float) -> float | None:
    return None if not den else round(num / den, DIGITS)


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), DIGITS)


def totals(t: ir.Table) -> dict[str, Any]:
    """Posts, distinct authors, dated/undated and the first and last local day."""
    # per platform first: author ids are unique within a platform, so the distinct authors of
    # the store are the sum of each platform's (cheaper than distinct platform+author strings)
    per = t.group_by("platform").aggregate(
        posts=ibis._.count(),
        # an author is known by id, or by handle where the source gives no id
        authors=ibis._.author_id.fill_null(ibis._.author_handle).nunique(),
        dated=ibis._.day.count(),
        first_day=ibis._.day.min(),
        last_day=ibis._.day.max(),
    )
    expr = per.aggregate(
        posts=per.posts.sum(),
        authors=per.authors.sum(),
        dated=per.dated.sum(),
        first_day=per.first_day.min(),
        last_day=per.last_day.max(),
    )
    (row,) = _rows(expr)
    posts, dated = int(row["posts"]), int(row["dated"] or 0)
    return {
        "posts": posts,
        "authors": int(row["authors"] or 0),
        "dated": dated,
        "undated": posts - dated,
        "first_day": _iso(row["first_day"]),
        "last_day": _iso(row["last_day"]),
    }


def _counts_by(t: ir.Table, column: str, fill: str | None = None) -> list[dict[str, Any]]:
    agg = t.group_by(k=t[column]).aggregate(posts=ibis._.count())
    if fill is not None:  # after grouping: one coalesce per group, not per row
        agg = agg.mutate(k=agg.k.fill_null(fill))
    expr = agg.order_by([ibis.desc("posts"), ibis.asc("k")])
    return [{column: r["k"], "posts": int(r["posts"])} for r in _rows(expr)]


def by_platform(t: ir.Table) -> list[dict[str, Any]]:
    """``[{"platform", "posts"}]``, most posts first."""
    return _counts_by(t, "platform")


def by_lang(t: ir.Table) -> list[dict[str, Any]]:
    """``[{"lang", "posts"}]``, most posts first; no detected language → ``"unknown"``."""
    return _counts_by(t, "lang", UNKNOWN_LANG)


def by_day(t: ir.Table) -> list[dict[str, Any]]:
    """``[{"day": "YYYY-MM-DD", "posts"}]`` oldest first; undated posts are left out."""
    expr = (
        t.filter(t.day.notnull())
        .group_by(day=t.day)
        .aggregate(posts=ibis._.count())
        .order_by("day")
    )
    return [{"day": _iso(r["day"]), "posts": int(r["posts"])} for r in _rows(expr)]


def _sentiment_metrics(t: ir.Table) -> dict[str, ir.Scalar]:
    return {
        "posts": t.count(),
        "scored": t.sentiment.count(),
        **{label: t.count(where=t.sentiment == label) for label in LABELS},
        "mean_score": t.sentiment_score.mean(),
    }


def _sentiment_row(row: dict[str, Any]) -> dict[str, Any]:
    counts = {label: int(row[label] or 0) for label in LABELS}
    scored = int(row["scored"] or 0)
    pos, neg = counts["positive"], counts["negative"]
    return {
        "posts": int(row["posts"]),
        "scored": scored,
        **counts,
        "shares": {label: _ratio(counts[label], scored) for label in LABELS},
        "net": _ratio(pos - neg, pos + neg),
        "net_share": _ratio(pos - neg, scored),
        "mean_score": _round(row["mean_score"]),
    }


def sentiment(t: ir.Table) -> dict[str, Any]:
    """Sentiment counts, shares and net sentiment over all posts."""
    (row,) = _rows(t.aggregate(**_sentiment_metrics(t)))
    return _sentiment_row(row)


def sentiment_by_lang(t: ir.Table) -> list[dict[str, Any]]:
    """:func:`sentiment` per language, most posts first."""
    agg = t.group_by("lang").aggregate(**_sentiment_metrics(t))
    agg = agg.mutate(lang=agg.lang.fill_null(UNKNOWN_LANG))  # lang is ko | en | other | null
    expr = agg.order_by([ibis.desc("posts"), ibis.asc("lang")])
    return [{"lang": r["lang"], **_sentiment_row(r)} for r in _rows(expr)]


def top_keywords(t: ir.Table, n: int = 20, counts: ir.Table | None = None) -> list[dict[str, Any]]:
    """The ``n`` keywords found in most posts: ``[{"keyword", "posts"}]``.

    Counts keyword occurrences, which equals posts because a post's ``keywords`` hold no repeats
    (:mod:`socialops.nlp.keywords` guarantees it); deduplicating each list here
    (``keywords.unique()``) would cost DuckDB about 3.5x the time of the whole query.

    ``counts``: the store's keyword rollup (:meth:`AnalyticsStore.keyword_counts`, columns
    ``keyword``, ``posts``) over exactly the rows of ``t``; summing it gives the same answer
    without unnesting every list again.
    """
    if counts is None:
        kw = t.select(keyword=t.keywords.unnest())
        agg = (
            kw.filter(kw.keyword.notnull() & (kw.keyword != ""))
            .group_by("keyword")
            .aggregate(posts=ibis._.count())
        )
    else:
        agg = counts.group_by("keyword").aggregate(posts=counts.posts.sum())
    expr = agg.order_by([ibis.desc("posts"), ibis.asc("keyword")]).limit(max(int(n), 0))
    return [{"keyword": r["keyword"], "posts": int(r["posts"])} for r in _rows(expr)]


def summary(t: ir.Table, top: int = 20, keyword_counts: ir.Table | None = None) -> dict[str, Any]:
    """Every statistic above in one dict (see the module docstring for its keys).

    ``keyword_counts``: the store's keyword rollup for ``t``, see :func:`top_keywords`."""
    return {
        "totals": totals(t),
        "platforms": by_platform(t),
        "languages": by_lang(t),
        "days": by_day(t),
        "sentiment": sentiment(t),
        "sentiment_by_lang": sentiment_by_lang(t),
        "top_keywords": top_keywords(t, top, keyword_counts),
    }

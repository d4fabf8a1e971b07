"""Mention volume, share of voice and sentiment over time, per topic (one scan for all three).

Formulas (../shared/PRODUCT.md):

- share of voice = a topic's mentions / the mentions of every topic of its *competitive set*
  × 100 (a post that names two brands is a mention of each). A set is our brand and its
  competitors as the user groups them (``Topic.competitive_set``); topics without a set form one
  group of their own. Shares are never computed across sets: airlines are not compared with
  films;
- net sentiment = (positive − negative) / (positive + negative), ``null`` when both are 0; also
  ``pct_positive − pct_negative`` where the shares are of posts with a sentiment (positive,
  neutral, negative); posts without one (languages other than ko/en) are counted as ``unscored``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from socialops.listen.scope import (
    SENTIMENTS,
    CountRows,
    ResultTable,
    Scope,
    count_rows,
    undated_counts,
)

if TYPE_CHECKING:
    from socialops.listen.topics import Topic
    from socialops.store.analytics import AnalyticsStore

__all__ = [
    "kpis",
    "net_sentiment",
    "sentiment",
    "sentiment_tables",
    "sov",
    "sov_groups",
    "sov_tables",
    "undated_notes",
    "volume",
    "volume_tables",
]


def _pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 2) if whole else None


def net_sentiment(pos: int, neg: int) -> float | None:
    return round((pos - neg) / (pos + neg), 4) if pos + neg else None


def _head(name: str, scope: Scope, topics: Sequence[Topic], rows: CountRows) -> dict[str, Any]:
    return {
        "analysis": name,
        "scope": scope.to_dict(),
        "topics": [t.name for t in topics],
        "periods": rows.periods,
    }


def volume(
    store: AnalyticsStore,
    scope: Scope,
    topics: Sequence[Topic],
    rows: CountRows | None = None,
) -> dict[str, Any]:
    """Posts matching each topic per period, and all posts in scope (the collection volume)."""
    rows = rows or count_rows(store, scope, topics)
    out = _head("volume", scope, topics, rows)
    all_series = rows.series(0)
    out["all_posts"] = {"total": sum(all_series), "series": all_series}
    # posts without a date cannot be in a period: counted here, so that pages say so
    out["undated"] = undated_counts(store, scope, topics)
    out["results"] = []
    for i, t in enumerate(topics):
        series = rows.series(i + 1)
        out["results"].append(
            {"topic": t.name, "kind": t.kind, "total": sum(series), "series": series}
        )
    return out


def sov_groups(topics: Sequence[Topic]) -> dict[str, list[Topic]]:
    """``topics`` by competitive set, in the order each set first appears ('': no set)."""
    groups: dict[str, list[Topic]] = {}
    for t in topics:
        groups.setdefault(t.competitive_set, []).append(t)
    return groups


def sov(
    store: AnalyticsStore,
    scope: Scope,
    topics: Sequence[Topic],
    rows: CountRows | None = None,
) -> dict[str, Any]:
    """Share of voice of each topic within its competitive set, in total and per period.

    ``results`` lists every topic (with its ``set``; ``share`` is of its set's mentions) and
    ``sets`` each set with its topics and total; a set of one topic has a share of 100 % and
    says little, so the caller may hide it."""
    rows = rows or count_rows(store, scope, topics)
    out = _head("sov", scope, topics, rows)
    idx = {t.name: i + 1 for i, t in enumerate(topics)}
    series = {t.name: rows.series(idx[t.name]) for t in topics}
    totals = {n: sum(s) for n, s in series.items()}
    out["total_mentions"] = sum(totals.values())
    out["results"] = []
    out["sets"] = []
    for name, members in sov_groups(topics).items():
        grand = sum(totals[t.name] for t in members)
        per_period = [sum(series[t.name][k] for t in members) for k in range(len(rows.periods))]
        results = [
            {
                "topic": t.name,
                "kind": t.kind,
                "set": name,
                "mentions": totals[t.name],
                "share": _pct(totals[t.name], grand),
                "series": [
                    {"mentions": series[t.name][k], "share": _pct(series[t.name][k], per)}
                    for k, per in enumerate(per_period)
                ],
            }
            for t in members
        ]
        out["results"].extend(results)
        out["sets"].append(
            {"set": name, "topics": [t.name for t in members], "total_mentions": grand}
        )
    return out


def _sentiment_cell(pos: int, neu: int, neg: int, unscored: int) -> dict[str, Any]:
    scored = pos + neu + neg
    pp, pn = _pct(pos, scored), _pct(neg, scored)
    return {
        "positive": pos,
        "neutral": neu,
        "negative": neg,
        "unscored": unscored,
        "pct_positive": pp,
        "pct_neutral": _pct(neu, scored),
        "pct_negative": pn,
        "net_sentiment": net_sentiment(pos, neg),
        "pct_diff": round(pp - pn, 2) if pp is not None and pn is not None else None,
    }


def sentiment(
    store: AnalyticsStore,
    scope: Scope,
    topics: Sequence[Topic],
    rows: CountRows | None = None,
) -> dict[str, Any]:
    """Sentiment counts, shares and net sentiment per topic, in total and per period."""
    rows = rows or count_rows(store, scope, topics)
    out = _head("sentiment", scope, topics, rows)
    out["results"] = []
    for i, t in enumerate(topics):
        per = {s: rows.series(i + 1, s) for s in (*SENTIMENTS, "none")}
        cells = [
            _sentiment_cell(
                per["positive"][k], per["neutral"][k], per["negative"][k], per["none"][k]
            )
            for k in range(len(rows.periods))
        ]
        total = _sentiment_cell(*(sum(per[s]) for s in (*SENTIMENTS, "none")))
        out["results"].append({"topic": t.name, "kind": t.kind, **total, "series": cells})
    return out


# -- tables ------------------------------------------------------------------------------------
def volume_tables(result: dict[str, Any]) -> list[ResultTable]:
    names = [r["topic"] for r in result["results"]]
    rows = [
        [p, *(r["series"][k] for r in result["results"]), result["all_posts"]["series"][k]]
        for k, p in enumerate(result["periods"])
    ]
    return [ResultTable("volume", "Mention volume", ["period", *names, "all posts"], rows)]


def sov_tables(result: dict[str, Any]) -> list[ResultTable]:
    total = ResultTable.of(
        "sov", "Share of voice", result["results"], ["topic", "kind", "set", "mentions", "share"]
    )
    names = [r["topic"] for r in result["results"]]
    rows = [
        [p, *(r["series"][k]["share"] for r in result["results"])]
        for k, p in enumerate(result["periods"])
    ]
    return [
        total,
        ResultTable("sov_by_period", "Share of voice by period (%)", ["period", *names], rows),
    ]


_SENT_COLS = [
    "positive",
    "neutral",
    "negative",
    "unscored",
    "pct_positive",
    "pct_negative",
    "net_sentiment",
    "pct_diff",
]


def sentiment_tables(result: dict[str, Any]) -> list[ResultTable]:
    total = ResultTable.of("sentiment", "Sentiment", result["results"], ["topic", *_SENT_COLS])
    rows = [
        [r["topic"], p, *(r["series"][k][c] for c in _SENT_COLS)]
        for r in result["results"]
        for k, p in enumerate(result["periods"])
    ]
    by = ResultTable(
        "sentiment_by_period", "Sentiment by period", ["topic", "period", *_SENT_COLS], rows
    )
    return [total, by]


# -- the dashboard's KPIs and undated posts (issue 14, items 4 and 5) --------------------------
def _figures(store: AnalyticsStore, scope: Scope, topics: Sequence[Topic]) -> dict[str, Any]:
    day = Scope(scope.start, scope.end, "day", scope.platforms, scope.langs)
    rows = count_rows(store, day, topics)
    per = {s: sum(rows.total(i + 1, s) for i in range(len(topics))) for s in SENTIMENTS}
    return {
        "posts": rows.total(0),
        "mentions": sum(rows.total(i + 1) for i in range(len(topics))),
        "net_sentiment": net_sentiment(per["positive"], per["negative"]),
        "pct_negative": _pct(per["negative"], sum(per.values())),
    }


def kpis(store: AnalyticsStore, scope: Scope, topics: Sequence[Topic]) -> dict[str, Any]:
    """The dashboard's headline figures (posts in range, the topics' mentions, their net
    sentiment and negative share) for a resolved ``scope`` and for the previous period of the
    same length just before it, with the change: in % for counts, as a difference for net
    sentiment and for the negative share (points of %). ``previous`` is ``None`` (and every
    change too) when that period holds no post."""
    assert scope.start and scope.end, "resolve() the scope first"
    days = (scope.end - scope.start).days + 1
    b_start, b_end = scope.start - timedelta(days=days), scope.start - timedelta(days=1)
    cur = _figures(store, scope, topics)
    prev = _figures(store, Scope(b_start, b_end, "day", scope.platforms, scope.langs), topics)
    change: dict[str, float | None] = dict.fromkeys(cur)
    if prev["posts"]:
        for k in ("posts", "mentions"):
            change[k] = round(100.0 * (cur[k] - prev[k]) / prev[k], 1) if prev[k] else None
        for k, digits in (("net_sentiment", 3), ("pct_negative", 1)):
            a, b = cur[k], prev[k]
            change[k] = round(a - b, digits) if a is not None and b is not None else None
    return {
        "days": days,
        "current": cur,
        "previous": prev if prev["posts"] else None,
        "previous_range": {"from": b_start.isoformat(), "to": b_end.isoformat()},
        "change": change,
    }


def undated_notes(vol: dict[str, Any], tr: Callable[..., str]) -> list[str]:
    """Posts without a date, said (they are in no period): how many (``vol["undated"]`` of
    :func:`volume`), and which topics are mentioned only there (their counts by period are 0,
    never silently). ``tr(key, **params)`` renders a catalogue message."""
    undated = vol.get("undated") or {}
    total = int(undated.get("all") or 0)
    if not total:
        return []
    per = {k: int(v) for k, v in (undated.get("topics") or {}).items() if v}
    items = ", ".join(f"{k} {v:,}" for k, v in per.items())
    detail = tr("undated.detail", items=items) if per else ""
    notes = [tr("undated.note", n=f"{total:,}", detail=detail)]
    totals = {r["topic"]: r.get("total") for r in vol.get("results") or []}
    for name, n in per.items():
        if not totals.get(name):
            notes.append(tr("undated.only", name=name, n=f"{n:,}"))
    return notes

"""The value of one KPI over a window of local days, from the workspace's data.

- post metrics: posts of the given channels published in the window. A post known only to the
  month (``date_precision = 'month'``) counts when its month overlaps the window; how many did
  is in ``detail["month_dated"]``.
- conversions: rows of the UTM campaign (and sources) dated in the window.
- listening: posts in the window that match each topic (:func:`socialops.listen.scope.count_rows`,
  the scan behind ``socialops listen volume|sov|sentiment``), in the workspace's zone.

Every function returns plain numbers; pacing and notes are :mod:`socialops.plan.actuals`' job.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from socialops import settings
from socialops.domain.kpis import pct, ratio
from socialops.listen.scope import Scope, count_rows
from socialops.measure.metrics import conversion_rows, post_rows
from socialops.store.analytics import AnalyticsStore, open_store

if TYPE_CHECKING:
    from socialops.listen.topics import Topic
    from socialops.store.workspace import Workspace

__all__ = [
    "PLATFORMS",
    "ListeningFacts",
    "Window",
    "conversion_value",
    "conversions_in",
    "imported_cost",
    "listening_facts",
    "listening_store",
    "listening_value",
    "month_last_day",
    "post_value",
    "posts_in",
]

# listening platform names of a plan channel (the listening presets' ``platform`` values)
PLATFORMS: dict[str, tuple[str, ...]] = {"x": ("x", "twitter")}


@dataclass(frozen=True)
class Window:
    """Local days ``start..end`` (inclusive) in ``zone``."""

    start: date
    end: date
    zone: str = "Asia/Seoul"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def to_dict(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat(), "zone": self.zone}


def month_last_day(month: str) -> date:
    y, m = int(month[:4]), int(month[5:7])
    nxt = date(y + (m == 12), 1 if m == 12 else m + 1, 1)
    return nxt - timedelta(days=1)


# -- post metrics ------------------------------------------------------------------------------


def _post_day(row: dict[str, Any], tz: ZoneInfo) -> date | None:
    if row["date_precision"] == "minute":
        return datetime.fromisoformat(row["published_at"]).astimezone(tz).date()
    if row["date_precision"] == "day" and row["local_day"]:
        return date.fromisoformat(row["local_day"])
    return None


def posts_in(ws: Workspace, channels: Sequence[str], window: Window) -> list[dict[str, Any]]:
    """Post rows of ``channels`` in the window, each with ``period_day`` (the local day, or the
    month's first day in the window for month-dated posts) for timelines."""
    tz = ZoneInfo(window.zone)
    lo_month, hi_month = window.start.strftime("%Y-%m"), window.end.strftime("%Y-%m")
    out = []
    for r in post_rows(ws, list(channels)):
        day = _post_day(r, tz)
        if day is None:
            if not lo_month <= r["local_month"] <= hi_month:
                continue
            first = date.fromisoformat(r["local_month"] + "-01")
            r["period_day"] = max(first, window.start)
        elif window.start <= day <= window.end:
            r["period_day"] = day
        else:
            continue
        out.append(r)
    return out


def _sum(rows: Sequence[dict[str, Any]], name: str) -> tuple[float, int]:
    vals = [r[name] for r in rows if r[name] is not None]
    return float(sum(vals)), len(vals)


def _pair(rows: Sequence[dict[str, Any]], a: str, b: str) -> tuple[float, float, int]:
    both = [r for r in rows if r[a] is not None and r[b] is not None]
    return float(sum(r[a] for r in both)), float(sum(r[b] for r in both)), len(both)


def post_value(
    kpi: str, rows: Sequence[dict[str, Any]], spend: float | None = None
) -> tuple[float | None, dict[str, Any]]:
    """The KPI over ``rows`` (posts in the window) and what it was computed from."""
    detail: dict[str, Any] = {
        "posts": len(rows),
        "month_dated": sum(r["date_precision"] == "month" for r in rows),
    }
    if kpi == "posts":
        return float(len(rows)), detail
    if not rows:
        return None, detail
    value: float | None
    if kpi in ("reach", "impressions", "engagements", "clicks"):
        total, n = _sum(rows, kpi)
        detail["posts_reporting"] = n
        value = total if n else None
    elif kpi in ("engagement_rate", "engagement_rate_impressions", "virality_rate", "ctr"):
        num_f, den_f = {
            "engagement_rate": ("engagements", "reach"),
            "engagement_rate_impressions": ("engagements", "impressions"),
            "virality_rate": ("shares", "impressions"),
            "ctr": ("clicks", "impressions"),
        }[kpi]
        num, den, n = _pair(rows, num_f, den_f)
        detail.update({num_f: num, den_f: den, "posts_reporting": n})
        value = pct(num, den)
    elif kpi in ("conversation_rate", "amplification_rate", "applause_rate"):
        f = {"conversation_rate": "comments", "amplification_rate": "shares"}.get(kpi, "likes")
        total, n = _sum(rows, f)
        detail.update({f: total, "posts_reporting": n})
        value = ratio(total, n)
    elif kpi in ("cpc", "cost_per_engagement"):
        f = "clicks" if kpi == "cpc" else "engagements"
        total, n = _sum(rows, f)
        detail.update({f: total, "spend_krw": spend, "posts_reporting": n})
        value = ratio(spend, total) if n else None
    else:  # pragma: no cover - every post-metrics KPI is handled above
        raise KeyError(kpi)
    return value, detail


# -- conversions -------------------------------------------------------------------------------


def conversions_in(
    ws: Workspace, campaign: str, sources: Sequence[str] | None, window: Window
) -> list[dict[str, Any]]:
    lo, hi = window.start.isoformat(), window.end.isoformat()
    rows = conversion_rows(ws, campaign, list(sources) if sources is not None else None)
    return [r for r in rows if lo <= r["date"] <= hi]


def conversion_value(
    kpi: str, rows: Sequence[dict[str, Any]], spend: float | None = None
) -> tuple[float | None, dict[str, Any]]:
    conv = float(sum(r["conversions"] for r in rows))
    detail: dict[str, Any] = {"rows": len(rows), "conversions": conv}
    if not rows:
        return None, detail
    if kpi == "conversions":
        return conv, detail
    if kpi == "revenue":
        vals = [r["revenue_krw"] for r in rows if r["revenue_krw"] is not None]
        detail["rows_with_revenue"] = len(vals)
        return (float(sum(vals)) if vals else None), detail
    if kpi == "cpa":
        detail["spend_krw"] = spend
        return ratio(spend, conv), detail
    raise KeyError(kpi)  # pragma: no cover


def imported_cost(rows: Sequence[dict[str, Any]]) -> float | None:
    """The cost the conversions rows carry, ``None`` when none of them has one."""
    vals = [r["cost_krw"] for r in rows if r["cost_krw"] is not None]
    return float(sum(vals)) if vals else None


# -- listening ---------------------------------------------------------------------------------


@dataclass
class ListeningFacts:
    """Per topic: mentions, positive and negative posts, and mentions per local day."""

    window: Window
    zone: str | None  # the zone of the workspace's local days
    all_posts: int = 0  # posts in scope (whatever the topics)
    mentions: dict[str, int] = field(default_factory=dict)
    positive: dict[str, int] = field(default_factory=dict)
    negative: dict[str, int] = field(default_factory=dict)
    daily: dict[str, list[int]] = field(default_factory=dict)
    days: list[str] = field(default_factory=list)


@contextlib.contextmanager
def listening_store(ws: Workspace) -> Iterator[AnalyticsStore | None]:
    """The analytics store, or ``None`` when the workspace has no enriched posts."""
    if not ws.enriched_files():
        yield None
        return
    with open_store(ws, settings.get("engine")) as store:
        yield store


def listening_facts(
    store: AnalyticsStore,
    topics: Sequence[Topic],
    window: Window,
    platforms: Sequence[str] = (),
) -> ListeningFacts:
    scope = Scope(window.start, window.end, "day", tuple(platforms))
    rows = count_rows(store, scope, topics)
    facts = ListeningFacts(window, store.ws.zone(), all_posts=rows.total(0), days=rows.periods)
    for i, t in enumerate(topics, start=1):
        facts.mentions[t.name] = rows.total(i)
        facts.positive[t.name] = rows.total(i, "positive")
        facts.negative[t.name] = rows.total(i, "negative")
        facts.daily[t.name] = rows.series(i)
    return facts


def listening_value(
    kpi: str, facts: ListeningFacts, topic: str | None, plan_topics: Sequence[str]
) -> tuple[float | None, dict[str, Any]]:
    """``mentions``, ``share_of_voice`` or ``net_sentiment`` of ``topic`` (``None``: all the
    plan's topics together) among ``plan_topics``."""
    names = [topic] if topic else [t for t in plan_topics if t in facts.mentions]
    mentions = sum(facts.mentions.get(n, 0) for n in names)
    detail: dict[str, Any] = {"posts_in_scope": facts.all_posts, "mentions": mentions}
    if facts.all_posts == 0:
        return None, detail
    if kpi == "mentions":
        return float(mentions), detail
    if kpi == "share_of_voice":
        every = sum(facts.mentions.get(n, 0) for n in plan_topics)
        detail["all_topics_mentions"] = every
        return pct(mentions, every), detail
    if kpi == "net_sentiment":
        pos = sum(facts.positive.get(n, 0) for n in names)
        neg = sum(facts.negative.get(n, 0) for n in names)
        detail.update({"positive": pos, "negative": neg})
        return ratio(pos - neg, pos + neg), detail
    raise KeyError(kpi)  # pragma: no cover

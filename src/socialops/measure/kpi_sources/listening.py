"""KPIs from social listening: the plan's topics matched in the workspace's enriched posts
(mentions, share of voice, net sentiment), per local day in the workspace's zone."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from socialops.domain.kpis import Kpi, KpiUnmeasurable
from socialops.domain.plan import KpiTarget, Plan
from socialops.errors import PlanError
from socialops.i18n import both
from socialops.listen.scope import Scope, data_extent
from socialops.measure import sources as src
from socialops.measure.kpi_sources import KpiSource, MeasureContext, Measured, register

__all__ = ["SOURCE"]


def measure(ctx: MeasureContext, kpi: Kpi, target: KpiTarget, window: src.Window) -> Measured:
    m = Measured(None, {"window": window.to_dict()})
    tracked = ctx.topics()
    missing = [n for n in ctx.plan.topics if n not in tracked]
    if missing:
        m.note(*both("measure.topics_missing", topics=", ".join(missing)))
    store = ctx.store()
    if store is None:
        m.note(*both("measure.no_listening"))
        return m
    if not tracked or (target.topic is not None and target.topic not in tracked):
        return m
    platforms = ctx.platforms(target.channel) if target.channel else ()
    key = ("listening", window, platforms)
    if key not in ctx.memo:
        ctx.memo[key] = src.listening_facts(store, list(tracked.values()), window, platforms)
    facts: src.ListeningFacts = ctx.memo[key]
    plan_topics = list(tracked)
    m.value, detail = src.listening_value(kpi.id, facts, target.topic, plan_topics)
    m.detail.update(detail)
    m.has_data = facts.all_posts > 0
    names = [target.topic] if target.topic else plan_topics
    for n in names:
        for day, c in zip(facts.days, facts.daily[n], strict=True):
            if c:
                d = date.fromisoformat(day)
                m.series[d] = m.series.get(d, 0) + c
    where = f" ({', '.join(platforms)})" if platforms else ""
    m.note(
        f"토픽 {', '.join(names)}{where}: 기간 중 게시물 {facts.all_posts:,}개 중 언급 "
        f"{detail['mentions']:,}건.",
        f"Topics {', '.join(names)}{where}: {detail['mentions']:,} mentions among "
        f"{facts.all_posts:,} posts in the window.",
    )
    if facts.zone and facts.zone != window.zone:
        m.note(*both("measure.listening_zone", zone=facts.zone))
    return m


def last_day(ctx: MeasureContext, kpi: Kpi, target: KpiTarget, before: date) -> date | None:
    store = ctx.store()
    if store is None:
        return None
    extent = data_extent(store, Scope())
    if extent is None or extent[0] > before:
        return None
    return min(extent[1], before)


def check(plan: Plan, target: KpiTarget, kpi: Kpi, channels: Mapping[str, Any] | None) -> None:
    k = kpi.id
    if not plan.topics:
        raise KpiUnmeasurable(k, *both("kpi.no_topics"))
    if target.topic is not None and target.topic not in plan.topics:
        raise PlanError("plan.kpi_topic", kpi=k, topic=target.topic)
    if k == "share_of_voice":
        if target.topic is None:
            raise KpiUnmeasurable(k, *both("kpi.sov_topic"))
        if len(plan.topics) < 2:
            raise KpiUnmeasurable(k, *both("kpi.sov_two_topics"))


SOURCE = register(
    KpiSource(
        "listening",
        ("mentions", "share_of_voice", "net_sentiment"),
        measure,
        last_day,
        check,
        help="the workspace's enriched posts matched by the plan's topics",
    )
)

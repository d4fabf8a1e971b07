"""KPIs from imported per-post figures of the brand's own channels (``socialops metrics
import``): sums, rates and costs over the posts published in the window."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from socialops.domain.kpis import (
    METRIC_FIELDS,
    Kpi,
    KpiUnmeasurable,
    builtin_channels,
    channel_metric_gaps,
    check_spend,
)
from socialops.domain.plan import KpiTarget, Plan
from socialops.i18n import both
from socialops.measure import sources as src
from socialops.measure.kpi_sources import KpiSource, MeasureContext, Measured, register

__all__ = ["SOURCE"]

_SPEND = ("cpc", "cost_per_engagement")


def _channels(ctx: MeasureContext, target: KpiTarget) -> list[str]:
    return [target.channel] if target.channel else ctx.plan.channel_keys()


def measure(ctx: MeasureContext, kpi: Kpi, target: KpiTarget, window: src.Window) -> Measured:
    channels = _channels(ctx, target)
    rows = src.posts_in(ctx.ws, channels, window)
    m = Measured(None, {"window": window.to_dict(), "channels": channels})
    spend = ctx.spend(target, window, m) if kpi.id in _SPEND else None
    m.value, detail = src.post_value(kpi.id, rows, spend)
    m.detail.update(detail)
    m.has_data = bool(rows)
    if kpi.cumulative:
        for r in rows:
            amount = 1.0 if kpi.id == "posts" else r[kpi.id]
            if amount is not None:
                m.series[r["period_day"]] = m.series.get(r["period_day"], 0) + amount
    if not rows:
        m.note(*both("measure.no_post_metrics", channels=", ".join(channels)))
        return m
    month = detail["month_dated"]
    m.note(
        f"{', '.join(channels)} 게시물 {len(rows):,}개"
        + (f"(그중 {month:,}개는 월 단위 날짜: 달이 기간과 겹치면 포함)" if month else "")
        + ".",
        f"{len(rows):,} posts of {', '.join(channels)}"
        + (f" ({month:,} dated by month only, counted when the month overlaps)" if month else "")
        + ".",
    )
    return m


def last_day(ctx: MeasureContext, kpi: Kpi, target: KpiTarget, before: date) -> date | None:
    wide = src.Window(date(1990, 1, 1), before, ctx.plan.timezone)
    rows = src.posts_in(ctx.ws, _channels(ctx, target), wide)
    days = [
        r["period_day"]
        if r["date_precision"] != "month"
        else min(src.month_last_day(r["local_month"]), before)
        for r in rows
    ]
    return max(days, default=None)


def check(plan: Plan, target: KpiTarget, kpi: Kpi, channels: Mapping[str, Any] | None) -> None:
    """A cost KPI needs a budget; a channel must report the fields the KPI is computed from."""
    check_spend(plan, target)
    if target.channel is None:
        return
    if channels is None:
        channels = builtin_channels()
    gaps, why_ko, why_en = channel_metric_gaps(target.channel, channels.get(target.channel))
    missing = [f for f in kpi.needs if f in gaps]
    if missing or gaps >= METRIC_FIELDS:
        fields = ", ".join(missing) or "posts"
        reason = both(
            "kpi.channel_lacks", channel=target.channel, fields=fields, why_ko=why_ko, why_en=why_en
        )
        raise KpiUnmeasurable(kpi.id, *reason)


SOURCE = register(
    KpiSource(
        "post_metrics",
        (
            "reach",
            "impressions",
            "engagements",
            "engagement_rate",
            "engagement_rate_impressions",
            "conversation_rate",
            "amplification_rate",
            "applause_rate",
            "virality_rate",
            "posts",
            "clicks",
            "ctr",
            "cpc",
            "cost_per_engagement",
        ),
        measure,
        last_day,
        check,
        help="imported per-post figures of the brand's own channels",
    )
)

"""KPIs from imported web-analytics rows (``socialops metrics import --kind conversions``): the
plan's ``utm_campaign`` and, per channel, the UTM scheme's ``utm_source``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from socialops.domain.kpis import Kpi, check_spend
from socialops.domain.plan import KpiTarget, Plan
from socialops.i18n import both
from socialops.measure import sources as src
from socialops.measure.kpi_sources import KpiSource, MeasureContext, Measured, register

__all__ = ["SOURCE"]


def measure(ctx: MeasureContext, kpi: Kpi, target: KpiTarget, window: src.Window) -> Measured:
    plan = ctx.plan
    sources = ctx.utm_sources(target)
    rows = src.conversions_in(ctx.ws, plan.utm.campaign, sources, window)
    m = Measured(None, {"window": window.to_dict(), "utm_campaign": plan.utm.campaign})
    spend = ctx.spend(target, window, m) if kpi.id == "cpa" else None
    m.value, detail = src.conversion_value(kpi.id, rows, spend)
    m.detail.update(detail)
    m.has_data = bool(rows)
    if kpi.cumulative:
        col = "conversions" if kpi.id == "conversions" else "revenue_krw"
        for r in rows:
            if r[col] is not None:
                d = date.fromisoformat(r["date"])
                m.series[d] = m.series.get(d, 0) + r[col]
    where = f"utm_campaign={plan.utm.campaign}"
    if sources is not None and target.channel is not None:
        m.detail["utm_source"] = sources[0]
        where += f", utm_source={sources[0]}"
        if target.channel not in plan.utm.sources:
            m.note(*both("measure.utm_source", channel=target.channel))
    m.note(
        f"{where}: 전환 데이터 {len(rows):,}행.",
        f"{where}: {len(rows):,} conversions rows.",
    )
    return m


def last_day(ctx: MeasureContext, kpi: Kpi, target: KpiTarget, before: date) -> date | None:
    wide = src.Window(date(1990, 1, 1), before, ctx.plan.timezone)
    rows = src.conversions_in(ctx.ws, ctx.plan.utm.campaign, ctx.utm_sources(target), wide)
    return max((date.fromisoformat(r["date"]) for r in rows), default=None)


def check(plan: Plan, target: KpiTarget, kpi: Kpi, channels: Mapping[str, Any] | None) -> None:
    check_spend(plan, target)  # CPA needs a budget


SOURCE = register(
    KpiSource(
        "conversions",
        ("conversions", "revenue", "cpa"),
        measure,
        last_day,
        check,
        help="imported web-analytics rows by UTM campaign and source",
    )
)

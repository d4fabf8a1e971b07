"""KPIs from the customer-care inbox, measured over the cases opened in the window (local days
in the plan's time zone) with the team report's definitions (:mod:`socialops.measure.inbox_report`):

- ``first_response_time``: the median wall-clock minutes from a case's opening to its first
  reply, over the answered cases;
- ``response_rate``: cases answered / cases with a customer message needing a reply × 100;
- ``resolution_rate``: cases resolved or closed / cases × 100.

Only real cases count: simulated demo arrival times are never measured (how many were left out
is noted). A target on a channel counts the conversations of that channel's platforms (the
knowledge base's names: ``kakaotalk_channel`` → ``kakao`` …). A window without a case says
"no data" with the reason (no inbox data at all, or none in the window).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text

from socialops.domain.kpis import Kpi
from socialops.domain.plan import KpiTarget
from socialops.i18n import both, t
from socialops.measure import sources as src
from socialops.measure.inbox_report import CaseFact, case_facts, last_case_day, summarize
from socialops.measure.kpi_sources import KpiSource, MeasureContext, Measured, register

__all__ = ["SOURCE"]

_VALUE = {  # KPI -> (the report's figure, the note when it cannot be computed)
    "first_response_time": ("first_response_minutes_median", "measure.inbox_none_answered"),
    "response_rate": ("response_rate", "measure.inbox_none_needing"),
    "resolution_rate": ("resolution_rate", ""),
}


def _channels(ctx: MeasureContext, target: KpiTarget) -> list[str] | None:
    return None if target.channel is None else list(ctx.platforms(target.channel))


def _cases(
    ctx: MeasureContext, target: KpiTarget, window: src.Window
) -> tuple[list[CaseFact], int]:
    """The window's real cases (of the target's channel) and how many simulated were left
    out; memoised per plan, as the three KPIs read the same cases."""
    channels = _channels(ctx, target)
    key = ("inbox", tuple(channels or ()), window.start, window.end, window.zone)
    if key not in ctx.memo:
        with ctx.ws.connect() as conn:
            found = case_facts(
                conn,
                window.start,
                window.end,
                ZoneInfo(window.zone),
                include_simulated=True,
                channels=channels,
            )
        real = [c for c in found if not c.simulated]
        ctx.memo[key] = (real, len(found) - len(real))
    cases, simulated = ctx.memo[key]
    return list(cases), int(simulated)


def _any_case(ctx: MeasureContext) -> bool:
    with ctx.ws.connect() as conn:
        return (
            conn.execute(text("SELECT 1 FROM cases WHERE simulated = 0 LIMIT 1")).first()
            is not None
        )


def _note(m: Measured, key: str, channels: list[str] | None, **params: Any) -> None:
    """A note in both languages, with where it was measured (the target's channels)."""
    names = ", ".join(channels or ())
    where = {lang: t("measure.inbox_channels", lang, channels=names) if channels else ""
             for lang in ("ko", "en")}  # fmt: skip
    m.note(*(t(key, lang, where=where[lang], **params) for lang in ("ko", "en")))


def measure(ctx: MeasureContext, kpi: Kpi, target: KpiTarget, window: src.Window) -> Measured:
    cases, simulated = _cases(ctx, target, window)
    channels = _channels(ctx, target)
    m = Measured(None, {"window": window.to_dict(), "cases": len(cases)})
    if channels is not None:
        m.detail["channels"] = channels
    span = {"start": window.start.isoformat(), "end": window.end.isoformat()}
    if not cases:
        if _any_case(ctx):
            _note(m, "measure.inbox_no_cases", channels, **span)
        else:
            m.note(*both("measure.inbox_empty"))
    else:
        m.has_data = True
        figures = summarize(cases)
        name, missing = _VALUE[kpi.id]
        m.value = figures[name]
        needing = [c for c in cases if c.needs_reply]
        m.detail.update(
            answered=sum(c.responded for c in cases),
            needing_reply=len(needing),
            answered_needing=sum(c.responded for c in needing),
            resolved=sum(c.resolved for c in cases),
            first_response_minutes_p90=figures["first_response_minutes_p90"],
        )
        _note(m, "measure.inbox_cases", channels, cases=len(cases), **span)
        if m.value is None and missing:
            m.note(*both(missing))
    if simulated:
        m.detail["simulated_excluded"] = simulated
        m.note(*both("measure.inbox_simulated", n=simulated))
    return m


def last_day(ctx: MeasureContext, kpi: Kpi, target: KpiTarget, before: date) -> date | None:
    return last_case_day(ctx.ws, before, ZoneInfo(ctx.plan.timezone), _channels(ctx, target))


SOURCE = register(
    KpiSource(
        "inbox",
        ("first_response_time", "resolution_rate", "response_rate"),
        measure,
        last_day,
        help="customer-care cases of the inbox (real arrival times only)",
    )
)

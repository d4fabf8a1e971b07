"""Measuring one KPI target of a plan over a window of local days: the value, what it was
computed from (``detail``), notes in Korean and English, and for cumulative KPIs the amount per
local day (for timelines). Used by :mod:`socialops.plan.actuals` for actuals and baselines.

Where a KPI's actual comes from is the KPI source's business (:mod:`socialops.measure.kpi_sources`,
one file per source); the measurer asks the registry and gives the source what it shares across
the targets of one plan: the listening store (opened once), the plan's topics, spend, a memo.
"""

from __future__ import annotations

import contextlib
from datetime import date
from typing import TYPE_CHECKING, Any

from socialops.domain.channels import load_channels
from socialops.domain.kpis import LIBRARY, Kpi
from socialops.domain.plan import KpiTarget, Plan
from socialops.errors import PlanError
from socialops.i18n import both
from socialops.listen.topics import Topic, list_topics
from socialops.measure import kpi_sources
from socialops.measure import sources as src
from socialops.measure.kpi_sources import Measured

if TYPE_CHECKING:
    from socialops.store.analytics import AnalyticsStore
    from socialops.store.workspace import Workspace

__all__ = ["Measured", "Measurer"]


class Measurer:
    """Measures KPI targets of one plan; opens the listening store once, when first needed."""

    def __init__(self, ws: Workspace, plan: Plan) -> None:
        self.ws = ws
        self.plan = plan
        self.days = (plan.end - plan.start).days + 1
        self._stack = contextlib.ExitStack()
        self._store: AnalyticsStore | None = None
        self._opened = False
        self._topics: dict[str, Topic] | None = None
        self.memo: dict[tuple[Any, ...], Any] = {}  # shared by the KPI sources of this plan

    def close(self) -> None:
        self._stack.close()

    # listening
    def store(self) -> AnalyticsStore | None:
        if not self._opened:
            self._opened = True
            self._store = self._stack.enter_context(src.listening_store(self.ws))
        return self._store

    def platforms(self, channel: str) -> tuple[str, ...]:
        """Listening ``platform`` values of a plan channel (the knowledge base's)."""
        try:
            info = load_channels(self.ws).get(channel)
        except PlanError:
            info = None
        if info is not None and info.platforms:
            return tuple(info.platforms)
        return src.PLATFORMS.get(channel, (channel,))

    def topics(self) -> dict[str, Topic]:
        if self._topics is None:
            known = {t.name.lower(): t for t in list_topics(self.ws)}
            self._topics = {n: known[n.lower()] for n in self.plan.topics if n.lower() in known}
        return self._topics

    # spend
    def spend(self, target: KpiTarget, window: src.Window, m: Measured) -> float | None:
        rows = src.conversions_in(self.ws, self.plan.utm.campaign, self.utm_sources(target), window)
        cost = src.imported_cost(rows)
        if cost is not None:
            m.detail["spend_source"] = "imported"
            m.note(*both("measure.spend_imported", cost=cost))
            return cost
        if window.start < self.plan.start:  # a baseline window: the plan's budget is not spent
            m.note(*both("measure.no_cost_before"))
            return None
        budget = sum(b.amount_krw for b in self.plan.budget if b.channel == target.channel)
        if target.channel is None:
            budget = self.plan.budget_total_krw or sum(b.amount_krw for b in self.plan.budget)
        share = window.days / self.days
        spend = budget * share
        m.detail["spend_source"] = "budget"
        m.note(*both("measure.spend_planned", budget=budget, share=share, spend=spend))
        return spend

    def utm_sources(self, target: KpiTarget) -> list[str] | None:
        if target.channel is None:
            return None
        return [self.plan.utm.sources.get(target.channel, target.channel)]

    def measure(self, target: KpiTarget, window: src.Window) -> Measured:
        kpi = LIBRARY[target.kpi]
        return kpi_sources.for_kpi(kpi).measure(self, kpi, target, window)

    def last_data_day(self, kpi: Kpi, target: KpiTarget, before: date) -> date | None:
        """The last local day up to ``before`` with data for ``target`` (baselines)."""
        return kpi_sources.for_kpi(kpi).last_day(self, kpi, target, before)

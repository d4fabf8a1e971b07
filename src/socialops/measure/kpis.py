"""Whether a KPI target of a plan can be measured at all: the KPI library
(:mod:`socialops.domain.kpis`) says which source measures a KPI, and the source
(:mod:`socialops.measure.kpi_sources`) says what that needs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from socialops.domain.kpis import LIBRARY
from socialops.domain.plan import KpiTarget, Plan
from socialops.errors import PlanError
from socialops.measure import kpi_sources

__all__ = ["check_measurable"]


def check_measurable(
    plan: Plan, target: KpiTarget, channels: Mapping[str, Any] | None = None
) -> None:
    """Raise :class:`~socialops.domain.kpis.KpiUnmeasurable` (a :class:`PlanError`
    ``plan.kpi_unmeasurable``) when the plan gives ``target`` no way to be measured; an unknown
    KPI is ``plan.unknown_kpi``. What is checked is the KPI source's business
    (:attr:`socialops.measure.kpi_sources.KpiSource.check`).

    ``channels``: the channel knowledge base (``load_channels(ws)``); the built-in one when
    not given. See :func:`~socialops.domain.kpis.channel_metric_gaps`.
    """
    kpi = LIBRARY.get(target.kpi)
    if kpi is None:
        raise PlanError("plan.unknown_kpi", value=target.kpi)
    kpi_sources.for_kpi(kpi).check(plan, target, kpi, channels)

"""KPIs from the customer-care inbox. The inbox does not exist yet: every target says "no
data" (the KPIs stay measurable in principle, so plans can already name them)."""

from __future__ import annotations

from socialops.domain.kpis import Kpi
from socialops.domain.plan import KpiTarget
from socialops.i18n import both
from socialops.measure import sources as src
from socialops.measure.kpi_sources import KpiSource, MeasureContext, Measured, register

__all__ = ["SOURCE"]


def measure(ctx: MeasureContext, kpi: Kpi, target: KpiTarget, window: src.Window) -> Measured:
    m = Measured(None, {"window": window.to_dict()})
    m.note(*both("measure.inbox_empty"))
    return m


SOURCE = register(
    KpiSource(
        "inbox",
        ("first_response_time", "resolution_rate", "response_rate"),
        measure,
        help="customer-care conversations (a later issue)",
    )
)

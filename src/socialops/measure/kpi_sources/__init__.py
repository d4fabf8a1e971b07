"""Where a KPI's actual comes from: the registry of KPI sources.

A :class:`KpiSource` has a name (a :attr:`socialops.measure.kpis.Kpi.source` value), the KPIs it
can measure, a ``measure`` function (a KPI target over a window of local days →
:class:`Measured`), a ``last_day`` function (the last local day with data before a day, for
baselines) and a ``check`` function (raises :class:`~socialops.measure.kpis.KpiUnmeasurable`
when a plan gives a target no way to be measured; see
:func:`socialops.measure.kpis.check_measurable`).

Each source is one module of this package that calls :func:`register` when imported; the
package's modules are found when the registry is first asked, so adding a source is adding a
file here. :class:`socialops.measure.measurer.Measurer` asks :func:`for_kpi` and passes itself as
the :class:`MeasureContext` (the workspace, the plan, the listening store opened once, spend, a
memo shared by the sources of one plan).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    # types only: socialops.measure.kpis asks this registry, and the sources import it
    from socialops.domain.kpis import Kpi
    from socialops.domain.plan import KpiTarget, Plan
    from socialops.listen.topics import Topic
    from socialops.measure.sources import Window
    from socialops.store.analytics import AnalyticsStore
    from socialops.store.workspace import Workspace

__all__ = [
    "KpiSource",
    "MeasureContext",
    "Measured",
    "for_kpi",
    "register",
    "registered",
]


@dataclass
class Measured:
    value: float | None
    detail: dict[str, Any]
    ko: list[str] = field(default_factory=list)
    en: list[str] = field(default_factory=list)
    series: dict[date, float] = field(default_factory=dict)  # local day -> amount (cumulative)
    has_data: bool = False  # the source had records in the window

    def note(self, ko: str, en: str) -> None:
        self.ko.append(ko)
        self.en.append(en)


class MeasureContext(Protocol):
    """What a source may use while measuring the targets of one plan."""

    ws: Workspace
    plan: Plan
    days: int  # the plan's length in days
    memo: dict[tuple[Any, ...], Any]  # per plan; keys start with the source's name

    def store(self) -> AnalyticsStore | None: ...

    def topics(self) -> dict[str, Topic]: ...

    def platforms(self, channel: str) -> tuple[str, ...]: ...

    def spend(self, target: KpiTarget, window: Window, m: Measured) -> float | None: ...

    def utm_sources(self, target: KpiTarget) -> list[str] | None: ...


if TYPE_CHECKING:
    MeasureFn = Callable[[MeasureContext, Kpi, KpiTarget, Window], Measured]
    LastDayFn = Callable[[MeasureContext, Kpi, KpiTarget, date], date | None]
    CheckFn = Callable[[Plan, KpiTarget, Kpi, Mapping[str, Any] | None], None]


def no_check(plan: Plan, target: KpiTarget, kpi: Kpi, channels: Mapping[str, Any] | None) -> None:
    """For a source whose KPIs any plan can measure."""


def no_last_day(ctx: MeasureContext, kpi: Kpi, target: KpiTarget, before: date) -> date | None:
    """For a source without dated history."""
    return None


@dataclass(frozen=True)
class KpiSource:
    name: str
    kpis: tuple[str, ...]  # the KPI ids (of the library) it measures
    measure: MeasureFn
    last_day: LastDayFn = no_last_day
    check: CheckFn = no_check
    help: str = ""


_SOURCES: dict[str, KpiSource] = {}
_loaded = False


def register(source: KpiSource) -> KpiSource:
    """Add ``source``; a second source of the same name is a programming error."""
    if source.name in _SOURCES and _SOURCES[source.name] is not source:
        raise ValueError(f"two KPI sources are named {source.name!r}")
    _SOURCES[source.name] = source
    return source


def _load() -> None:
    global _loaded
    if _loaded:
        return
    # the modules of this package, found by name: a new source is a new file
    for mod in sorted(m.name for m in pkgutil.iter_modules(__path__)):
        importlib.import_module(f"{__name__}.{mod}")
    _loaded = True


def registered() -> dict[str, KpiSource]:
    """Every source by name."""
    _load()
    return dict(_SOURCES)


def for_kpi(kpi: Kpi) -> KpiSource:
    """The source that measures ``kpi`` (its ``source``, which must list it)."""
    _load()
    source = _SOURCES.get(kpi.source)
    if source is None or kpi.id not in source.kpis:
        raise LookupError(f"no KPI source measures {kpi.id!r} (source {kpi.source!r})")
    return source

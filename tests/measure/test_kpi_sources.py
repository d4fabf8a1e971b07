"""The KPI sources registry: every KPI of the library has exactly one registered source that
lists it, the measurer asks the registry, and a new source is a new file."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from socialops.domain import kpis
from socialops.domain.plan import ChannelChoice, KpiTarget, Plan, UtmScheme
from socialops.measure import kpi_sources
from socialops.measure.kpi_sources import for_kpi, registered
from socialops.measure.kpis import check_measurable
from socialops.measure.measurer import Measurer
from socialops.measure.sources import Window
from socialops.store.workspace import Workspace


def _plan(kpi: str) -> Plan:
    return Plan(
        plan_id="p-src",
        name="소스 테스트",
        start=date(2026, 3, 1),
        end=date(2026, 3, 31),
        objectives=["awareness"],
        channels=[ChannelChoice("instagram")],
        utm=UtmScheme("spring26"),
        kpis=[KpiTarget(kpi, 10.0)],
    )


def test_every_kpi_has_one_registered_source() -> None:
    sources = registered()
    assert set(sources) == set(kpis.SOURCES)
    for kpi in kpis.LIBRARY.values():
        assert for_kpi(kpi).name == kpi.source
        assert [s.name for s in sources.values() if kpi.id in s.kpis] == [kpi.source]
    for s in sources.values():
        assert s.kpis and all(kpis.LIBRARY[k].source == s.name for k in s.kpis)
    # cost KPIs are checked for a budget by their sources (post metrics, conversions)
    assert {kpis.LIBRARY[k].source for k in kpis.SPEND_KPIS} == {"post_metrics", "conversions"}


def test_an_unregistered_source_is_a_lookup_error() -> None:
    ghost = kpis.Kpi("ghosts", "유령", "Ghosts", "", "", "count", "seance")
    with pytest.raises(LookupError, match="'ghosts'"):
        for_kpi(ghost)


def test_inbox_says_no_data(workspace: Workspace) -> None:
    plan = _plan("response_rate")
    m = Measurer(workspace, plan)
    try:
        got = m.measure(plan.kpis[0], Window(plan.start, plan.end))
        assert got.value is None and not got.has_data
        assert got.en == ["Measured from the inbox (customer care), which has no data yet."]
        assert m.last_data_day(kpis.LIBRARY["response_rate"], plan.kpis[0], plan.start) is None
    finally:
        m.close()


_NEW_SOURCE = """
from socialops.measure.kpi_sources import KpiSource, Measured, register


def measure(ctx, kpi, target, window):
    m = Measured(float(window.days), {"plan": ctx.plan.plan_id}, has_data=True)
    m.note("달력 날수.", "Calendar days.")
    return m


def check(plan, target, kpi, channels):
    if plan.end < plan.start:
        raise ValueError("backwards")


SOURCE = register(KpiSource("calendar_test", ("days_test",), measure, check=check))
"""


@pytest.fixture
def extra_source_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A second folder of the kpi_sources package holding one new file, as if it were added."""
    folder = tmp_path / "more_sources"
    folder.mkdir()
    (folder / "calendar_test.py").write_text(_NEW_SOURCE, encoding="utf-8")
    registered()  # the built-in ones loaded first
    monkeypatch.setattr(kpi_sources, "__path__", [*kpi_sources.__path__, str(folder)])
    monkeypatch.setattr(kpi_sources, "_loaded", False)
    day_kpi = kpis.Kpi("days_test", "날수", "Days", "", "", "count", "calendar_test")
    monkeypatch.setitem(kpis.LIBRARY, "days_test", day_kpi)
    yield folder
    kpi_sources._SOURCES.pop("calendar_test", None)
    sys.modules.pop("socialops.measure.kpi_sources.calendar_test", None)


def test_a_new_source_is_a_new_file(extra_source_dir: Path, workspace: Workspace) -> None:
    assert "calendar_test" in registered()
    plan = _plan("days_test")
    m = Measurer(workspace, plan)
    try:
        got = m.measure(plan.kpis[0], Window(date(2026, 3, 1), date(2026, 3, 10)))
    finally:
        m.close()
    assert (got.value, got.detail, got.ko) == (10.0, {"plan": "p-src"}, ["달력 날수."])
    check_measurable(plan, plan.kpis[0])  # the new source's check runs
    with pytest.raises(ValueError, match="backwards"):
        check_measurable(replace(plan, end=date(2026, 2, 1)), plan.kpis[0])

"""The plan's inbox KPIs (first response time, response rate, resolution rate) measured from the
real cases of the window, on SQLite and PostgreSQL, over the hand-worked inbox of
``test_inbox_report`` (figures in its docstring): the values, a channel target (KakaoTalk
channel → the ``kakao`` conversations), the simulated demo case left out, "no data" with its
reason for an empty window, the last day with data for baselines, and plan vs actual."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from test_inbox_report import seed

from socialops.domain import kpis
from socialops.domain.plan import KpiTarget, Plan, UtmScheme
from socialops.measure.measurer import Measurer
from socialops.measure.sources import Window
from socialops.plan.actuals import plan_vs_actual
from socialops.store.workspace import Workspace

START, END = date(2026, 3, 2), date(2026, 3, 4)


def _plan(*targets: KpiTarget) -> Plan:
    return Plan(
        plan_id="p-care",
        name="고객 응대",
        start=START,
        end=END,
        objectives=["customer_service"],
        utm=UtmScheme("care26"),
        kpis=list(targets),
    )


@pytest.fixture
def inbox(database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    monkeypatch.setenv("SOCIALOPS_HOME", str(tmp_path / "ws"))
    ws = Workspace.open(tmp_path / "ws")
    seed(ws)
    yield ws


def test_the_three_kpis_from_real_cases(inbox: Workspace) -> None:
    plan = _plan(
        KpiTarget("first_response_time", 30),
        KpiTarget("response_rate", 90),
        KpiTarget("resolution_rate", 80),
    )
    m = Measurer(inbox, plan)
    try:
        got = {t.kpi: m.measure(t, Window(START, END)) for t in plan.kpis}
    finally:
        m.close()
    frt, rr, res = got["first_response_time"], got["response_rate"], got["resolution_rate"]
    assert frt.value == 30.0 and frt.has_data  # 10 20 40 60 minutes
    assert frt.detail["first_response_minutes_p90"] == 60.0
    assert rr.value == 75.0 and rr.detail["needing_reply"] == 4
    assert rr.detail["answered_needing"] == 3
    assert res.value == 60.0 and res.detail["resolved"] == 3 and res.detail["cases"] == 5
    assert "Measured over 5 inbox cases (2026-03-02 to 2026-03-04)." in frt.en
    assert "인박스 케이스 5건(2026-03-02 ~ 2026-03-04)으로 측정했습니다." in frt.ko
    # the simulated demo case (5 minutes) is not in the median, and that is said
    assert frt.detail["simulated_excluded"] == 1
    assert "1 cases with simulated demo times are left out." in frt.en


def test_a_channel_target_counts_that_channel(inbox: Workspace) -> None:
    target = KpiTarget("response_rate", 90, channel="kakaotalk_channel")
    plan = _plan(target, KpiTarget("first_response_time", 5, channel="kakaotalk_channel"))
    m = Measurer(inbox, plan)
    try:
        rr = m.measure(plan.kpis[0], Window(START, END))
        frt = m.measure(plan.kpis[1], Window(START, END))
    finally:
        m.close()
    assert rr.value == pytest.approx(200 / 3)  # c1 c5 answered, c3 not
    assert "kakao" in rr.detail["channels"] and rr.detail["cases"] == 3
    assert frt.value == 35.0  # 10 and 60
    assert any("channels" in n and "kakao" in n for n in frt.en)


def test_an_empty_window_says_no_data_and_why(inbox: Workspace) -> None:
    plan = _plan(KpiTarget("resolution_rate", 80))
    m = Measurer(inbox, plan)
    try:
        got = m.measure(plan.kpis[0], Window(date(2025, 1, 1), date(2025, 1, 31)))
        rr = kpis.LIBRARY["resolution_rate"]
        assert m.last_data_day(rr, plan.kpis[0], date(2026, 3, 31)) == date(2026, 3, 4)
        assert m.last_data_day(rr, plan.kpis[0], date(2026, 3, 3)) == date(2026, 3, 3)
        assert m.last_data_day(rr, plan.kpis[0], date(2026, 2, 19)) is None
    finally:
        m.close()
    assert got.value is None and not got.has_data
    assert got.en == ["No inbox case was opened from 2025-01-01 to 2025-01-31."]
    assert got.ko == ["2025-01-01 ~ 2025-01-31에 열린 인박스 케이스가 없습니다."]


def test_plan_vs_actual_has_inbox_actuals(inbox: Workspace) -> None:
    plan = _plan(KpiTarget("response_rate", 90), KpiTarget("first_response_time", 20))
    out = plan_vs_actual(inbox, plan, today=date(2026, 3, 10))
    rows = {r.kpi: r for r in out.rows}
    assert rows["response_rate"].actual == 75.0 and rows["response_rate"].status != "no_data"
    assert rows["first_response_time"].actual == 30.0
    assert rows["first_response_time"].status != "no_data"

"""plan.attribution: a plan's budget lines (through its UTM scheme) against its campaign's
conversions and its channels' engagements, plan vs actual per channel."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from socialops.domain.plan import BudgetLine, ChannelChoice, Plan, UtmScheme
from socialops.measure.metrics import import_metrics
from socialops.plan.attribution import plan_attribution
from socialops.store.workspace import Workspace


@pytest.fixture
def ws(workspace: Workspace, tmp_path: Path) -> Workspace:
    conv = tmp_path / "ga.csv"
    conv.write_text(
        "date,source,medium,campaign,conversions,revenue,cost\n"
        "2026-11-02,ig,paid_social,winter26,30,3000000,600000\n"
        "2026-11-09,ig,paid_social,winter26,20,2000000,400000\n"
        "2026-11-05,naver,cpc,winter26,40,4000000,\n"
        "2026-11-06,google,cpc,winter26,5,500000,\n"
        "2026-11-06,ig,paid_social,other,99,1,1\n"
        "2026-12-20,ig,paid_social,winter26,70,7000000,100\n",
        encoding="utf-8",
    )
    posts = tmp_path / "posts.csv"
    posts.write_text(
        "channel,post_id,published_at,engagements\n"
        "instagram,a,2026-11-03T10:00:00+09:00,4000\n"
        "instagram,b,2026-11-20T10:00:00+09:00,1000\n"
        "naver_blog,c,2026-11-04T10:00:00+09:00,800\n",
        encoding="utf-8",
    )
    import_metrics(workspace, conv, "conversions")
    import_metrics(workspace, posts, "post-metrics")
    return workspace


def _plan() -> Plan:
    return Plan(
        plan_id="p-attr",
        name="겨울 세일",
        start=date(2026, 11, 1),
        end=date(2026, 11, 30),
        channels=[ChannelChoice("instagram"), ChannelChoice("naver_blog")],
        budget_total_krw=5_000_000,
        budget=[
            BudgetLine("instagram", "paid", 2_000_000),
            BudgetLine("instagram", "organic", 1_000_000),
            BudgetLine("naver_blog", "paid", 2_000_000),
        ],
        utm=UtmScheme("winter26", sources={"instagram": "ig", "naver_blog": "naver"}),
    )


def test_plan_vs_actual_per_channel(ws: Workspace) -> None:
    res = plan_attribution(ws, _plan(), today=date(2026, 11, 15))
    assert res["from"] == "2026-11-01" and res["to"] == "2026-11-15"
    assert res["elapsed"] == pytest.approx(0.5) and res["period"] == "running"
    rows = {r["channel"]: r for r in res["rows"]}
    ig = rows["instagram"]
    assert ig["utm_source"] == "ig" and ig["budget"] == 3_000_000  # paid + organic lines
    assert ig["spend"] == 1_000_000 and ig["spend_source"] == "cost"  # imported cost
    assert ig["conversions"] == 50 and ig["revenue"] == 5_000_000
    assert ig["roas"] == pytest.approx(5.0) and ig["cpa"] == pytest.approx(20_000)
    assert ig["engagements"] == 4000  # the post of Nov 20 is after as_of
    assert ig["cost_per_engagement"] == pytest.approx(250)
    nb = rows["naver_blog"]
    # no cost imported: the budget to date (2,000,000 × 0.5) stands for the spend
    assert nb["spend_source"] == "budget" and nb["spend"] == pytest.approx(1_000_000)
    assert nb["budget_to_date"] == pytest.approx(1_000_000)
    assert nb["cpa"] == pytest.approx(1_000_000 / 40) and nb["engagements"] == 800
    # a source with conversions but no budget line is shown, not dropped
    assert rows["google"]["budget"] is None and rows["google"]["conversions"] == 5
    assert res["totals"]["conversions"] == 95 and res["totals"]["budget"] == 5_000_000


def test_not_started_plan(ws: Workspace) -> None:
    res = plan_attribution(ws, _plan(), today=date(2026, 10, 1))
    assert res["period"] == "not_started" and res["elapsed"] == 0
    assert all(r["conversions"] == 0 for r in res["rows"])

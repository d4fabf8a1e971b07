"""measure.attribution on a real workspace (conversions and post metrics imported through the
import path): per channel and campaign in a date range, engagements, ROI against budget lines
(ROAS, CPA, cost per engagement as PRODUCT.md defines them), bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from socialops.errors import SettingsError
from socialops.measure.attribution import attribution, roi
from socialops.measure.metrics import import_metrics
from socialops.store.workspace import Workspace

CONV = """날짜,소스,매체,캠페인,전환수,매출,비용
2026-11-01,instagram,social,winter_sale,10,500000,100000
2026-11-02,instagram,social,winter_sale,5,250000,50000
2026-11-02,naver,cpc,winter_sale,8,640000,
2026-11-03,kakao,message,winter_sale,2,80000,
2026-11-03,instagram,social,other,4,100000,20000
2026-10-30,instagram,social,winter_sale,99,9900000,990000
"""
POSTS = """channel,post_id,published_at,engagements,reach
instagram,p1,2026-11-01T10:00:00+09:00,300,5000
instagram,p2,2026-11-02T10:00:00+09:00,200,4000
naver,p3,2026-11-02T11:00:00+09:00,50,1000
instagram,p4,2026-10-01T10:00:00+09:00,999,9000
"""


@pytest.fixture
def ws(workspace: Workspace, tmp_path: Path) -> Workspace:
    conv = tmp_path / "conv.csv"
    conv.write_bytes(CONV.encode("cp949"))
    posts = tmp_path / "posts.csv"
    posts.write_text(POSTS, encoding="utf-8")
    assert import_metrics(workspace, conv, "conversions").imported == 6
    assert import_metrics(workspace, posts, "post-metrics").imported == 4
    return workspace


def test_by_channel_and_campaign_in_range(ws: Workspace) -> None:
    res = attribution(ws, date_from="2026-11-01", date_to="2026-11-30")
    by_ch = {r["channel"]: r for r in res["utm"]["by_channel"]}
    assert by_ch["instagram"]["conversions"] == 19  # 10 + 5 + 4, not the October 99
    assert by_ch["instagram"]["revenue"] == 850000 and by_ch["instagram"]["cost"] == 170000
    assert by_ch["naver"]["cost"] is None  # no cost imported: unknown, not 0
    assert by_ch["instagram"]["engagements"] == 500  # October's post is out of range
    by_camp = {r["campaign"]: r for r in res["utm"]["by_campaign"]}
    assert by_camp["winter_sale"]["conversions"] == 25 and by_camp["other"]["conversions"] == 4
    one = attribution(ws, date_from="2026-11-01", date_to="2026-11-30", campaign="WINTER_SALE")
    assert one["utm"]["conversions"] == 25
    assert {r["campaign"] for r in one["utm"]["rows"]} == {"winter_sale"}
    assert res["touches"] is None


def test_roi_formulas(ws: Workspace) -> None:
    res = attribution(ws, date_from="2026-11-01", date_to="2026-11-30", campaign="winter_sale")
    lines = [
        {"channel": "instagram", "campaign": "winter_sale", "amount": 300000},
        {"channel": "naver", "campaign": "winter_sale", "amount": 400000},
        {"channel": "youtube", "campaign": "winter_sale", "amount": 100000},
    ]
    rows = {r["channel"]: r for r in roi(res["utm"]["rows"], lines, engagements=res["engagements"])}
    ig = rows["instagram"]
    assert ig["spend"] == 150000 and ig["spend_source"] == "cost"
    assert ig["roas"] == pytest.approx(750000 / 150000)  # revenue / spend
    assert ig["cpa"] == pytest.approx(150000 / 15)  # spend / conversions
    assert ig["cost_per_engagement"] == pytest.approx(150000 / 500)  # spend / engagements
    assert ig["budget_used"] == pytest.approx(0.5)
    nv = rows["naver"]
    assert nv["spend_source"] == "budget" and nv["spend"] == 400000
    assert nv["roas"] == pytest.approx(640000 / 400000)
    yt = rows["youtube"]
    assert yt["conversions"] == 0 and yt["cpa"] is None and yt["roas"] is None
    # an actual without a budget line still shows, with no spend to divide by
    assert rows["kakao"]["budget"] is None and rows["kakao"]["roas"] is None


def test_roi_line_without_campaign_and_bad_lines() -> None:
    acts = [
        {"channel": "ig", "campaign": "a", "conversions": 2, "revenue": 100.0, "cost": None},
        {"channel": "ig", "campaign": "b", "conversions": 3, "revenue": 50.0, "cost": None},
    ]
    (row,) = roi(acts, [{"channel": "ig", "amount": 50}])
    assert row["conversions"] == 5 and row["roas"] == pytest.approx(3.0)
    split = roi(
        acts,
        [{"channel": "ig", "campaign": "a", "amount": 10}, {"channel": "ig", "campaign": "b",
          "amount": 10}],
        engagements={"ig": 100},
    )  # fmt: skip
    assert all(r["cost_per_engagement"] is None for r in split)  # posts carry no campaign
    with pytest.raises(SettingsError) as e:
        roi(acts, [{"channel": "ig", "amount": -1}])
    assert e.value.code == "attribution.bad_budget"


def test_bad_dates_and_model(ws: Workspace) -> None:
    for kwargs, code in [
        ({"date_from": "2026-13-01"}, "attribution.bad_date"),
        ({"date_from": "2026-11-05", "date_to": "2026-11-01"}, "attribution.bad_range"),
        ({"model": "linear"}, "attribution.bad_model"),
    ]:
        with pytest.raises(SettingsError) as e:
            attribution(ws, **kwargs)  # type: ignore[arg-type]
        assert e.value.code == code

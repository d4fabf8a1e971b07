"""Plan vs actual on real data: the UCI Facebook metrics file (2014) for post metrics, conversions
written by the test, and Naver movie reviews around the release of 명량 for listening."""

from __future__ import annotations

import csv
import gzip
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from socialops.domain.plan import BudgetLine, ChannelChoice, KpiTarget, Plan, UtmScheme
from socialops.listen.ingest import import_file
from socialops.listen.samples import FILM_TOPICS
from socialops.listen.scope import Scope, scoped_posts
from socialops.listen.topics import add_topic, list_topics
from socialops.measure.metrics import import_metrics
from socialops.nlp import query as q
from socialops.plan.actuals import AHEAD, OFF_TRACK, baseline, plan_vs_actual
from socialops.sources.enrich import enrich_workspace
from socialops.store.analytics import fetch_arrow, open_store
from socialops.store.workspace import Workspace

FB = "facebook_metrics/dataset_Facebook.csv"


@pytest.fixture(scope="module")
def fb_file(shared_file: Callable[[str], Path]) -> Path:
    return shared_file(FB)


@pytest.fixture(scope="module")
def fb(fb_file: Path) -> pd.DataFrame:
    return pd.read_csv(fb_file, sep=";")


@pytest.fixture(scope="module")
def fb_ws(tmp_path_factory: pytest.TempPathFactory, fb_file: Path) -> Workspace:
    ws = Workspace.open(tmp_path_factory.mktemp("fbm") / "ws")
    import_metrics(ws, fb_file, "facebook-metrics")
    conv = tmp_path_factory.mktemp("conv") / "ga.csv"
    conv.write_text(
        "date,source,medium,campaign,conversions,revenue,cost\n"
        "2014-03-10,fb,paid_social,spring14,30,3000000,900000\n"
        "2014-04-10,fb,paid_social,spring14,20,2000000,600000\n"
        "2014-04-11,naver,cpc,spring14,50,5000000,\n"
        "2014-04-12,fb,paid_social,other,99,1,1\n"
        "2014-09-10,fb,paid_social,spring14,70,7000000,100\n",
        encoding="utf-8",
    )
    import_metrics(ws, conv, "conversions")
    return ws


def _plan(start: date, end: date, kpis: list[KpiTarget], **kw: object) -> Plan:
    base: dict[str, object] = {
        "plan_id": "p-test",
        "name": "2014 페이스북 캠페인",
        "start": start,
        "end": end,
        "objectives": ["sales_promotion"],
        "channels": [ChannelChoice("facebook"), ChannelChoice("instagram")],
        "budget_total_krw": 6_000_000,
        "budget": [BudgetLine("facebook", "paid", 6_000_000)],
        "utm": UtmScheme("spring14", sources={"facebook": "fb"}),
        "kpis": kpis,
    }
    base.update(kw)
    return Plan(**base)  # type: ignore[arg-type]


def _months(df: pd.DataFrame, lo: int, hi: int) -> pd.DataFrame:
    return df[(df["Month"] >= lo) & (df["Month"] <= hi)]


def test_ended_plan_actuals_equal_the_file(fb_ws: Workspace, fb: pd.DataFrame) -> None:
    part = _months(fb, 3, 8)
    reach = float(part["T_Reach"].sum())
    rate = 100 * part["T_Interactions"].sum() / part["T_Reach"].sum()
    kpis = [
        KpiTarget("reach", reach * 2, channel="facebook"),  # half way: off track
        KpiTarget("posts", len(part) / 1.2),  # 20% over: ahead
        KpiTarget("engagements", float(part["T_Interactions"].sum())),  # exactly: on track
        KpiTarget("engagement_rate", rate * 1.25, channel="facebook"),  # rate, 80%: off track
        KpiTarget("clicks", 1, channel="instagram"),  # no instagram data
        KpiTarget("first_response_time", 60),  # inbox: later
    ]
    plan = _plan(date(2014, 3, 1), date(2014, 8, 31), kpis)
    out = plan_vs_actual(fb_ws, plan, today=date(2014, 9, 15))
    assert out.as_of == date(2014, 8, 31) and out.elapsed == 1.0 and out.period == "ended"
    rows = {r.kpi: r for r in out.rows}
    r = rows["reach"]
    assert r.actual == reach and r.expected_to_date == reach * 2
    assert r.pacing == pytest.approx(0.5) and r.status == "off_track"
    assert r.detail["posts"] == len(part) == r.detail["month_dated"]
    assert "dated by month only" in r.note_en and "월 단위" in r.note_ko
    assert rows["posts"].actual == len(part) and rows["posts"].status == "ahead"
    assert rows["posts"].pacing == pytest.approx(1.2)
    assert rows["engagements"].status == "on_track" and rows["engagements"].pacing == 1.0
    er = rows["engagement_rate"]
    assert er.actual == pytest.approx(rate) and er.expected_to_date == pytest.approx(rate * 1.25)
    assert er.pacing == pytest.approx(0.8) and er.status == "off_track"
    assert rows["clicks"].status == "no_data" and "Data page" in rows["clicks"].note_en
    assert rows["first_response_time"].status == "no_data"
    assert "inbox" in rows["first_response_time"].note_en
    assert [x.kpi for x in out.off_track] == ["reach", "engagement_rate"]
    # monthly timeline of a cumulative KPI: the months' running sums against the target line
    line = r.timeline
    assert [p["period"] for p in line] == [f"2014-{m:02d}" for m in range(3, 9)]
    sums = part.groupby("Month")["T_Reach"].sum().cumsum()
    assert [p["actual"] for p in line] == [float(v) for v in sums]
    assert line[-1]["expected"] == pytest.approx(reach * 2)
    assert line[0]["expected"] == pytest.approx(reach * 2 * 31 / 184)
    doc = out.to_dict()
    assert json.loads(json.dumps(doc)) == doc  # JSON-safe as it is
    assert doc["counts"]["off_track"] == 2 and doc["counts"]["no_data"] == 2


def test_pacing_mid_period(fb_ws: Workspace, fb: pd.DataFrame) -> None:
    reach = float(_months(fb, 3, 5)["T_Reach"].sum())
    plan = _plan(date(2014, 3, 1), date(2014, 8, 31), [KpiTarget("reach", reach * 2)])
    out = plan_vs_actual(fb_ws, plan, today=date(2014, 5, 31))
    assert out.period == "running" and out.elapsed == pytest.approx(92 / 184)
    (r,) = out.rows
    assert r.actual == reach  # months 3..5: May is in full, the file has no days
    assert r.expected_to_date == pytest.approx(reach)
    assert r.pacing == pytest.approx(1.0) and r.status == "on_track"
    assert OFF_TRACK == 0.9 and AHEAD == 1.1
    before = plan_vs_actual(fb_ws, plan, today=date(2014, 2, 1))
    assert before.period == "not_started" and before.elapsed == 0.0
    assert [x.status for x in before.rows] == ["not_started"] and before.rows[0].actual is None


def test_conversions_and_spend(fb_ws: Workspace, fb: pd.DataFrame) -> None:
    clicks = float(_months(fb, 3, 4)["Consumption"].sum())
    kpis = [
        KpiTarget("conversions", 200),
        KpiTarget("conversions", 40, channel="facebook"),
        KpiTarget("revenue", 10_000_000),
        KpiTarget("cpa", 40_000, channel="facebook"),
        KpiTarget("cpc", 10, channel="facebook"),
    ]
    plan = _plan(date(2014, 3, 1), date(2014, 4, 30), kpis)
    out = plan_vs_actual(fb_ws, plan, today=date(2014, 6, 1))
    conv_all, conv_fb, revenue, cpa, cpc = out.rows
    assert conv_all.actual == 100  # spring14 rows in March-April, every source
    assert conv_all.pacing == pytest.approx(0.5) and conv_all.status == "off_track"
    assert conv_fb.actual == 50 and conv_fb.detail["utm_source"] == "fb"  # the UTM scheme's
    assert conv_fb.status == "ahead"
    assert revenue.actual == 10_000_000 and revenue.status == "on_track"
    # spend = the imported cost of the channel's rows (900,000 + 600,000)
    assert cpa.actual == pytest.approx(1_500_000 / 50) and cpa.detail["spend_source"] == "imported"
    assert cpa.pacing == pytest.approx(40_000 / 30_000) and cpa.status == "ahead"  # lower is better
    assert cpc.actual == pytest.approx(1_500_000 / clicks)
    assert "imported cost" in cpc.note_en
    # a channel whose UTM source is not set: the channel key is the source; no cost imported
    plan2 = _plan(
        date(2014, 3, 1),
        date(2014, 4, 30),
        [KpiTarget("cpc", 10, channel="facebook")],
        utm=UtmScheme("nocost"),
    )
    (row,) = plan_vs_actual(fb_ws, plan2, today=date(2014, 4, 15)).rows
    elapsed = 46 / 61
    assert row.detail["spend_source"] == "budget"
    assert row.actual == pytest.approx(6_000_000 * elapsed / _months(fb, 3, 4)["Consumption"].sum())
    assert "planned budget" in row.note_en and "예산" in row.note_ko


def test_baselines(fb_ws: Workspace, fb: pd.DataFrame) -> None:
    target = KpiTarget("reach", 1, channel="facebook")
    july = _plan(date(2014, 7, 1), date(2014, 8, 31), [target])
    value, note = baseline(fb_ws, july, target, lang="en")
    # the same 62 days before: 2014-04-30..2014-06-30 (April overlaps: month-dated posts)
    assert value == float(_months(fb, 4, 6)["T_Reach"].sum())
    assert "2014-04-30..2014-06-30" in note
    value, note = baseline(fb_ws, july, KpiTarget("engagement_rate", 1), lang="ko")
    part = _months(fb, 4, 6)
    assert value == pytest.approx(100 * part["T_Interactions"].sum() / part["T_Reach"].sum())
    assert "계획 직전" in note
    jan = _plan(date(2014, 1, 1), date(2014, 1, 31), [target])
    assert baseline(fb_ws, jan, target, lang="en") == (
        None,
        "No history before the plan to compare with.",
    )
    # no data in the month before: the last 90 days of data (Oct overlaps..Dec), scaled
    mar15 = _plan(date(2015, 3, 1), date(2015, 3, 31), [target])
    value, note = baseline(fb_ws, mar15, target, lang="en")
    assert value == pytest.approx(float(_months(fb, 10, 12)["T_Reach"].sum()) * 31 / 90)
    assert "2014-10-03..2014-12-31" in note and "scaled" in note


# -- listening -------------------------------------------------------------------------------

_WINDOW = ("14.07.20", "14.08.10")
_WORDS = ("명량", "이순신", "변호인", "송강호", "인터스텔라", "놀란", "겨울왕국", "엘사")


@pytest.fixture(scope="module")
def film_ws(
    tmp_path_factory: pytest.TempPathFactory, shared_file: Callable[[str], Path]
) -> Workspace:
    """Naver movie reviews 2014-07-20..08-10 (명량 opened on 07-30): every review naming a film,
    every 10th other review as background; the films as product topics."""
    root = tmp_path_factory.mktemp("films")
    sample = root / "reviews.tsv"
    with (
        gzip.open(shared_file("nsmc/reviews.tsv.gz"), "rt", encoding="utf-8", newline="") as src,
        open(sample, "w", encoding="utf-8", newline="") as dst,
    ):
        reader = csv.reader(src, delimiter="\t", quoting=csv.QUOTE_NONE)
        writer = csv.writer(dst, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\")
        writer.writerow(next(reader))
        for i, row in enumerate(reader):
            in_window = len(row) > 4 and _WINDOW[0] <= row[2] <= _WINDOW[1]
            if in_window and (i % 10 == 0 or any(w in row[4] for w in _WORDS)):
                writer.writerow(row)
    ws = Workspace.open(root / "ws")
    import_file(ws, sample, preset="nsmc-reviews")
    enrich_workspace(ws, workers=1)
    for name in ("명량", "변호인", "인터스텔라"):
        add_topic(ws, name, FILM_TOPICS[name], "product")
    return ws


def _recount(ws: Workspace, start: date, end: date) -> dict[str, dict[str, int]]:
    with open_store(ws) as store:
        t = scoped_posts(store, Scope(start, end))
        rows = fetch_arrow(t.select("match_text", "sentiment")).to_pylist()
    out: dict[str, dict[str, int]] = {}
    for topic in list_topics(ws):
        hits = [r for r in rows if q.matches(topic.tree, str(r["match_text"]))]
        out[topic.name] = {
            "mentions": len(hits),
            "positive": sum(r["sentiment"] == "positive" for r in hits),
            "negative": sum(r["sentiment"] == "negative" for r in hits),
        }
    return out


def test_listening_actuals(film_ws: Workspace) -> None:
    start, end = date(2014, 7, 25), date(2014, 8, 10)
    counted = _recount(film_ws, start, end)
    mine = counted["명량"]
    assert mine["mentions"] > 10  # the data really has the release
    topics = ["명량", "변호인", "인터스텔라"]
    kpis = [
        KpiTarget("mentions", 2 * mine["mentions"], topic="명량"),
        KpiTarget("mentions", 1),
        KpiTarget("share_of_voice", 50, topic="명량"),
        KpiTarget("net_sentiment", 0.5, topic="명량"),
    ]
    plan = _plan(start, end, kpis, topics=topics, channels=[ChannelChoice("facebook")])
    out = plan_vs_actual(film_ws, plan, today=date(2014, 8, 2))  # 9 of 17 days
    assert out.elapsed == pytest.approx(9 / 17)
    early = _recount(film_ws, start, date(2014, 8, 2))
    mentions, everything, sov, net = out.rows
    assert mentions.actual == early["명량"]["mentions"]
    assert mentions.expected_to_date == pytest.approx(2 * mine["mentions"] * 9 / 17)
    assert everything.actual == sum(v["mentions"] for v in early.values())
    total = sum(v["mentions"] for v in early.values())
    assert sov.actual == pytest.approx(100 * early["명량"]["mentions"] / total)
    pos, neg = early["명량"]["positive"], early["명량"]["negative"]
    assert net.actual == pytest.approx((pos - neg) / (pos + neg))
    assert net.detail["positive"] == pos and net.detail["negative"] == neg
    for r in out.rows:
        assert r.source == "listening" and r.status in ("on_track", "off_track", "ahead")
    assert "명량" in mentions.note_ko
    # a daily timeline (short window): the running count ends at the actual
    assert len(mentions.timeline) == 9 and mentions.timeline[-1]["actual"] == mentions.actual
    # the whole window, once ended
    done = plan_vs_actual(film_ws, plan, today=date(2014, 9, 1))
    assert done.rows[0].actual == mine["mentions"] and done.rows[0].pacing == pytest.approx(0.5)
    # a channel's listening: only posts of the channel's platforms (facebook, fb: none here)
    fb_only = _plan(
        start,
        end,
        [KpiTarget("mentions", 1, topic="명량", channel="facebook")],
        topics=topics,
        channels=[ChannelChoice("facebook")],
    )
    (row,) = plan_vs_actual(film_ws, fb_only, today=end).rows
    assert row.status == "no_data" and row.detail["posts_in_scope"] == 0
    assert "(facebook, fb)" in row.note_en
    # mentions before the plan: the same 17 days before as the baseline
    value, note = baseline(film_ws, plan, kpis[0], lang="en")
    assert value == _recount(film_ws, date(2014, 7, 8), date(2014, 7, 24))["명량"]["mentions"]
    assert "2014-07-08..2014-07-24" in note


def test_listening_without_data(fb_ws: Workspace) -> None:
    plan = _plan(
        date(2014, 3, 1), date(2014, 3, 31), [KpiTarget("mentions", 10)], topics=["우리브랜드"]
    )
    (row,) = plan_vs_actual(fb_ws, plan, today=date(2014, 3, 31)).rows
    assert row.status == "no_data" and row.actual is None
    assert "No listening data" in row.note_en and "우리브랜드" in row.note_en

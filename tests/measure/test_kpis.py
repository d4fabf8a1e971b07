"""The KPI library: the formulas of PRODUCT.md, and which KPI targets can be measured."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from socialops.domain.kpis import LIBRARY, SOURCES, UNITS, KpiUnmeasurable, kpi_list, pct, ratio
from socialops.domain.plan import BudgetLine, ChannelChoice, KpiTarget, Plan
from socialops.measure.kpis import check_measurable
from socialops.plan.messages import PlanError


def _plan(**kw: object) -> Plan:
    base: dict[str, object] = {
        "plan_id": "p1",
        "name": "봄 신제품 출시",
        "start": date(2024, 3, 1),
        "end": date(2024, 3, 31),
        "objectives": ["sales_promotion"],
        "channels": [ChannelChoice("instagram"), ChannelChoice("x"), ChannelChoice("facebook")],
    }
    base.update(kw)
    return Plan(**base)  # type: ignore[arg-type]


def test_library_entries_are_complete() -> None:
    wanted = {
        "reach", "impressions", "engagements", "engagement_rate", "engagement_rate_impressions",
        "conversation_rate", "amplification_rate", "applause_rate", "virality_rate", "posts",
        "mentions", "share_of_voice", "net_sentiment", "clicks", "ctr", "conversions", "revenue",
        "cpc", "cpa", "cost_per_engagement", "first_response_time", "resolution_rate",
        "response_rate",
    }  # fmt: skip
    assert set(LIBRARY) == wanted
    for k in LIBRARY.values():
        assert k.unit in UNITS and k.source in SOURCES and k.better in ("higher", "lower")
        assert k.name_ko and k.name_en and k.formula_ko and k.formula_en
        assert any("가" <= c <= "힣" for c in k.name_ko + k.formula_ko), k.id
    # the PRODUCT.md formulas are stated in both languages, without naming the file (a
    # formula goes into a client's plan document)
    for kid in ("engagement_rate", "conversation_rate", "virality_rate", "share_of_voice", "cpa"):
        assert " = " in LIBRARY[kid].formula_ko and " = " in LIBRARY[kid].formula_en
    assert not [k for k, v in LIBRARY.items() if "PRODUCT.md" in v.formula_ko + v.formula_en]
    # engagement rate says which basis
    assert "reach" in LIBRARY["engagement_rate"].formula_en
    assert "도달 기준" in LIBRARY["engagement_rate"].formula_ko
    assert "impressions" in LIBRARY["engagement_rate_impressions"].formula_en
    assert {k for k, v in LIBRARY.items() if v.better == "lower"} == {
        "cpc",
        "cpa",
        "cost_per_engagement",
        "first_response_time",
    }
    assert LIBRARY["reach"].cumulative and not LIBRARY["engagement_rate"].cumulative
    assert [d["name"] for d in kpi_list("en")][:2] == ["Reach", "Impressions"]
    assert kpi_list("ko")[0]["name"] == "도달"


def test_ratio_and_pct() -> None:
    assert ratio(3, 4) == 0.75 and pct(3, 4) == 75.0
    assert ratio(3, 0) is None and pct(None, 4) is None and ratio(1, None) is None


def _refusal(plan: Plan, target: KpiTarget) -> KpiUnmeasurable:
    with pytest.raises(KpiUnmeasurable) as info:
        check_measurable(plan, target)
    err = info.value
    assert err.code == "plan.kpi_unmeasurable"
    assert isinstance(err, PlanError)
    assert target.kpi in err.text("en") and target.kpi in err.text("ko")
    return err


def test_listening_kpis_need_topics() -> None:
    err = _refusal(_plan(), KpiTarget("mentions", 1000))
    assert "no listening topics" in err.text("en")
    assert "토픽이 없습니다" in err.text("ko")
    check_measurable(_plan(topics=["우리브랜드"]), KpiTarget("mentions", 1000))
    check_measurable(_plan(topics=["우리브랜드"]), KpiTarget("net_sentiment", 0.3))
    with pytest.raises(PlanError) as info:
        check_measurable(_plan(topics=["우리브랜드"]), KpiTarget("mentions", 1, topic="경쟁사"))
    assert info.value.code == "plan.kpi_topic"


def test_share_of_voice_needs_two_topics_and_one_named() -> None:
    one = _plan(topics=["우리브랜드"])
    err = _refusal(one, KpiTarget("share_of_voice", 30, topic="우리브랜드"))
    assert "at least two" in err.text("en") and "2개 이상" in err.text("ko")
    two = _plan(topics=["우리브랜드", "경쟁사"])
    err = _refusal(two, KpiTarget("share_of_voice", 30))
    assert "name the topic" in err.text("en")
    check_measurable(two, KpiTarget("share_of_voice", 30, topic="우리브랜드"))


def test_spend_kpis_need_a_budget() -> None:
    for kpi in ("cpa", "cpc", "cost_per_engagement"):
        err = _refusal(_plan(), KpiTarget(kpi, 5000))
        assert "no budget" in err.text("en") and "예산이 없어" in err.text("ko")
    funded = _plan(budget_total_krw=1_000_000, budget=[BudgetLine("instagram", "paid", 1_000_000)])
    check_measurable(funded, KpiTarget("cpa", 5000))
    check_measurable(funded, KpiTarget("cpc", 500, channel="instagram"))
    err = _refusal(funded, KpiTarget("cpc", 500, channel="facebook"))
    assert "channel 'facebook' has no budget" in err.text("en")


def test_channel_that_cannot_report_a_metric() -> None:
    plan = _plan()
    err = _refusal(plan, KpiTarget("reach", 10_000, channel="x"))
    assert "does not report reach" in err.text("en") and "X" in err.text("ko")
    err = _refusal(plan, KpiTarget("engagement_rate", 3, channel="x"))
    assert "reach" in err.text("en")
    check_measurable(plan, KpiTarget("impressions", 10_000, channel="x"))
    check_measurable(plan, KpiTarget("reach", 10_000, channel="instagram"))
    check_measurable(plan, KpiTarget("reach", 10_000))  # all channels: those that report it
    chat = _plan(channels=[ChannelChoice("kakaotalk_openchat")])
    err = _refusal(chat, KpiTarget("posts", 10, channel="kakaotalk_openchat"))
    assert "open chat" in err.text("en") and "오픈채팅" in err.text("ko")
    # the channel knowledge base (socialops.domain.channels) says what each channel reports
    band = _plan(channels=[ChannelChoice("naver_band")])
    err = _refusal(band, KpiTarget("ctr", 1, channel="naver_band"))
    assert "does not report clicks" in err.text("en") and "knowledge base" in err.text("en")
    check_measurable(band, KpiTarget("conversation_rate", 1, channel="naver_band"))

    @dataclass
    class Info:
        metrics: list[str]

    # the channel knowledge base's own list of metrics wins over the built-in table
    check_measurable(plan, KpiTarget("reach", 1, channel="x"), {"x": Info(["reach"])})
    with pytest.raises(KpiUnmeasurable):
        check_measurable(
            plan, KpiTarget("clicks", 1, channel="instagram"), {"instagram": Info(["reach"])}
        )


def test_conversion_and_inbox_kpis() -> None:
    plan = _plan()
    check_measurable(plan, KpiTarget("conversions", 100))
    check_measurable(plan, KpiTarget("conversions", 100, channel="instagram"))
    for kpi in ("first_response_time", "resolution_rate", "response_rate"):
        check_measurable(plan, KpiTarget(kpi, 60))
    with pytest.raises(PlanError) as info:
        check_measurable(plan, KpiTarget("likes_per_day", 1))
    assert info.value.code == "plan.unknown_kpi"

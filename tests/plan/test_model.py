"""The plan model: JSON round trip and every kind of bad input refused with a clear message."""

from __future__ import annotations

import copy
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialops.domain.plan import (
    BudgetLine,
    CalendarItem,
    ChannelChoice,
    EscalationRule,
    KpiTarget,
    Plan,
    Segment,
    UtmScheme,
    validate_plan,
)
from socialops.plan.messages import MESSAGES, PlanError, plan_text

CHANNELS = {"instagram", "youtube", "naver_blog", "x", "kakaotalk_channel"}
KPIS = {"reach", "mentions", "engagement_rate", "cpa"}


def make_plan() -> Plan:
    return Plan(
        plan_id="p1",
        name="봄 신제품 출시",
        start=date(2026, 3, 1),
        end=date(2026, 3, 31),
        objectives=["sales_promotion", "new_customers"],
        segments=[Segment(name="2030 여성", age_bands=["20-29", "30-39"], genders=["female"])],
        channels=[ChannelChoice("instagram"), ChannelChoice("naver_blog", role="support")],
        budget_total_krw=10_000_000,
        budget=[
            BudgetLine("instagram", "paid", 7_000_000),
            BudgetLine("naver_blog", "organic", 3_000_000),
        ],
        utm=UtmScheme(
            campaign="spring-launch-202603",
            sources={"instagram": "instagram", "naver_blog": "naver"},
            mediums={"instagram": "paid_social", "naver_blog": "blog"},
        ),
        kpis=[KpiTarget("reach", 500_000, channel="instagram"), KpiTarget("mentions", 2000)],
        topics=["our-brand"],
        calendar=[
            CalendarItem(
                "i1",
                "티저 릴스",
                datetime(2026, 3, 2, 19, 0),
                "instagram",
                segment="2030 여성",
                link="https://example.kr/spring?ref=1",
            )
        ],
    )


def check(plan: Plan) -> None:
    validate_plan(plan, known_channels=CHANNELS, known_kpis=KPIS)


def test_valid_plan_passes_and_round_trips() -> None:
    plan = make_plan()
    check(plan)
    again = Plan.from_dict(copy.deepcopy(plan.to_dict()))
    assert again == plan
    assert again.calendar[0].start == datetime(2026, 3, 2, 19, 0)


def _code(plan: Plan) -> str:
    with pytest.raises(PlanError) as err:
        check(plan)
    return err.value.code


def test_dates_out_of_order() -> None:
    plan = make_plan()
    plan.end = date(2026, 2, 1)
    assert _code(plan) == "plan.dates_order"


def test_budget_must_add_up() -> None:
    plan = make_plan()
    plan.budget[0].amount_krw = 6_999_999
    with pytest.raises(PlanError) as err:
        check(plan)
    assert err.value.code == "plan.budget_sum"
    assert "9,999,999" in err.value.text("ko") and "10,000,000" in err.value.text("en")


def test_budget_line_for_a_channel_not_in_the_mix() -> None:
    plan = make_plan()
    plan.budget.append(BudgetLine("youtube", "paid", 0))
    assert _code(plan) == "plan.budget_channel"


@pytest.mark.parametrize("value", ["Spring", "spring launch", "", "봄캠페인", "a" * 101, "-x"])
def test_invalid_utm_values(value: str) -> None:
    plan = make_plan()
    plan.utm.campaign = value
    assert _code(plan) == "plan.bad_utm"
    plan = make_plan()
    plan.utm.mediums["instagram"] = value
    assert _code(plan) == "plan.bad_utm"


def test_calendar_item_outside_period() -> None:
    plan = make_plan()
    plan.calendar[0].start = datetime(2026, 4, 1, 10, 0)
    with pytest.raises(PlanError) as err:
        check(plan)
    assert err.value.code == "plan.item_outside"
    assert "2026-04-01" in err.value.text("ko") and "outside" in err.value.text("en")


def test_unknown_kpi_and_kpi_on_missing_channel_or_topic() -> None:
    plan = make_plan()
    plan.kpis.append(KpiTarget("happiness", 1))
    assert _code(plan) == "plan.unknown_kpi"
    plan = make_plan()
    plan.kpis.append(KpiTarget("reach", 1, channel="youtube"))
    assert _code(plan) == "plan.kpi_channel"
    plan = make_plan()
    plan.kpis.append(KpiTarget("mentions", 1, topic="rival"))
    assert _code(plan) == "plan.kpi_topic"


def test_other_refusals() -> None:
    cases = []
    p = make_plan()
    p.objectives = ["world_domination"]
    cases.append((p, "plan.bad_choice"))
    p = make_plan()
    p.objectives = []
    cases.append((p, "plan.required"))
    p = make_plan()
    p.channels.append(ChannelChoice("myspace"))
    cases.append((p, "plan.unknown_channel"))
    p = make_plan()
    p.segments[0].age_bands = ["30-20"]
    cases.append((p, "plan.bad_age_band"))
    p = make_plan()
    p.calendar[0].link = "javascript:alert(1)"
    cases.append((p, "plan.bad_link"))
    p = make_plan()
    p.calendar[0].segment = "unknown"
    cases.append((p, "plan.item_segment"))
    p = make_plan()
    p.timezone = "Mars/Base"
    cases.append((p, "plan.bad_zone"))
    p = make_plan()
    p.policy.escalation = [EscalationRule(team="법무팀")]
    cases.append((p, "plan.escalation_empty"))
    p = make_plan()
    p.policy.business_hours = "9 to 6"
    cases.append((p, "plan.bad_hours"))
    p = make_plan()
    p.calendar.append(copy.deepcopy(p.calendar[0]))
    cases.append((p, "plan.duplicate"))
    for plan, code in cases:
        assert _code(plan) == code


def test_malformed_documents() -> None:
    doc = make_plan().to_dict()
    doc["colour"] = "blue"
    with pytest.raises(PlanError) as err:
        Plan.from_dict(doc)
    assert err.value.code == "plan.unknown_field"
    doc = make_plan().to_dict()
    doc["start"] = "2026/03/01"
    with pytest.raises(PlanError) as err:
        Plan.from_dict(doc)
    assert err.value.code == "plan.bad_date"
    doc = make_plan().to_dict()
    del doc["name"]
    with pytest.raises(PlanError) as err:
        Plan.from_dict(doc)
    assert err.value.code == "plan.malformed" and "name" in err.value.text("en")


def test_every_message_has_both_languages_and_formats() -> None:
    for code, (ko, en) in MESSAGES.items():
        assert ko and en and ko != en, code
        # a message formats with any parameters without raising
        assert plan_text(code, "ko")
        assert plan_text(code, "en")


@settings(max_examples=60, deadline=None)
@given(
    total=st.integers(min_value=0, max_value=10**10),
    split=st.floats(min_value=0, max_value=1, allow_nan=False),
    drift=st.integers(min_value=-3, max_value=3),
)
def test_budget_sum_rule(total: int, split: float, drift: int) -> None:
    plan = make_plan()
    first = int(total * split)
    plan.budget_total_krw = total
    plan.budget = [
        BudgetLine("instagram", "paid", first),
        BudgetLine("naver_blog", "organic", max(total - first + drift, 0)),
    ]
    adds_up = sum(b.amount_krw for b in plan.budget) == total
    if adds_up:
        check(plan)
    else:
        assert _code(plan) == "plan.budget_sum"


def test_bad_recurrence_rule_is_refused() -> None:
    plan = make_plan()
    plan.calendar[0].recurrence = "FREQ=SOMETIMES"
    assert _code(plan) in ("plan.bad_rrule", "plan.item_rrule")
    plan.calendar[0].recurrence = "FREQ=WEEKLY;BYDAY=TU;COUNT=4"
    check(plan)


def test_net_sentiment_target_may_be_negative_but_within_one() -> None:
    plan = make_plan()
    plan.kpis.append(KpiTarget("net_sentiment", -0.3, topic="our-brand"))
    validate_plan(plan, known_channels=CHANNELS, known_kpis={*KPIS, "net_sentiment"})
    plan.kpis[-1].target = -1.5
    with pytest.raises(PlanError) as err:
        validate_plan(plan, known_channels=CHANNELS, known_kpis={*KPIS, "net_sentiment"})
    assert err.value.code == "plan.bad_range"
    plan.kpis[-1] = KpiTarget("reach", -1)
    assert _code(plan) == "plan.negative"

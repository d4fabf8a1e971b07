"""Plan templates: valid plans for any period, exact budgets, calendars inside the period."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from fractions import Fraction
from importlib import resources
from typing import Any

import pytest
from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st

from socialops.domain.channels import copy_length, load_channels, text_limit
from socialops.domain.kpis import LIBRARY
from socialops.domain.plan import UTM_VALUE, Plan, validate_plan
from socialops.measure.kpis import check_measurable
from socialops.plan.calendar import calendar_warnings, occurrences
from socialops.plan.messages import PlanError
from socialops.plan.store import PlanStore
from socialops.plan.templates import (
    TEMPLATES,
    allocate,
    build_from_template,
    get_template,
    list_templates,
    plan_from_template,
)
from socialops.store.workspace import Workspace

CHANNELS = load_channels()
PERIODS = {
    "one day": (date(2026, 3, 2), date(2026, 3, 2)),
    "two weeks": (date(2026, 3, 2), date(2026, 3, 15)),
    "six weeks": (date(2026, 4, 6), date(2026, 5, 17)),
    "three months": (date(2026, 3, 1), date(2026, 5, 31)),
    "over new year": (date(2026, 12, 15), date(2027, 2, 14)),
}


def make(name: str, period: str = "two weeks", **kw: Any) -> tuple[Plan, list[dict[str, str]]]:
    start, end = PERIODS[period]
    return build_from_template(name, plan_name="테스트 계획", start=start, end=end, **kw)


def test_the_three_required_templates_and_more() -> None:
    assert {"product-launch", "bank-customer-care", "public-policy-pr"} <= set(TEMPLATES)
    files = {
        p.name.removesuffix(".json")
        for p in (resources.files("socialops.plan") / "data" / "templates").iterdir()
        if p.name.endswith(".json")
    }
    assert files == set(TEMPLATES)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_list_templates(lang: str) -> None:
    items = list_templates(lang)
    assert [t["name"] for t in items] == list(TEMPLATES)
    for t in items:
        assert t["title"] and t["description"] and t["objectives"] and t["channels"]
        assert set(t["channels"]) <= set(CHANNELS)
        assert set(t["brief_prompts"]) == {"message", "offer", "visual"}
    ko, en = list_templates("ko")[0], list_templates("en")[0]
    assert ko["title"] != en["title"] and "출시" in ko["title"] and "launch" in en["title"]


@pytest.mark.parametrize("period", sorted(PERIODS))
@pytest.mark.parametrize("name", TEMPLATES)
def test_each_template_makes_a_valid_plan(name: str, period: str) -> None:
    plan, notes = make(name, period, topics=["우리 브랜드", "경쟁사"])
    start, end = PERIODS[period]
    assert plan.plan_id == "" and plan.template == name and plan.state == "draft"
    validate_plan(plan, known_channels=set(CHANNELS), known_kpis=set(LIBRARY))
    for target in plan.kpis:
        check_measurable(plan, target, CHANNELS)
    # budget lines add up exactly
    assert sum(b.amount_krw for b in plan.budget) == plan.budget_total_krw
    assert plan.budget_total_krw == get_template(name)["default_budget_krw"]
    # UTM: lowercase and valid, campaign from the template name and the start month
    assert plan.utm.campaign == f"{name}-{start:%Y%m}"
    for value in [plan.utm.campaign, *plan.utm.sources.values(), *plan.utm.mediums.values()]:
        assert UTM_VALUE.match(value) and value == value.lower()
    assert set(plan.utm.sources) == set(plan.channel_keys())
    # every chosen channel carries the recommendation's score and the template's reasons
    for c in plan.channels:
        assert c.score is not None and 0 <= c.score <= 100 and c.reasons
    # the calendar: every item and every occurrence inside the period
    assert plan.calendar, "a template plan always has at least its first day's items"
    for item in plan.calendar:
        assert start <= item.start.date() <= end
    occ = occurrences(plan)
    assert all(start <= o.day <= end for o in occ)
    assert len(occ) == sum(_count(i.recurrence) for i in plan.calendar)
    for w in calendar_warnings(plan, CHANNELS):
        assert w.kind != "too_long", w
    assert all(set(n) == {"ko", "en"} for n in notes)


def _count(rule: str) -> int:
    if not rule:
        return 1
    parts = dict(p.split("=") for p in rule.split(";"))
    return int(parts["COUNT"])


@pytest.mark.parametrize("name", TEMPLATES)
def test_longer_periods_have_no_slot_clashes(name: str) -> None:
    for period in ("two weeks", "six weeks", "three months"):
        plan, _ = make(name, period)
        clashes = [w for w in calendar_warnings(plan, CHANNELS) if w.kind == "clash"]
        assert clashes == [], (period, clashes)


def test_recurring_items_are_clipped_to_the_period() -> None:
    def tips(period: str) -> tuple[datetime, str]:
        plan, _ = make("product-launch", period)
        item = next(i for i in plan.calendar if i.title.startswith("주간 카드뉴스"))
        return item.start, item.recurrence

    # offset 5 days, then weekly on Tuesdays: the item starts on the first Tuesday after it
    assert tips("two weeks") == (datetime(2026, 3, 10, 12, 30), "")  # Mar 17 is past Mar 15
    assert tips("six weeks") == (datetime(2026, 4, 14, 12, 30), "FREQ=WEEKLY;BYDAY=TU;COUNT=5")
    # three months: the template's own COUNT=6 is the smaller limit
    assert tips("three months") == (datetime(2026, 3, 10, 12, 30), "FREQ=WEEKLY;BYDAY=TU;COUNT=6")
    start, rule = tips("six weeks")
    assert list(rrulestr(rule, dtstart=start))[-1].date() <= PERIODS["six weeks"][1]


def test_items_past_the_end_are_dropped_and_said() -> None:
    plan, notes = make("product-launch", "one day")
    assert all(i.start.date() == date(2026, 3, 2) for i in plan.calendar)
    assert len(plan.calendar) < len(get_template("product-launch")["calendar"])
    assert any("캘린더 항목" in n["ko"] and "calendar items" in n["en"] for n in notes)
    # end-anchored items sit at the end: D-2 before a 14-day plan's last day
    two, _ = make("product-launch", "two weeks")
    last_call = next(i for i in two.calendar if "D-2" in i.title)
    assert last_call.start.date() == date(2026, 3, 13)


def test_copy_fits_every_channel() -> None:
    for name in TEMPLATES:
        for item in get_template(name)["calendar"]:
            ch = CHANNELS[item["channel"]]
            limit = text_limit(ch, item["format"])
            if limit is not None:
                assert copy_length(ch, item["copy"], item["format"]) <= limit, (name, item["title"])
            assert item["format"] in ch.formats, (name, item["format"])
            assert any("\uac00" <= c <= "\ud7a3" for c in item["copy"]), "copy is Korean"


def test_kpi_units_match_the_library() -> None:
    for name in TEMPLATES:
        for k in get_template(name)["kpis"]:
            assert k["kpi"] in LIBRARY
            assert LIBRARY[k["kpi"]].unit == k["unit"], (name, k["kpi"])


# -- topics and listening KPIs -------------------------------------------------------------------


def test_without_topics_listening_kpis_are_left_out_and_said() -> None:
    plan, notes = make("product-launch")
    assert not {k.kpi for k in plan.kpis} & {"mentions", "share_of_voice", "net_sentiment"}
    assert plan.topics == []
    assert any("리스닝" in n["ko"] and "listening" in n["en"] for n in notes)


def test_topics_fill_the_listening_kpis() -> None:
    plan, _ = make("product-launch", topics=["우리 브랜드", "경쟁사", "우리 브랜드"])
    assert plan.topics == ["우리 브랜드", "경쟁사"]
    listening = {k.kpi: k for k in plan.kpis if LIBRARY[k.kpi].source == "listening"}
    assert set(listening) == {"mentions", "share_of_voice", "net_sentiment"}
    assert {k.topic for k in listening.values()} == {"우리 브랜드"}


def test_share_of_voice_needs_two_topics() -> None:
    plan, notes = make("product-launch", topics=["우리 브랜드"])
    kpis = {k.kpi for k in plan.kpis}
    assert "mentions" in kpis and "share_of_voice" not in kpis
    assert any("점유율" in n["ko"] for n in notes)


def test_cumulative_targets_scale_with_the_period() -> None:
    ref = get_template("product-launch")  # 30 days: reach 1,500,000
    assert ref["reference_days"] == 30
    start = date(2026, 3, 1)
    half, notes = build_from_template(
        "product-launch", plan_name="x", start=start, end=start + timedelta(days=14)
    )
    full, full_notes = build_from_template(
        "product-launch", plan_name="x", start=start, end=start + timedelta(days=29)
    )
    h = {(k.kpi, k.channel): k.target for k in half.kpis}
    f = {(k.kpi, k.channel): k.target for k in full.kpis}
    assert f[("reach", None)] == 1_500_000 and h[("reach", None)] == 750_000
    assert h[("engagement_rate", None)] == f[("engagement_rate", None)] == 3.0  # rates stay
    assert any("비례" in n["ko"] for n in notes)
    assert not any("비례" in n["ko"] for n in full_notes)


# -- budgets -------------------------------------------------------------------------------------


@pytest.mark.parametrize("total", [0, 1, 7, 99, 1_000_001, 33_333_333, 10**11 + 7])
@pytest.mark.parametrize("name", TEMPLATES)
def test_budgets_add_up_for_awkward_totals(name: str, total: int) -> None:
    plan, _ = make(name, budget_krw=total)
    assert plan.budget_total_krw == total
    assert sum(b.amount_krw for b in plan.budget) == total
    if total == 0:
        assert plan.budget == []
        assert "cpa" not in {k.kpi for k in plan.kpis}
    else:
        percents = [b["percent"] for b in get_template(name)["budget"]]
        for line, pct in zip(plan.budget, percents, strict=True):
            assert abs(line.amount_krw - Fraction(pct) * total / 100) < 1


def test_zero_budget_drops_spend_kpis_with_a_note() -> None:
    plan, notes = make("retention-loyalty", budget_krw=0)
    assert "cpa" not in {k.kpi for k in plan.kpis}
    assert any("cpa" in n["ko"] and "cpa" in n["en"] for n in notes)


@settings(max_examples=200, deadline=None)
@given(
    total=st.integers(min_value=0, max_value=10**13),
    percents=st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=12),
)
def test_allocate_is_exact(total: int, percents: list[int]) -> None:
    if sum(percents) == 0:
        return
    # scale the weights to percentages that sum to exactly 100
    pcts = [Fraction(p * 100, sum(percents)) for p in percents]
    amounts = allocate(total, pcts)
    assert sum(amounts) == total
    for a, p in zip(amounts, pcts, strict=True):
        exact = p * total / 100
        assert a >= 0 and exact - 1 < a < exact + 1
    assert allocate(total, pcts) == amounts  # deterministic


def test_allocate_gives_leftover_won_to_the_largest_remainders() -> None:
    assert allocate(10, [Fraction(100, 3)] * 3) == [4, 3, 3]
    assert allocate(100, [50, 30, 20]) == [50, 30, 20]
    assert allocate(7, [30, 5, 20, 10, 10, 15, 10]) == [2, 0, 1, 1, 1, 1, 1]
    with pytest.raises(PlanError) as err:
        allocate(100, [50, 40])
    assert err.value.code == "plan.budget_sum"


# -- bad input -----------------------------------------------------------------------------------


def test_unknown_template() -> None:
    with pytest.raises(PlanError) as err:
        plan_from_template("launch", plan_name="x", start=date(2026, 3, 1), end=date(2026, 3, 2))
    e = err.value
    assert e.code == "plan.unknown_template"
    assert "product-launch" in e.text("en") and "템플릿" in e.text("ko")


def test_dates_out_of_order() -> None:
    with pytest.raises(PlanError) as err:
        plan_from_template(
            "product-launch", plan_name="x", start=date(2026, 3, 2), end=date(2026, 3, 1)
        )
    assert err.value.code == "plan.dates_order"


def test_negative_budget() -> None:
    with pytest.raises(PlanError) as err:
        make("product-launch", budget_krw=-1)
    assert err.value.code == "plan.negative"


def test_empty_name_is_refused() -> None:
    with pytest.raises(PlanError) as err:
        plan_from_template(
            "public-policy-pr", plan_name=" ", start=date(2026, 3, 1), end=date(2026, 3, 2)
        )
    assert err.value.code == "plan.required"


# -- templates' content --------------------------------------------------------------------------


def test_operating_policies() -> None:
    bank, _ = make("bank-customer-care", "three months")
    assert {"확정 수익", "원금 보장", "무조건"} <= set(bank.policy.banned_words)
    assert bank.policy.response_minutes["kakaotalk_channel"] <= 10
    assert [c.level for c in bank.policy.crisis_levels] == [1, 2, 3]
    assert any("보이스피싱" in e.keywords for e in bank.policy.escalation)
    assert any(c.care for k, c in CHANNELS.items() if k in bank.channel_keys())
    public, _ = make("public-policy-pr", "three months")
    assert {"여당", "야당"} <= set(public.policy.banned_words)
    assert "운영 정책" in public.policy.notes and "#17" not in public.policy.notes  # no citation
    assert any("대변인실" in e.team for e in public.policy.escalation)
    for name in TEMPLATES:
        plan, _ = make(name)
        assert set(plan.policy.response_minutes) <= set(plan.channel_keys())
        assert plan.policy.approval_rules and plan.policy.tone


def test_deterministic() -> None:
    a, _ = make("public-policy-pr", "three months", topics=["기관"])
    b, _ = make("public-policy-pr", "three months", topics=["기관"])
    assert json.dumps(a.to_dict(), sort_keys=True) == json.dumps(b.to_dict(), sort_keys=True)


def test_a_workspace_channel_file_is_used(workspace: Workspace) -> None:
    (workspace.root / "channels.json").write_text(
        json.dumps({"channels": {"x": {"utm_source": "twitter", "utm_medium": "organic_social"}}})
    )
    plan = plan_from_template(
        "bank-customer-care",
        plan_name="x",
        start=date(2026, 3, 1),
        end=date(2026, 3, 31),
        ws=workspace,
    )
    assert plan.utm.sources["x"] == "twitter" and plan.utm.mediums["x"] == "organic_social"


def test_a_template_plan_saves_in_the_store(workspace: Workspace) -> None:
    for name in TEMPLATES:
        plan = plan_from_template(
            name,
            plan_name=f"{name} 계획",
            start=date(2026, 3, 1),
            end=date(2026, 4, 30),
            ws=workspace,
            topics=["브랜드", "경쟁사"],
        )
        saved = PlanStore(workspace).create(plan, actor="planner@example.kr")
        again = PlanStore(workspace).get(saved.plan_id)
        assert again.to_dict() == saved.to_dict()
        assert sum(b.amount_krw for b in again.budget) == again.budget_total_krw

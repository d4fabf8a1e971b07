"""The plan forms' readers (socialops.web.plan_forms, .plan_item_forms), without a server: a
plan shown as the edit form and read back is the same plan; the one-line mini-syntax of
escalation rules and crisis levels; numbers as people type them; recurrence presets and their
RRULEs; errors in Korean and English."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from socialops.domain.plan import (
    BudgetLine,
    CalendarItem,
    ChannelChoice,
    CrisisLevel,
    EscalationRule,
    KpiTarget,
    Plan,
    Policy,
    Segment,
    UtmScheme,
)
from socialops.web.plan_forms import FormError, edit_doc, edit_form, edit_form_of_fields
from socialops.web.plan_item_forms import (
    item_form,
    item_form_of_fields,
    item_of_form,
    recurrence_of,
    repeat_of,
)


def sample() -> Plan:
    return Plan(
        plan_id="p1",
        name="봄 신제품 출시",
        start=date(2026, 3, 1),
        end=date(2026, 3, 31),
        objectives=["sales_promotion", "new_customers"],
        brief_message="새 향기\n두 줄",
        segments=[
            Segment("2030 여성", ["20-29", "30-39"], ["female"], ["서울", "경기"], ["뷰티"], "new"),
            Segment("기존 고객", [], [], [], [], "existing", "최근 6개월 구매", 12000),
        ],
        channels=[ChannelChoice("instagram", "main", 80.5, ["좋음"]), ChannelChoice("naver_blog")],
        budget_total_krw=30_000_000,
        budget=[
            BudgetLine("instagram", "paid", 20_000_000, "릴스 광고"),
            BudgetLine("naver_blog", "organic", 10_000_000),
        ],
        utm=UtmScheme("spring-2026", {"instagram": "ig"}, {"instagram": "paid_social"}),
        kpis=[
            KpiTarget("reach", 1_000_000, "instagram", baseline=800_000.0, baseline_note="2월"),
            KpiTarget("engagement_rate", 3.5),
        ],
        calendar=[CalendarItem("i1", "티저", datetime(2026, 3, 5, 19, 0), "instagram")],
        policy=Policy(
            tone="친근하게",
            response_minutes={"instagram": 60},
            escalation=[
                EscalationRule("민원팀", ["환불", "불만"], ["complaint"], 30),
                EscalationRule("법무팀", ["소송"]),
            ],
            crisis_levels=[
                CrisisLevel(1, "관심", "부정 증가", ["모니터링", "보고"], 0.3, 50),
                CrisisLevel(2, "경계", "언론 보도"),
            ],
            approval_rules=["광고는 법무 검토", "가격 표기는 마케팅팀장 승인"],
            banned_words=["최고", "무조건"],
        ),
        owner="owner@example.com",
        approvers=["manager@example.com"],
    )


def as_fields(form: dict[str, object]) -> dict[str, list[str]]:
    """The fields a browser sends for the edit form's values (as the template renders them)."""
    out: dict[str, list[str]] = {}

    def add(name: str, value: object) -> None:
        out.setdefault(name, []).append(str(value))

    for key in ("name", "start", "end", "timezone", "brief_message", "brief_offer",
                "brief_visual", "owner", "approvers", "budget_total", "utm_campaign", "tone",
                "business_hours", "notes", "escalation", "crisis", "approval_rules",
                "banned_words"):  # fmt: skip
        add(key, form[key])
    for o in form["objectives"]:  # type: ignore[attr-defined]
        add("objectives", o)
    for tp in form["topics"]:  # type: ignore[attr-defined]
        add("topics", tp)
    for s in form["segments"]:  # type: ignore[attr-defined]
        for k in ("name", "ages", "gender", "regions", "interests", "customer", "history", "size"):
            add(f"seg_{k}", s[k])
    for b in form["budget"]:  # type: ignore[attr-defined]
        for k in ("channel", "kind", "amount", "note"):
            add(f"bud_{k}", b[k])
    for u in form["utm"]:  # type: ignore[attr-defined]
        for k in ("channel", "source", "medium"):
            add(f"utm_{k}", u[k])
    for k in form["kpis"]:  # type: ignore[attr-defined]
        add("kpi_id", k["kpi"])
        for f in ("target", "channel", "topic"):
            add(f"kpi_{f}", k[f])
    for r in form["response"]:  # type: ignore[attr-defined]
        add("resp_channel", r["channel"])
        add("resp_minutes", r["minutes"])
    return out


def test_the_edit_form_reads_back_the_same_plan() -> None:
    plan = sample()
    form = edit_form(plan)
    assert form["budget_total"] == "30,000,000" and form["budget"][0]["amount"] == "20,000,000"
    assert form["escalation"].splitlines() == [
        "민원팀 | 환불, 불만 | complaint | 30",
        "법무팀 | 소송",
    ]
    assert form["crisis"].splitlines()[1] == "2 | 경계 | 언론 보도"
    read = edit_form_of_fields(as_fields(form))
    assert read == form
    assert Plan.from_dict(edit_doc(plan, read)) == plan


def test_blocks_add_and_remove() -> None:
    plan = sample()
    fields = as_fields(edit_form(plan))
    fields["seg_name"][1] = ""  # cleared: removed
    for k, v in (("name", "50대"), ("ages", "50-59"), ("gender", "male"), ("regions", "부산"),
                 ("interests", "골프, 여행"), ("customer", "any"), ("history", ""),
                 ("size", "3,000")):  # fmt: skip
        fields[f"seg_{k}"].append(v)
    fields["kpi_id"].append("")  # the empty block left empty
    for f in ("target", "channel", "topic"):
        fields[f"kpi_{f}"].append("")
    doc = edit_doc(plan, edit_form_of_fields(fields))
    assert [s["name"] for s in doc["segments"]] == ["2030 여성", "50대"]
    assert doc["segments"][1]["interests"] == ["골프", "여행"]
    assert doc["segments"][1]["size_estimate"] == 3000
    assert doc["segments"][1]["genders"] == ["male"]
    assert len(doc["kpis"]) == 2 and doc["kpis"][0]["baseline"] == 800_000.0


@pytest.mark.parametrize(
    ("field", "value", "key"),
    [
        ("escalation", "민원팀 | a | b | 30 | 넘침", "bad_line"),
        ("escalation", " | 환불", "bad_line"),
        ("crisis", "1 | 관심", "bad_line"),
        ("crisis", "하나 | 관심 | 증가", "bad_number"),
        ("crisis", "1 | 관심 | 증가 | 보고 | 1.5", "bad_decimal"),
        ("budget_total", "3천만", "bad_number"),
        ("budget_total", "-5", "bad_number"),
    ],
)
def test_unreadable_fields(field: str, value: str, key: str) -> None:
    plan = sample()
    fields = as_fields(edit_form(plan))
    fields[field] = [value]
    with pytest.raises(FormError) as err:
        edit_doc(plan, edit_form_of_fields(fields))
    assert err.value.key == key
    ko, en = err.value.text("ko"), err.value.text("en")
    assert ko != en and any("\uac00" <= ch <= "\ud7a3" for ch in ko)
    for part in value.split("|"):
        en = en.replace(part.strip(), "") if part.strip() else en
    assert not any("\uac00" <= ch <= "\ud7a3" for ch in en), en


def test_kpi_target_needs_a_number() -> None:
    plan = sample()
    fields = as_fields(edit_form(plan))
    fields["kpi_target"][1] = "-0.2"  # a negative target reaches the model, which judges it
    assert edit_doc(plan, edit_form_of_fields(fields))["kpis"][1]["target"] == -0.2
    fields["kpi_target"][1] = "많이"
    with pytest.raises(FormError) as err:
        edit_doc(plan, edit_form_of_fields(fields))
    assert "kpis.engagement_rate" in err.value.text("en")


@pytest.mark.parametrize(
    ("repeat", "count", "rule"),
    [
        ("none", "4", ""),
        ("weekly", "3", "FREQ=WEEKLY;COUNT=3"),
        ("biweekly", "5", "FREQ=WEEKLY;INTERVAL=2;COUNT=5"),
        ("monthly", "2", "FREQ=MONTHLY;COUNT=2"),
    ],
)
def test_recurrence_presets(repeat: str, count: str, rule: str) -> None:
    assert recurrence_of(repeat, count) == rule
    assert repeat_of(rule) == ((repeat, count) if rule else ("none", ""))


def test_recurrence_refusals() -> None:
    assert repeat_of("FREQ=WEEKLY;BYDAY=TU;COUNT=8") == ("custom", "")
    with pytest.raises(FormError):
        recurrence_of("daily", "3")
    for count in ("0", "367", "", "x"):
        with pytest.raises(FormError):
            recurrence_of("weekly", count)


def test_calendar_item_form() -> None:
    plan = sample()
    new = item_of_form(
        plan,
        {
            **item_form(None, plan, "2026-03-10"),
            "title": " 신제품 티저 ",
            "time": "19:30",
            "repeat": "weekly",
            "count": "3",
            "assets": "https://cdn.example.com/a.png\n\nhttps://cdn.example.com/b.png",
        },
    )
    assert new["item_id"].startswith("i") and new["item_id"] != "i1"
    assert new["start"] == "2026-03-10T19:30" and new["title"] == "신제품 티저"
    assert new["recurrence"] == "FREQ=WEEKLY;COUNT=3" and new["revision"] == 0
    assert new["assets"] == ["https://cdn.example.com/a.png", "https://cdn.example.com/b.png"]
    # an edit keeps the id and bumps the revision; a form shows the item and reads back
    form = item_form(plan.calendar[0], plan)
    fields = {k: [v] for k, v in form.items()}
    edited = item_of_form(plan, {**item_form_of_fields(fields), "status": "ready"})
    assert edited["item_id"] == "i1" and edited["revision"] == 1 and edited["status"] == "ready"
    assert edited["start"] == "2026-03-05T19:00"
    with pytest.raises(FormError) as err:
        item_of_form(plan, {**form, "date": "2026-3-5x"})
    assert err.value.key == "bad_when"
    with pytest.raises(FormError) as err:
        item_of_form(plan, {**form, "item_id": "gone"})
    assert err.value.key == "no_item"

"""Content calendar: recurrence inside the plan, DST zones, special days, warnings, views."""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr

from socialops.domain.channels import load_channels, text_limit
from socialops.domain.plan import CalendarItem, ChannelChoice, Plan
from socialops.plan.calendar import (
    COMMERCE_DAYS_FILE,
    MAX_OCCURRENCES,
    SLOT_MINUTES,
    calendar_warnings,
    load_commerce_days,
    month_view,
    occurrences,
    public_holidays,
    special_days,
    validate_recurrence,
    week_view,
)
from socialops.plan.messages import PlanError

SEOUL = ZoneInfo("Asia/Seoul")


def make_plan(start: date, end: date, *items: CalendarItem) -> Plan:
    return Plan(
        plan_id="p-cal",
        name="봄 신제품 런칭",
        start=start,
        end=end,
        objectives=["sales_promotion"],
        channels=[ChannelChoice("instagram"), ChannelChoice("x"), ChannelChoice("naver_blog")],
        calendar=list(items),
    )


def item(
    item_id: str, start: datetime, channel: str = "instagram", title: str = "", **kw: Any
) -> CalendarItem:
    return CalendarItem(item_id, title or item_id.upper(), start, channel, **kw)


MARCH = (date(2026, 3, 1), date(2026, 3, 31))

# -- recurrence ---------------------------------------------------------------------------------


def test_single_items_are_one_occurrence_in_seoul_time() -> None:
    plan = make_plan(*MARCH, item("a", datetime(2026, 3, 3, 10, 0)))
    [occ] = occurrences(plan)
    assert occ.n == 1 and occ.start_local == datetime(2026, 3, 3, 10, 0)
    assert occ.start_utc == datetime(2026, 3, 3, 1, 0, tzinfo=UTC)


def test_an_open_ended_rule_is_clipped_to_the_plan_end() -> None:
    plan = make_plan(*MARCH, item("a", datetime(2026, 3, 3, 10), recurrence="FREQ=WEEKLY;BYDAY=TU"))
    occ = occurrences(plan)
    assert [o.start_local.day for o in occ] == [3, 10, 17, 24, 31]
    assert [o.n for o in occ] == [1, 2, 3, 4, 5]
    assert all(o.start_local.date() <= plan.end for o in occ)


@pytest.mark.parametrize(
    ("rule", "days"),
    [
        ("FREQ=WEEKLY;BYDAY=TU;COUNT=3", [3, 10, 17]),
        ("RRULE:FREQ=WEEKLY;COUNT=2", [3, 10]),
        ("FREQ=WEEKLY;UNTIL=20260317", [3, 10, 17]),  # a date: the whole day counts
        ("FREQ=WEEKLY;UNTIL=20260317T010000Z", [3, 10, 17]),  # 10:00 KST exactly
        ("FREQ=WEEKLY;UNTIL=20260317T005959Z", [3, 10]),
        ("FREQ=WEEKLY;UNTIL=20260317T095959", [3, 10]),  # local time
        ("FREQ=WEEKLY;UNTIL=20301231", [3, 10, 17, 24, 31]),  # beyond the plan: clipped
        ("FREQ=DAILY;INTERVAL=10", [3, 13, 23]),
        ("FREQ=WEEKLY;COUNT=100", [3, 10, 17, 24, 31]),
    ],
)
def test_count_and_until(rule: str, days: list[int]) -> None:
    plan = make_plan(*MARCH, item("a", datetime(2026, 3, 3, 10), recurrence=rule))
    assert [o.start_local.day for o in occurrences(plan)] == days


def test_the_items_start_is_always_the_first_occurrence_and_counts() -> None:
    # 2026-03-02 is a Monday; the rule names Tuesdays: RFC 5545 keeps DTSTART as occurrence 1
    plan = make_plan(
        *MARCH, item("a", datetime(2026, 3, 2, 9), recurrence="FREQ=WEEKLY;BYDAY=TU;COUNT=3")
    )
    occ = occurrences(plan)
    assert [(o.start_local.day, o.n) for o in occ] == [(2, 1), (3, 2), (10, 3)]


def test_at_most_max_occurrences_per_item() -> None:
    plan = make_plan(
        date(2026, 3, 1),
        date(2026, 5, 31),
        item("a", datetime(2026, 3, 1, 0), recurrence="FREQ=HOURLY"),
    )
    occ = occurrences(plan)
    assert len(occ) == MAX_OCCURRENCES
    assert occ[-1].start_local == datetime(2026, 3, 1) + timedelta(hours=MAX_OCCURRENCES - 1)


RULES = [
    "FREQ=WEEKLY;BYDAY=MO,TH",
    "FREQ=WEEKLY;INTERVAL=2;WKST=SU;BYDAY=SU,TU",
    "FREQ=MONTHLY;BYDAY=2TU",
    "FREQ=MONTHLY;BYMONTHDAY=-1",
    "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
    "FREQ=YEARLY;BYWEEKNO=1,53;BYDAY=MO",
    "FREQ=YEARLY;BYYEARDAY=-1,60",
    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
    "FREQ=DAILY;BYHOUR=9,21;BYMINUTE=30",
    "FREQ=HOURLY;INTERVAL=7;BYDAY=SA",
]


@pytest.mark.parametrize("rule", RULES)
def test_expansion_matches_dateutil(rule: str) -> None:
    """The expansion (run shifted next to year 9999, see calendar._shift_years) gives exactly
    what plain dateutil gives from the item's start, cut to the plan period."""
    start, end = date(2027, 12, 1), date(2030, 11, 30)  # 2028 is a leap year, 2028-W53 none
    first = datetime(2027, 12, 6, 9, 30)  # a Monday
    plan = make_plan(start, end, item("a", first, recurrence=rule))
    expected = [first] + [
        dt
        for dt in rrulestr(rule, dtstart=first)
        .replace(until=datetime(2030, 11, 30, 23, 59))
        .between(first, datetime(2030, 12, 1), inc=False)
    ]
    got = [o.start_local for o in occurrences(plan)]
    assert got == expected[:MAX_OCCURRENCES]
    assert len(got) > 1


def test_a_rule_that_never_matches_is_answered_quickly() -> None:
    for rule in ("FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30", "FREQ=DAILY;INTERVAL=7;BYDAY=TU"):
        plan = make_plan(*MARCH, item("a", datetime(2026, 3, 2, 10), recurrence=rule))
        began = time.perf_counter()
        occ = occurrences(plan)
        assert time.perf_counter() - began < 1.0  # plain dateutil searches to 9999: 5-12 s
        assert [o.n for o in occ] == [1]


def test_dst_zone_keeps_the_wall_time_and_moves_utc() -> None:
    # New York springs forward on 2026-03-08 (EST -5 -> EDT -4)
    plan = make_plan(
        *MARCH,
        item(
            "ny",
            datetime(2026, 3, 6, 9, 0),
            timezone="America/New_York",
            recurrence="FREQ=DAILY;COUNT=4",
        ),
    )
    occ = occurrences(plan)
    assert [o.start_local.hour for o in occ] == [9, 9, 9, 9]
    assert [o.start_utc.hour for o in occ] == [14, 14, 13, 13]
    assert all(o.start_utc.tzinfo is UTC for o in occ)


def test_dst_gap_and_fold_follow_rfc5545() -> None:
    gap = item("gap", datetime(2026, 3, 8, 2, 30), timezone="America/New_York")
    fold = item("fold", datetime(2026, 11, 1, 1, 30), timezone="America/New_York")
    plan = make_plan(date(2026, 3, 1), date(2026, 11, 30), gap, fold)
    by_id = {o.item.item_id: o for o in occurrences(plan)}
    # a time in the gap is read with the offset before the gap (EST), i.e. 03:30 EDT
    assert by_id["gap"].start_utc == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)
    # an ambiguous time is its first occurrence (EDT)
    assert by_id["fold"].start_utc == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("rule", "why"),
    [
        ("FREQ=SOMETIMES", "FREQ=SOMETIMES"),
        ("FREQ=DAILY;BYHOUR=25", "BYHOUR=25"),
        ("FREQ=DAILY;X-NAME=1", "X-NAME=1"),
        ("FREQ=DAILY;INTERVAL=0", "INTERVAL=0"),
        ("FREQ=DAILY;UNTIL=2026-03-31", "UNTIL=2026-03-31"),
        ("BYDAY=TU", "FREQ"),
        ("FREQ=MINUTELY", "HOURLY"),
        ("FREQ=DAILY;COUNT=3;UNTIL=20260331", "COUNT"),
        ("DTSTART:20200101T000000\nRRULE:FREQ=DAILY", "DTSTART"),
    ],
)
def test_unusable_rules_are_refused_in_both_languages(rule: str, why: str) -> None:
    with pytest.raises(PlanError) as exc:
        validate_recurrence(rule)
    assert exc.value.code == "plan.bad_rrule"
    assert why in exc.value.text("en")
    assert "반복 규칙" in exc.value.text("ko")
    plan = make_plan(*MARCH, item("a", datetime(2026, 3, 3), title="주간 팁", recurrence=rule))
    with pytest.raises(PlanError) as exc:
        occurrences(plan)
    assert exc.value.code == "plan.item_rrule"
    assert "주간 팁" in exc.value.text("ko") and "주간 팁" in exc.value.text("en")


def test_usable_rules_pass() -> None:
    for rule in ("", "  ", "FREQ=WEEKLY;BYDAY=TU;COUNT=8", "rrule:freq=daily;count=2;"):
        validate_recurrence(rule)


# -- special days -------------------------------------------------------------------------------


def test_public_holidays_2026_in_korean_and_english() -> None:
    days = {
        s.day: s for s in special_days(date(2026, 1, 1), date(2026, 12, 31)) if s.kind == "holiday"
    }
    assert days[date(2026, 2, 17)].name_ko == "설날"
    assert days[date(2026, 2, 17)].name_en == "Korean New Year"
    assert days[date(2026, 9, 25)].name_ko == "추석"
    assert days[date(2026, 9, 25)].name_en == "Chuseok"
    assert {date(2026, 2, 16), date(2026, 2, 18), date(2026, 9, 24), date(2026, 9, 26)} <= set(days)
    assert days[date(2026, 3, 1)].name_ko == "삼일절"
    assert date(2026, 3, 2) in days  # 대체 휴일 (Sunday)
    assert date(2026, 2, 14) not in days


def test_two_holidays_on_one_day_keep_both_names() -> None:
    # 2028: 추석 falls on 개천절
    names = public_holidays(date(2028, 10, 3), date(2028, 10, 3))[date(2028, 10, 3)]
    assert "추석" in names[0] and "개천절" in names[0]
    assert "Chuseok" in names[1] and "National Foundation Day" in names[1]


def _commerce(year: int) -> dict[str, list]:
    found: dict[str, list] = {}
    for s in special_days(date(year, 1, 1), date(year, 12, 31)):
        if s.kind == "commerce":
            found.setdefault(s.key, []).append(s)
    return found


def test_commerce_days_2026() -> None:
    c = _commerce(2026)
    single = {key: days[0].day for key, days in c.items() if not days[0].is_period}
    assert single["valentines_day"] == date(2026, 2, 14)
    assert single["white_day"] == date(2026, 3, 14)
    assert single["black_day"] == date(2026, 4, 14)
    assert single["parents_day"] == date(2026, 5, 8)
    assert single["teachers_day"] == date(2026, 5, 15)
    assert single["coming_of_age_day"] == date(2026, 5, 18)  # third Monday of May
    assert single["pepero_day"] == date(2026, 11, 11)
    assert single["black_friday"] == date(2026, 11, 27)  # US Thanksgiving 2026-11-26
    assert single["cyber_monday"] == date(2026, 11, 30)
    assert single["christmas_eve"] == date(2026, 12, 24)
    assert single["suneung"] == date(2026, 11, 19) and not c["suneung"][0].approx
    seol = c["seollal_gift_season"][0]
    assert (seol.day, seol.end) == (date(2026, 2, 3), date(2026, 2, 16))  # 설날 2026-02-17
    chuseok = c["chuseok_gift_season"][0]
    assert chuseok.end == date(2026, 9, 24)  # the day before 추석 2026-09-25
    assert (c["family_month"][0].day, c["family_month"][0].end) == (
        date(2026, 5, 1),
        date(2026, 5, 31),
    )
    assert c["year_end_sale"][0].end == date(2026, 12, 31)
    festa = c["korea_sale_festa"][0]
    assert festa.approx and festa.note_ko and festa.note_en  # 2026 not announced in the file
    names = {s.name_ko for days in c.values() for s in days}
    assert {
        "발렌타인데이",
        "빼빼로데이",
        "블랙프라이데이",
        "코리아세일페스타",
        "가정의 달",
    } <= names
    assert all(s.name_en and s.source for days in c.values() for s in days)


def test_announced_dates_win_over_the_rule() -> None:
    festa = _commerce(2024)["korea_sale_festa"][0]
    assert (festa.day, festa.end, festa.approx) == (date(2024, 11, 9), date(2024, 11, 30), False)
    assert "산업통상자원부" in festa.source
    suneung = _commerce(2027)["suneung"][0]
    assert suneung.day == date(2027, 11, 18) and suneung.approx  # third Thursday, assumed


def test_periods_are_clipped_to_the_range_asked_for() -> None:
    found = special_days(date(2026, 5, 10), date(2026, 5, 20))
    family = next(s for s in found if s.key == "family_month")
    assert (family.day, family.end, family.period) == (
        date(2026, 5, 10),
        date(2026, 5, 20),
        (date(2026, 5, 1), date(2026, 5, 31)),
    )
    assert all(date(2026, 5, 10) <= s.day <= date(2026, 5, 20) for s in found)
    assert [s.day for s in found] == sorted(s.day for s in found)


def test_every_commerce_entry_has_names_a_rule_and_a_source() -> None:
    entries = load_commerce_days()
    assert len(entries) >= 16
    for e in entries:
        assert e["name_ko"] and e["name_en"] and e["source"] and e["rule"]["type"]


def _entry(doc: dict[str, Any], key: str) -> dict[str, Any]:
    return next(e for e in doc["days"] if e["key"] == key)


def test_a_malformed_commerce_file_is_refused(tmp_path: Path) -> None:
    good = json.loads(COMMERCE_DAYS_FILE.read_text(encoding="utf-8"))
    cases = {
        "no_source": lambda d: d["days"][0].pop("source"),
        "bad_rule": lambda d: d["days"][0].update(rule={"type": "fixed", "month": 2, "day": 30}),
        "dup_key": lambda d: d["days"].append(dict(d["days"][0])),
        "bad_year": lambda d: _entry(d, "korea_sale_festa")["rule"]["years"].update(
            {"2025": {"start": "2024-11-01", "end": "2024-11-02", "source": "x"}}
        ),
    }
    for name, spoil in cases.items():
        doc = json.loads(json.dumps(good))
        spoil(doc)
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        with pytest.raises(PlanError) as exc:
            load_commerce_days(path)
        assert exc.value.code == "plan.commerce_days", name
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(PlanError):
        special_days(date(2026, 1, 1), date(2026, 1, 31), data=broken)


# -- warnings -----------------------------------------------------------------------------------


def test_clash_on_one_channel_within_the_slot() -> None:
    plan = make_plan(
        *MARCH,
        item("a", datetime(2026, 3, 4, 10, 0), title="런칭 티저"),
        item("b", datetime(2026, 3, 4, 10, 30), title="후기 이벤트"),
        item("c", datetime(2026, 3, 4, 10, 0), channel="x"),  # another channel: fine
        item("d", datetime(2026, 3, 4, 11, 30)),  # 60 minutes after b: fine
        item("e", datetime(2026, 3, 5, 10, 10), status="cancelled"),
        item("f", datetime(2026, 3, 5, 10, 0)),  # the cancelled e does not take the slot
    )
    warnings = [w for w in calendar_warnings(plan, load_channels(None)) if w.kind == "clash"]
    assert len(warnings) == 1
    [w] = warnings
    assert (w.item_id, w.other_item_id, w.day, w.level) == ("b", "a", date(2026, 3, 4), "warning")
    assert "런칭 티저" in w.ko and "후기 이벤트" in w.ko and "인스타그램" in w.ko
    assert "Instagram" in w.en and f"{SLOT_MINUTES} minutes" in w.en


def test_a_recurring_item_clashes_only_where_it_meets_another() -> None:
    plan = make_plan(
        *MARCH,
        item("weekly", datetime(2026, 3, 3, 10), recurrence="FREQ=WEEKLY;BYDAY=TU"),
        item("once", datetime(2026, 3, 17, 10, 20)),
    )
    clashes = [w for w in calendar_warnings(plan, {}) if w.kind == "clash"]
    assert [(w.day, w.item_id, w.other_item_id) for w in clashes] == [
        (date(2026, 3, 17), "once", "weekly")
    ]


def test_copy_longer_than_the_channel_allows() -> None:
    channels = load_channels(None)
    limit = text_limit(channels["x"], None)
    assert limit is not None
    plan = make_plan(
        *MARCH,
        item("long", datetime(2026, 3, 4, 9), channel="x", copy="a" * (limit + 1)),
        item("fits", datetime(2026, 3, 5, 9), channel="x", copy="a" * limit),
        item("long_ko", datetime(2026, 3, 6, 9), channel="x", copy="가" * (limit // 2 + 1)),
        item("blog", datetime(2026, 3, 7, 9), channel="naver_blog", copy="가" * 5000),
    )
    too_long = [w for w in calendar_warnings(plan, channels) if w.kind == "too_long"]
    assert sorted(w.item_id for w in too_long) == ["long", "long_ko"]
    w = next(w for w in too_long if w.item_id == "long")
    assert w.day is None  # about every occurrence of the item
    assert f"{limit + 1}/{limit}" in w.ko and f"{limit + 1}/{limit}" in w.en
    # without the channel in the knowledge base there is no length check
    assert not [x for x in calendar_warnings(plan, {}) if x.kind == "too_long"]


def test_items_on_public_holidays_are_info() -> None:
    plan = make_plan(
        date(2026, 2, 1),
        date(2026, 3, 31),
        item("seol", datetime(2026, 2, 17, 10), title="설 인사"),
        item("weekday", datetime(2026, 2, 19, 10)),
        item("weekly", datetime(2026, 2, 22, 10), recurrence="FREQ=WEEKLY;COUNT=2"),  # 3/1
    )
    holiday = [w for w in calendar_warnings(plan, {}) if w.kind == "holiday"]
    assert [(w.item_id, w.day) for w in holiday] == [
        ("seol", date(2026, 2, 17)),
        ("weekly", date(2026, 3, 1)),
    ]
    assert all(w.level == "info" for w in holiday)
    assert "설날" in holiday[0].ko and "Korean New Year" in holiday[0].en
    assert "삼일절" in holiday[1].ko and "Independence Movement Day" in holiday[1].en


# -- views --------------------------------------------------------------------------------------


def test_month_view_weeks_and_days() -> None:
    plan = make_plan(
        date(2026, 3, 10),
        date(2026, 4, 20),
        item("a", datetime(2026, 3, 10, 10), recurrence="FREQ=WEEKLY;BYDAY=TU"),
        item("b", datetime(2026, 3, 10, 10, 15)),
    )
    view = month_view(plan, 2026, 3, channels={})
    # March 2026 starts on a Sunday and ends on a Tuesday: Mon 23 Feb .. Sun 5 Apr, 6 weeks
    assert len(view.weeks) == 6 and all(len(w) == 7 for w in view.weeks)
    assert view.weeks[0][0].day == date(2026, 2, 23) and view.weeks[-1][-1].day == date(2026, 4, 5)
    assert all(cell.day.weekday() == i for w in view.weeks for i, cell in enumerate(w))
    cells = {c.day: c for c in view.days()}
    assert not cells[date(2026, 2, 28)].in_month and cells[date(2026, 3, 1)].in_month
    assert not cells[date(2026, 3, 9)].in_plan and cells[date(2026, 3, 10)].in_plan
    assert [o.item.item_id for o in cells[date(2026, 3, 10)].occurrences] == ["a", "b"]
    assert [o.n for o in cells[date(2026, 3, 31)].occurrences] == [4]
    assert sum(len(c.occurrences) for c in view.days()) == 5  # a: 10, 17, 24, 31 March; b
    assert [s.name_ko for s in cells[date(2026, 3, 1)].special] == ["삼일절"]
    assert [s.name_ko for s in cells[date(2026, 3, 14)].special] == ["화이트데이"]
    assert {w.kind for w in cells[date(2026, 3, 10)].warnings} == {"clash"}
    assert (view.prev, view.next, view.in_plan) == ((2026, 2), (2026, 4), True)
    as_json = json.dumps(view.to_dict(), ensure_ascii=False)
    assert "화이트데이" in as_json and '"in_plan": false' in as_json


def test_month_view_four_weeks_periods_and_bad_month() -> None:
    plan = make_plan(date(2027, 1, 1), date(2027, 6, 30))
    feb = month_view(plan, 2027, 2, channels={})  # 2027-02-01 is a Monday, 28 days
    assert len(feb.weeks) == 4 and all(c.in_month for c in feb.days())
    may = month_view(plan, 2027, 5, channels={})
    assert [p.key for p in may.periods] == ["family_month"]
    assert all(p.key == "family_month" for c in may.days() if c.in_month for p in c.periods)
    assert not month_view(plan, 2027, 9, channels={}).in_plan
    with pytest.raises(PlanError):
        month_view(plan, 2027, 13, channels={})


def test_month_view_uses_the_channel_knowledge_base_by_default() -> None:
    plan = make_plan(*MARCH, item("x1", datetime(2026, 3, 4, 9), channel="x", copy="a" * 400))
    view = month_view(plan, 2026, 3)
    cell = next(c for c in view.days() if c.day == date(2026, 3, 4))
    assert [w.kind for w in cell.warnings] == ["too_long"]


def test_week_view_days_and_hours() -> None:
    plan = make_plan(
        *MARCH,
        item("a", datetime(2026, 3, 3, 10), recurrence="FREQ=WEEKLY;BYDAY=TU"),
        item("b", datetime(2026, 3, 8, 21, 45), channel="x"),
    )
    week = week_view(plan, date(2026, 3, 4), channels={})
    assert (week.start, week.end) == (date(2026, 3, 2), date(2026, 3, 8))
    assert [d.day.weekday() for d in week.days] == list(range(7))
    assert len(week.hours) == 24 and all(len(row.cells) == 7 for row in week.hours)
    assert [o.item.item_id for o in week.hours[10].cells[1]] == ["a"]
    assert [o.item.item_id for o in week.hours[21].cells[6]] == ["b"]
    assert week.busy_hours == [10, 21]
    assert sum(len(c) for row in week.hours for c in row.cells) == 2
    first = week_view(plan, date(2026, 3, 1), channels={})  # a Sunday: the week before
    assert first.start == date(2026, 2, 23)
    assert [d.in_plan for d in first.days] == [False] * 6 + [True]
    assert first.days[6].special[0].name_ko == "삼일절"
    assert json.loads(json.dumps(week.to_dict()))["busy_hours"] == [10, 21]
    assert SEOUL.key == plan.timezone

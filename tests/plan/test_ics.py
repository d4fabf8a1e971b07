"""ICS export: parsed back with icalendar, stable UIDs and bytes, series as the calendar expands."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from typing import Any

from dateutil.rrule import rruleset, rrulestr
from icalendar import Calendar

from socialops.domain.plan import CalendarItem, ChannelChoice, Plan, UtmScheme
from socialops.plan.calendar import occurrences
from socialops.plan.ics import DURATION_MINUTES, PRODID, plan_to_ics
from socialops.plan.utm import parse_utm


def make_plan() -> Plan:
    return Plan(
        plan_id="p-ics",
        name="봄 신제품 런칭",
        start=date(2026, 3, 1),
        end=date(2026, 4, 30),
        objectives=["sales_promotion"],
        channels=[ChannelChoice("instagram"), ChannelChoice("x"), ChannelChoice("naver_blog")],
        utm=UtmScheme(campaign="spring-launch", sources={"naver_blog": "naver"}),
        created_at="2026-02-01T00:00:00+00:00",
        updated_at="2026-02-10T08:30:15+00:00",
        calendar=[
            CalendarItem(
                "teaser",
                "런칭 티저, 1편; 공개",
                datetime(2026, 3, 3, 10, 0),
                "instagram",
                format="reel",
                pillar="신제품",
                segment="2030 직장인",
                copy="봄이 왔어요.\n새 제품을 만나 보세요!",
                assets=["https://cdn.example.com/teaser.mp4"],
                link="https://shop.example.com/launch?ref=ig#buy",
                owner="kim@example.com",
                status="scheduled",
                revision=2,
            ),
            CalendarItem(
                "tips",
                "주간 팁",
                datetime(2026, 3, 5, 19, 0),
                "naver_blog",
                recurrence="FREQ=WEEKLY;BYDAY=TH",  # open-ended: clipped to the plan end
            ),
            CalendarItem(
                "x-series",
                "X 카운트다운",
                datetime(2026, 3, 9, 12, 0),
                "x",
                recurrence="FREQ=DAILY;COUNT=5",  # ends inside the plan: COUNT kept
                status="draft",
            ),
            CalendarItem(
                "ny",
                "US launch",
                datetime(2026, 3, 6, 9, 0),
                "instagram",
                timezone="America/New_York",
                recurrence="FREQ=DAILY;UNTIL=20260310T235959Z",
            ),
            CalendarItem(
                "dropped", "취소된 라이브", datetime(2026, 4, 2, 20), "x", status="cancelled"
            ),
        ],
    )


def parse(data: bytes) -> Calendar:
    return Calendar.from_ical(data)


def events(cal: Calendar) -> dict[str, Any]:
    return {str(ev["UID"]): ev for ev in cal.walk("VEVENT")}


def test_parses_back_with_one_event_per_item() -> None:
    plan = make_plan()
    data = plan_to_ics(plan, channels={})
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")
    cal = parse(data)
    assert str(cal["PRODID"]) == PRODID and str(cal["VERSION"]) == "2.0"
    assert str(cal["X-WR-CALNAME"]) == "봄 신제품 런칭"
    evs = events(cal)
    assert sorted(evs) == sorted(f"p-ics-{i.item_id}@socialops" for i in plan.calendar)
    teaser = evs["p-ics-teaser@socialops"]
    assert str(teaser["SUMMARY"]) == "[instagram] 런칭 티저, 1편; 공개"
    assert teaser["DTSTART"].dt == datetime(2026, 3, 3, 10, 0, tzinfo=teaser["DTSTART"].dt.tzinfo)
    assert teaser["DTSTART"].params["TZID"] == "Asia/Seoul"
    assert teaser.decoded("DTEND") - teaser.decoded("DTSTART") == timedelta(
        minutes=DURATION_MINUTES
    )
    assert teaser["DTSTAMP"].dt == datetime(2026, 2, 10, 8, 30, 15, tzinfo=UTC)
    assert int(teaser["SEQUENCE"]) == 2
    assert str(teaser["STATUS"]) == "CONFIRMED" and str(teaser["TRANSP"]) == "TRANSPARENT"
    assert [str(c) for c in teaser["CATEGORIES"].cats] == ["신제품"]
    description = str(teaser["DESCRIPTION"])
    for text in ("reel", "신제품", "2030 직장인", "kim@example.com", "예약됨", "새 제품을 만나"):
        assert text in description
    assert "https://cdn.example.com/teaser.mp4" in description
    url = str(teaser["URL"])
    assert url in description and url.endswith("#buy") and "ref=ig" in url
    assert parse_utm(url) == {
        "utm_source": "instagram",
        "utm_medium": "social",
        "utm_campaign": "spring-launch",
        "utm_content": "teaser",
    }
    assert str(evs["p-ics-x-series@socialops"]["STATUS"]) == "TENTATIVE"
    assert str(evs["p-ics-dropped@socialops"]["STATUS"]) == "CANCELLED"
    assert "URL" not in evs["p-ics-tips@socialops"]


def test_time_zones_are_included() -> None:
    cal = parse(plan_to_ics(make_plan(), channels={}))
    zones = {str(tz["TZID"]): tz for tz in cal.walk("VTIMEZONE")}
    assert sorted(zones) == ["America/New_York", "Asia/Seoul"]
    seoul = zones["Asia/Seoul"].walk("STANDARD")
    assert [s["TZOFFSETTO"].td for s in seoul] == [timedelta(hours=9)]
    assert zones["America/New_York"].walk("DAYLIGHT")  # DST rules travel with the file
    ny = events(cal)["p-ics-ny@socialops"]
    assert ny["DTSTART"].params["TZID"] == "America/New_York"


def test_rrules_are_kept_and_bounded_by_the_plan() -> None:
    evs = events(parse(plan_to_ics(make_plan(), channels={})))
    tips = evs["p-ics-tips@socialops"]["RRULE"]
    assert tips["FREQ"] == ["WEEKLY"] and tips["BYDAY"] == ["TH"]
    assert "COUNT" not in tips
    # the end of 2026-04-30 in Seoul, in UTC
    assert tips["UNTIL"] == [datetime(2026, 4, 30, 14, 59, 59, tzinfo=UTC)]
    series = evs["p-ics-x-series@socialops"]["RRULE"]
    assert series["COUNT"] == [5] and "UNTIL" not in series
    assert evs["p-ics-ny@socialops"]["RRULE"]["UNTIL"] == [
        datetime(2026, 3, 10, 23, 59, 59, tzinfo=UTC)
    ]
    assert "RRULE" not in evs["p-ics-teaser@socialops"]


def _expand(ev: Any) -> list[datetime]:
    """What a calendar app shows: DTSTART plus its RRULE, as UTC instants."""
    start = ev["DTSTART"].dt
    rules = rruleset()
    rules.rdate(start)
    if "RRULE" in ev:
        rules.rrule(rrulestr(ev["RRULE"].to_ical().decode(), dtstart=start))
    shown = [dt.astimezone(UTC) for dt in islice(rules, 5001)]
    assert len(shown) <= 5000, "an unbounded series"
    return shown


def test_the_file_expands_to_the_plans_occurrences() -> None:
    plan = make_plan()
    plan.calendar.append(
        CalendarItem(
            "hourly",
            "실시간 중계",
            datetime(2026, 3, 20, 0, 0),
            "x",
            recurrence="FREQ=HOURLY",  # more than 1000 before the plan end: capped
        )
    )
    evs = events(parse(plan_to_ics(plan, channels={})))
    expected: dict[str, list[datetime]] = {}
    for o in occurrences(plan):
        expected.setdefault(f"{plan.plan_id}-{o.item.item_id}@socialops", []).append(o.start_utc)
    got = {uid: _expand(ev) for uid, ev in evs.items()}
    assert got == expected
    assert len(got["p-ics-tips@socialops"]) == 9  # Thursdays 5 March .. 30 April
    assert len(got["p-ics-hourly@socialops"]) == 1000
    # DST: 09:00 in New York is 14:00 UTC before 8 March and 13:00 UTC after
    assert [d.hour for d in got["p-ics-ny@socialops"]] == [14, 14, 13, 13, 13]


def test_the_same_plan_gives_the_same_bytes() -> None:
    plan = make_plan()
    first = plan_to_ics(plan, channels={})
    assert plan_to_ics(copy.deepcopy(plan), channels={}) == first
    assert plan_to_ics(Plan.from_dict(plan.to_dict()), channels={}) == first


def test_a_changed_item_keeps_its_uid_and_bumps_sequence() -> None:
    plan = make_plan()
    before = events(parse(plan_to_ics(plan, channels={})))
    changed = copy.deepcopy(plan)
    teaser = changed.calendar[0]
    teaser.start = datetime(2026, 3, 4, 11, 0)
    teaser.revision += 1
    changed.updated_at = "2026-02-11T00:00:00+00:00"
    after = events(parse(plan_to_ics(changed, channels={})))
    assert sorted(after) == sorted(before)
    uid = "p-ics-teaser@socialops"
    assert int(after[uid]["SEQUENCE"]) == int(before[uid]["SEQUENCE"]) + 1
    assert after[uid]["DTSTART"].dt.replace(tzinfo=None) == datetime(2026, 3, 4, 11, 0)
    assert after[uid]["DTSTAMP"].dt > before[uid]["DTSTAMP"].dt
    assert int(after["p-ics-tips@socialops"]["SEQUENCE"]) == 0


def test_channel_names_language_and_holidays() -> None:
    from socialops.domain.channels import load_channels

    plan = make_plan()
    ko = events(parse(plan_to_ics(plan)))  # the built-in channel knowledge base
    assert str(ko["p-ics-teaser@socialops"]["SUMMARY"]).startswith("[인스타그램] ")
    en = events(parse(plan_to_ics(plan, lang="en", channels=load_channels(None))))
    teaser_en = en["p-ics-teaser@socialops"]
    assert str(teaser_en["SUMMARY"]).startswith("[Instagram] ")
    assert "Scheduled" in str(teaser_en["DESCRIPTION"])
    assert not any("holiday" in uid for uid in ko)
    with_holidays = events(parse(plan_to_ics(plan, channels={}, include_holidays=True)))
    holidays = {uid: ev for uid, ev in with_holidays.items() if "-holiday-" in uid}
    days = sorted(ev["DTSTART"].dt for ev in holidays.values())
    assert days == [date(2026, 3, 1), date(2026, 3, 2)]  # 삼일절 and its substitute (no others)
    first = holidays["p-ics-holiday-20260301@socialops"]
    assert str(first["SUMMARY"]) == "삼일절" and str(first["TRANSP"]) == "TRANSPARENT"
    assert first["DTEND"].dt == date(2026, 3, 2)

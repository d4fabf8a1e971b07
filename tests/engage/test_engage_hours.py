"""Business hours for the SLA clock: several periods a day, Korean public holidays (Seollal,
Chuseok, substitute holidays), extra closed dates, 24/7, clear errors; and the clock's
properties (Hypothesis): adding business minutes and counting them back agree, and time only
moves forward."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialops.engage.hours import BusinessHours
from socialops.errors import EngageError
from socialops.i18n import t

KST = ZoneInfo("Asia/Seoul")
LUNCH = BusinessHours.parse("09:00-12:00,13:00-18:00")
PLAIN = BusinessHours.parse("09:00-18:00")
SPLIT = BusinessHours.parse(
    {
        "mon": "08:00-11:30,12:30-15:00,19:00-23:00",
        "tue": "09:00-18:00",
        "wed": ["09:00-12:00", "13:00-18:00"],
        "thu": "00:00-24:00",
        "fri": "09:00-17:30",
        "sat": "10:00-14:00",
        "closed": ["2026-12-31"],
    }
)


def kst(*args: int) -> datetime:
    return datetime(*args, tzinfo=KST)  # type: ignore[misc]


def test_friday_evening_plus_an_hour_is_monday_morning() -> None:
    assert LUNCH.add(kst(2026, 12, 4, 17, 30), 60) == kst(2026, 12, 7, 9, 30)
    assert PLAIN.add(kst(2026, 12, 4, 17, 30), 30) == kst(2026, 12, 4, 18, 0)  # due at closing


def test_lunch_break_is_skipped_and_not_counted() -> None:
    assert LUNCH.add(kst(2026, 12, 3, 11, 30), 60) == kst(2026, 12, 3, 13, 30)
    assert PLAIN.add(kst(2026, 12, 3, 11, 30), 60) == kst(2026, 12, 3, 12, 30)
    assert LUNCH.minutes_between(kst(2026, 12, 3, 11, 0), kst(2026, 12, 3, 14, 0)) == 120
    assert not LUNCH.is_open(kst(2026, 12, 3, 12, 30))
    assert LUNCH.is_open(kst(2026, 12, 3, 13, 0)) and not LUNCH.is_open(kst(2026, 12, 3, 18, 0))
    assert LUNCH.next_open(kst(2026, 12, 3, 12, 5)) == kst(2026, 12, 3, 13, 0)


def test_seollal_and_chuseok_2026_are_closed_with_their_substitute_days() -> None:
    # Seollal 16-18 February 2026 (Mon-Wed): a Friday-evening message is due on Thursday
    for d in (16, 17, 18):
        assert not LUNCH.is_open(kst(2026, 2, d, 10, 0)), d
    assert LUNCH.add(kst(2026, 2, 13, 17, 30), 60) == kst(2026, 2, 19, 9, 30)
    # Chuseok 24-26 September 2026 (Thu-Sat): Wednesday evening → the next Monday
    assert LUNCH.holiday_name(date(2026, 9, 25))
    assert LUNCH.add(kst(2026, 9, 23, 17, 30), 60) == kst(2026, 9, 28, 9, 30)
    # substitute holidays: 2 March (for Sunday 1 March), 5 October (for Saturday 3 October)
    assert not LUNCH.is_open(kst(2026, 3, 2, 10, 0))
    assert LUNCH.add(kst(2026, 10, 2, 17, 0), 120) == kst(2026, 10, 6, 10, 0)
    # whole holiday days count nothing
    assert LUNCH.minutes_between(kst(2026, 9, 23, 18, 0), kst(2026, 9, 28, 9, 0)) == 0


def test_no_holidays_when_switched_off_and_extra_closed_dates() -> None:
    open_on_holidays = BusinessHours.parse({"mon": "09:00-18:00", "holidays": False})
    assert open_on_holidays.is_open(kst(2026, 2, 16, 10, 0))  # Seollal Monday, holidays off
    assert not SPLIT.is_open(kst(2026, 12, 31, 3, 0))  # a Thursday open all day, but closed
    assert SPLIT.is_open(kst(2026, 12, 24, 3, 0))
    assert not SPLIT.is_open(kst(2026, 12, 25, 10, 0))  # Christmas, a public holiday


def test_split_shifts_and_weekend_hours() -> None:
    # Monday 15:00 + 60 min: the evening shift
    assert SPLIT.add(kst(2026, 12, 7, 14, 30), 60) == kst(2026, 12, 7, 19, 30)
    # Monday 22:30 + 60 min: 30 min left on Monday, the rest on Tuesday morning
    assert SPLIT.add(kst(2026, 12, 7, 22, 30), 60) == kst(2026, 12, 8, 9, 30)
    # Thursday is open through midnight into a closed Friday morning
    assert SPLIT.add(kst(2026, 12, 3, 23, 0), 120) == kst(2026, 12, 4, 10, 0)
    # Friday 17:00 + 60: Saturday has 10:00-14:00
    assert SPLIT.add(kst(2026, 12, 4, 17, 0), 60) == kst(2026, 12, 5, 10, 30)
    assert SPLIT.to_dict()["mon"] == "08:00-11:30,12:30-15:00,19:00-23:00"
    assert BusinessHours.parse(SPLIT.to_dict()) == SPLIT


def test_always_open() -> None:
    always = BusinessHours.parse("24/7")
    start = kst(2026, 9, 25, 23, 50)  # Chuseok, late at night
    assert always.is_open(start)
    assert always.add(start, 30) == start + timedelta(minutes=30)
    assert always.minutes_between(start, start + timedelta(days=2)) == 2 * 1440


def test_results_are_utc_and_naive_means_the_zone() -> None:
    due = LUNCH.add(datetime(2026, 12, 3, 9, 0), 30)  # naive: Seoul wall time
    assert due.tzinfo is not None and due.utcoffset() == timedelta(0)
    assert due == datetime(2026, 12, 3, 0, 30, tzinfo=UTC)
    ny = BusinessHours.parse("09:00-17:00", zone="America/New_York", country="US")
    # 4 July 2026 is a Saturday: the US observes it on Friday 3 July
    assert ny.add(datetime(2026, 7, 2, 16, 0, tzinfo=ZoneInfo("America/New_York")), 120) == (
        datetime(2026, 7, 6, 10, 0, tzinfo=ZoneInfo("America/New_York"))
    )
    # across the US daylight-saving change (8 March 2026): still 8 working hours a day
    mon = datetime(2026, 3, 9, 9, 0, tzinfo=ZoneInfo("America/New_York"))
    assert ny.minutes_between(mon - timedelta(days=3), mon) == 480


@pytest.mark.parametrize(
    ("spec", "code"),
    [
        ("22:00-02:00", "inbox.hours_overnight"),
        ("9-18", "inbox.hours_bad"),
        ("09:00-25:00", "inbox.hours_bad"),
        ("09:00-09:00", "inbox.hours_bad"),
        ("09:00-13:00,12:00-18:00", "inbox.hours_overlap"),
        ({"mon": "09:00-18:00", "funday": "10:00-12:00"}, "inbox.hours_bad_day"),
        ({"sat": "", "sun": ""}, "inbox.hours_empty"),
        ({"mon": "09:00-18:00", "closed": ["31/12/2026"]}, "inbox.hours_bad_date"),
        ({"mon": "09:00-18:00", "zone": "Seoul/Nowhere"}, "inbox.hours_bad_zone"),
        ({"mon": "09:00-18:00", "holidays": "XX"}, "inbox.hours_bad_country"),
    ],
)
def test_bad_hours_are_refused_with_a_message_in_both_languages(
    spec: str | dict[str, object], code: str
) -> None:
    with pytest.raises(EngageError) as err:
        BusinessHours.parse(spec)
    assert err.value.code == code and err.value.http_status == 400
    params = err.value.params
    ko, en = t(code, "ko", **params), t(code, "en", **params)
    assert ko != en and "{" not in ko and "{" not in en and ko != code


def test_negative_minutes_are_a_programming_error() -> None:
    with pytest.raises(ValueError):
        LUNCH.add(kst(2026, 12, 3, 9, 0), -1)


instants = st.datetimes(
    min_value=datetime(2025, 12, 20), max_value=datetime(2027, 1, 10), timezones=st.just(KST)
)
calendars = st.sampled_from([LUNCH, PLAIN, SPLIT])


@settings(max_examples=150, deadline=None)
@given(cal=calendars, start=instants, minutes=st.integers(min_value=0, max_value=5000))
def test_adding_then_counting_gives_the_minutes_back(
    cal: BusinessHours, start: datetime, minutes: int
) -> None:
    due = cal.add(start, minutes)
    assert due >= start
    assert cal.minutes_between(start, due) == pytest.approx(minutes, abs=1e-6)
    assert cal.minutes_between(due, start) == pytest.approx(-minutes, abs=1e-6)
    if minutes:
        # the due instant is inside an open period or at its very end
        assert cal.is_open(due - timedelta(microseconds=1))


@settings(max_examples=100, deadline=None)
@given(
    cal=calendars,
    start=instants,
    a=st.integers(min_value=0, max_value=3000),
    b=st.integers(min_value=0, max_value=3000),
    later=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=9)),
)
def test_the_clock_is_monotonic(
    cal: BusinessHours, start: datetime, a: int, b: int, later: timedelta
) -> None:
    lo, hi = sorted((a, b))
    assert cal.add(start, lo) <= cal.add(start, hi)
    assert cal.add(start, hi) <= cal.add(start + later, hi)  # a later start is never due sooner
    assert cal.add(cal.add(start, lo), hi - lo) == cal.add(start, hi)
    assert cal.minutes_between(start, start + later) >= 0
    # the open minutes in a span never exceed its length
    assert cal.minutes_between(start, start + later) <= later.total_seconds() / 60 + 1e-6

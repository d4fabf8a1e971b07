"""Calendar items expanded: every occurrence inside the plan period.

A recurring item (an RFC 5545 ``RRULE`` in ``item.recurrence``, read by
:mod:`socialops.domain.rrule`) is expanded from its start up to the plan end, at most
:data:`MAX_OCCURRENCES` per item, each occurrence with its local wall time (the item's time
zone) and its instant in UTC.

Recurrence follows RFC 5545 where ``dateutil`` and calendar apps differ: ``DTSTART`` (the
item's start) is always the first occurrence and ``COUNT`` counts it; ``UNTIL`` may be UTC
(``...Z``), local or a date (then the whole day counts). A local time that does not exist (the
spring-forward gap of a DST zone) is read with the offset before the gap, as RFC 5545 says.
"""

from __future__ import annotations

from calendar import isleap
from dataclasses import dataclass
from datetime import MAXYEAR, UTC, date, datetime, time
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr

from socialops.domain.plan import CalendarItem, Plan
from socialops.domain.rrule import BadRule, Rule, parse_rule

__all__ = ["MAX_OCCURRENCES", "Occurrence", "occurrences"]

MAX_OCCURRENCES = 1000  # per calendar item


def _until_local(until: datetime | date, zone: ZoneInfo) -> datetime:
    if isinstance(until, datetime):
        if until.tzinfo is not None:
            return until.astimezone(zone).replace(tzinfo=None)
        return until
    return datetime.combine(until, time(23, 59, 59))


def _same_calendar(year: int, other: int) -> bool:
    return (
        isleap(year) == isleap(other) and date(year, 1, 1).weekday() == date(other, 1, 1).weekday()
    )


@lru_cache(maxsize=256)
def _shift_years(bottom: int, top: int) -> int:
    """The largest shift that keeps the calendar (leap years, weekdays) of the years around
    ``bottom..top`` and stays below MAXYEAR.

    dateutil looks for the next match up to year 9999: for a rule that never matches (FEB 30,
    or DAILY;INTERVAL=7;BYDAY=TU from a Monday) that takes seconds from today's years. Expanded
    shifted next to 9999 (and shifted back), it gives up a few years after the plan end. The
    Gregorian calendar repeats every 400 years, so a shift always exists unless the plan is
    already near 9999.
    """
    shift = MAXYEAR - 2 - top
    while shift > 0:
        if all(_same_calendar(y, y + shift) for y in range(bottom - 1, top + 2)):
            return shift
        shift -= 1
    return 0


def _shift(dt: datetime, years: int) -> datetime:
    return dt.replace(year=dt.year + years) if years else dt


def _to_utc(local: datetime, zone: ZoneInfo) -> datetime:
    # fold=0: a time in a DST gap is read with the offset before the gap (RFC 5545 3.3.5)
    return local.replace(tzinfo=zone, fold=0).astimezone(UTC)


@dataclass(frozen=True)
class _Series:
    starts: list[datetime]  # naive local times inside the plan period
    numbers: list[int]  # their 1-based place in the whole series
    clipped: bool  # the series goes on after the plan end (or past the cap)
    capped: bool  # stopped at MAX_OCCURRENCES
    rule: Rule | None


def _series(item: CalendarItem, plan: Plan) -> _Series:
    start = item.start.replace(tzinfo=None)
    inside_first = plan.start <= start.date() <= plan.end
    if not item.recurrence.strip():
        return _Series(
            [start] if inside_first else [], [1] if inside_first else [], False, False, None
        )
    try:
        rule = parse_rule(item.recurrence)
    except BadRule as bad:
        raise bad.error(item.recurrence, item.title) from None
    starts: list[datetime] = [start] if inside_first else []
    numbers: list[int] = [1] if inside_first else []
    if start.date() > plan.end:
        return _Series(starts, numbers, True, False, rule)
    zone = ZoneInfo(item.timezone)
    shift = _shift_years(min(start.year, plan.start.year), max(start.year, plan.end.year))
    expanded = rrulestr(rule.body, dtstart=_shift(start, shift))
    assert isinstance(expanded, rrule)
    if rule.until is not None:
        until = _until_local(rule.until, zone)
        if until.year + shift <= MAXYEAR:
            expanded = expanded.replace(until=_shift(until, shift))
    n = 1
    clipped = capped = False
    for shifted in expanded:
        local = _shift(shifted, -shift)
        if local <= start:
            continue
        if rule.count is not None and n >= rule.count:
            break
        if local.date() > plan.end:
            clipped = True
            break
        n += 1
        if local.date() < plan.start:
            continue
        if len(starts) >= MAX_OCCURRENCES:
            clipped = capped = True
            break
        starts.append(local)
        numbers.append(n)
    return _Series(starts, numbers, clipped, capped, rule)


@dataclass
class Occurrence:
    """One occurrence of a calendar item (a recurring item has several)."""

    item: CalendarItem
    start_local: datetime  # naive wall time in item.timezone
    start_utc: datetime  # aware, UTC
    n: int  # 1-based place in the item's series (the item's own start is 1)

    @property
    def day(self) -> date:
        return self.start_local.date()

    def to_dict(self) -> dict[str, Any]:
        item = self.item
        return {
            "item_id": item.item_id,
            "n": self.n,
            "title": item.title,
            "channel": item.channel,
            "format": item.format,
            "pillar": item.pillar,
            "segment": item.segment,
            "owner": item.owner,
            "status": item.status,
            "timezone": item.timezone,
            "recurring": bool(item.recurrence.strip()),
            "day": self.day.isoformat(),
            "time": self.start_local.strftime("%H:%M"),
            "start_local": self.start_local.isoformat(timespec="minutes"),
            "start_utc": self.start_utc.isoformat(timespec="minutes"),
        }


def occurrences(plan: Plan) -> list[Occurrence]:
    """Every occurrence of every calendar item inside the plan period, in time order.

    A recurring item is expanded from its start up to the plan end (never beyond), at most
    :data:`MAX_OCCURRENCES` times. An unusable RRULE is a :class:`PlanError`.
    """
    out: list[Occurrence] = []
    for item in plan.calendar:
        zone = ZoneInfo(item.timezone)
        series = _series(item, plan)
        for local, n in zip(series.starts, series.numbers, strict=True):
            out.append(Occurrence(item, local, _to_utc(local, zone), n))
    out.sort(key=lambda o: (o.start_utc, o.item.item_id, o.n))
    return out

"""The content calendar: recurring items expanded, special days, warnings, month and week views.

- :func:`occurrences`: every calendar item, recurring ones (an RFC 5545 ``RRULE`` in
  ``item.recurrence``) expanded inside the plan period, at most :data:`MAX_OCCURRENCES` per
  item, each with its local wall time (the item's time zone) and its instant in UTC.
- :func:`special_days`: Korean public holidays (``holidays.KR``, names in Korean and English)
  and the major Korean commerce days and seasons of the editable data file
  ``plan/data/commerce_days.json`` (each with its rule and source).
- :func:`calendar_warnings`: clashes (two posts on one channel less than :data:`SLOT_MINUTES`
  apart on the same local day), copy longer than the channel allows, items on a public holiday.
- :func:`month_view` / :func:`week_view`: plain data for the web pages and the exports.

Recurrence follows RFC 5545 where ``dateutil`` and calendar apps differ: ``DTSTART`` (the
item's start) is always the first occurrence and ``COUNT`` counts it; ``UNTIL`` may be UTC
(``...Z``), local or a date (then the whole day counts). A local time that does not exist (the
spring-forward gap of a DST zone) is read with the offset before the gap, as RFC 5545 says.
"""

from __future__ import annotations

import json
import re
from calendar import isleap
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import MAXYEAR, UTC, date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import holidays
from dateutil.rrule import rrule, rrulestr

from socialops.plan.messages import PlanError
from socialops.plan.model import CalendarItem, Plan

if TYPE_CHECKING:
    from socialops.plan.channels import Channel

__all__ = [
    "COMMERCE_DAYS_FILE",
    "MAX_OCCURRENCES",
    "SLOT_MINUTES",
    "CalendarWarning",
    "DayCell",
    "HourRow",
    "MonthView",
    "Occurrence",
    "SpecialDay",
    "WeekDay",
    "WeekView",
    "calendar_warnings",
    "load_commerce_days",
    "month_view",
    "occurrences",
    "public_holidays",
    "special_days",
    "validate_recurrence",
    "week_view",
]

MAX_OCCURRENCES = 1000  # per calendar item
SLOT_MINUTES = 60  # two posts on one channel closer than this on the same day clash
COMMERCE_DAYS_FILE = Path(__file__).resolve().parent / "data" / "commerce_days.json"
MAX_RULE_CHARS = 500

# -- recurrence rules ---------------------------------------------------------------------------

_FREQS = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY")
_TOO_OFTEN = ("MINUTELY", "SECONDLY")
_PARTS = frozenset(
    {
        "FREQ",
        "UNTIL",
        "COUNT",
        "INTERVAL",
        "BYSECOND",
        "BYMINUTE",
        "BYHOUR",
        "BYDAY",
        "BYMONTHDAY",
        "BYYEARDAY",
        "BYWEEKNO",
        "BYMONTH",
        "BYSETPOS",
        "WKST",
    }
)
_WHY: dict[str, tuple[str, str]] = {
    "empty": ("규칙이 비어 있습니다", "it is empty"),
    "one_line": (
        f"RRULE 한 줄만 넣어 주세요 (DTSTART·EXDATE 등 다른 줄 없이, {MAX_RULE_CHARS}자 이내)",
        f"give one RRULE line of at most {MAX_RULE_CHARS} characters (no DTSTART or EXDATE)",
    ),
    "syntax": ("'{detail}' 부분을 읽을 수 없습니다", "cannot read '{detail}'"),
    "no_freq": ("FREQ가 필요합니다", "FREQ is required"),
    "too_often": (
        "분·초 단위 반복은 콘텐츠 일정에 쓸 수 없습니다 (HOURLY 이상)",
        "content cannot repeat every minute or second (use HOURLY or less often)",
    ),
    "count_until": (
        "COUNT와 UNTIL은 함께 쓸 수 없습니다",
        "COUNT and UNTIL cannot be used together",
    ),
}
_PROBE = datetime(2001, 1, 1, 9, 0)
_UNTIL_DATE = re.compile(r"^\d{8}$")
_UNTIL_TIME = re.compile(r"^\d{8}T\d{6}Z?$")


class _BadRule(Exception):
    def __init__(self, why: str, detail: str = "") -> None:
        super().__init__(why)
        self.why = why
        self.detail = detail

    def error(self, rule: str, title: str = "") -> PlanError:
        ko, en = _WHY[self.why]
        params = {
            "value": rule.strip()[:80],
            "why_ko": ko.format(detail=self.detail),
            "why_en": en.format(detail=self.detail),
        }
        if title:
            return PlanError("plan.item_rrule", title=title, **params)
        return PlanError("plan.bad_rrule", **params)


@dataclass(frozen=True)
class _Rule:
    body: str  # the rule without COUNT and UNTIL, normalised: "FREQ=WEEKLY;BYDAY=TU"
    count: int | None
    until: datetime | date | None  # aware UTC, naive local, or a date (the whole day)
    parts: tuple[tuple[str, str], ...]  # every part as written (keys and values uppercase)


def _positive(value: str, part: str, limit: int) -> int:
    if not value.isdigit() or not 1 <= int(value) <= limit:
        raise _BadRule("syntax", f"{part}={value}"[:40])
    return int(value)


def _parse_until(value: str) -> datetime | date:
    try:
        if _UNTIL_DATE.match(value):
            return datetime.strptime(value, "%Y%m%d").date()
        if _UNTIL_TIME.match(value):
            if value.endswith("Z"):
                return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            return datetime.strptime(value, "%Y%m%dT%H%M%S")
    except ValueError:
        pass
    raise _BadRule("syntax", f"UNTIL={value}"[:40])


def _culprit(parts: dict[str, str]) -> str:
    """The first part dateutil refuses on its own (for the message), else the whole rule."""
    for key, value in parts.items():
        if key in ("FREQ", "COUNT", "UNTIL"):
            continue
        try:
            rrulestr(f"FREQ={parts['FREQ']};{key}={value}", dtstart=_PROBE)
        except (ValueError, TypeError, KeyError, IndexError, OverflowError):
            return f"{key}={value}"[:40]
    return ";".join(f"{k}={v}" for k, v in parts.items())[:40]


def _parse_rule(rule: str) -> _Rule:
    text = rule.strip()
    if text[:6].upper() == "RRULE:":
        text = text[6:].strip()
    if not text:
        raise _BadRule("empty")
    if len(text) > MAX_RULE_CHARS or "\n" in text or "\r" in text:
        raise _BadRule("one_line")
    parts: dict[str, str] = {}
    for chunk in text.split(";"):
        chunk = chunk.strip()
        if not chunk:
            continue
        key, sep, value = chunk.partition("=")
        key, value = key.strip().upper(), value.strip().upper()
        if not sep or not value or key not in _PARTS or key in parts:
            raise _BadRule("syntax", chunk[:40])
        parts[key] = value
    freq = parts.get("FREQ")
    if freq is None:
        raise _BadRule("no_freq")
    if freq in _TOO_OFTEN:
        raise _BadRule("too_often")
    if freq not in _FREQS:
        raise _BadRule("syntax", f"FREQ={freq}"[:40])
    if "COUNT" in parts and "UNTIL" in parts:
        raise _BadRule("count_until")
    count = _positive(parts["COUNT"], "COUNT", 100_000) if "COUNT" in parts else None
    if "INTERVAL" in parts:
        _positive(parts["INTERVAL"], "INTERVAL", 10_000)
    until = _parse_until(parts["UNTIL"]) if "UNTIL" in parts else None
    body = ";".join(f"{k}={v}" for k, v in parts.items() if k not in ("COUNT", "UNTIL"))
    try:
        rrulestr(body, dtstart=_PROBE)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError):
        raise _BadRule("syntax", _culprit(parts)) from None
    return _Rule(body=body, count=count, until=until, parts=tuple(parts.items()))


def validate_recurrence(rule: str, title: str = "") -> None:
    """Raise :class:`PlanError` (``plan.bad_rrule``, or ``plan.item_rrule`` naming ``title``)
    unless ``rule`` is one usable RFC 5545 RRULE (``"RRULE:"`` prefix optional; an empty rule
    means "no recurrence" and passes)."""
    if not rule.strip():
        return
    try:
        _parse_rule(rule)
    except _BadRule as bad:
        raise bad.error(rule, title) from None


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
    rule: _Rule | None


def _series(item: CalendarItem, plan: Plan) -> _Series:
    start = item.start.replace(tzinfo=None)
    inside_first = plan.start <= start.date() <= plan.end
    if not item.recurrence.strip():
        return _Series(
            [start] if inside_first else [], [1] if inside_first else [], False, False, None
        )
    try:
        rule = _parse_rule(item.recurrence)
    except _BadRule as bad:
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


# -- occurrences --------------------------------------------------------------------------------


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


# -- special days -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SpecialDay:
    """A public holiday or a commerce day; a commerce *period* (a season) has ``end``.

    ``day`` and ``end`` are clipped to the range asked for; ``period`` is the full span.
    """

    day: date
    name_ko: str
    name_en: str
    kind: str  # holiday | commerce
    key: str = ""  # the commerce entry's key; "holiday" for public holidays
    end: date | None = None  # last day (inclusive) of a period, inside the range asked for
    period: tuple[date, date] | None = None  # full span of a period
    approx: bool = False  # a date assumed from a rule, not an announced one
    source: str = ""
    note_ko: str = ""
    note_en: str = ""

    @property
    def is_period(self) -> bool:
        return self.end is not None

    def covers(self, day: date) -> bool:
        return self.day <= day <= (self.end or self.day)

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_ko

    def to_dict(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(),
            "end": self.end.isoformat() if self.end else None,
            "period": [d.isoformat() for d in self.period] if self.period else None,
            "name_ko": self.name_ko,
            "name_en": self.name_en,
            "kind": self.kind,
            "key": self.key,
            "approx": self.approx,
            "source": self.source,
            "note_ko": self.note_ko,
            "note_en": self.note_en,
        }


@lru_cache(maxsize=64)
def _kr_holidays(year: int) -> tuple[tuple[date, str, str], ...]:
    """(day, Korean name, English name); several holidays on one day share one entry."""
    ko = holidays.KR(years=year, language="ko")
    en = holidays.KR(years=year, language="en_US")
    out = []
    for day in sorted(ko):
        names_ko = ko.get_list(day)
        names_en = en.get_list(day) or names_ko
        out.append((day, " · ".join(names_ko), " · ".join(names_en)))
    return tuple(out)


def public_holidays(start: date, end: date) -> dict[date, tuple[str, str]]:
    """Korean public holidays from ``start`` to ``end`` (inclusive): day -> (ko, en) name."""
    found: dict[date, tuple[str, str]] = {}
    for year in range(start.year, end.year + 1):
        for day, name_ko, name_en in _kr_holidays(year):
            if start <= day <= end:
                found[day] = (name_ko, name_en)
    return found


def _holiday_named(year: int, name_ko: str) -> date | None:
    for day, names, _ in _kr_holidays(year):
        if name_ko in names.split(" · "):
            return day
    return None


_RULE_FIELDS: dict[str, tuple[str, ...]] = {
    "fixed": ("month", "day"),
    "nth_weekday": ("month", "weekday", "n"),
    "range": ("start", "end"),
    "before_holiday": ("holiday", "days"),
    "dates": ("years", "fallback"),
}


def _bad_data(path: Path, detail: str) -> PlanError:
    return PlanError("plan.commerce_days", file=path.name, detail=detail[:200])


def _check_month_day(md: Any, path: Path, where: str) -> None:
    if not isinstance(md, dict) or set(md) != {"month", "day"}:
        raise _bad_data(path, f"{where}: expected {{month, day}}")
    try:
        date(2000, md["month"], md["day"])  # a leap year: 2/29 is allowed
    except (TypeError, ValueError):
        raise _bad_data(path, f"{where}: no such day {md}") from None


def _check_rule(rule: Any, path: Path, where: str, *, nested: bool = False) -> None:
    if not isinstance(rule, dict) or rule.get("type") not in _RULE_FIELDS:
        raise _bad_data(path, f"{where}: rule type must be one of {', '.join(_RULE_FIELDS)}")
    kind = rule["type"]
    missing = [f for f in _RULE_FIELDS[kind] if f not in rule]
    if missing:
        raise _bad_data(path, f"{where}: {kind} rule needs {', '.join(missing)}")
    if kind == "fixed":
        _check_month_day({"month": rule["month"], "day": rule["day"]}, path, where)
    elif kind == "nth_weekday":
        ok = (
            rule["month"] in range(1, 13)
            and rule["weekday"] in range(7)
            and rule["n"] in (-1, 1, 2, 3, 4, 5)
            and isinstance(rule.get("offset_days", 0), int)
        )
        if not ok:
            raise _bad_data(path, f"{where}: month 1-12, weekday 0-6, n 1-5 or -1")
    elif kind == "range":
        _check_month_day(rule["start"], path, f"{where}.start")
        _check_month_day(rule["end"], path, f"{where}.end")
        if (rule["start"]["month"], rule["start"]["day"]) > (
            rule["end"]["month"],
            rule["end"]["day"],
        ):
            raise _bad_data(path, f"{where}: the range ends before it starts")
    elif kind == "before_holiday":
        if not isinstance(rule["holiday"], str) or rule["days"] not in range(1, 61):
            raise _bad_data(path, f"{where}: holiday name and days 1-60")
    else:
        if nested:
            raise _bad_data(path, f"{where}: a fallback cannot be a dates rule")
        if not isinstance(rule["years"], dict):
            raise _bad_data(path, f"{where}: years must map YYYY to {{start, end, source}}")
        for year, span in rule["years"].items():
            try:
                first = date.fromisoformat(span["start"])
                last = date.fromisoformat(span["end"])
            except (TypeError, KeyError, ValueError):
                raise _bad_data(path, f"{where}.years.{year}: start and end dates") from None
            if str(first.year) != year or last < first or not span.get("source"):
                raise _bad_data(path, f"{where}.years.{year}: dates of {year}, ordered, source")
        _check_rule(rule["fallback"], path, f"{where}.fallback", nested=True)


def load_commerce_days(path: Path | None = None) -> list[dict[str, Any]]:
    """The entries of the commerce days file (the built-in one by default), checked."""
    path = path or COMMERCE_DAYS_FILE
    if path == COMMERCE_DAYS_FILE:
        return _builtin_commerce_days()
    return _read_commerce_days(path)


@lru_cache(maxsize=1)
def _builtin_commerce_days() -> list[dict[str, Any]]:
    return _read_commerce_days(COMMERCE_DAYS_FILE)


def _read_commerce_days(path: Path) -> list[dict[str, Any]]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _bad_data(path, str(exc).splitlines()[0]) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("days"), list):
        raise _bad_data(path, "expected an object with a list of days")
    keys: set[str] = set()
    for i, entry in enumerate(doc["days"]):
        where = f"days[{i}]"
        if not isinstance(entry, dict):
            raise _bad_data(path, f"{where}: expected an object")
        for name in ("key", "name_ko", "name_en", "source"):
            if not isinstance(entry.get(name), str) or not entry[name].strip():
                raise _bad_data(path, f"{where}: '{name}' is required")
        if entry["key"] in keys:
            raise _bad_data(path, f"{where}: key '{entry['key']}' appears twice")
        keys.add(entry["key"])
        _check_rule(entry.get("rule"), path, f"{where} ({entry['key']})")
    return list(doc["days"])


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date | None:
    if n > 0:
        first = date(year, month, 1)
        day = first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
        return day if day.month == month else None
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    last = nxt - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _rule_span(rule: dict[str, Any], year: int) -> tuple[date, date] | None:
    kind = rule["type"]
    try:
        if kind == "fixed":
            day = date(year, rule["month"], rule["day"])
            return day, day
        if kind == "nth_weekday":
            found = _nth_weekday(year, rule["month"], rule["weekday"], rule["n"])
            if found is None:
                return None
            found += timedelta(days=rule.get("offset_days", 0))
            return found, found
        if kind == "range":
            s, e = rule["start"], rule["end"]
            return date(year, s["month"], s["day"]), date(year, e["month"], e["day"])
        if kind == "before_holiday":
            holiday = _holiday_named(year, rule["holiday"])
            if holiday is None:
                return None
            return holiday - timedelta(days=rule["days"]), holiday - timedelta(days=1)
    except ValueError:  # Feb 29 in a common year
        return None
    return None


def _commerce_spans(entry: dict[str, Any], year: int) -> tuple[tuple[date, date], bool, str] | None:
    """(span, approximate, source) of a commerce entry in ``year``."""
    rule = entry["rule"]
    if rule["type"] == "dates":
        announced = rule["years"].get(str(year))
        if announced is not None:
            first = date.fromisoformat(announced["start"])
            return (first, date.fromisoformat(announced["end"])), False, announced["source"]
        fallback = _rule_span(rule["fallback"], year)
        return (fallback, True, entry["source"]) if fallback else None
    span = _rule_span(rule, year)
    return (span, bool(entry.get("approx", False)), entry["source"]) if span else None


def special_days(start: date, end: date, *, data: Path | None = None) -> list[SpecialDay]:
    """Public holidays and commerce days (and periods overlapping) from ``start`` to ``end``.

    Sorted by day; on one day holidays come first. ``data``: another commerce days file.
    """
    found: list[SpecialDay] = []
    for day, (name_ko, name_en) in public_holidays(start, end).items():
        found.append(
            SpecialDay(day, name_ko, name_en, "holiday", key="holiday", source="holidays.KR")
        )
    for entry in load_commerce_days(data):
        for year in range(start.year - 1, end.year + 2):
            spans = _commerce_spans(entry, year)
            if spans is None:
                continue
            (first, last), approx, source = spans
            if last < start or first > end:
                continue
            single = first == last
            found.append(
                SpecialDay(
                    day=max(first, start),
                    name_ko=entry["name_ko"],
                    name_en=entry["name_en"],
                    kind="commerce",
                    key=entry["key"],
                    end=None if single else min(last, end),
                    period=None if single else (first, last),
                    approx=approx,
                    source=source,
                    note_ko=entry.get("approx_note_ko", "") if approx else "",
                    note_en=entry.get("approx_note_en", "") if approx else "",
                )
            )
    found.sort(key=lambda s: (s.day, s.kind != "holiday", s.end is not None, s.name_ko))
    return found


# -- warnings -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarWarning:
    """Something to look at in the calendar; ``day`` None: about every occurrence of the item."""

    kind: str  # clash | too_long | holiday
    level: str  # warning | info
    item_id: str
    day: date | None
    ko: str
    en: str
    other_item_id: str | None = None  # a clash: the item it clashes with

    def text(self, lang: str) -> str:
        return self.en if lang == "en" else self.ko

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "level": self.level,
            "item_id": self.item_id,
            "other_item_id": self.other_item_id,
            "day": self.day.isoformat() if self.day else None,
            "ko": self.ko,
            "en": self.en,
        }


_KIND_ORDER = {"clash": 0, "too_long": 1, "holiday": 2}


def _channel_names(key: str, channels: Mapping[str, Channel]) -> tuple[str, str]:
    ch = channels.get(key)
    return (ch.name_ko, ch.name_en) if ch is not None else (key, key)


def _clashes(occ: list[Occurrence], channels: Mapping[str, Channel]) -> list[CalendarWarning]:
    slots: dict[tuple[str, date], list[Occurrence]] = {}
    for o in occ:
        slots.setdefault((o.item.channel, o.day), []).append(o)
    found: dict[tuple[str, str, date], CalendarWarning] = {}
    window = timedelta(minutes=SLOT_MINUTES)
    for (channel, day), group in slots.items():
        group.sort(key=lambda o: (o.start_utc, o.item.item_id, o.n))
        for j, later in enumerate(group):
            for earlier in group[:j]:
                if later.start_utc - earlier.start_utc >= window:
                    continue
                key = (earlier.item.item_id, later.item.item_id, day)
                if key in found:
                    continue
                name_ko, name_en = _channel_names(channel, channels)
                a, b = earlier.item.title, later.item.title
                ta, tb = earlier.start_local.strftime("%H:%M"), later.start_local.strftime("%H:%M")
                found[key] = CalendarWarning(
                    kind="clash",
                    level="warning",
                    item_id=later.item.item_id,
                    other_item_id=earlier.item.item_id,
                    day=day,
                    ko=(
                        f"{day.isoformat()} {name_ko}: '{a}'({ta})와(과) '{b}'({tb})이(가) "
                        f"{SLOT_MINUTES}분 안에 겹칩니다. 같은 채널의 게시 간격을 벌려 주세요."
                    ),
                    en=(
                        f"{day.isoformat()} on {name_en}: '{a}' ({ta}) and '{b}' ({tb}) are "
                        f"less than {SLOT_MINUTES} minutes apart: space the posts on one "
                        "channel further apart."
                    ),
                )
    return list(found.values())


def _too_long(plan: Plan, channels: Mapping[str, Channel]) -> list[CalendarWarning]:
    from socialops.plan.channels import copy_length, text_limit

    found = []
    for item in plan.calendar:
        ch = channels.get(item.channel)
        if item.status == "cancelled" or ch is None or not item.copy:
            continue
        limit = text_limit(ch, item.format or None)
        if limit is None:
            continue
        length = copy_length(ch, item.copy, item.format or None)
        if length <= limit:
            continue
        fmt = f" {item.format}" if item.format else ""
        found.append(
            CalendarWarning(
                kind="too_long",
                level="warning",
                item_id=item.item_id,
                day=None,
                ko=(
                    f"'{item.title}'의 문구가 {ch.name_ko}{fmt} 허용 길이보다 깁니다 "
                    f"({length}/{limit}자). 줄여 주세요."
                ),
                en=(
                    f"The copy of '{item.title}' is longer than {ch.name_en}{fmt} allows "
                    f"({length}/{limit} characters): shorten it."
                ),
            )
        )
    return found


def _on_holidays(occ: list[Occurrence], plan: Plan) -> list[CalendarWarning]:
    days = public_holidays(plan.start, plan.end)
    found = []
    for o in occ:
        names = days.get(o.day)
        if names is None:
            continue
        d = o.day.isoformat()
        found.append(
            CalendarWarning(
                kind="holiday",
                level="info",
                item_id=o.item.item_id,
                day=o.day,
                ko=(
                    f"'{o.item.title}'이(가) 공휴일({names[0]}, {d})에 예정되어 있습니다. "
                    "휴일의 반응과 운영 인력을 확인해 주세요."
                ),
                en=(
                    f"'{o.item.title}' is planned on a public holiday ({names[1]}, {d}): "
                    "check how the audience behaves on the holiday and who is on duty."
                ),
            )
        )
    return found


def calendar_warnings(plan: Plan, channels: Mapping[str, Channel]) -> list[CalendarWarning]:
    """Clashes, copy too long for the channel, items on public holidays (cancelled items skipped).

    ``channels``: the channel knowledge base (``load_channels``); an item whose channel is not
    in it gets no length check.
    """
    occ = [o for o in occurrences(plan) if o.item.status != "cancelled"]
    found = [*_clashes(occ, channels), *_too_long(plan, channels), *_on_holidays(occ, plan)]
    found.sort(key=lambda w: (w.day or date.min, _KIND_ORDER[w.kind], w.item_id))
    return found


# -- views --------------------------------------------------------------------------------------


@dataclass
class DayCell:
    """One day of a month view."""

    day: date
    in_month: bool
    in_plan: bool
    occurrences: list[Occurrence] = field(default_factory=list)
    special: list[SpecialDay] = field(default_factory=list)  # holidays and single commerce days
    periods: list[SpecialDay] = field(default_factory=list)  # commerce periods covering the day
    warnings: list[CalendarWarning] = field(default_factory=list)

    @property
    def weekday(self) -> int:
        return self.day.weekday()

    def to_dict(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(),
            "weekday": self.weekday,
            "in_month": self.in_month,
            "in_plan": self.in_plan,
            "holiday": any(s.kind == "holiday" for s in self.special),
            "occurrences": [o.to_dict() for o in self.occurrences],
            "special": [s.to_dict() for s in self.special],
            "periods": [s.key for s in self.periods],
            "warnings": [w.to_dict() for w in self.warnings],
        }


@dataclass
class MonthView:
    """A month as weeks Monday to Sunday (4 to 6 of them)."""

    plan_id: str
    year: int
    month: int
    weeks: list[list[DayCell]]
    periods: list[SpecialDay]  # commerce periods overlapping the weeks shown
    warnings: list[CalendarWarning]  # those about the days shown (and item-wide ones)
    in_plan: bool  # the month overlaps the plan period
    prev: tuple[int, int]
    next: tuple[int, int]

    def days(self) -> list[DayCell]:
        return [cell for week in self.weeks for cell in week]

    def to_dict(self) -> dict[str, Any]:
        return {
            "plan_id": self.plan_id,
            "year": self.year,
            "month": self.month,
            "in_plan": self.in_plan,
            "prev": list(self.prev),
            "next": list(self.next),
            "weeks": [[cell.to_dict() for cell in week] for week in self.weeks],
            "periods": [s.to_dict() for s in self.periods],
            "warnings": [w.to_dict() for w in self.warnings],
        }


@dataclass
class WeekDay:
    day: date
    in_plan: bool
    occurrences: list[Occurrence] = field(default_factory=list)
    special: list[SpecialDay] = field(default_factory=list)
    periods: list[SpecialDay] = field(default_factory=list)
    warnings: list[CalendarWarning] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(),
            "weekday": self.day.weekday(),
            "in_plan": self.in_plan,
            "holiday": any(s.kind == "holiday" for s in self.special),
            "occurrences": [o.to_dict() for o in self.occurrences],
            "special": [s.to_dict() for s in self.special],
            "periods": [s.key for s in self.periods],
            "warnings": [w.to_dict() for w in self.warnings],
        }


@dataclass
class HourRow:
    hour: int  # 0-23, local time of each item
    cells: list[list[Occurrence]]  # 7 lists, Monday to Sunday

    def to_dict(self) -> dict[str, Any]:
        return {"hour": self.hour, "cells": [[o.to_dict() for o in c] for c in self.cells]}


@dataclass
class WeekView:
    """A week, Monday to Sunday, as days and as 24 hour rows."""

    plan_id: str
    start: date  # Monday
    end: date  # Sunday
    days: list[WeekDay]
    hours: list[HourRow]
    periods: list[SpecialDay]
    warnings: list[CalendarWarning]

    @property
    def busy_hours(self) -> list[int]:
        return [row.hour for row in self.hours if any(row.cells)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "plan_id": self.plan_id,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "days": [d.to_dict() for d in self.days],
            "hours": [h.to_dict() for h in self.hours],
            "busy_hours": self.busy_hours,
            "periods": [s.to_dict() for s in self.periods],
            "warnings": [w.to_dict() for w in self.warnings],
        }


@dataclass(frozen=True)
class _Span:
    occ: list[Occurrence]
    special: list[SpecialDay]
    warnings: list[CalendarWarning]


def _span_data(
    plan: Plan, first: date, last: date, channels: Mapping[str, Channel] | None
) -> _Span:
    if channels is None:
        from socialops.plan.channels import load_channels

        channels = load_channels(None)
    occ = [o for o in occurrences(plan) if first <= o.day <= last]
    shown = {o.item.item_id for o in occ}
    warnings = [
        w
        for w in calendar_warnings(plan, channels)
        if (w.day is not None and first <= w.day <= last) or (w.day is None and w.item_id in shown)
    ]
    return _Span(occ, special_days(first, last), warnings)


def _fill(
    day: date, span: _Span
) -> tuple[list[Occurrence], list[SpecialDay], list[SpecialDay], list[CalendarWarning]]:
    occ = [o for o in span.occ if o.day == day]
    ids = {o.item.item_id for o in occ}
    special = [s for s in span.special if not s.is_period and s.day == day]
    periods = [s for s in span.special if s.is_period and s.covers(day)]
    warnings = [w for w in span.warnings if w.day == day or (w.day is None and w.item_id in ids)]
    return occ, special, periods, warnings


def month_view(
    plan: Plan, year: int, month: int, *, channels: Mapping[str, Channel] | None = None
) -> MonthView:
    """The month's weeks (Monday to Sunday) with occurrences, special days and warnings.

    Days of the neighbouring months that fill the first and last week are included with
    ``in_month`` False; days outside the plan period have ``in_plan`` False. ``channels``
    defaults to the built-in channel knowledge base.
    """
    if not 1 <= month <= 12 or not 1 <= year <= MAXYEAR - 1:
        raise PlanError("plan.bad_choice", field="month", value=f"{year}-{month}", choices="1-12")
    first_of_month = date(year, month, 1)
    next_first = date(year + (month == 12), month % 12 + 1, 1)
    last_of_month = next_first - timedelta(days=1)
    first = first_of_month - timedelta(days=first_of_month.weekday())
    last = last_of_month + timedelta(days=6 - last_of_month.weekday())
    span = _span_data(plan, first, last, channels)
    weeks: list[list[DayCell]] = []
    day = first
    while day <= last:
        week = []
        for _ in range(7):
            occ, special, periods, warnings = _fill(day, span)
            week.append(
                DayCell(
                    day=day,
                    in_month=day.month == month,
                    in_plan=plan.start <= day <= plan.end,
                    occurrences=occ,
                    special=special,
                    periods=periods,
                    warnings=warnings,
                )
            )
            day += timedelta(days=1)
        weeks.append(week)
    prev_last = first_of_month - timedelta(days=1)
    return MonthView(
        plan_id=plan.plan_id,
        year=year,
        month=month,
        weeks=weeks,
        periods=[s for s in span.special if s.is_period],
        warnings=span.warnings,
        in_plan=first_of_month <= plan.end and last_of_month >= plan.start,
        prev=(prev_last.year, prev_last.month),
        next=(next_first.year, next_first.month),
    )


def week_view(plan: Plan, day: date, *, channels: Mapping[str, Channel] | None = None) -> WeekView:
    """The week (Monday to Sunday) holding ``day``: 7 days and 24 hour rows of occurrences."""
    first = day - timedelta(days=day.weekday())
    last = first + timedelta(days=6)
    span = _span_data(plan, first, last, channels)
    days = []
    for i in range(7):
        d = first + timedelta(days=i)
        occ, special, periods, warnings = _fill(d, span)
        days.append(WeekDay(d, plan.start <= d <= plan.end, occ, special, periods, warnings))
    hours = [
        HourRow(hour, [[o for o in wd.occurrences if o.start_local.hour == hour] for wd in days])
        for hour in range(24)
    ]
    return WeekView(
        plan_id=plan.plan_id,
        start=first,
        end=last,
        days=days,
        hours=hours,
        periods=[s for s in span.special if s.is_period],
        warnings=span.warnings,
    )

"""Special days: Korean public holidays (``holidays.KR``, names in Korean and English) and the
major Korean commerce days and seasons of the editable data file ``plan/data/commerce_days.json``
(each with its rule and source)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import holidays

from socialops.plan.messages import PlanError

__all__ = [
    "COMMERCE_DAYS_FILE",
    "SpecialDay",
    "load_commerce_days",
    "public_holidays",
    "special_days",
]

COMMERCE_DAYS_FILE = Path(__file__).resolve().parent.parent / "data" / "commerce_days.json"


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

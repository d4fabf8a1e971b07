"""Recurrence rules of calendar items: one RFC 5545 ``RRULE`` line, parsed and checked.

Kept apart from the expansion (:mod:`socialops.plan.calendar.recurrence`) so that the plan model
can check a rule without importing the calendar (which imports the model).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from dateutil.rrule import rrulestr

from socialops.errors import PlanError

__all__ = ["MAX_RULE_CHARS", "BadRule", "Rule", "parse_rule", "validate_recurrence"]

MAX_RULE_CHARS = 500

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


class BadRule(Exception):
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
class Rule:
    body: str  # the rule without COUNT and UNTIL, normalised: "FREQ=WEEKLY;BYDAY=TU"
    count: int | None
    until: datetime | date | None  # aware UTC, naive local, or a date (the whole day)
    parts: tuple[tuple[str, str], ...]  # every part as written (keys and values uppercase)


def _positive(value: str, part: str, limit: int) -> int:
    if not value.isdigit() or not 1 <= int(value) <= limit:
        raise BadRule("syntax", f"{part}={value}"[:40])
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
    raise BadRule("syntax", f"UNTIL={value}"[:40])


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


def parse_rule(rule: str) -> Rule:
    text = rule.strip()
    if text[:6].upper() == "RRULE:":
        text = text[6:].strip()
    if not text:
        raise BadRule("empty")
    if len(text) > MAX_RULE_CHARS or "\n" in text or "\r" in text:
        raise BadRule("one_line")
    parts: dict[str, str] = {}
    for chunk in text.split(";"):
        chunk = chunk.strip()
        if not chunk:
            continue
        key, sep, value = chunk.partition("=")
        key, value = key.strip().upper(), value.strip().upper()
        if not sep or not value or key not in _PARTS or key in parts:
            raise BadRule("syntax", chunk[:40])
        parts[key] = value
    freq = parts.get("FREQ")
    if freq is None:
        raise BadRule("no_freq")
    if freq in _TOO_OFTEN:
        raise BadRule("too_often")
    if freq not in _FREQS:
        raise BadRule("syntax", f"FREQ={freq}"[:40])
    if "COUNT" in parts and "UNTIL" in parts:
        raise BadRule("count_until")
    count = _positive(parts["COUNT"], "COUNT", 100_000) if "COUNT" in parts else None
    if "INTERVAL" in parts:
        _positive(parts["INTERVAL"], "INTERVAL", 10_000)
    until = _parse_until(parts["UNTIL"]) if "UNTIL" in parts else None
    body = ";".join(f"{k}={v}" for k, v in parts.items() if k not in ("COUNT", "UNTIL"))
    try:
        rrulestr(body, dtstart=_PROBE)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError):
        raise BadRule("syntax", _culprit(parts)) from None
    return Rule(body=body, count=count, until=until, parts=tuple(parts.items()))


def validate_recurrence(rule: str, title: str = "") -> None:
    """Raise :class:`PlanError` (``plan.bad_rrule``, or ``plan.item_rrule`` naming ``title``)
    unless ``rule`` is one usable RFC 5545 RRULE (``"RRULE:"`` prefix optional; an empty rule
    means "no recurrence" and passes)."""
    if not rule.strip():
        return
    try:
        parse_rule(rule)
    except BadRule as bad:
        raise bad.error(rule, title) from None

"""Cells of an outcome file (``outcomes`` stream) and of any KPI series: a calendar day, an ISO
week, a number. Shared by the import stream and by ``measure effect`` reading a file, so both
accept the same dates and numbers."""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from typing import Any

__all__ = ["EMPTY", "parse_day", "parse_value", "parse_week"]

EMPTY = frozenset({"", "-", "n/a", "na", "nan", "null", "none", "#n/a"})
_NUM_JUNK = re.compile(r"[,\s₩￦원$]|krw", re.IGNORECASE)
_YMD = re.compile(r"^(\d{4})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})\.?(?:[ T].*)?$")
_MDY = re.compile(r"^(\d{1,2})[/-](\d{1,2})[/-](\d{4})(?:\s.*)?$")
_KO = re.compile(r"^(\d{4})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일")
_ISO_WEEK = re.compile(r"^(\d{4})\s*-?\s*W(\d{1,2})$", re.IGNORECASE)


def parse_day(value: Any) -> date | None:
    """A calendar day from a cell: ``2024-01-31`` (also with ``.`` or ``/`` and a time after
    it), ``20240131``, ``1/31/2024`` or ``01-31-2024`` (month first, with an optional time),
    ``2024년 1월 31일``, or a date/datetime from XLSX; ``None`` when it is none of these."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    s = str(value or "").strip()
    try:
        if s.isdigit() and len(s) == 8:
            return datetime.strptime(s, "%Y%m%d").date()
        for pat, order in ((_YMD, (1, 2, 3)), (_MDY, (3, 1, 2)), (_KO, (1, 2, 3))):
            m = pat.match(s)
            if m:
                y, mo, d = (int(m.group(i)) for i in order)
                day = date(y, mo, d)
                return day if 1900 <= day.year <= 2199 else None
    except ValueError:
        return None
    return None


def parse_week(value: Any) -> date | None:
    """A week's first day: an ISO week (``2024-W05`` → its Monday) or a date as given."""
    m = _ISO_WEEK.match(str(value or "").strip())
    if m:
        try:
            return date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
        except ValueError:
            return None
    return parse_day(value)


def parse_value(value: Any) -> float | None:
    """A number from a cell (thousands separators, ₩, 원 and $ allowed; negative allowed);
    ``None`` when empty; :class:`ValueError` when it is not a finite number."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(str(value))
    if isinstance(value, int | float):
        v = float(value)
    else:
        s = str(value).strip()
        if s.lower() in EMPTY:
            return None
        v = float(_NUM_JUNK.sub("", s))
    if not math.isfinite(v):
        raise ValueError(str(value))
    return v

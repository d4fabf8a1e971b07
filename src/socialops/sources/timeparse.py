"""Timestamps from files → UTC instants (microseconds since the epoch).

Accepted, in this order:

* ``datetime``/``date`` values (Excel, Parquet, JSON parsers): aware ones keep their instant,
  naive ones are read in the import zone; a date is local midnight.
* numbers and all-digit strings: 8 digits ``YYYYMMDD``; otherwise epoch seconds (up to 11
  digits), milliseconds (12–14 digits) or microseconds (15–17 digits).
* explicit ``strftime`` formats given by the preset or mapping (e.g. ``%y.%m.%d``), in order.
* ISO 8601 (``2015-02-24T11:35:52Z``, ``2015-02-24 11:35:52+09:00``, ``2015-02-24``), also with
  a space before the offset (``2015-02-24 11:35:52 -0800``) and ``/`` or ``.`` date separators.
* RFC 2822 / Twitter API (``Tue Feb 24 11:35:52 +0000 2015``, ``Tue, 24 Feb 2015 11:35:52 GMT``).

A value with an offset is kept as that instant; a naive value is read in the zone given
(``--tz``, default setting ``timezone`` = Asia/Seoul). Anything else raises ``ValueError``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta, tzinfo
from email.utils import parsedate_to_datetime
from typing import Any

__all__ = ["TimeParser"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
_SPACE_OFFSET = re.compile(r"^(.*\d)\s+(Z|UTC|GMT|[+-]\d{2}:?\d{2})$", re.IGNORECASE)
_ALT_SEP = re.compile(r"^(\d{4})[./](\d{1,2})[./](\d{1,2})(.*)$")
_TWITTER = "%a %b %d %H:%M:%S %z %Y"
_CACHE_MAX = 200_000


class TimeParser:
    """Parse timestamps in one zone, with an optional explicit format; caches repeated values."""

    def __init__(self, tz: tzinfo, fmt: str | Sequence[str] | None = None) -> None:
        self.tz = tz
        self.fmts: tuple[str, ...] = (fmt,) if isinstance(fmt, str) else tuple(fmt or ())
        self._cache: dict[str, int] = {}

    def to_us(self, value: Any) -> int | None:
        """Microseconds since the epoch (UTC), None for an empty value; ValueError if unreadable."""
        try:
            return self._to_us(value)
        except (OverflowError, OSError) as exc:
            raise ValueError(f"date/time out of range: {str(value)[:80]!r}") from exc

    def _to_us(self, value: Any) -> int | None:
        if value is None:
            return None
        if isinstance(value, str):
            s = value.strip()
            if not s:
                return None
            hit = self._cache.get(s)
            if hit is not None:
                return hit
            us = self._from_dt(self._parse_str(s))
            if len(self._cache) >= _CACHE_MAX:
                self._cache.clear()
            self._cache[s] = us
            return us
        if isinstance(value, bool):
            raise ValueError(f"not a timestamp: {value!r}")
        if isinstance(value, datetime):
            return self._from_dt(value)
        if isinstance(value, date):
            return self._from_dt(datetime(value.year, value.month, value.day))
        if isinstance(value, int | float):
            if value != value:  # NaN
                return None
            return _epoch_us(float(value), len(str(int(abs(value)))))
        raise ValueError(f"not a timestamp: {value!r}")

    def _from_dt(self, dt: datetime) -> int:
        if dt.tzinfo is None or dt.tzinfo.utcoffset(dt) is None:
            dt = dt.replace(tzinfo=self.tz)
        return (dt - _EPOCH) // _US

    def _parse_str(self, s: str) -> datetime:
        for fmt in self.fmts:
            try:
                return datetime.strptime(s, fmt)
            except ValueError:
                pass  # next format, then the general forms
        if s.isdigit() or (s[0] == "-" and s[1:].isdigit()):
            digits = len(s.lstrip("-"))
            if digits == 8:
                return datetime.strptime(s, "%Y%m%d")
            return _us_to_dt(_epoch_us(float(s), digits))
        if re.fullmatch(r"-?\d+\.\d+", s):
            return _us_to_dt(_epoch_us(float(s), len(s.split(".")[0].lstrip("-"))))
        cand = s
        m = _SPACE_OFFSET.match(cand)
        if m:
            off = m.group(2).upper()
            cand = m.group(1) + ("+00:00" if off in ("Z", "UTC", "GMT") else off)
        m2 = _ALT_SEP.match(cand)
        if m2:
            cand = f"{m2.group(1)}-{int(m2.group(2)):02d}-{int(m2.group(3)):02d}{m2.group(4)}"
        try:
            return datetime.fromisoformat(cand)
        except ValueError:
            pass
        try:
            return datetime.strptime(s, _TWITTER)
        except ValueError:
            pass
        try:
            return parsedate_to_datetime(s)
        except (TypeError, ValueError, IndexError):
            pass
        raise ValueError(f"unrecognised date/time {s[:80]!r}")


def _epoch_us(v: float, digits: int) -> int:
    if digits <= 11:
        us = v * 1_000_000
    elif digits <= 14:
        us = v * 1_000
    elif digits <= 17:
        us = v
    else:
        raise ValueError(f"number {v!r} is too large to be an epoch timestamp")
    us_i = int(us)
    # keep to what a datetime can hold (years 1..9999)
    if not -62_135_596_800_000_000 <= us_i <= 253_402_300_799_000_000:
        raise ValueError(f"epoch value {v!r} is out of range")
    return us_i


def _us_to_dt(us: int) -> datetime:
    return _EPOCH + timedelta(microseconds=us)

"""Business hours for the inbox's SLA clock: several open periods a day per weekday (a lunch
break, split shifts), the country's public holidays (Korean by default, substitute holidays
included, from the ``holidays`` package), extra closed dates, and a time zone (Asia/Seoul by
default); or open around the clock (``24/7``).

An SLA target of "60 minutes" means 60 *business* minutes: a message that comes in on Friday at
17:30 with a 60-minute first-response target is due on Monday at 09:30 (or later when Monday is a
holiday). :meth:`BusinessHours.add` walks forward through the open periods;
:meth:`BusinessHours.minutes_between` counts the open minutes between two instants, so that
``minutes_between(t, add(t, m)) == m``. Periods never cross midnight: "22:00-02:00" is refused
(write "22:00-24:00" on one day and "00:00-02:00" on the next).

Instants are aware datetimes; a naive one is read as wall time in the hours' zone. Results are
aware datetimes in UTC (compare them with any aware datetime).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from socialops.errors import EngageError

__all__ = ["ALWAYS", "DAYS", "BusinessHours"]

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_ALIASES = {
    **{d: i for i, d in enumerate(DAYS)},
    **{d: i for i, d in enumerate(("월", "화", "수", "목", "금", "토", "일"))},
    **{
        d: i
        for i, d in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    },
}
ALWAYS = ("24/7", "24x7", "always", "상시")
_PERIOD = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_FULL_DAY = ((0, 1440),)
# a walk that finds no open minute in this many days stops (every day closed by the settings)
_MAX_CLOSED_DAYS = 400

Periods = tuple[tuple[int, int], ...]  # (start, end) minutes of the day, sorted, end <= 1440


def _periods(spec: str | Iterable[str], where: str) -> Periods:
    """``"09:00-12:00,13:00-18:00"`` (or a list of such parts) → sorted minute ranges."""
    parts = spec.split(",") if isinstance(spec, str) else [p for s in spec for p in s.split(",")]
    out: list[tuple[int, int]] = []
    for raw in parts:
        if not raw.strip():
            continue
        m = _PERIOD.match(raw)
        if m is None:
            raise EngageError("inbox.hours_bad", value=raw.strip()[:40], where=where)
        h1, m1, h2, m2 = (int(g) for g in m.groups())
        if h1 > 23 or m1 > 59 or h2 > 24 or m2 > 59 or (h2 == 24 and m2):
            raise EngageError("inbox.hours_bad", value=raw.strip()[:40], where=where)
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if end < start:
            raise EngageError("inbox.hours_overnight", value=raw.strip()[:40], where=where)
        if end == start:
            raise EngageError("inbox.hours_bad", value=raw.strip()[:40], where=where)
        out.append((start, end))
    out.sort()
    for (_s1, e1), (s2, _e2) in pairwise(out):
        if s2 < e1:
            raise EngageError("inbox.hours_overlap", where=where)
    return tuple(out)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise EngageError("inbox.hours_bad_zone", zone=str(name)[:40]) from None


def _closed_dates(values: Iterable[Any]) -> frozenset[date]:
    out = set()
    for v in values:
        if isinstance(v, date):
            out.add(v)
            continue
        try:
            out.add(date.fromisoformat(str(v).strip()))
        except ValueError:
            raise EngageError("inbox.hours_bad_date", value=str(v)[:20]) from None
    return frozenset(out)


@dataclass(frozen=True)
class BusinessHours:
    """Open periods per weekday (0 = Monday), closed dates and the zone they are read in."""

    week: tuple[Periods, ...]  # seven entries, Monday first
    zone: str = "Asia/Seoul"
    country: str = "KR"  # public holidays of this country ("" none)
    closed: frozenset[date] = frozenset()
    always: bool = False  # open around the clock: no periods, no holidays
    _tz: ZoneInfo = field(init=False, repr=False, compare=False)
    _holidays: Any = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.week) != 7:
            raise EngageError("inbox.hours_bad", value=str(len(self.week)), where="week")
        if not self.always and not any(self.week):
            raise EngageError("inbox.hours_empty")
        object.__setattr__(self, "_tz", _zone(self.zone))
        cal: Any = None
        if self.country and not self.always:
            try:
                cal = holidays.country_holidays(self.country.upper())
            except NotImplementedError:
                raise EngageError("inbox.hours_bad_country", country=self.country[:10]) from None
        object.__setattr__(self, "_holidays", cal)

    # -- building ------------------------------------------------------------------------

    @classmethod
    def parse(
        cls, spec: str | Mapping[str, Any], zone: str = "Asia/Seoul", country: str = "KR"
    ) -> BusinessHours:
        """Read business hours: ``"09:00-18:00"`` or ``"09:00-12:00,13:00-18:00"`` (Monday to
        Friday), ``"24/7"``, or a mapping with a key per weekday (``mon`` … ``sun``, or
        ``월`` … ``일``; a missing or empty day is closed) and optionally ``zone``,
        ``holidays`` (a country code, or false for none) and ``closed`` (extra closed dates,
        ISO). Raises :class:`EngageError` (``inbox.hours_*``) on anything else."""
        if isinstance(spec, str):
            if spec.strip().lower() in ALWAYS:
                return cls(week=(_FULL_DAY,) * 7, zone=zone, country="", always=True)
            day = _periods(spec, "mon-fri")
            return cls(week=(day,) * 5 + ((), ()), zone=zone, country=country)
        if not isinstance(spec, Mapping):
            raise EngageError("inbox.hours_bad", value=type(spec).__name__, where="spec")
        week: list[Periods] = [()] * 7
        zone = str(spec.get("zone") or zone)
        holiday_setting = spec.get("holidays", country)
        if holiday_setting is True:
            holiday_setting = country or "KR"
        country = str(holiday_setting or "")
        closed = _closed_dates(spec.get("closed") or ())
        if str(spec.get("always", "")).lower() in ("1", "true") or spec.get("always") is True:
            return cls((_FULL_DAY,) * 7, zone=zone, country="", closed=closed, always=True)
        for key, value in spec.items():
            if key in ("zone", "holidays", "closed", "always"):
                continue
            idx = _DAY_ALIASES.get(str(key).strip().lower())
            if idx is None:
                raise EngageError("inbox.hours_bad_day", day=str(key)[:20])
            if value is None:
                continue
            if isinstance(value, str) and value.strip().lower() in ALWAYS:
                week[idx] = _FULL_DAY
            else:
                week[idx] = _periods(value, DAYS[idx])
        return cls(tuple(week), zone=zone, country=country, closed=closed)

    def to_dict(self) -> dict[str, Any]:
        """The mapping :meth:`parse` reads back (for the settings page and ``inbox_settings``)."""
        if self.always:
            return {"always": True, "zone": self.zone, "closed": sorted(map(str, self.closed))}
        out: dict[str, Any] = {
            DAYS[i]: ",".join(f"{_hm(s)}-{_hm(e)}" for s, e in p) for i, p in enumerate(self.week)
        }
        out.update(zone=self.zone, holidays=self.country or False)
        out["closed"] = sorted(str(d) for d in self.closed)
        return out

    @property
    def tz(self) -> ZoneInfo:
        """The zone the periods are read in."""
        return self._tz

    # -- the calendar --------------------------------------------------------------------

    def is_closed_day(self, day: date) -> bool:
        """Whether ``day`` (a local date) is a holiday or an extra closed date."""
        if self.always:
            return day in self.closed
        return day in self.closed or (self._holidays is not None and day in self._holidays)

    def holiday_name(self, day: date) -> str:
        """The holiday's name on ``day`` ("" when none)."""
        if self._holidays is None:
            return ""
        return str(self._holidays.get(day) or "")

    def _local(self, at: datetime) -> datetime:
        return at.replace(tzinfo=self._tz) if at.tzinfo is None else at.astimezone(self._tz)

    def _intervals(self, day: date) -> list[tuple[datetime, datetime]]:
        """The open periods of local ``day`` as UTC instants (none on a closed day)."""
        if self.is_closed_day(day):
            return []
        out = []
        for s, e in self.week[day.weekday()]:
            out.append((self._instant(day, s), self._instant(day, e)))
        return out

    def _instant(self, day: date, minute: int) -> datetime:
        if minute >= 1440:
            day, minute = day + timedelta(days=1), minute - 1440
        local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=self._tz)
        return local.astimezone(UTC)

    # -- the clock -----------------------------------------------------------------------

    def is_open(self, at: datetime) -> bool:
        """Whether ``at`` falls in an open period (start included, end excluded)."""
        u = self._local(at).astimezone(UTC)
        return any(s <= u < e for s, e in self._intervals(self._local(at).date()))

    def next_open(self, at: datetime) -> datetime:
        """``at`` itself when open, else the start of the next open period (UTC)."""
        u = self._local(at).astimezone(UTC)
        day = self._local(at).date()
        for _ in range(_MAX_CLOSED_DAYS):
            for s, e in self._intervals(day):
                if u < e:
                    return max(s, u)
            day += timedelta(days=1)
        raise EngageError("inbox.hours_never_open", days=_MAX_CLOSED_DAYS)

    def add(self, start: datetime, minutes: float) -> datetime:
        """The instant ``minutes`` business minutes after ``start`` (UTC). A start outside the
        open periods counts from the next opening; a result may be the end of a period (due at
        closing time). ``minutes`` must not be negative."""
        if minutes < 0:
            raise ValueError("minutes must not be negative")
        u = self._local(start).astimezone(UTC)
        if minutes == 0:
            return u
        left = timedelta(minutes=minutes)
        day = self._local(start).date()
        idle = 0
        while idle < _MAX_CLOSED_DAYS:
            spans = self._intervals(day)
            idle += 1
            for s, e in spans:
                if e <= u:
                    continue
                begin = max(s, u)
                if e - begin >= left:
                    return begin + left
                left -= e - begin
                idle = 0
            day += timedelta(days=1)
        raise EngageError("inbox.hours_never_open", days=_MAX_CLOSED_DAYS)

    def minutes_between(self, a: datetime, b: datetime) -> float:
        """Business minutes from ``a`` to ``b`` (negative when ``b`` is before ``a``)."""
        ua, ub = self._local(a).astimezone(UTC), self._local(b).astimezone(UTC)
        if ub < ua:
            return -self.minutes_between(b, a)
        total = timedelta()
        day, last = self._local(a).date(), self._local(b).date()
        while day <= last:
            for s, e in self._intervals(day):
                lo, hi = max(s, ua), min(e, ub)
                if hi > lo:
                    total += hi - lo
            day += timedelta(days=1)
        return total / timedelta(minutes=1)


def _hm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"

"""Month and week views of the content calendar: plain data for the web pages and the exports."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import MAXYEAR, date, timedelta
from typing import Any

from socialops.domain.channels import Channel, load_channels
from socialops.domain.plan import Plan
from socialops.plan.calendar.recurrence import Occurrence, occurrences
from socialops.plan.calendar.special_days import SpecialDay, special_days
from socialops.plan.calendar.warnings import CalendarWarning, calendar_warnings
from socialops.plan.messages import PlanError

__all__ = ["DayCell", "HourRow", "MonthView", "WeekDay", "WeekView", "month_view", "week_view"]


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

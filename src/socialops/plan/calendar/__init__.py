"""The content calendar: recurring items expanded, special days, warnings, month and week views.

One module per subject; this package re-exports their public names:

- :mod:`.recurrence`: :func:`occurrences`, every calendar item, recurring ones (an RFC 5545
  ``RRULE``, checked by :mod:`socialops.domain.rrule`) expanded inside the plan period.
- :mod:`.special_days`: :func:`special_days`, Korean public holidays and commerce days.
- :mod:`.warnings`: :func:`calendar_warnings`, clashes, copy too long, items on a holiday.
- :mod:`.views`: :func:`month_view` / :func:`week_view`, plain data for the pages and exports.
"""

from __future__ import annotations

from socialops.domain.rrule import validate_recurrence
from socialops.plan.calendar.recurrence import MAX_OCCURRENCES, Occurrence, occurrences
from socialops.plan.calendar.special_days import (
    COMMERCE_DAYS_FILE,
    SpecialDay,
    load_commerce_days,
    public_holidays,
    special_days,
)
from socialops.plan.calendar.views import (
    DayCell,
    HourRow,
    MonthView,
    WeekDay,
    WeekView,
    month_view,
    week_view,
)
from socialops.plan.calendar.warnings import SLOT_MINUTES, CalendarWarning, calendar_warnings

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

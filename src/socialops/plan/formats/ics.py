"""ICS: the content calendar as an iCalendar file (Google Calendar, Outlook, Apple Calendar)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from socialops.plan.formats import ExportFormat, register

if TYPE_CHECKING:
    from socialops.domain.plan import Plan
    from socialops.store.workspace import Workspace


def render(ws: Workspace | None, plan: Plan, lang: str, today: date | None) -> bytes:
    # imported on first use: the CLI reads the registry at start-up (icalendar: about 0.5 s)
    from socialops.plan.ics import plan_to_ics

    return plan_to_ics(plan)


FORMAT = register(
    ExportFormat(
        name="ics",
        media_type="text/calendar; charset=utf-8",
        extension="ics",
        label_key="plans.export.ics",
        render=render,
        order=30,
    )
)

"""Scheduled reports over the API (issue 17 item 8): a plan's or a listening topic's report,
daily or weekly at a local hour (Asia/Seoul), written to the reports list and e-mailed to
chosen members in their language. Reading needs ``view``; adding, changing, removing and
running now ``reports.schedule``. Recipients must be members of the workspace. Another
workspace's schedule, like one that does not exist, is 404."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any, Literal

from fastapi import Path, Request
from pydantic import BaseModel, Field

from socialops.web.actions import schedules as actions
from socialops.web.api.common import ERRORS, Done, Slug, caller, router
from socialops.web.auth import lang_of

__all__ = ["ScheduleChange", "ScheduleIn"]

TAGS: list[str | Enum] = ["schedules"]
ScheduleId = Annotated[
    str, Path(min_length=9, max_length=9, pattern=actions.SCHEDULE_ID, description="e.g. s1a2b3c4")
]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Email = Annotated[str, Field(min_length=3, max_length=200)]


class ScheduleIn(BaseModel):
    kind: Literal["plan", "topic"]
    ref: str = Field(min_length=1, max_length=200, description="the plan's id or the topic's name")
    cadence: Literal["daily", "weekly"] = "weekly"
    weekday: Weekday = "mon"
    hour: int = Field(9, ge=0, le=23, description="local hour, Asia/Seoul")
    recipients: list[Email] = Field(min_length=1, max_length=actions.MAX_RECIPIENTS)


class ScheduleChange(BaseModel):
    enabled: bool | None = None
    cadence: Literal["daily", "weekly"] | None = None
    weekday: Weekday | None = None
    hour: int | None = Field(None, ge=0, le=23)
    recipients: list[Email] | None = Field(None, min_length=1, max_length=actions.MAX_RECIPIENTS)


@router.get("/workspaces/{ws}/schedules", responses=ERRORS, tags=TAGS)
def schedule_list(request: Request, ws: Slug) -> list[dict[str, Any]]:
    """Every scheduled report: ``schedule_id``, ``kind`` (plan, topic), ``ref``, ``cadence``,
    ``weekday``, ``hour``, ``zone``, ``recipients``, ``enabled``, ``next_run_at`` (UTC) and
    ``next_run_local``, ``last_run_at``, ``last_state`` (sent, partial, failed, retrying…),
    ``last_report`` (its id in the reports list: ``/w/{ws}/reports/{id}.html``)."""
    return actions.schedules(caller(request), ws, lang_of(request))


@router.post("/workspaces/{ws}/schedules", status_code=201, responses=ERRORS, tags=TAGS)
def schedule_add(request: Request, ws: Slug, body: ScheduleIn) -> dict[str, Any]:
    """Add a scheduled report; its first run is the next matching hour."""
    return actions.add(caller(request), ws, lang_of(request), **body.model_dump())


@router.patch("/workspaces/{ws}/schedules/{schedule_id}", responses=ERRORS, tags=TAGS)
def schedule_change(
    request: Request, ws: Slug, schedule_id: ScheduleId, body: ScheduleChange
) -> dict[str, Any]:
    """Turn a scheduled report on or off, or change when it runs and to whom."""
    return actions.change(caller(request), ws, schedule_id, lang_of(request), **body.model_dump())


@router.delete("/workspaces/{ws}/schedules/{schedule_id}", responses=ERRORS, tags=TAGS)
def schedule_remove(request: Request, ws: Slug, schedule_id: ScheduleId) -> Done:
    actions.remove(caller(request), ws, schedule_id)
    return Done()


@router.post("/workspaces/{ws}/schedules/{schedule_id}/run", responses=ERRORS, tags=TAGS)
def schedule_run(request: Request, ws: Slug, schedule_id: ScheduleId) -> dict[str, Any]:
    """Run a scheduled report now (its next regular run is kept): ``report`` (its id in the
    reports list), ``state``, ``sent_now``, ``failed_now``."""
    return actions.run(caller(request), ws, schedule_id)

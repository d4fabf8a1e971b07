"""The REST API of campaign plans, ``/api/v1``: templates, the channel knowledge base, plans
(create from a template or a whole document, read, replace with optimistic versions, delete),
review transitions, plan vs actual, the channel-mix recommendation, the content calendar,
draft posts from the calendar, exports, and post-metrics/conversions imports.

Same rules as :mod:`socialops.web.api`: a personal token or the page session (changes then need
``X-CSRF-Token``), one error shape ``{"error": {"status", "code", "message"}}``, every endpoint
names the action it needs. A refused plan change is a :class:`~socialops.plan.messages.PlanError`:
its code (``plan.budget_sum``, ``plan.stale``, …) is the error's ``code`` and its sentence, in the
caller's language, the ``message``; nothing was saved.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from socialops.domain.channels import load_channels
from socialops.domain.plan import Plan
from socialops.plan.actuals import plan_vs_actual
from socialops.plan.messages import PlanError
from socialops.plan.service import parse_day
from socialops.plan.store import PlanStore
from socialops.plan.templates import list_templates
from socialops.plan.workflow import TRANSITIONS
from socialops.web.actions import plans as actions
from socialops.web.actions import publishing as pub_actions
from socialops.web.api.common import ERRORS, Done, Slug, caller
from socialops.web.api.publishing import post_out
from socialops.web.auth import require, require_user
from socialops.web.auth import services_of as _services
from socialops.web.plan_http import (
    EXPORT_TYPES,
    PLAN_ID_PATTERN,
    ExportName,
    calendar_data,
    export_response,
    install_errors,
    plain,
    recommendation_of,
)

__all__ = ["install_errors", "router"]

router = APIRouter(prefix="/api/v1")

PlanId = Annotated[str, PathParam(pattern=PLAN_ID_PATTERN, description="plan id")]
Action = Literal["submit", "withdraw", "reject", "approve", "start", "finish", "reopen"]
Lang = Literal["ko", "en"]
assert {t.action for t in TRANSITIONS} == set(Action.__args__)  # type: ignore[attr-defined]


# -- models ------------------------------------------------------------------------------------
class TemplateOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str
    title: str
    description: str


class PlanListItem(BaseModel):
    plan_id: str
    name: str
    state: str
    start_date: str
    end_date: str
    version: int
    created_at: str
    updated_at: str


class PlanCreate(BaseModel):
    """Either a template with a name and a period (and optionally a budget and the tracked
    topics the campaign is about), or ``plan``: a whole plan document (the shape ``GET`` answers;
    it gets a new id, starts as a draft)."""

    template: str | None = Field(None, max_length=64, examples=["product-launch"])
    name: str | None = Field(None, max_length=200, examples=["봄 신제품 출시"])
    start: str | None = Field(None, max_length=20, description="YYYY-MM-DD")
    end: str | None = Field(None, max_length=20, description="YYYY-MM-DD")
    budget_krw: int | None = Field(None, ge=0, le=10**13)
    topics: list[str] | None = Field(None, max_length=20)
    plan: dict[str, Any] | None = None


class PlanDocument(BaseModel):
    """The plan document as ``GET`` answers it, edited; ``version`` is the version it was read
    at (a plan saved since then is refused with 409 ``plan.stale``). State, approvals and history
    are the workflow's: what is sent for them is ignored."""

    model_config = ConfigDict(extra="allow")
    version: int = Field(ge=0, le=2**62)


class TransitionIn(BaseModel):
    action: Action
    note: str = Field("", max_length=2000, description="required to reject")
    version: int | None = Field(
        None, ge=0, le=2**62, description="the version acted on (409 when stale)"
    )


class RecommendationOut(BaseModel):
    channel: str
    name_ko: str
    name_en: str
    score: float
    breakdown: dict[str, float] = Field(description="points per component; they add up to score")
    weights: dict[str, float] = Field(description="the weight of each component used (sum 1)")
    reasons: list[dict[str, str]]
    chosen: bool


class CalendarOut(BaseModel):
    start: str
    end: str
    timezone: str
    occurrences: list[dict[str, Any]]
    warnings: list[dict[str, Any]]
    special_days: list[dict[str, Any]]


class DraftsIn(BaseModel):
    item_ids: list[str] = Field(
        default_factory=list,
        max_length=500,
        description="the calendar items to draft (none: every item of the plan)",
    )


class DraftsOut(BaseModel):
    made: int = Field(description="how many drafts were made now (0: every date had its posts)")
    posts: list[dict[str, Any]]


# -- templates and channels --------------------------------------------------------------------
@router.get("/plan-templates", response_model=list[TemplateOut], responses=ERRORS, tags=["plans"])
def plan_templates(request: Request, lang: Lang | None = None) -> list[dict[str, Any]]:
    """The plan templates (name, title, description, …) in ``lang`` (default: the caller's)."""
    p = require_user(request)
    return list_templates(lang or p.user.lang)


@router.get("/workspaces/{ws}/channels", responses=ERRORS, tags=["plans"])
def channels(request: Request, ws: Slug) -> dict[str, dict[str, Any]]:
    """The channel knowledge base (built in, overridden by the workspace's ``channels.json``),
    every fact with its source and year."""
    require(request, ws, "view")
    found = load_channels(_services(request).workspace(ws))
    return {key: plain(c) for key, c in found.items()}


# -- plans -------------------------------------------------------------------------------------
def _store(request: Request, ws: str) -> Any:
    return PlanStore(_services(request).workspace(ws))


@router.get(
    "/workspaces/{ws}/plans", response_model=list[PlanListItem], responses=ERRORS, tags=["plans"]
)
def plans(request: Request, ws: Slug) -> list[dict[str, Any]]:
    """The workspace's plans, last changed first."""
    require(request, ws, "view")
    rows: list[dict[str, Any]] = _store(request, ws).list()
    return rows


@router.post(
    "/workspaces/{ws}/plans", response_model=Plan, status_code=201, responses=ERRORS, tags=["plans"]
)
def create_plan(request: Request, ws: Slug, body: PlanCreate) -> Plan:
    """A new draft plan, from a template or from a whole document."""
    actor = caller(request)
    actor.access(ws, actions.EDIT)  # refused before the body is looked at
    if body.plan is not None:
        if body.template:
            raise PlanError("plan.unknown_field", field="template", where="PlanCreate")
        doc = {k: v for k, v in body.plan.items() if k not in ("actuals", "warnings")}
        return actions.create_from_document(actor, ws, doc)
    for what, value in (("template", body.template), ("name", body.name)):
        if not (value or "").strip():
            raise PlanError("plan.required", field=what)
    return actions.create_from_template(
        actor,
        ws,
        str(body.template).strip(),
        name=str(body.name).strip(),
        start=parse_day(body.start or "", "start"),
        end=parse_day(body.end or "", "end"),
        budget_krw=body.budget_krw,
        topics=body.topics or None,
    )


@router.get(
    "/workspaces/{ws}/plans/{plan_id}", response_model=Plan, responses=ERRORS, tags=["plans"]
)
def plan(request: Request, ws: Slug, plan_id: PlanId) -> Plan:
    """The plan document (``version`` is what a ``PUT`` sends back)."""
    require(request, ws, "view")
    found: Plan = _store(request, ws).get(plan_id)
    return found


@router.put(
    "/workspaces/{ws}/plans/{plan_id}", response_model=Plan, responses=ERRORS, tags=["plans"]
)
def replace_plan(request: Request, ws: Slug, plan_id: PlanId, body: PlanDocument) -> Plan:
    """Replace the plan's content; refused whole (nothing saved) when anything is wrong, with
    409 when the plan changed since ``version`` or its state does not allow the change (an
    approved or running plan changes only in its content calendar)."""
    actor = caller(request)
    actor.access(ws, actions.EDIT)
    doc = body.model_dump()
    base = int(doc.pop("version"))
    for key in ("actuals", "warnings"):
        doc.pop(key, None)
    return actions.edit_plan(actor, ws, plan_id, doc, base_version=base)


@router.delete(
    "/workspaces/{ws}/plans/{plan_id}", response_model=Done, responses=ERRORS, tags=["plans"]
)
def delete_plan(request: Request, ws: Slug, plan_id: PlanId) -> Done:
    """Delete a plan that is a draft or done (one in review, approved or running is in use:
    409 ``plan.locked``)."""
    actions.delete_plan(caller(request), ws, plan_id)
    return Done()


@router.post(
    "/workspaces/{ws}/plans/{plan_id}/transitions",
    response_model=Plan,
    responses=ERRORS,
    tags=["plans"],
)
def move_plan(request: Request, ws: Slug, plan_id: PlanId, body: TransitionIn) -> Plan:
    """Move the plan through review: submit, withdraw, reject (with a note), approve, start,
    finish, reopen. Approve and reject need ``plans.approve``, the others ``plans.edit``."""
    actor = caller(request)
    return actions.move_plan(
        actor, ws, plan_id, body.action, note=body.note, base_version=body.version
    )


@router.get("/workspaces/{ws}/plans/{plan_id}/actuals", responses=ERRORS, tags=["plans"])
def actuals(
    request: Request,
    ws: Slug,
    plan_id: PlanId,
    today: Annotated[
        str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$", description="as of (YYYY-MM-DD)")
    ] = None,
) -> dict[str, Any]:
    """Each KPI target against its actual value, the value expected by today, pacing and
    status (on_track, ahead, off_track, no_data, not_started)."""
    require(request, ws, "view")
    found = _store(request, ws).get(plan_id)
    as_of = parse_day(today, "today") if today else None
    out: dict[str, Any] = plain(
        plan_vs_actual(_services(request).workspace(ws), found, today=as_of).to_dict()
    )
    return out


@router.get(
    "/workspaces/{ws}/plans/{plan_id}/recommendation",
    response_model=list[RecommendationOut],
    responses=ERRORS,
    tags=["plans"],
)
def recommendation(request: Request, ws: Slug, plan_id: PlanId) -> list[dict[str, Any]]:
    """The channels ranked for the plan's objectives, segments and budget (and, with data, where
    the brand is talked about and how its channels performed): score 0-100, its breakdown, the
    reasons in Korean and English, and whether the plan has the channel."""
    require(request, ws, "view")
    target = _services(request).workspace(ws)
    return recommendation_of(target, _store(request, ws).get(plan_id))[0]


@router.get(
    "/workspaces/{ws}/plans/{plan_id}/calendar",
    response_model=CalendarOut,
    responses=ERRORS,
    tags=["plans"],
)
def calendar(request: Request, ws: Slug, plan_id: PlanId) -> dict[str, Any]:
    """The content calendar: occurrences in local and UTC time, clash and too-long warnings,
    Korean public holidays and commerce days of the period."""
    require(request, ws, "view")
    target = _services(request).workspace(ws)
    return calendar_data(target, _store(request, ws).get(plan_id))


@router.post(
    "/workspaces/{ws}/plans/{plan_id}/drafts",
    response_model=DraftsOut,
    responses=ERRORS,
    tags=["plans", "publishing"],
)
def drafts(request: Request, ws: Slug, plan_id: PlanId, body: DraftsIn | None = None) -> DraftsOut:
    """Draft posts from the content calendar (``publish.draft``): one per occurrence of each
    item asked for (every item without a body) that has no post yet, for the channel's
    profiles (a manual one when none posts there). A second call makes none. The caller's role
    decides whether the drafts need review when they are scheduled."""
    wanted = body.item_ids if body else []
    made = pub_actions.drafts_from_plan(caller(request), ws, plan_id, wanted)
    return DraftsOut(made=len(made), posts=[post_out(p) for p in made])


@router.get(
    "/workspaces/{ws}/plans/{plan_id}/export",
    response_class=Response,
    responses={
        **ERRORS,
        200: {
            "description": "the file",
            "content": {t: {} for t in EXPORT_TYPES.values()},
        },
    },
    tags=["plans"],
)
def export(
    request: Request,
    ws: Slug,
    plan_id: PlanId,
    fmt: Annotated[ExportName, Query(alias="format")] = "html",
    lang: Lang | None = None,
) -> Response:
    """The plan as a document (HTML, PDF), its calendar (ICS), a workbook (XLSX) or JSON, in
    ``lang`` (default: the caller's)."""
    access = require(request, ws, "view")
    target = _services(request).workspace(ws)
    found = _store(request, ws).get(plan_id)
    return export_response(target, found, fmt, lang or access.user.lang)


# -- metrics -----------------------------------------------------------------------------------
@router.post("/workspaces/{ws}/metrics/imports", status_code=201, responses=ERRORS, tags=["plans"])
def import_metrics(
    request: Request,
    ws: Slug,
    file: Annotated[UploadFile, File(description="post metrics or conversions: CSV or XLSX")],
    preset: Annotated[str, Form(min_length=1, max_length=64)],
    channel: Annotated[
        str, Form(max_length=64, description="post presets: the channel of rows without one")
    ] = "",
    year: Annotated[
        int | None, Form(description="facebook-metrics: the year of the months")
    ] = None,
) -> dict[str, Any]:
    """Import post metrics (reach, impressions, engagements, clicks per post and channel) or
    conversions by UTM campaign and source, with a preset; the plan pages measure against them
    at once."""
    name = file.filename or "metrics"
    options = {"channel": channel, "year": year}
    done = actions.import_metrics(caller(request), ws, name, file.file, preset, options)
    out: dict[str, Any] = plain(done.to_dict())
    return out

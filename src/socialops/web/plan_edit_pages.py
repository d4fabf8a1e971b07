"""The edit form of a campaign plan (``/w/{ws}/plans/{plan_id}/edit``): every field of the
plan in one form, saved whole at the version it was read at (a plan changed meanwhile is
refused with 409 and the form shown again with what was typed)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from socialops.domain.channels import load_channels
from socialops.domain.permissions import allowed
from socialops.domain.plan import CUSTOMER_KINDS, GENDERS, OBJECTIVES, Plan
from socialops.errors import SocialopsError
from socialops.listen.topics import list_topics
from socialops.plan.actuals import baseline
from socialops.plan.messages import PlanError
from socialops.plan.target_segments import saved_segment_sizes
from socialops.web.actions import plans as actions
from socialops.web.auth import Access, lang_of
from socialops.web.auth import accounts_of as _accounts
from socialops.web.pages.common import Slug, form_actor
from socialops.web.pages.common import to_login as _to_login
from socialops.web.pages.common import view_access as _view
from socialops.web.plan_forms import (
    CRISIS_SYNTAX,
    ESCALATION_SYNTAX,
    FormError,
    edit_doc,
    edit_form,
    edit_form_of_fields,
)
from socialops.web.plan_page_common import MAX_FORM_FIELDS
from socialops.web.plan_page_common import back as _back
from socialops.web.plan_page_common import check_plan_id as _check_plan_id
from socialops.web.plan_page_common import form_fields as _fields
from socialops.web.plan_page_common import kpi_library as _kpi_library
from socialops.web.plan_page_common import plan_page as _ppage
from socialops.web.plan_page_common import plan_store as _store
from socialops.web.plan_page_common import refusal as _err
from socialops.web.plan_page_common import workspace_of as _ws

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


# -- the edit form --------------------------------------------------------------------------------
def _edit_page(
    request: Request,
    access: Access,
    plan: Plan,
    form: dict[str, Any],
    status: int = 200,
    error: str | None = None,
) -> Response:
    ws = _ws(request, access)
    topics = [tp.name for tp in list_topics(ws)]
    topics += [x for x in plan.topics if x not in topics]
    return _ppage(
        request,
        access,
        "plan_edit.html",
        status,
        plan=plan,
        form=form,
        error=error,
        known=load_channels(ws),
        library=_kpi_library(),
        topics=topics,
        objectives=OBJECTIVES,
        genders=GENDERS,
        customers=CUSTOMER_KINDS,
        saved_segments=sorted(saved_segment_sizes(ws)),
        budget_kinds=("paid", "organic"),
        escalation_syntax=ESCALATION_SYNTAX,
        crisis_syntax=CRISIS_SYNTAX,
        approvers=[
            m.user.email
            for m in _accounts(request).members(access.workspace)
            if m.role in ("owner", "manager")
        ],
        locked=plan.state != "draft",
    )


@router.get("/w/{ws}/plans/{plan_id}/edit", response_class=HTMLResponse)
def edit_page(request: Request, ws: Slug, plan_id: str) -> Response:
    access = _view(request, ws, "plans.edit")
    if access is None:
        return _to_login()
    _check_plan_id(plan_id)
    plan = _store(request, access).get(plan_id)
    return _edit_page(request, access, plan, edit_form(plan))


@router.post("/w/{ws}/plans/{plan_id}/edit", response_class=HTMLResponse)
async def save_plan(request: Request, ws: Slug, plan_id: str) -> Response:
    """Save the edit form: one whole, validated save at the version the form was read at."""
    async with request.form(max_files=0, max_fields=MAX_FORM_FIELDS) as form:
        fields = _fields(form)
    return await run_in_threadpool(_save_plan, request, ws, plan_id, fields)


def _check_approvers(request: Request, ws: str, doc: dict[str, Any]) -> None:
    roles = {m.user.email: m.role for m in _accounts(request).members(ws)}
    for who in doc["approvers"]:
        if not allowed(roles.get(who), "plans.approve"):
            raise FormError("approver", who=who)


def _fill_baselines(ws: Any, old: Plan, doc: dict[str, Any]) -> None:
    """A baseline from the workspace's history for the KPI targets the form added."""
    known = {(k.kpi, k.channel, k.topic) for k in old.kpis}
    plan = Plan.from_dict(doc)
    for k, target in zip(doc["kpis"], plan.kpis, strict=True):
        if (target.kpi, target.channel, target.topic) in known or k.get("baseline") is not None:
            continue
        try:
            value, note = baseline(ws, plan, target)
        except SocialopsError:
            continue
        if value is not None:
            k["baseline"], k["baseline_note"] = value, note


def _save_plan(request: Request, ws: str, plan_id: str, fields: dict[str, list[str]]) -> Response:
    actor = form_actor(request, (fields.get("csrf") or [""])[0])
    access = actor.access(ws, actions.EDIT)
    _check_plan_id(plan_id)
    lang = lang_of(request)
    store = _store(request, access)
    plan = store.get(plan_id)
    form = edit_form_of_fields(fields)
    version_text = (fields.get("version") or [""])[0]
    try:
        if not version_text.isdigit():
            raise PlanError("plan.stale", current=plan.version)
        doc = edit_doc(plan, form)
        _check_approvers(request, ws, doc)
        _fill_baselines(_ws(request, access), plan, doc)
        actions.edit_plan(actor, ws, plan_id, doc, base_version=int(version_text))
    except (PlanError, FormError) as exc:
        status, msg = _err(exc, lang)
        shown = replace(plan, version=int(version_text)) if version_text.isdigit() else plan
        return _edit_page(request, access, shown, form, status, msg)
    return _back(ws, f"/{plan_id}", "saved")

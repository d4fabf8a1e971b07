"""The content calendar of a campaign plan (``/w/{ws}/plans/{plan_id}/calendar``): a month or
a week with occurrences, special days and warnings, and the item form (add, change, delete an
item: one validated save of the whole plan).

Each occurrence shows what became of it in publishing: a badge per post (its state, a link to
the post's page; a published one also links to the post on the platform, a failed one says
why). "Make drafts" (one item, or every item) is ``POST /w/{ws}/plans/{plan_id}/drafts``: the
action :func:`socialops.web.actions.publishing.drafts_from_plan` (``publish.draft``), then back
to the calendar with how many drafts were made."""

from __future__ import annotations

import calendar as pycal
from dataclasses import replace
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from socialops.domain.channels import load_channels, text_limit
from socialops.domain.plan import ITEM_STATUSES, Plan
from socialops.errors import SocialopsError
from socialops.plan.calendar import calendar_warnings, month_view, occurrences, week_view
from socialops.plan.messages import PlanError
from socialops.plan.service import parse_day
from socialops.plan.utm import item_link
from socialops.publish.plan_drafts import item_key
from socialops.publish.plan_posts import posts_by_occurrence
from socialops.publish.queue import QueuedPost
from socialops.web.actions import plans as actions
from socialops.web.actions import publishing as pub_actions
from socialops.web.auth import Access, lang_of
from socialops.web.pages.common import Slug, form_actor
from socialops.web.pages.common import to_login as _to_login
from socialops.web.pages.common import view_access as _view
from socialops.web.plan_forms import FormError
from socialops.web.plan_item_forms import REPEATS, item_form, item_form_of_fields, item_of_form
from socialops.web.plan_page_common import check_plan_id as _check_plan_id
from socialops.web.plan_page_common import done_of as _done
from socialops.web.plan_page_common import form_fields as _fields
from socialops.web.plan_page_common import plan_page as _ppage
from socialops.web.plan_page_common import plan_store as _store
from socialops.web.plan_page_common import refusal as _err
from socialops.web.plan_page_common import workspace_of as _ws
from socialops.web.responses import error_text

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _calendar_page(
    request: Request,
    access: Access,
    plan: Plan,
    view: str,
    day: date,
    status: int = 200,
    **ctx: Any,
) -> Response:
    known = load_channels(_ws(request, access))
    grid: Any
    if view == "week":
        grid = week_view(plan, day, channels=known)
        prev_day, next_day = day - timedelta(days=7), day + timedelta(days=7)
    else:
        grid = month_view(plan, day.year, day.month, channels=known)
        first = day.replace(day=1)
        prev_day = (first - timedelta(days=1)).replace(day=1)
        next_day = first + timedelta(days=pycal.monthrange(day.year, day.month)[1])
    ctx.setdefault("error", None)
    ctx.setdefault("item", item_form(None, plan, day.isoformat()))
    posts = posts_by_occurrence(_ws(request, access), plan.plan_id)
    return _ppage(
        request,
        access,
        "plan_calendar.html",
        status,
        tracked=_tracked_link(plan, ctx["item"].get("item_id", "")),
        plan=plan,
        view=view,
        day=day,
        grid=grid,
        prev_day=prev_day,
        next_day=next_day,
        warnings=calendar_warnings(plan, known),
        known=known,
        statuses=ITEM_STATUSES,
        repeats=REPEATS,
        items=sorted(plan.calendar, key=lambda i: (i.start, i.title)),
        month_names=[pycal.month_name[m] for m in range(1, 13)],
        limits={c: text_limit(known[c], None) for c in plan.channel_keys() if c in known},
        editable=plan.state in ("draft", "approved", "running"),
        done=_done(request),
        pub_posts=posts,
        pub_key=item_key,
        item_posts=_by_item(posts),
        open_items=_open_items(plan, posts),
        drafts_made=_drafts_made(request),
        **ctx,
    )


def _by_item(posts: dict[str, list[QueuedPost]]) -> dict[str, list[QueuedPost]]:
    """The posts of every occurrence of an item, under the item's id, in due order."""
    out: dict[str, list[QueuedPost]] = {}
    for key, found in posts.items():
        out.setdefault(key.split("#", 1)[0], []).extend(found)
    return {k: sorted(v, key=lambda p: (p.due_at, p.post_id)) for k, v in out.items()}


def _open_items(plan: Plan, posts: dict[str, list[QueuedPost]]) -> dict[str, int]:
    """How many occurrences of each item have no post yet (what "make drafts" would draft)."""
    out: dict[str, int] = {}
    for occ in occurrences(plan):
        if item_key(occ) not in posts:
            out[occ.item.item_id] = out.get(occ.item.item_id, 0) + 1
    return out


def _drafts_made(request: Request) -> int | None:
    """How many drafts the "make drafts" button just made (``?drafts=N``), or ``None``."""
    shown = request.query_params.get("drafts", "") if request.method == "GET" else ""
    return int(shown) if shown.isdigit() and len(shown) < 7 else None


def _tracked_link(plan: Plan, item_id: str) -> str:
    """The stored item's link with the plan's UTM tags (what to post), or ``""``."""
    stored = next((i for i in plan.calendar if item_id and i.item_id == item_id), None)
    if stored is None:
        return ""
    try:
        return item_link(plan, stored)
    except PlanError:
        return ""


def _day_of(plan: Plan, text: str) -> date:
    if text:
        return parse_day(text, "date")
    today = date.today()
    return today if plan.start <= today <= plan.end else plan.start


@router.get("/w/{ws}/plans/{plan_id}/calendar", response_class=HTMLResponse)
def calendar_page(
    request: Request,
    ws: Slug,
    plan_id: str,
    view: Annotated[str, Query(max_length=8)] = "month",
    day: Annotated[str, Query(alias="date", max_length=20)] = "",
    item: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    access = _view(request, ws, "view")
    if access is None:
        return _to_login()
    _check_plan_id(plan_id)
    plan = _store(request, access).get(plan_id)
    shown = view if view in ("month", "week") else "month"
    try:
        when = _day_of(plan, day)
    except PlanError as exc:
        status, msg = _err(exc, lang_of(request))
        return _calendar_page(request, access, plan, shown, plan.start, status, error=msg)
    chosen = next((i for i in plan.calendar if i.item_id == item), None)
    form = item_form(chosen, plan, when.isoformat())
    return _calendar_page(request, access, plan, shown, when, item=form)


def _save_calendar(
    request: Request,
    ws: str,
    plan_id: str,
    fields: dict[str, list[str]],
) -> Response:
    actor = form_actor(request, (fields.get("csrf") or [""])[0])
    access = actor.access(ws, actions.EDIT)
    _check_plan_id(plan_id)
    lang = lang_of(request)
    plan = _store(request, access).get(plan_id)
    form = item_form_of_fields(fields)
    version_text = (fields.get("version") or [""])[0]
    delete = (fields.get("op") or [""])[0] == "delete"
    view = (fields.get("view") or ["month"])[0]
    view = view if view in ("month", "week") else "month"
    try:
        if not version_text.isdigit():
            raise PlanError("plan.stale", current=plan.version)
        doc = plan.to_dict()
        if delete:
            if not any(i.item_id == form["item_id"] for i in plan.calendar):
                raise FormError("no_item", value=form["item_id"][:40])
            doc["calendar"] = [i for i in doc["calendar"] if i["item_id"] != form["item_id"]]
        else:
            new = item_of_form(plan, form)
            others = [i for i in doc["calendar"] if i["item_id"] != new["item_id"]]
            doc["calendar"] = [*others, new]
        actions.edit_calendar(
            actor,
            ws,
            plan_id,
            doc,
            base_version=int(version_text),
            item=form["item_id"],
            title=form["title"],
            deleted=delete,
        )
    except (PlanError, FormError) as exc:
        status, msg = _err(exc, lang)
        try:
            day = date.fromisoformat(form["date"])
        except ValueError:
            day = plan.start
        shown = replace(plan, version=int(version_text)) if version_text.isdigit() else plan
        return _calendar_page(request, access, shown, view, day, status, error=msg, item=form)
    ok = "item_deleted" if delete else "item_saved"
    day_text = form["date"] if not delete else ""
    query = f"view={view}&ok={ok}" + (f"&date={day_text}" if day_text else "")
    return RedirectResponse(f"/w/{ws}/plans/{plan_id}/calendar?{query}", status_code=303)


@router.post("/w/{ws}/plans/{plan_id}/calendar", response_class=HTMLResponse)
async def save_item(request: Request, ws: Slug, plan_id: str) -> Response:
    """Add or change a calendar item (``item_id`` empty: a new one), or delete one
    (``op=delete``)."""
    async with request.form(max_files=0, max_fields=100) as form:
        fields = _fields(form)
    return await run_in_threadpool(_save_calendar, request, ws, plan_id, fields)


def _make_drafts(request: Request, ws: str, plan_id: str, fields: dict[str, list[str]]) -> Response:
    actor = form_actor(request, (fields.get("csrf") or [""])[0])
    access = actor.access(ws, pub_actions.DRAFT)
    _check_plan_id(plan_id)
    plan = _store(request, access).get(plan_id)
    view = (fields.get("view") or ["month"])[0]
    view = view if view in ("month", "week") else "month"
    day_text = (fields.get("date") or [""])[0][:20]
    try:
        day = _day_of(plan, day_text)
    except PlanError:
        day = _day_of(plan, "")
    item_ids = [i for i in fields.get("item_id", []) if i][:500]
    try:
        made = pub_actions.drafts_from_plan(actor, ws, plan_id, item_ids)
    except SocialopsError as exc:
        msg = error_text(exc, lang_of(request))
        return _calendar_page(request, access, plan, view, day, exc.http_status, error=msg)
    query = f"view={view}&date={day.isoformat()}&drafts={len(made)}"
    return RedirectResponse(f"/w/{ws}/plans/{plan_id}/calendar?{query}#items", status_code=303)


@router.post("/w/{ws}/plans/{plan_id}/drafts", response_class=HTMLResponse)
async def make_drafts(request: Request, ws: Slug, plan_id: str) -> Response:
    """Draft posts for the calendar items ``item_id`` (repeated; none: every item), one per
    occurrence without posts; back to the calendar with how many were made."""
    async with request.form(max_files=0, max_fields=600) as form:
        fields = _fields(form)
    return await run_in_threadpool(_make_drafts, request, ws, plan_id, fields)

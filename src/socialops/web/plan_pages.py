"""The campaign-plan pages of the web workspace (``/w/{ws}/plans…``): the list with a "new plan
from a template" form, a plan's overview (objectives, brief, segments, channel mix with the
recommendation, budget, UTM and link builder, KPI targets against actuals, policy, history,
review buttons, exports), the edit form, the content calendar (month and week) with its item
form, and the downloads.

Views stay thin: they read the form, call the plan services (:mod:`socialops.plan.service`,
:mod:`socialops.plan.workflow`, …) and render. Reading needs ``view``, changing ``plans.edit``,
approving or rejecting ``plans.approve``; every form carries the session's CSRF token. A change
that is refused (:class:`~socialops.plan.messages.PlanError`, or a field the form cannot read)
shows the page again with the sentence in the user's language and what was typed: 400, or 409
when the plan changed meanwhile (stale version) or its state does not allow it. Nothing is
half-saved: every change is one validated save of the whole plan.
"""

from __future__ import annotations

import calendar as pycal
from dataclasses import replace
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from socialops.errors import SocialopsError
from socialops.plan.messages import PlanError
from socialops.plan.model import (
    CHANNEL_ROLES,
    CUSTOMER_KINDS,
    GENDERS,
    ITEM_STATUSES,
    OBJECTIVES,
    ChannelChoice,
    Plan,
    StateEvent,
)
from socialops.web.auth import Access, lang_of
from socialops.web.auth import accounts_of as _accounts
from socialops.web.auth import audit_change as _audit
from socialops.web.auth import services_of as _services
from socialops.web.i18n import MESSAGES, t
from socialops.web.pages import Slug, _form, _page, _to_login, _view
from socialops.web.plan_api import (
    EXPORT_TYPES,
    export_response,
    plan_error_status,
    recommendation_of,
    run_metrics_import,
)
from socialops.web.plan_forms import (
    CRISIS_SYNTAX,
    ESCALATION_SYNTAX,
    REPEATS,
    FormError,
    edit_doc,
    edit_form,
    edit_form_of_fields,
    item_form,
    item_form_of_fields,
    item_of_form,
)
from socialops.web.redact import without_paths

__all__ = ["RECOMMENDED_TOP", "router"]

router = APIRouter(include_in_schema=False)

RECOMMENDED_TOP = 5  # the channels the recommendation stands for: going against it needs a reason
DONE = frozenset(
    {
        "created",
        "saved",
        "moved",
        "channel_added",
        "channel_removed",
        "item_saved",
        "item_deleted",
        "deleted",
        "metrics_imported",
    }
)
RECENT_METRIC_IMPORTS = 5  # shown under the KPI table
MAX_FORM_FIELDS = 3000
FACTOR_KEYS = frozenset(k for k in MESSAGES if k.startswith("plans.factor."))


def _ws(request: Request, access: Access) -> Any:
    return _services(request).workspace(access.workspace)


def _store(request: Request, access: Access) -> Any:
    from socialops.plan.store import PlanStore

    return PlanStore(_ws(request, access))


def _err(exc: PlanError | FormError, lang: str) -> tuple[int, str]:
    if isinstance(exc, PlanError):
        return plan_error_status(exc), exc.text(lang)
    return 400, exc.text(lang)


def _done(request: Request) -> str | None:
    ok = request.query_params.get("ok") if request.method == "GET" else None
    return ok if ok in DONE else None


def _ppage(
    request: Request, access: Access, template: str, status: int = 200, **ctx: Any
) -> Response:
    """A plan page: the workspace page with the plan labels (``L``) in the user's language."""
    from socialops.plan.labels import labels

    return _page(
        request,
        access,
        template,
        "plans",
        status=status,
        L=labels(lang_of(request)),
        factor_keys=FACTOR_KEYS,
        **ctx,
    )


def _back(ws: str, path: str, ok: str) -> Response:
    return RedirectResponse(f"/w/{ws}/plans{path}?ok={ok}", status_code=303)


def _check_plan_id(plan_id: str) -> None:
    import re

    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}", plan_id):
        raise PlanError("plan.not_found", plan_id=plan_id[:40])


# -- the list -------------------------------------------------------------------------------------
def _list_page(request: Request, access: Access, status: int = 200, **ctx: Any) -> Response:
    from socialops.listen.topics import list_topics
    from socialops.plan.templates import list_templates

    lang = lang_of(request)
    ctx.setdefault("error", None)
    ctx.setdefault(
        "form",
        {"template": "", "name": "", "start": "", "end": "", "budget": "", "topics": []},
    )
    return _ppage(
        request,
        access,
        "plan_list.html",
        status,
        plans=_store(request, access).list(),
        templates=list_templates(lang),
        topics=[tp.name for tp in list_topics(_ws(request, access))],
        done=_done(request),
        **ctx,
    )


@router.get("/w/{ws}/plans", response_class=HTMLResponse)
def plans_page(request: Request, ws: Slug) -> Response:
    access = _view(request, ws, "view")
    if access is None:
        return _to_login()
    return _list_page(request, access)


@router.post("/w/{ws}/plans", response_class=HTMLResponse)
def new_plan(
    request: Request,
    ws: Slug,
    template: Annotated[str, Form(max_length=64)] = "",
    name: Annotated[str, Form(max_length=200)] = "",
    start: Annotated[str, Form(max_length=20)] = "",
    end: Annotated[str, Form(max_length=20)] = "",
    budget: Annotated[str, Form(max_length=30)] = "",
    topics: Annotated[list[str] | None, Form(max_length=50)] = None,
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """A new draft plan from a template."""
    from socialops.plan.service import create_from_template, parse_day
    from socialops.web.plan_forms import _opt_int

    access = _form(request, ws, "plans.edit", csrf)
    lang = lang_of(request)
    chosen = [x for x in (topics or []) if x]
    form = {
        "template": template,
        "name": name,
        "start": start,
        "end": end,
        "budget": budget,
        "topics": chosen,
    }
    try:
        if not name.strip():
            raise PlanError("plan.required", field="name")
        plan = create_from_template(
            _ws(request, access),
            template,
            name=name.strip(),
            start=parse_day(start, "start"),
            end=parse_day(end, "end"),
            actor=access.user.email,
            budget_krw=_opt_int(budget, "budget"),
            topics=chosen or None,
        )
    except (PlanError, FormError) as exc:
        status, msg = _err(exc, lang)
        return _list_page(request, access, status, error=msg, form=form)
    except SocialopsError as exc:  # an unknown topic
        return _list_page(request, access, 400, error=without_paths(exc.message), form=form)
    _audit(request, access, "plan.create", plan.plan_id, name=plan.name, template=template)
    return _back(ws, f"/{plan.plan_id}", "created")


# -- the overview ---------------------------------------------------------------------------------
def _budget_summary(plan: Plan) -> dict[str, Any]:
    lines = sum(b.amount_krw for b in plan.budget)
    return {
        "lines": lines,
        "paid": sum(b.amount_krw for b in plan.budget if b.kind == "paid"),
        "organic": sum(b.amount_krw for b in plan.budget if b.kind == "organic"),
        "total": plan.budget_total_krw,
        "adds_up": not plan.budget or lines == plan.budget_total_krw,
    }


def _kpi_library() -> dict[str, Any]:
    from socialops.measure.kpis import LIBRARY

    return dict(LIBRARY)


def _actual_rows(ws: Any, plan: Plan) -> tuple[dict[str, Any] | None, str | None]:
    from socialops.plan.actuals import plan_vs_actual

    try:
        result = plan_vs_actual(ws, plan)
    except SocialopsError as exc:
        return None, without_paths(exc.message)
    return {"as_of": result.as_of, "elapsed": result.elapsed, "rows": result.rows}, None


def _link(plan: Plan, url: str, channel: str, content: str, lang: str) -> dict[str, Any] | None:
    from socialops.plan.utm import build_link

    if not url.strip():
        return None
    form = {"url": url, "channel": channel, "content": content}
    try:
        built = build_link(url.strip(), plan, channel, content.strip() or None)
    except PlanError as exc:
        return {**form, "error": exc.text(lang), "link": None}
    return {**form, "error": None, "link": built}


def _rec_key(
    svc: Any, slug: str, ws: Any, plan: Plan, imports: list[dict[str, Any]] | None = None
) -> list[Any]:
    """The cache key of a plan's recommendation: what it reads — the listening data and topics
    (the services' version), the latest metrics import (channel performance; ``imports``: the
    recent imports when already read), the workspace's channels.json — and the plan's version."""
    from socialops.measure.metrics import recent_imports
    from socialops.plan.channels import WORKSPACE_FILE

    latest = recent_imports(ws, 1) if imports is None else imports
    override = ws.root / WORKSPACE_FILE
    stamp = override.stat().st_mtime_ns if override.exists() else 0
    last = latest[0]["import_id"] if latest else ""
    return ["plan-rec", slug, svc.version(slug), last, stamp, plan.plan_id, plan.version]


def _overview(
    request: Request,
    access: Access,
    plan_id: str,
    status: int = 200,
    *,
    link: dict[str, Any] | None = None,
    **ctx: Any,
) -> Response:
    from socialops.measure.metrics import recent_imports
    from socialops.measure.presets import preset_list
    from socialops.plan.channels import load_channels
    from socialops.plan.workflow import available_actions

    _check_plan_id(plan_id)
    svc = _services(request)
    ws = _ws(request, access)
    plan = _store(request, access).get(plan_id)
    known = load_channels(ws)
    rec_error = None
    imports = recent_imports(ws, RECENT_METRIC_IMPORTS)
    try:
        key = _rec_key(svc, access.workspace, ws, plan, imports)
        rec, rec_notes = svc.cached(key, lambda: recommendation_of(ws, plan))
    except SocialopsError as exc:
        rec, rec_notes, rec_error = [], [], without_paths(exc.message)
    recommended = {r["channel"] for r in rec[:RECOMMENDED_TOP]}
    actuals, actuals_error = _actual_rows(ws, plan)
    shown = request.query_params.get("import") if request.method == "GET" else None
    ctx.setdefault("error", None)
    ctx.setdefault("metrics_error", None)
    ctx.setdefault("metrics_form", {"preset": "post-metrics", "channel": "", "year": ""})
    can_edit = access.role is not None and plan.state == "draft"
    return _ppage(
        request,
        access,
        "plan_overview.html",
        status,
        plan=plan,
        known=known,
        rec=rec,
        rec_error=rec_error,
        rec_notes=rec_notes,
        recommended=recommended,
        actuals=actuals,
        actuals_error=actuals_error,
        library=_kpi_library(),
        budget=_budget_summary(plan),
        actions=available_actions(plan, access.role, access.user.email),
        mix_editable=can_edit,
        roles=CHANNEL_ROLES,
        exports=list(EXPORT_TYPES),
        link=link,
        done=_done(request),
        metric_imports=imports,
        metric_import_done=next((i for i in imports if i["import_id"] == shown), None),
        metric_presets=preset_list(lang_of(request)),
        **ctx,
    )


@router.get("/w/{ws}/plans/{plan_id}", response_class=HTMLResponse)
def plan_page(
    request: Request,
    ws: Slug,
    plan_id: str,
    link_url: Annotated[str, Query(max_length=2000)] = "",
    link_channel: Annotated[str, Query(max_length=64)] = "",
    link_content: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    access = _view(request, ws, "view")
    if access is None:
        return _to_login()
    _check_plan_id(plan_id)
    plan = _store(request, access).get(plan_id)
    link = _link(plan, link_url, link_channel, link_content, lang_of(request))
    status = 400 if link and link["error"] else 200
    return _overview(request, access, plan_id, status, link=link)


@router.post("/w/{ws}/plans/{plan_id}/transition", response_class=HTMLResponse)
def move_plan(
    request: Request,
    ws: Slug,
    plan_id: str,
    action: Annotated[str, Form(max_length=20)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
    version: Annotated[int, Form(ge=0, le=2**62)] = 0,
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Submit, withdraw, reject, approve, start, finish or reopen the plan."""
    from socialops.plan.workflow import TRANSITIONS, transition

    permission = next((t.permission for t in TRANSITIONS if t.action == action), "plans.edit")
    access = _form(request, ws, permission, csrf)
    _check_plan_id(plan_id)
    try:
        moved = transition(
            _store(request, access),
            plan_id,
            action,
            actor=access.user.email,
            role=access.role,
            note=note,
            base_version=version,
        )
    except PlanError as exc:
        status, msg = _err(exc, lang_of(request))
        return _overview(request, access, plan_id, status, error=msg, note=note)
    _audit(request, access, f"plan.{action}", plan_id, state=moved.state, note=note)
    return _back(ws, f"/{plan_id}", "moved")


@router.post("/w/{ws}/plans/{plan_id}/channels", response_class=HTMLResponse)
def change_mix(
    request: Request,
    ws: Slug,
    plan_id: str,
    op: Annotated[str, Form(max_length=10)] = "",
    channel: Annotated[str, Form(max_length=64)] = "",
    role: Annotated[str, Form(max_length=20)] = "main",
    reason: Annotated[str, Form(max_length=2000)] = "",
    version: Annotated[int, Form(ge=0, le=2**62)] = 0,
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Add a channel to the mix or remove one. Going against the recommendation (adding a
    channel outside its top :data:`RECOMMENDED_TOP`, removing one inside it) needs a reason,
    which the plan records (the choice's ``override_reason``, and the history)."""
    from socialops.plan.channels import load_channels
    from socialops.plan.store import now_utc

    access = _form(request, ws, "plans.edit", csrf)
    lang = lang_of(request)
    _check_plan_id(plan_id)
    svc = _services(request)
    store = _store(request, access)
    ws_obj = _ws(request, access)
    try:
        plan = store.get(plan_id)
        if plan.version != version:
            raise PlanError("plan.stale", current=plan.version)
        if plan.state != "draft":
            raise PlanError("plan.locked", state=plan.state)
        key = _rec_key(svc, ws, ws_obj, plan)
        rec = svc.cached(key, lambda: recommendation_of(ws_obj, plan))[0]
        top = {r["channel"] for r in rec[:RECOMMENDED_TOP]}
        by_key = {r["channel"]: r for r in rec}
        if channel not in load_channels(ws_obj):
            raise PlanError("plan.unknown_channel", value=channel[:40])
        reason = reason.strip()
        if op == "add":
            if channel in plan.channel_keys():
                raise PlanError("plan.duplicate", field="channels", value=channel)
            if channel not in top and not reason:
                raise FormError("override_needed", channel=channel)
            r = by_key.get(channel)
            plan.channels.append(
                ChannelChoice(
                    channel=channel,
                    role=role,
                    score=round(r["score"], 1) if r else None,
                    reasons=[x[lang] for x in r["reasons"]] if r else [],
                    override_reason=reason if channel not in top else "",
                )
            )
        elif op == "remove":
            if channel not in plan.channel_keys():
                raise FormError("no_channel", channel=channel)
            if channel in top and not reason:
                raise FormError("override_needed", channel=channel)
            plan.channels = [c for c in plan.channels if c.channel != channel]
            # the channel's own settings go with it; budget lines, KPI targets and calendar
            # items on it must be moved or removed first (validation says which)
            plan.utm.sources.pop(channel, None)
            plan.utm.mediums.pop(channel, None)
            plan.policy.response_minutes.pop(channel, None)
        else:
            raise FormError("bad_op", value=op[:10])
        note = f"{op} {channel}" + (f": {reason}" if reason else "")
        event = StateEvent(now_utc(), access.user.email, "edit", plan.state, plan.state, note)
        store.save(plan, base_version=version, actor=access.user.email, event=event)
    except (PlanError, FormError) as exc:
        status, msg = _err(exc, lang)
        return _overview(request, access, plan_id, status, error=msg)
    _audit(request, access, f"plan.channel_{op}", plan_id, channel=channel, reason=reason)
    return _back(ws, f"/{plan_id}", "channel_added" if op == "add" else "channel_removed")


@router.post("/w/{ws}/plans/{plan_id}/metrics", response_class=HTMLResponse)
def import_plan_metrics(
    request: Request,
    ws: Slug,
    plan_id: str,
    file: Annotated[UploadFile | None, File()] = None,
    preset: Annotated[str, Form(max_length=64)] = "",
    channel: Annotated[str, Form(max_length=64)] = "",
    year: Annotated[str, Form(max_length=10)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Import post metrics or conversions from the plan's page (as ``POST
    /api/v1/workspaces/{ws}/metrics/imports`` does) and show the plan measured against them.
    A refused file shows the page again with the reason and nothing stored."""
    access = _form(request, ws, "data.import", csrf)
    lang = lang_of(request)
    _check_plan_id(plan_id)
    _store(request, access).get(plan_id)  # 404 before reading the upload
    form = {"preset": preset, "channel": channel, "year": year}

    def fail(message: str, status: int = 400) -> Response:
        return _overview(request, access, plan_id, status, metrics_error=message, metrics_form=form)

    if file is None or not file.filename:
        return fail(t("data.no_file", lang))
    # the import checks the options (a year that is not one, an option the preset lacks)
    options = {"channel": channel.strip(), "year": year.strip()}
    try:
        done = run_metrics_import(_ws(request, access), file.filename, file.file, preset, options)
    except PlanError as exc:
        return fail(exc.text(lang), 422)
    except SocialopsError as exc:
        return fail(without_paths(exc.message), 422)
    _audit(request, access, "metrics.import", file.filename, preset=preset, imported=done.imported)
    return RedirectResponse(
        f"/w/{ws}/plans/{plan_id}?ok=metrics_imported&import={done.import_id}#kpis",
        status_code=303,
    )


@router.post("/w/{ws}/plans/{plan_id}/delete", response_class=HTMLResponse)
def delete_plan(
    request: Request,
    ws: Slug,
    plan_id: str,
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Delete a draft or finished plan (one in review, approved or running is in use)."""
    access = _form(request, ws, "plans.edit", csrf)
    _check_plan_id(plan_id)
    store = _store(request, access)
    try:
        plan = store.get(plan_id)
        if plan.state not in ("draft", "done"):
            raise PlanError("plan.locked", state=plan.state)
        store.delete(plan_id)
    except PlanError as exc:
        status, msg = _err(exc, lang_of(request))
        return _overview(request, access, plan_id, status, error=msg)
    _audit(request, access, "plan.delete", plan_id, name=plan.name)
    return RedirectResponse(f"/w/{ws}/plans?ok=deleted", status_code=303)


# -- the edit form --------------------------------------------------------------------------------
def _edit_page(
    request: Request,
    access: Access,
    plan: Plan,
    form: dict[str, Any],
    status: int = 200,
    error: str | None = None,
) -> Response:
    from socialops.listen.topics import list_topics
    from socialops.plan.channels import load_channels

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


def _fields(form: Any) -> dict[str, list[str]]:
    return {k: [v for v in form.getlist(k) if isinstance(v, str)] for k in form}


@router.post("/w/{ws}/plans/{plan_id}/edit", response_class=HTMLResponse)
async def save_plan(request: Request, ws: Slug, plan_id: str) -> Response:
    """Save the edit form: one whole, validated save at the version the form was read at."""
    async with request.form(max_files=0, max_fields=MAX_FORM_FIELDS) as form:
        fields = _fields(form)
    return await run_in_threadpool(_save_plan, request, ws, plan_id, fields)


def _check_approvers(request: Request, ws: str, doc: dict[str, Any]) -> None:
    from socialops.web.permissions import allowed

    roles = {m.user.email: m.role for m in _accounts(request).members(ws)}
    for who in doc["approvers"]:
        if not allowed(roles.get(who), "plans.approve"):
            raise FormError("approver", who=who)


def _fill_baselines(ws: Any, old: Plan, doc: dict[str, Any]) -> None:
    """A baseline from the workspace's history for the KPI targets the form added."""
    from socialops.plan.actuals import baseline

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
    from socialops.plan.service import update_plan

    access = _form(request, ws, "plans.edit", (fields.get("csrf") or [""])[0])
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
        saved = update_plan(
            _ws(request, access),
            plan_id,
            doc,
            base_version=int(version_text),
            actor=access.user.email,
        )
    except (PlanError, FormError) as exc:
        status, msg = _err(exc, lang)
        shown = replace(plan, version=int(version_text)) if version_text.isdigit() else plan
        return _edit_page(request, access, shown, form, status, msg)
    _audit(request, access, "plan.edit", plan_id, version=saved.version)
    return _back(ws, f"/{plan_id}", "saved")


# -- the calendar ---------------------------------------------------------------------------------
def _calendar_page(
    request: Request,
    access: Access,
    plan: Plan,
    view: str,
    day: date,
    status: int = 200,
    **ctx: Any,
) -> Response:
    from socialops.plan.calendar import calendar_warnings, month_view, week_view
    from socialops.plan.channels import load_channels, text_limit

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
        **ctx,
    )


def _tracked_link(plan: Plan, item_id: str) -> str:
    """The stored item's link with the plan's UTM tags (what to post), or ``""``."""
    from socialops.plan.utm import item_link

    stored = next((i for i in plan.calendar if item_id and i.item_id == item_id), None)
    if stored is None:
        return ""
    try:
        return item_link(plan, stored)
    except PlanError:
        return ""


def _day_of(plan: Plan, text: str) -> date:
    from socialops.plan.service import parse_day

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
    from socialops.plan.service import update_plan

    access = _form(request, ws, "plans.edit", (fields.get("csrf") or [""])[0])
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
        saved = update_plan(
            _ws(request, access),
            plan_id,
            doc,
            base_version=int(version_text),
            actor=access.user.email,
        )
    except (PlanError, FormError) as exc:
        status, msg = _err(exc, lang)
        try:
            day = date.fromisoformat(form["date"])
        except ValueError:
            day = plan.start
        shown = replace(plan, version=int(version_text)) if version_text.isdigit() else plan
        return _calendar_page(request, access, shown, view, day, status, error=msg, item=form)
    _audit(
        request,
        access,
        "plan.item_delete" if delete else "plan.item_save",
        plan_id,
        item=form["item_id"] or "new",
        title=form["title"],
        version=saved.version,
    )
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


# -- downloads ------------------------------------------------------------------------------------
@router.get("/w/{ws}/plans/{plan_id}/export.{fmt}")
def download(
    request: Request,
    ws: Slug,
    plan_id: str,
    fmt: str,
    lang: Annotated[str, Query(max_length=4)] = "",
) -> Response:
    """The plan as HTML, PDF, ICS, XLSX or JSON, in ``lang`` (default: the user's)."""
    access = _view(request, ws, "view")
    if access is None:
        return _to_login()
    _check_plan_id(plan_id)
    plan = _store(request, access).get(plan_id)
    doc_lang = lang if lang in ("ko", "en") else lang_of(request)
    return export_response(_ws(request, access), plan, fmt, doc_lang)

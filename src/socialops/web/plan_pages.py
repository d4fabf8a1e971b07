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

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from socialops.domain.channels import WORKSPACE_FILE, load_channels
from socialops.domain.plan import CHANNEL_ROLES, Plan
from socialops.errors import SocialopsError
from socialops.i18n import t
from socialops.listen.topics import list_topics
from socialops.measure.metrics import recent_imports
from socialops.measure.presets import preset_list
from socialops.plan.actuals import plan_vs_actual
from socialops.plan.messages import PlanError
from socialops.plan.sanity import target_checks
from socialops.plan.service import parse_day
from socialops.plan.target_segments import target_segments
from socialops.plan.templates import list_templates
from socialops.plan.utm import build_link
from socialops.plan.workflow import TRANSITIONS, available_actions
from socialops.publish.plan_posts import published_for_plan, totals
from socialops.web import plan_calendar_pages, plan_edit_pages
from socialops.web.actions import plans as actions
from socialops.web.actions.plans import RECOMMENDED_TOP
from socialops.web.auth import Access, lang_of
from socialops.web.auth import services_of as _services
from socialops.web.pages.common import Slug, form_actor
from socialops.web.pages.common import to_login as _to_login
from socialops.web.pages.common import view_access as _view
from socialops.web.pages.measure import plan_effect_view
from socialops.web.plan_forms import FormError, _opt_int
from socialops.web.plan_http import (
    EXPORT_TYPES,
    export_response,
    recommendation_of,
)
from socialops.web.plan_page_common import back as _back
from socialops.web.plan_page_common import check_plan_id as _check_plan_id
from socialops.web.plan_page_common import done_of as _done
from socialops.web.plan_page_common import kpi_library as _kpi_library
from socialops.web.plan_page_common import plan_page as _ppage
from socialops.web.plan_page_common import plan_store as _store
from socialops.web.plan_page_common import refusal as _err
from socialops.web.plan_page_common import workspace_of as _ws
from socialops.web.responses import error_text

__all__ = ["RECOMMENDED_TOP", "router"]

router = APIRouter(include_in_schema=False)

RECENT_METRIC_IMPORTS = 5  # shown under the KPI table


# -- the list -------------------------------------------------------------------------------------
def plan_topics(brand: str, competitors: list[str], topics: list[str]) -> list[str]:
    """A new plan's topics: our brand first, then its competitors (the brand left out of them);
    without a brand, ``topics`` as given."""
    if not brand.strip():
        return list(dict.fromkeys(topics + competitors))
    return list(dict.fromkeys([brand.strip(), *competitors]))


def _list_page(request: Request, access: Access, status: int = 200, **ctx: Any) -> Response:
    lang = lang_of(request)
    ctx.setdefault("error", None)
    ctx.setdefault(
        "form",
        {
            "template": "",
            "name": "",
            "start": "",
            "end": "",
            "budget": "",
            "topics": [],
            "brand": "",
            "competitors": [],
        },
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
    brand: Annotated[str, Form(max_length=100)] = "",
    competitors: Annotated[list[str] | None, Form(max_length=50)] = None,
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """A new draft plan from a template. Its topics are our brand (``brand``: the one its
    listening KPIs measure) and its ``competitors``, chosen apart, so the brand is never just
    the first topic of a multiple choice (``topics``, in that order, is still read when the
    form has no brand field)."""
    actor = form_actor(request, csrf)
    access = actor.access(ws, actions.EDIT)
    lang = lang_of(request)
    rivals = [x for x in (competitors or []) if x]
    chosen = plan_topics(brand, rivals, [x for x in (topics or []) if x])
    form = {
        "template": template,
        "name": name,
        "start": start,
        "end": end,
        "budget": budget,
        "topics": chosen,
        "brand": brand,
        "competitors": rivals,
    }
    try:
        if not name.strip():
            raise PlanError("plan.required", field="name")
        if rivals and not brand.strip():
            raise PlanError("plan.brand_missing")
        plan = actions.create_from_template(
            actor,
            ws,
            template,
            name=name.strip(),
            start=parse_day(start, "start"),
            end=parse_day(end, "end"),
            budget_krw=_opt_int(budget, "budget"),
            topics=chosen or None,
        )
    except (PlanError, FormError) as exc:
        status, msg = _err(exc, lang)
        return _list_page(request, access, status, error=msg, form=form)
    except SocialopsError as exc:  # an unknown topic
        return _list_page(request, access, 400, error=error_text(exc, lang), form=form)
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


def _actual_rows(ws: Any, plan: Plan, lang: str) -> tuple[dict[str, Any] | None, str | None]:
    try:
        result = plan_vs_actual(ws, plan)
    except SocialopsError as exc:
        return None, error_text(exc, lang)
    return {"as_of": result.as_of, "elapsed": result.elapsed, "rows": result.rows}, None


def _link(plan: Plan, url: str, channel: str, content: str, lang: str) -> dict[str, Any] | None:
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
        rec, rec_notes, rec_error = [], [], error_text(exc, lang_of(request))
    recommended = {r["channel"] for r in rec[:RECOMMENDED_TOP]}
    actuals, actuals_error = _actual_rows(ws, plan, lang_of(request))
    shown = request.query_params.get("import") if request.method == "GET" else None
    ctx.setdefault("error", None)
    ctx.setdefault("metrics_error", None)
    ctx.setdefault("metrics_form", {"preset": "post-metrics", "channel": "", "year": ""})
    can_edit = access.role is not None and plan.state == "draft"
    published = published_for_plan(ws, plan.plan_id)  # plan vs actual: what went out
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
        kpi_checks=target_checks(plan),
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
        published=published,
        published_totals=totals(published),
        target_segments={x["name"]: x for x in target_segments(ws, plan)},
        item_titles={i.item_id: i.title for i in plan.calendar},
        campaign_effect=plan_effect_view(
            request, access, plan.plan_id, plan.version, plan.start, plan.end
        ),
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
    permission = next((t.permission for t in TRANSITIONS if t.action == action), actions.EDIT)
    actor = form_actor(request, csrf)
    access = actor.access(ws, permission)
    _check_plan_id(plan_id)
    try:
        actions.move_plan(actor, ws, plan_id, action, note=note, base_version=version)
    except PlanError as exc:
        status, msg = _err(exc, lang_of(request))
        return _overview(request, access, plan_id, status, error=msg, note=note)
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
    actor = form_actor(request, csrf)
    access = actor.access(ws, actions.EDIT)
    _check_plan_id(plan_id)
    svc = _services(request)
    ws_obj = _ws(request, access)

    def recommendation(plan: Plan) -> list[dict[str, Any]]:
        key = _rec_key(svc, ws, ws_obj, plan)
        rows: list[dict[str, Any]] = svc.cached(key, lambda: recommendation_of(ws_obj, plan))[0]
        return rows

    try:
        actions.change_mix(
            actor,
            ws,
            plan_id,
            op,
            channel,
            role=role,
            reason=reason,
            base_version=version,
            lang=lang_of(request),
            recommendation=recommendation,
        )
    except (PlanError, FormError) as exc:
        status, msg = _err(exc, lang_of(request))
        return _overview(request, access, plan_id, status, error=msg)
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
    actor = form_actor(request, csrf)
    access = actor.access(ws, "data.import")
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
        done = actions.import_metrics(actor, ws, file.filename, file.file, preset, options)
    except SocialopsError as exc:
        return fail(error_text(exc, lang), 422)
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
    actor = form_actor(request, csrf)
    access = actor.access(ws, actions.EDIT)
    _check_plan_id(plan_id)
    try:
        actions.delete_plan(actor, ws, plan_id)
    except PlanError as exc:
        status, msg = _err(exc, lang_of(request))
        return _overview(request, access, plan_id, status, error=msg)
    return RedirectResponse(f"/w/{ws}/plans?ok=deleted", status_code=303)


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


# the edit form and the calendar are pages of their own modules, served by this router
router.include_router(plan_edit_pages.router)
router.include_router(plan_calendar_pages.router)

"""The Measure pages (``/w/{ws}/measure…``, issue 17): tabs for the campaign effect (a stored
outcome series or an uploaded file), promotion and creative tests with the sample-size planner,
attribution with ROI against a plan's budget, and the channel mix. Each result shows its chart,
the plain verdict and its caveats, its tables and their CSV/XLSX downloads.

The pages call :mod:`socialops.web.actions.measure` (the API's functions too). Reading needs
``measure.view``; running an analysis ``measure.run``. An analysis that cannot be made shows the
form again with the one-line reason (the error's own status: 400 for a file that does not read,
422 for data that cannot support an estimate). Results are kept in memory a while for their
downloads (:func:`~socialops.web.actions.measure_io.remember`): only their maker fetches them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, Response

from socialops.errors import SocialopsError
from socialops.i18n import has, t
from socialops.web.actions import measure as actions
from socialops.web.actions import measure_plan
from socialops.web.actions.base import Actor, actor_of
from socialops.web.actions.measure_io import (
    Analysis,
    day_of,
    number_of,
    recall,
    remember,
    remember_as,
    required_day,
)
from socialops.web.api.measure import answer
from socialops.web.auth import Access, WebError, lang_of, principal, services_of
from socialops.web.pages.common import Slug, form_access, to_login, view_access, workspace_page
from socialops.web.responses import error_text

__all__ = ["TABS", "plan_effect_view", "result_view", "router"]

router = APIRouter(include_in_schema=False)
TABS = ("effect", "tests", "attribution", "mix")
TAB_PATH = {"effect": "", "tests": "/tests", "attribution": "/attribution", "mix": "/mix"}
Text = Annotated[str, Form(max_length=200)]
Long = Annotated[str, Form(max_length=4000)]
Csrf = Annotated[str, Form(max_length=200)]
MaybeFile = Annotated[UploadFile | None, File()]


def result_view(ws: str, analysis: Analysis, lang: str) -> dict[str, Any]:
    """What the result block shows: the analysis, its tables with headers in ``lang``, and the
    download links of its kept copy."""
    base = f"/w/{ws}/measure/results/{analysis.token}"
    return {
        "a": analysis,
        "tables": [
            {
                "key": tb.key,
                "title": t(f"mweb.table.{tb.key}", lang) if has(f"mweb.table.{tb.key}") else tb.key,
                "headers": tb.headers(lang),
                "numeric": [isinstance(v, int | float) for v in (tb.rows[0] if tb.rows else [])],
                "rows": tb.rows[:200],
                "total": len(tb.rows),
            }
            for tb in analysis.tables
        ],
        "downloads": {
            "csv": [f"{base}?format=csv&table={i}" for i in range(len(analysis.tables))],
            "xlsx": f"{base}?format=xlsx",
        }
        if analysis.token
        else None,
    }


def plan_effect_view(
    request: Request, access: Access, plan_id: str, version: int, start: Any, end: Any
) -> dict[str, Any] | None:
    """The campaign's effect for a plan's page when the workspace has outcome data covering its
    period (``None`` otherwise): ``{"metric", "result"}`` (its downloads kept for the reader)
    or ``{"metric", "error"}``. Cached per plan version, outcome data and language: an
    estimate takes a second or more."""
    db = services_of(request).workspace(access.workspace)
    lang = lang_of(request)
    key = ["plan-effect", access.workspace, plan_id, version, measure_plan.outcomes_stamp(db), lang]
    found = services_of(request).cached(key, lambda: measure_plan.plan_effect(db, start, end, lang))
    if found is None or "analysis" not in found:
        return found
    analysis = found["analysis"]
    if not analysis.token:
        remember(access.workspace, access.user.id, analysis)
    else:  # cached: this reader may fetch its downloads too
        remember_as(access.workspace, access.user.id, analysis)
    return {"metric": found["metric"], "result": result_view(access.workspace, analysis, lang)}


def _page(
    request: Request, access: Access, tab: str, status: int = 200, **ctx: Any
) -> HTMLResponse:
    ctx.setdefault("result", None)
    ctx.setdefault("error", None)
    ctx.setdefault("form", {})
    lang = lang_of(request)
    if tab == "effect":
        try:
            ctx["outcomes"] = actions.outcomes(_actor_of(request), access.workspace)
        except SocialopsError as exc:
            ctx["outcomes"], ctx["outcomes_error"] = [], error_text(exc, lang)
        try:
            ctx["effect_topics"] = actions.effect_topics(_actor_of(request), access.workspace)
        except SocialopsError:
            ctx["effect_topics"] = []
    if tab == "attribution":
        ctx["plans"] = _plans(request, access)
    return workspace_page(
        request,
        access,
        f"measure_{tab}.html",
        "measure",
        status=status,
        tab=tab,
        tabs=[(k, f"/w/{access.workspace}/measure{TAB_PATH[k]}") for k in TABS],
        **ctx,
    )


def _actor_of(request: Request) -> Actor:
    """The signed-in reader of a page as the actor of what it asks (the page checked them)."""
    p = principal(request)
    if p is None:
        raise WebError(401, "unauthenticated")
    return actor_of(request, p)


def _plans(request: Request, access: Access) -> list[dict[str, str]]:
    try:
        return measure_plan.plans(_actor_of(request), access.workspace)
    except SocialopsError:
        return []


def _run(
    request: Request, access: Access, tab: str, form: dict[str, Any], make: Callable[[], Analysis]
) -> HTMLResponse:
    """Run ``make`` and show its result on ``tab``, or the form again with the reason."""
    lang = lang_of(request)
    try:
        analysis = make()
    except SocialopsError as exc:
        return _page(request, access, tab, exc.http_status, form=form, error=error_text(exc, lang))
    remember(access.workspace, access.user.id, analysis)
    return _page(
        request, access, tab, form=form, result=result_view(access.workspace, analysis, lang)
    )


# -- the effect --------------------------------------------------------------------------------
@router.get("/w/{ws}/measure", response_class=HTMLResponse)
def effect_page(request: Request, ws: Slug) -> Response:
    access = view_access(request, ws, "measure.view")
    if access is None:
        return to_login()
    return _page(request, access, "effect")


@router.post("/w/{ws}/measure/effect", response_class=HTMLResponse)
def run_effect(
    request: Request,
    ws: Slug,
    csrf: Csrf = "",
    source: Annotated[Literal["stored", "file"], Form()] = "stored",
    metric: Text = "",
    dimension: Text = "",
    controls: Long = "",
    start: Text = "",
    end: Text = "",
    pre_start: Text = "",
    date_col: Text = "",
    value_col: Text = "",
    control_cols: Long = "",
    file: MaybeFile = None,
    control_topics: Annotated[list[str] | None, Form(max_length=200)] = None,
) -> Response:
    access = form_access(request, ws, "measure.run", csrf)
    actor = _actor_of(request)
    lang = lang_of(request)
    form: dict[str, Any] = {
        k: v for k, v in locals().items() if isinstance(v, str) and k not in ("csrf", "ws", "lang")
    }
    form["control_topics"] = list(control_topics or [])[:20]

    def make() -> Analysis:
        first, last = required_day(start, "start"), required_day(end, "end")
        before = day_of(pre_start, "pre_start")
        if source == "file":
            return actions.effect_upload(
                actor,
                ws,
                lang,
                file.filename if file else None,
                file.file if file else None,
                date_col=date_col,
                value_col=value_col,
                control_cols=control_cols,
                start=first,
                end=last,
                pre_start=before,
            )
        names = [c.strip() for c in controls.split(",") if c.strip()]
        return actions.effect(
            actor,
            ws,
            lang,
            metric=metric,
            dimension=dimension.strip(),
            controls=names,
            start=first,
            end=last,
            pre_start=before,
            control_topics=form["control_topics"],
        )

    return _run(request, access, "effect", form, make)


# -- tests and the planner ---------------------------------------------------------------------
@router.get("/w/{ws}/measure/tests", response_class=HTMLResponse)
def tests_page(request: Request, ws: Slug) -> Response:
    access = view_access(request, ws, "measure.view")
    if access is None:
        return to_login()
    return _page(request, access, "tests")


@router.post("/w/{ws}/measure/abtest", response_class=HTMLResponse)
def run_abtest(
    request: Request,
    ws: Slug,
    csrf: Csrf = "",
    group_col: Text = "",
    metric_col: Text = "",
    kind: Annotated[Literal["", "mean", "rate"], Form()] = "",
    file: MaybeFile = None,
) -> Response:
    access = form_access(request, ws, "measure.run", csrf)
    actor, lang = _actor_of(request), lang_of(request)
    form = {"group_col": group_col, "metric_col": metric_col, "kind": kind}
    return _run(
        request,
        access,
        "tests",
        form,
        lambda: actions.abtest_upload(
            actor,
            ws,
            lang,
            file.filename if file else None,
            file.file if file else None,
            group_col=group_col,
            metric_col=metric_col,
            kind=kind or None,
        ),
    )


@router.post("/w/{ws}/measure/power", response_class=HTMLResponse)
def run_power(
    request: Request,
    ws: Slug,
    csrf: Csrf = "",
    baseline: Text = "",
    lift: Text = "",
    kind: Annotated[Literal["rate", "mean"], Form()] = "rate",
    sd: Text = "",
    daily: Text = "",
    groups: Text = "2",
) -> Response:
    access = form_access(request, ws, "measure.view", csrf)
    actor, lang = _actor_of(request), lang_of(request)
    form = {
        "baseline": baseline,
        "lift": lift,
        "kind": kind,
        "sd": sd,
        "daily": daily,
        "groups": groups,
    }

    def make() -> Analysis:
        return actions.power(
            actor,
            ws,
            lang,
            baseline=number_of(baseline, "baseline", required=True) or 0.0,
            lift=number_of(lift, "lift", required=True) or 0.0,
            kind=kind,
            sd=number_of(sd, "sd"),
            daily=number_of(daily, "daily"),
            groups=int(number_of(groups, "groups") or 2),
        )

    return _run(request, access, "tests", {"power": form}, make)


# -- attribution (a GET form: nothing changes) -------------------------------------------------
@router.get("/w/{ws}/measure/attribution", response_class=HTMLResponse)
def attribution_page(
    request: Request,
    ws: Slug,
    date_from: Annotated[str, Query(alias="from", max_length=10)] = "",
    date_to: Annotated[str, Query(alias="to", max_length=10)] = "",
    campaign: Annotated[str, Query(max_length=200)] = "",
    plan: Annotated[str, Query(max_length=80)] = "",
    run: Annotated[str, Query(max_length=1)] = "",
) -> Response:
    access = view_access(request, ws, "measure.view")
    if access is None:
        return to_login()
    form = {"from": date_from, "to": date_to, "campaign": campaign, "plan": plan}
    if not run:
        return _page(request, access, "attribution", form=form)
    actor, lang = _actor_of(request), lang_of(request)

    def make() -> Analysis:
        lines = measure_plan.plan_budget(actor, ws, plan or None)
        return actions.attribution(
            actor,
            ws,
            lang,
            date_from=day_of(date_from, "from"),
            date_to=day_of(date_to, "to"),
            campaign=campaign or None,
            budget_lines=lines,
        )

    return _run(request, access, "attribution", form, make)


# -- the mix -----------------------------------------------------------------------------------
@router.get("/w/{ws}/measure/mix", response_class=HTMLResponse)
def mix_page(request: Request, ws: Slug) -> Response:
    access = view_access(request, ws, "measure.view")
    if access is None:
        return to_login()
    return _page(request, access, "mix")


@router.post("/w/{ws}/measure/mix", response_class=HTMLResponse)
def run_mix(
    request: Request,
    ws: Slug,
    csrf: Csrf = "",
    date_col: Text = "",
    value_col: Text = "",
    spend_cols: Long = "",
    file: MaybeFile = None,
) -> Response:
    access = form_access(request, ws, "measure.run", csrf)
    actor, lang = _actor_of(request), lang_of(request)
    form = {"date_col": date_col, "value_col": value_col, "spend_cols": spend_cols}
    return _run(
        request,
        access,
        "mix",
        form,
        lambda: actions.mix_upload(
            actor,
            ws,
            lang,
            file.filename if file else None,
            file.file if file else None,
            date_col=date_col,
            value_col=value_col,
            spend_cols=spend_cols,
        ),
    )


# -- downloads of a kept result ----------------------------------------------------------------
@router.get("/w/{ws}/measure/results/{token}")
def download(
    request: Request,
    ws: Slug,
    token: Annotated[str, PathParam(max_length=40, pattern=r"^[A-Za-z0-9_-]+$")],
    format: Annotated[Literal["csv", "xlsx"], Query()] = "csv",
    table: Annotated[int, Query(ge=0, le=9)] = 0,
) -> Response:
    """A kept result's table as CSV (UTF-8 with a BOM) or every table as XLSX; only its maker
    fetches it (404 otherwise, or once the server has let it go)."""
    access = view_access(request, ws, "measure.view")
    if access is None:
        return to_login()
    analysis = recall(ws, access.user.id, token)
    return answer(request, analysis, format, table)

"""The Segments pages (``/w/{ws}/segments…``, issue 17): the saved segments with their size and
kind, a segment's page (its first customers, the audience-file form), RFM segments from
transactions, response by attribute, the targeting model (train, score, save the high scorers)
and the history of audience exports.

The pages call :mod:`socialops.web.actions.segments` (the API's functions too). Reading needs
``measure.view``; building, saving and deleting ``segments.manage``; an audience file
``audience.export`` (owners and managers: the form is shown only to them, and the action checks
again). Results show their chart, caveats, tables and CSV/XLSX downloads as the Measure pages'."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from socialops.errors import SocialopsError
from socialops.web.actions import segments as actions
from socialops.web.actions.measure_io import Analysis, number_of, remember
from socialops.web.api.segments import audience_response
from socialops.web.auth import Access, lang_of
from socialops.web.pages.common import (
    Slug,
    form_access,
    form_actor,
    to_login,
    view_access,
    workspace_page,
)
from socialops.web.pages.measure import _actor_of, result_view
from socialops.web.responses import error_text

__all__ = ["TABS", "router"]

router = APIRouter(include_in_schema=False)
TABS = ("saved", "rfm", "attributes", "model", "exports")
TAB_PATH = {"saved": "", "rfm": "/rfm", "attributes": "/attributes", "model": "/model",
            "exports": "/exports"}  # fmt: skip
DONE = ("deleted", "saved", "trained")
Text = Annotated[str, Form(max_length=200)]
Csrf = Annotated[str, Form(max_length=200)]
MaybeFile = Annotated[UploadFile | None, File()]
PRESETS = ("", "cdnow")


def _page(
    request: Request, access: Access, tab: str, template: str = "", status: int = 200, **ctx: Any
) -> HTMLResponse:
    ctx.setdefault("result", None)
    ctx.setdefault("error", None)
    ctx.setdefault("form", {})
    done = request.query_params.get("done") if request.method == "GET" else None
    return workspace_page(
        request,
        access,
        template or f"segments_{tab}.html",
        "segments",
        status=status,
        tab=tab,
        tabs=[(k, f"/w/{access.workspace}/segments{TAB_PATH[k]}") for k in TABS],
        done=done if done in DONE else None,
        formats=actions.FORMATS,
        **ctx,
    )


def _listed(request: Request, access: Access, what: Callable[..., Any]) -> tuple[Any, str | None]:
    """A list for the page, or an empty one and the reason (the module missing…)."""
    try:
        return what(_actor_of(request), access.workspace), None
    except SocialopsError as exc:
        return [], error_text(exc, lang_of(request))


def _run(
    request: Request, access: Access, tab: str, form: dict[str, Any], make: Callable[[], Analysis]
) -> HTMLResponse:
    lang = lang_of(request)
    extra: dict[str, Any] = {}
    if tab == "model":
        extra["models"], extra["models_error"] = _listed(request, access, actions.models)
    try:
        analysis = make()
    except SocialopsError as exc:
        err = error_text(exc, lang)
        return _page(request, access, tab, status=exc.http_status, form=form, error=err, **extra)
    remember(access.workspace, access.user.id, analysis)
    if tab == "model":  # a model just trained is in the list now
        extra["models"], extra["models_error"] = _listed(request, access, actions.models)
    view = result_view(access.workspace, analysis, lang)
    return _page(request, access, tab, form=form, result=view, **extra)


# -- saved segments ----------------------------------------------------------------------------
@router.get("/w/{ws}/segments", response_class=HTMLResponse)
def segments_page(request: Request, ws: Slug) -> Response:
    access = view_access(request, ws, "measure.view")
    if access is None:
        return to_login()
    found, error = _listed(request, access, actions.segments)
    return _page(request, access, "saved", segments=found, list_error=error)


@router.get("/w/{ws}/segments/view", response_class=HTMLResponse)
def segment_page(
    request: Request, ws: Slug, name: Annotated[str, Query(min_length=1, max_length=200)]
) -> Response:
    access = view_access(request, ws, "measure.view")
    if access is None:
        return to_login()
    info, members = actions.segment(_actor_of(request), ws, name)
    return _page(request, access, "saved", "segments_view.html", info=info, members=members)


@router.post("/w/{ws}/segments/delete")
def delete_segment(
    request: Request,
    ws: Slug,
    name: Annotated[str, Form(min_length=1, max_length=200)],
    csrf: Csrf = "",
) -> Response:
    actions.delete(form_actor(request, csrf), ws, name)
    return RedirectResponse(f"/w/{ws}/segments?done=deleted", status_code=303)


@router.post("/w/{ws}/segments/audience")
def export_audience(
    request: Request,
    ws: Slug,
    name: Annotated[str, Form(min_length=1, max_length=200)],
    format: Annotated[Literal["meta", "google", "kakao-moment", "naver-gfa"], Form()],
    csrf: Csrf = "",
) -> Response:
    """The audience file as a download (the export recorded with the caller)."""
    data, file_name, record = actions.export(form_actor(request, csrf), ws, name, format)
    return audience_response(data, file_name, record)


@router.get("/w/{ws}/segments/exports", response_class=HTMLResponse)
def exports_page(request: Request, ws: Slug) -> Response:
    access = view_access(request, ws, "measure.view")
    if access is None:
        return to_login()
    found, error = _listed(request, access, actions.exports)
    return _page(request, access, "exports", exports=found, list_error=error)


# -- RFM ---------------------------------------------------------------------------------------
@router.get("/w/{ws}/segments/rfm", response_class=HTMLResponse)
def rfm_page(request: Request, ws: Slug) -> Response:
    access = view_access(request, ws, "measure.view")
    if access is None:
        return to_login()
    return _page(request, access, "rfm", presets=PRESETS)


@router.post("/w/{ws}/segments/rfm", response_class=HTMLResponse)
def run_rfm(
    request: Request,
    ws: Slug,
    csrf: Csrf = "",
    source: Annotated[Literal["file", "stored"], Form()] = "file",
    preset: Annotated[str, Form(max_length=64)] = "",
    save: Annotated[str, Form(max_length=150)] = "",
    file: MaybeFile = None,
) -> Response:
    access = form_access(request, ws, "segments.manage", csrf)
    actor, lang = _actor_of(request), lang_of(request)
    form = {"preset": preset, "save": save, "source": source}

    def make() -> Analysis:
        if source == "stored":
            return actions.rfm_stored(actor, ws, lang, save=save)
        return actions.rfm_upload(
            actor,
            ws,
            lang,
            file.filename if file else None,
            file.file if file else None,
            preset=preset or None,
            save=save,
        )

    return _run(request, access, "rfm", form, make)


# -- attributes ----------------------------------------------------------------------------------
@router.get("/w/{ws}/segments/attributes", response_class=HTMLResponse)
def attributes_page(request: Request, ws: Slug) -> Response:
    access = view_access(request, ws, "measure.view")
    if access is None:
        return to_login()
    return _page(request, access, "attributes")


@router.post("/w/{ws}/segments/attributes", response_class=HTMLResponse)
def run_attributes(
    request: Request,
    ws: Slug,
    csrf: Csrf = "",
    target: Text = "",
    positive: Text = "",
    columns: Annotated[str, Form(max_length=4000)] = "",
    file: MaybeFile = None,
) -> Response:
    access = form_access(request, ws, "segments.manage", csrf)
    actor, lang = _actor_of(request), lang_of(request)
    form = {"target": target, "positive": positive, "columns": columns}
    return _run(
        request,
        access,
        "attributes",
        form,
        lambda: actions.attributes_upload(
            actor,
            ws,
            lang,
            file.filename if file else None,
            file.file if file else None,
            target=target,
            positive=positive or None,
            columns=columns,
        ),
    )


# -- the targeting model -----------------------------------------------------------------------
@router.get("/w/{ws}/segments/model", response_class=HTMLResponse)
def model_page(request: Request, ws: Slug) -> Response:
    access = view_access(request, ws, "measure.view")
    if access is None:
        return to_login()
    found, error = _listed(request, access, actions.models)
    return _page(request, access, "model", models=found, models_error=error)


@router.post("/w/{ws}/segments/model/train", response_class=HTMLResponse)
def train_model(
    request: Request,
    ws: Slug,
    csrf: Csrf = "",
    target: Text = "",
    positive: Text = "",
    name: Annotated[str, Form(max_length=100)] = "",
    file: MaybeFile = None,
) -> Response:
    access = form_access(request, ws, "segments.manage", csrf)
    actor, lang = _actor_of(request), lang_of(request)
    form = {"target": target, "positive": positive, "name": name}
    return _run(
        request,
        access,
        "model",
        form,
        lambda: actions.train_upload(
            actor,
            ws,
            lang,
            file.filename if file else None,
            file.file if file else None,
            target=target,
            positive=positive or None,
            name=name or None,
        ),
    )


@router.post("/w/{ws}/segments/model/score", response_class=HTMLResponse)
def score_file(
    request: Request,
    ws: Slug,
    csrf: Csrf = "",
    model: Annotated[str, Form(max_length=100)] = "",
    save_as: Annotated[str, Form(max_length=150)] = "",
    min_score: Annotated[str, Form(max_length=20)] = "0.5",
    id_col: Annotated[str, Form(max_length=200)] = "customer_id",
    file: MaybeFile = None,
) -> Response:
    access = form_access(request, ws, "segments.manage", csrf)
    actor, lang = _actor_of(request), lang_of(request)
    form = {"model": model, "save_as": save_as, "min_score": min_score, "id_col": id_col}
    return _run(
        request,
        access,
        "model",
        {"score": form},
        lambda: actions.score_upload(
            actor,
            ws,
            lang,
            file.filename if file else None,
            file.file if file else None,
            model=model,
            save_as=save_as.strip(),
            min_score=number_of(min_score, "min_score"),
            id_col=id_col.strip() or "customer_id",
        ),
    )


def segment_href(ws: str, name: str) -> str:
    return f"/w/{ws}/segments/view?name={quote(name, safe='')}"

"""The owners' personal-data page (``/w/{ws}/privacy``, ``privacy.requests``): find a person by
contact id or channel handle and see the rows each place holds, download a copy (ZIP), erase
everything after a confirmation (a tick and the subject typed again), the retention rules and
the recent requests. Every form carries the session's CSRF token; the work is
:mod:`socialops.web.actions.privacy`, which the API calls too."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from socialops.engage.privacy import PLACES
from socialops.engage.retention import KINDS
from socialops.errors import SocialopsError
from socialops.i18n import t
from socialops.web.actions import privacy as actions
from socialops.web.actions.base import actor_of
from socialops.web.auth import Access, lang_of
from socialops.web.pages.common import Slug, form_actor, to_login, view_access, workspace_page
from socialops.web.responses import error_text

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
PAGE = "/w/{ws}/privacy"
BY = ("contact", "handle")


def _ask(by: str, value: str) -> tuple[str | None, str | None]:
    value = value.strip()
    return (value or None, None) if by == "contact" else (None, value or None)


def _page(request: Request, access: Access, status: int = 200, **ctx: Any) -> Response:
    actor = actor_of(request, access.principal)
    ws = access.workspace
    lang = lang_of(request)
    q = request.query_params
    ctx.setdefault("error", None)
    ctx.setdefault("found", None)
    ctx.setdefault("message", None)
    ctx.setdefault("form", {"by": "handle", "value": ""})
    if request.method == "GET" and q.get("done") == "saved":
        ctx["message"] = t("privacyweb.saved", lang)
    return workspace_page(
        request,
        access,
        "privacy.html",
        "settings",
        status=status,
        places=PLACES,
        kinds=KINDS,
        rules=actions.retention_rules(actor, ws),
        log=actions.log(actor, ws),
        **ctx,
    )


@router.get(PAGE, response_class=HTMLResponse)
def privacy_page(request: Request, ws: Slug, by: str = "handle", value: str = "") -> Response:
    access = view_access(request, ws, actions.ACTION)
    if access is None:
        return to_login()
    by = by if by in BY else "handle"
    value = value[:220]
    form = {"by": by, "value": value}
    if not value.strip():
        return _page(request, access, form=form)
    actor = actor_of(request, access.principal)
    try:
        found = actions.find(actor, ws, *_ask(by, value))
    except SocialopsError as exc:
        msg = error_text(exc, lang_of(request), "privacyweb.failed")
        return _page(request, access, exc.http_status, error=msg, form=form)
    return _page(request, access, found=found, form=form)


@router.post(PAGE + "/export")
def privacy_export(
    request: Request,
    ws: Slug,
    by: Annotated[str, Form(max_length=10)] = "handle",
    value: Annotated[str, Form(max_length=220)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    actor = form_actor(request, csrf)
    access = actor.access(ws, actions.ACTION)
    try:
        data = actions.export_zip(actor, ws, *_ask(by, value))
    except SocialopsError as exc:
        msg = error_text(exc, lang_of(request), "privacyweb.failed")
        form = {"by": by, "value": value}
        return _page(request, access, exc.http_status, error=msg, form=form)
    return Response(
        data,
        media_type="application/zip",
        headers={"Content-Disposition": 'attachment; filename="personal-data.zip"'},
    )


@router.post(PAGE + "/erase", response_class=HTMLResponse)
def privacy_erase(
    request: Request,
    ws: Slug,
    by: Annotated[str, Form(max_length=10)] = "handle",
    value: Annotated[str, Form(max_length=220)] = "",
    confirm: Annotated[str, Form(max_length=5)] = "",
    again: Annotated[str, Form(max_length=220)] = "",
    dry_run: Annotated[str, Form(max_length=5)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    actor = form_actor(request, csrf)
    access = actor.access(ws, actions.ACTION)
    lang = lang_of(request)
    form = {"by": by, "value": value}
    dry = dry_run == "1"
    if not dry and (confirm != "1" or again.strip() != value.strip() or not value.strip()):
        msg = t("privacy.confirm_needed", lang, subject=value.strip())
        return _page(request, access, 400, error=msg, form=form)
    try:
        found = actions.erase(actor, ws, *_ask(by, value), dry_run=dry)
    except SocialopsError as exc:
        msg = error_text(exc, lang, "privacyweb.failed")
        return _page(request, access, exc.http_status, error=msg, form=form)
    key = "privacyweb.would_erase" if dry else "privacyweb.erased"
    return _page(
        request, access, found=found if dry else None, form=form,
        message=t(key, lang, total=f"{found.total:,}"),
    )  # fmt: skip


@router.post(PAGE + "/retention", response_class=HTMLResponse)
async def privacy_retention(request: Request, ws: Slug) -> Response:
    form = await request.form()
    actor = form_actor(request, str(form.get("csrf") or "")[:200])
    access = actor.access(ws, actions.ACTION)
    lang = lang_of(request)
    try:
        for kind in KINDS:
            raw = str(form.get(f"days_{kind}") or "0").strip()[:6] or "0"
            days = int(raw) if raw.isdigit() else -1
            if actions.retention_rules(actor, ws).get(kind, 0) != days:
                actions.set_retention(actor, ws, kind, days)
    except SocialopsError as exc:
        return _page(request, access, 400, error=error_text(exc, lang, "privacyweb.failed"))
    return RedirectResponse(PAGE.format(ws=ws) + "?done=saved", status_code=303)


@router.post(PAGE + "/retention/apply", response_class=HTMLResponse)
def privacy_retention_apply(
    request: Request, ws: Slug, csrf: Annotated[str, Form(max_length=200)] = ""
) -> Response:
    actor = form_actor(request, csrf)
    access = actor.access(ws, actions.ACTION)
    out = actions.apply_retention(actor, ws)
    msg = t("privacyweb.applied", lang_of(request), count=sum(out.values()))
    return _page(request, access, message=msg)

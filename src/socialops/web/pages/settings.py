"""A workspace's settings (``/w/{ws}/settings``): its name, a new workspace, deleting it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from socialops.errors import AccountError
from socialops.i18n import t
from socialops.web.accounts import MAIN
from socialops.web.actions import workspaces as actions
from socialops.web.auth import Access, lang_of, services_of
from socialops.web.auth import accounts_of as _accounts
from socialops.web.pages.common import Slug, back, form_actor, to_login, view_access, workspace_page
from socialops.web.permissions import allowed
from socialops.web.responses import error_text

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _settings_page(
    request: Request, access: Access, status: int = 200, error: str | None = None
) -> Response:
    svc = services_of(request)
    ws = access.workspace
    return workspace_page(
        request,
        access,
        "settings.html",
        "settings",
        status=status,
        error=error,
        zone=svc.workspace(ws).zone(),
        folder=str(_accounts(request).workspace_dir(ws)),
        can_create=allowed(_accounts(request).role_of(access.user.id, MAIN), "members.manage"),
        require_two_factor=_accounts(request).requires_two_factor(ws),  # issue 18
    )


@router.get("/w/{ws}/settings", response_class=HTMLResponse)
def settings_page(request: Request, ws: Slug) -> Response:
    access = view_access(request, ws, "view")
    if access is None:
        return to_login()
    return _settings_page(request, access)


@router.post("/w/{ws}/settings", response_class=HTMLResponse)
def save_settings(
    request: Request,
    ws: Slug,
    name: Annotated[str, Form(max_length=100)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    actor = form_actor(request, csrf)
    access = actor.access(ws, "settings.edit")
    try:
        actions.rename_workspace(actor, ws, name)
    except AccountError as exc:
        msg = error_text(exc, lang_of(request))
        return _settings_page(request, access, 400, msg)
    return back(ws, "settings", "settings_saved")


@router.post("/w/{ws}/settings/new", response_class=HTMLResponse)
def new_workspace(
    request: Request,
    ws: Slug,
    slug: Annotated[str, Form(max_length=40)] = "",
    name: Annotated[str, Form(max_length=100)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    actor = form_actor(request, csrf)
    access = actor.access(ws, "view")
    actor.access(MAIN, "members.manage")
    try:
        actions.create_workspace(actor, slug.strip(), name or slug)
    except AccountError as exc:
        msg = error_text(exc, lang_of(request))
        return _settings_page(request, access, 400, msg)
    return RedirectResponse(f"/w/{slug.strip()}", status_code=303)


@router.post("/w/{ws}/settings/delete", response_class=HTMLResponse)
def delete_workspace(
    request: Request, ws: Slug, csrf: Annotated[str, Form(max_length=200)] = ""
) -> Response:
    actor = form_actor(request, csrf)
    access = actor.access(ws, "workspace.delete")
    try:
        actions.delete_workspace(actor, ws)
    except AccountError:  # main, the CLI's workspace, stays
        return _settings_page(request, access, 400, t("settings.main_kept", lang_of(request)))
    return RedirectResponse("/", status_code=303)

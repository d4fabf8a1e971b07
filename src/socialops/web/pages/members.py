"""Members and invitations of a workspace (``/w/{ws}/members``) and its audit log
(``/w/{ws}/audit``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from socialops.errors import AccountError
from socialops.i18n import has, t
from socialops.web.accounts import INVITE_DAYS, LastOwnerError
from socialops.web.actions import members as actions
from socialops.web.actions.base import Actor
from socialops.web.auth import Access, WebError, lang_of
from socialops.web.auth import accounts_of as _accounts
from socialops.web.pages.common import (
    PageNo,
    Slug,
    back,
    form_actor,
    pager,
    to_login,
    url,
    view_access,
    workspace_page,
)
from socialops.web.permissions import ROLES
from socialops.web.responses import error_text

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
AUDIT_PER_PAGE = 50
MANAGE = "members.manage"


def _members_page(request: Request, access: Access, status: int = 200, **ctx: Any) -> Response:
    ctx.setdefault("error", None)
    ctx.setdefault("form", {"email": "", "role": "viewer"})
    ctx.setdefault("new_invitation", None)
    return workspace_page(
        request,
        access,
        "members.html",
        "members",
        status=status,
        members=_accounts(request).members(access.workspace),
        invitations=_accounts(request).invitations(access.workspace),
        invite_days=INVITE_DAYS,
        roles=ROLES,
        **ctx,
    )


@router.get("/w/{ws}/members", response_class=HTMLResponse)
def members_page(request: Request, ws: Slug) -> Response:
    access = view_access(request, ws, MANAGE)
    if access is None:
        return to_login()
    return _members_page(request, access)


@router.post("/w/{ws}/invitations", response_class=HTMLResponse)
@router.post("/w/{ws}/members", response_class=HTMLResponse)
def invite_member(
    request: Request,
    ws: Slug,
    email: Annotated[str, Form(max_length=320)] = "",
    role: Annotated[str, Form(max_length=20)] = "viewer",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Invite someone: the page again with the invitation's one-time link, shown this once (it
    is never in a URL or stored); the same whether the e-mail has an account or not."""
    actor = form_actor(request, csrf)
    access = actor.access(ws, MANAGE)
    lang = lang_of(request)
    form = {"email": email, "role": role}
    try:
        token, inv = actions.invite(actor, ws, email, role)
    except WebError as exc:  # the invitation is refused (409, saying why)
        return _members_page(request, access, exc.status, error=exc.message(lang), form=form)
    except AccountError as exc:
        msg = error_text(exc, lang)
        return _members_page(request, access, 400, error=msg, form=form)
    made = {"email": inv.email, "role": inv.role, "url": actions.invite_url(request, token)}
    return _members_page(request, access, 201, new_invitation=made)


@router.post("/w/{ws}/invitations/revoke", response_class=HTMLResponse)
def revoke_invitation(
    request: Request,
    ws: Slug,
    invitation_id: Annotated[int, Form(ge=1, le=2**63 - 1)],
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    actor = form_actor(request, csrf)
    access = actor.access(ws, MANAGE)
    try:
        actions.revoke_invitation(actor, ws, invitation_id)
    except WebError:
        msg = t("error.invitation_unknown", lang_of(request))
        return _members_page(request, access, 404, error=msg)
    return back(ws, "members", "invitation_revoked")


def _member_change(
    request: Request, ws: str, csrf: str, change: Callable[[Actor], object], ok: str
) -> Response:
    """A change to a member (``change(actor)``), then back to the page with the notice ``ok``;
    refusals shown on the page: not a member (404), the last owner (409), a bad value (400)."""
    actor = form_actor(request, csrf)
    access = actor.access(ws, MANAGE)
    lang = lang_of(request)
    try:
        change(actor)
    except WebError:
        return _members_page(request, access, 404, error=t("members.not_member", lang))
    except LastOwnerError:
        return _members_page(request, access, 409, error=t("members.keep_owner", lang))
    except AccountError as exc:
        msg = error_text(exc, lang)
        return _members_page(request, access, 400, error=msg)
    return back(ws, "members", ok)


@router.post("/w/{ws}/members/role", response_class=HTMLResponse)
def set_role(
    request: Request,
    ws: Slug,
    user_id: Annotated[int, Form(ge=1)],
    role: Annotated[str, Form(max_length=20)] = "viewer",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    return _member_change(
        request,
        ws,
        csrf,
        lambda actor: actions.set_role(actor, ws, user_id, role),
        "member_changed",
    )


@router.post("/w/{ws}/members/remove", response_class=HTMLResponse)
def remove_member(
    request: Request,
    ws: Slug,
    user_id: Annotated[int, Form(ge=1)],
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    return _member_change(
        request,
        ws,
        csrf,
        lambda actor: actions.remove_member(actor, ws, user_id),
        "member_removed",
    )


def audit_action(action: str, lang: str) -> str:
    """A recorded action in words (``audit.action.<action>``); an action the catalogue does
    not know yet is shown as recorded."""
    key = f"audit.action.{action}"
    return t(key, lang) if has(key) else action


def audit_detail(detail: Any, lang: str) -> str:
    """An entry's details as ``name: value`` in words: the names from ``audit.detail.<key>``,
    a plan's state, a role and where the change came from in words; other values as
    recorded."""
    if not isinstance(detail, dict):
        return ""
    parts = []
    for k, v in detail.items():
        name = t(f"audit.detail.{k}", lang) if has(f"audit.detail.{k}") else k
        if k == "state" and has(f"plan.label.state.{v}"):
            v = t(f"plan.label.state.{v}", lang)
        elif k == "role" and has(f"role.{v}"):
            v = t(f"role.{v}", lang)
        elif k == "by" and has(f"audit.by_{v}"):  # not audit.by.cli: .cli marks a CLI hint
            v = t(f"audit.by_{v}", lang)
        elif isinstance(v, bool):
            v = t("audit.yes" if v else "audit.no", lang)
        parts.append(f"{name}: {v}")
    return ", ".join(parts)


@router.get("/w/{ws}/audit", response_class=HTMLResponse)
def audit_page(request: Request, ws: Slug, page: PageNo = 1) -> Response:
    access = view_access(request, ws, "audit.view")
    if access is None:
        return to_login()
    total, items = _accounts(request).audit_log(
        ws, limit=AUDIT_PER_PAGE, offset=(page - 1) * AUDIT_PER_PAGE
    )
    lang = lang_of(request)
    for it in items:
        it["action_text"] = audit_action(str(it.get("action") or ""), lang)
        it["detail_text"] = audit_detail(it.get("detail"), lang)
    path = f"/w/{ws}/audit"
    pages = pager(total, page, AUDIT_PER_PAGE, lambda n: url(path, {}, page=n))
    return workspace_page(request, access, "audit.html", "audit", items=items, pager=pages)

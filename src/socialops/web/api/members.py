"""Members, invitations and the audit log of a workspace
(``/api/v1/workspaces/{ws}/members``, ``…/invitations``, ``…/audit``), and accepting an
invitation (``/api/v1/invitations/{token}``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query, Request

from socialops.web.actions import members as actions
from socialops.web.api.common import (
    ERRORS,
    Done,
    InvitationCreated,
    InvitationOut,
    MemberIn,
    MemberOut,
    Page,
    PageNo,
    RoleIn,
    RowId,
    Slug,
    WorkspaceOut,
    caller,
    router,
)
from socialops.web.auth import WebError, require, require_user
from socialops.web.auth import accounts_of as _accounts
from socialops.web.explorer import paged

__all__: list[str] = []  # the routes are on socialops.web.api.common.router

InviteToken = Annotated[str, Path(min_length=1, max_length=200, description="the link's token")]


@router.get(
    "/workspaces/{ws}/members", response_model=list[MemberOut], responses=ERRORS, tags=["members"]
)
def members(request: Request, ws: Slug) -> list[dict[str, Any]]:
    require(request, ws, "view")
    return [{"user": m.user.public(), "role": m.role} for m in _accounts(request).members(ws)]


def _invite(request: Request, ws: str, body: MemberIn) -> dict[str, Any]:
    """An invitation of ``body.email``: the same answer whether that e-mail has an account or
    not (nobody joins until they accept the link)."""
    token, inv = actions.invite(caller(request), ws, body.email, body.role)
    return {**inv.public(), "token": token, "url": actions.invite_url(request, token)}


@router.post(
    "/workspaces/{ws}/members",
    response_model=InvitationCreated,
    status_code=202,
    responses=ERRORS,
    tags=["members"],
)
def add_member(request: Request, ws: Slug, body: MemberIn) -> dict[str, Any]:
    """Invite someone by e-mail (no one is added without their consent): the answer is the
    invitation and its one-time link, shown once, for the inviter to send; it is the same
    whether the e-mail has an account or not. The invitee joins when they accept it."""
    return _invite(request, ws, body)


@router.get(
    "/workspaces/{ws}/invitations",
    response_model=list[InvitationOut],
    responses=ERRORS,
    tags=["members"],
)
def invitations(request: Request, ws: Slug) -> list[dict[str, Any]]:
    """The pending invitations (not accepted, revoked or expired), newest first."""
    require(request, ws, "members.manage")
    return [inv.public() for inv in _accounts(request).invitations(ws)]


@router.post(
    "/workspaces/{ws}/invitations",
    response_model=InvitationCreated,
    status_code=201,
    responses=ERRORS,
    tags=["members"],
)
def create_invitation(request: Request, ws: Slug, body: MemberIn) -> dict[str, Any]:
    """Invite someone by e-mail (as ``POST …/members``)."""
    return _invite(request, ws, body)


@router.delete(
    "/workspaces/{ws}/invitations/{invitation_id}",
    response_model=Done,
    responses=ERRORS,
    tags=["members"],
)
def revoke_invitation(request: Request, ws: Slug, invitation_id: RowId) -> Done:
    """Withdraw a pending invitation: its link no longer works."""
    actions.revoke_invitation(caller(request), ws, invitation_id)
    return Done()


@router.get("/invitations/{token}", response_model=InvitationOut, responses=ERRORS, tags=["me"])
def invitation(request: Request, token: InviteToken) -> dict[str, Any]:
    """What an invitation link offers (workspace, role, who invited), for a signed-in caller."""
    require_user(request)
    inv = _accounts(request).invitation(token)
    if inv is None:
        raise WebError(404, "invitation_unknown")
    return inv.public()


@router.post(
    "/invitations/{token}/accept", response_model=WorkspaceOut, responses=ERRORS, tags=["me"]
)
def accept_invitation(request: Request, token: InviteToken) -> dict[str, Any]:
    """Accept an invitation addressed to the caller's e-mail: the caller joins the workspace.
    Refused when the link is unknown (404), used, revoked or expired (410), or for another
    e-mail (403)."""
    actor = caller(request)
    inv = actions.accept_invitation(actor, token)
    role = _accounts(request).role_of(actor.user.id, inv.workspace) or inv.role
    return {"slug": inv.workspace, "name": inv.workspace_name, "role": role}


@router.patch(
    "/workspaces/{ws}/members/{user_id}",
    response_model=MemberOut,
    responses=ERRORS,
    tags=["members"],
)
def set_role(request: Request, ws: Slug, user_id: RowId, body: RoleIn) -> dict[str, Any]:
    user = actions.set_role(caller(request), ws, user_id, body.role)
    return {"user": user.public(), "role": body.role}


@router.delete(
    "/workspaces/{ws}/members/{user_id}", response_model=Done, responses=ERRORS, tags=["members"]
)
def remove_member(request: Request, ws: Slug, user_id: RowId) -> Done:
    actions.remove_member(caller(request), ws, user_id)
    return Done()


@router.get("/workspaces/{ws}/audit", response_model=Page, responses=ERRORS, tags=["members"])
def audit(
    request: Request,
    ws: Slug,
    page: PageNo = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 50,
) -> dict[str, Any]:
    require(request, ws, "audit.view")
    total, items = _accounts(request).audit_log(ws, limit=per_page, offset=(page - 1) * per_page)
    return paged(items, total, page, per_page)

"""Members and invitations of a workspace (permission ``members.manage``), and accepting an
invitation (the link's token is the permission)."""

from __future__ import annotations

from fastapi import Request

from socialops.web.accounts import Accounts, Invitation, InvitationError, User
from socialops.web.actions.base import Actor
from socialops.web.auth import WebError

__all__ = [
    "accept_invitation",
    "invitation_refusal",
    "invite",
    "invite_url",
    "join_as_new_user",
    "remove_member",
    "revoke_invitation",
    "set_role",
]

MANAGE = "members.manage"


def invite_url(request: Request, token: str) -> str:
    """The link of an invitation, on the address the inviter used."""
    return f"{str(request.base_url).rstrip('/')}/invite/{token}"


def invitation_refusal(exc: InvitationError) -> WebError:
    """Why an invitation cannot be made or used, as the answer: 404 unknown, 403 for another
    e-mail, 409 an account or member exists already, 410 used, revoked or expired."""
    status = {"unknown": 404, "email": 403, "exists": 409, "member": 409}.get(exc.reason, 410)
    return WebError(status, exc.code.removeprefix("error."), **exc.params)


def invite(actor: Actor, ws: str, email: str, role: str) -> tuple[str, Invitation]:
    """A one-time invitation of ``email`` as ``role``: ``(its token, the invitation)``; the
    same whether that e-mail has an account or not (nobody joins until they accept). A
    refused invitation is a 409 saying why."""
    access = actor.access(ws, MANAGE)
    try:
        token, inv = actor.accounts.invite(ws, email, role, actor.user.id)
    except InvitationError as exc:
        raise WebError(409, exc.code.removeprefix("error."), **exc.params) from None
    actor.audit(access, "invitation.create", inv.email, role=inv.role, invitation=inv.id)
    return token, inv


def revoke_invitation(actor: Actor, ws: str, invitation_id: int) -> Invitation:
    """Withdraw a pending invitation (its link no longer works); 404 when there is none."""
    access = actor.access(ws, MANAGE)
    inv = actor.accounts.revoke_invitation(ws, invitation_id)
    if inv is None:
        raise WebError(404, "not_found")
    actor.audit(access, "invitation.revoke", inv.email, role=inv.role, invitation=inv.id)
    return inv


def _member(actor: Actor, ws: str, user_id: int) -> User:
    user = actor.accounts.user(user_id)
    if user is None or actor.accounts.role_of(user_id, ws) is None:
        raise WebError(404, "not_found")
    return user


def set_role(actor: Actor, ws: str, user_id: int, role: str) -> User:
    """Give a member another role (404 not a member; the workspace's last owner stays one:
    :class:`~socialops.web.accounts.LastOwnerError`)."""
    access = actor.access(ws, MANAGE)
    user = _member(actor, ws, user_id)
    actor.accounts.set_member(ws, user_id, role)
    actor.audit(access, "member.set", user.email, role=role)
    return user


def remove_member(actor: Actor, ws: str, user_id: int) -> User:
    """Remove a member (404 not a member; never the last owner)."""
    access = actor.access(ws, MANAGE)
    user = _member(actor, ws, user_id)
    actor.accounts.remove_member(ws, user_id)
    actor.audit(access, "member.remove", user.email)
    return user


def _audit_acceptance(accounts: Accounts, user: User, inv: Invitation, ip: str | None) -> None:
    accounts.audit(
        "invitation.accept",
        user=user,
        workspace=inv.workspace,
        target=inv.email,
        detail={"role": inv.role, "invitation": inv.id, "invited_by": inv.invited_by},
        ip=ip,
    )


def accept_invitation(actor: Actor, token: str) -> Invitation:
    """The caller accepts an invitation addressed to their e-mail and joins its workspace
    (refused as :func:`invitation_refusal` says)."""
    try:
        inv = actor.accounts.accept_invitation(token, actor.user.id)
    except InvitationError as exc:
        raise invitation_refusal(exc) from None
    _audit_acceptance(actor.accounts, actor.user, inv, actor.ip)
    return inv


def join_as_new_user(
    accounts: Accounts, token: str, password: str, *, name: str, lang: str, ip: str | None
) -> tuple[User, Invitation]:
    """Someone without an account accepts: the account (the invited e-mail, the password they
    chose under the password policy) is made and joins the workspace in one transaction. Raises
    :class:`~socialops.web.accounts.InvitationError`,
    :class:`~socialops.errors.PasswordError` or :class:`~socialops.errors.AccountError`."""
    user, inv = accounts.accept_invitation_as_new_user(token, password, name=name, lang=lang)
    accounts.audit("user.create", user=user, detail={"via": "invitation"}, ip=ip)
    _audit_acceptance(accounts, user, inv, ip)
    return user, inv

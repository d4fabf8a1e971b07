"""Invitations: nobody joins a workspace without accepting a one-time link, once."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import Connection, TextClause, text

from socialops.web.accounts.base import AccountsBase
from socialops.web.accounts.model import (
    INVITE_DAYS,
    INVITE_PREFIX,
    LANGS,
    Invitation,
    InvitationError,
    User,
    check_email,
    check_password,
    check_role,
    digest,
    iso,
    now,
)
from socialops.web.accounts.users import insert_user

__all__ = ["Invitations"]

_INVITATION = (
    "SELECT i.*, w.name AS workspace_name, u.email AS inviter_email, u.name AS inviter_name "
    "FROM invitations i JOIN workspaces w ON w.slug = i.workspace "
    "LEFT JOIN users u ON u.id = i.invited_by"
)
_BY_ID = text(f"{_INVITATION} WHERE i.id = :id")
_BY_TOKEN = text(f"{_INVITATION} WHERE i.token_hash = :h")


def _one(conn: Connection, query: TextClause, **params: object) -> Invitation | None:
    row = conn.execute(query, params).mappings().first()
    return Invitation.of(row) if row else None


class Invitations(AccountsBase):
    def invite(
        self, workspace: str, email: str, role: str, inviter_id: int, *, days: float = INVITE_DAYS
    ) -> tuple[str, Invitation]:
        """A new invitation: ``(the one-time token, the invitation)``. The token is stored only
        as its SHA-256. The answer is the same whether ``email`` has an account or not (nothing
        is looked up but this workspace's members); an earlier pending invitation of the same
        e-mail to the same workspace is revoked (the newest link is the one that works)."""
        email = check_email(email)
        check_role(role)
        token = INVITE_PREFIX + secrets.token_urlsafe(32)
        at = now()
        with self.begin() as conn:
            self._require_workspace(conn, workspace)
            member = conn.execute(
                text(
                    "SELECT 1 FROM members m JOIN users u ON u.id = m.user_id "
                    "WHERE m.workspace = :w AND u.email = :e"
                ),
                {"w": workspace, "e": email},
            ).first()
            if member is not None:  # the inviter sees the members list anyway
                raise InvitationError("member", email=email)
            conn.execute(
                text(
                    "UPDATE invitations SET revoked_at = :at WHERE workspace = :w AND email = :e "
                    "AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at >= :at"
                ),
                {"at": iso(at), "w": workspace, "e": email},
            )
            new_id = conn.execute(
                text(
                    "INSERT INTO invitations (token_hash, workspace, email, role, invited_by, "
                    "created_at, expires_at) VALUES (:h, :w, :e, :r, :by, :at, :until) "
                    "RETURNING id"
                ),
                {
                    "h": digest(token),
                    "w": workspace,
                    "e": email,
                    "r": role,
                    "by": inviter_id,
                    "at": iso(at),
                    "until": iso(at + timedelta(days=days)),
                },
            ).scalar_one()
            inv = _one(conn, _BY_ID, id=new_id)
        assert inv is not None
        return token, inv

    def invitations(self, workspace: str) -> list[Invitation]:
        """The pending invitations of a workspace, newest first."""
        with self.connect() as conn:
            rows = conn.execute(
                text(
                    f"{_INVITATION} WHERE i.workspace = :w AND i.accepted_at IS NULL "
                    "AND i.revoked_at IS NULL AND i.expires_at >= :at ORDER BY i.id DESC"
                ),
                {"w": workspace, "at": iso(now())},
            ).mappings()
            return [Invitation.of(r) for r in rows]

    def invitation(self, token: str) -> Invitation | None:
        """The invitation of a link's token, in whatever state (``None``: no such token)."""
        if not token.startswith(INVITE_PREFIX) or len(token) > 200:
            return None
        with self.connect() as conn:
            return _one(conn, _BY_TOKEN, h=digest(token))

    def revoke_invitation(self, workspace: str, invitation_id: int) -> Invitation | None:
        """Revoke a pending invitation of ``workspace`` (``None``: there is none by that id)."""
        at = iso(now())
        with self.begin() as conn:
            n = conn.execute(
                text(
                    "UPDATE invitations SET revoked_at = :at WHERE id = :id AND workspace = :w "
                    "AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at >= :at"
                ),
                {"at": at, "id": invitation_id, "w": workspace},
            ).rowcount
            inv = _one(conn, _BY_ID, id=invitation_id)
        return inv if n and inv else None

    @staticmethod
    def _take_invitation(conn: Connection, token: str, email: str) -> Invitation:
        """Inside a write transaction: the pending invitation of ``token`` for ``email``,
        marked accepted — else :class:`InvitationError` (the transaction is rolled back)."""
        inv = None
        if token.startswith(INVITE_PREFIX) and len(token) <= 200:
            inv = _one(conn, _BY_TOKEN, h=digest(token))
        if inv is None:
            raise InvitationError("unknown")
        state = "used" if inv.state == "accepted" else inv.state
        if state != "pending":
            raise InvitationError(state, inviter=inv.invited_by or "")
        if email.strip().lower() != inv.email:
            raise InvitationError("email", email=inv.email)
        taken = conn.execute(  # once: only while nobody has accepted it
            text(
                "UPDATE invitations SET accepted_at = :at WHERE id = :id "
                "AND accepted_at IS NULL AND revoked_at IS NULL"
            ),
            {"at": iso(now()), "id": inv.id},
        ).rowcount
        if taken != 1:
            raise InvitationError("used", inviter=inv.invited_by or "")
        return inv

    def accept_invitation(self, token: str, user_id: int) -> Invitation:
        """The user with the invited e-mail joins the workspace with the invited role (a member
        already keeps their role). One use: a second accept is refused."""
        user = self._existing_user(user_id)
        with self.begin() as conn:
            inv = self._take_invitation(conn, token, user.email)
            conn.execute(
                text("UPDATE invitations SET accepted_by = :u WHERE id = :id"),
                {"u": user_id, "id": inv.id},
            )
            conn.execute(
                text(
                    "INSERT INTO members (workspace, user_id, role) VALUES (:w, :u, :r) "
                    "ON CONFLICT (workspace, user_id) DO NOTHING"
                ),
                {"w": inv.workspace, "u": user_id, "r": inv.role},
            )
        return inv

    def accept_invitation_as_new_user(
        self, token: str, password: str, *, name: str | None = None, lang: str = "ko"
    ) -> tuple[User, Invitation]:
        """A person without an account accepts: the account of the invited e-mail is made with
        ``password`` (the password policy applies) and joins the workspace, in one transaction."""
        found = self.invitation(token)
        email = found.email if found else ""
        display = (name or "").strip()[:100] or email.split("@")[0]
        hashed = ""  # an unusable invitation is refused below, before the password is stored
        if found is not None and found.state == "pending":
            check_password(password, email=email, name=display)
            hashed = self._hasher.hash(password)
        if lang not in LANGS:
            lang = "ko"
        with self.begin() as conn:
            inv = self._take_invitation(conn, token, email)
            uid = insert_user(conn, inv.email, display, hashed, lang)
            if uid is None:  # rolled back: the invitation stays pending
                raise InvitationError("exists", email=inv.email)
            conn.execute(
                text("UPDATE invitations SET accepted_by = :u WHERE id = :id"),
                {"u": uid, "id": inv.id},
            )
            conn.execute(
                text("INSERT INTO members (workspace, user_id, role) VALUES (:w, :u, :r)"),
                {"w": inv.workspace, "u": uid, "r": inv.role},
            )
        return self._existing_user(uid), inv

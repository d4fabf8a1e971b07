"""The audit log: who did what, when (never a password or token)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import text

from socialops.web.accounts.base import AccountsBase
from socialops.web.accounts.model import User, iso, now

__all__ = ["Audit"]


class Audit(AccountsBase):
    def audit(
        self,
        action: str,
        *,
        user: User | None = None,
        email: str | None = None,
        workspace: str | None = None,
        target: str | None = None,
        detail: dict[str, Any] | None = None,
        ip: str | None = None,
    ) -> None:
        """Record who did what, when (never a password or token)."""
        with self.connect() as conn:
            conn.execute(
                text(
                    "INSERT INTO audit (at, user_id, email, workspace, action, target, detail, ip) "
                    "VALUES (:at, :uid, :email, :ws, :action, :target, :detail, :ip)"
                ),
                {
                    "at": iso(now()),
                    "uid": user.id if user else None,
                    "email": user.email if user else email,
                    "ws": workspace,
                    "action": action,
                    "target": target,
                    "detail": json.dumps(detail, ensure_ascii=False) if detail else None,
                    "ip": ip,
                },
            )

    def audit_log(
        self, workspace: str | None, *, limit: int = 50, offset: int = 0
    ) -> tuple[int, list[dict[str, Any]]]:
        """``(total, entries newest first)`` of a workspace: only what was done in it. Entries of
        no workspace (sign-ins and failed ones with their addresses, tokens, passwords,
        preferences) are their user's own (:meth:`account_activity`): a workspace's owner does
        not see where or when its members sign in, which would reach beyond the workspace."""
        return self._audit_page("WHERE workspace = :ws", {"ws": workspace}, limit, offset)

    def account_activity(
        self, user_id: int, *, limit: int = 50, offset: int = 0
    ) -> tuple[int, list[dict[str, Any]]]:
        """``(total, entries newest first)`` of a user's own account, in no workspace: their
        sign-ins, failed sign-ins with their e-mail (since the account was made), sign-outs,
        tokens, password and preference changes."""
        where = (
            "WHERE workspace IS NULL AND email = (SELECT email FROM users WHERE id = :uid) "
            "AND (user_id = :uid OR (user_id IS NULL AND at >= "
            "(SELECT created_at FROM users WHERE id = :uid)))"
        )
        return self._audit_page(where, {"uid": user_id}, limit, offset)

    def _audit_page(
        self, where: str, args: dict[str, Any], limit: int, offset: int
    ) -> tuple[int, list[dict[str, Any]]]:
        with self.connect() as conn:
            total = conn.execute(text(f"SELECT COUNT(*) FROM audit {where}"), args).scalar_one()
            rows = conn.execute(
                text(
                    f"SELECT at, email, workspace, action, target, detail, ip FROM audit {where} "
                    "ORDER BY id DESC LIMIT :limit OFFSET :offset"
                ),
                {**args, "limit": limit, "offset": offset},
            ).mappings()
            out = []
            for r in rows:
                d = dict(r)
                d["detail"] = json.loads(d["detail"]) if d["detail"] else None
                out.append(d)
        return int(total), out

"""Sign-in sessions, API tokens and sign-in throttling: what every server process on one
accounts database shares (a session made through one is valid on the other; failures are
counted across all of them)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import text

from socialops.errors import AccountError
from socialops.web.accounts.base import AccountsBase
from socialops.web.accounts.model import TOKEN_PREFIX, Session, User, digest, iso, now

__all__ = ["TOKEN_SCOPES", "Sessions"]

#: what a token may be limited to (``api_tokens.scope``; NULL: all the rights of its user)
TOKEN_SCOPES = ("metrics",)


class Sessions(AccountsBase):
    # -- sessions --------------------------------------------------------------------------------
    def start_session(self, user_id: int, hours: float) -> tuple[str, Session]:
        """A new sign-in session: ``(token for the cookie, session)``."""
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        at = now()
        expires = iso(at + timedelta(hours=hours))
        with self.begin() as conn:
            conn.execute(text("DELETE FROM sessions WHERE expires_at < :at"), {"at": iso(at)})
            conn.execute(
                text(
                    "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) "
                    "VALUES (:h, :u, :csrf, :at, :until)"
                ),
                {"h": digest(token), "u": user_id, "csrf": csrf, "at": iso(at), "until": expires},
            )
        return token, Session(self._existing_user(user_id), csrf, expires)

    def session(self, token: str) -> Session | None:
        if not token:
            return None
        with self.connect() as conn:
            row = (
                conn.execute(
                    text(
                        "SELECT s.csrf, s.expires_at, u.* FROM sessions s "
                        "JOIN users u ON u.id = s.user_id WHERE s.token_hash = :h"
                    ),
                    {"h": digest(token)},
                )
                .mappings()
                .first()
            )
        if row is None or row["expires_at"] < iso(now()):
            return None
        return Session(User.of(row), row["csrf"], row["expires_at"])

    def end_session(self, token: str) -> None:
        with self.connect() as conn:
            conn.execute(text("DELETE FROM sessions WHERE token_hash = :h"), {"h": digest(token)})

    def end_all_sessions(self, user_id: int) -> int:
        with self.connect() as conn:
            return conn.execute(
                text("DELETE FROM sessions WHERE user_id = :u"), {"u": user_id}
            ).rowcount

    def sign_out_everywhere(self, user_id: int, *, revoke_tokens: bool) -> tuple[int, int]:
        """End every session of the user and, with ``revoke_tokens``, revoke every API token
        too, in one transaction: ``(sessions ended, tokens revoked)``."""
        with self.begin() as conn:
            sessions = conn.execute(
                text("DELETE FROM sessions WHERE user_id = :u"), {"u": user_id}
            ).rowcount
            tokens = 0
            if revoke_tokens:
                tokens = conn.execute(
                    text("DELETE FROM api_tokens WHERE user_id = :u"), {"u": user_id}
                ).rowcount
        return sessions, tokens

    # -- API tokens ------------------------------------------------------------------------------
    def create_token(self, user_id: int, name: str = "api", scope: str | None = None) -> str:
        """A new API token of the user: all their rights (``scope`` None) or only those of
        ``scope`` (:data:`TOKEN_SCOPES`: ``metrics`` reads ``/metrics`` and nothing else)."""
        if scope is not None and scope not in TOKEN_SCOPES:
            raise AccountError(code="ops.token_scope_unknown", scope=scope)
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self.connect() as conn:
            conn.execute(
                text(
                    "INSERT INTO api_tokens (token_hash, user_id, name, created_at, scope) "
                    "VALUES (:h, :u, :n, :at, :scope)"
                ),
                {
                    "h": digest(token),
                    "u": user_id,
                    "n": name.strip()[:100] or "api",
                    "at": iso(now()),
                    "scope": scope,
                },
            )
        return token

    def token_user(self, token: str) -> User | None:
        found = self.token_access(token)
        return found[0] if found is not None else None

    def token_access(self, token: str) -> tuple[User, str | None] | None:
        """The token's user and scope (``None``: all the user's rights), or ``None``."""
        if not token.startswith(TOKEN_PREFIX):
            return None
        with self.connect() as conn:
            row = (
                conn.execute(
                    text(
                        "SELECT t.id AS tid, t.last_used, t.scope AS token_scope, u.* "
                        "FROM api_tokens t "
                        "JOIN users u ON u.id = t.user_id WHERE t.token_hash = :h"
                    ),
                    {"h": digest(token)},
                )
                .mappings()
                .first()
            )
            if row is None:
                return None
            at = now()
            cutoff = iso(at - timedelta(minutes=1))
            if row["last_used"] is None or row["last_used"] < cutoff:
                conn.execute(  # to the minute: no write on every request; one write per minute
                    text(
                        "UPDATE api_tokens SET last_used = :at WHERE id = :id "
                        "AND (last_used IS NULL OR last_used < :cutoff)"
                    ),
                    {"at": iso(at), "id": row["tid"], "cutoff": cutoff},
                )
        return User.of(row), row["token_scope"]

    def tokens(self, user_id: int) -> list[dict[str, Any]]:
        with self.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT id, name, created_at, last_used, scope FROM api_tokens "
                    "WHERE user_id = :u "
                    "ORDER BY id"
                ),
                {"u": user_id},
            ).mappings()
            return [dict(r) for r in rows]

    def revoke_token(self, user_id: int, token_id: int) -> bool:
        with self.connect() as conn:
            n = conn.execute(
                text("DELETE FROM api_tokens WHERE id = :id AND user_id = :u"),
                {"id": token_id, "u": user_id},
            ).rowcount
        return bool(n)

    # -- sign-in throttling ----------------------------------------------------------------------
    def begin_sign_in(self, limits: Sequence[tuple[str, int]], minutes: int) -> list[int] | None:
        """Count a sign-in attempt *before* its password is checked (the check is slow: counted
        after it, 40 parallel guesses were all checked). In one write transaction, serialised
        with every other process's on this database: ``None`` (refuse; check nothing) when a
        key of ``limits`` has its limit of attempts in the last ``minutes`` already, else the
        attempt is recorded against every key — a failure until :meth:`sign_in_succeeded`
        says otherwise — and its id is returned (in a list)."""
        at = now()
        since = iso(at - timedelta(minutes=minutes))
        attempt = secrets.randbits(62)
        with self.begin() as conn:
            conn.execute(
                text("DELETE FROM sign_in_failures WHERE at < :old"),
                {"old": iso(at - timedelta(days=1))},
            )
            for key, limit in limits:
                count = conn.execute(
                    text("SELECT COUNT(*) FROM sign_in_failures WHERE key = :k AND at >= :since"),
                    {"k": key, "since": since},
                ).scalar_one()
                if int(count) >= limit:
                    return None
            conn.execute(
                text("INSERT INTO sign_in_failures (key, at, attempt) VALUES (:k, :at, :a)"),
                [{"k": key, "at": iso(at), "a": attempt} for key, _ in limits],
            )
        return [attempt]

    def sign_in_succeeded(self, attempt: Sequence[int], forget: Sequence[str] = ()) -> None:
        """The password of ``attempt`` (from :meth:`begin_sign_in`) was right: it is no failure;
        the failures counted against the keys ``forget`` are forgotten too."""
        with self.begin() as conn:
            if attempt:
                conn.execute(
                    text("DELETE FROM sign_in_failures WHERE attempt = :a"),
                    [{"a": a} for a in attempt],
                )
            if forget:
                conn.execute(
                    text("DELETE FROM sign_in_failures WHERE key = :k"),
                    [{"k": k} for k in forget],
                )

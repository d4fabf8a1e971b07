"""Users: made, found, signed in by password, their password and preferences changed."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, text
from sqlalchemy.exc import IntegrityError

from socialops.errors import AccountError
from socialops.web.accounts.base import AccountsBase
from socialops.web.accounts.model import (
    MAIN,
    User,
    check_email,
    check_lang,
    check_password,
    check_role,
    digest,
    iso,
    now,
)

__all__ = ["Users"]

_INSERT_USER = text(
    "INSERT INTO users (email, name, password, lang, created_at) "
    "VALUES (:email, :name, :password, :lang, :at) RETURNING id"
)


def insert_user(conn: Connection, email: str, name: str, hashed: str, lang: str) -> int | None:
    """Inside a write transaction: the id of a new user, ``None`` when the e-mail has one."""
    taken = conn.execute(text("SELECT 1 FROM users WHERE email = :e"), {"e": email}).first()
    if taken is not None:
        return None
    try:  # the check above is under the write lock; a unique violation would still be caught
        row = conn.execute(
            _INSERT_USER,
            {"email": email, "name": name, "password": hashed, "lang": lang, "at": iso(now())},
        )
    except IntegrityError:
        return None
    return int(row.scalar_one())


class Users(AccountsBase):
    def has_users(self) -> bool:
        with self.connect() as conn:
            return conn.execute(text("SELECT 1 FROM users LIMIT 1")).first() is not None

    def add_user(
        self,
        email: str,
        password: str,
        *,
        name: str | None = None,
        role: str | None = None,
        workspace: str = MAIN,
        lang: str = "ko",
    ) -> User:
        """A new user, a member of ``workspace`` with ``role`` when given."""
        email = check_email(email)
        check_password(password, email=email, name=name)
        if role is not None:
            check_role(role)
        check_lang(lang)
        hashed = self._hasher.hash(password)
        display = (name or email.split("@")[0]).strip()[:100]
        with self.begin() as conn:
            if role is not None:
                self._require_workspace(conn, workspace)
            uid = insert_user(conn, email, display, hashed, lang)
            if uid is None:
                raise AccountError(code="accounts.user_exists", email=email)
            if role is not None:
                conn.execute(
                    text("INSERT INTO members (workspace, user_id, role) VALUES (:w, :u, :r)"),
                    {"w": workspace, "u": uid, "r": role},
                )
        return self._existing_user(uid)

    def user_by_email(self, email: str) -> User | None:
        with self.connect() as conn:
            row = (
                conn.execute(
                    text("SELECT * FROM users WHERE email = :e"), {"e": email.strip().lower()}
                )
                .mappings()
                .first()
            )
        return User.of(row) if row else None

    def check_credentials(self, email: str, password: str) -> User | None:
        """The user when the password is right, else ``None`` (the same time either way)."""
        with self.connect() as conn:
            row = (
                conn.execute(
                    text("SELECT * FROM users WHERE email = :e"), {"e": email.strip().lower()}
                )
                .mappings()
                .first()
            )
        stored = row["password"] if row else self._dummy
        try:
            self._hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        if row is None:
            return None
        if self._hasher.check_needs_rehash(stored):
            with self.connect() as conn:  # only if it was not changed meanwhile
                conn.execute(
                    text("UPDATE users SET password = :new WHERE id = :id AND password = :old"),
                    {"new": self._hasher.hash(password), "id": row["id"], "old": stored},
                )
        return User.of(row)

    def set_password(
        self, user_id: int, password: str, *, keep_session: str | None = None
    ) -> tuple[int, int]:
        """A new password; in the same transaction every sign-in session of the user ends (but
        the one whose cookie token is ``keep_session``: the browser that changed it) and every
        API token is revoked — whoever knew the old password may have made one. ``(sessions
        ended, tokens revoked)``."""
        user = self._existing_user(user_id)
        check_password(password, email=user.email, name=user.name)
        hashed = self._hasher.hash(password)
        with self.begin() as conn:
            n = conn.execute(
                text("UPDATE users SET password = :p WHERE id = :id"), {"p": hashed, "id": user_id}
            )
            if not n.rowcount:
                raise AccountError(code="accounts.user_missing", user=user_id)
            sessions = conn.execute(
                text("DELETE FROM sessions WHERE user_id = :u AND token_hash != :keep"),
                {"u": user_id, "keep": digest(keep_session) if keep_session else ""},
            ).rowcount
            tokens = conn.execute(
                text("DELETE FROM api_tokens WHERE user_id = :u"), {"u": user_id}
            ).rowcount
        return sessions, tokens

    def set_preferences(
        self, user_id: int, *, lang: str | None = None, tz: str | None = None
    ) -> User:
        if lang is not None:
            check_lang(lang)
        if tz is not None:
            try:
                ZoneInfo(tz)
            except (ZoneInfoNotFoundError, ValueError):
                raise AccountError(code="accounts.tz_unknown", tz=tz) from None
        with self.begin() as conn:
            if lang is not None:
                conn.execute(
                    text("UPDATE users SET lang = :v WHERE id = :id"), {"v": lang, "id": user_id}
                )
            if tz is not None:
                conn.execute(
                    text("UPDATE users SET tz = :v WHERE id = :id"), {"v": tz, "id": user_id}
                )
        return self._existing_user(user_id)

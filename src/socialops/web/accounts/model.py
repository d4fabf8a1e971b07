"""The accounts' value types, errors, limits and checks (no database here)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import RowMapping

from socialops.errors import AccountError, PasswordError
from socialops.web.passwords import problem
from socialops.web.permissions import ROLES

__all__ = [
    "DB_FILE",
    "INVITE_DAYS",
    "INVITE_PREFIX",
    "LANGS",
    "MAIN",
    "MIN_PASSWORD",
    "TOKEN_PREFIX",
    "Invitation",
    "InvitationError",
    "LastOwnerError",
    "Member",
    "Session",
    "User",
    "check_email",
    "check_lang",
    "check_password",
    "check_role",
]

MAIN = "main"
DB_FILE = "accounts.db"  # on SQLite (the default): <home>/accounts.db
TOKEN_PREFIX = "sot_"
INVITE_PREFIX = "soi_"
INVITE_DAYS = 7  # an invitation link is good for a week, once
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}$")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
MIN_PASSWORD = 10  # socialops.web.passwords.MIN_LENGTH
LANGS = ("ko", "en")


def now() -> datetime:
    return datetime.now(UTC)


def iso(t: datetime) -> str:
    """A time as the accounts database stores it: UTC ISO-8601 text with ``+00:00``."""
    return t.isoformat(timespec="seconds")


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class User:
    id: int
    email: str
    name: str
    lang: str
    tz: str

    def public(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "email": self.email,
            "name": self.name,
            "lang": self.lang,
            "tz": self.tz,
        }

    @classmethod
    def of(cls, row: RowMapping) -> User:
        return cls(int(row["id"]), row["email"], row["name"], row["lang"], row["tz"])


@dataclass(frozen=True)
class Session:
    user: User
    csrf: str
    expires_at: str


@dataclass(frozen=True)
class Member:
    user: User
    role: str


@dataclass(frozen=True)
class Invitation:
    """An invitation to join a workspace with a role, accepted once by the account with its
    e-mail (or by the person who makes that account with it)."""

    id: int
    workspace: str
    workspace_name: str
    email: str
    role: str
    invited_by: str | None  # the inviter's e-mail (None: that account was deleted)
    inviter_name: str | None
    created_at: str
    expires_at: str
    accepted_at: str | None
    revoked_at: str | None

    @property
    def state(self) -> str:
        """``pending``, ``accepted``, ``revoked`` or ``expired``."""
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at < iso(now()):
            return "expired"
        return "pending"

    def public(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "workspace": self.workspace,
            "workspace_name": self.workspace_name,
            "email": self.email,
            "role": self.role,
            "invited_by": self.invited_by,
            "created_at": self.created_at,
            "expires_at": self.expires_at,
            "state": self.state,
        }

    @classmethod
    def of(cls, row: RowMapping) -> Invitation:
        return cls(
            int(row["id"]),
            row["workspace"],
            row["workspace_name"],
            row["email"],
            row["role"],
            row["inviter_email"],
            row["inviter_name"],
            row["created_at"],
            row["expires_at"],
            row["accepted_at"],
            row["revoked_at"],
        )


class LastOwnerError(AccountError):
    """A change that would leave a workspace without an owner."""

    def __init__(self) -> None:
        super().__init__(code="accounts.last_owner")


class InvitationError(AccountError):
    """An invitation that cannot be made or used; ``reason`` says why: ``unknown``, ``expired``,
    ``revoked``, ``used``, ``email`` (another account's), ``exists`` (the account to make
    exists already) or ``member`` (already a member). Its catalogue ``code`` is
    ``error.invitation_<reason>`` (the web's message of that refusal; ``…_owner`` for an
    expired or withdrawn invitation whose inviter's account is gone), ``params`` fill it in."""

    def __init__(self, reason: str, **params: str) -> None:
        owner = reason in ("expired", "revoked") and not params.get("inviter")
        params = {k: v for k, v in params.items() if v}
        super().__init__(code=f"error.invitation_{reason}" + ("_owner" if owner else ""), **params)
        self.reason = reason


def check_role(role: str) -> None:
    if role not in ROLES:
        raise AccountError(code="accounts.role_unknown", role=role, roles=ROLES)


def check_email(email: str) -> str:
    """``email`` trimmed and lower-case, or :class:`AccountError` when it is no address."""
    email = email.strip().lower()
    if not EMAIL.match(email):
        raise AccountError(code="accounts.email_invalid", email=email)
    return email


def check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise AccountError(code="accounts.lang_unknown", lang=lang)


def check_password(password: str, *, email: str | None = None, name: str | None = None) -> None:
    """Refuse a password the policy does not allow (socialops.web.passwords: length, common,
    repeated, sequences, the user's own e-mail or name) with a :class:`PasswordError`."""
    found = problem(password, email=email, name=name)
    if found is not None:
        key, params = found
        raise PasswordError(key, **params)

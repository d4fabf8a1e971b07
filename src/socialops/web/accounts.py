"""Accounts of the web workspace: users, workspaces and their members, sign-in sessions, API
tokens, sign-in throttling and the audit log, in one SQLite file beside the workspaces
(``<home>/accounts.db``).

Passwords are hashed with Argon2id (argon2-cffi, its default parameters; re-hashed on sign-in
when those change). Session and API tokens are random (``secrets``), shown once and stored only as
their SHA-256. Nothing here logs a password or a token.

Workspaces: ``main`` is the folder ``<home>`` itself (the one the CLI works on); others live in
``<home>/workspaces/<slug>``.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import shutil
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from socialops.errors import AccountError, PasswordError
from socialops.store.private import private_db, private_dir
from socialops.web.passwords import problem
from socialops.web.permissions import ROLES

__all__ = [
    "MAIN",
    "Accounts",
    "Invitation",
    "InvitationError",
    "LastOwnerError",
    "Member",
    "Session",
    "User",
]

MAIN = "main"
DB_FILE = "accounts.db"
TOKEN_PREFIX = "sot_"
INVITE_PREFIX = "soi_"
INVITE_DAYS = 7  # an invitation link is good for a week, once
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
MIN_PASSWORD = 10  # socialops.web.passwords.MIN_LENGTH
LANGS = ("ko", "en")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id          INTEGER PRIMARY KEY,
    email       TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    password    TEXT NOT NULL,               -- Argon2id hash
    lang        TEXT NOT NULL DEFAULT 'ko',
    tz          TEXT NOT NULL DEFAULT 'Asia/Seoul',
    created_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS workspaces (
    slug        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS members (
    workspace   TEXT NOT NULL REFERENCES workspaces(slug) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role        TEXT NOT NULL,
    PRIMARY KEY (workspace, user_id)
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash  TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS api_tokens (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    last_used   TEXT
);
CREATE TABLE IF NOT EXISTS sign_in_failures (
    key         TEXT NOT NULL,               -- e-mail (lower-case) and client address
    at          TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sign_in_failures_key ON sign_in_failures (key, at);
CREATE TABLE IF NOT EXISTS audit (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    user_id     INTEGER,
    email       TEXT,
    workspace   TEXT,
    action      TEXT NOT NULL,
    target      TEXT,
    detail      TEXT,                        -- JSON
    ip          TEXT
);
CREATE INDEX IF NOT EXISTS audit_workspace ON audit (workspace, id);
CREATE TABLE IF NOT EXISTS invitations (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,        -- SHA-256 of the one-time link's token
    workspace   TEXT NOT NULL REFERENCES workspaces(slug) ON DELETE CASCADE,
    email       TEXT NOT NULL,               -- lower-case; an account need not exist
    role        TEXT NOT NULL,
    invited_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    accepted_at TEXT,
    accepted_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    revoked_at  TEXT
);
CREATE INDEX IF NOT EXISTS invitations_workspace ON invitations (workspace, email);
CREATE INDEX IF NOT EXISTS audit_email ON audit (email, id);
"""


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(t: datetime) -> str:
    return t.isoformat(timespec="seconds")


def _digest(token: str) -> str:
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
        if self.expires_at < _iso(_now()):
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


class LastOwnerError(AccountError):
    """A change that would leave a workspace without an owner."""


class InvitationError(AccountError):
    """An invitation that cannot be made or used; ``code`` says why: ``unknown``, ``expired``,
    ``revoked``, ``used``, ``email`` (another account's), ``exists`` (the account to make
    exists already) or ``member`` (already a member)."""

    def __init__(self, code: str, message: str, **params: str) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


class Accounts:
    """The accounts database of one socialops home folder."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.path = home / DB_FILE
        self._hasher = PasswordHasher()
        # verified against when the e-mail is unknown: a wrong e-mail costs what a wrong
        # password does
        self._dummy = self._hasher.hash(secrets.token_hex(16))
        private_dir(home)  # the home folder 0700, accounts.db 0600 (socialops.store.private)
        private_db(self.path)
        with self.connect() as con:
            con.executescript(_SCHEMA)
            if con.execute("SELECT 1 FROM workspaces WHERE slug = ?", (MAIN,)).fetchone() is None:
                con.execute("INSERT INTO workspaces VALUES (?, ?, ?)", (MAIN, "Main", _iso(_now())))

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        con.row_factory = sqlite3.Row
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=NORMAL")
        con.execute("PRAGMA foreign_keys=ON")
        try:
            yield con
        finally:
            con.close()

    # -- users ---------------------------------------------------------------------------------
    @staticmethod
    def _user(row: sqlite3.Row) -> User:
        return User(row["id"], row["email"], row["name"], row["lang"], row["tz"])

    def has_users(self) -> bool:
        with self.connect() as con:
            return con.execute("SELECT 1 FROM users LIMIT 1").fetchone() is not None

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
        email = email.strip().lower()
        if not _EMAIL.match(email):
            raise AccountError(f"{email!r} is not an e-mail address: write it as name@example.com.")
        check_password(password, email=email, name=name)
        if role is not None:
            check_role(role)
        if lang not in LANGS:
            raise AccountError(f"Unknown language {lang!r}: use ko or en.")
        hashed = self._hasher.hash(password)
        with self.connect() as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                cur = con.execute(
                    "INSERT INTO users (email, name, password, lang, created_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (
                        email,
                        (name or email.split("@")[0]).strip()[:100],
                        hashed,
                        lang,
                        _iso(_now()),
                    ),
                )
            except sqlite3.IntegrityError:
                con.execute("ROLLBACK")
                raise AccountError(
                    f"A user {email} exists already: pick another e-mail address."
                ) from None
            uid = int(cur.lastrowid or 0)
            if role is not None:
                self._require_workspace(con, workspace)
                con.execute("INSERT INTO members VALUES (?, ?, ?)", (workspace, uid, role))
            con.execute("COMMIT")
        user = self.user(uid)
        assert user is not None
        return user

    def user(self, user_id: int) -> User | None:
        with self.connect() as con:
            row = con.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()
        return self._user(row) if row else None

    def user_by_email(self, email: str) -> User | None:
        with self.connect() as con:
            row = con.execute(
                "SELECT * FROM users WHERE email = ?", (email.strip().lower(),)
            ).fetchone()
        return self._user(row) if row else None

    def check_credentials(self, email: str, password: str) -> User | None:
        """The user when the password is right, else ``None`` (the same time either way)."""
        with self.connect() as con:
            row = con.execute(
                "SELECT * FROM users WHERE email = ?", (email.strip().lower(),)
            ).fetchone()
        stored = row["password"] if row else self._dummy
        try:
            self._hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        if row is None:
            return None
        if self._hasher.check_needs_rehash(stored):
            with self.connect() as con:
                con.execute(
                    "UPDATE users SET password = ? WHERE id = ?",
                    (self._hasher.hash(password), row["id"]),
                )
        return self._user(row)

    def set_password(
        self, user_id: int, password: str, *, keep_session: str | None = None
    ) -> tuple[int, int]:
        """A new password; in the same transaction every sign-in session of the user ends (but
        the one whose cookie token is ``keep_session``: the browser that changed it) and every
        API token is revoked — whoever knew the old password may have made one. ``(sessions
        ended, tokens revoked)``."""
        user = self.user(user_id)
        if user is None:
            raise AccountError(f"No user {user_id}.")
        check_password(password, email=user.email, name=user.name)
        hashed = self._hasher.hash(password)
        with self.connect() as con:
            con.execute("BEGIN IMMEDIATE")
            n = con.execute("UPDATE users SET password = ? WHERE id = ?", (hashed, user_id))
            if not n.rowcount:
                con.execute("ROLLBACK")
                raise AccountError(f"No user {user_id}.")
            sessions = con.execute(
                "DELETE FROM sessions WHERE user_id = ? AND token_hash != ?",
                (user_id, _digest(keep_session) if keep_session else ""),
            ).rowcount
            tokens = con.execute("DELETE FROM api_tokens WHERE user_id = ?", (user_id,)).rowcount
            con.execute("COMMIT")
        return sessions, tokens

    def set_preferences(
        self, user_id: int, *, lang: str | None = None, tz: str | None = None
    ) -> User:
        if lang is not None and lang not in LANGS:
            raise AccountError(f"Unknown language {lang!r}: use ko or en.")
        if tz is not None:
            try:
                ZoneInfo(tz)
            except (ZoneInfoNotFoundError, ValueError):
                raise AccountError(
                    f"Unknown time zone {tz!r}: use an IANA name such as Asia/Seoul."
                ) from None
        with self.connect() as con:
            if lang is not None:
                con.execute("UPDATE users SET lang = ? WHERE id = ?", (lang, user_id))
            if tz is not None:
                con.execute("UPDATE users SET tz = ? WHERE id = ?", (tz, user_id))
        user = self.user(user_id)
        if user is None:
            raise AccountError(f"No user {user_id}.")
        return user

    # -- workspaces and members ------------------------------------------------------------------
    @staticmethod
    def _require_workspace(con: sqlite3.Connection, slug: str) -> None:
        if con.execute("SELECT 1 FROM workspaces WHERE slug = ?", (slug,)).fetchone() is None:
            raise AccountError(f"No workspace {slug!r}.")

    def workspace_dir(self, slug: str) -> Path:
        return self.home if slug == MAIN else self.home / "workspaces" / slug

    def add_workspace(self, slug: str, name: str, owner_id: int) -> None:
        if not _SLUG.match(slug):
            raise AccountError(
                f"Workspace id {slug!r}: use 1-40 lower-case letters, digits and dashes."
            )
        with self.connect() as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                con.execute(
                    "INSERT INTO workspaces VALUES (?, ?, ?)",
                    (slug, name.strip()[:100] or slug, _iso(_now())),
                )
            except sqlite3.IntegrityError:
                con.execute("ROLLBACK")
                raise AccountError(f"A workspace {slug!r} exists already.") from None
            con.execute("INSERT INTO members VALUES (?, ?, 'owner')", (slug, owner_id))
            con.execute("COMMIT")

    def rename_workspace(self, slug: str, name: str) -> None:
        name = name.strip()[:100]
        if not name:
            raise AccountError("A workspace needs a name: write one.")
        with self.connect() as con:
            n = con.execute("UPDATE workspaces SET name = ? WHERE slug = ?", (name, slug)).rowcount
        if not n:
            raise AccountError(f"No workspace {slug!r}.")

    def remove_workspace(self, slug: str) -> None:
        """Delete a workspace: its members and its folder (``main`` stays)."""
        if slug == MAIN:
            raise AccountError("The main workspace cannot be deleted (it is the CLI's workspace).")
        with self.connect() as con:
            n = con.execute("DELETE FROM workspaces WHERE slug = ?", (slug,)).rowcount
        if not n:
            raise AccountError(f"No workspace {slug!r}.")
        shutil.rmtree(self.workspace_dir(slug), ignore_errors=True)

    def workspaces_of(self, user_id: int) -> list[dict[str, str]]:
        with self.connect() as con:
            rows = con.execute(
                "SELECT w.slug, w.name, m.role FROM members m JOIN workspaces w "
                "ON w.slug = m.workspace WHERE m.user_id = ? ORDER BY w.slug",
                (user_id,),
            ).fetchall()
        return [{"slug": r["slug"], "name": r["name"], "role": r["role"]} for r in rows]

    def workspace_name(self, slug: str) -> str | None:
        with self.connect() as con:
            row = con.execute("SELECT name FROM workspaces WHERE slug = ?", (slug,)).fetchone()
        return str(row["name"]) if row else None

    def role_of(self, user_id: int, slug: str) -> str | None:
        with self.connect() as con:
            row = con.execute(
                "SELECT role FROM members WHERE workspace = ? AND user_id = ?", (slug, user_id)
            ).fetchone()
        return str(row["role"]) if row else None

    def members(self, slug: str) -> list[Member]:
        with self.connect() as con:
            rows = con.execute(
                "SELECT u.*, m.role FROM members m JOIN users u ON u.id = m.user_id "
                "WHERE m.workspace = ? ORDER BY u.email",
                (slug,),
            ).fetchall()
        return [Member(self._user(r), r["role"]) for r in rows]

    def set_member(self, slug: str, user_id: int, role: str) -> None:
        check_role(role)
        with self.connect() as con:
            con.execute("BEGIN IMMEDIATE")
            self._require_workspace(con, slug)
            if role != "owner":
                self._keep_an_owner(con, slug, user_id)
            con.execute(
                "INSERT INTO members VALUES (?, ?, ?) ON CONFLICT (workspace, user_id) "
                "DO UPDATE SET role = excluded.role",
                (slug, user_id, role),
            )
            con.execute("COMMIT")

    def remove_member(self, slug: str, user_id: int) -> None:
        with self.connect() as con:
            con.execute("BEGIN IMMEDIATE")
            self._keep_an_owner(con, slug, user_id)
            con.execute("DELETE FROM members WHERE workspace = ? AND user_id = ?", (slug, user_id))
            con.execute("COMMIT")

    @staticmethod
    def _keep_an_owner(con: sqlite3.Connection, slug: str, user_id: int) -> None:
        owners = [
            r[0]
            for r in con.execute(
                "SELECT user_id FROM members WHERE workspace = ? AND role = 'owner'", (slug,)
            )
        ]
        if owners == [user_id]:
            con.execute("ROLLBACK")
            raise LastOwnerError(
                "A workspace keeps at least one owner: make someone else owner first."
            )

    # -- invitations -----------------------------------------------------------------------------
    _INVITATION = (
        "SELECT i.*, w.name AS workspace_name, u.email AS inviter_email, u.name AS inviter_name "
        "FROM invitations i JOIN workspaces w ON w.slug = i.workspace "
        "LEFT JOIN users u ON u.id = i.invited_by"
    )

    @staticmethod
    def _invitation(row: sqlite3.Row) -> Invitation:
        return Invitation(
            row["id"],
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

    def invite(
        self, workspace: str, email: str, role: str, inviter_id: int, *, days: float = INVITE_DAYS
    ) -> tuple[str, Invitation]:
        """A new invitation: ``(the one-time token, the invitation)``. The token is stored only
        as its SHA-256. The answer is the same whether ``email`` has an account or not (nothing
        is looked up but this workspace's members); an earlier pending invitation of the same
        e-mail to the same workspace is revoked (the newest link is the one that works)."""
        email = email.strip().lower()
        if not _EMAIL.match(email):
            raise AccountError(f"{email!r} is not an e-mail address: write it as name@example.com.")
        check_role(role)
        token = INVITE_PREFIX + secrets.token_urlsafe(32)
        now = _now()
        with self.connect() as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                self._require_workspace(con, workspace)
                member = con.execute(
                    "SELECT 1 FROM members m JOIN users u ON u.id = m.user_id "
                    "WHERE m.workspace = ? AND u.email = ?",
                    (workspace, email),
                ).fetchone()
                if member is not None:  # the inviter sees the members list anyway
                    raise InvitationError(
                        "member",
                        f"{email} is a member of this workspace already: change their role "
                        "instead.",
                        email=email,
                    )
                con.execute(
                    "UPDATE invitations SET revoked_at = ? WHERE workspace = ? AND email = ? "
                    "AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at >= ?",
                    (_iso(now), workspace, email, _iso(now)),
                )
                cur = con.execute(
                    "INSERT INTO invitations (token_hash, workspace, email, role, invited_by, "
                    "created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        _digest(token),
                        workspace,
                        email,
                        role,
                        inviter_id,
                        _iso(now),
                        _iso(now + timedelta(days=days)),
                    ),
                )
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
            row = con.execute(f"{self._INVITATION} WHERE i.id = ?", (cur.lastrowid,)).fetchone()
        return token, self._invitation(row)

    def invitations(self, workspace: str) -> list[Invitation]:
        """The pending invitations of a workspace, newest first."""
        with self.connect() as con:
            rows = con.execute(
                f"{self._INVITATION} WHERE i.workspace = ? AND i.accepted_at IS NULL "
                "AND i.revoked_at IS NULL AND i.expires_at >= ? ORDER BY i.id DESC",
                (workspace, _iso(_now())),
            ).fetchall()
        return [self._invitation(r) for r in rows]

    def invitation(self, token: str) -> Invitation | None:
        """The invitation of a link's token, in whatever state (``None``: no such token)."""
        if not token.startswith(INVITE_PREFIX) or len(token) > 200:
            return None
        with self.connect() as con:
            row = con.execute(
                f"{self._INVITATION} WHERE i.token_hash = ?", (_digest(token),)
            ).fetchone()
        return self._invitation(row) if row else None

    def revoke_invitation(self, workspace: str, invitation_id: int) -> Invitation | None:
        """Revoke a pending invitation of ``workspace`` (``None``: there is none by that id)."""
        with self.connect() as con:
            n = con.execute(
                "UPDATE invitations SET revoked_at = ? WHERE id = ? AND workspace = ? "
                "AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at >= ?",
                (_iso(_now()), invitation_id, workspace, _iso(_now())),
            ).rowcount
            row = con.execute(f"{self._INVITATION} WHERE i.id = ?", (invitation_id,)).fetchone()
        return self._invitation(row) if n and row else None

    def _take_invitation(self, con: sqlite3.Connection, token: str, email: str) -> Invitation:
        """Inside a write transaction: the pending invitation of ``token`` for ``email``,
        marked accepted — else :class:`InvitationError` (the transaction is rolled back)."""
        row = None
        if token.startswith(INVITE_PREFIX) and len(token) <= 200:
            row = con.execute(
                f"{self._INVITATION} WHERE i.token_hash = ?", (_digest(token),)
            ).fetchone()
        if row is None:
            con.execute("ROLLBACK")
            raise InvitationError(
                "unknown",
                "This invitation link is not valid: check that it was copied whole, or ask for "
                "a new one.",
            )
        inv = self._invitation(row)
        who = inv.invited_by or "the workspace's owner"
        problem = {
            "used": "This invitation has been used already: it works once. Sign in instead.",
            "revoked": f"This invitation was withdrawn: ask {who} for a new one.",
            "expired": f"This invitation has expired: ask {who} for a new one.",
        }
        state = "used" if inv.state == "accepted" else inv.state
        if state in problem:
            con.execute("ROLLBACK")
            raise InvitationError(state, problem[state], inviter=who)
        if email.strip().lower() != inv.email:
            con.execute("ROLLBACK")
            raise InvitationError(
                "email",
                f"This invitation is for {inv.email}, not {email}: sign in as {inv.email} to "
                "accept it.",
                email=inv.email,
            )
        con.execute("UPDATE invitations SET accepted_at = ? WHERE id = ?", (_iso(_now()), inv.id))
        return inv

    def accept_invitation(self, token: str, user_id: int) -> Invitation:
        """The user with the invited e-mail joins the workspace with the invited role (a member
        already keeps their role). One use: a second accept is refused."""
        user = self.user(user_id)
        if user is None:
            raise AccountError(f"No user {user_id}.")
        with self.connect() as con:
            con.execute("BEGIN IMMEDIATE")
            inv = self._take_invitation(con, token, user.email)
            con.execute("UPDATE invitations SET accepted_by = ? WHERE id = ?", (user_id, inv.id))
            con.execute(
                "INSERT INTO members VALUES (?, ?, ?) ON CONFLICT (workspace, user_id) DO NOTHING",
                (inv.workspace, user_id, inv.role),
            )
            con.execute("COMMIT")
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
        with self.connect() as con:
            con.execute("BEGIN IMMEDIATE")
            inv = self._take_invitation(con, token, email)
            try:
                cur = con.execute(
                    "INSERT INTO users (email, name, password, lang, created_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (
                        inv.email,
                        display,
                        hashed,
                        lang,
                        _iso(_now()),
                    ),
                )
            except sqlite3.IntegrityError:
                con.execute("ROLLBACK")
                raise InvitationError(
                    "exists",
                    f"An account for {inv.email} exists already: sign in as {inv.email} to "
                    "accept the invitation.",
                    email=inv.email,
                ) from None
            uid = int(cur.lastrowid or 0)
            con.execute("UPDATE invitations SET accepted_by = ? WHERE id = ?", (uid, inv.id))
            con.execute("INSERT INTO members VALUES (?, ?, ?)", (inv.workspace, uid, inv.role))
            con.execute("COMMIT")
        user = self.user(uid)
        assert user is not None
        return user, inv

    # -- sessions --------------------------------------------------------------------------------
    def start_session(self, user_id: int, hours: float) -> tuple[str, Session]:
        """A new sign-in session: ``(token for the cookie, session)``."""
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = _now()
        expires = _iso(now + timedelta(hours=hours))
        with self.connect() as con:
            con.execute("DELETE FROM sessions WHERE expires_at < ?", (_iso(now),))
            con.execute(
                "INSERT INTO sessions VALUES (?, ?, ?, ?, ?)",
                (_digest(token), user_id, csrf, _iso(now), expires),
            )
        user = self.user(user_id)
        assert user is not None
        return token, Session(user, csrf, expires)

    def session(self, token: str) -> Session | None:
        if not token:
            return None
        with self.connect() as con:
            row = con.execute(
                "SELECT s.csrf, s.expires_at, u.* FROM sessions s JOIN users u ON u.id = s.user_id "
                "WHERE s.token_hash = ?",
                (_digest(token),),
            ).fetchone()
        if row is None or row["expires_at"] < _iso(_now()):
            return None
        return Session(self._user(row), row["csrf"], row["expires_at"])

    def end_session(self, token: str) -> None:
        with self.connect() as con:
            con.execute("DELETE FROM sessions WHERE token_hash = ?", (_digest(token),))

    def end_all_sessions(self, user_id: int) -> int:
        with self.connect() as con:
            return con.execute("DELETE FROM sessions WHERE user_id = ?", (user_id,)).rowcount

    def sign_out_everywhere(self, user_id: int, *, revoke_tokens: bool) -> tuple[int, int]:
        """End every session of the user and, with ``revoke_tokens``, revoke every API token
        too, in one transaction: ``(sessions ended, tokens revoked)``."""
        with self.connect() as con:
            con.execute("BEGIN IMMEDIATE")
            sessions = con.execute("DELETE FROM sessions WHERE user_id = ?", (user_id,)).rowcount
            tokens = 0
            if revoke_tokens:
                tokens = con.execute(
                    "DELETE FROM api_tokens WHERE user_id = ?", (user_id,)
                ).rowcount
            con.execute("COMMIT")
        return sessions, tokens

    # -- API tokens ------------------------------------------------------------------------------
    def create_token(self, user_id: int, name: str = "api") -> str:
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self.connect() as con:
            con.execute(
                "INSERT INTO api_tokens (token_hash, user_id, name, created_at) VALUES (?,?,?,?)",
                (_digest(token), user_id, name.strip()[:100] or "api", _iso(_now())),
            )
        return token

    def token_user(self, token: str) -> User | None:
        if not token.startswith(TOKEN_PREFIX):
            return None
        with self.connect() as con:
            row = con.execute(
                "SELECT t.id AS tid, t.last_used, u.* FROM api_tokens t "
                "JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?",
                (_digest(token),),
            ).fetchone()
            if row is None:
                return None
            now = _now()
            if row["last_used"] is None or row["last_used"] < _iso(now - timedelta(minutes=1)):
                con.execute(  # to the minute: no write on every request
                    "UPDATE api_tokens SET last_used = ? WHERE id = ?", (_iso(now), row["tid"])
                )
        return self._user(row)

    def tokens(self, user_id: int) -> list[dict[str, Any]]:
        with self.connect() as con:
            rows = con.execute(
                "SELECT id, name, created_at, last_used FROM api_tokens WHERE user_id = ? "
                "ORDER BY id",
                (user_id,),
            ).fetchall()
        return [dict(r) for r in rows]

    def revoke_token(self, user_id: int, token_id: int) -> bool:
        with self.connect() as con:
            n = con.execute(
                "DELETE FROM api_tokens WHERE id = ? AND user_id = ?", (token_id, user_id)
            ).rowcount
        return bool(n)

    # -- sign-in throttling ----------------------------------------------------------------------
    def begin_sign_in(self, limits: Sequence[tuple[str, int]], minutes: int) -> list[int] | None:
        """Count a sign-in attempt *before* its password is checked (the check is slow: counted
        after it, 40 parallel guesses were all checked). In one write transaction: ``None``
        (refuse; check nothing) when a key of ``limits`` has its limit of attempts in the last
        ``minutes`` already, else the attempt is recorded against every key — a failure until
        :meth:`sign_in_succeeded` says otherwise — and its row ids are returned."""
        now = _now()
        since = _iso(now - timedelta(minutes=minutes))
        with self.connect() as con:
            con.execute("BEGIN IMMEDIATE")
            con.execute(
                "DELETE FROM sign_in_failures WHERE at < ?", (_iso(now - timedelta(days=1)),)
            )
            for key, limit in limits:
                row = con.execute(
                    "SELECT COUNT(*) FROM sign_in_failures WHERE key = ? AND at >= ?", (key, since)
                ).fetchone()
                if int(row[0]) >= limit:
                    con.execute("ROLLBACK")
                    return None
            ids = [
                int(
                    con.execute(
                        "INSERT INTO sign_in_failures VALUES (?, ?)", (key, _iso(now))
                    ).lastrowid
                    or 0
                )
                for key, _ in limits
            ]
            con.execute("COMMIT")
        return ids

    def sign_in_succeeded(self, attempt: Sequence[int], forget: Sequence[str] = ()) -> None:
        """The password of ``attempt`` (from :meth:`begin_sign_in`) was right: it is no failure;
        the failures counted against the keys ``forget`` are forgotten too."""
        with self.connect() as con:
            con.execute("BEGIN IMMEDIATE")
            con.executemany("DELETE FROM sign_in_failures WHERE rowid = ?", [(i,) for i in attempt])
            con.executemany("DELETE FROM sign_in_failures WHERE key = ?", [(k,) for k in forget])
            con.execute("COMMIT")

    # -- audit log -------------------------------------------------------------------------------
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
        with self.connect() as con:
            con.execute(
                "INSERT INTO audit (at, user_id, email, workspace, action, target, detail, ip) "
                "VALUES (?,?,?,?,?,?,?,?)",
                (
                    _iso(_now()),
                    user.id if user else None,
                    user.email if user else email,
                    workspace,
                    action,
                    target,
                    json.dumps(detail, ensure_ascii=False) if detail else None,
                    ip,
                ),
            )

    def audit_log(
        self, workspace: str | None, *, limit: int = 50, offset: int = 0
    ) -> tuple[int, list[dict[str, Any]]]:
        """``(total, entries newest first)`` of a workspace: only what was done in it. Entries of
        no workspace (sign-ins and failed ones with their addresses, tokens, passwords,
        preferences) are their user's own (:meth:`account_activity`): a workspace's owner does
        not see where or when its members sign in, which would reach beyond the workspace."""
        where, args = "WHERE workspace = ?", [workspace]
        return self._audit_page(where, args, limit, offset)

    def account_activity(
        self, user_id: int, *, limit: int = 50, offset: int = 0
    ) -> tuple[int, list[dict[str, Any]]]:
        """``(total, entries newest first)`` of a user's own account, in no workspace: their
        sign-ins, failed sign-ins with their e-mail (since the account was made), sign-outs,
        tokens, password and preference changes."""
        where = (
            "WHERE workspace IS NULL AND email = (SELECT email FROM users WHERE id = ?) "
            "AND (user_id = ? OR (user_id IS NULL AND at >= "
            "(SELECT created_at FROM users WHERE id = ?)))"
        )
        return self._audit_page(where, [user_id, user_id, user_id], limit, offset)

    def _audit_page(
        self, where: str, args: list[Any], limit: int, offset: int
    ) -> tuple[int, list[dict[str, Any]]]:
        with self.connect() as con:
            total = con.execute(f"SELECT COUNT(*) FROM audit {where}", args).fetchone()[0]
            rows = con.execute(
                f"SELECT at, email, workspace, action, target, detail, ip FROM audit {where} "
                "ORDER BY id DESC LIMIT ? OFFSET ?",
                [*args, limit, offset],
            ).fetchall()
        out = []
        for r in rows:
            d = dict(r)
            d["detail"] = json.loads(d["detail"]) if d["detail"] else None
            out.append(d)
        return int(total), out


def check_role(role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"Unknown role {role!r}: use one of {', '.join(ROLES)}.")


def check_password(password: str, *, email: str | None = None, name: str | None = None) -> None:
    """Refuse a password the policy does not allow (socialops.web.passwords: length, common,
    repeated, sequences, the user's own e-mail or name) with a :class:`PasswordError`."""
    found = problem(password, email=email, name=name)
    if found is not None:
        key, params = found
        raise PasswordError(key, **params)

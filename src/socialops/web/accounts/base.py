"""What every part of :class:`~socialops.web.accounts.Accounts` stands on: the accounts database
of a home folder (:class:`socialops.store.db.Database`, kind ``accounts``), the password hasher,
and the look-ups the parts share."""

from __future__ import annotations

import contextlib
import secrets
from pathlib import Path

from argon2 import PasswordHasher
from sqlalchemy import Connection, text

from socialops.errors import AccountError
from socialops.store.db import Database
from socialops.store.private import private_dir
from socialops.web.accounts.model import DB_FILE, MAIN, User, iso, now

__all__ = ["AccountsBase"]


class AccountsBase:
    """The accounts database of one socialops home folder."""

    def __init__(self, home: Path) -> None:
        self.home = home
        # the SQLite file (the default); nothing queries through it, the database is ``db``
        self.path = home / DB_FILE
        self._hasher = PasswordHasher()
        # verified against when the e-mail is unknown: a wrong e-mail costs what a wrong
        # password does
        self._dummy = self._hasher.hash(secrets.token_hex(16))
        private_dir(home)  # the home folder 0700, accounts.db 0600 (socialops.store.private)
        self.db = Database.open(home, "accounts")  # migrated to the newest schema
        with self.db.connect() as conn:  # two servers starting at once: one row
            conn.execute(
                text(
                    "INSERT INTO workspaces (slug, name, created_at) VALUES (:slug, 'Main', :at) "
                    "ON CONFLICT (slug) DO NOTHING"
                ),
                {"slug": MAIN, "at": iso(now())},
            )

    def connect(self) -> contextlib.AbstractContextManager[Connection]:
        """A connection whose statements commit one by one (reads, single writes)."""
        return self.db.connect()

    def begin(self) -> contextlib.AbstractContextManager[Connection]:
        """A write transaction, serialised with every other one on the accounts database
        (every read-check-write here runs in one), rolled back on any exception."""
        return self.db.begin()

    def user(self, user_id: int) -> User | None:
        with self.connect() as conn:
            row = (
                conn.execute(text("SELECT * FROM users WHERE id = :id"), {"id": user_id})
                .mappings()
                .first()
            )
        return User.of(row) if row else None

    def _existing_user(self, user_id: int) -> User:
        user = self.user(user_id)
        if user is None:
            raise AccountError(code="accounts.user_missing", user=user_id)
        return user

    def workspace_dir(self, slug: str) -> Path:
        return self.home if slug == MAIN else self.home / "workspaces" / slug

    @staticmethod
    def _require_workspace(conn: Connection, slug: str) -> None:
        found = conn.execute(text("SELECT 1 FROM workspaces WHERE slug = :s"), {"s": slug}).first()
        if found is None:
            raise AccountError(code="accounts.workspace_missing", workspace=slug)

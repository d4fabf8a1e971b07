"""Workspaces and their members (every workspace keeps an owner)."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import Connection, text
from sqlalchemy.exc import IntegrityError

from socialops.errors import AccountError
from socialops.store.db import Database, database_url, folder_id
from socialops.web.accounts.base import AccountsBase
from socialops.web.accounts.model import (
    MAIN,
    SLUG,
    LastOwnerError,
    Member,
    User,
    check_role,
    iso,
    now,
)

__all__ = ["Workspaces"]


def drop_workspace_database(root: Path) -> None:
    """On PostgreSQL: drop the schema of the workspace folder ``root`` (on SQLite its
    ``workspace.db`` goes with the folder)."""
    if database_url() is None or folder_id(root, create=False) is None:
        return
    Database.open(root, "workspace", upgrade=False).drop()


class Workspaces(AccountsBase):
    def add_workspace(self, slug: str, name: str, owner_id: int) -> None:
        if not SLUG.match(slug):
            raise AccountError(code="accounts.workspace_slug", workspace=slug)
        with self.begin() as conn:
            taken = conn.execute(text("SELECT 1 FROM workspaces WHERE slug = :s"), {"s": slug})
            if taken.first() is not None:
                raise AccountError(code="accounts.workspace_exists", workspace=slug)
            try:
                conn.execute(
                    text("INSERT INTO workspaces (slug, name, created_at) VALUES (:s, :n, :at)"),
                    {"s": slug, "n": name.strip()[:100] or slug, "at": iso(now())},
                )
            except IntegrityError:
                raise AccountError(code="accounts.workspace_exists", workspace=slug) from None
            conn.execute(
                text("INSERT INTO members (workspace, user_id, role) VALUES (:s, :u, 'owner')"),
                {"s": slug, "u": owner_id},
            )

    def rename_workspace(self, slug: str, name: str) -> None:
        name = name.strip()[:100]
        if not name:
            raise AccountError(code="accounts.workspace_name_empty")
        with self.connect() as conn:
            n = conn.execute(
                text("UPDATE workspaces SET name = :n WHERE slug = :s"), {"n": name, "s": slug}
            ).rowcount
        if not n:
            raise AccountError(code="accounts.workspace_missing", workspace=slug)

    def remove_workspace(self, slug: str) -> None:
        """Delete a workspace: its members, its database and its folder (``main`` stays)."""
        if slug == MAIN:
            raise AccountError(code="accounts.workspace_main_kept")
        with self.connect() as conn:
            n = conn.execute(text("DELETE FROM workspaces WHERE slug = :s"), {"s": slug}).rowcount
        if not n:
            raise AccountError(code="accounts.workspace_missing", workspace=slug)
        root = self.workspace_dir(slug)
        drop_workspace_database(root)
        shutil.rmtree(root, ignore_errors=True)

    def slugs(self) -> list[str]:
        """Every workspace's id, in order."""
        with self.connect() as conn:
            found = conn.execute(text("SELECT slug FROM workspaces ORDER BY slug")).scalars()
            return [str(s) for s in found]

    def workspaces_of(self, user_id: int) -> list[dict[str, str]]:
        with self.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT w.slug, w.name, m.role FROM members m JOIN workspaces w "
                    "ON w.slug = m.workspace WHERE m.user_id = :u ORDER BY w.slug"
                ),
                {"u": user_id},
            ).mappings()
            return [{"slug": r["slug"], "name": r["name"], "role": r["role"]} for r in rows]

    def workspace_name(self, slug: str) -> str | None:
        with self.connect() as conn:
            name = conn.execute(
                text("SELECT name FROM workspaces WHERE slug = :s"), {"s": slug}
            ).scalar()
        return str(name) if name is not None else None

    def role_of(self, user_id: int, slug: str) -> str | None:
        with self.connect() as conn:
            role = conn.execute(
                text("SELECT role FROM members WHERE workspace = :s AND user_id = :u"),
                {"s": slug, "u": user_id},
            ).scalar()
        return str(role) if role is not None else None

    def members(self, slug: str) -> list[Member]:
        with self.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT u.*, m.role FROM members m JOIN users u ON u.id = m.user_id "
                    "WHERE m.workspace = :s ORDER BY u.email"
                ),
                {"s": slug},
            ).mappings()
            return [Member(User.of(r), r["role"]) for r in rows]

    def set_member(self, slug: str, user_id: int, role: str) -> None:
        check_role(role)
        with self.begin() as conn:
            self._require_workspace(conn, slug)
            if role != "owner":
                self._keep_an_owner(conn, slug, user_id)
            conn.execute(
                text(
                    "INSERT INTO members (workspace, user_id, role) VALUES (:s, :u, :r) "
                    "ON CONFLICT (workspace, user_id) DO UPDATE SET role = excluded.role"
                ),
                {"s": slug, "u": user_id, "r": role},
            )

    def remove_member(self, slug: str, user_id: int) -> None:
        with self.begin() as conn:
            self._keep_an_owner(conn, slug, user_id)
            conn.execute(
                text("DELETE FROM members WHERE workspace = :s AND user_id = :u"),
                {"s": slug, "u": user_id},
            )

    @staticmethod
    def _keep_an_owner(conn: Connection, slug: str, user_id: int) -> None:
        """Inside a write transaction: refuse when ``user_id`` is the workspace's last owner."""
        owners = conn.execute(
            text("SELECT user_id FROM members WHERE workspace = :s AND role = 'owner'"),
            {"s": slug},
        ).scalars()
        if [int(o) for o in owners] == [user_id]:
            raise LastOwnerError()

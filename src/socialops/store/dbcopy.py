"""``socialops db copy``: move the SQLite databases of a folder to PostgreSQL, verified.

Copies a folder's ``workspace.db`` and, for a home folder, its ``accounts.db`` and the
``workspace.db`` of every workspace under ``workspaces/``, each into its schema on the target
(:mod:`socialops.store.db`). Both sides are first brought to the newest schema; the target must be
empty. Each database is copied in one transaction on the target, in foreign-key order, in batches;
integer id sequences are moved past the copied ids; then the rows of every table are counted on
both sides and any difference rolls the copy of that database back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Integer, MetaData, func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from socialops.errors import SettingsError, WorkspaceError
from socialops.store.db import Database, Kind, redacted_url

__all__ = ["CopyResult", "copy_folder", "databases_of"]

BATCH = 5_000
SQLITE = "sqlite://"


@dataclass
class CopyResult:
    """What one database's copy did."""

    kind: Kind
    source: str
    target: str
    tables: dict[str, int] = field(default_factory=dict)  # table -> rows (same on both sides)

    def public(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "source": self.source,
            "target": self.target,
            "tables": self.tables,
            "rows": sum(self.tables.values()),
        }


def databases_of(root: Path) -> list[tuple[Path, Kind]]:
    """The SQLite databases a copy of ``root`` moves: its own, and a home's workspaces'."""
    found: list[tuple[Path, Kind]] = []
    if (root / "accounts.db").is_file():
        found.append((root, "accounts"))
    if (root / "workspace.db").is_file():
        found.append((root, "workspace"))
    if (root / "accounts.db").is_file():
        for ws in sorted((root / "workspaces").glob("*/workspace.db")):
            found.append((ws.parent, "workspace"))
    return found


def copy_folder(root: Path, to_url: str) -> list[CopyResult]:
    """Copy every SQLite database of ``root`` to ``to_url`` (PostgreSQL)."""
    try:
        url = make_url(to_url)
    except Exception:
        raise SettingsError(code="db.bad_url") from None
    if url.get_backend_name() != "postgresql":
        raise SettingsError(code="db.not_postgres", url=redacted_url(to_url))
    if url.drivername != "postgresql+psycopg":
        url = url.set(drivername="postgresql+psycopg")
    target_url = url.render_as_string(hide_password=False)
    todo = databases_of(root)
    if not todo:
        raise WorkspaceError(code="db.no_source", root=root.name or str(root))
    return [_copy(folder, kind, target_url) for folder, kind in todo]


def _open(folder: Path, kind: Kind, url: str) -> Database:
    try:
        return Database.open(folder, kind, url=url, copying=True)
    except OperationalError as exc:
        where = redacted_url(url) if url != SQLITE else str(folder)
        detail = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        raise SettingsError(code="db.unreachable", where=where, detail=detail) from None


#: tables only SQLite has (the inbox's FTS5 search index, w0008): PostgreSQL searches through
#: its own trigram indexes, built by its migration, so they are not copied
SQLITE_ONLY = ("conversation_search", "conversations_fts")


def _copy(folder: Path, kind: Kind, target_url: str) -> CopyResult:
    source = _open(folder, kind, SQLITE)
    target = _open(folder, kind, target_url)
    result = CopyResult(kind, source.where, target.where)
    with source.connect() as src, target.begin() as dst:
        meta = MetaData()
        meta.reflect(bind=src)
        target_meta = MetaData()
        target_meta.reflect(bind=dst)
        tables = [
            t
            for t in meta.sorted_tables
            if t.name != "alembic_version" and not t.name.startswith(SQLITE_ONLY)
        ]
        for table in tables:  # nothing half-merged into somebody's data
            have = dst.execute(select(func.count()).select_from(target_meta.tables[table.name]))
            rows = int(have.scalar_one())
            if rows:
                raise WorkspaceError(
                    code="db.target_not_empty", where=target.where, table=table.name, rows=rows
                )
        for table in tables:
            out = target_meta.tables[table.name]
            names = [c.name for c in table.columns if c.name in out.columns]
            batch: list[dict[str, Any]] = []
            for row in src.execute(select(*(table.c[n] for n in names))).mappings():
                batch.append(dict(row))
                if len(batch) >= BATCH:
                    dst.execute(insert(out), batch)
                    batch = []
            if batch:
                dst.execute(insert(out), batch)
            for column in out.primary_key.columns:  # serial ids continue after the copied ones
                if isinstance(column.type, Integer) and len(out.primary_key.columns) == 1:
                    dst.execute(
                        text(
                            "SELECT setval(pg_get_serial_sequence(:t, :c), "
                            f'COALESCE((SELECT MAX("{column.name}") FROM "{out.name}"), 0) + 1, '
                            "false) WHERE pg_get_serial_sequence(:t, :c) IS NOT NULL"
                        ),
                        {"t": out.name, "c": column.name},
                    )
        for table in tables:
            n_src = int(src.execute(select(func.count()).select_from(table)).scalar_one())
            out = target_meta.tables[table.name]
            n_dst = int(dst.execute(select(func.count()).select_from(out)).scalar_one())
            if n_src != n_dst:
                raise WorkspaceError(
                    code="db.count_mismatch", table=table.name, source=n_src, target=n_dst
                )
            result.tables[table.name] = n_dst
    return result

"""A consistent copy of a workspace (or home) folder for tests that change their own copy, on
whichever database the tests run (``SOCIALOPS_DATABASE_URL``).

- **SQLite**: ``shutil.copytree`` over a live SQLite database races with its ``-wal``/``-shm``
  files, which vanish when the last connection closes (a connection collected by the garbage
  collector in the middle of the copy is enough). SQLite's online backup copies each database as
  one snapshot.
- **PostgreSQL**: a folder's databases are schemas named after its id (``database.id``). The copy
  gets ids of its own (the id files are not copied), and the rows of every table of each source
  schema (the workspace's and, for a home, the accounts') are copied into the copy's schemas
  through :class:`socialops.store.db.Database`, in one transaction each, with serial ids moved
  past the copied ones.
"""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from sqlalchemy import Integer, MetaData, insert, select, text

from socialops.store.db import ID_FILE, Database, Kind, database_url, folder_id, schema_prefix

SQLITE_FILES = ("*.db", "*.db-wal", "*.db-shm", "*.db-journal")
KINDS: tuple[Kind, ...] = ("accounts", "workspace")


def copy_workspace(src: Path, dest: Path, *ignore: str) -> Path:
    """Copy the folder ``src`` to ``dest`` (which must not exist), leaving out ``ignore``
    patterns; its databases as one snapshot each. Returns ``dest``."""
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns(*SQLITE_FILES, ID_FILE, *ignore))
    for db in sorted(src.rglob("*.db")):
        target = dest / db.relative_to(src)
        if not target.parent.is_dir():  # under an ignored folder
            continue
        with closing(sqlite3.connect(db)) as source, closing(sqlite3.connect(target)) as copy:
            source.backup(copy)
    if database_url() is None:
        return dest
    for id_file in sorted(src.rglob(ID_FILE)):
        folder = id_file.parent
        target = dest / folder.relative_to(src)
        if not target.is_dir():  # under an ignored folder
            continue
        for kind in KINDS:
            if _has_schema(folder, kind):
                _copy_schema(Database.open(folder, kind), Database.open(target, kind))
    return dest


def _has_schema(folder: Path, kind: Kind) -> bool:
    fid = folder_id(folder, create=False)
    if fid is None:
        return False
    schema = f"{schema_prefix()}_{fid}" + ("_accounts" if kind == "accounts" else "")
    probe = Database.open(folder, "workspace", upgrade=False)
    with probe.connect() as conn:
        found = conn.execute(
            text(
                "SELECT 1 FROM information_schema.tables WHERE table_schema = :s "
                "AND table_name = 'alembic_version'"
            ),
            {"s": schema},
        ).first()
    return found is not None


def _copy_schema(source: Database, target: Database) -> None:
    with source.connect() as src, target.begin() as dst:
        meta = MetaData()
        meta.reflect(bind=src)
        out_meta = MetaData()
        out_meta.reflect(bind=dst)
        for table in meta.sorted_tables:
            if table.name == "alembic_version":
                continue
            out = out_meta.tables[table.name]
            rows: list[dict[str, Any]] = [dict(r) for r in src.execute(select(table)).mappings()]
            if rows:
                dst.execute(insert(out), rows)
            keys = list(out.primary_key.columns)
            if len(keys) == 1 and isinstance(keys[0].type, Integer):
                dst.execute(
                    text(
                        "SELECT setval(pg_get_serial_sequence(:t, :c), "
                        f'COALESCE((SELECT MAX("{keys[0].name}") FROM "{out.name}"), 0) + 1, '
                        "false) WHERE pg_get_serial_sequence(:t, :c) IS NOT NULL"
                    ),
                    {"t": out.name, "c": keys[0].name},
                )

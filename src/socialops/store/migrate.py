"""Schema migrations of the two databases (Alembic, run programmatically: no ``alembic.ini``).

One script folder per database kind, ``store/migrations/accounts`` and
``store/migrations/workspace``;
:data:`HEADS` names the newest revision of each (a test checks it against the scripts), so that
checking a database is one query and Alembic is loaded only when there is something to apply.
Upgrades run inside :meth:`Database.begin`: two processes starting at once apply them once.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import Literal, Protocol

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, text

Kind = Literal["accounts", "workspace"]  # socialops.store.db.Kind


class Database(Protocol):
    """What migrating needs of a :class:`socialops.store.db.Database` (which imports this module
    when it migrates, so this module does not import it back)."""

    @property
    def kind(self) -> Kind: ...

    def connect(self) -> AbstractContextManager[Connection]: ...

    def begin(self) -> AbstractContextManager[Connection]: ...


__all__ = ["HEADS", "current", "heads_of_scripts", "upgrade"]

HEADS: dict[Kind, str] = {"accounts": "a0004", "workspace": "w0011"}
MIGRATIONS = Path(__file__).with_name("migrations")


def _config(kind: Kind, conn: Connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS / kind))
    cfg.attributes["connection"] = conn
    return cfg


def _version(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    return str(row[0]) if row else None


def current(db: Database) -> str | None:
    """The revision ``db`` is at (``None``: empty, or made by 0.1)."""
    with db.connect() as conn:
        return _version(conn)


def heads_of_scripts(kind: Kind) -> tuple[str, ...]:
    """The head revisions the migration scripts of ``kind`` declare."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS / kind))
    return tuple(ScriptDirectory.from_config(cfg).get_heads())


def upgrade(db: Database) -> list[str]:
    """Bring ``db`` to :data:`HEADS`; the revisions applied, oldest first."""
    if current(db) == HEADS[db.kind]:
        return []
    with db.begin() as conn:
        before = _version(conn)
        if before == HEADS[db.kind]:  # another process did it while we waited
            return []
        command.upgrade(_config(db.kind, conn), "head")
        script = ScriptDirectory.from_config(_config(db.kind, conn))
        applied = [
            rev.revision
            for rev in script.iterate_revisions(HEADS[db.kind], before)
            if rev.revision != before
        ]
    return list(reversed(applied))

"""The product's databases on SQLAlchemy 2: the accounts database of a home folder and the
workspace database (ledger) of each workspace folder.

Where they live:

- **SQLite (the default, zero set-up)**: ``<home>/accounts.db`` and ``<workspace>/workspace.db``,
  as in 0.1.
- **PostgreSQL** when ``SOCIALOPS_DATABASE_URL`` is set (``postgresql+psycopg://user@host/db``):
  one database for the accounts and every workspace, **one schema per folder**:
  ``<prefix>_<id>`` for a workspace and ``<prefix>_<id>_accounts`` for the accounts of a home,
  where ``<id>`` is the folder's id (``<folder>/database.id``, made on first use, so every process
  that opens the folder — two ``serve`` processes, the CLI — finds the same schemas) and the prefix
  is ``so`` (``SOCIALOPS_DATABASE_SCHEMA_PREFIX``). Why a schema per workspace rather than a
  workspace id column: a workspace's rows cannot leak into another's through a forgotten
  ``WHERE`` (each connection's ``search_path`` is its schema), the tables and migrations are the
  same on both databases, ``db copy`` maps a file to a schema one to one, and removing a workspace
  is ``DROP SCHEMA``.

Transactions: :meth:`Database.connect` gives a connection whose every statement commits on its
own (reads, single writes); :meth:`Database.begin` a write transaction, committed at the end of
the block and rolled back on any exception. Write transactions on one database are serialised
on both databases, as SQLite does (``BEGIN IMMEDIATE``; on PostgreSQL a transaction-level
advisory lock on the schema), so the read-check-write code written for SQLite (optimistic plan
versions, sign-in throttling, the import ledger) loses no update on PostgreSQL either.

Migrations: Alembic, one script folder per database kind
(``store/migrations/{accounts,workspace}``);
:meth:`Database.open` upgrades to the newest revision on first use in a process (``socialops db
upgrade`` does it explicitly). A 0.1 database (no ``alembic_version``) is adopted in place by the
first revision, which creates only what is missing.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DisconnectionError, IntegrityError

from socialops.errors import SettingsError, WorkspaceError
from socialops.store.private import private_db

__all__ = [
    "DATABASE_URL_ENV",
    "Database",
    "Kind",
    "database_url",
    "folder_id",
    "redacted_url",
]

Kind = Literal["accounts", "workspace"]  # also in socialops.store.migrate
DATABASE_URL_ENV = "SOCIALOPS_DATABASE_URL"
PREFIX_ENV = "SOCIALOPS_DATABASE_SCHEMA_PREFIX"
ID_FILE = "database.id"
FILES: dict[Kind, str] = {"accounts": "accounts.db", "workspace": "workspace.db"}
_ID = re.compile(r"^[a-z0-9]{6,32}$")
_PREFIX = re.compile(r"^[a-z][a-z0-9_]{0,20}$")

_engines: dict[str, Engine] = {}  # by URL (SQLite: by file)
_schemas: set[str] = set()  # PostgreSQL schemas made (or found) by this process
_lock = threading.Lock()


def database_url() -> str | None:
    """``SOCIALOPS_DATABASE_URL`` when set (a PostgreSQL URL), else ``None`` (SQLite files)."""
    url = os.environ.get(DATABASE_URL_ENV, "").strip()
    if not url:
        return None
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise SettingsError(code="db.bad_url") from None
    if parsed.get_backend_name() not in ("postgresql", "sqlite"):
        raise SettingsError(code="db.unsupported", backend=parsed.get_backend_name())
    if parsed.get_backend_name() == "postgresql" and parsed.drivername != "postgresql+psycopg":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def redacted_url(url: str) -> str:
    """``url`` with its password hidden, for messages and logs."""
    return make_url(url).render_as_string(hide_password=True)


def schema_prefix() -> str:
    prefix = os.environ.get(PREFIX_ENV, "so").strip().lower() or "so"
    if not _PREFIX.match(prefix):
        raise SettingsError(code="db.bad_prefix", value=prefix)
    return prefix


def folder_id(root: Path, *, create: bool = True) -> str | None:
    """The id of a home or workspace folder (``<root>/database.id``), made when missing."""
    path = root / ID_FILE
    with contextlib.suppress(FileNotFoundError):
        value = path.read_text().strip()
        if _ID.match(value):
            return value
    if not create:
        return None
    value = secrets.token_hex(6)
    tmp = root / f".{ID_FILE}.{os.getpid()}"
    tmp.write_text(value + "\n")
    try:  # the first process to make it wins; the others read the winner's
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    return folder_id(root, create=False)


def _file_key(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_dev, st.st_ino)


def _sqlite_engine(path: Path) -> Engine:
    """A small pool of connections to one SQLite file (opening one, with its pragmas, costs
    about as much as a page's queries). A pooled connection whose file was deleted or replaced
    since (a workspace removed and made again at the same path) is dropped on checkout, not
    used: it would read and write the old, unlinked file."""
    engine = create_engine(f"sqlite:///{path}", pool_size=4, max_overflow=16, pool_timeout=60)

    @event.listens_for(engine, "connect")
    def _connect(dbapi: Any, record: Any) -> None:
        dbapi.isolation_level = None  # statements commit on their own; BEGIN is ours
        cur = dbapi.cursor()
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()
        record.info["file"] = _file_key(path)

    @event.listens_for(engine, "checkout")
    def _checkout(_dbapi: Any, record: Any, _proxy: Any) -> None:
        if record.info.get("file") != _file_key(path):
            raise DisconnectionError("the database file was replaced")  # the pool reconnects

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        if conn.get_execution_options().get("socialops_write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _postgres_engine(url: str) -> Engine:
    """One pool per PostgreSQL database, shared by every schema (folder) a process opens: each
    checkout sets the connection's ``search_path`` to its folder's schema."""
    engine = create_engine(url, pool_size=4, max_overflow=8, pool_pre_ping=True)

    @event.listens_for(engine, "connect")
    def _connect(dbapi: Any, _record: Any) -> None:
        autocommit = dbapi.autocommit
        dbapi.autocommit = True
        with dbapi.cursor() as cur:
            cur.execute("SET TIME ZONE 'UTC'")
            # psycopg prepares a statement run 5 times; PostgreSQL then may switch it to a
            # generic plan, blind to the values: for a search (trigram index or the
            # updated_at walk, as the word's frequency decides) that plan was 1.6-3x slower
            # (27 -> 45 ms, 45 -> 72 ms), and it set the inbox API's p95
            cur.execute("SET plan_cache_mode = force_custom_plan")
        dbapi.autocommit = autocommit

    return engine


def _ensure_schema(engine: Engine, schema: str) -> None:
    key = f"{engine.url}#{schema}"
    if key in _schemas:
        return
    with engine.connect() as conn:
        auto = conn.execution_options(isolation_level="AUTOCOMMIT")
        try:
            auto.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        except IntegrityError:
            # two processes creating it at the same instant: PostgreSQL's IF NOT EXISTS is not
            # atomic (one of them meets the other's new row in pg_namespace); it is there now
            found = auto.execute(
                text("SELECT 1 FROM pg_namespace WHERE nspname = :s"), {"s": schema}
            ).first()
            if found is None:
                raise
    _schemas.add(key)


class Database:
    """One database: the accounts of a home folder or the ledger of a workspace folder."""

    def __init__(self, engine: Engine, kind: Kind, *, schema: str | None, path: Path | None):
        self.engine = engine
        self.kind: Kind = kind
        self.schema = schema  # PostgreSQL: the schema of this folder; SQLite: None
        self.path = path  # SQLite: the file; PostgreSQL: None
        self._lock_key = int.from_bytes(
            hashlib.sha256(f"{kind}:{schema or path}".encode()).digest()[:8], "big", signed=True
        )

    @classmethod
    def open(
        cls,
        root: Path,
        kind: Kind,
        *,
        url: str | None = None,
        upgrade: bool = True,
        copying: bool = False,
    ) -> Database:
        """The ``kind`` database of folder ``root`` (on ``url``, else ``SOCIALOPS_DATABASE_URL``,
        else the SQLite file in the folder), upgraded to the newest schema unless told not to.

        On PostgreSQL, a folder whose data is still in its SQLite file (and not yet in its
        schema) is refused, saying to copy it first, unless ``copying`` (``db copy``)."""
        url = url if url is not None else database_url()
        if url is None or make_url(url).get_backend_name() == "sqlite":
            path = root / FILES[kind]
            key = f"sqlite:{path}"
            with _lock:
                engine = _engines.get(key)
                if engine is None:
                    engine = _engines[key] = _sqlite_engine(path)
            private_db(path)  # the file and its -wal/-shm: 0600
            db = cls(engine, kind, schema=None, path=path)
        else:
            fid = folder_id(root)
            schema = f"{schema_prefix()}_{fid}" + ("_accounts" if kind == "accounts" else "")
            with _lock:
                engine = _engines.get(url)
                if engine is None:
                    engine = _engines[url] = _postgres_engine(url)
            _ensure_schema(engine, schema)
            db = cls(engine, kind, schema=schema, path=None)
            sqlite_file = root / FILES[kind]
            if not copying and sqlite_file.is_file() and db.revision() is None:
                raise WorkspaceError(code="db.sqlite_in_folder", file=sqlite_file.name)
        if upgrade:
            db.upgrade()
        return db

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @property
    def where(self) -> str:
        """Where it lives, for messages: the file, or the URL (no password) and schema."""
        if self.path is not None:
            return str(self.path)
        return f"{redacted_url(str(self.engine.url))} (schema {self.schema})"

    @contextlib.contextmanager
    def connect(self) -> Iterator[Connection]:
        """A connection whose statements commit one by one (use :meth:`begin` for several
        writes that must land together)."""
        with self.engine.connect() as conn:
            if self.schema is not None:
                conn = conn.execution_options(isolation_level="AUTOCOMMIT")
                conn.exec_driver_sql(f'SET search_path TO "{self.schema}"')
            yield conn

    @contextlib.contextmanager
    def begin(self) -> Iterator[Connection]:
        """A write transaction, serialised with every other write transaction on this database
        (SQLite ``BEGIN IMMEDIATE``; PostgreSQL an advisory lock), committed when the block
        ends and rolled back on any exception (Ctrl-C included)."""
        with self.engine.connect() as conn:
            conn = conn.execution_options(socialops_write=True)
            with conn.begin():
                if self.schema is not None:
                    conn.exec_driver_sql(f'SET search_path TO "{self.schema}"')
                    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": self._lock_key})
                yield conn

    def drop(self) -> None:
        """Remove this database: on PostgreSQL its schema (a workspace being deleted); on
        SQLite the file goes with its folder, so nothing here."""
        if self.schema is None:
            return
        with self.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE'
            )
        _schemas.discard(f"{self.engine.url}#{self.schema}")

    # -- migrations ----------------------------------------------------------------------------
    def revision(self) -> str | None:
        """The schema revision the database is at (``None``: new, or made by 0.1)."""
        from socialops.store import migrate  # alembic loads slowly: only when asked

        return migrate.current(self)

    def upgrade(self) -> list[str]:
        """Upgrade to the newest revision; the revisions applied (none when it is there: one
        cheap query, Alembic is loaded only when there is something to do)."""
        from socialops.store import migrate  # alembic loads slowly: only when needed

        return migrate.upgrade(self)


def _after_fork() -> None:
    """A forked child must not share its parent's pooled connections (SQLite file handles,
    PostgreSQL sockets): it drops them without closing them and opens its own."""
    for engine in list(_engines.values()):
        engine.dispose(close=False)


os.register_at_fork(after_in_child=_after_fork)


def dispose_all() -> None:
    """Close every pooled connection (tests; a process about to fork)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
        _schemas.clear()

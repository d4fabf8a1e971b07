"""The workspace folder: a ledger database plus Parquet files.

Layout of ``SOCIALOPS_HOME``::

    workspace.db          the ledger (SQLite by default; a PostgreSQL schema when
                          SOCIALOPS_DATABASE_URL is set, see socialops.store.db): imports, raw
                          parts, post keys, quarantine, enriched parts, topics, plans, metrics
    database.id           the folder's id (names its PostgreSQL schema)
    raw/<part>.parquet    canonical posts as imported (socialops.domain.post.POST_SCHEMA)
    enriched/month=YYYY-MM/<run>_<n>.parquet
                          enriched posts (ENRICHED_SCHEMA), Hive-partitioned by local month

Crash safety: a Parquet file is written under ``tmp/``, renamed into place, and only then
recorded in the ledger in the same transaction as its keys. A file that the ledger does not
know is an orphan of an interrupted run and :meth:`Workspace.recover` deletes it, so a rerun
finishes the job without duplicates. Until then readers never see it: they read the files the
ledger lists (:meth:`Workspace.enriched_files`), not what a glob of ``enriched/`` finds.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Connection, text

from socialops import settings
from socialops.errors import WorkspaceError
from socialops.store.db import Database
from socialops.store.private import private_dir

__all__ = ["Workspace"]


class Workspace:
    """A workspace folder. Create with :meth:`open`."""

    def __init__(self, root: Path, db: Database | None = None) -> None:
        self.root = root
        self.db_path = root / "workspace.db"  # the SQLite file (when not on PostgreSQL)
        self._db = db
        self.raw_dir = root / "raw"
        self.enriched_dir = root / "enriched"
        self.tmp_dir = root / "tmp"

    @classmethod
    def open(cls, path: str | Path | None = None, *, create: bool = True) -> Workspace:
        root = settings.workspace_dir(path)
        ws = cls(root)
        if not create and not ws.exists():
            raise WorkspaceError(code="workspace.missing", root=str(root))
        try:  # private to the account running socialops: folders 0700, the ledger 0600
            private_dir(root)
        except OSError as exc:
            raise WorkspaceError(
                code="workspace.cannot_create", root=str(root), detail=exc.strerror or str(exc)
            ) from exc
        for d in (ws.raw_dir, ws.enriched_dir, ws.tmp_dir):
            private_dir(d)
        ws._db = Database.open(root, "workspace")  # migrated to the newest schema
        return ws

    def exists(self) -> bool:
        """Whether the folder holds a workspace (its ledger file, or on PostgreSQL its id)."""
        return self.db_path.exists() or (self.root / "database.id").exists()

    @property
    def db(self) -> Database:
        """The workspace database (opened, and migrated, on first use)."""
        if self._db is None:
            self._db = Database.open(self.root, "workspace")
        return self._db

    def zone(self) -> str | None:
        """The time zone the enriched posts' local ``day`` and ``hour`` are in (that of the
        latest enrichment that recorded one); ``None`` before the first enrichment."""
        with self.connect() as conn:
            row = conn.execute(
                text(
                    "SELECT zone FROM enrich_runs WHERE zone IS NOT NULL "
                    "ORDER BY finished_at DESC LIMIT 1"
                )
            ).first()
        return str(row.zone) if row else None

    def connect(self) -> contextlib.AbstractContextManager[Connection]:
        """A connection to the ledger; each statement commits on its own."""
        return self.db.connect()

    def begin(self) -> contextlib.AbstractContextManager[Connection]:
        """A write transaction on the ledger, serialised with every other one, committed when
        the block ends and rolled back on any exception (Ctrl-C included)."""
        return self.db.begin()

    # -- files ---------------------------------------------------------------------------------
    def raw_path(self, part: str) -> Path:
        return self.raw_dir / f"{part}.parquet"

    def tmp_path(self, name: str) -> Path:
        return self.tmp_dir / name

    def committed_raw_parts(self, conn: Connection | None = None) -> list[str]:
        if conn is None:
            with self.connect() as own:
                return self.committed_raw_parts(own)
        return [r[0] for r in conn.execute(text("SELECT part FROM raw_parts ORDER BY part"))]

    def committed_enriched(self, conn: Connection | None = None) -> list[str]:
        """The enriched files the ledger has committed, relative to ``enriched/``."""
        if conn is None:
            with self.connect() as own:
                return self.committed_enriched(own)
        rels: set[str] = set()
        for (files,) in conn.execute(text("SELECT files FROM enrich_runs")):
            rels.update(json.loads(files))
        return sorted(rels)

    def enriched_files(self) -> list[Path]:
        """The enriched files every reader reads: those the ledger has committed (and that are
        on disk), never a file an interrupted enrichment moved into place before its commit.
        Asking the ledger, rather than running :meth:`recover` before a read, needs no writer
        lock: a reader never waits for an enrichment, nor deletes the files of one in flight."""
        files = (self.enriched_dir / rel for rel in self.committed_enriched())
        return sorted(p for p in files if p.is_file())

    def retired_enriched(self, conn: Connection | None = None) -> list[str]:
        """The enriched files a compaction replaced and keeps for their grace period
        (:mod:`socialops.store.compact`), relative to ``enriched/``: nobody starts reading them
        any more, but a reader that listed them just before may still be, with the caches made
        from them."""
        if conn is None:
            with self.connect() as own:
                return self.retired_enriched(own)
        return [r[0] for r in conn.execute(text("SELECT path FROM retired_files ORDER BY path"))]

    @contextlib.contextmanager
    def lock(self, what: str) -> Iterator[None]:
        """Hold the workspace's writer lock (one import or enrichment at a time)."""
        path = self.root / ".lock"
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        fh = open(fd, "a+")  # noqa: SIM115 - held for the duration of the context
        try:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise WorkspaceError(code="workspace.busy", what=what) from exc
            # who holds it, for readers (:meth:`settle_imports`); emptied on release
            fh.seek(0)
            fh.truncate()
            fh.write(f"{os.getpid()}\n")
            fh.flush()
            try:
                yield
            finally:
                with contextlib.suppress(OSError):
                    fh.seek(0)
                    fh.truncate()
        finally:
            fh.close()

    def lock_holder(self) -> int | None:
        """The id of the live process holding the writer lock (``None``: nobody, or a process
        that is gone: killed during an import or enrichment)."""
        try:
            text = (self.root / ".lock").read_text().strip()
        except OSError:
            return None
        return int(text) if text.isdigit() and _alive(int(text)) else None

    def settle_imports(self) -> int:
        """Mark the imports left ``running`` by a process that is gone (killed, or a server
        that crashed mid-upload) as ``interrupted``, as the next import would; their committed
        parts stay. A reader may call it: it takes no lock and changes nothing while the
        writer lock's holder lives. Returns how many it marked."""
        running = text("SELECT 1 FROM imports WHERE status = 'running'")
        with self.connect() as conn:
            if conn.execute(running).first() is None:
                return 0
        # under the ledger's write lock: an import that starts now writes its pid to the
        # lock file before it can record itself running, so it is either seen alive here
        # or records itself after this
        with self.begin() as conn:
            if conn.execute(running).first() is None or self.lock_holder() is not None:
                return 0
            return conn.execute(
                text("UPDATE imports SET status = 'interrupted' WHERE status = 'running'")
            ).rowcount

    def recover(self) -> dict[str, int]:
        """Delete what an interrupted run left behind; return how many files of each kind."""
        removed = {"tmp": 0, "raw": 0, "enriched": 0}
        if self.tmp_dir.exists():
            for p in self.tmp_dir.iterdir():
                if p.is_dir():
                    shutil.rmtree(p, ignore_errors=True)
                else:
                    p.unlink(missing_ok=True)
                removed["tmp"] += 1
        with self.connect() as conn:
            known_raw = set(self.committed_raw_parts(conn))
            known_enriched = set(self.committed_enriched(conn))
            # files a compaction replaced, kept for the readers that listed them just before
            known_enriched.update(self.retired_enriched(conn))
            # imports that never finished are marked interrupted (their committed parts stay)
            conn.execute(text("UPDATE imports SET status='interrupted' WHERE status='running'"))
        for p in self.raw_dir.glob("*.parquet"):
            if p.stem not in known_raw:
                p.unlink(missing_ok=True)
                removed["raw"] += 1
        for p in self.enriched_dir.glob("month=*/*.parquet"):  # every file, committed or not
            rel = os.path.relpath(p, self.enriched_dir)
            if rel not in known_enriched:
                p.unlink(missing_ok=True)
                removed["enriched"] += 1
        return removed


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie, killed and not yet reaped, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no /proc: os.kill said it exists
    return stat.rpartition(")")[2].split()[:1] != ["Z"]

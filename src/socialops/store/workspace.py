"""The workspace folder: a SQLite ledger plus Parquet files.

Layout of ``SOCIALOPS_HOME``::

    workspace.db          SQLite: imports, raw parts, post keys, quarantine, enriched parts
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
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from socialops import settings
from socialops.errors import WorkspaceError
from socialops.store.private import private_db, private_dir

__all__ = ["Workspace"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS imports (
    import_id     TEXT PRIMARY KEY,
    source_path   TEXT NOT NULL,
    source_sha256 TEXT NOT NULL,
    preset        TEXT NOT NULL,
    format        TEXT NOT NULL,
    encoding      TEXT,
    delimiter     TEXT,
    timezone      TEXT NOT NULL,
    topics        TEXT NOT NULL DEFAULT '[]',
    started_at    TEXT NOT NULL,
    finished_at   TEXT,
    status        TEXT NOT NULL,              -- running | done | interrupted | failed
    rows_read     INTEGER NOT NULL DEFAULT 0,
    imported      INTEGER NOT NULL DEFAULT 0,
    duplicates    INTEGER NOT NULL DEFAULT 0,
    quarantined   INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS raw_parts (
    part        TEXT PRIMARY KEY,             -- file name stem under raw/
    import_id   TEXT NOT NULL REFERENCES imports(import_id),
    seq         INTEGER NOT NULL,
    rows        INTEGER NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS post_keys (
    platform TEXT NOT NULL,
    post_id  TEXT NOT NULL,
    part     TEXT NOT NULL,
    PRIMARY KEY (platform, post_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS quarantine (
    source_sha256 TEXT NOT NULL,
    source_row    INTEGER NOT NULL,
    import_id     TEXT NOT NULL,
    source_file   TEXT NOT NULL,
    reason        TEXT NOT NULL,
    detail        TEXT,
    raw           TEXT,
    PRIMARY KEY (source_sha256, source_row)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS enrich_runs (
    run_id       TEXT PRIMARY KEY,
    pipeline     TEXT NOT NULL,               -- component versions that made it
    engine       TEXT NOT NULL,
    files        TEXT NOT NULL,               -- JSON list of paths relative to enriched/
    rows         INTEGER NOT NULL,
    started_at   TEXT NOT NULL,
    finished_at  TEXT NOT NULL,
    zone         TEXT                         -- IANA zone of the local day/hour it wrote
);
CREATE TABLE IF NOT EXISTS topics (
    name        TEXT PRIMARY KEY,
    query       TEXT NOT NULL,
    kind        TEXT NOT NULL,                -- brand | competitor | product | campaign
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS alert_runs (
    run_at      TEXT PRIMARY KEY,             -- when `socialops alerts` ran (UTC ISO)
    since       TEXT,                         -- the period start it looked from
    alerts      TEXT NOT NULL                 -- JSON list of the alert keys it reported
);
CREATE TABLE IF NOT EXISTS enriched_parts (
    raw_part     TEXT PRIMARY KEY REFERENCES raw_parts(part),
    run_id       TEXT NOT NULL REFERENCES enrich_runs(run_id),
    rows         INTEGER NOT NULL
);
"""


class Workspace:
    """A workspace folder. Create with :meth:`open`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.db_path = root / "workspace.db"
        self.raw_dir = root / "raw"
        self.enriched_dir = root / "enriched"
        self.tmp_dir = root / "tmp"

    @classmethod
    def open(cls, path: str | Path | None = None, *, create: bool = True) -> Workspace:
        root = settings.workspace_dir(path)
        ws = cls(root)
        if not create and not ws.db_path.exists():
            raise WorkspaceError(
                f"No workspace at {root}: run `socialops import FILE --preset NAME` first, "
                "or point --workspace / SOCIALOPS_HOME at an existing one."
            )
        try:  # private to the account running socialops: folders 0700, the ledger 0600
            private_dir(root)
        except OSError as exc:
            raise WorkspaceError(f"Cannot create the workspace folder {root}: {exc}") from exc
        for d in (ws.raw_dir, ws.enriched_dir, ws.tmp_dir):
            private_dir(d)
        private_db(ws.db_path)
        with ws.connect() as conn:
            conn.executescript(_SCHEMA)
            cols = {r["name"] for r in conn.execute("PRAGMA table_info(enrich_runs)")}
            if "zone" not in cols:  # a workspace made before zones were recorded
                conn.execute("ALTER TABLE enrich_runs ADD COLUMN zone TEXT")
        return ws

    def zone(self) -> str | None:
        """The time zone the enriched posts' local ``day`` and ``hour`` are in (that of the
        latest enrichment that recorded one); ``None`` before the first enrichment."""
        with self.connect() as conn:
            row = conn.execute(
                "SELECT zone FROM enrich_runs WHERE zone IS NOT NULL "
                "ORDER BY finished_at DESC LIMIT 1"
            ).fetchone()
        return str(row["zone"]) if row else None

    def connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.db_path, timeout=30, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.row_factory = sqlite3.Row
        return conn

    @contextlib.contextmanager
    def transaction(self, conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception (Ctrl-C included)."""
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    # -- files ---------------------------------------------------------------------------------
    def raw_path(self, part: str) -> Path:
        return self.raw_dir / f"{part}.parquet"

    def tmp_path(self, name: str) -> Path:
        return self.tmp_dir / name

    def committed_raw_parts(self, conn: sqlite3.Connection | None = None) -> list[str]:
        own = conn is None
        c = conn or self.connect()
        try:
            return [r[0] for r in c.execute("SELECT part FROM raw_parts ORDER BY part")]
        finally:
            if own:
                c.close()

    def committed_enriched(self, conn: sqlite3.Connection | None = None) -> list[str]:
        """The enriched files the ledger has committed, relative to ``enriched/``."""
        own = conn is None
        c = conn or self.connect()
        try:
            rels: set[str] = set()
            for (files,) in c.execute("SELECT files FROM enrich_runs"):
                rels.update(json.loads(files))
            return sorted(rels)
        finally:
            if own:
                c.close()

    def enriched_files(self) -> list[Path]:
        """The enriched files every reader reads: those the ledger has committed (and that are
        on disk), never a file an interrupted enrichment moved into place before its commit.
        Asking the ledger, rather than running :meth:`recover` before a read, needs no writer
        lock: a reader never waits for an enrichment, nor deletes the files of one in flight."""
        files = (self.enriched_dir / rel for rel in self.committed_enriched())
        return sorted(p for p in files if p.is_file())

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
                raise WorkspaceError(
                    f"The workspace {self.root} is busy with another import or enrichment; "
                    f"wait for it to finish, then run {what} again."
                ) from exc
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
        running = "SELECT 1 FROM imports WHERE status = 'running'"
        with contextlib.closing(self.connect()) as conn:
            if conn.execute(running).fetchone() is None:
                return 0
            # under the ledger's write lock: an import that starts now writes its pid to the
            # lock file before it can record itself running, so it is either seen alive here
            # or records itself after this
            with self.transaction(conn):
                if conn.execute(running).fetchone() is None or self.lock_holder() is not None:
                    return 0
                return conn.execute(
                    "UPDATE imports SET status = 'interrupted' WHERE status = 'running'"
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
        with contextlib.closing(self.connect()) as conn:
            known_raw = set(self.committed_raw_parts(conn))
            known_enriched = set(self.committed_enriched(conn))
            # imports that never finished are marked interrupted (their committed parts stay)
            conn.execute("UPDATE imports SET status='interrupted' WHERE status='running'")
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

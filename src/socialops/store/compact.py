"""Store compaction: a month's many small enriched files merged into a few, as Delta Lake's
``OPTIMIZE`` and Iceberg's ``rewrite_data_files`` do.

Every import writes at least one enriched file per month it touches, so a team server taking
small uploads all day (a 5-row CSV from the API, the inbox's exports) ends up with thousands of
tiny Parquet files. Every reader pays per file: DuckDB opens each one and keeps its footer
(``parquet_metadata_cache``, about 85 KB a file a connection), the query plans list them all,
and the per-file caches (topic matches, keyword rollups, the post-text index) hold one entry
each. Compaction keeps the number of files near the number of months.

A month is compacted when it holds at least ``min_files`` *small* files (under
:data:`SMALL_ROWS` rows each; bulk imports' files are left as they are). Its small files are
merged, sorted by time as enrichment sorts them, into files of at most :data:`TARGET_ROWS`
rows — the rows themselves unchanged, byte for byte the same values, so every query on either
engine answers the same. The steps:

1. **Merge, without the writer lock** (imports and uploads go on): under a lock of its own
   (``.compact.lock``, one compaction at a time), the chosen files are read and the merged
   files written under ``compacting/`` (not ``tmp/``, which an import clears) — in a child
   process when ``isolate`` (the server's periodic run: the merge's native memory is the
   child's and goes with it).
2. **Swap, under the writer lock** (held for milliseconds): each chosen file must still be
   committed and unchanged (a personal-data erasure that rewrote one in the meantime makes this
   compaction give up, harmlessly); the merged files are renamed into ``enriched/`` and, in one
   ledger transaction, a ``compaction`` run lists them, the runs they came from no longer list
   the old files, and the old files are recorded in ``retired_files``. Killed before the
   commit, the renamed files are orphans that readers never see and the next writer's
   :meth:`~socialops.store.workspace.Workspace.recover` deletes; killed after, the old files
   wait in ``retired_files``.
3. **Retire**: a reader lists the ledger's files and reads them a moment later, so the old
   files stay on disk for :data:`GRACE_S` seconds and are deleted by a later compaction or
   enrichment (:func:`purge_retired`); an erasure deletes them at once (they may hold what it
   erases).

The per-file caches of the old files (topic matches, keyword rollups) stay while the files do
(a reader may be reading them too) and go with them; the merged files' are built on first use.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from sqlalchemy import Connection, text

from socialops import settings
from socialops.errors import SettingsError, WorkspaceError
from socialops.store.durable import fsync_dir, fsync_file
from socialops.store.private import private_dir
from socialops.store.workspace import Workspace

__all__ = [
    "GRACE_S",
    "SMALL_ROWS",
    "TARGET_ROWS",
    "CompactResult",
    "compact",
    "plan",
    "purge_retired",
]

SMALL_ROWS = 50_000  # a file with fewer rows is small (enrichment writes up to 122,880 a group)
TARGET_ROWS = 250_000  # rows of a merged file at most
GRACE_S = 600.0  # seconds a replaced file stays on disk for the readers that listed it
LOCK_WAIT_S = 10.0  # how long the swap waits for the writer lock (an import holding it)
CHILD_TIMEOUT_S = 3600.0  # an isolated merge taking longer is stopped (and tried again later)
STAGING = "compacting"
_RAISED = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Interrupt)\b.*: ")
RUN_PREFIX = "compact-"


@dataclass
class CompactResult:
    """What one compaction did. ``files_before``/``files_after``: the committed enriched files
    of the workspace; ``merged``: files replaced; ``written``: files that replaced them."""

    run_id: str | None = None
    months: list[str] = field(default_factory=list)
    files_before: int = 0
    files_after: int = 0
    merged: int = 0
    written: int = 0
    rows: int = 0
    purged: int = 0
    skipped: str | None = None  # why nothing was swapped: "busy", "changed", "compacting"
    elapsed_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class _Group:
    """Files of one month merged into one new file."""

    month: str  # "month=YYYY-MM"
    sources: tuple[str, ...]  # relative to enriched/
    rows: int


def min_files() -> int:
    """The ``compact_min_files`` setting: how many small files a month must hold before it is
    compacted (0: never compact on its own)."""
    raw = settings.get("compact_min_files").strip()
    if not raw.isdigit():
        raise SettingsError(code="compact.bad_setting", value=raw[:40])
    return int(raw)


def plan(ws: Workspace, min_files: int = 8) -> list[_Group]:
    """The groups a compaction would merge now: per month with at least ``min_files`` small
    files, those files in runs of at most :data:`TARGET_ROWS` rows (a run of one file is left)."""
    by_month: dict[str, list[tuple[str, int]]] = {}
    for rel in ws.committed_enriched():
        path = ws.enriched_dir / rel
        try:
            rows = pq.ParquetFile(path).metadata.num_rows
        except (OSError, ValueError):
            continue  # gone (an erasure's rename in between) or unreadable: left alone
        if rows < SMALL_ROWS:
            by_month.setdefault(rel.split("/", 1)[0], []).append((rel, rows))
    groups: list[_Group] = []
    for month, files in sorted(by_month.items()):
        if len(files) < max(2, min_files):
            continue
        run: list[tuple[str, int]] = []
        for item in files:
            if run and sum(n for _, n in run) + item[1] > TARGET_ROWS:
                groups.append(_Group(month, tuple(r for r, _ in run), sum(n for _, n in run)))
                run = []
            run.append(item)
        if len(run) > 1:
            groups.append(_Group(month, tuple(r for r, _ in run), sum(n for _, n in run)))
    return groups


def merge_files(sources: list[str], target: str, spill: str) -> int:
    """Merge the Parquet files ``sources`` into ``target``, sorted as enrichment sorts them
    (bounded memory: DuckDB spills to ``spill``; one thread: a background job). Returns the rows
    written. Runs in a child process when the compaction is isolated."""
    import duckdb

    con = duckdb.connect()
    try:
        con.execute("SET threads = 1")
        con.execute("SET memory_limit = '512MB'")
        con.execute("SET preserve_insertion_order = false")
        con.execute("SET temp_directory = '" + spill.replace("'", "''") + "'")
        listed = ", ".join("'" + s.replace("'", "''") + "'" for s in sources)
        out = target.replace("'", "''")
        con.execute(
            f"COPY (SELECT * FROM read_parquet([{listed}], hive_partitioning = false) "
            "ORDER BY created_at, platform, post_id) "
            f"TO '{out}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)"
        )
    finally:
        con.close()
    fsync_file(Path(target))  # on disk before it is renamed into the store
    return int(pq.ParquetFile(target).metadata.num_rows)


def _merge_all(jobs: list[tuple[list[str], str, str]], isolate: bool) -> list[int]:
    """Each job merged; ``isolate``: in a child interpreter of low priority (``nice`` 10) that
    imports this module only, so that the merge's native memory is never the server's."""
    if not isolate:
        return [merge_files(*job) for job in jobs]
    proc = subprocess.run(
        [sys.executable, "-c", "from socialops.store.compact import merge_main; merge_main()"],
        input=json.dumps(jobs),
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT_S,
        check=False,
    )
    if proc.returncode != 0:
        # the exception's own line ("duckdb.IOException: ..."), not the traceback's carets
        said = [ln for ln in proc.stderr.splitlines() if _RAISED.match(ln)]
        last = said[-1] if said else f"exit status {proc.returncode}"
        raise WorkspaceError(code="compact.merge_failed", detail=last[:300])
    rows: list[int] = json.loads(proc.stdout)
    return rows


def merge_main() -> None:
    """The child's side of :func:`_merge_all`: jobs as JSON on stdin, the rows as JSON out."""
    with contextlib.suppress(OSError):
        os.nice(10)
    jobs = json.loads(sys.stdin.read())
    print(json.dumps([merge_files(*job) for job in jobs]))


@contextlib.contextmanager
def _own_lock(ws: Workspace) -> Iterator[bool]:
    """One compaction of a workspace at a time (yields False when another one runs)."""
    fd = os.open(ws.root / ".compact.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


@contextlib.contextmanager
def _writer_lock(ws: Workspace, wait_s: float) -> Iterator[bool]:
    """The workspace's writer lock, waited for up to ``wait_s`` seconds (False: still busy)."""
    deadline = time.monotonic() + wait_s
    with contextlib.ExitStack() as stack:
        while True:
            try:
                stack.enter_context(ws.lock("compaction"))
                held = True
                break
            except WorkspaceError as exc:
                if exc.code != "workspace.busy":
                    raise
                if time.monotonic() >= deadline:
                    held = False
                    break
            time.sleep(0.2)
        yield held


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def compact(
    ws: Workspace,
    *,
    min_files: int = 8,
    isolate: bool = False,
    grace_s: float = GRACE_S,
    lock_wait_s: float = LOCK_WAIT_S,
) -> CompactResult:
    """Merge each month's small files (see the module's docstring); returns what it did.
    Retired files older than ``grace_s`` are deleted first."""
    t0 = time.perf_counter()
    out = CompactResult()
    with _own_lock(ws) as mine:
        if not mine:
            out.skipped = "compacting"
            return out
        out.purged = purge_retired(ws, grace_s)
        stage = ws.root / STAGING
        shutil.rmtree(stage, ignore_errors=True)  # what a killed compaction left
        groups = plan(ws, min_files)
        out.files_before = len(ws.committed_enriched())
        out.files_after = out.files_before
        if not groups:
            out.elapsed_s = round(time.perf_counter() - t0, 3)
            return out
        private_dir(stage)
        run_id = RUN_PREFIX + datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-"
        run_id += uuid.uuid4().hex[:8]
        stamps = {rel: _stamp(ws.enriched_dir / rel) for g in groups for rel in g.sources}
        names = [f"{g.month}/{run_id}_{k}.parquet" for k, g in enumerate(groups)]
        jobs = [
            (
                [str(ws.enriched_dir / rel) for rel in g.sources],
                str(stage / f"{k}.parquet"),
                str(stage / "spill"),
            )
            for k, g in enumerate(groups)
        ]
        try:
            rows = _merge_all(jobs, isolate)
            if rows != [g.rows for g in groups]:  # the files changed while they were read
                out.skipped = "changed"
                return out
            with _writer_lock(ws, lock_wait_s) as held:
                if not held:
                    out.skipped = "busy"
                    return out
                # what a killed run left (a merged file renamed in but never committed)
                ws.recover()
                if not _unchanged(ws, stamps):
                    out.skipped = "changed"
                    return out
                _swap(ws, run_id, groups, names, stage)
        finally:
            shutil.rmtree(stage, ignore_errors=True)
        _files_changed(ws)
        out.run_id = run_id
        out.months = sorted({g.month.removeprefix("month=") for g in groups})
        out.merged = sum(len(g.sources) for g in groups)
        out.written = len(groups)
        out.rows = sum(rows)
        out.files_after = len(ws.committed_enriched())
        out.elapsed_s = round(time.perf_counter() - t0, 3)
        return out


def _unchanged(ws: Workspace, stamps: dict[str, tuple[int, int] | None]) -> bool:
    committed = set(ws.committed_enriched())
    return all(
        rel in committed and stamp is not None and _stamp(ws.enriched_dir / rel) == stamp
        for rel, stamp in stamps.items()
    )


def _swap(ws: Workspace, run_id: str, groups: list[_Group], names: list[str], stage: Path) -> None:
    """Under the writer lock: the merged files into place and the ledger told, in one commit."""
    moved: list[Path] = []
    try:
        for k, name in enumerate(names):
            dest = ws.enriched_dir / name
            dest.parent.mkdir(exist_ok=True)
            os.replace(stage / f"{k}.parquet", dest)
            moved.append(dest)
        for folder in {p.parent for p in moved}:
            fsync_dir(folder)
        with ws.begin() as conn:
            _commit(conn, run_id, groups, names)
    except BaseException:
        for p in moved:  # never committed: readers never saw them
            p.unlink(missing_ok=True)
        raise


def _commit(conn: Connection, run_id: str, groups: list[_Group], names: list[str]) -> None:
    gone = {rel for g in groups for rel in g.sources}
    for rid, files in conn.execute(text("SELECT run_id, files FROM enrich_runs")).all():
        listed = json.loads(files)
        kept = [f for f in listed if f not in gone]
        if len(kept) != len(listed):
            conn.execute(
                text("UPDATE enrich_runs SET files = :files WHERE run_id = :run_id"),
                {"files": json.dumps(kept), "run_id": rid},
            )
    now = _now()
    conn.execute(
        text(
            "INSERT INTO enrich_runs (run_id, pipeline, engine, files, rows, started_at, "
            "finished_at, zone) VALUES (:run_id, 'compaction', 'duckdb', :files, :rows, "
            ":now, :now, NULL)"
        ),
        {"run_id": run_id, "files": json.dumps(names), "rows": sum(g.rows for g in groups),
         "now": now},
    )  # fmt: skip
    conn.execute(
        text("INSERT INTO retired_files (path, retired_at, run_id) VALUES (:p, :at, :run)"),
        [{"p": rel, "at": now, "run": run_id} for rel in sorted(gone)],
    )


def purge_retired(ws: Workspace, grace_s: float = GRACE_S) -> int:
    """Delete the replaced files retired at least ``grace_s`` seconds ago (0: all of them, as
    an erasure does); returns how many were deleted."""
    cutoff = datetime.now(UTC) - timedelta(seconds=grace_s)
    with ws.connect() as conn:
        rows = conn.execute(text("SELECT path, retired_at FROM retired_files")).all()
    due = [p for p, at in rows if grace_s <= 0 or datetime.fromisoformat(at) <= cutoff]
    if not due:
        return 0
    for rel in due:  # the file first: a crash in between leaves a row whose file is gone
        (ws.enriched_dir / rel).unlink(missing_ok=True)
    with ws.begin() as conn:
        conn.execute(text("DELETE FROM retired_files WHERE path = :p"), [{"p": p} for p in due])
    return len(due)


def _files_changed(ws: Workspace) -> None:
    # lazy: the merge's child process imports this module, and the text index's imports
    # (the analytics store, the query language) are not what a merge needs
    from socialops.store.texts import files_changed

    files_changed(ws)

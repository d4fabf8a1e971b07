"""Running the enrichment pipeline over a workspace: a local process pool or Spark.

Both runners call :func:`socialops.nlp.pipeline.enrich_batches` and write the same rows:

1. pending = raw parts the ledger has not enriched yet (incremental);
2. enrich them — locally in slices over a process pool, or on Spark with ``mapInArrow`` — into
   staging files under ``tmp/``;
3. lay the rows out by local month (Hive ``month=YYYY-MM``), sorted by time, with DuckDB (local:
   a pool's workers each lay out a share of the months, as DuckDB writes a partitioned file on
   one core) or Spark's writer (Spark), still under ``tmp/``;
4. move the files into ``enriched/`` and record the run and its raw parts in ONE write
   transaction of the workspace database (:meth:`Workspace.begin`, SQLite or PostgreSQL).

A crash before step 4 commits leaves only files the ledger does not know; readers never see them
(they read the ledger's list), ``Workspace.recover`` removes them and a rerun does the work
again. Nothing is enriched twice.

Pool workers are forked by a fork server that has loaded Kiwi once
(:mod:`socialops.sources.enrich_pool`; spawned where there are no fork servers). They die with
the process that started the pool, however it ends (``kill -9`` included): each worker asks
Linux for SIGKILL when its own parent dies (``prctl(PR_SET_PDEATHSIG)``; its parent is the fork
server, which exits when the pool's process has gone; elsewhere a thread watches the parent)
and records its pid and start time in ``<workspace>/.enrich-workers``; the next enrichment
kills any process listed there that is still the same pool worker (same start time, a
multiprocessing command line) before it cleans up. multiprocessing's resource
tracker exits by itself once the parent and the workers are gone (its pipe closes).
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import multiprocessing.util
import os
import shutil
import signal
import sys
import threading
import time
import types
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from socialops import settings
from socialops.domain.post import ENRICHED_SCHEMA, POST_SCHEMA
from socialops.errors import EnrichError, SettingsError, WorkspaceError
from socialops.nlp.pipeline import enrich_batch, enrich_batches, pipeline_id
from socialops.sources.enrich_pool import detach_from_server, pool_context

if TYPE_CHECKING:
    from socialops.store.workspace import Workspace

# The pool workers import this module: the database and store modules (SQLAlchemy: a
# third of a second per worker) are imported inside the functions only the parent runs.

__all__ = ["EnrichResult", "enrich_workspace", "rebuild"]

SLICE_ROWS = 4000  # the largest slice a task enriches
MIN_SLICE_ROWS = 500  # the smallest, at the end of a pool run (see _slices)
Progress = Callable[[int, int], None]
WORKERS_FILE = ".enrich-workers"  # in the workspace folder: "<pid> <start time>" per worker
_PR_SET_PDEATHSIG = 1


@dataclass
class EnrichResult:
    run_id: str | None
    engine: str
    raw_parts: int
    rows: int
    files: int
    pipeline: str
    elapsed_s: float
    rows_per_s: float

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _pending(ws: Workspace) -> list[tuple[str, int]]:
    from sqlalchemy import text

    with ws.connect() as conn:
        return [
            (str(r[0]), int(r[1]))
            for r in conn.execute(
                text(
                    "SELECT p.part, p.rows FROM raw_parts p "
                    "LEFT JOIN enriched_parts e ON e.raw_part = p.part "
                    "WHERE e.raw_part IS NULL ORDER BY p.part"
                )
            )
        ]


# -- local process pool ------------------------------------------------------------------------
def _die_with_parent(parent: int) -> None:
    """Make this pool worker end when ``parent`` (the process running the pool) does.

    The worker's own parent is ``parent`` (spawn) or the pool's fork server, a child of
    ``parent`` that exits as soon as ``parent`` is gone (the pipe it watches closes). On Linux
    the kernel sends SIGKILL when the worker's own parent ends (the parent THREAD that started
    it ending counts: the pool is started by the thread that waits for it, and the fork server
    has one thread); elsewhere a thread watches it. Checked once after arming, for a parent
    that died in between."""
    armed = False
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    own_parent = os.getppid()
    if own_parent == 1 or not _pid_alive(parent):
        os._exit(1)
    if not armed:

        def watch() -> None:
            while os.getppid() == own_parent:
                time.sleep(1.0)
            os._exit(1)

        threading.Thread(target=watch, name="socialops-parent-watch", daemon=True).start()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _start_time(pid: int) -> float | None:
    """When process ``pid`` started (``None`` when there is no such process): on Linux the
    clock ticks since boot of ``/proc/<pid>/stat`` (exact, whatever the wall clock does)."""
    import psutil

    stat = Path(f"/proc/{pid}/stat")
    if sys.platform.startswith("linux"):
        try:
            fields = stat.read_text(encoding="ascii", errors="replace").rpartition(")")[2].split()
            return float(fields[19])  # field 22, starttime (fields after "pid (comm)")
        except (OSError, IndexError, ValueError):
            return None
    try:
        return float(psutil.Process(pid).create_time())
    except (psutil.Error, OSError):
        return None


def record_worker(path: Path, pid: int) -> None:
    """Append ``pid`` and its start time to the workspace's list of pool workers (one short
    ``O_APPEND`` write: atomic between workers)."""
    started = _start_time(pid)
    if started is None:
        return
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, f"{pid} {started!r}\n".encode())
        finally:
            os.close(fd)


def reap_leftover_workers(ws: Workspace) -> int:
    """Kill the pool workers an enrichment that did not end cleanly left running, and forget
    the list; returns how many were killed. A listed pid is killed only while it is still the
    process that was recorded: same start time and a multiprocessing worker's command line.
    Call with the workspace lock held (no enrichment of this workspace is running)."""
    import psutil

    path = ws.root / WORKERS_FILE
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return 0
    killed = 0
    for line in lines:
        try:
            pid_text, started_text = line.split()
            pid, started = int(pid_text), float(started_text)
        except ValueError:
            continue
        if pid == os.getpid() or _start_time(pid) != started:
            continue
        try:
            proc = psutil.Process(pid)
            if not _is_pool_worker(" ".join(proc.cmdline())):
                continue
            proc.kill()
            killed += 1
        except (psutil.Error, OSError):
            continue
        _wait_gone(proc)
    path.unlink(missing_ok=True)
    return killed


def _is_pool_worker(cmdline: str) -> bool:
    """A multiprocessing worker's command line: spawned (``spawn_main``) or forked by a fork
    server (which has the server's command line)."""
    return "spawn_main" in cmdline or "multiprocessing.forkserver" in cmdline


def _wait_gone(proc: Any, timeout: float = 5.0) -> None:
    """Wait until a killed process has stopped (gone, or a zombie nobody reaped yet)."""
    import psutil

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if proc.status() == psutil.STATUS_ZOMBIE:
                return
        except psutil.Error:
            return
        time.sleep(0.05)


def _pool_worker_init(tz: str, parent: int, workers_file: str) -> None:
    """Initializer of each pool worker: tie it to its parent, record it, load the models, and
    arrange a quick exit."""
    detach_from_server()
    _die_with_parent(parent)
    record_worker(Path(workers_file), os.getpid())
    _warm(tz)
    # multiprocessing runs the "atexit" finalizers of a worker when it leaves its loop; this
    # one, of the lowest priority, runs last and ends the process at once. A normal interpreter
    # exit (tearing down Kiwi, the models and every module) took 0.8 s per worker, which the
    # parent spent waiting to join it. A worker leaves its loop only when the pool shuts down:
    # its results are already written (synchronously, to the result pipe; its slices closed).
    multiprocessing.util.Finalize(None, _exit_now, exitpriority=-1000)


def _exit_now() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(0)


def _warm(tz: str) -> None:
    """Load Kiwi and the models once per worker process, before the first slice."""
    batch = pa.RecordBatch.from_pylist(
        [
            {
                "platform": "warm",
                "post_id": "0",
                "kind": "post",
                "text": "준비 완료 ready",
                "source_file": "-",
                "source_row": 1,
                "import_id": "-",
            }
        ],
        schema=POST_SCHEMA,
    )
    enrich_batch(batch, tz)


# the raw part a pool worker read last: its next slice is usually of the same part
_raw_cache: tuple[str, pa.Table] | None = None


def _read_raw(raw_path: str) -> pa.Table:
    global _raw_cache
    if _raw_cache is None or _raw_cache[0] != raw_path:
        _raw_cache = None  # let the old table go before reading the new one
        _raw_cache = (raw_path, pq.read_table(raw_path, schema=POST_SCHEMA))
    return _raw_cache[1]


def _enrich_slice(
    raw_path: str, offset: int, length: int, out_path: str, tz: str
) -> tuple[int, str, dict[str, int]]:
    """Enrich rows ``offset`` … ``offset + length`` of a raw part into ``out_path``; returns the
    rows written, the pipeline id (so the parent never loads the models to learn it) and the
    rows of each local month (to share the layout out)."""
    table = _read_raw(raw_path).slice(offset, length)
    rows = 0
    months: Counter[str] = Counter()
    # staging only (the layout rewrites it with zstd): LZ4 writes and reads back faster
    with pq.ParquetWriter(out_path, ENRICHED_SCHEMA, compression="lz4") as w:
        for b in enrich_batches(table.to_batches(max_chunksize=1000), tz):
            w.write_batch(b)
            rows += b.num_rows
            months.update(b.column("month").to_pylist())
    return rows, pipeline_id(), dict(months)


def _slices(pending: list[tuple[str, int]], workers: int) -> list[tuple[str, int, int]]:
    """``(part, offset, length)`` of every task, in order. One process: slices of
    ``SLICE_ROWS``. A pool: the same until the rows left are few, then smaller and smaller
    slices (guided scheduling: half of each worker's share of what is left, down to
    ``MIN_SLICE_ROWS``), so that the workers finish together instead of one of them enriching
    a last full slice alone while the other cores wait."""
    out: list[tuple[str, int, int]] = []
    left = sum(n for _, n in pending)
    smallest = min(MIN_SLICE_ROWS, SLICE_ROWS)
    for part, nrows in pending:
        if nrows <= 0:
            out.append((part, 0, 0))
            continue
        off = 0
        while off < nrows:
            size = SLICE_ROWS
            if workers > 1:
                size = min(SLICE_ROWS, max(smallest, -(-left // (2 * workers))))
            size = min(size, nrows - off)
            out.append((part, off, size))
            off += size
            left -= size
    return out


def _run_local(
    ws: Workspace,
    pending: list[tuple[str, int]],
    stage: Path,
    out: Path,
    run_id: str,
    tz: str,
    workers: int,
    progress: Progress | None,
) -> tuple[int, str]:
    """Enrich ``pending`` into ``stage``, then lay the rows out into ``out``; returns the rows
    and the pipeline id."""
    tasks = []
    counters: dict[str, int] = {}
    for part, off, length in _slices(pending, workers):
        k = counters[part] = counters.get(part, -1) + 1
        tasks.append(
            (str(ws.raw_path(part)), off, length, str(stage / f"{part}-{k:05d}.parquet"), tz)
        )
    total = sum(n for _, n in pending)
    done = 0
    if workers <= 1:
        global _raw_cache
        _warm(tz)
        try:
            for t in tasks:
                done += _enrich_slice(*t)[0]
                if progress:
                    progress(done, total)
        finally:
            _raw_cache = None  # this process lives on (the web, tests): keep no raw part
        _layout_duckdb(ws, stage, out, run_id)
        return done, pipeline_id()
    try:
        return _pool_run(
            tasks, tz, workers, total, progress, ws.root / WORKERS_FILE, (ws, stage, out, run_id)
        )
    except BrokenProcessPool as exc:
        raise EnrichError(code="enrich.worker_died") from exc


@contextlib.contextmanager
def _main_module_hidden() -> Iterator[None]:
    """While workers are spawned, hide this process's ``__main__`` from multiprocessing.

    A spawned worker otherwise runs the parent's main script again (``socialops`` is a
    console script that imports the whole CLI: about a second of start-up per worker, on the
    cores the enrichment needs). The workers need nothing from it: what they run is this
    module's."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


def _pool_run(
    tasks: list[tuple[str, int, int, str, str]],
    tz: str,
    workers: int,
    total: int,
    progress: Progress | None,
    workers_file: Path,
    layout: tuple[Workspace, Path, Path, str],
) -> tuple[int, str]:
    done = 0
    pipeline = ""
    months: Counter[str] = Counter()
    n = max(1, min(workers, len(tasks)))
    ctx = pool_context()
    ws, stage, out, run_id = layout
    try:
        with ProcessPoolExecutor(
            max_workers=n,
            mp_context=ctx,
            initializer=_pool_worker_init,
            initargs=(tz, os.getpid(), str(workers_file)),
        ) as pool:
            with _main_module_hidden():  # the pool spawns its workers on the first submits
                futures = [pool.submit(_enrich_slice, *t) for t in tasks]
            try:
                for f in as_completed(futures):
                    rows, pipeline, slice_months = f.result()
                    done += rows
                    months.update(slice_months)
                    if progress:
                        progress(done, total)
            except BaseException:
                for f in futures:
                    f.cancel()
                raise
            _layout_in_pool(pool, ws, stage, out, run_id, _month_groups(months, n))
    finally:  # the pool has joined its workers: none of them is left to reap
        workers_file.unlink(missing_ok=True)
    return done, pipeline


def _month_groups(months: dict[str, int], n: int) -> list[list[str]]:
    """``months`` (rows of each) in at most ``n`` groups of about equal rows (the largest month
    first into the group with the fewest rows so far); empty groups dropped."""
    groups: list[list[str]] = [[] for _ in range(max(1, n))]
    load = [0] * len(groups)
    for m, rows in sorted(months.items(), key=lambda kv: (-kv[1], kv[0])):
        k = load.index(min(load))
        groups[k].append(m)
        load[k] += rows
    return [sorted(g) for g in groups if g]


def _layout_in_pool(
    pool: ProcessPoolExecutor,
    ws: Workspace,
    stage: Path,
    out: Path,
    run_id: str,
    groups: list[list[str]],
) -> None:
    """The layout by the pool's workers, each the months of one of ``groups``: a partitioned
    DuckDB COPY writes on one core, so this takes about 1/n of the time. The months are
    disjoint: the parts' month folders only need moving together into ``out``."""
    if len(groups) <= 1:
        _layout_duckdb(ws, stage, out, run_id)
        return
    work = out.parent
    parts = [
        pool.submit(
            _layout, str(stage), str(work / f"out-{k}"), run_id, str(work / f"duckdb-{k}"), g
        )
        for k, g in enumerate(groups)
    ]
    out.mkdir(parents=True, exist_ok=True)
    for k, part in enumerate(parts):
        part.result()
        for month_dir in sorted((work / f"out-{k}").glob("month=*")):
            os.replace(month_dir, out / month_dir.name)


def _layout_duckdb(ws: Workspace, stage: Path, out: Path, run_id: str) -> None:
    """Rewrite the staged rows Hive-partitioned by month and sorted by time (bounded memory)."""
    _layout(str(stage), str(out), run_id, str(ws.tmp_dir / f"duckdb-{run_id}"))


def _layout(stage: str, out: str, run_id: str, spill: str, months: list[str] | None = None) -> None:
    """The staged rows (of ``months`` only, when given: a pool worker's share, on one core)
    Hive-partitioned by month into ``out``, sorted by time, spilling to ``spill``."""
    import duckdb

    Path(spill).mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    try:
        con.execute(f"SET temp_directory='{spill}'")
        con.execute("SET memory_limit='512MB'" if months is not None else "SET memory_limit='1GB'")
        if months is not None:
            con.execute("SET threads=1")
        con.execute("SET preserve_insertion_order=false")
        where = "" if months is None else "WHERE month IN (SELECT unnest($months)) "
        con.execute(
            f"COPY (SELECT * FROM read_parquet('{stage}/*.parquet') {where}"
            "ORDER BY month, created_at, platform, post_id) "
            f"TO '{out}' (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (month), "
            f"ROW_GROUP_SIZE 122880, FILENAME_PATTERN '{run_id}_{{i}}')",
            {} if months is None else {"months": months},
        )
    finally:
        con.close()


# -- Spark ---------------------------------------------------------------------------------------
def _run_spark(
    ws: Workspace, pending: list[tuple[str, int]], out: Path, tz: str, master: str, run_id: str
) -> int:
    from pyspark.sql.pandas.types import from_arrow_schema

    from socialops.store.spark import get_spark

    spark = get_spark(master)
    spark.conf.set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
    paths = [str(ws.raw_path(p)) for p, _ in pending]
    df = spark.read.schema(from_arrow_schema(POST_SCHEMA)).parquet(*paths)

    def fn(batches: Iterable[pa.RecordBatch]) -> Iterable[pa.RecordBatch]:
        return enrich_batches(iter(batches), tz)

    enriched = df.mapInArrow(fn, from_arrow_schema(ENRICHED_SCHEMA))
    enriched = enriched.repartition("month").sortWithinPartitions(
        "month", "created_at", "platform", "post_id"
    )
    enriched.write.mode("overwrite").partitionBy("month").parquet(str(out))
    return sum(n for _, n in pending)


# -- the whole run -------------------------------------------------------------------------------
def enrich_workspace(
    ws: Workspace,
    *,
    engine: str = "duckdb",
    workers: int | None = None,
    tz: str | None = None,
    progress: Progress | None = None,
) -> EnrichResult:
    """Enrich every raw part not enriched yet. ``engine``: duckdb (local pool), spark, spark://…"""
    from sqlalchemy import text

    from socialops.store.analytics import parse_engine
    from socialops.store.compact import purge_retired
    from socialops.store.texts import files_changed

    spec = parse_engine(engine)
    t0 = time.perf_counter()
    with ws.lock("`socialops enrich`"):
        reap_leftover_workers(ws)  # before recover: a leftover may still write under tmp/
        ws.recover()
        purge_retired(ws)  # the files a compaction replaced, once their grace is over
        zone = _zone(ws, tz)
        pending = _pending(ws)
        if not pending:
            with ws.connect() as conn:
                if conn.execute(text("SELECT COUNT(*) FROM raw_parts")).scalar_one() == 0:
                    raise WorkspaceError(code="enrich.nothing")
            return EnrichResult(None, engine, 0, 0, 0, pipeline_id(), 0.0, 0.0)
        run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
        work = ws.tmp_dir / f"enrich-{run_id}"
        stage, out = work / "stage", work / "out"
        stage.mkdir(parents=True)
        started = _now()
        if spec.kind == "duckdb":
            rows, pipeline = _run_local(
                ws, pending, stage, out, run_id, zone, settings.workers(workers), progress
            )
        else:
            pipeline = pipeline_id()
            rows = _run_spark(ws, pending, out, zone, spec.master or "local[*]", run_id)
            if progress:
                progress(rows, rows)
        files = _move_into_place(ws, out, run_id)
        # a crash here leaves files the ledger does not list: readers skip them, recover deletes
        # them. The run and its parts are committed together or not at all.
        with ws.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO enrich_runs (run_id, pipeline, engine, files, rows, started_at, "
                    "finished_at, zone) VALUES (:run_id, :pipeline, :engine, :files, :rows, "
                    ":started, :finished, :zone)"
                ),
                {
                    "run_id": run_id,
                    "pipeline": pipeline,
                    "engine": engine,
                    "files": json.dumps(files),
                    "rows": rows,
                    "started": started,
                    "finished": _now(),
                    "zone": zone,
                },
            )
            conn.execute(
                text(
                    "INSERT INTO enriched_parts (raw_part, run_id, rows) "
                    "VALUES (:part, :run_id, :rows)"
                ),
                [{"part": p, "run_id": run_id, "rows": n} for p, n in pending],
            )
        files_changed(ws)
        shutil.rmtree(work, ignore_errors=True)
    elapsed = time.perf_counter() - t0
    return EnrichResult(
        run_id,
        engine,
        len(pending),
        rows,
        len(files),
        pipeline,
        round(elapsed, 3),
        round(rows / elapsed, 1) if elapsed else 0.0,
    )


def _zone(ws: Workspace, tz: str | None) -> str:
    """The zone to enrich in: ``tz``, else the zone the workspace's posts were enriched in,
    else the ``timezone`` setting. A zone other than the workspace's is refused: local days of
    old and new posts would not compare."""
    have = ws.zone()
    if tz is None:
        return have or settings.default_timezone().key
    zone = settings.default_timezone(tz).key  # validates the name
    if have is not None and zone != have:
        raise SettingsError(code="enrich.zone_mismatch", have=have, zone=zone)
    return zone


def _move_into_place(ws: Workspace, out: Path, run_id: str) -> list[str]:
    """Move the laid-out files into ``enriched/`` as ``month=…/<run id>_<k>.parquet``.

    A month new to the workspace with a single file moves as a whole folder: no folder is left
    to remove under ``tmp/`` (removing a folder costs milliseconds on some disks, and a run
    over years of posts has hundreds of months)."""
    files: list[str] = []
    srcs = sorted(out.glob("month=*/*.parquet"))
    per_month: dict[str, int] = {}
    for src in srcs:
        per_month[src.parent.name] = per_month.get(src.parent.name, 0) + 1
    for k, src in enumerate(srcs):
        month = src.parent.name
        month_dir = ws.enriched_dir / month
        name = f"{run_id}_{k}.parquet"
        if per_month[month] == 1 and not month_dir.exists():
            os.replace(src, src.with_name(name))
            os.replace(src.parent, month_dir)
        else:
            month_dir.mkdir(exist_ok=True)
            os.replace(src, month_dir / name)
        files.append(f"{month}/{name}")
    return files


def rebuild(ws: Workspace) -> int:
    """Forget every enrichment (e.g. after a model update); the next enrich redoes all."""
    from sqlalchemy import text

    from socialops.store.texts import files_changed

    with ws.lock("`socialops enrich --rebuild`"):
        with ws.begin() as conn:  # both tables or neither
            conn.execute(text("DELETE FROM enriched_parts"))
            conn.execute(text("DELETE FROM enrich_runs"))
            conn.execute(text("DELETE FROM retired_files"))  # recover deletes them too
        removed = ws.recover()
    files_changed(ws)
    return removed["enriched"]

"""Enrichment killed for real (``kill -9``): its pool workers die with it, the next run reaps
what an older run left, and readers never see files the ledger has not committed."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import psutil
import pytest

from socialops.sources import enrich as runner
from socialops.store.workspace import Workspace


def _cli(args: list[str], home: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "SOCIALOPS_HOME": str(home), **env}
    return subprocess.run(
        [sys.executable, "-m", "socialops", *args],
        env=full,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _alive(p: psutil.Process) -> bool:
    """Still running (a zombie that nobody reaped yet has ended)."""
    try:
        return p.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _cmdline(p: psutil.Process) -> str:
    try:
        return " ".join(p.cmdline())
    except psutil.Error:
        return ""


def _wait(cond: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.1)
    return cond()


def _small_csv(path: Path, n: int, start: int = 0) -> Path:
    lines = ["id,text,created_at"]
    for i in range(start, start + n):
        text = "배송이 늦어서 화가 나요" if i % 2 else "great service and thank you"
        lines.append(f"{i},{text} {i},2026-03-{1 + i % 28:02d} 10:00:00")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _listed(path: Path) -> int:
    try:
        return len(path.read_text(encoding="ascii").split()) // 2
    except OSError:
        return 0


# -- item 3: workers die with their parent -----------------------------------------------------
@pytest.mark.slow
def test_kill_9_of_enrich_leaves_no_worker_alive(
    tmp_path: Path, shared_file: Callable[[str], Path]
) -> None:
    home = tmp_path / "ws"
    imp = _cli(["import", str(shared_file("kote/val.tsv")), "--preset", "kote"], home)
    assert imp.returncode == 0, imp.stderr
    proc = subprocess.Popen(
        [sys.executable, "-m", "socialops", "enrich", "--workers", "2"],
        env={**os.environ, "SOCIALOPS_HOME": str(home)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    family: list[psutil.Process] = []
    try:
        parent = psutil.Process(proc.pid)
        listed = home / runner.WORKERS_FILE

        def workers() -> list[psutil.Process]:
            """The pool workers: descendants of the command that recorded themselves (forked
            by the pool's fork server, or spawned where there is none)."""
            try:
                pids = {int(x) for x in listed.read_text(encoding="ascii").split()[::2]}
            except (OSError, ValueError):
                return []
            return [c for c in parent.children(recursive=True) if c.pid in pids]

        # a worker arms its parent-death signal and then records itself; wait for both (under
        # load a worker can take many seconds to start before it gets there)
        assert _wait(lambda: len(workers()) == 2, 120), "the pool did not start two workers"
        family += parent.children(recursive=True)  # workers, fork server, resource tracker
        assert all(_alive(c) for c in family)
        assert all(runner._is_pool_worker(_cmdline(c)) for c in workers())
        assert any("resource_tracker" in _cmdline(c) for c in family)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        left = lambda: [c for c in family if _alive(c)]  # noqa: E731
        assert _wait(lambda: not left(), 10), [_cmdline(c) for c in left()]
    finally:
        proc.kill()
        proc.wait()
        for c in family:  # never leave one behind, whatever failed
            with contextlib.suppress(psutil.Error):
                c.kill()
    # the next run finishes the job: every post enriched once
    again = _cli(["enrich", "--workers", "2", "--json"], home)
    assert again.returncode == 0, again.stderr
    stats = _cli(["stats", "--json"], home)
    assert json.loads(stats.stdout)["totals"]["posts"] == 5000


_ORPHAN = textwrap.dedent(
    """
    import multiprocessing, os, subprocess, sys, time
    from pathlib import Path
    from socialops.sources.enrich import record_worker

    if __name__ == "__main__":
        listed = Path(sys.argv[1])
        ctx = multiprocessing.get_context("spawn")
        worker = ctx.Process(target=time.sleep, args=(600,))  # a pool worker's command line
        worker.start()
        other = subprocess.Popen(["sleep", "600"])  # alive, listed, not a pool worker
        stale = ctx.Process(target=time.sleep, args=(600,))  # listed with another start time
        stale.start()
        record_worker(listed, worker.pid)
        record_worker(listed, other.pid)
        with listed.open("a") as fh:
            fh.write(f"{stale.pid} 12345.0\\n")
        Path(sys.argv[2]).write_text(f"{worker.pid} {other.pid} {stale.pid}")
        os._exit(0)  # as a killed enrich would: its children stay behind
    """
)


@pytest.mark.slow
def test_next_enrich_reaps_leftover_workers_it_can_identify(tmp_path: Path) -> None:
    """Workers an older run left (its parent gone) are killed by the next ``socialops enrich``;
    a listed pid that is no longer that worker (another program, another start time) is not."""
    home = tmp_path / "ws"
    Workspace.open(home)
    _cli(["import", str(_small_csv(tmp_path / "p.csv", 6)), "--preset", "generic"], home)
    listed = home / runner.WORKERS_FILE
    pids = tmp_path / "pids"
    out = subprocess.run(  # no pipes: the processes it leaves would hold them open
        [sys.executable, "-c", _ORPHAN, str(listed), str(pids)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=60,
    )
    assert out.returncode == 0
    worker, other, stale = (psutil.Process(int(x)) for x in pids.read_text().split())
    try:
        assert all(_alive(p) for p in (worker, other, stale))
        assert worker.ppid() != os.getpid() and _alive(worker)  # an orphan of the dead parent
        p = _cli(["enrich", "--workers", "1"], home)
        assert p.returncode == 0, p.stderr
        assert _wait(lambda: not _alive(worker), 5)
        assert _alive(other) and _alive(stale)  # not what was recorded: left alone
        assert not listed.exists()
    finally:
        for proc in (worker, other, stale):
            with contextlib.suppress(psutil.Error):
                proc.kill()


# -- item 7: readers read only what the ledger committed ---------------------------------------
_CRASH_BEFORE_COMMIT = textwrap.dedent(
    """
    import os, signal, sys
    from socialops.sources import enrich as runner
    from socialops.store.workspace import Workspace

    move = runner._move_into_place

    def move_then_die(*args, **kwargs):
        files = move(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGKILL)  # after the move, before the ledger commit
        return files

    runner._move_into_place = move_then_die
    runner.enrich_workspace(Workspace.open(sys.argv[1]), workers=1)
    """
)


def _committed_posts(ws: Workspace) -> tuple[int, int]:
    """(rows, distinct (platform, post id)) of the files the ledger lists."""
    files = [str(f) for f in ws.enriched_files()]
    row = (
        duckdb.connect()
        .execute(
            f"SELECT COUNT(*), COUNT(DISTINCT (platform, post_id)) FROM read_parquet({files!r})"
        )
        .fetchone()
    )
    assert row is not None
    return int(row[0]), int(row[1])


@pytest.mark.slow
def test_readers_skip_files_of_an_enrichment_killed_before_its_commit(tmp_path: Path) -> None:
    home = tmp_path / "ws"
    for n, start in ((40, 0), (25, 40)):  # one import enriched, then one more
        csv_file = _small_csv(tmp_path / f"p{start}.csv", n, start)
        p = _cli(["import", str(csv_file), "--preset", "generic"], home)
        assert p.returncode == 0, p.stderr
        if start == 0:
            assert _cli(["enrich", "--workers", "1"], home).returncode == 0
    crash = subprocess.run(
        [sys.executable, "-c", _CRASH_BEFORE_COMMIT, str(home)],
        env={**os.environ, "SOCIALOPS_HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert crash.returncode == -signal.SIGKILL, crash.stderr
    stats = _cli(["stats", "--json"], home)
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["totals"]["posts"] == 40  # only what the ledger committed
    ws = Workspace.open(home, create=False)
    on_disk = sorted(ws.enriched_dir.glob("month=*/*.parquet"))
    assert len(on_disk) > len(ws.enriched_files())  # the moved, uncommitted files are there

    again = _cli(["enrich", "--workers", "1"], home)
    assert again.returncode == 0, again.stderr
    assert json.loads(_cli(["stats", "--json"], home).stdout)["totals"]["posts"] == 65
    assert _committed_posts(ws) == (65, 65)  # none lost, none twice
    assert sorted(ws.enriched_dir.glob("month=*/*.parquet")) == ws.enriched_files()

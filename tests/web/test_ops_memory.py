"""Freed native memory goes back to the system (socialops.web.ops.memory): memory freed in the
middle of the C allocator's heap stays resident until :func:`trim`, and the server's
:class:`Trimmer` trims on its own every few seconds (in a child process: what one test frees
must not blur another's figures)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from typing import Any

import pytest

from socialops.web.ops import memory

# CI runs on Debian (glibc): there the trim must be tested, never skipped
NO_GLIBC = memory._malloc_trim() is None and os.environ.get("CI") != "true"

FRAGMENT = textwrap.dedent(
    """
    import json, os, sys, time
    import psutil
    from socialops.web.ops.memory import Trimmer, trim

    def rss():
        return psutil.Process().memory_info().rss / 2**20

    mode = sys.argv[1]
    blocks = [bytearray(4000) for _ in range(60_000)]  # 240 MB of blocks malloc keeps in its heap
    keep = blocks[::64]  # one block in 64 stays: the heap's top cannot shrink
    del blocks
    before = rss()
    trimmer = None
    if mode == "trim":
        trim()
    elif mode == "trimmer":
        trimmer = Trimmer(0.2).start()
        time.sleep(1.0)
        trimmer.stop()
    after = rss()
    print(json.dumps({"before": before, "after": after, "kept": len(keep),
                      "runs": trimmer.runs if trimmer else 0}))
    """
)


def _child(fragment: str, arg: str) -> dict[str, Any]:
    """What ``fragment`` prints (JSON), run in a child process with ``arg``."""
    import json

    out = subprocess.run(
        [sys.executable, "-c", fragment, arg], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr[-2000:]
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def _run(mode: str) -> dict[str, Any]:
    return _child(FRAGMENT, mode)


@pytest.mark.skipif(NO_GLIBC, reason="the C library is not glibc")
def test_trim_gives_back_what_the_heap_kept() -> None:
    idle = _run("none")
    trimmed = _run("trim")
    # without a trim the freed blocks stay resident; with one, most of the 240 MB go back
    assert idle["before"] - idle["after"] < 20, idle
    assert trimmed["before"] - trimmed["after"] > 150, trimmed


@pytest.mark.skipif(NO_GLIBC, reason="the C library is not glibc")
def test_the_trimmer_trims_on_its_own() -> None:
    got = _run("trimmer")
    assert got["runs"] >= 2, got
    assert got["before"] - got["after"] > 150, got


def test_trim_every_reads_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOCIALOPS_TRIM_EVERY_S", raising=False)
    assert memory.trim_every() == memory.TRIM_EVERY_S
    monkeypatch.setenv("SOCIALOPS_TRIM_EVERY_S", "0")
    assert memory.trim_every() == 0.0
    assert memory.Trimmer(0).start().runs == 0  # off: no thread
    monkeypatch.setenv("SOCIALOPS_TRIM_EVERY_S", "15")
    assert memory.trim_every() == 15.0
    monkeypatch.setenv("SOCIALOPS_TRIM_EVERY_S", "soon")
    assert memory.trim_every() == memory.TRIM_EVERY_S  # not a number: the default, a warning


ARENAS_FRAGMENT = textwrap.dedent(
    """
    import json, sys, threading
    from socialops.web.ops.memory import tune_allocator

    done = tune_allocator(int(sys.argv[1])) if sys.argv[1] != "-" else {}

    together = threading.Barrier(12)

    def work():
        blocks = [bytearray(200) for _ in range(2000)]  # a thread that allocates: a heap
        together.wait()  # all alive at once (a heap of an ended thread is handed on)
        del blocks

    threads = [threading.Thread(target=work) for _ in range(12)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    # glibc's own account of its heaps: malloc_stats() writes "Arena N:" for each to stderr
    import ctypes, ctypes.util, os, tempfile
    with tempfile.TemporaryFile() as err:
        saved = os.dup(2)
        os.dup2(err.fileno(), 2)
        try:
            ctypes.CDLL(ctypes.util.find_library("c")).malloc_stats()
        finally:
            os.dup2(saved, 2)
        err.seek(0)
        arenas = err.read().decode().count("Arena ") - 1  # not the main heap
    print(json.dumps({"done": done, "arenas": arenas}))
    """
)


def _arenas(arg: str) -> dict[str, Any]:
    return _child(ARENAS_FRAGMENT, arg)


@pytest.mark.skipif(NO_GLIBC, reason="the C library is not glibc")
def test_tuned_allocator_keeps_few_heaps() -> None:
    free = _arenas("-")  # glibc's default: a heap for each thread that allocated (to 8 a core)
    tuned = _arenas("2")
    assert tuned["done"] == {
        "mmap_threshold": True,
        "arena_max": True,
        "arrow_system_pool": True,
    }, tuned
    assert int(tuned["arenas"]) == 1, tuned  # the main heap + one
    assert int(free["arenas"]) >= 4, (free, tuned)  # 12 here


def test_arenas_reads_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOCIALOPS_MALLOC_ARENAS", raising=False)
    assert memory.arenas() == memory.ARENAS
    monkeypatch.setenv("SOCIALOPS_MALLOC_ARENAS", "0")
    assert memory.arenas() == 0
    monkeypatch.setenv("SOCIALOPS_MALLOC_ARENAS", "many")
    assert memory.arenas() == memory.ARENAS


def test_work_threads_run_on_few_threads_in_the_callers_context() -> None:
    import contextvars
    import threading
    from concurrent.futures import ThreadPoolExecutor

    who: contextvars.ContextVar[str] = contextvars.ContextVar("who", default="nobody")
    work = memory.WorkThreads("testwork", 2)
    seen: set[str] = set()

    def job(i: int) -> str:
        seen.add(threading.current_thread().name)
        assert work.run(lambda: i) == i  # from one of its own threads: no second hop
        return who.get()

    def caller(i: int) -> str:
        who.set(f"request-{i}")
        return work.run(job, i)

    with ThreadPoolExecutor(20) as callers:
        got = list(callers.map(caller, range(100)))
    assert got == [f"request-{i}" for i in range(100)]  # each ran in its caller's context
    assert 1 <= len(seen) <= 2 and all(n.startswith("testwork_") for n in seen), seen

    def fails() -> None:
        raise ValueError("bad file")

    with pytest.raises(ValueError, match="bad file"):
        work.run(fails)  # the caller gets the error
    work.close()
    assert work.run(lambda: 7) == 7  # closed: started again on use
    work.close()


def test_arrow_allocates_from_the_system_allocator_unless_told() -> None:
    code = (
        "import json, pyarrow as pa; from socialops.web.ops.memory import tune_allocator; "
        "tune_allocator(); print(json.dumps(pa.default_memory_pool().backend_name))"
    )
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == '"system"'
    env["ARROW_DEFAULT_MEMORY_POOL"] = "jemalloc"  # the operator's own choice stays
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == '"jemalloc"'

"""Imported by the enrichment pool's fork server (:mod:`multiprocessing.forkserver`) before it
forks a worker: loads Kiwi and prepares it (its first analysis builds what it needs: about 2.4 s
of the 2.6 s a worker took to become ready), then the rest of the pipeline (numpy, pyarrow,
pandas, which pyarrow imports on its first array, and the Korean sentiment model's weight
tables, 64 MB), once, so that every worker is forked with all of it ready in memory it shares
copy-on-write, instead of loading its own copy while the other workers load theirs on the same
cores. What a worker still did itself took about 0.4 s at its start, on the enrichment's path.

Forking is safe only from a process with one thread (the fork copies only the thread that
forks). Kiwi runs in single-thread mode (:func:`socialops.nlp.ko.get_kiwi`); numpy's OpenBLAS
would start a thread per core and pyarrow's jemalloc a background thread, so this server asks
both not to (``OPENBLAS_NUM_THREADS=1``, ``JE_ARROW_MALLOC_CONF=background_thread:false``,
set here, in the server's own environment, before either is imported; the workers inherit them
and do their work in one thread each anyway). Each next part is loaded only while the server
still has one thread; where one appeared all the same (or threads cannot be counted), the
workers load the rest themselves, as they did before (:func:`socialops.sources.enrich._warm`
runs in each one).

Two things this server leaves out on purpose:

- pandas. pyarrow imports it on its first array built from Python values, only to ask whether
  the values are pandas objects (about 0.17 s of the server's start, on the path to the first
  worker); the pipeline never passes any. In the server an import finder (:class:`_NoPandas`)
  answers "no such module" for pandas before pyarrow's first array, so pyarrow goes on without
  it, and so do the workers the server forks.
- its own tear-down. When the pool's process has ended, the server leaves at once
  (``os._exit`` from an ``atexit`` hook) instead of tearing down Kiwi, the models and every
  module (about 0.3 s): it holds the command's standard output and error, so whoever reads
  them — a pipe, a benchmark — waited for that tear-down after the command had finished."""

from __future__ import annotations

import atexit
import contextlib
import importlib.abc
import os
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import FrameType, ModuleType

from socialops.nlp.ko import get_tokenize

get_tokenize()("준비 완료")  # loads Kiwi and checks the direct call once


def _in_fork_server() -> bool:
    """Whether this module is being imported by a fork server's preload
    (:func:`multiprocessing.forkserver.main` is on the stack), not by a process that imported
    it for another reason."""
    main = getattr(sys.modules.get("multiprocessing.forkserver"), "main", None)
    code = getattr(main, "__code__", None)
    frame: FrameType | None = sys._getframe()
    while frame is not None:
        if frame.f_code is code:
            return True
        frame = frame.f_back
    return False


IN_FORK_SERVER = _in_fork_server()


def _leave_now() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a closed pipe: nothing left to say
            stream.flush()
    os._exit(0)


class _NoPandas(importlib.abc.MetaPathFinder):
    """Finds no pandas (see the module's docstring)."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname == "pandas" or fullname.startswith("pandas."):
            raise ModuleNotFoundError(f"no pandas in the enrichment's workers: {fullname}")
        return None


if IN_FORK_SERVER:
    if "pandas" not in sys.modules:
        sys.meta_path.insert(0, _NoPandas())
    atexit.register(_leave_now)  # registered last, so it runs first


def _threads() -> int:
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:  # not Linux: no way to count here, so load nothing more
        return 0


if _threads() == 1:
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("JE_ARROW_MALLOC_CONF", "background_thread:false")
    import numpy  # noqa: F401  (OpenBLAS: its threads, if any, start on import)

    if _threads() == 1:
        from socialops.sources import enrich  # pyarrow (jemalloc) and the pipeline's modules

        if _threads() == 1:
            enrich._warm("Asia/Seoul")  # the models
            import duckdb  # noqa: F401  (each worker lays out its share of the months)

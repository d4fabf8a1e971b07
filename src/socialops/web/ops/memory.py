"""Keeping a long-lived web process's native memory bounded.

A web process allocates and frees native memory all day outside Python: the analytics
engine's queries (DuckDB), the import and enrichment of each upload (Arrow, Kiwi, DuckDB's sort
of the new rows), page builds on several threads. Three things keep freed memory back:

- the native libraries' caches for each thread that used them (Arrow's and Kiwi's mimalloc,
  DuckDB's jemalloc): :class:`WorkThreads` runs uploads on a few threads of their own
  (:data:`IMPORTS`), so those caches exist for two threads, not for each of the 40 that answer
  requests (bench/upload_memory.py: +24 % in 300 uploads from 40 threads, +0.5 % on the
  import threads);
- glibc's heaps ("arenas", one per thread that allocates, up to eight a core), which give back
  only the free memory at their top: :func:`tune_allocator` allows :data:`ARENAS` of them
  (``SOCIALOPS_MALLOC_ARENAS``) and puts large blocks in pages of their own, and
  :class:`Trimmer` returns the free pages inside them every :data:`TRIM_EVERY_S` seconds
  (``malloc_trim(0)``, ``SOCIALOPS_TRIM_EVERY_S``; 0 turns it off; what Dask does for its
  workers' "unmanaged memory"). Where the C library is not glibc (musl, macOS) these do
  nothing;
- DuckDB's Parquet metadata cache: :mod:`socialops.web.services` renews the store's
  connection after the data changed."""

from __future__ import annotations

import contextvars
import ctypes
import ctypes.util
import logging
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

__all__ = [
    "ARENAS",
    "IMPORTS",
    "IMPORT_THREADS",
    "MMAP_THRESHOLD",
    "TRIM_EVERY_S",
    "Trimmer",
    "WorkThreads",
    "arenas",
    "arrow_on_system_allocator",
    "trim",
    "trim_every",
    "tune_allocator",
]

log = logging.getLogger(__name__)

TRIM_EVERY_S = 60.0  # seconds between two trims of a web process (SOCIALOPS_TRIM_EVERY_S)
ARENAS = 2  # glibc heaps ("arenas") a web process may have at most (SOCIALOPS_MALLOC_ARENAS)
# allocations from this size up get pages of their own, given back when freed; glibc's default
# starts at 128 KiB and rises (up to 32 MiB) each time such a block is freed, after which
# the buffers of a query or an upload are carved out of the heaps and leave holes there
MMAP_THRESHOLD = 256 * 1024

# threads that import and enrich uploads in a web process (see WorkThreads)
IMPORT_THREADS = 2

_M_MMAP_THRESHOLD = -3  # mallopt parameters (malloc.h)
_M_ARENA_MAX = -8


@cache
def _glibc(name: str, *argtypes: Any) -> Any:
    """glibc's function ``name`` (returning an int), or None where the C library has none."""
    lib = ctypes.util.find_library("c")
    if not lib:
        return None
    try:
        func = getattr(ctypes.CDLL(lib), name)
    except (OSError, AttributeError):
        return None
    func.argtypes = list(argtypes)
    func.restype = ctypes.c_int
    return func


def _malloc_trim() -> Any:
    return _glibc("malloc_trim", ctypes.c_size_t)


def _mallopt() -> Any:
    return _glibc("mallopt", ctypes.c_int, ctypes.c_int)


def arenas() -> int:
    """Heaps a web process may have at most (``SOCIALOPS_MALLOC_ARENAS``; 0: glibc's own
    default, eight a core)."""
    raw = os.environ.get("SOCIALOPS_MALLOC_ARENAS", "").strip()
    if not raw:
        return ARENAS
    try:
        return max(0, int(raw))
    except ValueError:
        log.warning("SOCIALOPS_MALLOC_ARENAS=%r is not a whole number; using %s", raw, ARENAS)
        return ARENAS


def tune_allocator(max_arenas: int | None = None) -> dict[str, bool]:
    """Bound the C allocator of a long-lived process, before its threads start allocating:
    at most ``max_arenas`` heaps (glibc gives each thread that allocates a heap of its own, up
    to eight a core, and a page build, an upload's enrichment and the warm-up each leave their
    freed memory in theirs: ``MALLOC_ARENA_MAX``, as Heroku and GitLab set it for their
    servers) and a fixed :data:`MMAP_THRESHOLD`; and the Arrow library allocating from them
    (:func:`arrow_on_system_allocator`). Which settings took (none where the C library is not
    glibc)."""
    func = _mallopt()
    if func is None:
        return {}
    n = arenas() if max_arenas is None else max_arenas
    done = {"mmap_threshold": bool(func(_M_MMAP_THRESHOLD, MMAP_THRESHOLD))}
    if n > 0:
        done["arena_max"] = bool(func(_M_ARENA_MAX, n))
    done["arrow_system_pool"] = arrow_on_system_allocator()
    return done


def arrow_on_system_allocator() -> bool:
    """Arrow's buffers from the C library's allocator (glibc: the heaps above, trimmed by
    :class:`Trimmer`) instead of its default mimalloc, which keeps freed memory for each thread
    that read a Parquet file or built a table (imports without enrichment from 40 threads:
    +52 % on mimalloc, +2.5 % on glibc with the heaps capped and trimmed). False when
    ``ARROW_DEFAULT_MEMORY_POOL`` chooses Arrow's pool itself."""
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        return False
    import pyarrow as pa

    pa.set_memory_pool(pa.system_memory_pool())
    return True


def trim() -> bool:
    """Give the free memory inside the C allocator's heaps back to the system; True when
    something was given back (False too where the C library has no ``malloc_trim``)."""
    func = _malloc_trim()
    return bool(func is not None and func(0))


def trim_every() -> float:
    """Seconds between two trims (``SOCIALOPS_TRIM_EVERY_S``; 0: never)."""
    raw = os.environ.get("SOCIALOPS_TRIM_EVERY_S", "").strip()
    if not raw:
        return TRIM_EVERY_S
    try:
        value = float(raw)
    except ValueError:
        log.warning(
            "SOCIALOPS_TRIM_EVERY_S=%r is not a number of seconds; using %s", raw, TRIM_EVERY_S
        )
        return TRIM_EVERY_S
    return max(0.0, value)


class Trimmer:
    """:func:`trim` every ``every`` seconds on a daemon thread until :meth:`stop`."""

    def __init__(self, every: float) -> None:
        self.every = every
        self.runs = 0
        self.seconds = 0.0  # spent trimming, in all
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> Trimmer:
        if self.every > 0 and _malloc_trim() is not None:
            self._thread = threading.Thread(target=self._run, daemon=True, name="memory-trim")
            self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            started = time.perf_counter()
            trim()
            self.seconds += time.perf_counter() - started
            self.runs += 1

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)


class WorkThreads:
    """A few long-lived threads for work whose native libraries keep memory per thread.

    The Arrow library (its mimalloc allocator), the Korean analyser (Kiwi, with a mimalloc of
    its own) and DuckDB (jemalloc) each keep a cache of freed memory for every thread that used
    them, a few MB a thread, given back neither by ``malloc_trim`` nor by fewer glibc heaps. A
    web process answers on up to 40 threads, so uploads imported and enriched in whichever
    thread answered them made each process grow, thread by thread, for as long as new threads
    got an upload: +24 % in 300 uploads from 40 threads (bench/upload_memory.py). Run on
    these few threads, the same 300 uploads: +0.5 %.

    :meth:`run` runs ``fn`` on one of them and waits for it, in the caller's context (its
    context variables: the request's id and language)."""

    def __init__(self, name: str, threads: int) -> None:
        self.name = name
        self.threads = threads
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def _executor(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix=self.name)
            return self._pool

    def run(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        if threading.current_thread().name.startswith(self.name + "_"):
            return fn(*args, **kwargs)  # already on one of them: no second hop (no deadlock)
        ctx = contextvars.copy_context()
        return self._executor().submit(lambda: ctx.run(fn, *args, **kwargs)).result()

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)


IMPORTS = WorkThreads("import", IMPORT_THREADS)  # a web process's uploads: import + enrich

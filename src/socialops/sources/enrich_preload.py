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
runs in each one)."""

from __future__ import annotations

import os

from socialops.nlp.ko import get_tokenize

get_tokenize()("준비 완료")  # loads Kiwi and checks the direct call once


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
            enrich._warm("Asia/Seoul")  # the models, pandas (pyarrow's first array imports it)
            import duckdb  # noqa: F401  (each worker lays out its share of the months)

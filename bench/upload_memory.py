"""Memory of a process that imports and enriches many small uploads answered on many threads,
as a web process does (issue 18: memory growth per process < 10 %).

    .venv/bin/python bench/upload_memory.py [--uploads 300] [--threads 40] [--rows 5]

Each way runs in a fresh process on a fresh workspace: 21 uploads first (models loaded), then
RSS, then ``--uploads`` uploads of ``--rows`` airline tweets each, sent from a pool of
``--threads`` threads (one import at a time, as the web's 409 allows), then RSS again:

- ``answering threads``: each upload imported and enriched on the thread that got it (the web
  before the fix);
- ``import threads``: handed to the process's import threads
  (:data:`socialops.web.ops.memory.IMPORTS`, what the web does now);
- ``one thread``: everything on one thread (the floor).

The native libraries behind an import (Arrow's mimalloc, Kiwi's mimalloc, DuckDB's jemalloc)
keep a cache of freed memory for every thread that used them: the first way grows with the
number of threads, the others do not. Also prints what grew, by mapping, for the first way.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

from _common import data_dir, machine

WAYS = ("answering threads", "import threads", "one thread")


def rss_mib() -> float:
    return psutil.Process().memory_info().rss / 2**20


def anon_kib_by_map() -> dict[str, int]:
    out: dict[str, int] = {}
    key = ""
    with open("/proc/self/smaps", encoding="utf-8", errors="replace") as f:
        for line in f:
            parts = line.split()
            if parts and "-" in parts[0] and not parts[0].endswith(":"):
                key = parts[0] if len(parts) < 6 else ""
            elif parts and parts[0] == "Rss:" and key:
                out[key] = int(parts[1])
    return out


def child(way: str, uploads: int, threads: int, rows_each: int, root: Path) -> dict[str, object]:
    os.environ["SOCIALOPS_HOME"] = str(root)
    from socialops.listen.ingest import import_file
    from socialops.sources.enrich import enrich_workspace
    from socialops.store.workspace import Workspace
    from socialops.web.ops.memory import IMPORTS, tune_allocator

    tune_allocator()  # as the web process does at its start
    ws = Workspace.open(root)
    with open(data_dir() / "airline_tweets" / "Tweets.csv", encoding="utf-8", newline="") as f:
        table = list(csv.reader(f))
    head, rows = table[0], table[1:]
    folder = root.parent / "uploads"
    folder.mkdir(exist_ok=True)
    one_at_a_time = threading.Lock()
    rng = random.Random(7)

    def upload(i: int) -> None:
        path = folder / f"u{i}.csv"
        with open(path, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(head)
            w.writerows(rng.sample(rows, rows_each))

        def work() -> None:
            import_file(ws, path, preset="airline-tweets")
            enrich_workspace(ws, workers=1)

        with one_at_a_time:
            if way == "import threads":
                IMPORTS.run(work)
            else:
                work()
        path.unlink()

    for i in range(21):
        upload(-1 - i)
    warm = rss_mib()
    maps0 = anon_kib_by_map()
    pool = ThreadPoolExecutor(1 if way == "one thread" else threads)
    t0 = time.perf_counter()
    list(pool.map(upload, range(uploads)))
    seconds = time.perf_counter() - t0
    end = rss_mib()
    maps1 = anon_kib_by_map()
    grew = sorted(((v - maps0.get(k, 0)) / 1024, k) for k, v in maps1.items())[::-1][:5]
    return {
        "way": way,
        "warm_mib": round(warm, 1),
        "end_mib": round(end, 1),
        "growth_pct": round(100 * (end / warm - 1), 1),
        "seconds": round(seconds, 1),
        "anon_maps_grown_mib": [(round(mib, 1), k) for mib, k in grew if mib >= 1],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--uploads", type=int, default=300)
    ap.add_argument("--threads", type=int, default=40, help="answering threads (the web: 40)")
    ap.add_argument("--rows", type=int, default=5, help="tweets in each upload")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        rep = child(args.child, args.uploads, args.threads, args.rows, args.root)
        print(json.dumps(rep))
        return
    print(f"machine: {machine()}")
    print(f"{args.uploads} uploads of {args.rows} tweets from {args.threads} threads")
    for way in WAYS:
        with tempfile.TemporaryDirectory(prefix="socialops-upmem-") as tmp:
            done = subprocess.run(
                [sys.executable, __file__, "--child", way, "--uploads", str(args.uploads),
                 "--threads", str(args.threads), "--rows", str(args.rows),
                 "--root", str(Path(tmp) / "home")],
                capture_output=True, text=True, check=False,
            )  # fmt: skip
        if done.returncode != 0:
            raise SystemExit(f"{way} failed: {done.stderr[-2000:]}")
        rep = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"{way:18} RSS {rep['warm_mib']:>7} MiB -> {rep['end_mib']:>7} MiB "
              f"({rep['growth_pct']:+.1f} %) in {rep['seconds']} s")  # fmt: skip
        for mib, k in rep["anon_maps_grown_mib"]:
            print(f"    anonymous map {k}: +{mib} MiB")


if __name__ == "__main__":
    main()

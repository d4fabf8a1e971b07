"""Store compaction: queries and memory over a store of many small files, before and after
``socialops compact`` (issue 18: memory of a long-lived server; docs/operations.md).

    .venv/bin/python bench/compact.py [--uploads 600] [--rows 5] [--repeat 5]

A fresh workspace gets the whole airline-tweets file (14,640 rows, one import) and then
``--uploads`` small uploads of ``--rows`` tweets each, each imported and enriched on its own as
the web does with an upload: one small file per upload and month. Then, each in a fresh process
(a server's store connection, Parquet metadata cache on):

- the queries a dashboard makes (posts per day, the 20 top keywords, a text search, the newest
  20 posts): the first run (cold: the per-file caches built) and the median of ``--repeat``;
- the process's RSS before and after the queries;

before compaction and after it (``compact(isolate=True)``, as the server runs it), and the
compaction's own time.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from _common import data_dir, machine


def queries(root: Path, repeat: int) -> dict[str, object]:
    os.environ["SOCIALOPS_HOME"] = str(root)
    from socialops.store.analytics import fetch_arrow, open_store
    from socialops.store.workspace import Workspace

    ws = Workspace.open(root)
    rss0 = psutil.Process().memory_info().rss / 2**20
    out: dict[str, object] = {"files": len(ws.enriched_files())}
    with open_store(ws) as store:

        def by_day() -> object:
            t = store.posts()
            return fetch_arrow(t.group_by("day").aggregate(n=t.count()).order_by("day"))

        def top_keywords() -> object:
            kw = store.keyword_counts()
            g = kw.group_by("keyword").aggregate(n=kw.posts.sum())
            return fetch_arrow(g.order_by(g.n.desc()).limit(20))

        def search() -> object:
            t = store.posts()
            return fetch_arrow(t.filter(t.match_text.contains("delay")).count().as_table())

        def newest() -> object:
            t = store.posts()
            return fetch_arrow(t.order_by(t.created_at.desc()).limit(20).select("post_id"))

        for name, q in [("per day", by_day), ("top keywords", top_keywords),
                        ("search", search), ("newest 20", newest)]:  # fmt: skip
            t0 = time.perf_counter()
            q()
            cold = time.perf_counter() - t0
            warm = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                q()
                warm.append(time.perf_counter() - t0)
            out[name] = {"cold_ms": round(1000 * cold, 1),
                         "median_ms": round(1000 * statistics.median(warm), 1)}  # fmt: skip
    out["rss_before_mib"] = round(rss0, 1)
    out["rss_after_mib"] = round(psutil.Process().memory_info().rss / 2**20, 1)
    return out


def build(root: Path, uploads: int, rows_each: int) -> dict[str, object]:
    os.environ["SOCIALOPS_HOME"] = str(root)
    from socialops.listen.ingest import import_file
    from socialops.sources.enrich import enrich_workspace
    from socialops.store.workspace import Workspace

    ws = Workspace.open(root)
    tweets = data_dir() / "airline_tweets" / "Tweets.csv"
    t0 = time.perf_counter()
    import_file(ws, tweets, preset="airline-tweets")
    enrich_workspace(ws)
    with open(tweets, encoding="utf-8", newline="") as f:
        table = list(csv.reader(f))
    head, rows = table[0], table[1:]
    rng = random.Random(7)
    folder = root.parent / "uploads"
    folder.mkdir(exist_ok=True)
    for i in range(uploads):
        path = folder / f"u{i}.csv"
        with open(path, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(head)
            for r in rng.sample(rows, rows_each):  # a new id: a new post, not a duplicate
                r = list(r)
                r[0] = str(10**18 + i * 100 + len(r[0]) + rng.randrange(100))
                w.writerow(r)
        import_file(ws, path, preset="airline-tweets")
        enrich_workspace(ws, workers=1)
        path.unlink()
    return {"files": len(ws.enriched_files()), "seconds": round(time.perf_counter() - t0, 1)}


def do_compact(root: Path) -> dict[str, object]:
    os.environ["SOCIALOPS_HOME"] = str(root)
    from socialops.store.compact import compact
    from socialops.store.workspace import Workspace

    return compact(Workspace.open(root), min_files=8, isolate=True).to_dict()


def _child(step: str, root: Path, *extra: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", step, "--root", str(root), *extra],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"{step} failed: {done.stderr[-2000:]}")
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--uploads", type=int, default=600)
    ap.add_argument("--rows", type=int, default=5, help="tweets in each upload")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        if args.child == "build":
            rep = build(args.root, args.uploads, args.rows)
        elif args.child == "compact":
            rep = do_compact(args.root)
        else:
            rep = queries(args.root, args.repeat)
        print(json.dumps(rep))
        return
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="socialops-compact-") as tmp:
        root = Path(tmp) / "home"
        built = _child("build", root, "--uploads", str(args.uploads), "--rows", str(args.rows))
        print(f"store: 14,640 tweets + {args.uploads} uploads of {args.rows} → "
              f"{built['files']} files (built in {built['seconds']} s)")  # fmt: skip
        before = _child("queries", root, "--repeat", str(args.repeat))
        done = _child("compact", root)
        after = _child("queries", root, "--repeat", str(args.repeat))
    months = done["months"]
    assert isinstance(months, list)
    print(f"compaction: {done['merged']} files merged into {done['written']} "
          f"({done['rows']:,} rows, months {', '.join(months)}) in {done['elapsed_s']} s; "
          f"files {done['files_before']} → {done['files_after']}")  # fmt: skip
    print(f"{'query':14} {'before: cold':>13} {'median':>8}   {'after: cold':>12} {'median':>8}")
    for name in ("per day", "top keywords", "search", "newest 20"):
        b, a = before[name], after[name]
        assert isinstance(b, dict) and isinstance(a, dict)
        print(f"{name:14} {b['cold_ms']:>10} ms {b['median_ms']:>5} ms   "
              f"{a['cold_ms']:>9} ms {a['median_ms']:>5} ms")  # fmt: skip
    for label, rep in (("before", before), ("after", after)):
        rss0, rss1 = float(rep["rss_before_mib"]), float(rep["rss_after_mib"])  # type: ignore[arg-type]
        print(f"RSS of the querying process {label}: {rss0} → {rss1} MiB "
              f"(+{rss1 - rss0:.1f} MiB over {rep['files']} files)")  # fmt: skip


if __name__ == "__main__":
    main()

"""The 10M-post stats and listening queries on three engines side by side: DuckDB, local Spark
(``local[*]``) and a Spark standalone cluster (``spark://…``, scripts/spark-cluster.sh).

    .venv/bin/python bench/cluster_10m.py                       # 10M posts, starts its own cluster
    .venv/bin/python bench/cluster_10m.py --rows 1000000        # a smaller run
    .venv/bin/python bench/cluster_10m.py --master spark://127.0.0.1:7077   # a running cluster
    .venv/bin/python bench/cluster_10m.py --only volume --only assoc   # some analyses only
    .venv/bin/python bench/cluster_10m.py --stats-only          # the stats queries only

Each engine runs in its own process (one SparkContext per process): ``bench/stats_10m.py`` and
``bench/listen_10m.py`` over one data set (built by listen_10m into ``--cache``; stats_10m reads
the same files), with the store's caches (keyword rollups, topic matches) deleted before each
engine, so every engine builds its own. Their tables are printed as they come, then one table
of cold / warm seconds per query and engine.

Without ``--master`` the bench starts a cluster (a master and ``--workers`` workers with one core
each) on ports 7177/8180 under ``$TMPDIR/socialops-bench-cluster`` and stops it at the end.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from _common import machine

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SCRIPT = REPO / "scripts" / "spark-cluster.sh"
ROW = re.compile(r"^(?P<name>\S.*?)\s+(?P<cold>\d+\.\d{3})\s+(?P<warm>\d+\.\d{3})\s+(?P<rest>.*)$")


def run_bench(script: str, engine: str, args: argparse.Namespace) -> dict[str, tuple[str, str]]:
    """Run one bench script on one engine; its rows as ``{query: (cold, warm)}``."""
    shutil.rmtree(args.cache / "cache", ignore_errors=True)  # every engine builds its own caches
    cmd = [
        sys.executable,
        str(HERE / script),
        "--engine",
        engine,
        "--rows",
        str(args.rows),
        "--runs",
        str(args.runs),
        "--cache",
        str(args.cache),
    ]
    if script == "listen_10m.py":
        for name in args.only:
            cmd += ["--only", name]
    print(f"\n$ {' '.join(cmd[1:])}", flush=True)
    rows: dict[str, tuple[str, str]] = {}
    try:
        proc = subprocess.run(
            cmd, capture_output=True, text=True, timeout=args.timeout, check=False, cwd=REPO
        )
        out = proc.stdout
        if proc.returncode != 0:
            out += f"\n(failed: exit {proc.returncode}) {proc.stderr.strip()[-600:]}"
    except subprocess.TimeoutExpired as exc:
        raw = exc.stdout or b""
        out = (
            raw.decode() if isinstance(raw, bytes) else raw
        ) + f"\n(stopped after {args.timeout} s)"
    print(out, flush=True)
    kind = "listen" if script == "listen_10m.py" else "stats"
    for line in out.splitlines():
        m = ROW.match(line)
        if m:  # both have a "sentiment" row: keep them apart
            rows[f"{kind} {m['name'].strip()}"] = (m["cold"], m["warm"])
    return rows


def start_cluster(args: argparse.Namespace) -> str:
    env = {
        **os.environ,
        "SPARK_MASTER_PORT": "7177",
        "SPARK_MASTER_WEBUI_PORT": "8180",
        "SPARK_WORKERS": str(args.workers),
        "SPARK_WORKER_MEMORY": args.worker_memory,
    }
    out = subprocess.run(
        [str(SCRIPT), "--dir", str(args.cluster_dir), "start"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(out.stderr.strip())
    return out.stdout.strip().rpartition("MASTER=")[2]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--runs", type=int, default=2, help="warm runs per query (best is shown)")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/socialops-bench-listen-10m"))
    ap.add_argument("--master", default=None, help="a running cluster's spark://HOST:PORT")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--worker-memory", default="4g", help="memory per worker (its executor's)")
    ap.add_argument("--executor-memory", default="3g", help="spark.executor.memory")
    ap.add_argument(
        "--cluster-dir",
        type=Path,
        default=Path(os.environ.get("TMPDIR", "/tmp")) / "socialops-bench-cluster",
    )
    ap.add_argument("--engines", default="duckdb,spark,cluster", help="which, comma-separated")
    ap.add_argument("--only", action="append", default=[], help="listening analyses to run")
    ap.add_argument(
        "--stats-only",
        action="store_true",
        help="the stats queries only (stats_10m builds the data set; no listening analyses)",
    )
    ap.add_argument("--timeout", type=int, default=3600, help="seconds per bench script run")
    args = ap.parse_args()

    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    master = args.master
    started = False
    if "cluster" in engines and master is None:
        t0 = time.perf_counter()
        master = start_cluster(args)
        started = True
        print(f"cluster {master} started in {time.perf_counter() - t0:.1f} s", flush=True)
    if "cluster" in engines:
        # the executors' heap: Spark reads spark-defaults.conf from SPARK_CONF_DIR (the
        # session's own settings, socialops.store.spark, leave executor memory alone)
        conf_dir = args.cluster_dir / "conf"
        conf_dir.mkdir(parents=True, exist_ok=True)
        (conf_dir / "spark-defaults.conf").write_text(
            f"spark.executor.memory {args.executor_memory}\n"
        )
        os.environ["SPARK_CONF_DIR"] = str(conf_dir)
    names = {"duckdb": "duckdb", "spark": "spark", "cluster": master or ""}
    results: dict[str, dict[str, tuple[str, str]]] = {}
    try:
        for e in engines:
            results[e] = {}
            if not args.stats_only:
                results[e] = run_bench("listen_10m.py", names[e], args)  # builds the data set
            results[e].update(run_bench("stats_10m.py", names[e], args))
    finally:
        if started:
            subprocess.run(
                [str(SCRIPT), "--dir", str(args.cluster_dir), "stop"],
                env={**os.environ, "SPARK_MASTER_PORT": "7177"},
                check=False,
            )

    labels = {"duckdb": "DuckDB", "spark": "local[*]", "cluster": f"cluster {args.workers}x1"}
    queries: list[str] = []
    for rows in results.values():
        queries += [q for q in rows if q not in queries]
    print(f"\nmachine : {machine()}")
    print(f"posts   : {args.rows:,}; cold / warm seconds (warm = best of {args.runs})")
    head = f"{'query':<26}" + "".join(f" {labels[e]:>18}" for e in engines)
    print(head)
    for q in queries:
        cells = []
        for e in engines:
            cw = results[e].get(q)
            cells.append(f" {cw[0] + ' / ' + cw[1] if cw else '-':>18}")
        print(f"{q:<26}" + "".join(cells))


if __name__ == "__main__":
    main()

"""Benchmark (b): import + enrich + stats of all of nsmc/reviews.tsv.gz, wall time and peak memory.

Runs the real CLI in a fresh temporary workspace, as a user would, and samples the resident
memory of the whole process tree (the enrichment pool included) every 0.1 s.

    .venv/bin/python bench/pipeline_nsmc.py [--engine duckdb]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from _common import REPO, data_dir, machine


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(wall seconds, peak RSS of the process tree in MiB, stdout)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        proc = psutil.Process(p.pid)
        while not stop.is_set():
            try:
                procs = [proc, *proc.children(recursive=True)]
                rss = sum(q.memory_info().rss for q in procs if q.is_running())
                peak = max(peak, rss)
            except psutil.Error:
                pass
            time.sleep(0.1)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    out, _ = p.communicate()
    stop.set()
    th.join()
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed with {p.returncode}")
    return time.perf_counter() - t0, peak / 2**20, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--engine", default="duckdb")
    ap.add_argument(
        "--keep", help="Keep the workspace in this (new) folder, e.g. for bench/stats_10m.py"
    )
    args = ap.parse_args()
    exe = str(REPO / ".venv" / "bin" / "socialops")
    src = data_dir() / "nsmc" / "reviews.tsv.gz"
    with tempfile.TemporaryDirectory(prefix="socialops-bench-") as tmp:
        home = Path(args.keep) if args.keep else Path(tmp) / "ws"
        if home.exists():
            raise SystemExit(f"{home} exists: give a new folder to --keep")
        env = {**os.environ, "SOCIALOPS_HOME": str(home)}
        steps = [
            ("import", [exe, "import", str(src), "--preset", "nsmc-reviews", "--json"]),
            ("enrich", [exe, "enrich", "--engine", args.engine, "--json"]),
            ("stats", [exe, "stats", "--engine", args.engine, "--json"]),
        ]
        total = 0.0
        peak_all = 0.0
        print(f"machine: {machine()}")
        for name, cmd in steps:
            wall, peak, out = run(cmd, env)
            total += wall
            peak_all = max(peak_all, peak)
            info = ""
            if name == "import":
                r = json.loads(out)
                info = f"rows read {r['rows_read']:,}, imported {r['imported']:,}"
            elif name == "enrich":
                r = json.loads(out)
                info = f"{r['rows']:,} posts, {r['rows'] / wall:,.0f} posts/s"
            print(f"{name:7s} {wall:7.1f} s   peak {peak:7.0f} MiB   {info}")
        print(f"total   {total:7.1f} s   peak {peak_all:7.0f} MiB  (goal: peak < 2048 MiB)")
        sys.stdout.flush()


if __name__ == "__main__":
    main()

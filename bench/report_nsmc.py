"""Benchmark: the full listening report for one movie against three competitor movies over all of
nsmc/reviews.tsv.gz (662k Korean reviews). Goal: the report in under 30 s.

The workspace is a cache: the first run imports and enriches the reviews into ``--workspace``
(about 5 minutes on 2 cores) and adds the four movie topics; later runs reuse it. The report is
timed as a user runs it: the real CLI, HTML + XLSX + CSV, every analysis.

    .venv/bin/python bench/report_nsmc.py --workspace /tmp/nsmc-ws [--engine duckdb]
    .venv/bin/python bench/report_nsmc.py --workspace /tmp/nsmc-small --limit 20000   # smoke test
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import REPO, data_dir, machine
from socialops.listen.samples import FILM_TOPICS

MOVIES = FILM_TOPICS  # the first is the report's topic
GOAL_S = 30.0
EXE = str(REPO / ".venv" / "bin" / "socialops")


def sh(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    t0 = time.perf_counter()
    p = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed with {p.returncode}: {p.stderr.strip()}")
    return time.perf_counter() - t0, p.stdout


def head(src: Path, dst: Path, limit: int) -> None:
    """The header and the first ``limit`` reviews of ``src``."""
    with gzip.open(src, "rt", encoding="utf-8") as fi, gzip.open(dst, "wt", encoding="utf-8") as fo:
        for i, line in enumerate(fi):
            if i > limit:
                break
            fo.write(line)


def prepare(home: Path, limit: int | None, engine: str, env: dict[str, str]) -> None:
    """Import, enrich and add the topics unless ``home`` already holds them."""
    marker = home / "bench_report_nsmc.json"
    want = {"source": "nsmc/reviews.tsv.gz", "limit": limit}
    if marker.exists():
        have = json.loads(marker.read_text())
        if have != want:
            raise SystemExit(f"{home} was made with {have}, not {want}: give another --workspace")
        return
    if home.exists() and any(home.iterdir()):
        raise SystemExit(f"{home} exists and is not a cache of this benchmark: give a new folder")
    src = data_dir() / "nsmc" / "reviews.tsv.gz"
    with tempfile.TemporaryDirectory(prefix="socialops-bench-") as tmp:
        if limit is not None:
            sample = Path(tmp) / "reviews_head.tsv.gz"
            head(src, sample, limit)
            src = sample
        wall, out = sh([EXE, "import", str(src), "--preset", "nsmc-reviews", "--json"], env)
        print(f"import  {wall:7.1f} s   {json.loads(out)['imported']:,} reviews")
        wall, out = sh([EXE, "enrich", "--engine", engine, "--json"], env)
        print(f"enrich  {wall:7.1f} s   {json.loads(out)['rows']:,} posts")
    for name, query in MOVIES.items():
        sh([EXE, "topic", "add", name, "--query", query, "--kind", "product"], env)
    marker.write_text(json.dumps(want))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workspace", required=True, help="Cache workspace folder (made if new).")
    ap.add_argument("--engine", default="duckdb")
    ap.add_argument("--every", default="week", help="hour | day | week")
    ap.add_argument("--limit", type=int, help="Only the first N reviews (a quick smoke test).")
    args = ap.parse_args()
    home = Path(args.workspace).expanduser().resolve()
    env = {**os.environ, "SOCIALOPS_HOME": str(home)}
    print(f"machine: {machine()}")
    prepare(home, args.limit, args.engine, env)
    topic, *vs = MOVIES
    with tempfile.TemporaryDirectory(prefix="socialops-report-") as tmp:
        out = Path(tmp) / "report.html"
        cmd = [EXE, "report", "--topic", topic, *(x for v in vs for x in ("--vs", v))]
        cmd += ["--every", args.every, "--engine", args.engine, "--out", str(out)]
        cmd += ["--xlsx", str(Path(tmp) / "report.xlsx"), "--csv", str(Path(tmp) / "csv")]
        wall, stdout = sh([*cmd, "--json"], env)
        written = json.loads(stdout)
        size = out.stat().st_size
    for name, seconds in written["seconds"].items():
        print(f"  {name:12s} {seconds:6.2f} s")
    if written["unavailable"]:
        print(f"  not available: {', '.join(written['unavailable'])}")
    if written["failed"]:
        print(f"  failed: {', '.join(written['failed'])}")
    scope = f"{args.limit:,} reviews" if args.limit else "all reviews"
    print(
        f"report  {wall:7.1f} s   {scope}, {topic} vs {', '.join(vs)}, every {args.every}, "
        f"{args.engine}; {written['tables']} tables, HTML {size / 1024:,.0f} KiB "
        f"(goal: report < {GOAL_S:.0f} s: {'met' if wall < GOAL_S else 'NOT met'})"
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()

"""Benchmark (a'): the whole ``socialops enrich`` command against bare Kiwi, both as commands.

Issue 14: measured as whole commands on the same cores, start-up and writes included.

- bare Kiwi: a fresh ``python`` that imports kiwipiepy, builds ``Kiwi()`` with its defaults
  (one worker thread per core) and tokenises all texts in one ``tokenize(list)`` call (which
  spreads the texts over its threads); wall time of the whole process, reading the texts from a
  plain file included;
- enrich: a fresh workspace (``SOCIALOPS_HOME`` in a temporary folder), ``socialops import`` of
  the same rows (timed apart, not counted), then ``.venv/bin/socialops enrich`` as a
  subprocess, wall time of the whole process; the enriched store is dropped
  (``enrich --rebuild`` would time the forgetting too, so each run gets a fresh copy of the
  imported workspace).

Texts: the first ``--n`` (50,000) non-empty reviews of ``nsmc/reviews.tsv.gz`` with distinct
review ids (the import keeps one row per id). Each side runs ``--repeat`` times (3),
alternating, and the median is reported. The ratio is bare-Kiwi time / enrich time (1.0 would
be an enrichment as fast as tokenising alone; the goal is >= 0.75).

The per-core figure (both in one process, one thread each, CPU seconds) is
``bench/enrich_throughput.py``; ``--per-core`` runs it here too on the same ``--n``.

    .venv/bin/python bench/enrich_command.py [--n 50000] [--repeat 3] [--workers N] [--per-core]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import REPO, data_dir, machine

BARE_KIWI = """
import sys, time
t0 = time.perf_counter()
from kiwipiepy import Kiwi
texts = open(sys.argv[1], encoding="utf-8").read().split("\\n")
kiwi = Kiwi()
n = 0
for toks in kiwi.tokenize(texts):
    n += len(toks)
print(len(texts), n, kiwi.num_workers, round(time.perf_counter() - t0, 3))
"""


def load_texts(n: int) -> tuple[list[str], list[str]]:
    """(TSV lines with the header first, texts) of the first ``n`` usable reviews."""
    lines: list[str] = []
    texts: list[str] = []
    seen: set[str] = set()
    with gzip.open(data_dir() / "nsmc" / "reviews.tsv.gz", "rt", encoding="utf-8") as f:
        lines.append(next(f).rstrip("\n"))
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 5 or not parts[4].strip() or parts[0] in seen:
                continue
            seen.add(parts[0])
            lines.append(line.rstrip("\n"))
            texts.append(parts[4])
            if len(texts) >= n:
                break
    return lines, texts


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def become_subreaper() -> None:
    """Adopt the command's orphaned descendants (Linux): the enrichment pool's fork server
    outlives the command by a moment and its workers are its children, so their CPU time
    reaches ``RUSAGE_CHILDREN`` only when this process reaps them (:func:`reap_orphans`)."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


def reap_orphans(timeout: float = 30.0) -> None:
    """Wait for every adopted descendant to end (the fork server ends once its parent has)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.05)


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(wall seconds of the command, CPU seconds of it and all its descendants, stdout)."""
    c0, t0 = children_cpu(), time.perf_counter()
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    reap_orphans()
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stderr[-2000:]}")
    return wall, children_cpu() - c0, p.stdout


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=50_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workers", type=int, help="SOCIALOPS_WORKERS for enrich (default: setting)")
    ap.add_argument("--per-core", action="store_true", help="also run bench/enrich_throughput.py")
    args = ap.parse_args()
    become_subreaper()
    exe = str(REPO / ".venv" / "bin" / "socialops")
    lines, texts = load_texts(args.n)
    n = len(texts)
    with tempfile.TemporaryDirectory(prefix="socialops-bench-") as tmp:
        tsv = Path(tmp) / "reviews.tsv"
        tsv.write_text("\n".join(lines) + "\n", encoding="utf-8")
        plain = Path(tmp) / "texts.txt"
        plain.write_text("\n".join(t.replace("\n", " ") for t in texts), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("SOCIALOPS_")}
        if args.workers is not None:
            env["SOCIALOPS_WORKERS"] = str(args.workers)
        base = Path(tmp) / "imported"
        wall, _, out = timed(
            [exe, "import", str(tsv), "--preset", "nsmc-reviews", "--json"],
            {**env, "SOCIALOPS_HOME": str(base)},
        )
        imported = json.loads(out)["imported"]
        if imported != n:
            raise SystemExit(f"imported {imported:,} rows, expected {n:,}")
        kiwi_s: list[float] = []
        enrich_s: list[float] = []
        kiwi_cpu: list[float] = []
        enrich_cpu: list[float] = []
        loads: list[float] = []
        kiwi_info = ""
        for k in range(args.repeat):
            loads.append(os.getloadavg()[0])
            w, c, out = timed([sys.executable, "-c", BARE_KIWI, str(plain)], env)
            kiwi_s.append(w)
            kiwi_cpu.append(c)
            kiwi_info = out.strip()
            home = Path(tmp) / f"ws{k}"
            shutil.copytree(base, home)
            w, c, out = timed([exe, "enrich", "--json"], {**env, "SOCIALOPS_HOME": str(home)})
            enrich_cpu.append(c)
            res = json.loads(out)
            if res["rows"] != n:
                raise SystemExit(f"enriched {res['rows']:,} rows, expected {n:,}")
            enrich_s.append(w)
            shutil.rmtree(home)
            print(
                f"  run {k + 1} (load {loads[-1]:.2f}): bare Kiwi {kiwi_s[-1]:.2f} s "
                f"(CPU {kiwi_cpu[-1]:.1f} s), enrich {w:.2f} s (CPU {c:.1f} s; inside the "
                f"command {res['elapsed_s']:.2f} s), ratio {kiwi_s[-1] / w:.2f}",
                flush=True,
            )
    tk, te = statistics.median(kiwi_s), statistics.median(enrich_s)
    texts_read, morphs, kiwi_threads, _ = kiwi_info.split()
    if int(texts_read) != n:
        raise SystemExit(f"bare Kiwi read {texts_read} texts, expected {n:,}")
    print(f"machine: {machine()}")
    print(f"1-min load average before each run: {', '.join(f'{x:.2f}' for x in loads)}")
    print(f"texts: {n:,} reviews (nsmc/reviews.tsv.gz), {int(morphs) / n:.1f} morphemes/text")
    print(f"import (not counted): {wall:.1f} s")
    print(
        f"bare Kiwi command      : {n / tk:8,.0f} posts/s (median of {args.repeat}: {tk:.2f} s, "
        f"{kiwi_threads} Kiwi threads)"
    )
    workers = env.get("SOCIALOPS_WORKERS", "setting")
    print(
        f"socialops enrich       : {n / te:8,.0f} posts/s (median of {args.repeat}: {te:.2f} s, "
        f"workers {workers})"
    )
    pairs = statistics.median(k / e for k, e in zip(kiwi_s, enrich_s, strict=True))
    print(
        f"ratio Kiwi time/enrich : {tk / te:.2f} of the medians, {pairs:.2f} median of the "
        "runs' own ratios (goal >= 0.75; wall time)"
    )
    kc, ec = statistics.median(kiwi_cpu), statistics.median(enrich_cpu)
    print(
        f"CPU seconds            : bare Kiwi {kc:.1f}, enrich {ec:.1f}, ratio {kc / ec:.2f} "
        "(what a busy machine distorts least)"
    )
    if args.per_core:
        print("per-core figure (bench/enrich_throughput.py):", flush=True)
        subprocess.run(
            [sys.executable, str(REPO / "bench" / "enrich_throughput.py"), "--n", str(args.n)],
            check=True,
        )
    else:
        print(f"per-core figure: .venv/bin/python bench/enrich_throughput.py --n {args.n}")


if __name__ == "__main__":
    main()

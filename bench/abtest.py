"""Benchmark: promotion/creative tests (``socialops measure abtest``), speed and honesty.

    .venv/bin/python bench/abtest.py [--sims 2000] [--rows 1000000]

1. Speed: ``abtest_file`` on 1M rows (two variants; a mean metric and a 0/1 metric; plus a
   date column for the peeking check), CSV and Parquet: the first call in the process (cold:
   lazy imports, page cache) and the best of 3 (target < 2 s).
2. False positives: A/A tests (no true difference) — how often ``significant`` is true for
   any comparison (the family-wise rate; target ≈ alpha = 5 %): two means (Welch), two rates,
   three rates (Holm over 3 pairs), small skewed groups (Welch vs the percentile bootstrap).
3. Coverage: a known difference — how often the difference's 95 % interval covers it (target
   ≈ 95 %): means (Welch), rates (Newcombe), small skewed means (Welch vs the bootstrap).
4. Peeking: A/A tests looked at daily for 10 days, stopped at the first significant look: the
   simulated false-positive rate against the figure the warning quotes.
5. Power: ``plan_sample_size`` for 10 % → 12 %, then simulated tests of that size: the share
   that come out significant (target ≈ 80 %).
Seeds are fixed; every figure is printed with its binomial standard error.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine
from socialops.errors import DataError
from socialops.measure.abtest import ab_test, abtest_file
from socialops.measure.abtest_peek import peeking_fpr
from socialops.measure.power import plan_sample_size


def _se(p: float, n: int) -> float:
    return math.sqrt(max(p * (1 - p), 1e-12) / n)


def _line(name: str, hits: int, n: int, target: float) -> None:
    p = hits / n
    print(
        f"  {name:<44} {100 * p:6.2f} %  ± {100 * _se(p, n):.2f}  (target {100 * target:.0f} %; "
        f"{n} tests)"
    )


def speed(rows: int, folder: Path) -> None:
    rng = np.random.default_rng(0)
    group = np.where(rng.random(rows) < 0.5, "A", "B")
    table = pa.table(
        {
            "variant": group,
            "revenue": np.round(rng.exponential(20.0, rows) + (group == "B") * 0.1, 2),
            "converted": (rng.random(rows) < np.where(group == "B", 0.105, 0.10)).astype(int),
            "date": np.array([f"2026-11-{d:02d}" for d in range(1, 15)])[rng.integers(0, 14, rows)],
        }
    )
    csv_path, pq_path = folder / "ab.csv", folder / "ab.parquet"
    pacsv.write_csv(table, csv_path)
    pq.write_table(table, pq_path)
    size = csv_path.stat().st_size / 2**20
    print(f"1. Speed: {rows:,} rows (CSV {size:.0f} MiB; Parquet), two variants")
    for path in (csv_path, pq_path):
        for metric, time_col in (("revenue", None), ("converted", None), ("converted", "date")):
            times = []
            for _ in range(4):
                t0 = time.perf_counter()
                r = abtest_file(path, group_col="variant", metric_col=metric, time_col=time_col)
                times.append(time.perf_counter() - t0)
            label = f"{path.suffix[1:]:<7} {metric:<9} {r.kind:<4}" + (" +days" if time_col else "")
            print(f"  {label:<30} first {times[0]:.2f} s, best of 3 {min(times[1:]):.2f} s")


def _aa(sims: int, make, **kw) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """(tests with any significant comparison, tests run); a test refused as it should be (no
    conversion at all: a constant metric) is not run."""
    hits = ran = 0
    for i in range(sims):
        rng = np.random.default_rng(1000 + i)
        try:
            r = ab_test(make(rng), **kw)
        except DataError:
            continue
        ran += 1
        hits += any(c["significant"] for c in r.comparisons)
    return hits, ran


def false_positives(sims: int) -> None:
    print(f"2. A/A tests ({sims} each): share with any 'significant' comparison")
    n = 500
    cases = [
        ("two means, normal, n=500 (Welch)", lambda g: {"A": g.normal(10, 3, n), "B": g.normal(10, 3, n)}, {"kind": "mean"}),  # noqa: E501
        ("two rates 10 %, n=2000 (z)", lambda g: {"A": (g.random(2000) < 0.1) * 1.0, "B": (g.random(2000) < 0.1) * 1.0}, {"kind": "rate"}),  # noqa: E501
        ("three rates 5 %, n=3000 (Holm, 3 pairs)", lambda g: {k: (g.random(3000) < 0.05) * 1.0 for k in "ABC"}, {"kind": "rate"}),  # noqa: E501
        ("two rates 2 %, n=200 (small counts)", lambda g: {"A": (g.random(200) < 0.02) * 1.0, "B": (g.random(200) < 0.02) * 1.0}, {"kind": "rate"}),  # noqa: E501
    ]  # fmt: skip
    for name, make, kw in cases:
        _line(name, *_aa(sims, make, **kw), 0.05)
    boot = max(200, sims // 4)
    make = lambda g: {"A": g.lognormal(0, 1.5, 80), "B": g.lognormal(0, 1.5, 80)}  # noqa: E731
    _line("two skewed means, n=80 (Welch, the default)", *_aa(boot, make, kind="mean"), 0.05)
    _line("  same, percentile bootstrap", *_aa(boot, make, kind="mean", method="bootstrap"), 0.05)


def coverage(sims: int) -> None:
    print(f"3. Coverage of the 95 % interval of a known difference ({sims} each)")

    def run(make, truth: float, n_sims: int, **kw) -> int:  # type: ignore[no-untyped-def]
        hits = 0
        for i in range(n_sims):
            rng = np.random.default_rng(5000 + i)
            (c,) = ab_test(make(rng), **kw).comparisons
            hits += c["ci_low"] <= truth <= c["ci_high"]
        return hits

    n = 500
    mk = lambda g: {"A": g.normal(10, 3, n), "B": g.normal(10.5, 3, n)}  # noqa: E731
    _line("means, B − A = 0.5 (Welch)", run(mk, 0.5, sims, kind="mean"), sims, 0.95)
    mk = lambda g: {"A": (g.random(2000) < 0.10) * 1.0, "B": (g.random(2000) < 0.12) * 1.0}  # noqa: E731
    _line("rates 10 % vs 12 %, n=2000 (Newcombe)", run(mk, 0.02, sims, kind="rate"), sims, 0.95)
    mk = lambda g: {"A": (g.random(150) < 0.03) * 1.0, "B": (g.random(150) < 0.06) * 1.0}  # noqa: E731
    _line("rates 3 % vs 6 %, n=150 (Newcombe)", run(mk, 0.03, sims, kind="rate"), sims, 0.95)
    boot = max(200, sims // 4)
    mu = math.exp(1.5**2 / 2)
    mk = lambda g: {"A": g.lognormal(0, 1.5, 80), "B": g.lognormal(0, 1.5, 80) * 1.5}  # noqa: E731
    for method in ("welch", "bootstrap"):
        hits = run(mk, 0.5 * mu, boot, kind="mean", method=method)
        _line(f"skewed means ×1.5, n=80 ({method})", hits, boot, 0.95)


def peeking(sims: int) -> None:
    print(f"4. Peeking: A/A rates, 10 daily looks, stop at the first significant ({sims} sims)")
    hits = 0
    for i in range(sims):
        rng = np.random.default_rng(9000 + i)
        days = np.repeat(np.arange(10), 300)
        data = {"A": (rng.random(3000) < 0.1) * 1.0, "B": (rng.random(3000) < 0.1) * 1.0}
        r = ab_test(data, kind="rate", days={"A": days, "B": days})
        early = r.peeking["significant_before_end"] if r.peeking else []
        hits += bool(early) or r.comparisons[0]["significant"]
    _line("stopped at a significant look", hits, sims, peeking_fpr(10))
    print(f"  (the warning quotes {100 * peeking_fpr(10):.1f} % for 10 looks; one look: 5 %)")


def power(sims: int) -> None:
    plan = plan_sample_size(0.10, 0.02)
    n = plan["n_per_group"]
    print(f"5. Power: plan_sample_size(0.10, +0.02) = {n:,} per group; {sims} simulated tests")
    hits = 0
    for i in range(sims):
        rng = np.random.default_rng(20000 + i)
        data = {"A": (rng.random(n) < 0.10) * 1.0, "B": (rng.random(n) < 0.12) * 1.0}
        hits += ab_test(data, kind="rate").comparisons[0]["significant"]
    _line("significant at the planned size", hits, sims, 0.80)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sims", type=int, default=2000)
    ap.add_argument("--rows", type=int, default=1_000_000)
    args = ap.parse_args()
    print(f"machine: {machine()}")
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        speed(args.rows, Path(tmp))
    false_positives(args.sims)
    coverage(args.sims)
    peeking(max(200, args.sims // 2))
    power(max(200, args.sims // 2))
    print(f"total {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()

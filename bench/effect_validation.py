"""Benchmark: is the campaign-effect estimate (``socialops measure effect``) calibrated on real
series? Validated, not asserted:

    .venv/bin/python bench/effect_validation.py [--data-dir DIR] [--step 14]

Two real daily series from ``../shared/data``:
- ``cdnow``: CDNOW_master.txt aggregated to daily revenue (sum of dollar_value; a day with no
  purchase is 0). The file is the cohort of customers whose first purchase fell in
  1997-01..03, so that quarter is itself a huge "intervention" (acquisition): the series used
  starts 1997-04-01 (455 days);
- ``facebook_live_sellers``: Live_20210128.csv daily sum of num_reactions (0 on a day with no
  post), 2017-07-01..2018-06-13, the stretch where posts are daily (348 days).

(a) Placebo: fake campaign windows of 14 and 28 days, one every ``--step`` days after at
least 90 days of pre-period (the pre-period: everything before the window); nothing happened
there, so a claimed effect is a false positive. Goal: the 95 % interval excludes zero in
≤ 10 % of them (also shown: p_effect ≥ 0.95).
(b) Known lifts: the same windows with the real values multiplied by 1.1, 1.2 and 1.5 (the
true ``lift_rel`` is then exactly 0.1, 0.2, 0.5). Goal: the 95 % interval of ``lift_rel``
covers the true lift in ≥ 85 %; the detection rate (interval above zero) is reported.

The verdict claims an effect only when the 95 % interval of the total lift excludes zero
(about p_effect ≥ 0.975); p_effect ≥ 0.95 is a one-sided 5 % rule, a two-sided 10 % test,
so its placebo rate sits near or above 10 % by construction and is shown for comparison.

Figures (``--step 14``, AMD EPYC, 2 shared cores, 2026-12-06): cdnow 51 placebo windows, the
interval excluded zero in 9.8 % (p_effect ≥ 0.95: 13.7 %); lifts covered 90.2 %, +50 %
detected in 21.6 %. facebook_live_sellers 35 windows: 5.7 % (8.6 %); covered 94.3 %, +50 %
detected in 14.3 %. Noisy daily series give wide, honest intervals: a lift of +10-20 % over
2-4 weeks cannot be told from these series' own wandering without control series.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import data_dir, machine
from socialops.measure.effect import estimate_effect
from socialops.measure.effect_series import parse_day

MIN_PRE = 90
WINDOWS = (14, 28)
LIFTS = (0.1, 0.2, 0.5)


def _daily(sums: dict[date, float], first: date, last: date) -> tuple[list[date], np.ndarray]:
    days = [first + timedelta(i) for i in range((last - first).days + 1)]
    return days, np.array([sums.get(d, 0.0) for d in days])


def cdnow(root: Path) -> tuple[list[date], np.ndarray]:
    sums: dict[date, float] = defaultdict(float)
    with open(root / "cdnow" / "CDNOW_master.txt", encoding="ascii") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) != 4 or not parts[1].isdigit():
                continue
            d = parse_day(parts[1])
            if d is not None:
                sums[d] += float(parts[3])
    return _daily(sums, date(1997, 4, 1), max(sums))


def facebook(root: Path) -> tuple[list[date], np.ndarray]:
    import csv

    sums: dict[date, float] = defaultdict(float)
    path = root / "facebook_live_sellers" / "Live_20210128.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            d = parse_day(row["status_published"])
            if d is not None:
                sums[d] += float(row["num_reactions"])
    return _daily(sums, date(2017, 7, 1), max(sums))


def run(name: str, days: list[date], y: np.ndarray, step: int) -> dict[str, float]:
    placebo = []
    cover: dict[float, list[bool]] = defaultdict(list)
    detect: dict[float, list[bool]] = defaultdict(list)
    secs = []
    for h in WINDOWS:
        for s in range(MIN_PRE, len(days) - h + 1, step):
            t0 = time.perf_counter()
            r = estimate_effect(days, list(y), start=days[s], end=days[s + h - 1])
            secs.append(time.perf_counter() - t0)
            placebo.append((r.lift_abs_low > 0 or r.lift_abs_high < 0, r.p_effect >= 0.95))
            for lift in LIFTS:
                z = y.copy()
                z[s : s + h] *= 1 + lift
                r = estimate_effect(days, list(z), start=days[s], end=days[s + h - 1])
                ok = r.ci_low is not None and r.ci_high is not None
                cover[lift].append(ok and r.ci_low <= lift <= r.ci_high)  # type: ignore[operator]
                detect[lift].append(r.lift_abs_low > 0)
    fp = float(np.mean([a for a, _ in placebo]))
    fp95 = float(np.mean([b for _, b in placebo]))
    print(f"\n{name}: {len(days)} days {days[0]}..{days[-1]}, windows {WINDOWS} every {step} d")
    print(f"  placebo runs {len(placebo)}: interval excludes 0 in {fp:.1%} (goal <= 10%); ")
    print(f"    p_effect >= 0.95 in {fp95:.1%}")
    allc = []
    for lift in LIFTS:
        c, d = float(np.mean(cover[lift])), float(np.mean(detect[lift]))
        allc += cover[lift]
        print(
            f"  +{lift:.0%} injected ({len(cover[lift])} runs): coverage {c:.1%}, detected {d:.1%}"
        )
    print(
        f"  coverage over all lifts {np.mean(allc):.1%} (goal >= 85%); "
        f"median {np.median(secs):.2f} s per estimate"
    )
    return {"fp": fp, "coverage": float(np.mean(allc))}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", type=Path, default=None)
    ap.add_argument("--step", type=int, default=14)
    args = ap.parse_args()
    root = args.data_dir or data_dir()
    print(machine())
    t0 = time.perf_counter()
    out = {}
    for name, load in (
        ("cdnow daily revenue", cdnow),
        ("facebook_live_sellers daily reactions", facebook),
    ):
        days, y = load(root)
        out[name] = run(name, days, y, args.step)
    print(f"\ntotal {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()

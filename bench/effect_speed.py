"""Benchmark: one campaign-effect estimate on 3 years of daily data with 5 control series
(issue 17 target: < 10 s).

    .venv/bin/python bench/effect_speed.py [--repeat 3]

The series is simulated (1,095 days, weekly seasonality, a KPI following 5 random-walk
controls, a +10 % lift over the last 28 days); the figure is the wall time of
``estimate_effect`` (MLE fit, Laplace covariance, 200 parameter draws × 5 trajectories), best
and worst of ``--repeat`` runs, on the machine printed. The result is checked, not just timed:
the 95 % interval must cover the injected lift.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine
from socialops.measure.effect import estimate_effect

DAYS, CONTROLS, POST, LIFT = 1095, 5, 28, 0.10


def series(seed: int = 0) -> tuple[list[date], np.ndarray, dict[str, list[float]]]:
    rng = np.random.default_rng(seed)
    days = [date(2022, 1, 1) + timedelta(i) for i in range(DAYS)]
    x = 300 + np.cumsum(rng.normal(0, 3, (DAYS, CONTROLS)), axis=0)
    week = np.tile([0.0, 0.04, 0.07, 0.03, 0.0, -0.08, -0.12], DAYS // 7 + 1)[:DAYS]
    y = (x @ np.array([0.6, 0.3, 0.2, 0.0, 0.1]) + 100) * (1 + week) + rng.normal(0, 8, DAYS)
    y[-POST:] *= 1 + LIFT
    controls = {f"control_{k + 1}": list(x[:, k]) for k in range(CONTROLS)}
    return days, y, controls


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    days, y, controls = series()
    print(machine())
    times = []
    for i in range(args.repeat):
        t0 = time.perf_counter()
        res = estimate_effect(
            days, list(y), start=days[-POST], end=days[-1], controls=controls, seed=i
        )
        times.append(time.perf_counter() - t0)
        assert res.ci_low is not None and res.ci_high is not None
        covered = res.ci_low <= LIFT <= res.ci_high
        print(
            f"run {i + 1}: {times[-1]:.2f} s  lift_rel {res.lift_rel:+.3f} "
            f"[{res.ci_low:+.3f}, {res.ci_high:+.3f}] covers +{LIFT:.0%}: {covered}"
        )
    print(
        f"{DAYS} days, {CONTROLS} controls, {POST}-day campaign: best {min(times):.2f} s, "
        f"worst {max(times):.2f} s (target < 10 s)"
    )


if __name__ == "__main__":
    main()

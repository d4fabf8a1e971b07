"""Benchmark: BG/NBD and Gamma-Gamma on CDNOW against the published estimates, and the holdout.

    python bench/clv_cdnow.py [--data-dir DIR]

Fader, Hardie & Lee (2005) fit BG/NBD on a 1/10 sample of the CDNOW panel (2,357 customers) with
a 39-week calibration (1997-01-01 .. 1997-09-30): r = 0.243, α = 4.414, a = 0.793, b = 2.426;
Fader & Hardie (2013) fit Gamma-Gamma on the same sample's repeat buyers: p = 6.25, q = 3.74,
γ = 15.44. Our file is the whole panel (23,570 customers), so the estimates differ by the sample's
sampling error. Purchases on one day are one purchase (amounts summed), T runs to 1997-09-30,
time in weeks, the Gamma-Gamma spend is the mean of the repeat purchases. Holdout: weeks 40–78
(1997-10-01 .. 1998-06-30), the predicted purchases (conditional expectation, eq. 10) against the
actual ones, per number of calibration repeat purchases. A bootstrap over customers (20 draws)
gives the spread of the full-file estimates.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import data_dir, machine
from socialops.segment.clv import (
    bgnbd_expected,
    customer_history,
    fit_bgnbd,
    fit_gamma_gamma,
)
from socialops.segment.transactions import read_transactions

PUBLISHED = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PUBLISHED_GG = {"p": 6.25, "q": 3.74, "gamma": 15.44}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", type=Path, default=None)
    ap.add_argument("--bootstrap", type=int, default=20)
    args = ap.parse_args()
    base = args.data_dir or data_dir()
    t = read_transactions(base / "cdnow" / "CDNOW_master.txt", "cdnow")
    print(f"machine: {machine()}")
    h = customer_history(t, end=date(1997, 9, 30), holdout_end=date(1998, 6, 30))
    n = len(h.x)
    print(f"customers: {n:,}; no repeat purchase in calibration: {np.mean(h.x == 0):.1%}")
    t0 = time.perf_counter()
    m = fit_bgnbd(h.x, h.t_x, h.T)
    fit_s = time.perf_counter() - t0
    g = fit_gamma_gamma(h.x, h.m)
    rng = np.random.default_rng(7)
    boot: dict[str, list[float]] = {k: [] for k in (*PUBLISHED, *PUBLISHED_GG)}
    for _ in range(args.bootstrap):
        i = rng.integers(0, n, n)
        mb = fit_bgnbd(h.x[i], h.t_x[i], h.T[i])
        gb = fit_gamma_gamma(h.x[i], h.m[i])
        for name in PUBLISHED:
            boot[name].append(getattr(mb, name))
        for name in PUBLISHED_GG:
            boot[name].append(getattr(gb, name))
    print(f"BG/NBD fit: {fit_s:.2f} s, log-likelihood {m.loglik:,.1f}")
    print(f"{'param':<7}{'full file':>11}{'boot sd':>9}{'published':>11}{'rel. diff':>11}")
    for name, v in {**PUBLISHED, **PUBLISHED_GG}.items():
        ours = getattr(m, name) if name in PUBLISHED else getattr(g, name)
        sd = float(np.std(boot[name]))
        print(f"{name:<7}{ours:>11.3f}{sd:>9.3f}{v:>11.3f}{(ours - v) / v:>+11.1%}")
    print(f"Gamma-Gamma repeat buyers: {g.customers:,}; mean spend p·γ/(q−1) = {g.mean_spend:.2f}")
    pred = bgnbd_expected(m, 39.0, h.x, h.t_x, h.T)
    act = h.x_holdout
    print(
        f"holdout weeks 40-78: predicted {pred.sum():,.0f} repeat purchases, actual "
        f"{act.sum():,.0f} ({pred.sum() / act.sum() - 1:+.1%})"
    )
    print(f"{'x (calib.)':<11}{'customers':>10}{'predicted':>11}{'actual':>9}  (per customer)")
    for j in range(8):
        sel = h.x == j if j < 7 else h.x >= 7
        label = str(j) if j < 7 else "7+"
        print(f"{label:<11}{sel.sum():>10,}{pred[sel].mean():>11.3f}{act[sel].mean():>9.3f}")


if __name__ == "__main__":
    main()

"""Benchmark: the targeting model (``socialops segment model``) — speed on 100k customers and
held-out quality on the real bank marketing data.

    python bench/targeting.py [--data-dir DIR] [--rows 100000] [--seed 0]

1. Held-out AUC on ``bank_marketing/bank.csv`` (11,162 customers; stratified 25 % held out,
   seed 0): without ``duration`` (the default: the call's length is only known after the call)
   and with it (``--include duration``: what the leaky figure would be), plus Brier score and
   the largest decile calibration gap; and, for reference, scikit-learn's
   HistGradientBoostingClassifier on the same split and the same columns (not stored: it cannot
   be saved without pickle) — how much the JSON-storable logistic model gives up.
2. Training time on ``--rows`` customers (target < 30 s for 100k): bank.csv resampled with
   replacement, numeric columns jittered (age ±2, balance ×lognormal(0, 0.2), day ±1, campaign
   ±1 at random, pdays kept), written as a CSV and trained through ``train_model`` end to end
   (read the file, encode, 5-fold calibration, fit, held-out metrics, permutation importance,
   store in a scratch workspace).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import data_dir, machine
from socialops.segment.customers import read_customer_file
from socialops.segment.targeting import fit, train_model
from socialops.segment.targeting_features import design_matrix, fit_encoding
from socialops.store.workspace import Workspace


def _gbm_auc(df: pd.DataFrame, columns: list[str], seed: int) -> float:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import train_test_split

    y = (df["deposit"] == "yes").to_numpy(int)
    tr, te = train_test_split(np.arange(len(y)), test_size=0.25, stratify=y, random_state=seed)
    enc = fit_encoding(df.iloc[tr], columns)
    gbm = HistGradientBoostingClassifier(random_state=seed)
    gbm.fit(design_matrix(df.iloc[tr], enc), y[tr])
    return float(roc_auc_score(y[te], gbm.predict_proba(design_matrix(df.iloc[te], enc))[:, 1]))


def _resample(df: pd.DataFrame, rows: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    out = df.iloc[rng.integers(0, len(df), rows)].reset_index(drop=True)
    out["age"] = np.clip(out["age"] + rng.integers(-2, 3, rows), 18, 95)
    out["balance"] = np.round(out["balance"] * rng.lognormal(0, 0.2, rows))
    out["day"] = np.clip(out["day"] + rng.integers(-1, 2, rows), 1, 31)
    out["campaign"] = np.maximum(1, out["campaign"] + rng.integers(-1, 2, rows))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    bank = (Path(args.data_dir) if args.data_dir else data_dir()) / "bank_marketing" / "bank.csv"
    print(f"machine: {machine()}")
    df = read_customer_file(bank)
    for include in ([], ["duration"]):
        t0 = time.perf_counter()
        body = fit(df, target="deposit", include=include, seed=args.seed)
        m = body["metrics"]
        label = "with duration (leaky)" if include else "without duration (default)"
        print(
            f"bank.csv {label}: held-out AUC {m['auc']:.4f}, Brier {m['brier']:.4f} "
            f"(reference {m['brier_reference']:.4f}), max decile gap "
            f"{m['calibration_max_gap']:.3f}, n={m['rows']} ({m['test_rows']} held out), "
            f"{time.perf_counter() - t0:.1f} s; top: "
            + ", ".join(a["attribute"] for a in body["attributes"][:5])
        )
        gbm = _gbm_auc(df, body["features"], args.seed)
        print(f"  HistGradientBoosting, same split and columns: AUC {gbm:.4f}")
    big = _resample(df, args.rows, args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "customers.csv"
        big.to_csv(path, index=False)
        ws = Workspace.open(Path(tmp) / "ws")
        t0, c0 = time.perf_counter(), time.process_time()
        res = train_model(ws, path, target="deposit", name="bench", seed=args.seed)
        took, cpu = time.perf_counter() - t0, time.process_time() - c0
    verdict = "met" if took < 30 else "MISSED"
    print(
        f"train_model on {args.rows:,} customers (CSV read to stored model): {took:.1f} s wall, "
        f"{cpu:.1f} s CPU (target < 30 s: {verdict}; load average {os.getloadavg()[0]:.1f}); "
        f"held-out AUC {res['auc']:.4f}, Brier {res['brier']:.4f}"
    )


if __name__ == "__main__":
    main()

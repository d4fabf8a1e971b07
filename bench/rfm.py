"""Benchmark: RFM on 1M transactions, on DuckDB (target < 5 s) and on Spark (the same query).

    python bench/rfm.py [--data-dir DIR] [--copies 15] [--no-spark]

The transactions are CDNOW's 69,659 (23,570 customers, 1997-01 .. 1998-06) replicated
``--copies`` times (15 → 1,044,885 rows, 353,550 customers), each copy's customers renamed and its
dates shifted by a few days, so the distributions (purchases per customer, spend, gaps) are
CDNOW's. Timed: ``socialops.segment.rfm.rfm`` from an Arrow table in memory to the per-customer
scores and the summary (best of 3 on DuckDB); on Spark the session's start is timed separately and
the query once warm (best of 2). The two engines' results are compared.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import data_dir, machine
from socialops.segment.rfm import RFMResult, rfm
from socialops.segment.transactions import read_transactions


def replicate(t: pa.Table, copies: int) -> pa.Table:
    parts = []
    for k in range(copies):
        ids = pc.binary_join_element_wise(t.column("customer_id"), pa.scalar(f"{k:02d}"), "-")
        days = pc.add(pc.cast(t.column("date"), pa.int32()), pa.scalar(k % 7, pa.int32()))
        parts.append(
            pa.table(
                {
                    "customer_id": ids,
                    "date": pc.cast(days, pa.date32()),
                    "amount": t.column("amount"),
                    "quantity": t.column("quantity"),
                }
            )
        )
    return pa.concat_tables(parts)


def best(fn: Callable[[], RFMResult], n: int) -> tuple[float, RFMResult]:
    times: list[float] = []
    for _ in range(n):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", type=Path, default=None)
    ap.add_argument("--copies", type=int, default=15)
    ap.add_argument("--no-spark", action="store_true")
    args = ap.parse_args()
    base = args.data_dir or data_dir()
    cd = read_transactions(base / "cdnow" / "CDNOW_master.txt", "cdnow")
    t = replicate(cd, args.copies)
    print(f"machine: {machine()}")
    print(f"transactions: {t.num_rows:,} (CDNOW × {args.copies})")
    secs, d = best(lambda: rfm(t), 3)
    print(f"duckdb: {secs:.2f} s for {d.customers.num_rows:,} customers (target < 5 s)")
    for s in d.summary:
        print(f"  {s['segment']:<20} {s['count']:>8,}  revenue share {s['revenue_share']:.3f}")
    if args.no_spark:
        return
    from socialops.store.spark import get_spark

    t0 = time.perf_counter()
    get_spark()
    print(f"spark start: {time.perf_counter() - t0:.1f} s")
    secs_s, res_s = best(lambda: rfm(t, engine="spark"), 2)
    same = res_s.customers.equals(d.customers)
    print(f"spark (local[*], warm): {secs_s:.2f} s; same customers and scores as duckdb: {same}")


if __name__ == "__main__":
    main()

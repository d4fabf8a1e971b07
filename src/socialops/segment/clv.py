"""Customer value from transactions: each customer's history (repeat purchases, recency, age),
the BG/NBD and Gamma-Gamma fits (:mod:`socialops.segment.clv_models`, our own implementation of
Fader, Hardie & Lee 2005 and Fader & Hardie 2013: ``lifetimes`` is unmaintained since 2020), and
each customer's expected purchases, P(active), expected spend and value over a horizon.

This module is the one others call (``fit_bgnbd``, ``fit_gamma_gamma``, ``customer_value``…);
the models' formulas live in :mod:`socialops.segment.clv_models`."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from socialops.errors import DataError
from socialops.segment.clv_models import (
    BGNBD,
    Arr,
    GammaGamma,
    bgnbd_expected,
    bgnbd_loglik,
    bgnbd_p_alive,
    bgnbd_unconditional,
    clv,
    fit_bgnbd,
    fit_gamma_gamma,
    gg_expected_spend,
    gg_loglik,
)
from socialops.store.exportcells import csv_cell

__all__ = [
    "BGNBD",
    "GammaGamma",
    "History",
    "ValueResult",
    "bgnbd_expected",
    "bgnbd_loglik",
    "bgnbd_p_alive",
    "bgnbd_unconditional",
    "clv",
    "customer_history",
    "customer_value",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "gg_expected_spend",
    "gg_loglik",
    "write_value_csv",
]

_EPOCH = date(1970, 1, 1)


# -- from transactions -------------------------------------------------------------------------
@dataclass
class History:
    """Per-customer inputs of the models (arrays aligned with ``customer_id``)."""

    customer_id: list[str]
    x: Arr  # repeat purchase days up to ``end``
    t_x: Arr  # last purchase day − first, in model units
    T: Arr  # ``end`` − first purchase day, in model units
    m: Arr  # mean spend of the repeat purchase days (nan when x = 0)
    spend: Arr  # total spend up to ``end``
    x_holdout: Arr  # purchase days in (end, holdout_end] (zeros without a holdout)
    end: date
    unit_days: float


def customer_history(
    table: pa.Table,
    *,
    end: date | None = None,
    holdout_end: date | None = None,
    unit_days: float = 7.0,
) -> History:
    """The models' inputs from transactions: purchases on one day are one purchase (their
    amounts summed); customers whose first purchase is after ``end`` (default: the last
    transaction day, inclusive) are left out."""
    day = pc.cast(table.column("date"), pa.int32())
    t = pa.table({"c": table.column("customer_id"), "d": day, "v": table.column("amount")})
    t = (
        t.group_by(["c", "d"])
        .aggregate([("v", "sum")])
        .sort_by([("c", "ascending"), ("d", "ascending")])
    )
    if t.num_rows == 0:
        raise DataError(code="segment_rfm.no_transactions", when="")
    last = int(pc.max(t.column("d")).as_py())
    cut = last if end is None else (end - _EPOCH).days
    hold = None if holdout_end is None else (holdout_end - _EPOCH).days
    ids, inv = np.unique(np.asarray(t.column("c").to_pylist(), dtype=object), return_inverse=True)
    d = t.column("d").to_numpy().astype(np.int64)
    v = t.column("v_sum").to_numpy().astype(np.float64)
    n = len(ids)
    first = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(first, inv, d)
    cal = d <= cut
    is_first = d == first[inv]
    k = np.bincount(inv[cal], minlength=n).astype(np.float64)
    lastc = np.full(n, np.iinfo(np.int64).min)
    np.maximum.at(lastc, inv[cal], d[cal])
    spend = np.bincount(inv[cal], weights=v[cal], minlength=n)
    rep = cal & ~is_first
    rep_sum = np.bincount(inv[rep], weights=v[rep], minlength=n)
    xh = np.zeros(n)
    if hold is not None:
        h = (d > cut) & (d <= hold)
        xh = np.bincount(inv[h], minlength=n).astype(np.float64)
    keep = first <= cut
    x = np.maximum(k - 1, 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        m = np.where(x > 0, rep_sum / np.maximum(x, 1), np.nan)
    return History(
        customer_id=[str(i) for i in ids[keep]],
        x=x[keep],
        t_x=((lastc - first) / unit_days)[keep],
        T=((cut - first) / unit_days)[keep],
        m=m[keep],
        spend=np.asarray(spend[keep], dtype=np.float64),
        x_holdout=xh[keep],
        end=_EPOCH + timedelta(days=cut),
        unit_days=unit_days,
    )


@dataclass
class ValueResult:
    """Customer value per customer (``rows``), its summary, the fitted models and caveats."""

    as_of: date
    horizon_days: int
    discount: float
    bgnbd: BGNBD
    gamma_gamma: GammaGamma
    rows: list[dict[str, Any]]
    summary: dict[str, Any]
    caveats: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self, *, rows: bool = True) -> dict[str, Any]:
        d: dict[str, Any] = {
            "as_of": self.as_of.isoformat(),
            "horizon_days": self.horizon_days,
            "discount": self.discount,
            "bgnbd": self.bgnbd.to_dict(),
            "gamma_gamma": self.gamma_gamma.to_dict(),
            "summary": self.summary,
            "caveats": self.caveats,
        }
        if rows:
            d["customers"] = self.rows
        return d


def customer_value(
    table: pa.Table,
    *,
    horizon_days: int = 365,
    discount: float = 0.10,
    margin: float = 1.0,
    as_of: date | None = None,
    unit_days: float = 7.0,
) -> ValueResult:
    """Fit BG/NBD and Gamma-Gamma on the transactions before ``as_of`` (default: the day after
    the last one) and value each customer over the next ``horizon_days``."""
    end = None if as_of is None else as_of - timedelta(days=1)
    h = customer_history(table, end=end, unit_days=unit_days)
    bg = fit_bgnbd(h.x, h.t_x, h.T, unit_days=unit_days)
    gg = fit_gamma_gamma(h.x, h.m)
    purchases = bgnbd_expected(bg, horizon_days / unit_days, h.x, h.t_x, h.T)
    alive = bgnbd_p_alive(bg, h.x, h.t_x, h.T)
    spend = gg_expected_spend(gg, h.x, h.m)
    value = clv(
        bg, gg, h.x, h.t_x, h.T, h.m, horizon_days=horizon_days, discount=discount, margin=margin
    )
    rows = [
        {
            "customer_id": cid,
            "repeat_purchases": int(x),
            "p_alive": round(float(a), 6),
            "expected_purchases": round(float(p), 6),
            "expected_spend": round(float(s), 4),
            "clv": round(float(v), 4),
        }
        for cid, x, a, p, s, v in zip(
            h.customer_id, h.x, alive, purchases, spend, value, strict=True
        )
    ]
    order = np.sort(value)[::-1]
    top = order[: max(1, len(order) // 10)]
    total = float(order.sum())
    summary = {
        "customers": len(rows),
        "repeat_customers": int(np.sum(h.x > 0)),
        "total_clv": total,
        "mean_clv": float(np.mean(value)),
        "median_clv": float(np.median(value)),
        "top_decile_share": float(top.sum() / total) if total else 0.0,
        "expected_purchases": float(np.sum(purchases)),
        "mean_p_alive": float(np.mean(alive)),
    }
    caveats: list[dict[str, Any]] = []
    rep = h.x > 0
    corr = float(np.corrcoef(h.x[rep], h.m[rep])[0, 1]) if rep.sum() > 2 else 0.0
    if abs(corr) >= 0.3:
        caveats.append({"code": "spend_correlated", "params": {"corr": f"{corr:.2f}"}})
    span = int(float(np.max(h.T)) * unit_days)
    if span < horizon_days:
        caveats.append({"code": "short_history", "params": {"days": span, "horizon": horizon_days}})
    return ValueResult(
        h.end + timedelta(days=1), horizon_days, discount, bg, gg, rows, summary, caveats
    )


def write_value_csv(result: ValueResult, out: Path) -> int:
    """Each customer's value as a CSV for people (UTF-8 with BOM, cells guarded against formula
    injection), written under a temporary name and renamed when complete; the rows written."""
    cols = [
        "customer_id",
        "repeat_purchases",
        "p_alive",
        "expected_purchases",
        "expected_spend",
        "clv",
    ]
    tmp = out.with_name(f".{out.name}.partial")
    try:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(cols)
            for row in result.rows:
                w.writerow([csv_cell(row[c]) for c in cols])
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return len(result.rows)

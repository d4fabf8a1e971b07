"""Attribute segments: the response rate of each age band, job, region, balance band… of a
customer table, with its lift over the overall rate, a 95 % Wilson interval and whether it
differs from the other customers more than chance would explain.

Numeric columns are banded: an age column (age/나이/연령) by decade (``20s`` = 20–29, the last
band open: ``70+``), a column with at most ``MAX_VALUES`` distinct values by value, any other by
quantile (quintiles of the table's own values), or by the ``bins`` given. Text columns: one group
per value (at most ``MAX_LEVELS``: more is an id, not an attribute).

Each group is tested against the rest of the table (Fisher's exact test on the 2×2 table) and
the p-values of every group of every attribute are Holm-adjusted together: with 60 groups, some
would look different at 5 % by chance alone. A group with fewer than ``min_n`` customers gets its
count and rate but no verdict (``note = "too_few"``): too few to say anything."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from scipy.stats import fisher_exact
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

from socialops.errors import DataError
from socialops.segment.customers import customer_frame
from socialops.segment.targeting_features import (
    MISSING,
    attribute_columns,
    binary_target,
    cell_texts,
    response_mask,
    value_text,
)
from socialops.sources.presets.metrics import norm_header

__all__ = ["MIN_N", "attribute_segments", "band_column"]

MIN_N = 30  # fewer customers in a group: no verdict on it
MAX_VALUES = 12  # a numeric column with at most this many distinct values is grouped by value
N_QUANTILES = 5
ALPHA = 0.05
_AGE = {norm_header(a) for a in ("age", "나이", "연령", "만나이")}


def _num(x: float) -> str:
    return value_text(round(float(x), 2))


def band_column(
    s: pd.Series, name: str, bins: list[float] | None = None
) -> tuple[pd.Series, list[tuple[str, str, str]], str]:
    """(each row's group key, the groups in order as (key, label_ko, label_en), the banding:
    ``decade | values | quantile | bins | categorical``)."""
    if not pd.api.types.is_numeric_dtype(s):
        keys = cell_texts(s)
        order = keys.value_counts().index.tolist()
        return keys, [(k, *_missing_label(k)) for k in order], "categorical"
    x = s.to_numpy(dtype=float)
    nan = np.isnan(x)
    ok = x[~nan]
    if bins:
        edges = sorted(float(b) for b in bins)
        kind = "bins"
    elif norm_header(name) in _AGE:
        lo = int(np.floor(ok.min() / 10) * 10) if ok.size else 0
        edges = [float(e) for e in range(lo + 10, 71, 10)] if lo < 70 else []
        kind = "decade"
    elif len(np.unique(ok)) <= MAX_VALUES:
        keys = pd.Series(np.where(nan, MISSING, [value_text(v) for v in x]), index=s.index)
        order = [value_text(v) for v in np.unique(ok)] + ([MISSING] if nan.any() else [])
        return keys, [(k, *_missing_label(k)) for k in order], "values"
    else:
        qs = np.quantile(ok, np.linspace(0, 1, N_QUANTILES + 1)[1:-1])
        edges = sorted({float(q) for q in qs})
        kind = "quantile"
    idx = np.searchsorted(np.asarray(edges), np.nan_to_num(x), side="right")
    groups: list[tuple[str, str, str]] = []
    for i in range(len(edges) + 1):
        lo_e = edges[i - 1] if i > 0 else None
        hi_e = edges[i] if i < len(edges) else None
        if kind == "decade":
            start = int(lo_e) if lo_e is not None else (int(hi_e) - 10 if hi_e else 0)
            if hi_e is None:
                groups.append((f"{start}+", f"{start}대 이상", f"{start}+"))
            else:
                groups.append((f"{start}-{start + 9}", f"{start}대", f"{start}s"))
        else:
            lo_t = _num(lo_e) if lo_e is not None else "-∞"
            hi_t = _num(hi_e) if hi_e is not None else "∞"
            label = f"[{lo_t}, {hi_t})" if lo_e is not None else f"< {hi_t}"
            if hi_e is None:
                label = f"≥ {lo_t}" if lo_e is not None else "all"
            groups.append((label, label, label))
    keys = pd.Series([groups[i][0] for i in idx], index=s.index)
    keys[nan] = MISSING
    present = set(keys)
    out = [g for g in groups if g[0] in present]
    if nan.any():
        out.append((MISSING, *_missing_label(MISSING)))
    return keys, out, kind


def _missing_label(key: str) -> tuple[str, str]:
    return ("(값 없음)", "(missing)") if key == MISSING else (key, key)


def attribute_segments(
    data: str | Path | pd.DataFrame | pa.Table,
    *,
    target: str,
    positive: str | None = None,
    columns: list[str] | None = None,
    bins: dict[str, list[float]] | None = None,
    min_n: int = MIN_N,
) -> dict[str, Any]:
    """The response rate, lift and 95 % interval of every group of every attribute; see the
    module docstring. ``data``: a file, a DataFrame or a pyarrow table."""
    df = customer_frame(data)
    y_all, positive, no_response = binary_target(df, target, positive)
    df = df[response_mask(df, target)]
    cols, skipped = attribute_columns(df, target, columns)
    n, k = len(y_all), int(y_all.sum())
    if n < min_n:
        raise DataError(code="targeting.too_few_rows", rows=n, minimum=min_n)
    rate = k / n
    lo, hi = proportion_confint(k, n, alpha=ALPHA, method="wilson")
    attributes: list[dict[str, Any]] = []
    tested: list[tuple[dict[str, Any], float]] = []
    for c in cols:
        keys, order, kind = band_column(df[c], c, (bins or {}).get(c))
        karr = keys.to_numpy()
        groups: list[dict[str, Any]] = []
        for key, label_ko, label_en in order:
            mask = karr == key
            gn, gk = int(mask.sum()), int(y_all[mask].sum())
            if gn == 0:
                continue
            g_lo, g_hi = proportion_confint(gk, gn, alpha=ALPHA, method="wilson")
            g: dict[str, Any] = {
                "value": key,
                "label_ko": label_ko,
                "label_en": label_en,
                "n": gn,
                "positives": gk,
                "rate": gk / gn,
                "ci_low": float(g_lo),
                "ci_high": float(g_hi),
                "lift": (gk / gn) / rate if rate else None,
                "lift_low": float(g_lo) / rate if rate else None,
                "lift_high": float(g_hi) / rate if rate else None,
                "p_value": None,
                "p_adj": None,
                "significant": None,
                "note": "too_few",
            }
            if gn >= min_n and gn < n:
                table = [[gk, gn - gk], [k - gk, (n - gn) - (k - gk)]]
                tested.append((g, float(fisher_exact(table)[1])))
            groups.append(g)
        attributes.append({"column": c, "banding": kind, "groups": groups})
    if tested:
        reject, p_adj, _, _ = multipletests([p for _, p in tested], alpha=ALPHA, method="holm")
        for (g, p), r, pa_ in zip(tested, reject, p_adj, strict=True):
            g["p_value"], g["p_adj"], g["significant"] = p, float(pa_), bool(r)
            g["note"] = ("higher" if g["rate"] > rate else "lower") if r else "no_difference"
    caveats = []
    if no_response:
        caveats.append({"code": "targeting.caveat.no_response", "params": {"rows": no_response}})
    small = sum(g["note"] == "too_few" for a in attributes for g in a["groups"])
    if small:
        caveats.append(
            {"code": "targeting.caveat.small_groups", "params": {"groups": small, "min_n": min_n}}
        )
    return {
        "target": target,
        "positive": positive,
        "rows": n,
        "positives": k,
        "rate": rate,
        "ci_low": float(lo),
        "ci_high": float(hi),
        "min_n": min_n,
        "alpha": ALPHA,
        "correction": "holm",
        "attributes": attributes,
        "skipped": skipped,
        "caveats": caveats,
    }

"""The marketing-mix model's input: weekly series checked (and daily ones summed to weeks)
before a fit, and the columns of a user's file read through the one reader stack.

Every refusal is a coded :class:`~socialops.errors.DataError` (the data cannot support a fit) or
:class:`~socialops.errors.InputFileError` (the file does not have what was asked) that says what
to do; nothing is silently dropped except the partial weeks at the ends of a daily series, which
the caller reports as a caveat."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from socialops.errors import DataError, InputFileError

__all__ = ["MIN_WEEKS", "Weekly", "read_columns", "weekly_series"]

MIN_WEEKS = 26  # half a year: below it adstock, saturation and baseline cannot be told apart


@dataclass
class Weekly:
    """Checked weekly inputs: week starts, sales (T,), spend (T, K), controls (T, C) and, when
    the input was daily, how many days went into how many weeks."""

    weeks: list[date]
    sales: np.ndarray
    spend: np.ndarray
    channels: list[str]
    controls: np.ndarray | None
    control_names: list[str]
    aggregated: dict[str, int] = field(default_factory=dict)


def _finite(name: str, values: list[float], dates: list[date]) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    bad = np.flatnonzero(~np.isfinite(arr))
    if bad.size:
        raise DataError(code="mix.missing", column=name, date=dates[int(bad[0])].isoformat())
    return arr


def weekly_series(
    dates: list[date],
    sales: list[float],
    spend: dict[str, list[float]],
    controls: dict[str, list[float]] | None = None,
) -> Weekly:
    """Check the inputs and return them weekly (see the module)."""
    controls = controls or {}
    if not spend:
        raise DataError(code="mix.no_channels")
    n = len(dates)
    for name, vals in [("sales", sales), *spend.items(), *controls.items()]:
        if len(vals) != n:
            raise DataError(code="mix.length", column=name, n=len(vals), dates=n)
    if n < 2:
        raise DataError(code="mix.too_few_weeks", weeks=n, need=MIN_WEEKS)
    days = [d.date() if isinstance(d, datetime) else d for d in dates]
    order = sorted(range(n), key=lambda i: days[i])
    days = [days[i] for i in order]
    y = _finite("sales", [sales[i] for i in order], days)
    x = np.column_stack([_finite(c, [v[i] for i in order], days) for c, v in spend.items()])
    ctl = (
        np.column_stack([_finite(c, [v[i] for i in order], days) for c, v in controls.items()])
        if controls
        else None
    )
    steps = {(b - a).days for a, b in itertools.pairwise(days)}
    if 0 in steps:
        dup = next(a for a, b in itertools.pairwise(days) if a == b)
        raise DataError(code="mix.duplicate_date", date=dup.isoformat())
    aggregated: dict[str, int] = {}
    if steps == {1}:
        days, y, x, ctl, aggregated = _to_weeks(days, y, x, ctl)
    elif steps != {7}:
        usual = 1 if 1 in steps else 7
        gap = next((a for a, b in itertools.pairwise(days) if (b - a).days != usual), days[0])
        if steps <= {1, 2, 3, 4, 5, 6} or all(s % 7 == 0 for s in steps):
            raise DataError(code="mix.gap", date=gap.isoformat())
        raise DataError(code="mix.not_weekly", date=gap.isoformat())
    t_n = len(days)
    if t_n < MIN_WEEKS:
        raise DataError(code="mix.too_few_weeks", weeks=t_n, need=MIN_WEEKS)
    channels = list(spend)
    for j, c in enumerate(channels):
        neg = np.flatnonzero(x[:, j] < 0)
        if neg.size:
            raise DataError(
                code="mix.negative_spend", channel=c, date=days[int(neg[0])].isoformat()
            )
        if not np.any(x[:, j] > 0):
            raise DataError(code="mix.no_spend", channel=c)
    if np.ptp(y) <= 1e-12 * max(1.0, abs(float(y.mean()))):
        raise DataError(code="mix.constant_sales")
    if float(y.mean()) <= 0:
        raise DataError(code="mix.nonpositive_sales")
    names = list(controls)
    if ctl is not None:
        for j, c in enumerate(names):
            if np.ptp(ctl[:, j]) <= 0:
                raise DataError(code="mix.constant_control", column=c)
    # per channel: carry-over, half-saturation, slope, effect; baseline: intercept, trend, two
    # yearly Fourier pairs from a year of weeks on, the controls
    n_params = 4 * len(channels) + (6 if t_n >= 52 else 2) + len(names)
    if n_params * 2 > t_n:
        raise DataError(
            code="mix.too_many_inputs", inputs=len(channels) + len(names), weeks=t_n,
            need=n_params * 2,
        )  # fmt: skip
    return Weekly(days, y, x, channels, ctl, names, aggregated)


def _to_weeks(
    days: list[date], y: np.ndarray, x: np.ndarray, ctl: np.ndarray | None
) -> tuple[list[date], np.ndarray, np.ndarray, np.ndarray | None, dict[str, int]]:
    """Daily → weekly (Monday to Sunday): sales and spend summed, controls averaged; the
    partial weeks at either end are left out (and counted)."""
    first = days[0] + timedelta(days=(7 - days[0].weekday()) % 7)
    start = (first - days[0]).days
    full = (len(days) - start) // 7
    if full < 1:
        raise DataError(code="mix.too_few_weeks", weeks=0, need=MIN_WEEKS)
    sl = slice(start, start + 7 * full)

    def fold(a: np.ndarray, how: str) -> np.ndarray:
        b = a[sl].reshape(full, 7, *a.shape[1:])
        return np.asarray(b.sum(axis=1) if how == "sum" else b.mean(axis=1))

    weeks = [first + timedelta(days=7 * i) for i in range(full)]
    info = {"days": len(days), "weeks": full, "dropped_days": len(days) - 7 * full}
    return (
        weeks,
        fold(y, "sum"),
        fold(x, "sum"),
        None if ctl is None else fold(ctl, "mean"),
        info,
    )


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    for sep in (".", "/"):
        text = text.replace(sep, "-")
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        try:
            return datetime.fromisoformat(text).date()
        except ValueError:
            return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value)
    text = str(value or "").strip().replace(",", "").replace("₩", "").replace("원", "")
    if not text:
        return math.nan
    try:
        return float(text)
    except ValueError:
        return None


def read_columns(
    path: str | Path, *, date_col: str, columns: list[str]
) -> tuple[list[date], dict[str, list[float]]]:
    """The dates and the numeric ``columns`` of a CSV/TSV/XLSX/JSONL/Parquet file (through
    :func:`socialops.sources.readers.open_source`); an empty cell reads as missing (the fit
    refuses it, naming the column and the date)."""
    from socialops.sources.readers import open_source

    path = Path(path)
    dates: list[date] = []
    out: dict[str, list[float]] = {c: [] for c in columns}
    with open_source(path) as src:
        for col in (date_col, *columns):
            if col not in src.columns:
                raise InputFileError(
                    code="mix.unknown_column", column=col, file=path, columns=src.columns[:30]
                )
        for batch in src.batches(10_000):
            for rec in batch:
                vals = rec.values
                if vals is None:
                    raise InputFileError(code="mix.bad_row", row=rec.row, file=path)
                d = _date(vals.get(date_col))
                if d is None:
                    raise InputFileError(
                        code="mix.bad_date", row=rec.row, value=str(vals.get(date_col))[:40]
                    )
                dates.append(d)
                for c in columns:
                    v = _number(vals.get(c))
                    if v is None:
                        raise InputFileError(
                            code="mix.not_number",
                            column=c,
                            row=rec.row,
                            value=str(vals.get(c))[:40],
                        )
                    out[c].append(v)
    if not dates:
        raise InputFileError(code="mix.no_rows", file=path)
    return dates, out

"""The series an effect estimate reads: checked before any model sees it, so a gap, a constant
KPI or a misaligned control is a one-line error (or a stated caveat), never a silent fill.

- :func:`check_series`: sorted, evenly spaced (daily or weekly) dates, with the missing dates
  named when there are gaps;
- :func:`read_series_file`: a KPI (and control) columns from a user's file through the one
  reader stack (CSV/TSV in any encoding incl. CP949, XLSX, JSONL, Parquet); rows on the same date
  are summed (a list of orders becomes daily revenue), and that is said as a caveat.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from socialops.errors import DataError, InputFileError
from socialops.sources.outcome_rows import parse_day, parse_value, parse_week
from socialops.sources.readers import open_source

__all__ = ["check_series", "parse_day", "parse_value", "read_series_file"]


def check_series(dates: Sequence[date]) -> str:
    """``day`` or ``week`` for sorted, unique, evenly spaced ``dates``; a coded
    :class:`DataError` naming the missing dates otherwise (never filled silently)."""
    if len(dates) < 2:
        raise DataError(code="effect.too_few", points=len(dates))
    steps = [(b - a).days for a, b in itertools.pairwise(dates)]
    if any(s <= 0 for s in steps):
        i = next(i for i, s in enumerate(steps) if s <= 0)
        raise DataError(code="effect.duplicate_date", date=dates[i + 1].isoformat())
    step = 7 if min(steps) == 7 else 1
    if min(steps) not in (1, 7) or any(s % step for s in steps):
        raise DataError(code="effect.bad_grain", step=min(steps))
    missing = sum(s // step - 1 for s in steps)
    if missing:
        i = next(i for i, s in enumerate(steps) if s != step)
        first = dates[i] + timedelta(days=step)
        raise DataError(code="effect.gaps", missing=missing, first=first.isoformat())
    return "week" if step == 7 else "day"


def _find(columns: list[str], name: str) -> str:
    want = name.strip().lower()
    for c in columns:
        if c.strip().lower() == want:
            return c
    raise InputFileError(
        code="effect.no_column", column=name[:60], found=", ".join(columns[:12])[:300]
    )


def read_series_file(
    path: str | Path, *, date_col: str, value_col: str, control_cols: Sequence[str] = ()
) -> tuple[list[date], list[float], dict[str, list[float]], list[dict[str, Any]]]:
    """(dates, values, controls, caveats) from a file; a bad date or number is an error naming
    its row (an effect from a file with unreadable rows would rest on a guess)."""
    sums: dict[date, list[float]] = {}
    rows = 0
    with open_source(path) as src:
        cols = list(src.columns)
        dcol, vcol = _find(cols, date_col), _find(cols, value_col)
        ccols = [_find(cols, c) for c in control_cols]
        for batch in src.batches(20_000):
            for rec in batch:
                if rec.values is None:
                    raise InputFileError(code="effect.bad_row", row=rec.row + 1)
                rows += 1
                day = parse_week(rec.values.get(dcol))
                if day is None:
                    raise InputFileError(
                        code="effect.bad_date",
                        row=rec.row + 1,
                        value=str(rec.values.get(dcol))[:40],
                    )
                vals: list[float] = []
                for c in (vcol, *ccols):
                    try:
                        v = parse_value(rec.values.get(c))
                    except ValueError:
                        raise InputFileError(
                            code="effect.bad_number",
                            row=rec.row + 1,
                            column=c[:60],
                            value=str(rec.values.get(c))[:40],
                        ) from None
                    vals.append(math.nan if v is None else v)
                acc = sums.get(day)
                if acc is None:
                    sums[day] = vals
                else:
                    sums[day] = [
                        b if math.isnan(a) else a if math.isnan(b) else a + b
                        for a, b in zip(acc, vals, strict=True)
                    ]
    if not sums:
        raise InputFileError(code="effect.no_rows", file=str(path))
    days = sorted(sums)
    caveats: list[dict[str, Any]] = []
    if rows > len(days):
        caveats.append({"code": "summed_rows", "params": {"rows": rows, "dates": len(days)}})
    values = [sums[d][0] for d in days]
    controls = {c: [sums[d][i + 1] for d in days] for i, c in enumerate(control_cols)}
    return days, values, controls, caveats

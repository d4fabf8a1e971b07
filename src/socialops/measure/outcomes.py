"""Stored outcome series (table ``outcomes``, filled by the ``outcomes`` import stream): what
is there, and one series as dates and values for :mod:`socialops.measure.effect`."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import text

from socialops.errors import DataError
from socialops.store.workspace import Workspace

__all__ = ["list_outcomes", "load_series"]


def list_outcomes(ws: Workspace) -> list[dict[str, Any]]:
    """One entry per stored series: ``{metric, dimension, grain, first, last, days}`` (``days``:
    how many dates have a value), by metric then dimension (the total first)."""
    with ws.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT metric, dimension, MIN(grain), MIN(date), MAX(date), COUNT(*) "
                "FROM outcomes GROUP BY metric, dimension ORDER BY metric, dimension"
            )
        ).all()
    return [
        {
            "metric": str(m),
            "dimension": str(d),
            "grain": str(g),
            "first": str(a),
            "last": str(b),
            "days": int(n),
        }
        for m, d, g, a, b, n in rows
    ]


def load_series(
    ws: Workspace, metric: str, dimension: str = ""
) -> tuple[list[date], list[float], str]:
    """(dates, values, grain) of one stored series, oldest first; a coded error when there is
    none (gaps are left as they are: the effect estimate names them)."""
    with ws.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT date, value, grain FROM outcomes WHERE metric = :m AND dimension = :d "
                "ORDER BY date"
            ),
            {"m": metric.strip().lower(), "d": dimension},
        ).all()
    if not rows:
        raise DataError(code="effect.no_outcome", metric=metric[:60], dimension=dimension or "-")
    return (
        [date.fromisoformat(str(r[0])) for r in rows],
        [float(r[1]) for r in rows],
        str(rows[0][2]),
    )

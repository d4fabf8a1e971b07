"""The checks around an effect estimate: the pre-period fit, whether a control series moved in
the post-period too, and the verdict (code + params; :mod:`socialops.i18n.effect` words it)."""

from __future__ import annotations

import math
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

__all__ = ["CONTROL_SHIFT_Z", "control_shift", "fmt_amount", "pre_fit", "verdict"]

CONTROL_SHIFT_Z = 3.0  # a control's post-period move beyond 3 sd of its own pre-period moves

Array = NDArray[np.float64]


class _Estimate(Protocol):
    """What :func:`verdict` reads of an effect estimate (``measure.effect.EffectResult``)."""

    grain: str
    start: str
    end: str
    lift_abs: float
    lift_abs_low: float
    lift_abs_high: float
    lift_rel: float | None
    ci_low: float | None
    ci_high: float | None
    p_effect: float
    cum_effect: list[float]


def pre_fit(y: Array, pred: Array, low: Array, high: Array, burn: int) -> dict[str, Any]:
    """One-step-ahead fit on the pre-period after the diffuse start: MAPE (over non-zero
    values), R², and the share of points inside their 95 % prediction interval."""
    ok = ~np.isnan(y)
    ok[:burn] = False
    if ok.sum() < 2:
        return {"points": int(ok.sum()), "mape": None, "r2": None, "coverage": None}
    yy, pp = y[ok], pred[ok]
    nz = yy != 0
    mape = float(np.mean(np.abs((yy[nz] - pp[nz]) / yy[nz]))) if nz.any() else None
    sst = float(np.sum((yy - yy.mean()) ** 2))
    r2 = 1.0 - float(np.sum((yy - pp) ** 2)) / sst if sst > 0 else None
    cover = float(np.mean((yy >= low[ok]) & (yy <= high[ok])))
    return {
        "points": int(ok.sum()),
        "mape": None if mape is None else round(mape, 4),
        "r2": None if r2 is None else round(r2, 4),
        "coverage": round(cover, 4),
    }


def control_shift(x_pre: Array, x_post: Array) -> dict[str, Any] | None:
    """How far a control's post-period mean moved from its last pre-period window of the same
    length ``h``, in units of how far it could move by itself: the largest of the moves between
    such windows seen in the pre-period, of a random walk with the control's own daily steps
    (sd × sqrt((2h² + 1) / 3h)) and of independent noise (sd × sqrt(2 / h)) — so a wandering
    control is not flagged for wandering. ``None`` when it moved less than
    :data:`CONTROL_SHIFT_Z` of that. A control the campaign moved would hide the campaign's
    effect: the caveat names it."""
    h = len(x_post)
    n = len(x_pre)
    last = float(np.mean(x_pre[-h:])) if n >= h else float(np.mean(x_pre))
    move = float(np.mean(x_post)) - last
    spreads = [
        float(np.std(np.diff(x_pre))) * math.sqrt((2 * h * h + 1) / (3 * h)),
        float(np.std(x_pre)) * math.sqrt(2.0 / h),
    ]
    if n >= 3 * h:
        csum = np.concatenate([[0.0], np.cumsum(x_pre)])
        means = (csum[h:] - csum[:-h]) / h
        spreads.append(float(np.std(means[h:] - means[:-h])))
    spread = max(spreads)
    if spread <= 0:
        return None
    z = move / spread
    if abs(z) <= CONTROL_SHIFT_Z:
        return None
    change = move / last if last else None
    return {"z": round(z, 2), "change": None if change is None else round(change, 4)}


def fmt_amount(v: float | None) -> str:
    """A KPI amount for a sentence: thousands separators, decimals only for small values."""
    if v is None or not math.isfinite(v):
        return "–"
    a = abs(v)
    if a >= 100:
        return f"{v:,.0f}"
    if a >= 1:
        return f"{v:,.2f}".rstrip("0").rstrip(".")
    return f"{v:.3g}"


def _pct(v: float | None) -> str:
    return "–" if v is None else f"{v * 100:+.1f}%"


def verdict(result: _Estimate) -> dict[str, Any]:
    """``up`` / ``down`` when the 95 % interval of the total lift excludes zero, ``none``
    otherwise; ``_abs`` variants when the relative lift is undefined (a counterfactual near
    zero). Params carry the raw figures and their words."""
    lo, hi = result.lift_abs_low, result.lift_abs_high
    code = "up" if lo > 0 else "down" if hi < 0 else "none"
    if result.lift_rel is None:
        code += "_abs"
    periods = len(result.cum_effect)
    return {
        "code": code,
        "params": {
            "lift_abs": result.lift_abs,
            "lift_rel": result.lift_rel,
            "ci_low": result.ci_low,
            "ci_high": result.ci_high,
            "p_effect": result.p_effect,
            "periods": periods,
            "grain": result.grain,
            "start": result.start,
            "end": result.end,
            "abs": fmt_amount(result.lift_abs),
            "abs_low": fmt_amount(lo),
            "abs_high": fmt_amount(hi),
            "rel": _pct(result.lift_rel),
            "rel_low": _pct(result.ci_low),
            "rel_high": _pct(result.ci_high),
            "prob": f"{result.p_effect * 100:.0f}%",
        },
    }

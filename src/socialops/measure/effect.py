"""What a campaign did to a KPI: the counterfactual (what the KPI would have been without it)
from the pre-period and control series, and the lift with its 95 % intervals.

:func:`estimate_effect` checks the series (:mod:`socialops.measure.effect_series`: no gaps, not
constant, controls aligned), fits the structural time-series model of
:mod:`socialops.measure.effect_model` on the pre-period (``pre_start`` .. the day before
``start``), draws the counterfactual over ``start`` .. ``end``, and reports:

- pointwise and cumulative lift with 95 % intervals; ``lift_abs`` (the total over the period,
  in the KPI's unit), ``lift_rel`` (the cumulative relative lift, 0.30 = +30 %) with ``ci_low``
  / ``ci_high`` (its 95 % interval), ``p_effect`` (the posterior probability that the total
  lift is on the side it is: 1 − the one-sided tail probability, as CausalImpact reports it);
- the pre-period fit: one-step-ahead MAPE, R² and the share of pre-period points inside their
  95 % prediction interval (a model whose intervals miss the past says so);
- caveats (code + params): a short pre-period, missing pre-period values, a control that moved
  in the post-period too, a dropped constant control, a poor fit;
- a verdict (code + params) rendered by :func:`verdict_text` in Korean or English: an effect
  is claimed only when the 95 % interval of the total lift excludes zero.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from socialops.errors import DataError
from socialops.i18n import render
from socialops.measure.effect_chart import effect_svg
from socialops.measure.effect_checks import control_shift, pre_fit, verdict
from socialops.measure.effect_model import fit_counterfactual
from socialops.measure.effect_series import check_series, read_series_file
from socialops.measure.effect_topics import add_topic_controls
from socialops.measure.outcomes import load_series
from socialops.store.workspace import Workspace

__all__ = [
    "MIN_PRE_POINTS",
    "EffectResult",
    "effect_file",
    "effect_from_outcomes",
    "effect_svg",
    "estimate_effect",
    "verdict_text",
]

MIN_PRE_POINTS = 14  # below this no estimate (2 weeks of days; 14 weeks)
ADVISED_PRE_POINTS = 28
ADVISED_PRE_RATIO = 3  # pre-period at least 3 × the post-period


@dataclass
class EffectResult:
    """An effect estimate; :meth:`to_dict` is the JSON the CLI, the web and the API give."""

    grain: str
    pre_start: str
    pre_end: str
    start: str
    end: str
    dates: list[str]  # pre-period then post-period
    observed: list[float | None]
    predicted: list[float | None]  # pre: one-step-ahead; post: the counterfactual's mean
    lower: list[float | None]
    upper: list[float | None]
    n_pre: int
    cum_effect: list[float]
    cum_low: list[float]
    cum_high: list[float]
    lift_abs: float
    lift_abs_low: float
    lift_abs_high: float
    lift_rel: float | None
    ci_low: float | None
    ci_high: float | None
    p_effect: float
    pre_fit: dict[str, Any]
    caveats: list[dict[str, Any]] = field(default_factory=list)
    verdict: dict[str, Any] = field(default_factory=dict)
    model: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        post = range(self.n_pre, len(self.dates))
        pointwise = []
        for i in post:
            obs, pred = self.observed[i], self.predicted[i]
            lo, hi = self.lower[i], self.upper[i]
            pointwise.append(
                {
                    "date": self.dates[i],
                    "observed": obs,
                    "predicted": pred,
                    "predicted_low": lo,
                    "predicted_high": hi,
                    "effect": _sub(obs, pred),
                    "effect_low": _sub(obs, hi),
                    "effect_high": _sub(obs, lo),
                }
            )
        cumulative = [
            {"date": self.dates[self.n_pre + k], "effect": e, "effect_low": lo, "effect_high": hi}
            for k, (e, lo, hi) in enumerate(
                zip(self.cum_effect, self.cum_low, self.cum_high, strict=True)
            )
        ]
        return {
            "lift_abs": self.lift_abs,
            "lift_abs_low": self.lift_abs_low,
            "lift_abs_high": self.lift_abs_high,
            "lift_rel": self.lift_rel,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "p_effect": self.p_effect,
            "grain": self.grain,
            "period": {
                "pre_start": self.pre_start,
                "pre_end": self.pre_end,
                "start": self.start,
                "end": self.end,
            },
            "pre_fit": self.pre_fit,
            "caveats": self.caveats,
            "verdict": self.verdict,
            "model": self.model,
            "pointwise": pointwise,
            "cumulative": cumulative,
            "pre_period": [
                {
                    "date": self.dates[i],
                    "observed": self.observed[i],
                    "predicted": self.predicted[i],
                    "predicted_low": self.lower[i],
                    "predicted_high": self.upper[i],
                }
                for i in range(self.n_pre)
            ],
        }


def _sub(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


def _f(v: float) -> float | None:
    return None if not math.isfinite(v) else float(v)


def _to_log(x: np.ndarray, n_pre: int) -> tuple[np.ndarray, Any]:
    """``log(x + c)`` for a KPI that is never negative (sales, orders, reactions: effects act
    multiplicatively, the counterfactual stays positive and spikes weigh less), with ``c`` a
    tenth of the pre-period's mean so that a zero day is not an extreme; ``x`` itself
    otherwise. Returns the transformed series and the inverse."""
    if np.nanmin(x) < 0 or not np.nanmean(x[:n_pre]) > 0:
        return x, lambda v: v
    c = 0.1 * float(np.nanmean(x[:n_pre]))
    return np.log(x + c), lambda v: np.exp(np.minimum(v, 700.0)) - c


def _day(value: date | str, what: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise DataError(code="effect.bad_day", what=what, value=str(value)[:40]) from None


def estimate_effect(
    dates: Sequence[date],
    values: Sequence[float | None],
    *,
    start: date | str,
    end: date | str,
    controls: Mapping[str, Sequence[float | None]] | None = None,
    pre_start: date | str | None = None,
    seed: int = 0,
    trend: bool = False,
    caveats: Sequence[dict[str, Any]] = (),
) -> EffectResult:
    """The effect of whatever happened from ``start`` to ``end`` (inclusive) on ``values``
    (daily or weekly, evenly spaced: see :func:`check_series`); see the module docstring."""
    controls = dict(controls or {})
    if len(values) != len(dates) or any(len(v) != len(dates) for v in controls.values()):
        raise DataError(code="effect.misaligned")
    order = sorted(range(len(dates)), key=lambda i: dates[i])
    days = [dates[i] for i in order]
    y_all = np.array([np.nan if values[i] is None else values[i] for i in order], dtype=float)
    grain = check_series(days)
    d0, d1 = _day(start, "start"), _day(end, "end")
    first = _day(pre_start, "pre_start") if pre_start is not None else days[0]
    if d1 < d0:
        raise DataError(code="effect.end_before_start", start=d0.isoformat(), end=d1.isoformat())
    if d0 <= first or d0 <= days[0]:
        raise DataError(code="effect.no_pre_period", start=d0.isoformat(), first=first.isoformat())
    if d1 > days[-1]:
        raise DataError(code="effect.end_after_data", end=d1.isoformat(), last=days[-1].isoformat())
    keep = [i for i, d in enumerate(days) if first <= d <= d1]
    pre = [i for i in keep if days[i] < d0]
    post = [i for i in keep if days[i] >= d0]
    notes: list[dict[str, Any]] = [dict(c) for c in caveats]
    if len(pre) < MIN_PRE_POINTS:
        raise DataError(code="effect.pre_too_short", points=len(pre), minimum=MIN_PRE_POINTS)
    if not post:
        raise DataError(code="effect.no_post_period", start=d0.isoformat(), end=d1.isoformat())
    y_pre, y_post = y_all[pre], y_all[post]
    if np.isnan(y_post).any():
        bad = days[post[int(np.flatnonzero(np.isnan(y_post))[0])]]
        raise DataError(code="effect.missing_post", date=bad.isoformat())
    n_missing = int(np.isnan(y_pre).sum())
    if len(pre) - n_missing < MIN_PRE_POINTS:
        raise DataError(
            code="effect.pre_too_short", points=len(pre) - n_missing, minimum=MIN_PRE_POINTS
        )
    if np.nanstd(y_pre) == 0:
        raise DataError(code="effect.constant", value=float(np.nanmean(y_pre)))
    if n_missing:
        notes.append({"code": "missing_values", "params": {"points": n_missing}})
    advised = max(ADVISED_PRE_POINTS, ADVISED_PRE_RATIO * len(post))
    if len(pre) < advised:
        notes.append(
            {
                "code": "pre_short",
                "params": {"points": len(pre), "post": len(post), "advised": advised},
            }
        )
    names: list[str] = []
    cols: list[np.ndarray] = []
    for name, series in controls.items():
        x = np.array([np.nan if series[i] is None else series[i] for i in order], dtype=float)
        x = x[keep]
        if np.isnan(x).any():
            raise DataError(code="effect.control_missing", control=str(name)[:60])
        if np.std(x[: len(pre)]) == 0:
            notes.append({"code": "control_constant", "params": {"control": str(name)}})
            continue
        shift = control_shift(x[: len(pre)], x[len(pre) :])
        if shift is not None:
            notes.append({"code": "control_moved", "params": {"control": str(name), **shift}})
        names.append(str(name))
        cols.append(x)
    x_mat = np.column_stack([_to_log(x, len(pre))[0] for x in cols]) if cols else None
    season = 7 if grain == "day" and len(pre) >= 21 else None
    log_y, back = _to_log(np.concatenate([y_pre, y_post]), len(pre))
    cf = fit_counterfactual(
        log_y[: len(pre)],
        None if x_mat is None else x_mat[: len(pre)],
        None if x_mat is None else x_mat[len(pre) :],
        len(post),
        season=season,
        trend=trend,
        seed=seed,
    )
    cf.draws, cf.pre_pred = back(cf.draws), back(cf.pre_pred)
    cf.pre_low, cf.pre_high = back(cf.pre_low), back(cf.pre_high)
    draws = cf.draws
    effect = y_post[None, :] - draws
    cum = np.cumsum(effect, axis=1)
    total = cum[:, -1]
    obs_sum = float(y_post.sum())
    cf_sum = draws.sum(axis=1)
    lift_abs = float(obs_sum - cf_sum.mean())
    lo_abs, hi_abs = (float(v) for v in np.percentile(total, [2.5, 97.5]))
    p_pos = float((total > 0).mean())
    p_effect = max(p_pos, 1.0 - p_pos)
    lift_rel = ci_low = ci_high = None
    if (cf_sum > 0).mean() >= 0.975:
        rel = obs_sum / cf_sum - 1.0
        lift_rel = _f(obs_sum / float(cf_sum.mean()) - 1.0)
        ci_low, ci_high = (_f(float(v)) for v in np.percentile(rel, [2.5, 97.5]))
    else:
        notes.append({"code": "relative_undefined", "params": {}})
    fit = pre_fit(y_pre, cf.pre_pred, cf.pre_low, cf.pre_high, cf.burn)
    if fit["coverage"] is not None and fit["coverage"] < 0.8:
        notes.append({"code": "poor_fit", "params": {"coverage": fit["coverage"]}})
    mean_cf = draws.mean(axis=0)
    band = np.percentile(draws, [2.5, 97.5], axis=0)
    pre_pred = [None if k < cf.burn else _f(v) for k, v in enumerate(cf.pre_pred)]
    pre_low = [None if k < cf.burn else _f(v) for k, v in enumerate(cf.pre_low)]
    pre_high = [None if k < cf.burn else _f(v) for k, v in enumerate(cf.pre_high)]
    result = EffectResult(
        grain=grain,
        pre_start=days[pre[0]].isoformat(),
        pre_end=days[pre[-1]].isoformat(),
        start=d0.isoformat(),
        end=d1.isoformat(),
        dates=[days[i].isoformat() for i in keep],
        observed=[_f(v) for v in y_all[keep]],
        predicted=pre_pred + [float(v) for v in mean_cf],
        lower=pre_low + [float(v) for v in band[0]],
        upper=pre_high + [float(v) for v in band[1]],
        n_pre=len(pre),
        cum_effect=[float(v) for v in cum.mean(axis=0)],
        cum_low=[float(v) for v in np.percentile(cum, 2.5, axis=0)],
        cum_high=[float(v) for v in np.percentile(cum, 97.5, axis=0)],
        lift_abs=lift_abs,
        lift_abs_low=lo_abs,
        lift_abs_high=hi_abs,
        lift_rel=lift_rel,
        ci_low=ci_low,
        ci_high=ci_high,
        p_effect=round(p_effect, 4),
        pre_fit=fit,
        caveats=notes,
        model={
            "kind": cf.kind,
            "seasonality": season,
            "controls": names,
            "draws": int(draws.shape[0]),
            "fit": "mle+laplace",
            "params": cf.params,
        },
    )
    result.verdict = verdict(result)
    return result


def effect_file(
    path: str | Path,
    *,
    date_col: str,
    value_col: str,
    start: date | str,
    end: date | str,
    control_cols: Sequence[str] = (),
    pre_start: date | str | None = None,
    seed: int = 0,
    control_topics: Sequence[str] = (),
    ws: Workspace | None = None,
) -> EffectResult:
    """:func:`estimate_effect` on a KPI column of a file (rows on one date are summed); with
    ``control_topics``, those tracked topics of ``ws`` as controls (see
    :func:`socialops.measure.effect_topics.add_topic_controls`)."""
    days, values, controls, notes = read_series_file(
        path, date_col=date_col, value_col=value_col, control_cols=control_cols
    )
    if control_topics:
        if ws is None:
            raise TypeError("control_topics needs the workspace")
        notes += add_topic_controls(ws, controls, control_topics, days, pre_start, end)
    return estimate_effect(
        days,
        values,
        start=start,
        end=end,
        controls=controls,
        pre_start=pre_start,
        seed=seed,
        caveats=notes,
    )


def verdict_text(result: EffectResult | Mapping[str, Any], lang: str) -> str:
    """The verdict and its caveats in ``lang``, one sentence a line."""
    data = result.to_dict() if isinstance(result, EffectResult) else result
    verdict_ = data["verdict"]
    lines = [render(f"effect.verdict.{verdict_['code']}", lang, verdict_["params"])]
    for c in data["caveats"]:
        lines.append("- " + render(f"effect.caveat.{c['code']}", lang, c["params"]))
    return "\n".join(lines)


def effect_from_outcomes(
    ws: Workspace,
    metric: str,
    *,
    start: date | str,
    end: date | str,
    dimension: str = "",
    control_dimensions: Sequence[str] = (),
    pre_start: date | str | None = None,
    seed: int = 0,
    control_topics: Sequence[str] = (),
) -> EffectResult:
    """:func:`estimate_effect` on a stored outcome series (``dimension`` ``''``: the total),
    with other dimensions of the same metric as controls (``region:부산`` …), aligned on the
    dates; a control missing a date of the series is an error, never filled. ``control_topics``:
    tracked topics whose daily mention volume is a control too (see
    :func:`socialops.measure.effect_topics.add_topic_controls`)."""
    days, values, _ = load_series(ws, metric, dimension)
    controls: dict[str, list[float | None]] = {}
    for dim in control_dimensions:
        cdays, cvals, _ = load_series(ws, metric, dim)
        by_day = dict(zip(cdays, cvals, strict=True))
        controls[dim] = [by_day.get(d) for d in days]
    notes = add_topic_controls(ws, controls, control_topics, days, pre_start, end)
    return estimate_effect(
        days,
        values,
        start=start,
        end=end,
        controls=controls,
        pre_start=pre_start,
        seed=seed,
        caveats=notes,
    )

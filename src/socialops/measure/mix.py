"""Channel contribution (marketing mix): what each channel's weekly spend added to sales, with
95 % intervals, and what weekly data cannot say.

:func:`fit_mix` fits the model of :mod:`socialops.measure.mix_model` (geometric adstock, Hill
saturation, a baseline of intercept, trend, yearly seasonality and optional controls) by MAP,
then a moving-block residual bootstrap refits it ``bootstrap`` times on the fitted sales plus
resampled blocks of six weeks of residuals (autocorrelation kept). The 95 % intervals of each
channel's contribution, share of effect and ROI are the bootstrap's 2.5 and 97.5 percentiles;
``p_best`` is how often a channel had the highest ROI among the refits. ``bench/mix_validation.py``
measures how often these intervals cover the truth on simulated data.

What it cannot do, said in :attr:`MixResult.caveats`: tell apart channels whose spend moved
together (the correlation is given), learn the effect of a channel whose spend barely varied,
separate seasonality from media with under a year of weeks (and be stable under two years), or
prove causation: the fit is observational, an experiment (a geo or holdout test) confirms it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from socialops.i18n import render
from socialops.measure import mix_model as mm
from socialops.measure.mix_chart import mix_chart_svg
from socialops.measure.mix_input import Weekly, read_columns, weekly_series

__all__ = [
    "ChannelMix",
    "MixResult",
    "caveat_texts",
    "fit_mix",
    "mix_file",
    "mix_svg",
    "verdict_text",
]

BLOCK_WEEKS = 6
CORRELATED = 0.7  # |r| of two channels' weekly spend from which their effects blur together
FLAT_CV = 0.2  # spend's coefficient of variation under which a channel's curve is not learnt
SHORT_WEEKS = 104
BEST_P = 0.9  # a channel is called best when it had the highest ROI in 90 % of the refits


@dataclass
class ChannelMix:
    """One channel's figures (sales and spend in the file's units, totals over the weeks)."""

    channel: str
    spend: float
    contribution: float
    contribution_low: float
    contribution_high: float
    share: float
    share_low: float
    share_high: float
    roi: float
    roi_low: float
    roi_high: float
    mroi: float
    mroi_low: float
    mroi_high: float
    p_best: float
    adstock: float
    half_saturation: float
    hill_slope: float
    spend_cv: float
    curve: list[tuple[float, float]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = {k: _round(v) for k, v in self.__dict__.items() if k != "curve"}
        d["curve"] = [[_round(x), _round(y)] for x, y in self.curve]
        return d


@dataclass
class MixResult:
    """A fitted mix: per-channel figures, the baseline, the fit, caveats and the verdict
    (caveats and verdict as ``{code, params}``; words from the catalogue, :func:`caveat_texts`
    and :func:`verdict_text`)."""

    first: date
    last: date
    weeks: int
    sales: float
    channels: list[ChannelMix]
    baseline: dict[str, float]
    fit: dict[str, Any]
    caveats: list[dict[str, Any]]
    verdict: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "first": self.first.isoformat(),
            "last": self.last.isoformat(),
            "weeks": self.weeks,
            "sales": _round(self.sales),
            "channels": [c.to_dict() for c in self.channels],
            "baseline": {k: _round(v) for k, v in self.baseline.items()},
            "fit": {k: _round(v) for k, v in self.fit.items()},
            "caveats": self.caveats,
            "verdict": self.verdict,
        }


def _round(v: Any) -> Any:
    if isinstance(v, float | np.floating):
        f = float(v)
        return round(f, 6) if abs(f) < 1000 else round(f, 2)
    return v


def _draws(d: mm.Design, params: np.ndarray, spend: np.ndarray, y_scale: float) -> np.ndarray:
    """Per channel: contribution, ROI, marginal ROI (+1 % spend), and the baseline total."""
    base = float((d.z @ params[4 * d.k :]).sum()) * y_scale
    contrib = mm.media(d, params).sum(axis=0) * y_scale
    more = mm.media(d, params, scale=np.full(d.k, 1.01)).sum(axis=0) * y_scale
    total = spend.sum(axis=0)
    roi = contrib / total
    mroi = (more - contrib) / (0.01 * total)
    return np.concatenate([contrib, roi, mroi, [base]])


def fit_mix(
    dates: list[date],
    sales: list[float],
    spend: dict[str, list[float]],
    *,
    controls: dict[str, list[float]] | None = None,
    bootstrap: int = 200,
    seed: int = 0,
) -> MixResult:
    """Fit the mix of weekly (or daily, summed to weeks) ``sales`` and ``spend`` per channel;
    ``controls`` are other drivers of sales (price, a competitor's volume). Raises
    :class:`~socialops.errors.DataError` for data that cannot support a fit (see
    :func:`socialops.measure.mix_input.weekly_series`)."""
    w = weekly_series(dates, sales, spend, controls)
    return _fit(w, max(int(bootstrap), 20), seed)


def _fit(w: Weekly, n_boot: int, seed: int) -> MixResult:
    t_n, k = w.spend.shape
    y_scale = float(w.sales.mean())
    y = w.sales / y_scale
    d = mm.design(w.spend, y_scale, w.controls, seasonality=t_n >= 52)
    fit = mm.fit_map(d, y)
    yhat = mm.fitted(d, fit.params)
    resid = (y - yhat) * np.sqrt(t_n / max(t_n - d.n_params, 1))
    rng = np.random.default_rng(seed)
    point = _draws(d, fit.params, w.spend, y_scale)
    draws = np.empty((n_boot, point.size))
    params = np.empty((n_boot, fit.params.size))
    blocks = -(-t_n // BLOCK_WEEKS)
    for b in range(n_boot):
        starts = rng.integers(0, t_n, blocks)
        idx = ((starts[:, None] + np.arange(BLOCK_WEEKS)).ravel()[:t_n]) % t_n
        refit = mm.fit_map(d, yhat + resid[idx], start=fit.params, sigma=fit.sigma)
        params[b] = refit.params
        draws[b] = _draws(d, refit.params, w.spend, y_scale)
    lo, hi = np.percentile(draws, [2.5, 97.5], axis=0)
    contrib_draws = draws[:, :k]
    media_total = np.maximum(contrib_draws.sum(axis=1, keepdims=True), 1e-12)
    share_draws = contrib_draws / media_total
    share_lo, share_hi = np.percentile(share_draws, [2.5, 97.5], axis=0)
    best = np.bincount(np.argmax(draws[:, k : 2 * k], axis=1), minlength=k) / n_boot
    decay, half, slope, beta, _ = fit.split(k)
    total_media = float(point[:k].sum())
    channels = []
    for j, name in enumerate(w.channels):
        x = w.spend[:, j]
        channels.append(
            ChannelMix(
                channel=name,
                spend=float(x.sum()),
                contribution=float(point[j]),
                contribution_low=float(lo[j]),
                contribution_high=float(hi[j]),
                share=float(point[j] / total_media) if total_media > 0 else 0.0,
                share_low=float(share_lo[j]),
                share_high=float(share_hi[j]),
                roi=float(point[k + j]),
                roi_low=float(lo[k + j]),
                roi_high=float(hi[k + j]),
                mroi=float(point[2 * k + j]),
                mroi_low=float(lo[2 * k + j]),
                mroi_high=float(hi[2 * k + j]),
                p_best=float(best[j]),
                adstock=float(decay[j]),
                half_saturation=float(half[j] * d.spend_scale[j]),
                hill_slope=float(slope[j]),
                spend_cv=float(x.std() / x.mean()),
                curve=_curve(x, float(beta[j]), float(half[j]), float(slope[j]), d, j),
            )
        )
    ss_res = float(np.sum((y - yhat) ** 2))
    ss_tot = float(np.sum((y - y.mean()) ** 2))
    nz = w.sales != 0
    fit_info: dict[str, Any] = {
        "r2": 1 - ss_res / ss_tot,
        "mape": float(np.mean(np.abs((w.sales - yhat * y_scale)[nz] / w.sales[nz]))),
        "sigma": fit.sigma * y_scale,
        "bootstrap": n_boot,
        "block_weeks": BLOCK_WEEKS,
        "seasonality": t_n >= 52,
        "controls": ", ".join(w.control_names),
    }
    baseline = {
        "total": float(point[-1]),
        "total_low": float(lo[-1]),
        "total_high": float(hi[-1]),
        "share_of_sales": float(point[-1] / w.sales.sum()),
        "media_share_of_sales": total_media / float(w.sales.sum()),
    }
    caveats = _caveats(w, channels, fit_info)
    return MixResult(
        first=w.weeks[0],
        last=w.weeks[-1],
        weeks=t_n,
        sales=float(w.sales.sum()),
        channels=channels,
        baseline=baseline,
        fit=fit_info,
        caveats=caveats,
        verdict=_verdict(channels, fit_info),
    )


def _curve(
    x: np.ndarray, beta: float, half: float, slope: float, d: mm.Design, j: int
) -> list[tuple[float, float]]:
    """The weekly response to a steady weekly spend, from 0 to 1.5 × the highest week."""
    grid = np.linspace(0.0, 1.5 * float(x.max()), 31)
    resp = beta * mm.hill(grid / d.spend_scale[j], half, slope) * d.y_scale
    return [(float(a), float(b)) for a, b in zip(grid, resp, strict=True)]


def _caveats(w: Weekly, channels: list[ChannelMix], fit: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []

    def add(code: str, **params: Any) -> None:
        out.append({"code": code, "params": params})

    t_n = len(w.weeks)
    if w.aggregated:
        add("mix.caveat.daily_summed", **w.aggregated)
    if t_n < 52:
        add("mix.caveat.no_season", weeks=t_n)
    elif t_n < SHORT_WEEKS:
        add("mix.caveat.short_history", weeks=t_n)
    for (i, a), (j, b) in itertools.combinations(enumerate(w.channels), 2):
        r = float(np.corrcoef(w.spend[:, i], w.spend[:, j])[0, 1])
        if abs(r) >= CORRELATED:
            add("mix.caveat.correlated", a=a, b=b, r=round(r, 2))
    for c in channels:
        if c.spend_cv < FLAT_CV:
            add("mix.caveat.flat_spend", channel=c.channel, cv=round(c.spend_cv, 2))
    for c in channels:
        width = c.contribution_high - c.contribution_low
        if width > 2 * max(c.contribution, 0.0):
            add("mix.caveat.wide", channel=c.channel)
    if fit["r2"] < 0.5:
        add("mix.caveat.poor_fit", r2=round(fit["r2"], 2))
    add("mix.caveat.observational")
    return out


def _verdict(channels: list[ChannelMix], fit: dict[str, Any]) -> dict[str, Any]:
    if fit["r2"] < 0.5:
        return {"code": "mix.verdict.poor_fit", "params": {"r2": round(fit["r2"], 2)}}
    top = max(channels, key=lambda c: c.p_best)
    if len(channels) == 1:
        return {
            "code": "mix.verdict.single",
            "params": {
                "channel": top.channel,
                "roi": round(top.roi, 2),
                "low": round(top.roi_low, 2),
                "high": round(top.roi_high, 2),
            },
        }
    if top.p_best >= BEST_P:
        return {
            "code": "mix.verdict.best",
            "params": {
                "channel": top.channel,
                "roi": round(top.roi, 2),
                "low": round(top.roi_low, 2),
                "high": round(top.roi_high, 2),
                "p": round(100 * top.p_best),
            },
        }
    contenders = [c.channel for c in channels if c.p_best >= 0.1]
    return {"code": "mix.verdict.unranked", "params": {"channels": ", ".join(contenders)}}


def mix_file(
    path: str | Path,
    *,
    date_col: str,
    value_col: str,
    spend_cols: list[str] | tuple[str, ...],
    control_cols: list[str] | tuple[str, ...] = (),
    bootstrap: int = 200,
    seed: int = 0,
) -> MixResult:
    """:func:`fit_mix` on the columns of a file (CSV incl. CP949, TSV, XLSX, JSONL, Parquet)."""
    spend_cols, control_cols = list(spend_cols), list(control_cols)
    dates, cols = read_columns(
        path, date_col=date_col, columns=[value_col, *spend_cols, *control_cols]
    )
    return fit_mix(
        dates,
        cols[value_col],
        {c: cols[c] for c in spend_cols},
        controls={c: cols[c] for c in control_cols} or None,
        bootstrap=bootstrap,
        seed=seed,
    )


def caveat_texts(result: MixResult, lang: str) -> list[str]:
    """The caveats in words (ko or en)."""
    return [render(c["code"], lang, c["params"]) for c in result.caveats]


def verdict_text(result: MixResult, lang: str) -> str:
    """The verdict in one plain sentence (ko or en)."""
    return render(result.verdict["code"], lang, result.verdict["params"])


def mix_svg(result: MixResult, lang: str) -> str:
    """The contributions with their intervals and each channel's response curve, as SVG."""
    return mix_chart_svg(result.to_dict(), lang)

"""The marketing-mix model's mathematics: geometric adstock, Hill saturation, and a MAP fit.

The model (weekly, every quantity scaled: sales by their mean, each channel's spend by its mean)::

    sales_t = Z_t · gamma + sum_k beta_k * hill(adstock(spend_k)_t; half_k, slope_k) + e_t

``Z`` holds the baseline: an intercept, a linear trend, two yearly Fourier pairs and the
standardised control columns. ``adstock`` carries a week's spend into the next weeks with weights
``decay**l`` (l = 0 … 12) that sum to one, so a steady weekly spend ``x`` adstocks to ``x`` and
the response curve of a steady spend is ``beta * hill(x)``. ``hill(a) = a**s / (a**s + k**s)``
(``k`` the half-saturation spend, ``s`` the slope): the response flattens as spend grows. This is
the family of Google Meridian, Meta Robyn and PyMC-Marketing.

The fit is the maximum a posteriori (MAP) estimate under mild priors, solved as one bounded
non-linear least-squares problem (:func:`scipy.optimize.least_squares`, trust-region reflective,
with an analytic Jacobian): the data residuals plus one pseudo-residual ``sigma * (p - mu) / sd``
per prior, where ``sigma`` is the noise level found by a first fit. Channel effects ``beta`` are
non-negative (bounds), i.e. half-normal priors. MAP + a refitting bootstrap (in
:mod:`socialops.measure.mix`) is far lighter than MCMC and fits on two cores in about a second.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import least_squares

__all__ = [
    "LAGS",
    "Design",
    "Fit",
    "adstock",
    "adstock_weights",
    "design",
    "fit_map",
    "fitted",
    "hill",
    "media",
]

LAGS = 13  # a quarter of carry-over at most
# priors (mean, sd) in scaled units; bounds
DECAY_PRIOR, DECAY_BOUNDS = (0.35, 0.3), (0.0, 0.9)
LOGHALF_PRIOR, HALF_BOUNDS = (0.0, 1.0), (0.05, 10.0)
SLOPE_PRIOR, SLOPE_BOUNDS = (1.5, 1.0), (0.5, 4.0)
BETA_SD = 1.0  # half-normal: a channel that saturates adds at most ~ the mean weekly sales
BASE_SD = {"intercept": 10.0, "trend": 1.0, "season": 1.0, "control": 1.0}


def adstock_weights(decay: float, lags: int = LAGS) -> np.ndarray:
    """The carry-over weights ``decay**l / sum(decay**l)`` for l = 0 … lags-1."""
    w = decay ** np.arange(lags, dtype=float)
    return w / w.sum()


def adstock(x: np.ndarray, decay: float, lags: int = LAGS) -> np.ndarray:
    """Geometric adstock of the weekly series ``x``: ``sum_l w_l x[t-l]`` (nothing before the
    first week)."""
    return np.asarray(_lagged(np.asarray(x, dtype=float), lags) @ adstock_weights(decay, lags))


def hill(a: np.ndarray | float, half: float, slope: float) -> np.ndarray:
    """Hill saturation ``a**s / (a**s + k**s)``: 0 at no spend, 1/2 at ``half``, towards 1."""
    a = np.maximum(np.asarray(a, dtype=float), 0.0)
    u = (a / half) ** slope
    return np.asarray(u / (1.0 + u))


def _lagged(x: np.ndarray, lags: int) -> np.ndarray:
    """``(T, lags)``: column l is ``x`` shifted l weeks later (zeros before the start)."""
    out = np.zeros((len(x), lags))
    for lag in range(min(lags, len(x))):
        out[lag:, lag] = x[: len(x) - lag]
    return out


@dataclass(frozen=True)
class Design:
    """The scaled inputs of one fit: ``lagged`` (K, T, LAGS) channel spends, ``Z`` (T, P)
    baseline columns and their prior sds, and the scales to go back to the data's units."""

    lagged: np.ndarray
    z: np.ndarray
    z_sd: np.ndarray
    y_scale: float
    spend_scale: np.ndarray

    @property
    def k(self) -> int:
        return int(self.lagged.shape[0])

    @property
    def n_params(self) -> int:
        return 4 * self.k + int(self.z.shape[1])


def design(
    spend: np.ndarray, y_scale: float, controls: np.ndarray | None, *, seasonality: bool = True
) -> Design:
    """The design of ``spend`` (T, K, raw units); controls (T, C) are standardised."""
    t_n, _ = spend.shape
    scale = spend.mean(axis=0)
    scaled = spend / scale
    lagged = np.stack([_lagged(scaled[:, j], LAGS) for j in range(spend.shape[1])])
    tt = np.arange(t_n, dtype=float)
    cols = [np.ones(t_n), tt / max(t_n - 1, 1) - 0.5]
    sds = [BASE_SD["intercept"], BASE_SD["trend"]]
    if seasonality:
        for h in (1, 2):
            cols += [np.sin(2 * np.pi * h * tt / 52.18), np.cos(2 * np.pi * h * tt / 52.18)]
            sds += [BASE_SD["season"]] * 2
    if controls is not None and controls.size:
        for c in controls.T:
            cols.append((c - c.mean()) / c.std())
            sds.append(BASE_SD["control"])
    return Design(lagged, np.column_stack(cols), np.asarray(sds), float(y_scale), scale)


@dataclass(frozen=True)
class Fit:
    """One MAP fit: the parameter vector ``[decay K, half K, slope K, beta K, gamma P]``, the
    noise level ``sigma`` (scaled units) and the final cost."""

    params: np.ndarray
    sigma: float
    cost: float

    def split(self, k: int) -> tuple[np.ndarray, ...]:
        p = self.params
        return p[:k], p[k : 2 * k], p[2 * k : 3 * k], p[3 * k : 4 * k], p[4 * k :]


def media(d: Design, params: np.ndarray, scale: np.ndarray | None = None) -> np.ndarray:
    """(T, K) each channel's weekly contribution in scaled sales units; ``scale`` multiplies
    each channel's spend (1.01 for a marginal return)."""
    k = d.k
    decay, half, slope = params[:k], params[k : 2 * k], params[2 * k : 3 * k]
    beta = params[3 * k : 4 * k]
    out = np.empty((d.lagged.shape[1], k))
    for j in range(k):
        a = d.lagged[j] @ adstock_weights(float(decay[j]))
        if scale is not None:
            a = a * scale[j]
        out[:, j] = beta[j] * hill(a, float(half[j]), float(slope[j]))
    return out


def _residuals_and_jac(
    params: np.ndarray, d: Design, y: np.ndarray, sigma: float
) -> tuple[np.ndarray, np.ndarray]:
    k, t_n = d.k, d.lagged.shape[1]
    p_n = d.n_params
    decay, half, slope = params[:k], params[k : 2 * k], params[2 * k : 3 * k]
    beta, gamma = params[3 * k : 4 * k], params[4 * k :]
    fitted = d.z @ gamma
    jac_data = np.zeros((t_n, p_n))
    jac_data[:, 4 * k :] = d.z
    lags = np.arange(LAGS, dtype=float)
    for j in range(k):
        th = float(decay[j])
        pw = th**lags
        s_sum = pw.sum()
        dpw = lags * th ** np.maximum(lags - 1, 0)
        dw = (dpw * s_sum - pw * dpw.sum()) / s_sum**2
        a = np.maximum(d.lagged[j] @ (pw / s_sum), 1e-9)
        da = d.lagged[j] @ dw
        kk, ss = float(half[j]), float(slope[j])
        u = (a / kk) ** ss
        h = u / (1.0 + u)
        dh_du = 1.0 / (1.0 + u) ** 2
        fitted = fitted + beta[j] * h
        jac_data[:, 3 * k + j] = h
        jac_data[:, j] = beta[j] * dh_du * (ss * u / a) * da
        jac_data[:, k + j] = beta[j] * dh_du * (-ss * u / kk)
        jac_data[:, 2 * k + j] = beta[j] * dh_du * u * np.log(a / kk)
    r_data = fitted - y
    # priors as pseudo-residuals, each sigma * (p - mu) / sd
    r_prior = np.concatenate(
        [
            (decay - DECAY_PRIOR[0]) / DECAY_PRIOR[1],
            (np.log(half) - LOGHALF_PRIOR[0]) / LOGHALF_PRIOR[1],
            (slope - SLOPE_PRIOR[0]) / SLOPE_PRIOR[1],
            beta / BETA_SD,
            gamma / d.z_sd,
        ]
    )
    d_prior = np.concatenate(
        [
            np.full(k, 1 / DECAY_PRIOR[1]),
            1 / (half * LOGHALF_PRIOR[1]),
            np.full(k, 1 / SLOPE_PRIOR[1]),
            np.full(k, 1 / BETA_SD),
            1 / d.z_sd,
        ]
    )
    r = np.concatenate([r_data, sigma * r_prior])
    jac = np.vstack([jac_data, np.diag(sigma * d_prior)])
    return r, jac


def _bounds(d: Design) -> tuple[np.ndarray, np.ndarray]:
    k, p = d.k, d.z.shape[1]
    lo = np.concatenate(
        [
            np.full(k, DECAY_BOUNDS[0]),
            np.full(k, HALF_BOUNDS[0]),
            np.full(k, SLOPE_BOUNDS[0]),
            np.zeros(k),
            np.full(p, -np.inf),
        ]
    )
    hi = np.concatenate(
        [
            np.full(k, DECAY_BOUNDS[1]),
            np.full(k, HALF_BOUNDS[1]),
            np.full(k, SLOPE_BOUNDS[1]),
            np.full(k, np.inf),
            np.full(p, np.inf),
        ]
    )
    return lo, hi


def _solve(d: Design, y: np.ndarray, sigma: float, x0: np.ndarray, max_nfev: int) -> Fit:
    cache: dict[bytes, tuple[np.ndarray, np.ndarray]] = {}

    def both(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        key = p.tobytes()
        if key not in cache:
            cache.clear()
            cache[key] = _residuals_and_jac(p, d, y, sigma)
        return cache[key]

    lo, hi = _bounds(d)
    x0 = np.clip(x0, lo + 1e-9, hi - 1e-9)
    res = least_squares(
        lambda p: both(p)[0],
        x0,
        jac=lambda p: both(p)[1],
        bounds=(lo, hi),
        method="trf",
        x_scale="jac",
        max_nfev=max_nfev,
    )
    return Fit(res.x, sigma, float(res.cost))


def _start(d: Design, y: np.ndarray, decay: float) -> np.ndarray:
    k = d.k
    gamma = np.linalg.lstsq(d.z, y, rcond=None)[0]
    return np.concatenate(
        [np.full(k, decay), np.ones(k), np.full(k, SLOPE_PRIOR[0]), np.full(k, 0.1), gamma]
    )


def fit_map(
    d: Design, y: np.ndarray, *, start: np.ndarray | None = None, sigma: float | None = None
) -> Fit:
    """The MAP fit of scaled sales ``y``. Without ``start``: two starts (short and long
    carry-over), a first fit to find the noise level, then the final fit at that level. With
    ``start`` and ``sigma`` (a bootstrap refit): one warm-started fit."""
    if start is not None and sigma is not None:
        return _solve(d, y, sigma, start, max_nfev=60)
    # the noise level of the baseline-only fit bounds it from above; refine once
    base_res = y - d.z @ np.linalg.lstsq(d.z, y, rcond=None)[0]
    sigma0 = float(np.std(base_res)) or 1e-6
    best: Fit | None = None
    for decay in (0.2, 0.6):
        f = _solve(d, y, sigma0, _start(d, y, decay), max_nfev=200)
        if best is None or f.cost < best.cost:
            best = f
    assert best is not None
    resid = y - fitted(d, best.params)
    dof = max(len(y) - d.n_params, len(y) // 2)
    sigma1 = float(np.sqrt(np.sum(resid**2) / dof)) or 1e-6
    return _solve(d, y, sigma1, best.params, max_nfev=200)


def fitted(d: Design, params: np.ndarray) -> np.ndarray:
    """The model's weekly sales (scaled units)."""
    k = d.k
    return np.asarray(d.z @ params[4 * k :] + media(d, params).sum(axis=1))

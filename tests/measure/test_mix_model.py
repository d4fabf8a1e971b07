"""The marketing mix's mathematics: adstock and Hill saturation against hand-computed values,
the fit's analytic Jacobian against finite differences, and a noise-free fit."""

from __future__ import annotations

import numpy as np
import pytest

from socialops.measure import mix_model as mm


def test_adstock_weights_by_hand() -> None:
    # decay 0.5 over 3 weeks: 1, 0.5, 0.25 over their sum 1.75
    assert mm.adstock_weights(0.5, 3) == pytest.approx([1 / 1.75, 0.5 / 1.75, 0.25 / 1.75])
    # a single week of spend 7 spreads as 4, 2, 1 and nothing after the lags
    assert mm.adstock(np.array([7.0, 0, 0, 0]), 0.5, lags=3) == pytest.approx([4, 2, 1, 0])
    # 10 then 20: week 2 = 20 * 4/7 + 10 * 2/7
    assert mm.adstock(np.array([10.0, 20.0]), 0.5, lags=3) == pytest.approx(
        [40 / 7, 80 / 7 + 20 / 7]
    )


def test_adstock_without_decay_is_the_spend_and_a_steady_spend_stays() -> None:
    x = np.array([3.0, 0.0, 5.0, 1.0])
    assert mm.adstock(x, 0.0) == pytest.approx(x)
    steady = mm.adstock(np.full(30, 100.0), 0.7)
    assert steady[mm.LAGS - 1 :] == pytest.approx(100.0)  # weights sum to one
    assert steady[0] < steady[5] < 100.0  # nothing carried in before the first week


def test_hill_by_hand() -> None:
    assert mm.hill(0.0, 1.0, 2.0) == pytest.approx(0.0)
    assert mm.hill(3.0, 3.0, 1.7) == pytest.approx(0.5)  # half at the half-saturation point
    assert mm.hill(2.0, 1.0, 2.0) == pytest.approx(4 / 5)
    assert mm.hill(1.0, 2.0, 1.0) == pytest.approx(1 / 3)
    assert mm.hill(np.array([1e9]), 1.0, 1.0)[0] == pytest.approx(1.0)


def _design(seed: int = 0, t_n: int = 104) -> tuple[mm.Design, np.ndarray]:
    rng = np.random.default_rng(seed)
    spend = rng.gamma(2.0, 1.0, (t_n, 3)) * np.array([100.0, 40.0, 70.0])
    spend[rng.random((t_n, 3)) < 0.2] = 0.0
    d = mm.design(spend, 1.0, rng.normal(size=(t_n, 1)))
    decay, half, slope, beta = [0.2, 0.6, 0.4], [0.8, 1.3, 0.6], [1.2, 2.0, 0.9], [0.3, 0.2, 0.1]
    base = [1.0, 0.1, 0.05, 0.02, 0.0, 0.0, 0.03]  # intercept, trend, 2 Fourier pairs, control
    true = np.concatenate([decay, half, slope, beta, base])
    return d, true


def test_analytic_jacobian_matches_finite_differences() -> None:
    d, true = _design()
    p = true * 1.03
    y = mm.fitted(d, true)
    r, jac = mm._residuals_and_jac(p, d, y, 0.05)
    eps = 1e-6
    for i in range(p.size):
        q = p.copy()
        q[i] += eps
        num = (mm._residuals_and_jac(q, d, y, 0.05)[0] - r) / eps
        assert np.max(np.abs(num - jac[:, i])) < 1e-4 * max(1.0, np.max(np.abs(jac[:, i])))


def test_noise_free_fit_recovers_the_contributions() -> None:
    d, true = _design(seed=1, t_n=156)
    y = mm.fitted(d, true)
    fit = mm.fit_map(d, y)
    est = mm.media(d, fit.params).sum(axis=0)
    truth = mm.media(d, true).sum(axis=0)
    assert est.sum() == pytest.approx(truth.sum(), rel=0.1)
    assert est == pytest.approx(truth, rel=0.35)
    assert np.all(fit.params[3 * d.k : 4 * d.k] >= 0)  # non-negative channel effects
    resid = y - mm.fitted(d, fit.params)
    assert np.sqrt(np.mean(resid**2)) < 0.02  # the fit follows the sales

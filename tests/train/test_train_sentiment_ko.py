"""Pieces of the Korean sentiment training: the polarity head averaged over seeds is one linear
model (the mean of the single-seed fits), and pruning keeps exactly the largest weights."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from socialops.train.sentiment_ko import (
    KEEP_OPINION_WEIGHTS,
    KEEP_WEIGHTS,
    _fit_nb,
    _fit_polarity,
    _prune,
)


def _toy() -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    dense = (rng.random((200, 40)) < 0.15).astype(np.float32)
    y = (dense[:, :5].sum(axis=1) > dense[:, 5:10].sum(axis=1)).astype(np.int64)
    return sp.csr_matrix(dense), y, np.ones(len(y))


def test_two_seed_head_is_the_mean_of_the_single_fits() -> None:
    x, y, w = _toy()
    coef, bias = _fit_polarity(x, y, w, seed=13, n_seeds=2)
    a, ca = _fit_nb(x, y, w, 5e-7, 13)
    b, cb = _fit_nb(x, y, w, 5e-7, 14)
    np.testing.assert_allclose(coef, (ca + cb) / 2, rtol=1e-6, atol=1e-9)
    assert abs(bias - (float(a.intercept_[0]) + float(b.intercept_[0])) / 2) < 1e-9
    # the seeds differ, so the mean is not one of them
    assert not np.allclose(ca, cb)
    # one seed is the plain NB fit
    one, one_bias = _fit_polarity(x, y, w, seed=13, n_seeds=1)
    np.testing.assert_allclose(one, ca)
    assert one_bias == float(a.intercept_[0])
    # and it separates the toy classes
    z = x @ coef + bias
    assert float(((z > 0) == (y == 1)).mean()) > 0.9


def test_prune_keeps_the_largest_weights() -> None:
    w = np.array([0.5, -3.0, 0.0, 2.0, -0.1, 1.0], dtype=np.float32)
    kept = _prune(w, 3)
    assert np.count_nonzero(kept) == 3
    assert set(np.flatnonzero(kept).tolist()) == {1, 3, 5}
    assert _prune(w, 10).tolist() == w.tolist()  # fewer non-zero weights than the budget
    assert w[0] == 0.5  # the input is not modified


def test_kept_weights_fit_the_file_budget() -> None:
    # 4 bytes a kept weight (uint16 low index + float16 value), both heads:
    # the shipped file stays under about 10 MB
    assert (KEEP_WEIGHTS + KEEP_OPINION_WEIGHTS) * 4 < 10_000_000

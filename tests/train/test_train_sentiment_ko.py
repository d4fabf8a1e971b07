"""Pieces of the Korean sentiment training: the polarity head averaged over seeds is one linear
model (the mean of the single-seed fits), pruning keeps exactly the largest weights, and the
view heads' matrices and mix (tried, ``views=True``) do what they say."""

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


def test_view_matrices_split_and_normalise_each_group() -> None:
    from socialops.train.sentiment_ko import view_matrices

    half = 1 << 15
    # row 0: two morpheme features and one character feature; row 1: characters only
    x = sp.csr_matrix(
        (
            np.full(5, 0.5, dtype=np.float32),
            ([0, 0, 0, 1, 1], [3, 7, half + 1, half + 2, half + 9]),
        ),
        shape=(2, 1 << 16),
    )
    tok, char = view_matrices(x, 16)
    assert tok.nnz == 2 and char.nnz == 3
    assert tok.indices.max() < half and char.indices.min() >= half
    np.testing.assert_allclose(tok.toarray()[0, [3, 7]], [2**-0.5] * 2, rtol=1e-6)
    np.testing.assert_allclose(char.toarray()[0, half + 1], 1.0)
    np.testing.assert_allclose(char.toarray()[1, [half + 2, half + 9]], [2**-0.5] * 2, rtol=1e-6)


def test_view_mix_is_kept_only_when_it_helps_the_validation_rows() -> None:
    from socialops.train.sentiment_ko import VIEW_MIX_GRID, choose_view_mix

    rng = np.random.default_rng(5)
    y = (rng.random(4000) < 0.5).astype(np.int64)
    signal = np.where(y == 1, 1.0, -1.0)
    reviews = np.arange(4000) < 3000
    noise = [rng.normal(0, 2, 4000) for _ in range(3)]
    # views with their own, independent errors: mixing them in helps
    mix, table = choose_view_mix(
        signal + noise[0], [signal + noise[1], signal + noise[2]], y, reviews
    )
    assert mix != (0.0, 0.0) and len(table) == len(VIEW_MIX_GRID)
    assert table[f"{mix[0]:g}/{mix[1]:g}"][0] > table["0/0"][0]
    # views of pure noise: no mix beats the full head alone by enough to be picked over it
    mix, _ = choose_view_mix(signal + noise[0], [noise[1] * 5, noise[2] * 5], y, reviews)
    assert mix == (0.0, 0.0)

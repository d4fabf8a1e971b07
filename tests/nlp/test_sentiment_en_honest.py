"""The honest estimates of the English sentiment training: nested CV and leave-one-source-out.

Small synthetic corpora (real featurisation, real fits): one source ("airline") whose words are
unrelated to the other's ("general"), so a model that never saw a source's kind of text must do
worse there than one that did, and nested CV must pick only among its candidates.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from socialops.nlp.sentiment_en import FeatureConfig, featurize
from socialops.train import sentiment_en as tr

_CFG = FeatureConfig(word_bits=12)
_Corpora = tuple[sp.csr_matrix, np.ndarray, sp.csr_matrix, np.ndarray]
_AIR = {
    0: ["flight delayed again luggage lost", "cancelled my flight no refund", "gate agent rude"],
    1: ["flight 1403 boards at gate 12", "what is the baggage allowance", "seat 3a tomorrow"],
    2: ["crew was wonderful thanks", "smooth landing great crew", "upgrade thanks so kind"],
}
_GEN = {
    0: ["zorp blarg movie", "blarg zorp song today", "zorp the game tonight"],
    1: ["movie starts at nine", "the game is on channel four", "song released friday"],
    2: ["fizzy wumbo movie", "wumbo fizzy song today", "fizzy the game tonight"],
}


def _corpus(src: dict[int, list[str]], n: int, seed: int) -> tuple[list[str], np.ndarray]:
    rng = np.random.default_rng(seed)
    texts: list[str] = []
    labels: list[int] = []
    for i in range(n):
        k = i % 3
        base = src[k][int(rng.integers(len(src[k])))]
        texts.append(f"{base} {int(rng.integers(1000))}")
        labels.append(k)
    return texts, np.array(labels, dtype=np.int64)


@pytest.fixture(scope="module")
def corpora() -> _Corpora:
    air, y_air = _corpus(_AIR, 240, 1)
    gen, y_gen = _corpus(_GEN, 150, 2)
    return featurize(air, _CFG), y_air, featurize(gen, _CFG), y_gen


def test_nested_cv_picks_from_grid_and_scores_every_tweet(
    corpora: _Corpora,
) -> None:
    x_air, y_air, x_te, y_te = corpora
    grid = ((1.0, 3.0), (3.0, 6.0))
    res = tr.nested_cv(x_air, y_air, x_te, y_te, seed=5, folds=3, grid=grid)
    assert len(res["folds"]) == 3
    for row in res["folds"]:
        assert (row["C"], row["tweeteval_weight"]) in grid
        assert 0.0 <= row["inner_macro_recall"] <= 1.0
    # the general words are learnable from the other folds: near-perfect, far above chance
    assert res["macro_recall"] > 0.9, res
    assert set(res["per_class_recall"]) == {"negative", "neutral", "positive"}


def test_leave_source_out_is_worse_on_the_unseen_kind(
    corpora: _Corpora,
) -> None:
    x_air, y_air, x_te, y_te = corpora
    air_test = np.arange(0, len(y_air), 5)
    res = tr.leave_source_out(x_air, y_air, x_te, y_te, air_test, seed=5)
    nested = tr.nested_cv(x_air, y_air, x_te, y_te, seed=5, folds=3, grid=((1.0, 3.0),))
    # an airline-only model never saw zorp/fizzy: it cannot match one trained on general folds
    assert res["airline_to_tweeteval"] < nested["macro_recall"] - 0.2, (res, nested)
    assert 0.0 <= res["tweeteval_to_airline"] <= 1.0

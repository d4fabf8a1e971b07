"""Korean sentiment model: packaging (no pickle), direction, range, neutral, held-out accuracy."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from socialops.nlp.ko import analyse
from socialops.nlp.normalize import normalize
from socialops.nlp.sentiment_ko import DEFAULT_MODEL_DIR, FeatureConfig, KoSentiment, featurize


def _tokens(texts: list[str]) -> tuple[list[list[str]], list[str]]:
    norm = [normalize(t).text for t in texts]
    return [[f"{f}/{t}" for f, t, _ in toks] for toks in analyse(norm)], norm


def test_model_dir_has_no_pickles_and_is_small() -> None:
    files = [p for p in DEFAULT_MODEL_DIR.rglob("*") if p.is_file()]
    names = {p.name for p in files}
    assert {"model.json", "weights.safetensors", "MODEL_CARD.md"} <= names
    assert not [p for p in files if p.suffix in {".pkl", ".pickle", ".joblib", ".npz"}]
    assert sum(p.stat().st_size for p in files) < 2.2 * 1024 * 1024
    meta = json.loads((DEFAULT_MODEL_DIR / "model.json").read_text(encoding="utf-8"))
    assert meta["version"] == KoSentiment.VERSION


def test_load_does_not_unpickle(monkeypatch: pytest.MonkeyPatch) -> None:
    import pickle

    def boom(*_a: object, **_k: object) -> None:
        raise AssertionError("pickle used while loading the model")

    monkeypatch.setattr(pickle, "load", boom)
    monkeypatch.setattr(pickle, "loads", boom)
    model = KoSentiment.load(DEFAULT_MODEL_DIR)  # a fresh load, not the cached default
    assert model.weights.shape == (1 << model.config.hash_bits,)


def test_obvious_sentences_and_range() -> None:
    model = KoSentiment.load()
    texts = [
        "정말 재밌고 감동적인 영화였어요 최고",
        "시간 아깝다 최악의 영화 돈 버렸다",
        "배우들 연기가 너무 좋았고 음악도 최고였다 강추",
        "지루하고 재미없다 졸려서 중간에 나왔음",
    ]
    tokens, norm = _tokens(texts)
    labels, scores = model.score(tokens, norm)
    assert labels == ["positive", "negative", "positive", "negative"]
    assert scores[0] > 0.5 and scores[1] < -0.5
    assert scores.dtype == np.float64 and np.all(np.abs(scores) <= 1.0)


def test_empty_tokens_are_neutral() -> None:
    model = KoSentiment.load()
    labels, scores = model.score([[], ["최고/NNG"]], ["", "최고"])
    assert labels[0] == "neutral" and scores[0] == 0.0
    assert model.score([], []) == ([], pytest.approx(np.zeros(0)))


def test_featurize_is_per_row_independent_of_batch() -> None:
    cfg = FeatureConfig(hash_bits=18)
    toks = [["영화/NNG", "좋/VA"], [], ["별로/MAG"]]
    texts = ["영화 좋다", "", "별로"]
    ip, ix = featurize(toks, texts, cfg)
    for i in range(3):
        _, ix1 = featurize([toks[i]], [texts[i]], cfg)
        assert np.array_equal(ix1, ix[ip[i] : ip[i + 1]])
        assert np.all(np.diff(ix1) > 0)  # sorted, unique
    assert ix.max() < (1 << 18)


def test_heldout_accuracy_slice(shared_file: Callable[[str], Path]) -> None:
    from socialops.train.sentiment_ko import holdout_split

    path = shared_file("nsmc/reviews.tsv.gz")
    _, test = holdout_split(path.parent.parent)
    # every 9th held-out review: 2,000 texts, about balanced
    idx = list(range(0, len(test.texts), 9))[:2000]
    texts = [test.texts[i] for i in idx]
    y = test.labels[idx]
    tokens = [[f"{f}/{t}" for f, t, _ in toks] for toks in analyse(texts)]
    _, scores = KoSentiment.load().score(tokens, texts)
    acc = float(((scores > 0) == (y == 1)).mean())
    assert acc >= 0.86, acc

"""English tweet sentiment: the shipped model, its files, and its quality against VADER."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialops.nlp.normalize import normalize
from socialops.nlp.sentiment_en import (
    LABELS,
    MODEL_DIR,
    EnSentiment,
    FeatureConfig,
    _normalized,
    featurize,
)


@pytest.fixture(scope="module")
def model() -> EnSentiment:
    return EnSentiment.load()


def test_model_dir_has_no_pickle_and_is_small() -> None:
    files = [p for p in MODEL_DIR.rglob("*") if p.is_file()]
    names = {p.name for p in files}
    assert {"model.json", "weights.safetensors", "MODEL_CARD.md"} <= names
    for p in files:
        assert p.suffix.lower() not in {".pkl", ".pickle", ".joblib", ".pt", ".bin"}, p
        head = p.read_bytes()[:2]
        assert head != b"\x80\x04" and head != b"\x80\x05", f"{p} looks like a pickle"
    assert sum(p.stat().st_size for p in files) < 2_500_000
    meta = json.loads((MODEL_DIR / "model.json").read_text(encoding="utf-8"))
    assert meta["labels"] == list(LABELS)
    assert meta["version"] == EnSentiment.VERSION


def test_load_is_cached(model: EnSentiment) -> None:
    assert EnSentiment.load() is model
    assert EnSentiment.load(MODEL_DIR) is not model


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("I love this, best flight ever!", "positive"),
        ("Thank you so much, the crew was amazing and so kind :)", "positive"),
        ("Worst service, my bag is lost and nobody helps", "negative"),
        ("This is terrible. I hate waiting 3 hours for nothing", "negative"),
        ("The meeting is scheduled for 3pm on Tuesday.", "neutral"),
        ("New episode airs tonight on channel 4", "neutral"),
    ],
)
def test_clear_examples(model: EnSentiment, text: str, label: str) -> None:
    labels, scores = model.score([text])
    assert labels == [label], (text, labels, scores)
    if label == "positive":
        assert scores[0] > 0
    elif label == "negative":
        assert scores[0] < 0


def test_negation_flips(model: EnSentiment) -> None:
    (_, bad), s = model.score(["the food was good", "the food was not good at all"])
    assert s[1] < s[0]
    assert bad != "positive"


def test_empty_and_shapes(model: EnSentiment) -> None:
    assert model.score([]) == ([], pytest.approx(np.zeros(0)))
    labels, scores = model.score(["", "   ", "ok"])
    assert labels[:2] == ["neutral", "neutral"]
    assert scores[0] == 0.0 and scores[1] == 0.0
    assert len(labels) == 3 and scores.shape == (3,)


def test_scores_in_range_on_odd_input(model: EnSentiment) -> None:
    texts = [
        "!!!!!!!!",
        "😡😡😡😡",
        "😍",
        "@user @user http://t.co/x",
        "a" * 5000,
        "NOT HAPPY AT ALL!!! #fail",
        "ㅋㅋㅋ 좋아요",
        "\x00\u200b",
    ]
    labels, scores = model.score(texts)
    assert set(labels) <= set(LABELS)
    assert np.all(np.isfinite(scores))
    assert np.all(scores >= -1.0) and np.all(scores <= 1.0)


def test_featurize_is_deterministic_and_sized() -> None:
    cfg = FeatureConfig()
    a = featurize(["Great day @someone http://x.y/z", ""], cfg)
    b = featurize(["Great day @other https://t.co/abc", ""], cfg)
    assert a.shape == (2, cfg.n_features)
    # mentions and URLs are placeholders: the account and link do not change the features
    assert (a != b).nnz == 0


def test_roundtrip_save_load(model: EnSentiment, tmp_path: Path) -> None:
    model.save(tmp_path / "m")
    again = EnSentiment.load(tmp_path / "m")
    texts = ["I love it", "I hate it", "it is a thing"]
    assert again.score(texts)[0] == model.score(texts)[0]


def test_beats_vader_on_held_out_tweeteval_fold(model: EnSentiment, data_dir: Path) -> None:
    """A model trained without one TweetEval fold beats VADER alone on that fold; and the
    shipped model (which saw all 2,000) is far above VADER on them (a sanity check only)."""
    from socialops.train import sentiment_en as tr

    if not (data_dir / "tweeteval" / "val_text.txt").exists():
        pytest.fail(f"TweetEval validation data missing under {data_dir}")
    texts, y = tr.load_tweeteval(data_dir)
    vader = tr.vader_labels(texts)
    labels, _ = model.score(texts)
    pred = np.array([LABELS.index(lab) for lab in labels])
    assert tr.macro_recall(y, pred) > tr.macro_recall(y, vader) + 0.05

    held = tr.heldout_fold_check(data_dir, fold=0, seed=13)
    assert held["n"] == 400
    assert held["macro_recall"] > held["vader_macro_recall"], held


_ALPHABET = st.sampled_from(
    [
        *"ab !?.~^ \t\n:)@#/",
        *("ㅋ", "ㅎ", "ㅠ", "ㅜ", "가", "e\u0301", "é", "\u200b", "\x85", "\u00a0"),
        *("😀", "\ufe0f", "\u1100\u1161", "http://t.co/aaaa", "www.x.y"),
    ]
)


@given(st.lists(_ALPHABET, max_size=14).map("".join))
@settings(max_examples=400, deadline=None)
def test_normalize_fast_path_matches_normalize(text: str) -> None:
    assert _normalized(text) == normalize(text).text


@pytest.mark.parametrize(
    "text", ["plain tweet", "so goooood", "why!!!", "  padded ", "tab\there", "ㅋㅋㅋ", "ㅠㅜㅠ"]
)
def test_normalize_fast_path_examples(text: str) -> None:
    assert _normalized(text) == normalize(text).text


def _sklearn_rows(texts: list[str], cfg: FeatureConfig) -> Any:
    """The feature rows as scikit-learn's hashers make them (the way ``featurize`` was
    written before it hashed with mmh3 itself)."""
    import scipy.sparse as sp
    from sklearn.feature_extraction import FeatureHasher
    from sklearn.feature_extraction.text import HashingVectorizer

    from socialops.nlp.sentiment_en import _dense_features, _word_features, preprocess

    pre = [preprocess(t) for t in texts]
    xw = FeatureHasher(n_features=1 << cfg.word_bits, input_type="string").transform(
        [_word_features(t, cfg) for t in pre]
    )
    xw = xw.tocsr().astype(np.float64)
    norms = np.sqrt(np.asarray(xw.multiply(xw).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    blocks = [sp.csr_matrix(sp.diags(1.0 / norms) @ xw)]
    if cfg.n_chars:
        chars = HashingVectorizer(
            analyzer="char_wb", ngram_range=cfg.char_ngrams, n_features=cfg.n_chars, norm="l2"
        )
        blocks.append(chars.transform([t.lower() for t in pre]).tocsr())
    dense = np.array([_dense_features(t, cfg) for t in pre], dtype=np.float64)
    blocks.append(sp.csr_matrix(dense.reshape(len(pre), cfg.n_dense)))
    return sp.csr_matrix(sp.hstack(blocks, format="csr"))


@pytest.mark.parametrize(
    "cfg",
    [
        FeatureConfig(),
        FeatureConfig(char_bits=12),
        FeatureConfig(word_bits=6, word_bigrams=False, char_bits=4, char_ngrams=(1, 3)),
    ],
    ids=["shipped", "chars", "tiny-collisions"],
)
def test_features_equal_scikit_learns_hashing(cfg: FeatureConfig, data_dir: Path) -> None:
    """mmh3 hashing gives the very rows scikit-learn's hashers gave, on real tweets and odd
    text (so models trained before keep their meaning)."""
    import csv

    path = data_dir / "airline_tweets" / "Tweets.csv"
    if not path.exists():
        pytest.fail(f"airline tweets missing: {path}")
    with path.open(encoding="utf-8") as f:
        texts = [row["text"] for _, row in zip(range(1500), csv.DictReader(f), strict=False)]
    texts += ["", "   ", "Not good :( #fail @united http://x.co", "배송 늦어요 good", "a", "ok!!"]
    ours = featurize(texts, cfg)
    theirs = _sklearn_rows(texts, cfg)
    assert ours.shape == theirs.shape
    assert abs(ours - theirs).max() < 1e-12


def test_scoring_imports_neither_scikit_learn_nor_scipy() -> None:
    """Scoring English text (and so every enrichment worker) stays clear of scikit-learn and
    SciPy: importing them cost about a second of CPU per worker."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from socialops.nlp.pipeline import enrich_batch\n"
        "from socialops.nlp.sentiment_en import EnSentiment\n"
        "from socialops.nlp import en\n"
        "EnSentiment.load().score(['not good at all', 'love it'])\n"
        "en.tokenize('the flights were late')\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'scipy'))\n"
        "print(len(bad), bad[:5])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.startswith("0 "), out

"""Korean sentiment model: packaging (no pickle), direction, range, neutral, held-out accuracy,
service and commerce sentences (hand-labelled, never trained on), questions are neutral."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from socialops.nlp.ko import analyse
from socialops.nlp.normalize import normalize
from socialops.nlp.sentiment_ko import (
    DEFAULT_MODEL_DIR,
    GATE_MIN,
    FeatureConfig,
    KoSentiment,
    featurize,
)


def _tokens(texts: list[str]) -> tuple[list[list[str]], list[str]]:
    norm = [normalize(t).text for t in texts]
    return [[f"{f}/{t}" for f, t, _ in toks] for toks in analyse(norm)], norm


def test_model_dir_has_no_pickles_and_is_small() -> None:
    files = [p for p in DEFAULT_MODEL_DIR.rglob("*") if p.is_file()]
    names = {p.name for p in files}
    assert {"model.json", "weights.safetensors", "MODEL_CARD.md"} <= names
    assert not [p for p in files if p.suffix in {".pkl", ".pickle", ".joblib", ".npz"}]
    assert sum(p.stat().st_size for p in files) < 8 * 1024 * 1024
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


def test_nospace_view_round_trips_and_bridges_spacing() -> None:
    cfg = FeatureConfig(
        hash_bits=18, token_ngrams=1, char_ngrams=(1, 3), nospace_char_ngrams=(2, 4)
    )
    assert FeatureConfig.from_json(cfg.to_json()) == cfg
    plain = FeatureConfig(hash_bits=18, token_ngrams=1, char_ngrams=(1, 3))
    assert "nospace_char_ngrams" not in plain.to_json()  # older model.json files stay the same
    assert FeatureConfig.from_json(plain.to_json()) == plain
    texts = ["배송이 너무 늦어요", "배송이너무늦어요"]

    def shared(c: FeatureConfig) -> float:
        ip, ix = featurize([[], []], texts, c)
        a, b = set(ix[ip[0] : ip[1]].tolist()), set(ix[ip[1] : ip[2]].tolist())
        return len(a & b) / len(a | b)

    # the same words written with and without spaces share more features with the second view
    assert shared(cfg) > shared(plain) + 0.1


def test_nb_scale_favours_separating_features() -> None:
    import scipy.sparse as sp

    from socialops.train.sentiment_ko import nb_scale

    # feature 0 only in positives, 1 in both classes alike, 2 mostly in negatives
    x = sp.csr_matrix(
        np.array([[1, 1, 0], [1, 1, 0], [0, 1, 1], [0, 1, 1], [0, 1, 1]], dtype=np.float32)
    )
    y = np.array([1, 1, 0, 0, 0])
    scale = nb_scale(x, y, np.ones(5))
    assert scale[0] > 1.0 and scale[2] > 1.0
    assert scale[1] < 0.2


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
    # ko-linear-5: 0.8925 on this slice (ko-linear-3: 0.892, ko-linear-2: 0.886)
    assert acc >= 0.88, acc


SERVICE_FILE = Path(__file__).parent / "data" / "ko_service_sentences.tsv"
# floors for the shipped model on the hand-labelled service set (ko-linear-5 scores 0.720
# accuracy, 0.722 macro-F1, 0.84 of the neutral ones right, 0.835 by sign; ko-linear-3 0.707,
# 0.709, 0.86 and 0.845; ko-linear-2 0.690,
# 0.693, 0.79 and 0.840; ko-linear-1 0.583, 0.552, 0.23 and 0.825), and on held-out KOTE
# comments (ko-linear-5 0.844; ko-linear-3 0.848; ko-linear-2 0.852; ko-linear-1 0.779)
ACC_FLOOR = 0.69
F1_FLOOR = 0.69
NEUTRAL_FLOOR = 0.84
SIGN_FLOOR = 0.83
KOTE_FLOOR = 0.84


def _service() -> tuple[list[str], list[str]]:
    with open(SERVICE_FILE, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [r["text"] for r in rows], [r["label"] for r in rows]


def test_service_file_is_a_fair_three_class_set() -> None:
    texts, gold = _service()
    assert len(texts) >= 300 and len(set(texts)) == len(texts)
    counts = {c: gold.count(c) for c in KoSentiment.LABELS}
    assert sum(counts.values()) == len(gold)
    assert min(counts.values()) >= 80, counts


def _macro_f1(gold: list[str], pred: list[str]) -> float:
    f1s = []
    for c in KoSentiment.LABELS:
        tp = sum(g == c == p for g, p in zip(gold, pred, strict=True))
        fp = sum(g != c and p == c for g, p in zip(gold, pred, strict=True))
        fn = sum(g == c and p != c for g, p in zip(gold, pred, strict=True))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(f1s) / 3


def test_service_sentences_accuracy_floor() -> None:
    """Hand-labelled delivery, refund, app, call-centre, bank, telecom, price and quality
    sentences, questions and news-like statements (never trained on). ko-linear-1 (movie
    reviews only) fails these floors (see SERVICE_FILE's comment); they sit under what the
    shipped model scores, with a margin."""
    texts, gold = _service()
    tokens, norm = _tokens(texts)
    labels, scores = KoSentiment.load().score(tokens, norm)
    acc = sum(p == g for p, g in zip(labels, gold, strict=True)) / len(gold)
    f1 = _macro_f1(gold, labels)
    neutral_right = sum(p == g == "neutral" for p, g in zip(labels, gold, strict=True))
    assert acc >= ACC_FLOOR, acc
    assert f1 >= F1_FLOOR, f1
    assert neutral_right / gold.count("neutral") >= NEUTRAL_FLOOR
    polar = [i for i, g in enumerate(gold) if g != "neutral"]
    by_sign = sum((scores[i] > 0) == (gold[i] == "positive") for i in polar) / len(polar)
    assert by_sign >= SIGN_FLOOR, by_sign


def test_service_complaints_are_negative() -> None:
    texts = [
        "환불 요청한 지 2주가 지났는데 아직도 처리가 안 됐어요",
        "고객센터는 하루 종일 전화를 안 받네요 진짜 최악",
        "배송이 너무 늦어서 정말 짜증나요 ㅠㅠ",
    ]
    tokens, norm = _tokens(texts)
    labels, scores = KoSentiment.load().score(tokens, norm)
    assert labels == ["negative"] * 3, (labels, scores)


def test_famous_delivery_complaint_is_no_longer_positive() -> None:
    # ko-linear-1 called it positive (p_pos 0.96): "기다리는 중" and "ㅠㅠ" are praise in movie
    # reviews ("waiting for the sequel", "moved to tears")
    tokens, norm = _tokens(["배송이 너무 늦어요 ㅠㅠ 일주일째 기다리는 중"])
    labels, scores = KoSentiment.load().score(tokens, norm)
    assert labels[0] != "positive" and scores[0] < 0, (labels, scores)


def test_famous_delivery_complaint_is_negative() -> None:
    # ko-linear-2 scored it -0.07 (neutral); ko-linear-3 -0.17; ko-linear-5 -0.33
    tokens, norm = _tokens(["배송이 너무 늦어요 ㅠㅠ 일주일째 기다리는 중"])
    labels, _ = KoSentiment.load().score(tokens, norm)
    assert labels == ["negative"]


def test_questions_and_plain_statements_are_neutral() -> None:
    texts = [
        "배송은 보통 며칠 걸리나요?",
        "고객센터 운영 시간이 어떻게 되나요?",
        "주말에도 배송이 되나요?",
        "이 카드는 해외에서도 쓸 수 있나요?",
        "회사는 다음 달 1일부터 새 요금제를 출시한다고 밝혔다",
    ]
    tokens, norm = _tokens(texts)
    labels, scores = KoSentiment.load().score(tokens, norm)
    assert labels == ["neutral"] * len(texts), (labels, scores)


def test_opinion_head_round_trips_and_scales_the_score(tmp_path: Path) -> None:
    cfg = FeatureConfig(hash_bits=16, token_ngrams=1, char_ngrams=(1, 1))
    rng = np.random.default_rng(0)
    w = rng.normal(0, 1, 1 << 16).astype(np.float32)
    w[rng.random(1 << 16) < 0.5] = 0.0
    wo = np.full(1 << 16, -8.0, dtype=np.float32)  # "no opinion" for everything
    model = KoSentiment(w, 0.0, cfg, neutral_band=0.2, opinion=(wo, -8.0), opinion_full=0.5)
    model.save(tmp_path)
    back = KoSentiment.load(tmp_path)
    assert back.opinion_weights is not None and back.opinion_full == 0.5
    toks, texts = [["좋/VA", "다/EF"]], ["좋다"]
    z, zo = back.logits(toks, texts)
    assert zo is not None and zo[0] < -5
    labels, scores = back.score(toks, texts)
    # the gate is at its minimum: a tiny score with the polarity's sign
    assert labels == ["neutral"]
    assert scores[0] == pytest.approx(np.tanh(z[0] / 2) * GATE_MIN)
    plain = KoSentiment(w, 0.0, cfg)  # no opinion head: the polarity alone
    assert abs(plain.score(toks, texts)[1][0] - np.tanh(z[0] / 2)) < 1e-3


def test_kote_polarity_mapping() -> None:
    from socialops.train.sentiment_ko import MIXED, NEGATIVE, NO_OPINION, POSITIVE, kote_polarity

    assert kote_polarity({0, 6, 22}) == NEGATIVE  # complaint, anger, annoyance
    assert kote_polarity({1, 4, 42}) == POSITIVE  # welcome, gratitude, joy
    assert kote_polarity({24}) == NO_OPINION
    assert kote_polarity({0, 1}) == MIXED
    assert kote_polarity({15, 39}) == MIXED  # interest, surprise: neither way


def test_heldout_comments_kote(shared_file: Callable[[str], Path]) -> None:
    from socialops.train.sentiment_ko import NEGATIVE, POSITIVE, other_splits

    path = shared_file("kote/val.tsv")
    _, test = other_splits(path.parent.parent)["kote"]
    m = np.isin(test.labels, (NEGATIVE, POSITIVE))
    texts = [t for t, keep in zip(test.texts, m, strict=True) if keep]
    y = test.labels[m]
    tokens = [[f"{f}/{t}" for f, t, _ in toks] for toks in analyse(texts)]
    _, scores = KoSentiment.load().score(tokens, texts)
    acc = float(((scores > 0) == (y == POSITIVE)).mean())
    # ko-linear-1: 0.779 on these held-out comments
    assert acc >= KOTE_FLOOR, acc


def test_other_splits_never_train_on_held_out_text(shared_file: Callable[[str], Path]) -> None:
    from socialops.train.sentiment_ko import NO_OPINION_LABELS, OTHER_HOLDOUT, other_splits

    root = shared_file("kote/val.tsv").parent.parent
    splits = other_splits(root)
    assert set(splits) == set(OTHER_HOLDOUT)
    held = {t for _, test in splits.values() for t in test.texts}
    for source, (train, test) in splits.items():
        assert not held & set(train.texts), source
        share = len(test.texts) / (len(test.texts) + len(train.texts))
        assert abs(share - OTHER_HOLDOUT[source]) < 0.05, (source, share)
    assert other_splits(root)["kote"][1].texts == splits["kote"][1].texts  # stable
    assert np.isin(splits["3i4k"][1].labels, NO_OPINION_LABELS).mean() > 0.8


def test_split_groups_put_each_feature_group_in_its_half() -> None:
    split = FeatureConfig(hash_bits=16, token_ngrams=2, char_ngrams=(1, 3), split_groups=True)
    assert FeatureConfig.from_json(split.to_json()) == split
    assert "split_groups" not in FeatureConfig(hash_bits=16).to_json()  # older files unchanged
    half = 1 << 15
    _, tok_only = featurize(
        [["배송/NNG", "늦/VA"]],
        [""],
        FeatureConfig(hash_bits=16, char_ngrams=(1, 0), split_groups=True),
    )
    assert tok_only.size and np.all(tok_only < half)
    _, char_only = featurize([[]], ["배송 늦음"], split)
    assert char_only.size and np.all(char_only >= half)


def test_view_heads_add_each_group_normalised_alone(tmp_path: Path) -> None:
    cfg = FeatureConfig(hash_bits=16, token_ngrams=2, char_ngrams=(1, 3), split_groups=True)
    rng = np.random.default_rng(1)
    w = rng.normal(0, 1, 1 << 16).astype(np.float32)
    vw = rng.normal(0, 1, 1 << 16).astype(np.float32)
    toks = [["배송/NNG", "늦/VA", "어요/EF"], ["좋/VA", "다/EF"]]
    texts = ["배송 늦어요", "좋다"]
    model = KoSentiment(w, 0.25, cfg, view_weights=vw)
    z, _ = model.logits(toks, texts)
    ip, ix = featurize(toks, texts, cfg)
    for i in range(2):
        row = ix[ip[i] : ip[i + 1]]
        groups = [row[row < 1 << 15], row[row >= 1 << 15]]
        expect = 0.25 + w[row].sum() / np.sqrt(row.size)
        expect += sum(vw[g].sum() / np.sqrt(g.size) for g in groups)
        assert z[i] == pytest.approx(expect, abs=1e-4)
    plain = KoSentiment(w, 0.25, cfg)
    assert not np.allclose(plain.logits(toks, texts)[0], z)
    model.save(tmp_path)
    back = KoSentiment.load(tmp_path)
    assert back.view_weights is not None and back.config.split_groups
    np.testing.assert_allclose(back.logits(toks, texts)[0], z, atol=0.05)  # float16 weights
    with pytest.raises(ValueError, match="split_groups"):
        KoSentiment(w, 0.0, FeatureConfig(hash_bits=16), view_weights=vw)

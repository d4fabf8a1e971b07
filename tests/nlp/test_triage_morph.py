"""Kiwi morpheme features of the Korean triage models (socialops.nlp.triage_model.MorphConfig):
the sentence-final cues, the JSON round trip, and that runtime (tokens handed over from the
sentiment analysis) scores exactly as a model that runs Kiwi itself."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from socialops.nlp.sentiment_ko import FeatureConfig
from socialops.nlp.triage import MODEL_DIR, triage_texts
from socialops.nlp.triage_model import (
    LinearTextModel,
    MorphConfig,
    _endings,
    feature_matrix,
    kiwi_tokens,
)

CFG = FeatureConfig(hash_bits=16, token_ngrams=2, char_ngrams=(1, 3), tail_tokens=2)


def test_sentence_final_cues() -> None:
    (ask,), (tell,) = kiwi_tokens(["배송 언제 오나요?"]), kiwi_tokens(["배송 오늘 왔어요."])
    cues = _endings(ask)
    assert cues[0] == "^ef 나요/EF" and cues[1] == "^sf ?/SF"
    assert cues[2].endswith("+EF+SF")
    assert _endings(tell)[0] != cues[0]
    assert _endings([]) == ["^ef ", "^sf ", "^tags "]


def test_morpheme_features_add_columns_and_tokens_are_optional() -> None:
    texts = ["배송 언제 오나요?", "환불해 주시죠", "좋아요"]
    plain = feature_matrix(texts, CFG)
    morph = MorphConfig(ngrams=2, tail=3, endings=True)
    given = feature_matrix(texts, CFG, morph, kiwi_tokens(texts))
    computed = feature_matrix(texts, CFG, morph)  # Kiwi runs inside
    assert (given != computed).nnz == 0
    assert (given.getnnz(axis=1) > plain.getnnz(axis=1)).all()
    # rows stay L2-normalised
    assert np.allclose(np.asarray(given.multiply(given).sum(axis=1)).ravel(), 1.0)


def test_morph_config_round_trips_through_json(tmp_path: Path) -> None:
    morph = MorphConfig(ngrams=1, tail=2, endings=False)
    rng = np.random.default_rng(0)
    coef = rng.normal(size=(3, 1 << CFG.hash_bits))
    m = LinearTextModel.from_dense(
        "t", ["a", "b", "c"], CFG, coef, np.zeros(3), max_columns=5000, morph=morph
    )
    m.save(tmp_path)
    meta = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))
    assert meta["morph_features"] == {"ngrams": 1, "tail": 2, "endings": False}
    again = LinearTextModel.load(tmp_path, "t")
    assert again.morph == morph
    texts = ["문의 드립니다", "언제 되나요?"]
    assert np.allclose(m.logits(texts), again.logits(texts), atol=1e-2)
    assert not np.allclose(m.logits(texts), m.logits(texts, [[], []]), atol=1e-6)


def test_shipped_korean_models_use_morphemes_and_runtime_agrees() -> None:
    speech = LinearTextModel.load(MODEL_DIR, "ko_speech_act")
    complaint = LinearTextModel.load(MODEL_DIR, "ko_complaint")
    assert speech.morph is not None and complaint.morph is not None
    assert LinearTextModel.load(MODEL_DIR, "ko_abuse").morph is None
    texts = [
        "배송은 언제쯤 되나요",
        "주문 번호를 확인해 주세요",
        "오늘 주문했습니다",
        "이게 말이 되냐고",
    ]
    pred = [speech.labels[i] for i in speech.logits(texts).argmax(axis=1)]
    assert pred[:3] == ["question", "command", "statement"]
    got = [t.speech_act for t in triage_texts(texts, lang="ko")]
    # triage hands the sentiment model's Kiwi tokens over: the same decision as Kiwi run here
    # (a plain question may become rhetorical only by the rules' cue words)
    assert got[:3] == pred[:3]
    words = speech.explain(texts[:1], [2])
    assert words[0] and all(w in texts[0] for w in words[0])

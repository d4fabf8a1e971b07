"""Triage (socialops.nlp.triage): hand-labelled Korean and English service messages, the
contract's value sets, explanations, and models that load without pickle."""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from socialops.nlp.triage import (
    INTENTS,
    MODEL_DIR,
    SPEECH_ACTS,
    TAXONOMIES,
    URGENCIES,
    Triage,
    taxonomy_categories,
    triage_texts,
)
from socialops.nlp.triage_model import LinearTextModel
from socialops.train.triage import SPECS

HAND = Path(__file__).parent / "data" / "triage_hand.tsv"


def _hand() -> list[dict[str, str]]:
    with HAND.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.mark.parametrize("row", _hand(), ids=lambda r: r["text"][:20])
def test_hand_labelled(row: dict[str, str]) -> None:
    (t,) = triage_texts([row["text"]], lang="auto", taxonomy=row["taxonomy"])
    assert t.lang == row["lang"]
    for field in ("intent", "urgency"):
        if row[field] != "-":
            assert getattr(t, field) == row[field], (field, t)
    if row["needs_reply"] != "-":
        assert t.needs_reply is (row["needs_reply"] == "true"), t


def test_value_sets_and_explain() -> None:
    texts = [r["text"] for r in _hand()] + ["", "ㅋㅋ", "ok"]
    out = triage_texts(texts, taxonomy="banking")
    assert len(out) == len(texts)
    for t in out:
        assert isinstance(t, Triage)
        assert t.intent in INTENTS and t.speech_act in SPEECH_ACTS and t.urgency in URGENCIES
        assert t.sentiment in ("negative", "neutral", "positive")
        assert -1.0 <= t.sentiment_score <= 1.0
        assert t.category == "" or t.category in taxonomy_categories("banking", t.lang)
    lost = out[4]
    assert lost.category == "카드 분실/도난"
    assert "카드 분실" in lost.explain["category"]
    assert lost.explain["urgency"]  # the cue that made it urgent
    assert out[-3].intent == "other" and out[-3].needs_reply is False


def test_rhetorical_question_is_a_complaint() -> None:
    (t,) = triage_texts(["환불을 도대체 언제까지 기다려야 하나요?"], lang="ko")
    assert t.speech_act == "rhetorical_question"
    assert t.intent == "complaint"
    assert t.explain["intent"]


def test_taxonomies() -> None:
    assert TAXONOMIES[0] == "general"
    assert set(TAXONOMIES) >= {"general", "banking", "airline", "commerce", "public"}
    en = taxonomy_categories("banking", "en")
    assert len(en) == 77 and "lost_or_stolen_card" in en
    for name in TAXONOMIES:
        ko = taxonomy_categories(name, "ko")
        assert ko and len(ko) == len(taxonomy_categories(name, "en"))
    with pytest.raises(KeyError):
        taxonomy_categories("nope", "ko")


def test_models_are_plain_arrays_without_pickle() -> None:
    for name in ("ko_speech_act", "ko_complaint", "ko_abuse", "en_banking77"):
        npz = MODEL_DIR / f"{name}.npz"
        with zipfile.ZipFile(npz) as z:
            for member in z.namelist():
                head = z.read(member)[:6]
                assert head == b"\x93NUMPY", member  # .npy arrays, no pickle
        with np.load(npz, allow_pickle=False) as arrays:
            assert arrays["weights"].dtype == np.float16
        meta = json.loads((MODEL_DIR / f"{name}.json").read_text(encoding="utf-8"))
        assert meta["heldout"]  # held-out metrics recorded with the model
        # the shipped weights were made by today's training code (its C per model)
        assert meta["C"] == SPECS[name][2], name
        m = LinearTextModel.load(MODEL_DIR, name)
        assert m.weights.shape == (len(m.columns), len(m.labels))
    assert (MODEL_DIR / "MODEL_CARD.md").read_text(encoding="utf-8").count("held") >= 1
    size = sum(p.stat().st_size for p in MODEL_DIR.iterdir())
    # a guard against an accidental blow-up (dense 2**20-bucket weights would be 14 MB a model):
    # the speech-act model keeps 400,000 buckets since its stacker is folded in (5.7 MB)
    assert size < 10_000_000

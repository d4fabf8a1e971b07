"""The Kiwi token cache of the triage training sets (socialops.train.triage_data.cached_tokens)
and a Korean triage model with morpheme features trained on the real KOTE split."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from socialops.nlp.triage_model import LinearTextModel, kiwi_tokens
from socialops.train import triage_data as td
from socialops.train.triage import MORPH, train_one


def test_tokens_are_cached_by_texts(tmp_path: Path) -> None:
    ds = td.Dataset("tiny", ["배송 언제 오나요?", "감사합니다"], np.array([1, 0]), ["a", "b"])
    first = td.cached_tokens(ds, tmp_path)
    assert first == kiwi_tokens(ds.texts)
    (path,) = tmp_path.glob("tiny-*.json")
    path.write_text('[["x/NNG"], ["y/NNG"]]', encoding="utf-8")  # proves the cache is read
    assert td.cached_tokens(ds, tmp_path) == [["x/NNG"], ["y/NNG"]]
    other = td.Dataset("tiny", ["다른 문장", "감사합니다"], ds.labels, ds.classes)
    assert td.cached_tokens(other, tmp_path)[0] == kiwi_tokens(["다른 문장"])[0]
    assert len(list(tmp_path.glob("tiny-*.json"))) == 2


def test_split_index_matches_split(data_dir: Path) -> None:
    ds = td.load_kote_complaint(data_dir)
    tr_i, te_i = td.split_index(ds)
    tr, te = td.split(ds)
    assert [ds.texts[i] for i in te_i] == te.texts and len(tr_i) == len(tr.texts)


def test_complaint_model_with_morphemes(data_dir: Path, tmp_path: Path) -> None:
    model, metrics = train_one("ko_complaint", data_dir, progress=False)
    assert model.morph == MORPH["ko_complaint"]
    assert metrics["f1"] > 0.75 and metrics["svm_alone_f1"] > 0.6  # held-out
    model.save(tmp_path)
    again = LinearTextModel.load(tmp_path, "ko_complaint")
    texts = ["배송이 너무 늦어서 짜증나요", "좋은 하루 보내세요"]
    assert np.allclose(model.proba(texts), again.proba(texts), atol=2e-3)
    assert again.proba(texts)[0, 1] > again.proba(texts)[1, 1]

"""Training a triage model on the real shared data: the split is fixed and disjoint, the model
round-trips through its plain-array files and scores the same after loading."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from socialops.nlp.triage_model import LinearTextModel
from socialops.train import triage_data as td
from socialops.train.triage import train_one


def test_split_is_fixed_stratified_and_disjoint(data_dir: Path) -> None:
    ds = td.load_kote_complaint(data_dir)
    tr, te = td.split(ds)
    _, te2 = td.split(ds)
    assert te.texts == te2.texts and len(te.texts) == 1000 and len(tr.texts) == 4000
    # stratified: the same complaint share on both sides (within a row or two)
    assert abs(tr.labels.mean() - te.labels.mean()) < 0.002
    assert len(set(ds.texts)) - len(set(tr.texts) | set(te.texts)) == 0


def test_abuse_model_trains_saves_and_reloads(data_dir: Path, tmp_path: Path) -> None:
    model, metrics = train_one("ko_abuse", data_dir, progress=False)
    assert metrics["f1"] > 0.7  # held-out; a broken feature pipeline scores near 0.5
    model.save(tmp_path)
    again = LinearTextModel.load(tmp_path, "ko_abuse")
    texts = ["이런 쓰레기 같은 놈", "좋은 하루 보내세요"]
    a, b = model.proba(texts), again.proba(texts)
    assert np.allclose(a, b, atol=2e-3)  # float16 weights on disk
    assert a[0, 1] > a[1, 1]

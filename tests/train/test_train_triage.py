"""Training a triage model on the real shared data: the split is fixed and disjoint, the model
round-trips through its plain-array files and scores the same after loading."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from socialops.nlp.triage_model import LinearTextModel
from socialops.train import triage_data as td
from socialops.train.triage import _evaluate, train_one


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


def test_the_speech_act_stacker_folds_into_one_linear_model(data_dir: Path) -> None:
    """The stacker over the SVM's out-of-fold margins is linear in them, so folding it into
    the weights gives the very scores it would give on the margins."""
    from socialops.nlp.triage_model import feature_matrix
    from socialops.train.triage import (
        BALANCED_MIX,
        MORPH,
        SPECS,
        _fit_weights,
        _stack_speech_act,
    )

    ds = td.load_3i4k(data_dir)
    rows = np.random.default_rng(3).choice(len(ds.texts), 6000, replace=False)
    sub = ds.subset(rows)
    _, cfg, c, _ = SPECS["ko_speech_act"]
    morph = MORPH["ko_speech_act"]
    toks = td.cached_tokens(ds)
    x = feature_matrix(sub.texts, cfg, morph, [toks[i] for i in rows])
    mix = BALANCED_MIX["ko_speech_act"]
    coef, bias = _fit_weights(x, sub.labels, c, mix)
    matrix, offsets, about = _stack_speech_act(x, sub.labels, c, mix, progress=False)
    assert matrix.shape == (len(ds.classes), len(ds.classes))
    folded = x @ (matrix @ coef).T + (matrix @ bias + offsets)
    stacked = (x @ coef.T + bias) @ matrix.T + offsets
    assert np.allclose(folded, stacked)
    assert np.allclose(offsets, about["bias"], atol=1e-5)  # the JSON keeps them as applied
    assert np.allclose(matrix, about["coef"], atol=1e-5)


def test_the_shipped_model_learns_from_every_row_and_reports_its_twins_figures(
    data_dir: Path,
) -> None:
    """``train_one`` measures a twin fitted on the training 80 % on the held-out 20 %, then
    fits the shipped model the same way on every row; the held-out figures are the twin's."""
    ds = td.load_hate(data_dir)
    tr, te = td.split(ds)
    twin, twin_metrics = train_one("ko_abuse", data_dir, progress=False, final=False)
    model, metrics = train_one("ko_abuse", data_dir, progress=False)
    assert twin.meta["n_train"] == len(tr.texts) and model.meta["n_train"] == len(ds.texts)
    assert metrics == twin_metrics == model.meta["heldout"]
    assert model.meta["n_heldout"] == len(te.texts) and "twin" in model.meta["heldout_of"]
    # the shipped model has seen the held-out rows: it scores them higher than its twin did
    seen = _evaluate("ko_abuse", model, te)
    assert seen["f1"] > twin_metrics["f1"]


def test_the_shipped_triage_models_were_fitted_on_every_row(data_dir: Path) -> None:
    from socialops.nlp.triage import MODEL_DIR
    from socialops.train.triage import SPECS

    for name, (loader, *_rest) in SPECS.items():
        ds = loader(data_dir)
        meta = LinearTextModel.load(MODEL_DIR, name).meta
        assert meta["n_train"] == len(ds.texts), name
        assert meta["n_heldout"] == len(td.split(ds)[1].texts), name

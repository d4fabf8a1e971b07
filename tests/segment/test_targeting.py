"""The targeting model on the real bank.csv: held-out AUC above the floor measured on it (0.765
without ``duration``, 0.906 with it; floors 0.74 and 0.88), calibration within tolerance on the
held-out deciles, ``duration`` left out as leakage unless included, the stored JSON body read
back scoring identically (no pickle anywhere), a scored file with its columns and ``score``,
and the refusals."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import text

from socialops.errors import DataError, InputFileError
from socialops.segment.customers import read_customer_file
from socialops.segment.targeting import fit, get_model, list_models, score_file, train_model
from socialops.segment.targeting_features import score_frame
from socialops.segment.targeting_store import save_model
from socialops.store.workspace import Workspace

AUC_FLOOR = 0.74  # measured 0.7654 (seed 0)
AUC_FLOOR_LEAKY = 0.88  # measured 0.9051


@pytest.fixture(scope="module")
def bank(shared_file: Callable[[str], Path]) -> pd.DataFrame:
    # conftest's session fixture: fails, not skips, when CI=true and the file is missing
    return read_customer_file(shared_file("bank_marketing/bank.csv"))


@pytest.fixture(scope="module")
def body(bank: pd.DataFrame) -> dict[str, Any]:
    b = fit(bank, target="deposit")
    b["name"] = "bank"
    return b


@pytest.fixture
def ws(database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    """A workspace on each database (the model table's SQL)."""
    root = tmp_path / "ws"
    monkeypatch.setenv("SOCIALOPS_HOME", str(root))
    yield Workspace.open(root)


@pytest.fixture
def ws1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    """A workspace on the default database (what is tested does not depend on it)."""
    root = tmp_path / "ws"
    monkeypatch.setenv("SOCIALOPS_HOME", str(root))
    yield Workspace.open(root)


def test_held_out_auc_calibration_and_drivers(body: dict[str, Any]) -> None:
    m = body["metrics"]
    assert m["auc"] >= AUC_FLOOR
    assert (m["rows"], m["test_rows"], m["positives"]) == (11162, 2791, 5289)
    assert body["split"] == {"method": "stratified", "test_size": 0.25, "seed": 0}
    assert m["brier"] < m["brier_reference"] - 0.04  # clearly better than the base rate
    table = body["calibration_table"]
    assert len(table) == 10 and sum(r["n"] for r in table) == 2791
    assert m["calibration_max_gap"] <= 0.08
    inside = sum(r["ci_low"] <= r["predicted"] <= r["ci_high"] for r in table)
    assert inside >= 8, table
    assert table[0]["observed"] < 0.3 < 0.8 < table[-1]["observed"]
    assert "duration" not in body["features"]
    assert body["excluded"] == [{"column": "duration", "reason": "after_call"}]
    assert {"code": "targeting.caveat.leakage", "params": {"column": "duration"}} in body["caveats"]
    top = [a["attribute"] for a in body["attributes"][:5]]
    assert "poutcome" in top and "month" in top
    poutcome = next(a for a in body["attributes"] if a["attribute"] == "poutcome")
    assert poutcome["raises"] == "success" and poutcome["label_ko"] == "이전 캠페인 결과"
    assert body["attributes"][0]["importance"] > 0.02


def test_duration_only_when_asked(bank: pd.DataFrame) -> None:
    leaky = fit(bank, target="deposit", include=["duration"])
    assert leaky["metrics"]["auc"] >= AUC_FLOOR_LEAKY
    assert "duration" in leaky["features"] and leaky["excluded"] == []
    assert leaky["attributes"][0]["attribute"] == "duration"
    assert leaky["caveats"][0]["code"] == "targeting.caveat.leakage_included"


def test_the_stored_json_scores_identically(
    ws: Workspace, body: dict[str, Any], bank: pd.DataFrame
) -> None:
    save_model(ws, body, actor="tester")
    with ws.connect() as conn:
        raw = conn.execute(text("SELECT body FROM targeting_models WHERE name = 'bank'")).scalar()
    assert isinstance(raw, str) and "pickle" not in raw and "joblib" not in raw
    assert "\\x80" not in raw and json.loads(raw) == json.loads(json.dumps(body))
    loaded = get_model(ws, "bank")
    before, after = score_frame(body, bank), score_frame(loaded, bank)
    assert np.array_equal(before, after)
    assert before.min() >= 0 and before.max() <= 1
    assert abs(before.mean() - 5289 / 11162) < 0.02  # calibrated: the mean is the rate
    (row,) = list_models(ws)
    assert (row["name"], row["target"], row["positive"], row["rows"]) == (
        "bank", "deposit", "yes", 11162,
    )  # fmt: skip
    assert row["auc"] == pytest.approx(body["metrics"]["auc"])
    save_model(ws, {**body, "metrics": {**body["metrics"], "auc": 0.5}})  # same name: replaced
    assert [m["auc"] for m in list_models(ws)] == [0.5]


def test_score_a_file(
    ws1: Workspace, body: dict[str, Any], bank: pd.DataFrame, tmp_path: Path
) -> None:
    save_model(ws1, body)
    few = bank.head(50).copy()
    few.loc[0, "job"] = '=HYPERLINK("http://x")'
    few["score"] = 9  # an old score column is replaced
    src = tmp_path / "few.csv"
    few.to_csv(src, index=False)
    out = tmp_path / "scored.csv"
    res = score_file(ws1, src, model="bank", out=out)
    assert res["rows"] == 50 and res["model"] == "bank"
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(out.read_text("utf-8-sig").splitlines()))
    assert list(rows[0]) == [c for c in few.columns if c != "score"] + ["score"]
    assert rows[0]["job"].startswith("'=")
    assert rows[1]["age"] == "56.0" and rows[1]["month"] == "may"  # as the input wrote it
    expected = score_frame(body, read_customer_file(src))
    assert [float(r["score"]) for r in rows] == pytest.approx(expected, abs=1e-6)
    assert not list(tmp_path.glob(".*partial"))
    with pytest.raises(InputFileError) as info:
        score_file(ws1, _csv(tmp_path / "x.csv", "age,job\n30,admin.\n"), model="bank", out=out)
    assert info.value.code == "targeting.score_missing_columns"
    with pytest.raises(DataError) as info:
        score_file(ws1, src, model="nope", out=out)
    assert info.value.code == "targeting.unknown_model" and "bank" in info.value.text("en")


def _csv(path: Path, content: str) -> Path:
    path.write_text(content, encoding="utf-8")
    return path


def test_refusals(ws1: Workspace, bank: pd.DataFrame) -> None:
    few_yes = pd.concat([bank[bank.deposit == "no"], bank[bank.deposit == "yes"].head(20)])
    with pytest.raises(DataError) as info:
        train_model(ws1, few_yes, target="deposit")
    assert info.value.code == "targeting.too_few_positives"
    with pytest.raises(DataError) as info:
        train_model(ws1, bank[bank.deposit == "no"], target="deposit")
    assert info.value.code == "targeting.constant_target"
    with pytest.raises(InputFileError) as info:
        train_model(ws1, bank, target="y")
    assert info.value.code == "targeting.no_column"
    assert list_models(ws1) == []

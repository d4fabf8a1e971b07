"""``socialops segment model|score|models|attributes|import-customers`` as a user runs them on
the real bank.csv: the JSON keys others script against, the scored file, Korean and English
text, and refusals as one line with the error's exit status. The commands run in this process
through the CLI's own ``main`` (a subprocess costs seconds each)."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

from tests.cli.cli_inproc import run_main as run
from tests.cli.cli_run import one_line_error


def test_model_score_and_models(tmp_path: Path, shared_file: Callable[[str], Path]) -> None:
    bank = str(shared_file("bank_marketing/bank.csv"))
    home = tmp_path / "ws"
    p = run(["segment", "model", bank, "--target", "deposit", "--name", "bank", "--json"], home)
    assert p.returncode == 0, p.stderr
    res = json.loads(p.stdout)
    assert res["name"] == "bank" and res["auc"] >= 0.74 and res["rows"] == 11162
    assert {"top_attributes", "calibration", "brier", "caveats", "excluded"} <= set(res)
    assert len(res["calibration"]) == 10 and res["brier"] < res["brier_reference"]
    top = res["top_attributes"][0]
    assert {"attribute", "label_ko", "label_en", "importance"} <= set(top)
    out = tmp_path / "scored.csv"
    p = run(
        ["segment", "score", bank, "--model", "bank", "--out", str(out)], home, SOCIALOPS_LANG="ko"
    )
    assert p.returncode == 0, p.stderr
    assert "11,162행" in p.stdout
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 11162 and list(rows[0])[-2:] == ["deposit", "score"]
    scores = [float(r["score"]) for r in rows]
    assert all(0 <= s <= 1 for s in scores)
    hit = sum(s >= 0.5 and r["deposit"] == "yes" for s, r in zip(scores, rows, strict=True))
    assert hit / sum(s >= 0.5 for s in scores) > 0.6  # the high scores respond more often
    p = run(["segment", "models", "--json"], home)
    assert [m["name"] for m in json.loads(p.stdout)] == ["bank"]
    p = run(["segment", "models"], home, SOCIALOPS_LANG="en")
    assert "deposit=yes" in p.stdout and "model" in p.stdout
    p = run(["segment", "score", bank, "--model", "nope", "--out", str(out)], home)
    assert p.returncode == 3 and "nope" in one_line_error(p)


def test_attributes_text_and_refusals(tmp_path: Path, shared_file: Callable[[str], Path]) -> None:
    bank = str(shared_file("bank_marketing/bank.csv"))
    home = tmp_path / "ws"
    args = ["segment", "attributes", bank, "--target", "deposit", "--column", "age"]
    p = run(args, home, SOCIALOPS_LANG="ko")
    assert p.returncode == 0, p.stderr
    assert "60대" in p.stdout and "높음 (유의)" in p.stdout and "고객 수 부족" in p.stdout
    p = run([*args, "--json", "--bins", "age=30,60"], home)
    groups = json.loads(p.stdout)["attributes"][0]["groups"]
    assert [g["value"] for g in groups] == ["< 30", "[30, 60)", "≥ 60"]
    p = run(["segment", "attributes", bank, "--target", "y"], home, SOCIALOPS_LANG="en")
    assert p.returncode == 2 and "no column 'y'" in one_line_error(p)
    p = run(["segment", "model", bank, "--target", "job"], home, SOCIALOPS_LANG="en")
    assert p.returncode == 3 and "--positive" in one_line_error(p)
    p = run([*args, "--bins", "age=x"], home)
    assert p.returncode == 2 and one_line_error(p)
    p = run(["segment", "import-customers", bank, "-p", "bank-marketing", "--json"], home)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["imported"] == 11162

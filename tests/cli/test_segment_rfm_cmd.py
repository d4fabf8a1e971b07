"""``socialops segment rfm | value | import-transactions`` as a user runs them: CDNOW's segments
adding up and saved, the movement, Korean and English output, customer value as CSV, one-line
errors on bad input. The commands run in this process through the CLI's own ``main`` (a
subprocess costs seconds each); one refusal runs as a real subprocess."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.cli.cli_inproc import run_main as run
from tests.cli.cli_run import one_line_error
from tests.cli.cli_run import run as run_process

from socialops.segment.store import segment_members
from socialops.store.workspace import Workspace

KOREAN = "고객번호,주문일,금액\n" + "".join(
    f"K{i},2024-0{1 + i % 6}-1{i % 9},{1000 * (1 + i)}\n" for i in range(12)
)


def test_rfm_cdnow_json_save_and_compare(
    tmp_path: Path, shared_file: Callable[[str], Path]
) -> None:
    path = shared_file("cdnow/CDNOW_master.txt")
    home = tmp_path / "home"
    args = ["segment", "rfm", str(path), "--preset", "cdnow", "--json"]
    p = run([*args, "--save", "cdnow", "--compare-to", "1998-01-01"], home)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["as_of"] == "1998-07-01" and out["customer_count"] == 23_570
    assert sum(s["count"] for s in out["summary"]) == 23_570
    assert {s["segment"] for s in out["summary"]} >= {"champions", "at_risk", "hibernating"}
    mv = out["movement"]
    assert mv["up"] + mv["down"] + mv["same"] == 23_570
    assert len(out["saved"]) == 11 and "cdnow/champions" in out["saved"]
    champions = next(s["count"] for s in out["summary"] if s["segment"] == "champions")
    ws = Workspace.open(home, create=False)
    assert sum(1 for _ in segment_members(ws, "cdnow/champions")) == champions


def test_rfm_korean_and_english_output(tmp_path: Path) -> None:
    src = tmp_path / "주문.csv"
    src.write_bytes(KOREAN.encode("cp949"))
    ko = run(["segment", "rfm", str(src)], tmp_path / "home", SOCIALOPS_LANG="ko")
    assert ko.returncode == 0, ko.stderr
    assert "RFM 세그먼트" in ko.stdout and "고객 12명" in ko.stdout
    assert "5분위 점수가 거칩니다" in ko.stdout  # 12 customers: a stated caveat
    assert "champions" not in ko.stdout  # the reader's words, never the keys
    en = run(["segment", "rfm", str(src)], tmp_path / "home", SOCIALOPS_LANG="en")
    assert en.returncode == 0, en.stderr
    assert "12 customers" in en.stdout and "quintile scores are coarse" in en.stdout


def test_bad_input_is_one_line(tmp_path: Path) -> None:
    src = tmp_path / "t.csv"
    src.write_text(KOREAN)
    home = tmp_path / "home"
    p = run(["segment", "rfm", str(src), "--as-of", "yesterday"], home, SOCIALOPS_LANG="en")
    assert p.returncode == 2 and "is not a date" in one_line_error(p)
    # the one real process: the exit status and a lone stderr line as a shell sees them
    p = run_process(["segment", "rfm", str(src), "--preset", "nope"], home, SOCIALOPS_LANG="en")
    assert p.returncode == 2 and "Unknown transactions preset" in one_line_error(p)
    # twelve customers who each bought once: no repeat-purchase model, an error not a number
    p = run(["segment", "value", str(src)], home, SOCIALOPS_LANG="en")
    assert p.returncode == 3 and "too few to fit" in one_line_error(p)


@pytest.mark.slow  # 69,659 rows imported and a BG/NBD fit: seconds of real work
def test_import_then_value_from_the_workspace(
    tmp_path: Path, shared_file: Callable[[str], Path]
) -> None:
    path = shared_file("cdnow/CDNOW_master.txt")
    home = tmp_path / "home"
    p = run(["segment", "import-transactions", str(path), "--preset", "cdnow", "--json"], home)
    assert p.returncode == 0, p.stderr
    res = json.loads(p.stdout)
    assert res["rows_read"] == res["imported"] == 69_659 and res["quarantined"] == 0
    out = tmp_path / "value.csv"
    p = run(["segment", "value", "--horizon-days", "180", "--out", str(out), "--json"], home)
    assert p.returncode == 0, p.stderr
    val = json.loads(p.stdout)
    assert val["summary"]["customers"] == 23_570 and len(val["top"]) == 10
    assert val["bgnbd"]["r"] > 0 and val["gamma_gamma"]["q"] > 1
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 23_570
    assert sum(float(r["clv"]) for r in rows) == pytest.approx(
        val["summary"]["total_clv"], rel=1e-4
    )

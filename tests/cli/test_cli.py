"""The command line as a user meets it: real subprocesses and files, exit codes, one-line errors."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_run import one_line_error, run


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (["import", "/no/such/file.csv", "--preset", "generic"], 2, "No such file"),
        (["stats"], 3, "There is no workspace"),
        (["enrich"], 3, "There is no workspace"),
        (["quarantine"], 3, "There is no workspace"),
    ],
)
def test_bad_input_gets_one_clear_line(
    tmp_path: Path, args: list[str], code: int, needle: str
) -> None:
    p = run(args, tmp_path / "ws")
    assert p.returncode == code
    assert needle in one_line_error(p)


def test_unknown_preset_lists_the_known_ones(tmp_path: Path) -> None:
    f = tmp_path / "a.csv"
    f.write_text("id,text\n1,hello\n", encoding="utf-8")
    p = run(["import", str(f), "--preset", "nope"], tmp_path / "ws")
    assert p.returncode == 2
    line = one_line_error(p)
    assert "nope" in line and "airline-tweets" in line


def test_undecodable_file(tmp_path: Path) -> None:
    f = tmp_path / "bin.csv"
    f.write_bytes(bytes(range(256)) * 40)
    p = run(["import", str(f), "--preset", "generic"], tmp_path / "ws")
    assert p.returncode != 0
    one_line_error(p)


def test_unknown_engine(tmp_path: Path) -> None:
    f = tmp_path / "a.csv"
    f.write_text("id,text,created_at\n1,hello there,2026-01-01 10:00\n", encoding="utf-8")
    home = tmp_path / "ws"
    assert run(["import", str(f), "--preset", "generic"], home).returncode == 0
    p = run(["enrich", "--engine", "oracle"], home)
    assert p.returncode == 2
    assert "duckdb" in one_line_error(p)


def test_import_enrich_stats_on_real_airline_tweets(
    tmp_path: Path, shared_file: Callable[[str], Path]
) -> None:
    home = tmp_path / "ws"
    src = shared_file("airline_tweets/Tweets.csv")
    p = run(
        ["import", str(src), "--preset", "airline-tweets", "--topic", "airlines", "--json"], home
    )
    assert p.returncode == 0, p.stderr
    r = json.loads(p.stdout)
    assert r["rows_read"] == 14640
    assert r["rows_read"] == r["imported"] + r["duplicates"] + r["quarantined"]
    # importing the same file again adds nothing
    r2 = json.loads(run(["import", str(src), "--preset", "airline-tweets", "--json"], home).stdout)
    assert r2["imported"] == 0 and r2["duplicates"] == r["imported"] + r["duplicates"]

    p = run(["enrich", "--json"], home)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["rows"] == r["imported"]

    p = run(["stats", "--json"], home)
    assert p.returncode == 0, p.stderr
    s = json.loads(p.stdout)
    assert s["totals"]["posts"] == r["imported"]
    langs = {row["lang"]: row["posts"] for row in s["languages"]}
    assert langs["en"] > 0.9 * r["imported"]
    sent = s["sentiment"]
    assert sent["negative"] > sent["positive"]  # the airline data set is mostly complaints
    kws = [k["keyword"] for k in s["top_keywords"]]
    assert "flight" in kws

    p = run(["quarantine", "--json"], home)
    assert p.returncode == 0
    assert len(json.loads(p.stdout)) == r["quarantined"]


def test_sentiment_command_writes_utf8_bom_csv(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_bytes(
        "id,comment\n1,정말 최고의 서비스였어요 감사합니다\n2,최악이에요 다시는 안 삽니다\n"
        "3,I love it\n4,\n".encode("cp949")
    )
    out = tmp_path / "out.csv"
    p = run(
        ["sentiment", str(src), "--text-column", "comment", "--out", str(out), "--json"],
        tmp_path / "ws",
    )
    assert p.returncode == 0, p.stderr
    summary = json.loads(p.stdout)
    assert summary["encoding"] in ("cp949", "euc_kr", "euc-kr")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert [r["id"] for r in rows] == ["1", "2", "3", "4"]
    assert rows[0]["sentiment"] == "positive" and rows[1]["sentiment"] == "negative"
    assert rows[2]["sentiment"] == "positive"
    assert rows[3]["sentiment"] == "" and summary["counts"]["none"] == 1
    assert -1.0 <= float(rows[1]["sentiment_score"]) < 0


def test_sentiment_command_unknown_column(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("id,body\n1,hello\n", encoding="utf-8")
    p = run(
        ["sentiment", str(src), "--text-column", "text", "--out", str(tmp_path / "o.csv")],
        tmp_path / "ws",
    )
    assert p.returncode == 2
    assert "body" in one_line_error(p)
    assert not (tmp_path / "o.csv").exists()


def test_progress_is_plain_lines_when_stderr_is_not_a_terminal(
    tmp_path: Path, shared_file: Callable[[str], Path]
) -> None:
    """In a log or a pipe (``make start > log``, CI) progress still shows, as plain lines."""
    p = run(["import", str(shared_file("kote/val.tsv")), "--preset", "kote"], tmp_path / "ws")
    assert p.returncode == 0, p.stderr
    assert re.search(r"^import val\.tsv: [\d,]+ / [\d,]+ \(100%\)$", p.stderr, re.M), p.stderr

"""``socialops triage FILE``: end to end as a user runs it (a real subprocess)."""

from __future__ import annotations

import csv
from pathlib import Path

from tests.cli.cli_run import one_line_error, run

ROWS = [
    ("1", "카드를 분실했어요. 빨리 정지해 주세요"),
    ("2", "배송이 일주일째 안 와요. 도대체 언제 오나요?"),
    ("3", "상담원분이 정말 친절하셨어요. 감사합니다"),
    ("4", "How do I change my PIN?"),
    ("5", ""),
]


def _write(path: Path, encoding: str) -> None:
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "본문"])
        w.writerows(ROWS)


def _read(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_triage_cp949_file(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    _write(src, "cp949")
    out = tmp_path / "out.csv"
    p = run(
        ["triage", str(src), "--text-column", "본문", "--out", str(out), "--taxonomy", "banking"],
        tmp_path / "home",
    )
    assert p.returncode == 0, p.stderr
    rows = _read(out)
    assert [r["id"] for r in rows] == ["1", "2", "3", "4", "5"]
    assert rows[0]["본문"] == ROWS[0][1]  # decoded from CP949
    assert list(rows[0])[2:] == [
        "intent",
        "speech_act",
        "needs_reply",
        "urgency",
        "category",
        "sentiment",
        "sentiment_score",
    ]
    assert rows[0]["urgency"] == "urgent"
    assert rows[0]["category"] == "카드 분실/도난"
    assert rows[0]["needs_reply"] == "true"
    assert rows[1]["intent"] == "complaint"
    assert rows[2]["intent"] == "praise" and rows[2]["needs_reply"] == "false"
    assert rows[3]["intent"] == "inquiry" and rows[3]["category"] == "change_pin"
    assert -1.0 <= float(rows[1]["sentiment_score"]) < 0
    assert rows[4]["intent"] == "" and rows[4]["sentiment"] == ""


def test_triage_bad_column_and_missing_file(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    _write(src, "utf-8")
    out = tmp_path / "out.csv"
    p = run(["triage", str(src), "--text-column", "text", "--out", str(out)], tmp_path / "h")
    assert p.returncode == 2
    line = one_line_error(p)
    assert "'text'" in line and "본문" in line
    assert not out.exists()
    p = run(
        ["triage", str(tmp_path / "nope.csv"), "--text-column", "본문", "--out", str(out)],
        tmp_path / "h",
    )
    assert p.returncode == 2
    assert "nope.csv" in one_line_error(p)
    p = run(
        ["triage", str(src), "--text-column", "본문", "--out", str(out), "--taxonomy", "x"],
        tmp_path / "h",
        SOCIALOPS_LANG="en",
    )
    assert p.returncode == 2
    assert "Unknown taxonomy 'x'" in one_line_error(p)

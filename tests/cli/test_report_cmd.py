"""``socialops report`` as a user runs it: hostile post text, exports, bad input."""

from __future__ import annotations

import csv
import re
import subprocess
from pathlib import Path

import cli_run
import pytest
from cli_run import one_line_error
from openpyxl import load_workbook

from socialops.errors import DataError

XSS = "<script>alert(1)</script><img src=x onerror=alert(1)>"
DATA = DataError.exit_code
COMPLAINT = "고객센터 연락도 안되고 정말 최악이에요 다시는 주문 안 합니다"
FORMULA = '=HYPERLINK("http://evil.example","click")'


def run(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    return cli_run.run(args, home, SOCIALOPS_WORKERS="1")


@pytest.fixture(scope="module")
def hostile_ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace from a generic CSV whose posts and authors carry markup and formulas."""
    root = tmp_path_factory.mktemp("hostile")
    src = root / "posts.csv"
    rows = [["id", "text", "created_at", "author"]]
    for i in range(12):  # enough for association words, whose example posts carry the markup
        rows.append(
            [
                f"x{i}",
                f"배송 지연 때문에 환불 요청합니다 {i} {COMPLAINT} {XSS}",
                f"2024-03-0{1 + i % 3} 1{i % 10}:00",
                "<b>troll</b>",
            ]
        )
    rows += [
        [f"p{i}", f"배송이 빨라서 좋아요 {i}", f"2024-03-0{1 + i % 3} 09:00", "kim"]
        for i in range(6)
    ]
    rows.append(["f1", f"{FORMULA} 배송 문의", "2024-03-02 09:00", "lee"])
    rows.append(["s1", '배송은 괜찮음 "><svg onload=alert(2)>', "2024-03-02 12:00", "park"])
    rows += [[f"t{i}", f"택배 기사님 친절해요 {i}", "2024-03-03 08:00", "choi"] for i in range(3)]
    rows += [
        [f"b{i}", f"영화 정말 재미있어요 배우 연기 {i}", f"2024-03-0{1 + i % 3} 20:00", "yoon"]
        for i in range(20)
    ]
    with src.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    home = root / "ws"
    for args in (
        ["import", str(src), "--preset", "generic"],
        ["enrich"],
        ["topic", "add", "배송", "--query", "배송"],
        ["topic", "add", "<i>택배</i>", "--query", "택배 OR 포장", "--kind", "competitor"],
    ):
        p = run(args, home)
        assert p.returncode == 0, (args, p.stderr)
    return home


def test_hostile_post_text_is_never_live_markup(hostile_ws: Path, tmp_path: Path) -> None:
    out, xlsx, csv_dir = tmp_path / "r.html", tmp_path / "r.xlsx", tmp_path / "csv"
    p = run(
        [
            "report",
            "--topic",
            "배송",
            "--vs",
            "<i>택배</i>",
            "--from",
            "2024-03-01",
            "--to",
            "2024-03-03",
            "--out",
            str(out),
            "--xlsx",
            str(xlsx),
            "--csv",
            str(csv_dir),
        ],
        hostile_ws,
    )
    assert p.returncode == 0, p.stderr
    assert str(out) in p.stdout
    html = out.read_text(encoding="utf-8")
    low = html.lower()
    for live in ("<script", "<img", "<b>troll", "<i>택배", "<svg onload"):
        assert live not in low, live
    assert not re.search(r"<[a-z][^<>]*\son\w+\s*=", low)  # no tag with an event handler
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown, as text
    assert "&lt;i&gt;택배&lt;/i&gt;" in html
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert "<h2>요약</h2>" in html and "<svg" in html  # Korean by default
    # the exports keep the text but never as a formula: in XLSX a string cell with Excel's
    # quote prefix, in CSV a leading '
    wb = load_workbook(xlsx)
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in cells)
    risky = [c for c in cells if isinstance(c.value, str) and c.value.startswith("=")]
    assert all(c.data_type == "s" and c.quotePrefix for c in risky)
    for f in csv_dir.glob("*.csv"):
        raw = f.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        for row in csv.reader(f.open(encoding="utf-8-sig")):
            assert not any(v.startswith("=") for v in row), (f, row)
    summary = list(csv.reader((csv_dir / "summary.csv").open(encoding="utf-8-sig")))
    assert [r[0] for r in summary[1:]] == ["배송", "<i>택배</i>"]
    assert [r[2] for r in summary[1:]] == ["20", "3"]


def test_english_labels(hostile_ws: Path, tmp_path: Path) -> None:
    out = tmp_path / "en.html"
    p = run(["report", "--topic", "배송", "--lang", "en", "--out", str(out)], hostile_ws)
    assert p.returncode == 0, p.stderr
    html = out.read_text(encoding="utf-8")
    assert '<html lang="en">' in html and "<h2>Summary</h2>" in html
    assert "<h2>Share of voice</h2>" in html


@pytest.mark.parametrize(
    ("extra", "code", "needle"),
    [
        (["--from", "1999-01-01", "--to", "1999-01-31"], DATA, "No posts between 1999-01-01"),
        (["--lang", "fr"], 2, "use ko or en"),
        (["--vs", "배송"], 2, "named twice"),
        (["--vs", "nope"], 2, "nope"),
        (["--from", "yesterday"], 2, "YYYY-MM-DD"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    hostile_ws: Path, tmp_path: Path, extra: list[str], code: int, needle: str
) -> None:
    out = tmp_path / "r.html"
    p = run(["report", "--topic", "배송", "--out", str(out), *extra], hostile_ws)
    assert p.returncode == code, p.stderr
    assert needle in one_line_error(p)
    assert list(tmp_path.iterdir()) == []


def test_topic_without_matches_in_range(hostile_ws: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    p = run(
        ["report", "--topic", "<i>택배</i>", "--from", "2024-03-01", "--to", "2024-03-02",
         "--out", str(out)],
        hostile_ws,
    )  # fmt: skip
    assert p.returncode == DATA
    assert "match topic <i>택배</i>" in one_line_error(p)
    assert not out.exists()

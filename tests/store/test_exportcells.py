"""Every CSV and XLSX file socialops writes neutralises formula-like text (CSV/formula injection)
and keeps numbers as numbers: the shared cell helper, ``socialops sentiment`` run as a user runs
it, the listening tables' CSV and XLSX, and the plan workbook's cells."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from socialops.listen.export import write_csv_dir, write_xlsx
from socialops.listen.scope import ResultTable
from socialops.store.exportcells import (
    FORMULA_PREFIXES,
    cell_value,
    csv_cell,
    csv_text,
    put_xlsx,
)

HOSTILE = [
    '=HYPERLINK("http://evil.example","click")',
    "@SUM(1)",
    "-2+3",
    "+1+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
PLAIN = ["정말 최고의 서비스였어요", "great service", "a=b", "1+1"]
NUMBERS = ["-3", "+1", "-0.25", "12", "-2e3", ".5"]  # spreadsheets read these as numbers


def test_csv_text_neutralises_formulas_only() -> None:
    assert [csv_text(t) for t in HOSTILE] == ["'" + t for t in HOSTILE]
    assert [csv_text(t) for t in PLAIN] == PLAIN
    assert [csv_text(t) for t in NUMBERS] == NUMBERS
    assert csv_text("=1\x00+\x071") == "'=1+1"  # control characters dropped
    assert cell_value(-3) == -3 and cell_value(-0.5) == -0.5  # numbers stay numbers
    assert cell_value(None) is None and csv_cell(None) == ""
    assert cell_value(True) == "true"
    assert cell_value(["=a", "b"]) == "'=a, b"
    assert cell_value({"k": "=x"}) == '{"k": "=x"}'


def test_xlsx_cells_are_never_formulas() -> None:
    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    values: list[object] = [*HOSTILE, *PLAIN, -3, 0.25, None, date(2024, 3, 1), "bad\x01char"]
    for i, v in enumerate(values, 1):
        put_xlsx(sheet.cell(row=i, column=1), v)
    buf = io.BytesIO()
    wb.save(buf)
    back = load_workbook(io.BytesIO(buf.getvalue())).active
    assert back is not None
    cells = [back.cell(row=i, column=1) for i in range(1, len(values) + 1)]
    n = len(HOSTILE)
    # the text as it is (XML reads a carriage return back as a line feed)
    assert [c.value for c in cells[:n]] == [t.replace("\r", "\n") for t in HOSTILE]
    assert all(c.data_type == "s" and c.quotePrefix for c in cells[:n])
    assert not any(c.quotePrefix for c in cells[n : n + len(PLAIN)])
    assert [c.value for c in cells[n + len(PLAIN) : n + len(PLAIN) + 3]] == [-3, 0.25, None]
    assert cells[-2].value.date() == date(2024, 3, 1) and cells[-1].value == "badchar"


@pytest.mark.slow
def test_sentiment_command_writes_no_formula(tmp_path: Path) -> None:
    """``socialops sentiment`` (a real subprocess) on a file whose texts, a header and a column
    of counts start with formula characters: the text cells are neutralised, numbers are not."""
    src = tmp_path / "in.csv"
    texts = [*HOSTILE, *PLAIN]
    likes = ["-3", "12", "-0.5", "+7", "0", "-1", "5", "-2", "3", "4"]
    with src.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "text", "likes", "=note"])
        for i, (t, n) in enumerate(zip(texts, likes, strict=True)):
            w.writerow([str(i), t, n, "@x" if i % 2 else "ok"])
    out = tmp_path / "out.csv"
    args = ["sentiment", str(src), "--text-column", "text", "--out", str(out), "--json"]
    p = subprocess.run(
        [sys.executable, "-m", "socialops", *args],
        env={**os.environ, "SOCIALOPS_HOME": str(tmp_path / "ws")},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["rows"] == len(texts)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["id", "text", "likes", "'=note", "sentiment", "sentiment_score"]
    body = rows[1:]
    assert [r[1] for r in body] == ["'" + t for t in HOSTILE] + PLAIN
    assert [r[2] for r in body] == likes  # a column of numbers is unchanged
    assert [r[3] for r in body] == ["'@x" if i % 2 else "ok" for i in range(len(texts))]
    scores = [r[5] for r in body if r[5]]
    assert scores and all(isinstance(float(s), float) for s in scores)  # numbers, no quote
    assert any(s.startswith("-") for s in scores)  # negative scores stay numbers too
    numbers = {*likes, *scores}
    for r in body:  # nothing else starts like a formula
        assert not any(c.startswith(FORMULA_PREFIXES) and c not in numbers for c in r), r


def test_listening_tables_csv_and_xlsx(tmp_path: Path) -> None:
    table = ResultTable(
        "examples",
        "Example posts",
        ["post_id", "text", "net", "=col"],
        [[str(i), t, i / 4 - 0.5, None] for i, t in enumerate([*HOSTILE, *PLAIN])],
    )
    (path,) = write_csv_dir([table], tmp_path / "csv")
    rows = list(csv.reader(path.open(encoding="utf-8-sig", newline="")))
    assert rows[0] == ["post_id", "text", "net", "'=col"]
    assert [r[1] for r in rows[1:]] == ["'" + t for t in HOSTILE] + PLAIN
    assert [float(r[2]) for r in rows[1:]] == [i / 4 - 0.5 for i in range(len(rows) - 1)]
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    write_xlsx([table], tmp_path / "t.xlsx")
    sheet = load_workbook(tmp_path / "t.xlsx").worksheets[0]  # named after its title
    head = [c for c in sheet[1]]
    assert head[3].value == "=col" and head[3].quotePrefix and head[3].data_type == "s"
    texts = [sheet.cell(row=r, column=2) for r in range(2, sheet.max_row + 1)]
    assert [c.value for c in texts] == [t.replace("\r", "\n") for t in [*HOSTILE, *PLAIN]]
    assert all(c.quotePrefix for c in texts[: len(HOSTILE)])
    assert not any(c.quotePrefix for c in texts[len(HOSTILE) :])
    assert [sheet.cell(row=r, column=3).value for r in range(2, sheet.max_row + 1)] == [
        i / 4 - 0.5 for i in range(len(texts))
    ]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)

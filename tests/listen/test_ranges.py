"""Values out of range (issue 12, item 5) and Parquet binary text: one bad value costs its own
row (quarantine reason ``out_of_range``, or ``encoding``), never the batch or the import."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialops.domain.post import POST_SCHEMA
from socialops.errors import SocialopsError
from socialops.listen.ingest import ImportResult, import_file, list_quarantine
from socialops.store.workspace import Workspace

INT64_MAX = 2**63 - 1  # the type of every count in POST_SCHEMA


def _adds_up(r: ImportResult) -> None:
    assert r.rows_read == r.imported + r.duplicates + r.quarantined


def _reasons(ws: Workspace) -> dict[int, str]:
    return {q["row"]: q["reason"] for q in list_quarantine(ws, limit=None)}


def _posts(ws: Workspace) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for part in ws.committed_raw_parts():
        t = pq.read_table(ws.raw_path(part))
        assert t.schema.equals(POST_SCHEMA)
        out.update((r["post_id"], r) for r in t.to_pylist())
    return out


def test_issue_reproduction_cli(tmp_path: Path) -> None:
    """The issue's command: row 1 (likes 99999999999999999999) quarantined, row 2 imported,
    exit 0 (it was exit 70 and nothing imported), and a rerun adds up the same way."""
    (tmp_path / "o.csv").write_bytes(
        b"id,text,created_at,likes\n1,a,2024-01-01,99999999999999999999\n2,b,2024-01-01,3\n"
    )
    env = {**os.environ, "SOCIALOPS_HOME": str(tmp_path / "home"), "COLUMNS": "200"}
    cmd = [sys.executable, "-m", "socialops", "import", "o.csv"]
    p = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert "rows read 2 = imported 1 + duplicates 0 + quarantined 1" in p.stdout, p.stdout
    assert "out_of_range 1" in p.stdout
    again = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert "rows read 2 = imported 0 + duplicates 1 + quarantined 1" in again.stdout
    ws = Workspace.open(tmp_path / "home")
    assert _reasons(ws) == {1: "out_of_range"}
    assert _posts(ws)["2"]["likes"] == 3


def test_counts_and_dates_out_of_range(workspace: Workspace, tmp_path: Path) -> None:
    p = tmp_path / "r.csv"
    p.write_text(
        "id,text,created_at,likes\n"
        "1,a,2024-01-01,1e30\n"  # 1 out_of_range (was OverflowError, exit 70)
        "2,b,2024-01-01,inf\n"  # 2 out_of_range
        "3,c,2024-01-01,-4\n"  # 3 out_of_range: a count is never negative
        "4,d,2024-01-01,99999999999999999999\n"  # 4 out_of_range
        f"5,e,2024-01-01,{INT64_MAX}\n"  # 5 the largest int64: kept
        "6,f,9999-12-31T23:00:00Z,1\n"  # 6 out_of_range (enrichment overflowed on it)
        "7,g,1800-01-01,1\n"  # 7 out_of_range
        "8,h,2024-01-01,nan\n"  # 8 bad_number, as before
        "9,i,2199-12-31T23:59:59Z,0\n"  # 9 kept
        "10,j,1900-01-01T00:00:00Z,1e3\n",  # 10 kept (1e3 is a whole number)
        encoding="utf-8",
    )
    r = import_file(workspace, p)
    _adds_up(r)
    assert (r.imported, r.quarantined) == (3, 7)
    assert r.quarantine_reasons == {"bad_number": 1, "out_of_range": 6}
    assert _reasons(workspace) == {
        1: "out_of_range",
        2: "out_of_range",
        3: "out_of_range",
        4: "out_of_range",
        6: "out_of_range",
        7: "out_of_range",
        8: "bad_number",
    }
    posts = _posts(workspace)
    assert posts["5"]["likes"] == INT64_MAX and posts["10"]["likes"] == 1000
    assert posts["9"]["created_at"] == datetime(2199, 12, 31, 23, 59, 59, tzinfo=UTC)
    details = {q["row"]: q["detail"] for q in list_quarantine(workspace, limit=None)}
    assert "negative" in details[3] and "infinite" in details[2]
    assert "1900-01-01 to 2199-12-31" in details[6]


def test_parquet_uint64_past_int64(workspace: Workspace, tmp_path: Path) -> None:
    p = tmp_path / "u.parquet"
    likes = pa.array([2**64 - 1, 5, 2**63, 2**63 - 1], type=pa.uint64())
    pq.write_table(
        pa.table(
            {
                "id": ["a", "b", "c", "d"],
                "text": ["t"] * 4,
                "created_at": ["2024-01-01"] * 4,
                "likes": likes,
            }
        ),
        p,
    )
    r = import_file(workspace, p)
    _adds_up(r)
    assert (r.imported, r.quarantine_reasons) == (2, {"out_of_range": 2})
    assert _reasons(workspace) == {1: "out_of_range", 3: "out_of_range"}
    assert {k: v["likes"] for k, v in _posts(workspace).items()} == {"b": 5, "d": 2**63 - 1}


def test_parquet_timestamp_past_year_9999(workspace: Workspace, tmp_path: Path) -> None:
    """A timestamp Python cannot hold made the whole batch unreadable; now only its row."""
    p = tmp_path / "ts.parquet"
    ts = pa.array([2**60, 1_700_000_000_000], type=pa.timestamp("ms"))
    pq.write_table(pa.table({"id": ["far", "now"], "text": ["a", "b"], "created_at": ts}), p)
    r = import_file(workspace, p)
    _adds_up(r)
    assert (r.imported, r.quarantine_reasons) == (1, {"out_of_range": 1})
    assert set(_posts(workspace)) == {"now"}


def test_parquet_binary_text_is_utf8(workspace: Workspace, tmp_path: Path) -> None:
    """A binary column is text in UTF-8 (it was stored as its repr, "b'ok'"); bytes that are not
    UTF-8 quarantine their row (``encoding``)."""
    p = tmp_path / "b.parquet"
    text = pa.array([b"ok", b"\xff\xfe", "한글".encode()], type=pa.binary())
    note = pa.array([b"n1", b"n2", b"n3"], type=pa.large_binary())
    pq.write_table(
        pa.table(
            {"id": ["1", "2", "3"], "text": text, "created_at": ["2024-01-01"] * 3, "note": note}
        ),
        p,
    )
    r = import_file(workspace, p)
    _adds_up(r)
    assert (r.imported, r.quarantine_reasons) == (2, {"encoding": 1})
    posts = _posts(workspace)
    assert posts["1"]["text"] == "ok" and posts["3"]["text"] == "한글"
    assert posts["1"]["extra"] == '{"note": "n1"}'
    q = list_quarantine(workspace)[0]
    assert q["row"] == 2 and "not UTF-8" in q["detail"]


def test_jsonl_lone_surrogate_costs_its_row(workspace: Workspace, tmp_path: Path) -> None:
    r"""JSON may escape a lone surrogate (\ud800), which Arrow cannot store: the batch is kept,
    that row quarantined."""
    p = tmp_path / "s.jsonl"
    p.write_text(
        '{"id": "1", "text": "\\ud800 x", "created_at": "2024-01-01"}\n'
        '{"id": "2", "text": "fine", "created_at": "2024-01-01"}\n',
        encoding="utf-8",
    )
    r = import_file(workspace, p)
    _adds_up(r)
    assert (r.imported, r.quarantine_reasons) == (1, {"encoding": 1})
    assert set(_posts(workspace)) == {"2"}


@pytest.mark.slow
def test_large_file_keeps_every_other_row(workspace: Workspace, tmp_path: Path) -> None:
    """120,000 rows with two out-of-range counts in the middle (the issue lost 19,999 rows)."""
    p = tmp_path / "big.csv"
    bad = {60_000: "1e30", 100_000: "99999999999999999999"}
    with p.open("w", encoding="utf-8") as f:
        f.write("id,text,created_at,likes\n")
        for i in range(1, 120_001):
            f.write(f"{i},post {i},2024-01-01 10:00,{bad.get(i, i % 50)}\n")
    r = import_file(workspace, p)
    _adds_up(r)
    assert (r.rows_read, r.imported, r.quarantined) == (120_000, 119_998, 2)
    assert _reasons(workspace) == {60_000: "out_of_range", 100_000: "out_of_range"}


_numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["1e30", "-1e30", "inf", "1e400", "9" * 30, "", " 12 ", "1,000", "0x10"]),
)
_dates = st.one_of(
    st.datetimes().map(lambda d: d.isoformat()),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.sampled_from(["0001-01-01", "9999-12-31T23:59:59Z", "1899-12-31", "2200-01-01", "x"]),
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.tuples(_numbers, _dates), min_size=1, max_size=8))
def test_any_count_or_date_costs_at_most_its_row(rows: list[tuple[str, str]]) -> None:
    """Whatever the counts and dates, the import finishes, adds up, and keeps every row whose
    values are in range."""
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "f.csv"
        body = "".join(f'{i},t,"{date}","{n}"\n' for i, (n, date) in enumerate(rows, start=1))
        p.write_text("id,text,created_at,likes\n" + body, encoding="utf-8")
        ws = Workspace.open(Path(d) / "ws")
        try:
            r = import_file(ws, p)
        except SocialopsError as exc:  # pragma: no cover - a file-level refusal is allowed
            pytest.fail(f"the whole import failed: {exc.message}")
        _adds_up(r)
        assert r.imported + r.quarantined == len(rows)

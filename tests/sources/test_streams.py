"""The import streams through the one reader stack, on both databases: the registry, counts that
add up for every stream (in the result and in the ledger), bad rows of every stream kept in the
quarantine with file, row and reason, and metrics files in any encoding the readers detect."""

from __future__ import annotations

import codecs
import gzip
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from socialops.errors import UnknownPresetError
from socialops.measure.metrics import conversion_rows, post_rows
from socialops.sources import ledger, streams
from socialops.sources.keyed import import_metrics
from socialops.sources.streams.posts import import_file
from socialops.store.workspace import Workspace


@pytest.fixture
def ws(database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    root = tmp_path / "ws"
    monkeypatch.setenv("SOCIALOPS_HOME", str(root))
    yield Workspace.open(root)


def _ledger_row(ws: Workspace, import_id: str) -> dict[str, Any]:
    (row,) = [r for r in ledger.list_imports(ws) if r["import_id"] == import_id]
    return row


def _quarantine(ws: Workspace, import_id: str) -> dict[int, str]:
    return {q["row"]: q["reason"] for q in ledger.list_quarantine(ws, None, import_id)}


def test_the_registry_names_every_stream() -> None:
    found = streams.streams()
    assert set(found) == {
        "posts",
        "post_metrics",
        "conversions",
        "inbox_messages",
        "outcomes",
        "transactions",
        "customers",
    }
    assert found["inbox_messages"].key == ("source", "remote_id")
    assert found["posts"].on_repeat == "duplicate" and found["posts"].key == ("platform", "post_id")
    assert found["post_metrics"].on_repeat == "update"
    assert found["conversions"].key == ("date", "utm_source", "utm_medium", "utm_campaign")
    assert "facebook-metrics" in found["post_metrics"].presets()
    assert found["conversions"].presets() == ["conversions"]
    assert "nsmc-reviews" in found["posts"].presets()
    assert all(s.bad_rows == "quarantine" for s in found.values())
    with pytest.raises(UnknownPresetError) as info:
        streams.get("no-such-stream")
    assert info.value.code == "sources.unknown_stream"
    assert "posts" in info.value.text("en") and "스트림" in info.value.text("ko")


STRAY_QUOTE = (
    "date,campaign,conversions,revenue\n"
    "2024-03-01,spring,1,100\n"
    '2024-03-02,"spring,2,200\n'  # a quote that never closes
    "2024-03-03,spring,3,300\n"
    "2024-03-04,spring,4,400\n"
    "2024-03-05,spring,5,500\n"
)


def test_a_stray_quote_in_a_metrics_csv_costs_its_own_line(ws: Workspace, tmp_path: Path) -> None:
    # the old whole-file reader let the quote swallow every later line into one field
    p = tmp_path / "conv.csv"
    p.write_text(STRAY_QUOTE, encoding="utf-8")
    res = import_metrics(ws, p, "conversions")
    assert (res.rows_read, res.imported, res.updated, res.rejected) == (5, 4, 0, 1)
    assert res.quarantined == 1 and res.reasons == {"unclosed_quote": 1}
    assert res.rejects[0]["line"] == 3 and res.rejects[0]["reason"] == "unclosed_quote"
    assert [r["date"] for r in conversion_rows(ws, "spring")] == [
        "2024-03-01",
        "2024-03-03",
        "2024-03-04",
        "2024-03-05",
    ]
    (q,) = ledger.list_quarantine(ws, None, res.import_id)
    assert q["file"] == "conv.csv" and q["row"] == 2 and q["reason"] == "unclosed_quote"
    assert '"spring,2,200' in q["raw"]


POSTS_KO = (
    "채널,게시물ID,게시일시,도달,노출,댓글,좋아요,공유\n"
    "인스타그램,ig-1,2024-03-01 21:30,1000,1500,10,100,5\n"
    "페이스북,fb-1,2024-03-02,500,800,1,2,3\n"
    "페이스북,fb-2,다음 주,1,1,1,1,1\n"
)


@pytest.mark.parametrize(
    "encoding, expected",
    [
        ("cp949", "cp949"),
        ("euc-kr", "cp949"),  # EUC-KR is read as its superset
        ("utf-16", "utf-16"),  # Excel's "Unicode text" (with its BOM)
        ("utf-8-sig", "utf-8-sig"),
    ],
)
def test_metrics_files_in_korean_and_wide_encodings(
    ws: Workspace, tmp_path: Path, encoding: str, expected: str
) -> None:
    p = tmp_path / "게시물.csv"
    p.write_bytes(POSTS_KO.encode(encoding))
    res = import_metrics(ws, p, "post-metrics")
    assert res.encoding == expected
    assert (res.rows_read, res.imported, res.rejected, res.quarantined) == (3, 2, 1, 1)
    assert res.reasons == {"bad_date": 1}
    rows = {r["post_id"]: r for r in post_rows(ws)}
    assert rows["ig-1"]["channel"] == "instagram" and rows["fb-1"]["channel"] == "facebook"
    assert rows["ig-1"]["published_at"] == "2024-03-01T12:30:00+00:00"
    assert _quarantine(ws, res.import_id) == {3: "bad_date"}


def test_a_utf16_tab_separated_gzip_metrics_file(ws: Workspace, tmp_path: Path) -> None:
    p = tmp_path / "export.tsv.gz"
    body = POSTS_KO.replace(",", "\t").encode("utf-16-le")
    p.write_bytes(gzip.compress(codecs.BOM_UTF16_LE + body))
    res = import_metrics(ws, p, "post-metrics")
    assert (res.encoding, res.delimiter) == ("utf-16", "\t")
    assert (res.imported, res.rejected) == (2, 1)


POSTS_CSV = (
    "id,text,created_at,likes\n"
    "1,first,2024-03-01 10:00,3\n"
    "2,second,2024-03-01 11:00,x\n"  # bad_number
    "1,again,2024-03-01 12:00,1\n"  # duplicate in the file
    "3,,2024-03-01 13:00,1\n"  # empty_text
    "4,fourth,2024-03-01 14:00,0\n"
)


def test_counts_add_up_for_posts(ws: Workspace, tmp_path: Path) -> None:
    p = tmp_path / "posts.csv"
    p.write_text(POSTS_CSV, encoding="utf-8")
    for run in range(2):
        res = import_file(ws, p, preset="generic", mapping={"platform": "x"})
        assert res.rows_read == res.imported + res.duplicates + res.quarantined == 5
        assert (res.imported, res.duplicates, res.quarantined) == (
            (2, 1, 2) if run == 0 else (0, 3, 2)
        )
        row = _ledger_row(ws, res.import_id)
        assert row["stream"] == "posts" and row["status"] == "done"
        assert (
            row["rows_read"]
            == row["imported"] + row["duplicates"] + row["updated"] + (row["quarantined"])
        )
        assert (row["rows_read"], row["imported"], row["duplicates"]) == (
            res.rows_read,
            res.imported,
            res.duplicates,
        )
    first = ledger.list_imports(ws, "posts")[0]["import_id"]
    # a bad row is kept once per file content, under the import that first met it
    assert _quarantine(ws, first) == {2: "bad_number", 4: "empty_text"}


CONV_CSV = (
    "date,campaign,conversions,revenue\n"
    "2024-03-01,spring,1,100\n"
    "2024-03-02,spring,many,200\n"  # bad_number
    "2024-03-01,spring,5,100\n"  # the same key again: duplicate
    "2024-03-03,spring\n"  # column_count
    "2024-03-04,spring,4,400\n"
)


@pytest.mark.parametrize("stream", ["post_metrics", "conversions"])
def test_counts_add_up_for_keyed_streams(ws: Workspace, tmp_path: Path, stream: str) -> None:
    p = tmp_path / f"{stream}.csv"
    if stream == "conversions":
        p.write_text(CONV_CSV, encoding="utf-8")
        preset, options = "conversions", {}
        bad = {2: "bad_number", 3: "duplicate", 4: "column_count"}
    else:
        p.write_text(POSTS_KO, encoding="utf-8")
        preset, options = "post-metrics", {"timezone": "UTC"}
        bad = {3: "bad_date"}
    results = [import_metrics(ws, p, preset, **options) for _ in range(2)]
    first, again = results
    good = first.rows_read - len(bad)
    assert (first.imported, first.updated) == (good, 0)
    assert (again.imported, again.updated) == (0, good)  # a re-import updates in place
    for res in results:
        assert res.kind == stream
        assert res.rows_read == res.imported + res.updated + res.rejected
        assert res.rejected == res.quarantined == len(bad)
        row = _ledger_row(ws, res.import_id)
        assert row["stream"] == stream and row["status"] == "done"
        assert (
            row["rows_read"]
            == row["imported"] + row["duplicates"] + row["updated"] + (row["quarantined"])
        )
        assert (row["imported"], row["updated"], row["rejected"], row["quarantined"]) == (
            res.imported,
            res.updated,
            res.rejected,
            res.quarantined,
        )
        assert row["rejects"] == res.rejects and row["options"] == res.options
    assert _quarantine(ws, first.import_id) == bad
    with ws.connect() as conn:
        stored = conn.execute(text(f"SELECT COUNT(*) FROM {stream}")).scalar_one()
    assert stored == good


def test_a_header_only_metrics_file_records_nothing(ws: Workspace, tmp_path: Path) -> None:
    from socialops.errors import PlanError

    p = tmp_path / "c.csv"
    p.write_text("date,campaign,conversions\n", encoding="utf-8")
    with pytest.raises(PlanError) as info:
        import_metrics(ws, p, "conversions")
    assert info.value.code == "metrics.empty"
    assert "\n" not in info.value.text("en") and info.value.text("ko") != info.value.text("en")
    assert ledger.list_imports(ws) == []

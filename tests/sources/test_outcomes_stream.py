"""The ``outcomes`` stream on both databases: a Korean CP949 wide file (one column per metric,
by region), a long file (metric and value columns), weekly ISO weeks, bad rows quarantined whole
with counts that add up in the result and the ledger, a re-import updating in place, and a file
of the wrong shape refused in one line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from socialops.errors import InputFileError, UnknownPresetError
from socialops.measure.outcomes import list_outcomes, load_series
from socialops.sources import ledger, streams
from socialops.sources.streams.outcomes import get_preset, import_outcomes
from socialops.store.workspace import Workspace

WIDE_KO = (
    "일자,지역,매출,주문수\n"
    '2024-03-01,서울,"1,200,000",31\n'
    "2024-03-01,부산,800000,20\n"
    "2024.03.02,서울,1300000,35\n"
    "2024-03-02,부산,,22\n"  # sales empty: only orders is stored for this row
    "2024-02-30,서울,1000,1\n"  # no such day
    "2024-03-03,서울,많음,3\n"  # not a number
    "2024-03-01,서울,5,5\n"  # key repeated in the file
    "2024-03-03,,100,3\n"  # region empty
)


@pytest.fixture
def ws(database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    root = tmp_path / "ws"
    monkeypatch.setenv("SOCIALOPS_HOME", str(root))
    yield Workspace.open(root)


def _stored(ws: Workspace) -> dict[tuple[str, str, str], tuple[str, float]]:
    with ws.connect() as conn:
        rows = conn.execute(text("SELECT metric, dimension, date, grain, value FROM outcomes"))
        return {(m, d, day): (g, float(v)) for m, d, day, g, v in rows}


def test_the_stream_is_registered() -> None:
    s = streams.get("outcomes")
    assert s.table == "outcomes" and s.key == ("metric", "dimension", "date")
    assert s.on_repeat == "update" and s.presets() == ["outcomes"]
    with pytest.raises(UnknownPresetError) as info:
        get_preset("sales-wide")
    assert info.value.code == "outcomes.unknown_preset" and "outcomes" in info.value.text("en")


def test_a_cp949_wide_file_with_korean_headers(ws: Workspace, tmp_path: Path) -> None:
    p = tmp_path / "매출.csv"
    p.write_bytes(WIDE_KO.encode("cp949"))
    res = import_outcomes(ws, p)
    assert res.encoding == "cp949" and res.layout == "wide" and res.grain == "day"
    assert (res.rows_read, res.imported, res.updated, res.quarantined) == (8, 4, 0, 4)
    assert res.values == 7 and res.metrics == ["orders", "sales"]
    assert res.reasons == {"bad_date": 1, "bad_number": 1, "duplicate": 1, "missing_value": 1}
    stored = _stored(ws)
    assert stored[("sales", "region:서울", "2024-03-01")] == ("day", 1_200_000.0)
    assert stored[("sales", "region:서울", "2024-03-02")] == ("day", 1_300_000.0)
    assert ("sales", "region:부산", "2024-03-02") not in stored
    assert stored[("orders", "region:부산", "2024-03-02")] == ("day", 22.0)
    assert len(stored) == 7
    row = next(r for r in ledger.list_imports(ws, "outcomes") if r["import_id"] == res.import_id)
    assert (row["rows_read"], row["imported"], row["updated"], row["quarantined"]) == (8, 4, 0, 4)
    kept = {q["row"]: q["reason"] for q in ledger.list_quarantine(ws, None, res.import_id)}
    assert sorted(kept.values()) == ["bad_date", "bad_number", "duplicate", "missing_value"]
    dup = next(r for r in res.rejects if r["reason"] == "duplicate")
    assert dup["line"] == 8 and "line 2" in dup["detail"]
    # again: every good row is an update, nothing is added
    again = import_outcomes(ws, p)
    assert (again.imported, again.updated, again.quarantined) == (0, 4, 4)
    assert _stored(ws) == stored
    listed = {(o["metric"], o["dimension"]): o for o in list_outcomes(ws)}
    assert listed[("sales", "region:서울")] == {
        "metric": "sales",
        "dimension": "region:서울",
        "grain": "day",
        "first": "2024-03-01",
        "last": "2024-03-02",
        "days": 2,
    }
    days, values, grain = load_series(ws, "sales", "region:서울")
    assert [d.isoformat() for d in days] == ["2024-03-01", "2024-03-02"]
    assert values == [1_200_000.0, 1_300_000.0] and grain == "day"


def test_a_long_weekly_file_in_english(ws: Workspace, tmp_path: Path) -> None:
    p = tmp_path / "weekly.csv"
    p.write_text(
        "Week,Metric,Value,Channel\n"
        "2024-W01,Sign-ups,120,instagram\n"
        "2024-W02,Sign-ups,130,instagram\n"
        "2024-01-15,sign-ups,90,instagram\n"
        "2024-W02,orders,7,instagram\n",
        encoding="utf-8",
    )
    res = import_outcomes(ws, p)
    assert res.layout == "long" and res.grain == "week"
    assert (res.rows_read, res.imported, res.quarantined) == (4, 4, 0)
    stored = _stored(ws)
    assert stored[("sign-ups", "channel:instagram", "2024-01-01")] == ("week", 120.0)
    assert stored[("sign-ups", "channel:instagram", "2024-01-08")] == ("week", 130.0)
    assert stored[("sign-ups", "channel:instagram", "2024-01-15")] == ("week", 90.0)


def test_a_file_of_the_wrong_shape_is_refused(ws: Workspace, tmp_path: Path) -> None:
    p = tmp_path / "posts.csv"
    p.write_text("text,author\nhello,a\n", encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        import_outcomes(ws, p)
    assert info.value.code == "outcomes.no_date"
    q = tmp_path / "nometric.csv"
    q.write_text("date,memo\n2024-01-01,hi\n", encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        import_outcomes(ws, q)
    assert info.value.code == "outcomes.no_metric" and "sales" in info.value.text("en")
    assert list_outcomes(ws) == [] and ledger.list_imports(ws, "outcomes") == []

"""RFM: scores of a hand-built table, the segment map, the real CDNOW file (segments add up to its
23,570 customers), the movement between two dates, saving segments, and the same result on Spark."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest

from socialops.errors import DataError
from socialops.segment.rfm import (
    SEGMENTS,
    RFMResult,
    rfm,
    rfm_movement,
    save_rfm_segments,
    segment_of,
)
from socialops.segment.store import get_segment, segment_members
from socialops.segment.transactions import read_transactions
from socialops.store.workspace import Workspace


def _table(rows: list[tuple[str, str, float]]) -> pa.Table:
    return pa.table(
        {
            "customer_id": pa.array([r[0] for r in rows], pa.string()),
            "date": pa.array([date.fromisoformat(r[1]) for r in rows], pa.date32()),
            "amount": pa.array([r[2] for r in rows], pa.float64()),
            "quantity": pa.array([None] * len(rows), pa.float64()),
        }
    )


# five customers, one per quintile of each measure; c2 buys twice on one day (one order)
TINY = [
    ("c1", "2024-01-01", 10.0),
    ("c2", "2024-02-01", 20.0),
    ("c2", "2024-02-01", 5.0),
    ("c2", "2024-02-02", 25.0),
    ("c3", "2024-03-01", 30.0),
    ("c3", "2024-03-02", 30.0),
    ("c3", "2024-03-03", 40.0),
    ("c4", "2024-04-01", 100.0),
    ("c4", "2024-04-02", 100.0),
    ("c4", "2024-04-03", 100.0),
    ("c4", "2024-04-04", 100.0),
    ("c5", "2024-05-01", 200.0),
    ("c5", "2024-05-02", 200.0),
    ("c5", "2024-05-03", 200.0),
    ("c5", "2024-05-04", 200.0),
    ("c5", "2024-05-05", 200.0),
]


def test_tiny_table_scores() -> None:
    res = rfm(_table(TINY))
    assert res.as_of == date(2024, 5, 6)  # the day after the last purchase
    rows = {r["customer_id"]: r for r in res.customers.to_pylist()}
    assert rows["c1"]["recency_days"] == (date(2024, 5, 6) - date(2024, 1, 1)).days
    assert rows["c5"]["recency_days"] == 1
    assert rows["c2"]["frequency"] == 2 and rows["c2"]["monetary"] == 50.0
    assert [rows[c]["r"] for c in ("c1", "c2", "c3", "c4", "c5")] == [1, 2, 3, 4, 5]
    assert [rows[c]["f"] for c in ("c1", "c2", "c3", "c4", "c5")] == [1, 2, 3, 4, 5]
    assert [rows[c]["m"] for c in ("c1", "c2", "c3", "c4", "c5")] == [1, 2, 3, 4, 5]
    assert rows["c5"]["segment"] == "champions"
    assert rows["c4"]["segment"] == "loyal"
    assert rows["c3"]["segment"] == "need_attention"
    assert rows["c2"]["segment"] == "hibernating"
    assert rows["c1"]["segment"] == "lost"
    # a few customers: the result says the quintiles are coarse
    assert any(c["code"] == "few_customers" for c in res.caveats)
    total = sum(s["revenue"] for s in res.summary)
    assert total == pytest.approx(sum(r[2] for r in TINY))
    champ = next(s for s in res.summary if s["segment"] == "champions")
    assert champ["count"] == 1 and champ["revenue_share"] == pytest.approx(1000 / total)
    assert champ["name_ko"] == "최우수 고객" and champ["name_en"] == "Champions"


def test_ties_share_a_score_and_as_of_cuts() -> None:
    rows = [(f"c{i}", "2024-01-01", 10.0) for i in range(10)] + [("z", "2024-01-02", 10.0)]
    res = rfm(_table(rows))
    got = res.customers.to_pylist()
    assert {r["f"] for r in got} == {1}  # everyone bought once: one F score for all
    assert {r["r"] for r in got if r["customer_id"] != "z"} == {1}
    assert next(r for r in got if r["customer_id"] == "z")["r"] == 5
    early = rfm(_table(rows), as_of=date(2024, 1, 2))  # z's purchase is not before it
    assert early.customers.num_rows == 10
    with pytest.raises(DataError):
        rfm(_table(rows), as_of=date(2023, 1, 1))


def test_segment_map_covers_every_cell() -> None:
    cells = {(r, f): segment_of(r, f) for r in range(1, 6) for f in range(1, 6)}
    assert set(cells.values()) == set(SEGMENTS)
    assert cells[(5, 5)] == "champions" and cells[(1, 5)] == "cannot_lose"
    assert cells[(5, 1)] == "new_customers" and cells[(2, 3)] == "at_risk"
    # the query's CASE and segment_of agree on every cell
    rows: list[tuple[str, str, float]] = []
    for i in range(25):
        rows += [(f"k{i:02d}", f"2024-01-{1 + j:02d}", 1.0) for j in range(1 + i % 5)]
    res = rfm(_table(rows))
    for r in res.customers.to_pylist():
        assert r["segment"] == segment_of(r["r"], r["f"])


@pytest.fixture(scope="module")
def cdnow(shared_file: Callable[[str], Path]) -> pa.Table:
    return read_transactions(shared_file("cdnow/CDNOW_master.txt"), "cdnow")


@pytest.fixture(scope="module")
def cdnow_rfm(cdnow: pa.Table) -> RFMResult:
    return rfm(cdnow)


def test_cdnow_segments_add_up(cdnow_rfm: RFMResult) -> None:
    res = cdnow_rfm
    assert res.as_of == date(1998, 7, 1) and res.transactions == 69_659
    assert res.customers.num_rows == 23_570
    assert sum(s["count"] for s in res.summary) == 23_570
    assert sum(s["share"] for s in res.summary) == pytest.approx(1.0)
    assert sum(s["revenue_share"] for s in res.summary) == pytest.approx(1.0)
    by = {s["segment"]: s for s in res.summary}
    # champions bought most recently and most often; lost customers the least
    assert by["champions"]["mean_recency_days"] < by["lost"]["mean_recency_days"]
    assert by["champions"]["mean_frequency"] > 5 > by["lost"]["mean_frequency"]
    assert by["champions"]["revenue_share"] > 0.4
    # half the customers bought on one day only: F cannot have its lower scores
    assert any(c["code"] == "frequency_ties" for c in res.caveats)


def test_cdnow_movement(cdnow: pa.Table, cdnow_rfm: RFMResult) -> None:
    before = rfm(cdnow, as_of=date(1998, 1, 1))
    mv = rfm_movement(before, cdnow_rfm)
    assert mv["new"] == 0 and mv["gone"] == 0  # every customer started in early 1997
    assert mv["up"] + mv["down"] + mv["same"] == 23_570
    assert sum(sum(row.values()) for row in mv["matrix"].values()) == 23_570
    for seg in SEGMENTS:
        assert sum(mv["matrix"][seg].values()) == next(
            s["count"] for s in before.summary if s["segment"] == seg
        )


def test_save_segments(workspace: Workspace) -> None:
    res = rfm(_table(TINY))
    saved = save_rfm_segments(workspace, res, "tiny", created_by="test")
    assert [s["name"] for s in saved] == [f"tiny/{s}" for s in SEGMENTS]
    champs = list(segment_members(workspace, "tiny/champions"))
    assert [m.customer_id for m in champs] == ["c5"]
    assert champs[0].score == 15.0 and champs[0].attributes["frequency"] == 5
    assert get_segment(workspace, "tiny/lost").kind == "rfm"
    assert not list(segment_members(workspace, "tiny/new_customers"))


@pytest.mark.spark
def test_same_result_on_spark(spark_ready: None, cdnow: pa.Table, cdnow_rfm: RFMResult) -> None:
    on_spark = rfm(cdnow.slice(0, 20_000), engine="spark")
    on_duck = rfm(cdnow.slice(0, 20_000))
    assert on_spark.customers.equals(on_duck.customers)
    for a, b in zip(on_spark.summary, on_duck.summary, strict=True):
        assert a["count"] == b["count"]
        assert a["revenue"] == pytest.approx(b["revenue"])

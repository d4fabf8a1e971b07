"""Metrics rows out of range (issue 12, item 5, the metrics importer): a huge number, a date
outside 1900..2199 or an infinite month costs its own row (``out_of_range``, ``bad_number``,
``bad_month``); the import finishes (these rows raised OverflowError, exit 70)."""

from __future__ import annotations

from pathlib import Path

from socialops.measure.metrics import import_metrics, post_rows
from socialops.store.workspace import Workspace


def test_post_metrics_out_of_range(workspace: Workspace, tmp_path: Path) -> None:
    p = tmp_path / "m.csv"
    p.write_text(
        "channel,post_id,published_at,reach,impressions,engagements\n"
        "instagram,a,2024-03-01,1e300,1,1\n"  # 2 out_of_range (SQLite integer overflow)
        "instagram,b,0001-01,1,1,1\n"  # 3 out_of_range (OverflowError in the zone shift)
        "instagram,c,9999-12-31 23:00,1,1,1\n"  # 4 out_of_range (OverflowError)
        "instagram,d,1709251200,5,5,5\n"  # 5 epoch seconds: kept
        "instagram,e,2024-03-02,inf,1,1\n"  # 6 bad_number
        "instagram,f,1e400,1,1,1\n"  # 7 bad_date
        "instagram,g,2024-03-03,9007199254740991,1,1\n",  # 8 the largest exact count: kept
        encoding="utf-8",
    )
    res = import_metrics(workspace, p, "post-metrics")
    assert (res.rows_read, res.imported, res.rejected) == (7, 2, 5)
    assert {r["line"]: r["reason"] for r in res.rejects} == {
        2: "out_of_range",
        3: "out_of_range",
        4: "out_of_range",
        6: "bad_number",
        7: "bad_date",
    }
    rows = {r["post_id"]: r for r in post_rows(workspace)}
    assert set(rows) == {"d", "g"} and rows["g"]["reach"] == 2**53 - 1


def test_facebook_metrics_infinite_month(workspace: Workspace, tmp_path: Path) -> None:
    head = (
        "Page_T_Likes;Type;Category;Month;Weekday;Hour;Paid;T_Reach;T_Impression;Engaged_Users;"
        "Consumers;Consumption;LP_Impression;LP_Reach;LP_Engage_With_Post;comment;like;share;"
        "T_Interactions\n"
    )
    ok = "139441;Photo;2;12;4;3;0;2752;5091;178;109;159;3078;1640;119;4;79;17;100\n"
    p = tmp_path / "fb.csv"
    p.write_text(head + ok + ok.replace(";12;", ";1e400;", 1), encoding="utf-8")
    res = import_metrics(workspace, p, "facebook-metrics")
    assert (res.imported, res.rejected) == (1, 1)
    assert res.rejects[0]["reason"] == "bad_month"

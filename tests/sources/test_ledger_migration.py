"""Revision w0002: the metric imports of a workspace made with the w0001 (0.1) schema move into
the one imports ledger, field by field, and the downgrade puts them back."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import inspect

from socialops.sources import ledger
from socialops.store.migrate import HEADS, MIGRATIONS, current
from socialops.store.workspace import Workspace

SCHEMA_0_1 = (Path(__file__).parents[1] / "store" / "schema_0_1_workspace.sql").read_text()


def _w0001_workspace(root: Path) -> None:
    """A workspace.db with the w0001 (0.1) schema: two posts imports and three metric imports
    (one of them an XLSX with a zone in its options) started between them."""
    root.mkdir(parents=True)
    con = sqlite3.connect(root / "workspace.db")
    con.executescript(SCHEMA_0_1)
    con.executescript(
        """
        INSERT INTO imports VALUES ('i1', '/x/posts.csv', 'abc', 'generic', 'csv', 'utf-8', ',',
            'Asia/Seoul', '["브랜드"]', '2026-01-01T00:00:00+00:00',
            '2026-01-01T00:01:00+00:00', 'done', 3, 2, 0, 1);
        INSERT INTO imports VALUES ('i2', '/x/more.csv', 'abd', 'generic', 'csv', 'utf-8', ',',
            'UTC', '[]', '2026-01-03T00:00:00+00:00', NULL, 'interrupted', 5, 5, 0, 0);
        INSERT INTO metric_imports VALUES ('m1', 'fb.csv', 'def', 'facebook-metrics',
            'post_metrics', 'utf-8', ';', '{"year": 2014, "channel": "facebook"}', 500, 500, 0,
            0, '[]', 'done', '2026-01-02T00:00:00+00:00', '2026-01-02T00:00:01+00:00');
        INSERT INTO metric_imports VALUES ('m2', '전환.csv', 'ghi', 'conversions', 'conversions',
            'cp949', ',', '{}', 9, 3, 0, 6,
            '[{"line": 5, "reason": "bad_date", "detail": "x"}]', 'done',
            '2026-01-02T00:00:02+00:00', '2026-01-02T00:00:03+00:00');
        INSERT INTO metric_imports VALUES ('m3', 'ig.xlsx', 'jkl', 'post-metrics',
            'post_metrics', 'xlsx', 'xlsx', '{"timezone": "UTC", "channel": null}', 2, 0, 2, 0,
            '[]', 'done', '2026-01-04T00:00:00+00:00', '2026-01-04T00:00:01+00:00');
        INSERT INTO post_metrics (channel, post_id, published_at, date_precision, local_day,
            local_month, reach, import_id) VALUES ('facebook', 'a', '2014-01-01T00:00:00+00:00',
            'month', NULL, '2014-01', 120.0, 'm1');
        """
    )
    con.commit()
    con.close()


def test_metric_imports_move_into_the_one_ledger(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOCIALOPS_DATABASE_URL", raising=False)  # a 0.1 file, upgraded in place
    root = tmp_path / "ws"
    _w0001_workspace(root)
    ws = Workspace.open(root, create=False)
    assert current(ws.db) == HEADS["workspace"]
    with ws.connect() as conn:
        assert not inspect(conn).has_table("metric_imports")
    rows = {r["import_id"]: r for r in ledger.list_imports(ws)}
    # every import, in the order it was recorded (by start)
    assert [r["import_id"] for r in ledger.list_imports(ws)] == ["i1", "m1", "m2", "i2", "m3"]
    assert [r["seq"] for r in ledger.list_imports(ws)] == [1, 2, 3, 4, 5]
    i1 = rows["i1"]
    assert (i1["stream"], i1["topics"], i1["updated"], i1["rejected"]) == (
        "posts",
        ["브랜드"],
        0,
        0,
    )
    assert (i1["rows_read"], i1["imported"], i1["quarantined"], i1["status"]) == (3, 2, 1, "done")
    m1 = rows["m1"]
    assert m1["stream"] == "post_metrics" and m1["source_path"] == "fb.csv"
    assert m1["source_sha256"] == "def" and m1["preset"] == "facebook-metrics"
    assert (m1["format"], m1["encoding"], m1["delimiter"]) == ("csv", "utf-8", ";")
    assert m1["options"] == {"year": 2014, "channel": "facebook"} and m1["timezone"] == "Asia/Seoul"
    assert (m1["rows_read"], m1["imported"], m1["updated"], m1["rejected"]) == (500, 500, 0, 0)
    assert m1["finished_at"] == "2026-01-02T00:00:01+00:00"
    m2 = rows["m2"]
    assert m2["stream"] == "conversions" and m2["encoding"] == "cp949"
    assert (m2["rows_read"], m2["imported"], m2["updated"], m2["rejected"]) == (9, 3, 0, 6)
    assert m2["rejects"] == [{"line": 5, "reason": "bad_date", "detail": "x"}]
    m3 = rows["m3"]
    assert (m3["format"], m3["timezone"], m3["updated"]) == ("xlsx", "UTC", 2)
    # the readers of the ledger see them as before
    from socialops.measure.metrics import metrics_summary, recent_imports

    assert [r["import_id"] for r in recent_imports(ws)] == ["m3", "m2", "m1"]
    assert recent_imports(ws)[1]["file"] == "전환.csv" and recent_imports(ws)[1]["kind"] == (
        "conversions"
    )
    assert metrics_summary(ws)["channels"]["facebook"]["posts"] == 1
    # a new import goes after them
    csv = tmp_path / "c.csv"
    csv.write_text("date,campaign,conversions\n2024-03-01,a,1\n", encoding="utf-8")
    from socialops.sources.keyed import import_metrics

    new = import_metrics(ws, csv, "conversions")
    assert ledger.list_imports(ws)[-1]["import_id"] == new.import_id
    assert ledger.list_imports(ws)[-1]["seq"] == 6


def test_the_downgrade_puts_the_metric_imports_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOCIALOPS_DATABASE_URL", raising=False)
    root = tmp_path / "ws"
    _w0001_workspace(root)
    ws = Workspace.open(root, create=False)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS / "workspace"))
    with ws.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "w0001")
    con = sqlite3.connect(root / "workspace.db")
    try:
        back = con.execute(
            "SELECT import_id, file, kind, encoding, rows_read, rejected, rejects "
            "FROM metric_imports ORDER BY import_id"
        ).fetchall()
        posts = con.execute("SELECT import_id FROM imports ORDER BY import_id").fetchall()
        cols = {r[1] for r in con.execute("PRAGMA table_info(imports)")}
    finally:
        con.close()
    assert [r[:3] for r in back] == [
        ("m1", "fb.csv", "post_metrics"),
        ("m2", "전환.csv", "conversions"),
        ("m3", "ig.xlsx", "post_metrics"),
    ]
    assert json.loads(back[1][6]) == [{"line": 5, "reason": "bad_date", "detail": "x"}]
    assert posts == [("i1",), ("i2",)] and "stream" not in cols

"""Enriching a workspace: incremental, crash-safe, and the same rows on DuckDB's pool and Spark."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from socialops.errors import SettingsError, WorkspaceError
from socialops.listen.ingest import import_file
from socialops.sources import enrich as runner
from socialops.store.workspace import Workspace


@pytest.fixture
def workspace(database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """A fresh, empty workspace on each database (SQLite, PostgreSQL): the enrichment ledger
    (enrich_runs, enriched_parts) lives there."""
    root = tmp_path / "ws"
    monkeypatch.setenv("SOCIALOPS_HOME", str(root))
    return Workspace.open(root)


def _count(ws: Workspace, table: str) -> int:
    with ws.connect() as conn:
        return int(conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one())


def _enriched(ws: Workspace) -> pa.Table:
    con = duckdb.connect()
    return con.sql(
        f"SELECT * FROM read_parquet('{ws.enriched_dir}/*/*.parquet', hive_partitioning=true) "
        "ORDER BY platform, post_id"
    ).to_arrow_table()


def _small_csv(tmp_path: Path, n: int, start: int = 0) -> Path:
    p = tmp_path / f"posts-{start}.csv"
    lines = ["id,text,created_at"]
    for i in range(start, start + n):
        text = "배송이 늦어서 화가 나요" if i % 2 else "great service and thank you"
        lines.append(f"{i},{text} {i},2026-03-{1 + i % 28:02d} 10:00:00")
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def test_enrich_empty_workspace_is_a_clear_error(workspace: Workspace) -> None:
    with pytest.raises(WorkspaceError) as exc:
        runner.enrich_workspace(workspace)
    assert exc.value.code == "enrich.nothing" and "import" in exc.value.text("en")


def test_incremental_enrichment(workspace: Workspace, tmp_path: Path) -> None:
    import_file(workspace, _small_csv(tmp_path, 30), preset="generic")
    first = runner.enrich_workspace(workspace, workers=1)
    assert first.rows == 30
    again = runner.enrich_workspace(workspace, workers=1)
    assert again.rows == 0  # nothing enriched twice
    import_file(workspace, _small_csv(tmp_path, 20, start=30), preset="generic")
    second = runner.enrich_workspace(workspace, workers=1)
    assert second.rows == 20
    t = _enriched(workspace)
    assert t.num_rows == 50
    assert len(set(t.column("post_id").to_pylist())) == 50


def test_interrupted_enrichment_finishes_on_rerun(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner, "SLICE_ROWS", 10)
    import_file(workspace, _small_csv(tmp_path, 45), preset="generic")
    calls = 0

    def stop_after_two(done: int, total: int) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        runner.enrich_workspace(workspace, workers=1, progress=stop_after_two)
    assert workspace.enriched_files() == []  # nothing half-written is visible
    res = runner.enrich_workspace(workspace, workers=1)
    assert res.rows == 45
    t = _enriched(workspace)
    assert t.num_rows == 45 and len(set(t.column("post_id").to_pylist())) == 45


def test_a_failed_ledger_commit_records_nothing(workspace: Workspace, tmp_path: Path) -> None:
    """The run and its raw parts are recorded in one transaction: when the commit fails (here a
    raw part deleted by another writer while the run enriched it: its enriched_parts row breaks
    the foreign key), neither is recorded and the moved files stay invisible to readers."""
    import_file(workspace, _small_csv(tmp_path, 10), preset="generic")
    (part,) = workspace.committed_raw_parts()

    def delete_the_part(done: int, total: int) -> None:
        with workspace.begin() as conn:
            conn.execute(text("DELETE FROM raw_parts WHERE part = :p"), {"p": part})

    with pytest.raises(IntegrityError):
        runner.enrich_workspace(workspace, workers=1, progress=delete_the_part)
    assert _count(workspace, "enrich_runs") == 0 and _count(workspace, "enriched_parts") == 0
    assert workspace.enriched_files() == []
    assert workspace.recover()["enriched"] >= 1  # the uncommitted files are orphans


def test_rebuild_redoes_everything(workspace: Workspace, tmp_path: Path) -> None:
    import_file(workspace, _small_csv(tmp_path, 12), preset="generic")
    runner.enrich_workspace(workspace, workers=1)
    assert _count(workspace, "enrich_runs") == 1 and _count(workspace, "enriched_parts") == 1
    removed = runner.rebuild(workspace)
    assert removed >= 1 and workspace.enriched_files() == []
    assert _count(workspace, "enrich_runs") == 0 and _count(workspace, "enriched_parts") == 0
    assert runner.enrich_workspace(workspace, workers=1).rows == 12


def test_zone_is_recorded_and_kept(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The zone of the local day/hour is recorded with each enrichment; later enrichments keep
    it (whatever the setting says), another zone is refused until a rebuild."""
    monkeypatch.delenv("SOCIALOPS_TZ", raising=False)
    assert workspace.zone() is None
    import_file(workspace, _small_csv(tmp_path, 6), preset="generic")
    runner.enrich_workspace(workspace, workers=1, tz="America/New_York")
    assert workspace.zone() == "America/New_York"
    hours = set(_enriched(workspace).column("hour").to_pylist())
    assert hours <= {20, 21}  # 10:00 in Seoul (the import zone): 20:00 (EST) or 21:00 (EDT) in NY
    import_file(workspace, _small_csv(tmp_path, 4, start=6), preset="generic")
    monkeypatch.setenv("SOCIALOPS_TZ", "Europe/Paris")  # the setting, after the import
    with pytest.raises(SettingsError) as exc:
        runner.enrich_workspace(workspace, workers=1, tz="UTC")
    assert exc.value.code == "enrich.zone_mismatch"
    assert "enriched in America/New_York" in exc.value.text("en")
    assert "America/New_York" in exc.value.text("ko")
    assert runner.enrich_workspace(workspace, workers=1).rows == 4  # the workspace's zone
    assert set(_enriched(workspace).column("hour").to_pylist()) <= {20, 21}
    with pytest.raises(SettingsError) as exc:
        runner.enrich_workspace(workspace, workers=1, tz="Mars/Base")
    assert "Mars/Base" in exc.value.text("en")
    monkeypatch.delenv("SOCIALOPS_TZ")
    runner.rebuild(workspace)
    assert workspace.zone() is None
    assert runner.enrich_workspace(workspace, workers=1, tz="UTC").rows == 10
    assert workspace.zone() == "UTC"
    assert set(_enriched(workspace).column("hour").to_pylist()) == {1}


@pytest.mark.spark
def test_pool_and_spark_write_identical_rows(
    tmp_path: Path, shared_file: Callable[[str], Path]
) -> None:
    tables = {}
    for engine in ("duckdb", "spark"):
        ws = Workspace.open(tmp_path / engine)
        import_file(ws, shared_file("kote/val.tsv"), preset="kote")
        import_file(ws, shared_file("airline_tweets/Tweets.csv"), preset="airline-tweets")
        res = runner.enrich_workspace(ws, engine=engine, workers=2)
        assert res.rows == 5000 + 14640 - 155
        tables[engine] = _enriched(ws).drop_columns(["import_id", "source_file"])
    a, b = tables["duckdb"], tables["spark"]
    assert a.schema.names == b.schema.names
    assert a.num_rows == b.num_rows
    for name in a.schema.names:
        assert a.column(name).to_pylist() == b.column(name).to_pylist(), name


# -- whole-command speed (issue 14): balanced slices, lean pool workers ------------------------
def test_pool_slices_cover_every_row_once_and_shrink_towards_the_end() -> None:
    pending = [("a", 50_000), ("b", 0), ("c", 1_234)]
    for workers in (1, 2, 8):
        slices = runner._slices(pending, workers)
        for part, nrows in pending:
            mine = [(off, n) for p, off, n in slices if p == part]
            assert mine[0][0] == 0
            assert all(o1 + n1 == o2 for (o1, n1), (o2, _) in itertools.pairwise(mine))
            assert sum(n for _, n in mine) == nrows
        sizes = [n for p, _, n in slices if p != "b"]
        assert max(sizes) == sizes[0] == min(runner.SLICE_ROWS, -(-sum(sizes) // (2 * workers)))
        if workers == 1:
            assert sizes[:12] == [runner.SLICE_ROWS] * 12  # one process: no reason to shrink
        else:
            # no slice is more than half a worker's share of the rows left when it starts, so
            # the workers end within one small slice of each other
            left = sum(sizes)
            for n in sizes:
                assert n <= max(runner.MIN_SLICE_ROWS, -(-left // (2 * workers)))
                left -= n
            assert max(sizes[-2 * workers :]) <= runner.MIN_SLICE_ROWS
    assert runner._slices([("a", 30)], 2) == [("a", 0, 30)]


_MAIN_SCRIPT = """
import sys
from pathlib import Path

if __name__ == "__mp_main__":  # a spawned worker running this script again
    Path(sys.argv[2]).with_name("reran-" + str(__import__("os").getpid())).write_text("x")

if __name__ == "__main__":
    from socialops.sources.enrich import enrich_workspace
    from socialops.store.workspace import Workspace

    res = enrich_workspace(Workspace.open(sys.argv[1], create=False), workers=2)
    Path(sys.argv[2]).write_text(f"{res.rows} {res.pipeline}")
"""


def test_pool_workers_do_not_run_the_main_script_again(
    workspace: Workspace, tmp_path: Path
) -> None:
    """The ``socialops`` console script imports the whole CLI; spawned workers must not run
    it again (a second of start-up each). The pool's rows equal one process's rows, and the
    parent learns the pipeline id from its workers."""
    import subprocess
    import sys

    from socialops.nlp.pipeline import pipeline_id

    import_file(workspace, _small_csv(tmp_path, 40), preset="generic")
    script = tmp_path / "main_script.py"
    script.write_text(_MAIN_SCRIPT, encoding="utf-8")
    result = tmp_path / "out" / "result.txt"
    result.parent.mkdir()
    p = subprocess.run(
        [sys.executable, str(script), str(workspace.root), str(result)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert p.returncode == 0, p.stderr
    assert result.read_text() == f"40 {pipeline_id()}"
    assert sorted(x.name for x in result.parent.iterdir()) == ["result.txt"]  # nobody reran it
    pool_rows = _enriched(workspace)
    runner.rebuild(workspace)
    assert runner.enrich_workspace(workspace, workers=1).rows == 40
    assert _enriched(workspace).equals(pool_rows)


def test_month_groups_share_the_rows_out() -> None:
    from socialops.sources.enrich import _month_groups

    months = {"2015-01": 900, "2015-02": 500, "2015-03": 400, "undated": 10, "2014-12": 5}
    groups = _month_groups(months, 2)
    assert sorted(m for g in groups for m in g) == sorted(months)  # each month once
    loads = sorted(sum(months[m] for m in g) for g in groups)
    assert loads == [905, 910]  # largest first, each to the lighter group
    assert _month_groups({"2015-01": 3}, 2) == [["2015-01"]]  # no empty group
    assert _month_groups({}, 2) == []

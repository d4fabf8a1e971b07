"""Store compaction: a month's small enriched files merged into one, the rows and every answer
unchanged, the ledger swapped in one commit, the old files kept for readers that listed them,
and nothing lost when it is interrupted, refused or raced."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import text

from socialops.engage import privacy
from socialops.engage.worker import compact_due, run_inbox_once
from socialops.errors import WorkspaceError
from socialops.listen.ingest import import_file
from socialops.sources import enrich as runner
from socialops.store import compact as c
from socialops.store.analytics import fetch_arrow, open_store
from socialops.store.workspace import Workspace


@pytest.fixture
def workspace(database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """A workspace on each database (the ledger's swap runs on SQLite and PostgreSQL)."""
    root = tmp_path / "ws"
    monkeypatch.setenv("SOCIALOPS_HOME", str(root))
    return Workspace.open(root)


def _csv(path: Path, start: int, n: int, month: str) -> Path:
    lines = ["id,text,created_at,author"]
    for i in range(start, start + n):
        text_ = "배송이 늦어서 화가 나요" if i % 2 else "great service and thank you"
        lines.append(f"{i},{text_} {i},{month}-{1 + i % 28:02d} 10:{i % 60:02d}:00,user{i % 7}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _small_imports(ws: Workspace, tmp: Path, months: dict[str, int], rows: int = 5) -> int:
    """``months[m]`` imports of ``rows`` posts each in month ``m``, each enriched on its own
    (one small file each, as uploads make them); returns the posts."""
    start = 0
    for month, count in months.items():
        for _ in range(count):
            import_file(ws, _csv(tmp / f"p{start}.csv", start, rows, month), preset="generic")
            runner.enrich_workspace(ws, workers=1)
            start += rows
    return start


def _rows(ws: Workspace, files: list[Path] | None = None) -> pa.Table:
    listed = ", ".join(f"'{f}'" for f in (files or ws.enriched_files()))
    return (
        duckdb.connect()
        .sql(
            f"SELECT * FROM read_parquet([{listed}], hive_partitioning = true) "
            "ORDER BY platform, post_id"
        )
        .to_arrow_table()
    )


def _months(ws: Workspace) -> dict[str, int]:
    out: dict[str, int] = {}
    for f in ws.enriched_files():
        out[f.parent.name] = out.get(f.parent.name, 0) + 1
    return out


def test_small_files_merge_per_month_with_every_row_unchanged(
    workspace: Workspace, tmp_path: Path
) -> None:
    ws = workspace
    posts = _small_imports(ws, tmp_path, {"2026-03": 6, "2026-04": 5, "2026-05": 2})
    assert _months(ws) == {"month=2026-03": 6, "month=2026-04": 5, "month=2026-05": 2}
    before = _rows(ws)
    old = ws.enriched_files()
    schema = pq.read_schema(old[0])

    result = c.compact(ws, min_files=4)

    # March and April merged; May (2 files, under the threshold) left as it was
    assert _months(ws) == {"month=2026-03": 1, "month=2026-04": 1, "month=2026-05": 2}
    assert (result.merged, result.written, result.rows) == (11, 2, 55)
    assert (result.files_before, result.files_after) == (13, 4)
    assert result.months == ["2026-03", "2026-04"] and result.skipped is None
    after = _rows(ws)
    assert after.num_rows == posts == 65
    assert after.equals(before)  # every column of every row, the month folders included
    merged = [f for f in ws.enriched_files() if f.name.startswith(c.RUN_PREFIX)]
    assert [pq.read_schema(f).equals(schema, check_metadata=True) for f in merged] == [True] * 2
    # sorted by time inside the file, as enrichment writes them
    times = pq.read_table(merged[0], columns=["created_at"]).column(0).to_pylist()
    assert times == sorted(times)
    # the ledger: one compaction run lists the new files, no run lists an old one, and the old
    # ones wait out their grace on disk (a reader that listed them may still be reading)
    with ws.connect() as conn:
        runs = conn.execute(
            text("SELECT pipeline, files, rows FROM enrich_runs WHERE run_id = :r"),
            {"r": result.run_id},
        ).one()
    assert runs.pipeline == "compaction" and runs.rows == 55
    gone = sorted(
        str(f.relative_to(ws.enriched_dir)) for f in old if f.parent.name != "month=2026-05"
    )
    assert ws.retired_enriched() == gone
    assert all((ws.enriched_dir / g).is_file() for g in gone)
    assert not set(gone) & set(ws.committed_enriched())
    assert not (ws.root / c.STAGING).exists()
    # a second run finds nothing to do
    again = c.compact(ws, min_files=4)
    assert (again.merged, again.run_id, again.files_before) == (0, None, 4)


def test_the_store_answers_the_same_after_compaction(workspace: Workspace, tmp_path: Path) -> None:
    ws = workspace
    _small_imports(ws, tmp_path, {"2026-03": 8})

    def answers() -> tuple[list[object], list[object]]:
        with open_store(ws) as store:
            t = store.posts()
            by_day = fetch_arrow(
                t.group_by("day").aggregate(n=t.count(), likes=t.likes.sum()).order_by("day")
            ).to_pylist()
            kw = store.keyword_counts()
            top = fetch_arrow(
                kw.group_by("keyword").aggregate(n=kw.posts.sum()).order_by(["keyword"])
            ).to_pylist()
        return by_day, top

    before = answers()
    assert c.compact(ws, min_files=2).merged == 8
    assert answers() == before


def test_a_reader_that_listed_the_old_files_still_reads_them(
    workspace: Workspace, tmp_path: Path
) -> None:
    ws = workspace
    _small_imports(ws, tmp_path, {"2026-03": 4})
    listed = ws.enriched_files()  # a query about to run
    c.compact(ws, min_files=2)
    assert _rows(ws, listed).num_rows == 20  # read after the swap
    # the writer's recovery keeps them too while their grace lasts
    assert ws.recover()["enriched"] == 0
    assert all(f.is_file() for f in listed)
    # a later compaction past the grace deletes them, and their ledger rows
    assert c.purge_retired(ws, grace_s=600) == 0
    assert c.purge_retired(ws, grace_s=0) == 4
    assert not any(f.exists() for f in listed) and ws.retired_enriched() == []
    assert _rows(ws).num_rows == 20


def test_big_files_are_left_alone(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = workspace
    _small_imports(ws, tmp_path, {"2026-03": 3}, rows=5)
    _small_imports_offset(ws, tmp_path, 3, 40)  # three "big" files (40 rows each)
    monkeypatch.setattr(c, "SMALL_ROWS", 20)
    result = c.compact(ws, min_files=3)
    assert (result.merged, result.written) == (3, 1)
    sizes = sorted(pq.ParquetFile(f).metadata.num_rows for f in ws.enriched_files())
    assert sizes == [15, 40, 40, 40]


def _small_imports_offset(ws: Workspace, tmp: Path, count: int, rows: int) -> None:
    for k in range(count):
        start = 1000 + k * rows
        import_file(ws, _csv(tmp / f"b{start}.csv", start, rows, "2026-03"), preset="generic")
        runner.enrich_workspace(ws, workers=1)


def test_a_merged_file_holds_at_most_the_target_rows(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = workspace
    _small_imports(ws, tmp_path, {"2026-03": 7})
    monkeypatch.setattr(c, "TARGET_ROWS", 15)  # three 5-row files a merged file
    result = c.compact(ws, min_files=2)
    sizes = sorted(pq.ParquetFile(f).metadata.num_rows for f in ws.enriched_files())
    assert sizes == [5, 15, 15] and result.written == 2 and result.merged == 6


def test_a_file_changed_during_the_merge_makes_it_give_up(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = workspace
    _small_imports(ws, tmp_path, {"2026-03": 4})
    files = ws.enriched_files()
    before = _rows(ws)
    merge = c._merge_all

    def merge_then_rewrite(jobs: list[tuple[list[str], str, str]], isolate: bool) -> list[int]:
        out = merge(jobs, isolate)
        # an erasure rewrites one of the files between the merge and the swap
        table = pq.read_table(files[1])
        pq.write_table(table, files[1].with_suffix(".erasing"))
        os.replace(files[1].with_suffix(".erasing"), files[1])
        return out

    monkeypatch.setattr(c, "_merge_all", merge_then_rewrite)
    result = c.compact(ws, min_files=2)
    assert result.skipped == "changed" and result.run_id is None
    assert ws.enriched_files() == files and ws.retired_enriched() == []
    assert sorted(p.name for p in ws.enriched_dir.glob("*/*.parquet")) == sorted(
        f.name for f in files
    )  # no merged file left behind
    assert _rows(ws).equals(before)
    assert not (ws.root / c.STAGING).exists()


def test_an_import_holding_the_lock_makes_it_wait_then_give_up(
    workspace: Workspace, tmp_path: Path
) -> None:
    ws = workspace
    _small_imports(ws, tmp_path, {"2026-03": 3})
    files = ws.enriched_files()
    held, release = threading.Event(), threading.Event()

    def importer() -> None:
        with ws.lock("the import"):
            held.set()
            release.wait(10)

    th = threading.Thread(target=importer)
    th.start()
    held.wait(5)
    try:
        result = c.compact(ws, min_files=2, lock_wait_s=0.5)
    finally:
        release.set()
        th.join()
    assert result.skipped == "busy" and ws.enriched_files() == files
    assert len(list(ws.enriched_dir.glob("*/*.parquet"))) == 3
    # once the import is done it goes through
    assert c.compact(ws, min_files=2).merged == 3


def test_one_compaction_at_a_time(workspace: Workspace, tmp_path: Path) -> None:
    ws = workspace
    _small_imports(ws, tmp_path, {"2026-03": 3})
    with c._own_lock(ws) as mine:
        assert mine
        assert c.compact(ws, min_files=2).skipped == "compacting"
    assert c.compact(ws, min_files=2).merged == 3


def test_isolated_merge_runs_in_a_child_process(workspace: Workspace, tmp_path: Path) -> None:
    ws = workspace
    _small_imports(ws, tmp_path, {"2026-03": 3})
    before = _rows(ws)
    result = c.compact(ws, min_files=2, isolate=True)
    assert result.merged == 3 and _rows(ws).equals(before)


_KILLED = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from socialops.store import compact as c
    from socialops.store.workspace import Workspace

    def die(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)

    # killed after the merged file is renamed into the store, before the ledger's commit
    setattr(c, sys.argv[2], die)
    c.compact(Workspace.open(Path(sys.argv[1])), min_files=2)
    """
)


@pytest.mark.parametrize("where", ["_commit", "_files_changed"])
def test_kill_9_during_the_swap_loses_and_duplicates_nothing(
    workspace: Workspace, tmp_path: Path, where: str
) -> None:
    ws = workspace
    _small_imports(ws, tmp_path, {"2026-03": 4})
    before = _rows(ws)
    proc = subprocess.run(
        [sys.executable, "-c", _KILLED, str(ws.root), where],
        env={**os.environ, "SOCIALOPS_HOME": str(ws.root)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == -9, proc.stderr
    # readers see every row exactly once: the old files (killed before the commit) or the
    # merged one (killed after it)
    assert _rows(ws).equals(before)
    on_disk = len(list(ws.enriched_dir.glob("*/*.parquet")))
    assert on_disk == 5  # the four and the merged one (an orphan, or the old ones retired)
    # the next compaction (or import) tidies up: nothing left over, every row still there
    c.compact(ws, min_files=2)
    c.purge_retired(ws, grace_s=0)
    assert len(ws.enriched_files()) == 1 and _rows(ws).equals(before)
    assert len(list(ws.enriched_dir.glob("*/*.parquet"))) == 1


def test_an_erasure_deletes_the_retired_files_at_once(workspace: Workspace, tmp_path: Path) -> None:
    ws = workspace
    _small_imports(ws, tmp_path, {"2026-03": 3})
    listed = ws.enriched_files()
    c.compact(ws, min_files=2)
    assert all(f.exists() for f in listed)
    subject = privacy.resolve_subject(ws, handle="unknown:user3")
    found = privacy.erase(ws, subject, actor="test")
    assert found.counts["posts"] == 2  # posts 3 and 10 (of 15) are user3's
    assert not any(f.exists() for f in listed) and ws.retired_enriched() == []
    names = pq.read_table(ws.enriched_files()[0], columns=["author_handle"]).column(0)
    assert "user3" not in names.to_pylist()


def test_rebuild_forgets_the_retired_files(workspace: Workspace, tmp_path: Path) -> None:
    ws = workspace
    _small_imports(ws, tmp_path, {"2026-03": 3})
    c.compact(ws, min_files=2)
    runner.rebuild(ws)
    assert ws.retired_enriched() == [] and list(ws.enriched_dir.glob("*/*.parquet")) == []
    assert runner.enrich_workspace(ws, workers=1).rows == 15


def test_the_worker_compacts_in_turns_and_as_the_setting_says(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = workspace
    _small_imports(ws, tmp_path, {"2026-03": 3})
    monkeypatch.setenv("SOCIALOPS_COMPACT_MIN_FILES", "0")
    assert compact_due(ws) is None  # off
    monkeypatch.setenv("SOCIALOPS_COMPACT_MIN_FILES", "4")
    out = run_inbox_once(ws, fetch=False, send=False)["store"]
    assert out["merged"] == 0 and out["files_before"] == 3  # 3 small files: under 4
    assert compact_due(ws) is None  # its turn was taken: not again within 2 minutes
    _small_imports_offset(ws, tmp_path, 1, 5)
    out = compact_due(ws, every_s=0)
    assert out is not None and out["merged"] == 4 and len(ws.enriched_files()) == 1


def test_a_failed_isolated_merge_is_one_clear_error(tmp_path: Path) -> None:
    job = ([str(tmp_path / "gone.parquet")], str(tmp_path / "out.parquet"), str(tmp_path))
    with pytest.raises(WorkspaceError) as exc:
        c._merge_all([job], isolate=True)
    assert exc.value.code == "compact.merge_failed"
    line = exc.value.text("en")
    assert line.startswith("Merging the small files failed: ") and "\n" not in line
    assert "gone.parquet" in line and not (tmp_path / "out.parquet").exists()


def test_the_caches_of_replaced_files_stay_while_the_files_do(
    workspace: Workspace, tmp_path: Path
) -> None:
    ws = workspace
    _small_imports(ws, tmp_path, {"2026-03": 3})
    cache = ws.root / "cache" / "keyword_counts"
    with open_store(ws) as store:
        store.keyword_counts()
        old = sorted(p.name for p in cache.glob("*.parquet"))
        assert len(old) == 3
        c.compact(ws, min_files=2)
        # another process's reader may be summing the old rollups right now: they stay
        store.keyword_counts()
        names = {p.name for p in cache.glob("*.parquet")}
        assert set(old) < names and len(names) == 4
        c.purge_retired(ws, grace_s=0)
        store.keyword_counts()
        assert len(list(cache.glob("*.parquet"))) == 1


def test_the_next_enrichment_deletes_replaced_files_past_their_grace(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = workspace
    _small_imports(ws, tmp_path, {"2026-03": 3})
    listed = ws.enriched_files()
    c.compact(ws, min_files=2)
    _small_imports_offset(ws, tmp_path, 1, 5)  # within the grace: kept
    assert all(f.exists() for f in listed) and len(ws.retired_enriched()) == 3
    monkeypatch.setattr(c, "GRACE_S", 0.0)  # the grace over
    monkeypatch.setattr(c.purge_retired, "__defaults__", (0.0,))
    _small_imports_offset(ws, tmp_path, 1, 5)
    assert not any(f.exists() for f in listed) and ws.retired_enriched() == []

"""The analytics store: engine names, reading the Hive-partitioned enriched Parquet on DuckDB and
on Spark, and the empty-store error."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from enriched_ledger import commit_enriched
from socialops.domain.post import ENRICHED_SCHEMA
from socialops.errors import DataError, EngineError
from socialops.store.analytics import (
    EMPTY_STORE,
    EngineSpec,
    fetch_arrow,
    open_store,
    parse_engine,
)
from socialops.store.workspace import Workspace

FILE_SCHEMA = pa.schema([f for f in ENRICHED_SCHEMA if f.name != "month"])


def _write(ws: Workspace, month: str, part: str, rows: list[dict[str, Any]]) -> None:
    folder = ws.enriched_dir / f"month={month}"
    folder.mkdir(parents=True, exist_ok=True)
    base = {"kind": "post", "source_file": "f.csv", "source_row": 1, "import_id": "i"}
    table = pa.Table.from_pylist([{**base, **r} for r in rows], schema=FILE_SCHEMA)
    pq.write_table(table, folder / f"{part}.parquet")
    commit_enriched(ws)


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    ws = Workspace.open(tmp_path_factory.mktemp("store") / "ws")
    d = dt.date
    _write(
        ws,
        "2024-01",
        "a",
        [
            {"platform": "twitter", "post_id": "1", "lang": "ko", "day": d(2024, 1, 3)},
            {"platform": "twitter", "post_id": "2", "lang": "en", "day": d(2024, 1, 31)},
        ],
    )
    _write(ws, "2024-01", "b", [{"platform": "x", "post_id": "3", "day": d(2024, 1, 9)}])
    _write(
        ws, "2024-02", "a", [{"platform": "x", "post_id": "4", "day": d(2024, 2, 1), "lang": "ko"}]
    )
    _write(ws, "undated", "a", [{"platform": "x", "post_id": "5", "keywords": ["키워드"]}])
    return ws


@pytest.mark.parametrize(
    ("name", "spec"),
    [
        ("duckdb", EngineSpec("duckdb")),
        ("", EngineSpec("duckdb")),
        (" DuckDB ", EngineSpec("duckdb")),
        ("spark", EngineSpec("spark", "local[*]")),
        ("spark://node1:7077", EngineSpec("spark", "spark://node1:7077")),
        ("spark://10.0.0.5:7077", EngineSpec("spark", "spark://10.0.0.5:7077")),
    ],
)
def test_parse_engine(name: str, spec: EngineSpec) -> None:
    assert parse_engine(name) == spec


@pytest.mark.parametrize("name", ["postgres", "sqlite", "duck", "local[*]"])
def test_unknown_engine(name: str) -> None:
    with pytest.raises(EngineError, match="use duckdb, spark or spark://HOST:PORT"):
        parse_engine(name)


@pytest.mark.parametrize(
    "name",
    [
        "spark://",
        "spark://host",
        "spark://host:",
        "spark://host:0",
        "spark://h:99999",
        "spark://host:7077/x",
        "spark://-bad:7077",
    ],
)
def test_bad_spark_master(name: str) -> None:
    with pytest.raises(EngineError, match="spark://HOST:PORT"):
        parse_engine(name)


def test_spark_without_java(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from socialops.store import spark

    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no java here
    with pytest.raises(EngineError, match=r"Spark needs Java 17\+.*apt-get install"):
        spark.get_spark("local[1]")  # a master no session runs, so nothing cached answers


def test_empty_store(tmp_path: Path, engine: str) -> None:
    ws = Workspace.open(tmp_path / "ws")
    with open_store(ws, engine) as store, pytest.raises(DataError) as err:
        store.posts()
    assert err.value.code == EMPTY_STORE == "store.empty"
    assert "import" in err.value.text("en") and "가져와" in err.value.text("ko")


def test_reads_hive_partitions(ws: Workspace, engine: str) -> None:
    store = open_store(ws, engine)
    try:
        t = store.posts()
        assert set(t.columns) == set(ENRICHED_SCHEMA.names)
        assert t.schema()["month"].is_string()
        assert t.schema()["day"].is_date()
        assert t.schema()["keywords"].is_array()
        rows = fetch_arrow(t.select("post_id", "month", "day").order_by("post_id")).to_pylist()
        assert rows == [
            {"post_id": "1", "month": "2024-01", "day": dt.date(2024, 1, 3)},
            {"post_id": "2", "month": "2024-01", "day": dt.date(2024, 1, 31)},
            {"post_id": "3", "month": "2024-01", "day": dt.date(2024, 1, 9)},
            {"post_id": "4", "month": "2024-02", "day": dt.date(2024, 2, 1)},
            {"post_id": "5", "month": "undated", "day": None},
        ]
        kw = fetch_arrow(t.filter(t.post_id == "5").select("keywords")).to_pylist()
        assert kw == [{"keywords": ["키워드"]}]
    finally:
        store.close()


def test_keyword_rollup_follows_the_files(tmp_path: Path, engine: str) -> None:
    ws = Workspace.open(tmp_path / "ws")
    _write(ws, "2024-01", "a", [{"platform": "x", "post_id": "1", "keywords": ["a", "b"]}])
    _write(ws, "2024-02", "a", [{"platform": "x", "post_id": "2", "keywords": ["b", ""]}])
    _write(ws, "undated", "a", [{"platform": "x", "post_id": "3", "keywords": []}])
    rollups = ws.root / "cache" / "keyword_counts"

    def counts() -> dict[str, int]:
        with open_store(ws, engine) as store:
            kc = store.keyword_counts()
            agg = kc.group_by("keyword").aggregate(posts=kc.posts.sum())
            return {r["keyword"]: r["posts"] for r in fetch_arrow(agg).to_pylist()}

    assert counts() == {"a": 1, "b": 2}
    assert len(list(rollups.glob("*.parquet"))) == 3
    _write(ws, "2024-02", "b", [{"platform": "x", "post_id": "4", "keywords": ["c", "b"]}])
    assert counts() == {"a": 1, "b": 3, "c": 1}
    assert len(list(rollups.glob("*.parquet"))) == 4
    (ws.enriched_dir / "month=2024-01" / "a.parquet").unlink()
    assert counts() == {"b": 2, "c": 1}
    assert len(list(rollups.glob("*.parquet"))) == 3


def _cli(argv: list[str]) -> int:
    from socialops.cli.main import main

    try:
        main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def test_stats_command(ws: Workspace, engine: str, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    where = ["--workspace", str(ws.root)]
    assert _cli([*where, "stats", "--engine", engine, "--json", "--top", "1"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["totals"]["posts"] == 5
    assert out["top_keywords"] == [{"keyword": "키워드", "posts": 1}]
    assert _cli([*where, "stats", "--engine", engine]) == 0
    assert "Top keywords" in capsys.readouterr().out


def test_stats_command_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli(["--workspace", str(tmp_path / "none"), "stats"]) == 3
    assert "There is no workspace" in capsys.readouterr().err
    Workspace.open(tmp_path / "empty")
    assert _cli(["--workspace", str(tmp_path / "empty"), "stats"]) == 3
    assert "No enriched posts yet" in capsys.readouterr().err
    assert _cli(["--workspace", str(tmp_path / "empty"), "stats", "--engine", "oracle"]) == 2
    assert "Unknown engine 'oracle'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("value", "long_lived", "on"),
    [(None, False, True), (None, True, False), ("1", True, True), ("1", False, True),
     ("0", False, False), ("0", True, False)],
)  # fmt: skip
def test_the_parquet_metadata_cache_follows_the_setting(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    value: str | None,
    long_lived: bool,
    on: bool,
) -> None:
    """A command's connection keeps footers unless told not to; a server's (long-lived)
    does not unless told to."""
    if value is None:
        monkeypatch.delenv("SOCIALOPS_PARQUET_METADATA_CACHE", raising=False)
    else:
        monkeypatch.setenv("SOCIALOPS_PARQUET_METADATA_CACHE", value)
    ws = Workspace.open(tmp_path / "ws")
    with open_store(ws, "duckdb", long_lived=long_lived) as store:
        got = store.con.raw_sql("SELECT current_setting('parquet_metadata_cache')").fetchone()
    assert got is not None and bool(got[0]) is on

"""Enrichment on a real Spark standalone cluster (``--engine spark://127.0.0.1:PORT``, the
session's cluster from tests/spark_cluster.py): the executors, in their own JVMs and Python
workers, read the raw parts by absolute path and write the enriched files, row for row what the
local engine writes; then the stats and the main analyses over what the cluster wrote and
cached (its keyword rollups and topic matches) are DuckDB's.

Every stats and listening query test of the shared engine suite runs on the cluster too: it is
the ``engine`` fixture's third engine, ``spark-cluster`` (tests/conftest.py).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import text

from analytics_cases import AIRLINE_TZ, AIRLINES
from socialops.domain.post import POST_SCHEMA
from socialops.listen import stats
from socialops.listen.analyses import run_analysis
from socialops.listen.ingest import import_file
from socialops.listen.scope import Scope, resolve
from socialops.listen.topics import add_topic, list_topics
from socialops.nlp.pipeline import enrich_batches
from socialops.sources.enrich import enrich_workspace
from socialops.store.analytics import open_store
from socialops.store.workspace import Workspace
from workspace_copy import copy_workspace

pytestmark = [pytest.mark.spark, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "spark-cluster.sh"
SAMPLE_ROWS = 600  # tweets of the airline data set: one month file, a few days
ANALYSES_ON_CLUSTER = ("volume", "sentiment", "assoc")  # sov: volume's matches again


def _sample(src: Path, out: Path) -> Path:
    """The first SAMPLE_ROWS tweets (csv-aware: texts hold line breaks)."""
    with (
        src.open(encoding="utf-8", newline="") as fin,
        out.open("w", encoding="utf-8", newline="") as fout,
    ):
        reader, writer = csv.reader(fin), csv.writer(fout)
        writer.writerow(next(reader))
        for i, row in enumerate(reader):
            if i >= SAMPLE_ROWS:
                break
            writer.writerow(row)
    return out


@pytest.fixture(scope="module")
def pair(
    spark_cluster: str,
    tmp_path_factory: pytest.TempPathFactory,
    shared_file: Callable[[str], Path],
) -> tuple[Workspace, Workspace]:
    """``(duckdb, cluster)``: the sample enriched on the cluster, and a copy of that workspace
    without its caches for DuckDB, so each engine builds its own keyword rollups and topic
    matches from the same enriched files (whose rows test_cluster_enrichment_* checks)."""
    root = tmp_path_factory.mktemp("cluster-pair")
    sample = _sample(shared_file("airline_tweets/Tweets.csv"), root / "tweets.csv")
    cluster = Workspace.open(root / "cluster")
    import_file(cluster, sample, preset="airline-tweets")
    for topic, query in AIRLINES.items():
        add_topic(cluster, topic, query, "brand")
    result = enrich_workspace(cluster, engine=spark_cluster, tz=AIRLINE_TZ)
    assert result.rows > SAMPLE_ROWS * 0.9
    duck = Workspace.open(copy_workspace(cluster.root, root / "duckdb", "cache", "tmp"))
    return duck, cluster


def _files(files: list[Path], drop: tuple[str, ...], schema: pa.Schema | None = None) -> pa.Table:
    tables = [pq.read_table(f, schema=schema) for f in files]
    return pa.concat_tables(tables).drop_columns(list(drop))


def test_cluster_enrichment_same_as_local(pair: tuple[Workspace, Workspace]) -> None:
    """The cluster's executors enrich every row as the local engine does: the same
    ``enrich_batches`` over the raw parts, here in this process (the DuckDB engine runs it in
    its process pool). ``enriched_by`` names the run, ``month`` is the files' folder."""
    _, cluster = pair
    with cluster.connect() as conn:
        parts = conn.execute(text("SELECT part FROM raw_parts ORDER BY part")).scalars().all()
        engines = conn.execute(text("SELECT engine FROM enrich_runs")).scalars().all()
    assert engines and all(e.startswith("spark://127.0.0.1:") for e in engines)
    raw = _files([cluster.raw_path(p) for p in parts], (), POST_SCHEMA)
    want = pa.Table.from_batches(list(enrich_batches(raw.to_batches(), AIRLINE_TZ)))
    got = _files(cluster.enriched_files(), ("enriched_by",))
    want = want.drop_columns(["enriched_by", "month"]).select(got.column_names)
    order = [("platform", "ascending"), ("post_id", "ascending")]
    got, want = got.sort_by(order), want.sort_by(order)
    assert got.num_rows == want.num_rows > SAMPLE_ROWS * 0.9
    for name in want.column_names:
        assert got.column(name).to_pylist() == want.column(name).to_pylist(), name


def _stats(ws: Workspace, engine: str) -> Any:
    with open_store(ws, engine) as store:
        result = stats.summary(store.posts(), 20, store.keyword_counts())
    return json.loads(json.dumps(result, default=str, sort_keys=True))


def test_cluster_stats_same_as_duckdb(
    pair: tuple[Workspace, Workspace], spark_cluster: str
) -> None:
    duck, cluster = pair
    got = _stats(cluster, spark_cluster)  # the rollups built on the cluster
    assert got == _stats(duck, "duckdb")
    assert got["totals"]["posts"] > SAMPLE_ROWS * 0.9
    assert got["top_keywords"], "no keyword counted"


def _analysis(ws: Workspace, engine: str, name: str) -> Any:
    with open_store(ws, engine) as store:
        scope = resolve(store, Scope(every="day"))
        result = run_analysis(name, store, scope, list_topics(ws))
    return json.loads(json.dumps(result, default=str, sort_keys=True))


@pytest.mark.parametrize("name", ANALYSES_ON_CLUSTER)
def test_cluster_listening_same_as_duckdb(
    pair: tuple[Workspace, Workspace], spark_cluster: str, name: str
) -> None:
    duck, cluster = pair
    got = _analysis(cluster, spark_cluster, name)  # topic matches cached by the cluster
    assert got == _analysis(duck, "duckdb", name)
    assert got["results"], name

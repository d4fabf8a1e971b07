"""The analytics engines' third member, ``spark-cluster``: a real Spark standalone cluster (a master
and two one-core workers started by ``scripts/spark-cluster.sh`` on free loopback ports) running
``--engine spark://127.0.0.1:PORT``. Enrichment of a small real sample, every stats query and
the main listening analyses give on it exactly what DuckDB gives.

A representative subset of the shared engine suite (tests/listen/test_engines.py runs every
analysis on ``duckdb`` and ``local[*]``): the cluster adds what ``local[*]`` cannot show —
executors in their own JVMs and Python workers, reading the store by absolute path and writing
enrichment output from the executors.
"""

from __future__ import annotations

import csv
import json
import os
import socket
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from analytics_cases import AIRLINE_TZ, AIRLINES
from socialops.errors import EngineError
from socialops.listen import stats
from socialops.listen.analyses import run_analysis
from socialops.listen.ingest import import_file
from socialops.listen.scope import Scope, resolve
from socialops.listen.topics import add_topic, list_topics
from socialops.sources.enrich import enrich_workspace
from socialops.store.analytics import open_store
from socialops.store.spark import get_spark, stop_spark
from socialops.store.workspace import Workspace

pytestmark = [pytest.mark.spark, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "spark-cluster.sh"
SAMPLE_ROWS = 600  # tweets of the airline data set: one month file, a few days
ANALYSES_ON_CLUSTER = ("volume", "sentiment", "assoc", "influencers")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _unavailable(msg: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(msg)
    pytest.skip(msg)


@pytest.fixture(scope="session")
def spark_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A master and two workers on free loopback ports; yields the master URL. Ends with the
    session (and with this process, should it die: SPARK_CLUSTER_WATCH_PID)."""
    run_dir = tmp_path_factory.mktemp("spark-cluster")
    env = {
        **os.environ,
        "SPARK_MASTER_PORT": str(_free_port()),
        "SPARK_MASTER_WEBUI_PORT": str(_free_port()),
        "SPARK_WORKER_MEMORY": "1g",
        "SPARK_CLUSTER_WATCH_PID": str(os.getpid()),
        "SPARK_CLUSTER_TIMEOUT": "120",
    }
    cmd = [str(SCRIPT), "--dir", str(run_dir)]
    started = subprocess.run(
        [*cmd, "start"], env=env, capture_output=True, text=True, timeout=200, check=False
    )
    if started.returncode != 0:
        _unavailable(f"the Spark cluster did not start: {started.stderr.strip()[-400:]}")
    master = started.stdout.strip().rpartition("MASTER=")[2]
    assert master == f"spark://127.0.0.1:{env['SPARK_MASTER_PORT']}"
    try:
        try:
            get_spark(master)
        except EngineError as exc:
            _unavailable(str(exc))
        yield master
    finally:
        stop_spark(master)
        subprocess.run([*cmd, "stop"], env=env, capture_output=True, timeout=60, check=False)


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
    """The same sample in two workspaces: enriched on DuckDB's local pool, and on the cluster."""
    root = tmp_path_factory.mktemp("cluster-pair")
    sample = _sample(shared_file("airline_tweets/Tweets.csv"), root / "tweets.csv")
    out = []
    for name, engine in (("duckdb", "duckdb"), ("cluster", spark_cluster)):
        ws = Workspace.open(root / name)
        import_file(ws, sample, preset="airline-tweets")
        result = enrich_workspace(ws, engine=engine, workers=1, tz=AIRLINE_TZ)
        assert result.rows > 0
        for topic, query in AIRLINES.items():
            add_topic(ws, topic, query, "brand")
        out.append(ws)
    return out[0], out[1]


def _enriched(ws: Workspace) -> pa.Table:
    cols = [
        c
        for c in pq.read_schema(ws.enriched_files()[0]).names
        if c not in ("enriched_by", "import_id")
    ]
    table = pa.concat_tables(pq.read_table(f, columns=cols) for f in ws.enriched_files())
    return table.sort_by([("platform", "ascending"), ("post_id", "ascending")])


def test_cluster_enrichment_same_as_duckdb(pair: tuple[Workspace, Workspace]) -> None:
    duck, cluster = pair
    got, want = _enriched(cluster), _enriched(duck)
    assert got.num_rows == want.num_rows > SAMPLE_ROWS * 0.9
    for name in want.column_names:
        assert got.column(name).to_pylist() == want.column(name).to_pylist(), name
    # the cluster's run is recorded under the engine it ran on
    with cluster.connect() as conn:
        from sqlalchemy import text

        engines = conn.execute(text("SELECT engine FROM enrich_runs")).scalars().all()
    assert engines and all(e.startswith("spark://127.0.0.1:") for e in engines)


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

"""The shared engine suite: every listening analysis gives on each engine — DuckDB, local Spark and
a Spark standalone cluster (``spark-cluster``, the session's: tests/spark_cluster.py) — the
result it gives on DuckDB, the reference (real data). On DuckDB itself: the same result again
from a fresh connection over the caches the first run left."""

from __future__ import annotations

import json
from typing import Any

import pytest

from analytics_cases import ENGINES, REFERENCE_ENGINE, WITH_CLUSTER
from socialops.listen.analyses import ANALYSES, run_analysis
from socialops.listen.scope import Scope, resolve
from socialops.listen.topics import list_topics
from socialops.store.analytics import open_store
from socialops.store.workspace import Workspace

pytestmark = [pytest.mark.slow]


def _run(ws: Workspace, engine: str, name: str, every: str) -> Any:
    with open_store(ws, engine) as store:
        scope = resolve(store, Scope(every=every))
        result = run_analysis(name, store, scope, list_topics(ws))
    return json.loads(json.dumps(result, default=str, sort_keys=True))


@pytest.mark.parametrize("engine", WITH_CLUSTER, indirect=True)
@pytest.mark.parametrize("name", list(ANALYSES))
def test_airline_same_as_reference(airline_ws: Workspace, engine: str, name: str) -> None:
    got = _run(airline_ws, engine, name, "day")
    assert got == _run(airline_ws, REFERENCE_ENGINE, name, "day")
    assert got["results"], name


# The cluster runs every analysis on the airline tweets and the Korean reviews' volume (Korean
# text and its morpheme matching through the executors); the other Korean analyses run on
# DuckDB and local Spark, the same SQL as on the cluster (a minute of CI less).
@pytest.mark.parametrize(
    ("engine", "name"),
    [
        *[
            pytest.param(*e.values, n, marks=e.marks) if hasattr(e, "values") else (e, n)
            for e in ENGINES
            for n in ("volume", "sentiment", "assoc", "spikes")
        ],
        pytest.param("spark-cluster", "volume", marks=[pytest.mark.spark, pytest.mark.slow]),
    ],
    indirect=["engine"],
)
def test_korean_same_as_reference(nsmc_ws: Workspace, engine: str, name: str) -> None:
    assert _run(nsmc_ws, engine, name, "week") == _run(nsmc_ws, REFERENCE_ENGINE, name, "week")

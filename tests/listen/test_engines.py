"""The shared engine suite: every listening analysis gives on each engine — DuckDB, local Spark and
a Spark standalone cluster (``spark-cluster``, the session's: tests/spark_cluster.py) — the
result it gives on DuckDB, the reference (real data). On DuckDB itself: the same result again
from a fresh connection over the caches the first run left."""

from __future__ import annotations

import json
from typing import Any

import pytest

from analytics_cases import REFERENCE_ENGINE, WITH_CLUSTER
from socialops.listen.analyses import ANALYSES, run_analysis
from socialops.listen.scope import Scope, resolve
from socialops.listen.topics import list_topics
from socialops.store.analytics import open_store
from socialops.store.workspace import Workspace

pytestmark = [pytest.mark.slow, pytest.mark.parametrize("engine", WITH_CLUSTER, indirect=True)]


def _run(ws: Workspace, engine: str, name: str, every: str) -> Any:
    with open_store(ws, engine) as store:
        scope = resolve(store, Scope(every=every))
        result = run_analysis(name, store, scope, list_topics(ws))
    return json.loads(json.dumps(result, default=str, sort_keys=True))


@pytest.mark.parametrize("name", list(ANALYSES))
def test_airline_same_as_reference(airline_ws: Workspace, engine: str, name: str) -> None:
    got = _run(airline_ws, engine, name, "day")
    assert got == _run(airline_ws, REFERENCE_ENGINE, name, "day")
    assert got["results"], name


@pytest.mark.parametrize("name", ["volume", "sentiment", "assoc", "spikes"])
def test_korean_same_as_reference(nsmc_ws: Workspace, engine: str, name: str) -> None:
    assert _run(nsmc_ws, engine, name, "week") == _run(nsmc_ws, REFERENCE_ENGINE, name, "week")

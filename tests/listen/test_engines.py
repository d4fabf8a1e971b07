"""Every listening analysis gives the same result on DuckDB and on Spark (real data)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from socialops.listen.analyses import ANALYSES, run_analysis
from socialops.listen.scope import Scope, resolve
from socialops.listen.topics import list_topics
from socialops.store.analytics import open_store
from socialops.store.workspace import Workspace

pytestmark = [pytest.mark.spark, pytest.mark.slow]


def _run(ws: Workspace, engine: str, name: str, every: str) -> Any:
    with open_store(ws, engine) as store:
        scope = resolve(store, Scope(every=every))
        result = run_analysis(name, store, scope, list_topics(ws))
    return json.loads(json.dumps(result, default=str, sort_keys=True))


@pytest.mark.parametrize("name", list(ANALYSES))
def test_airline_same_on_both_engines(spark_ready: None, airline_ws: Workspace, name: str) -> None:
    duck = _run(airline_ws, "duckdb", name, "day")
    spark = _run(airline_ws, "spark", name, "day")
    assert duck == spark
    assert duck["results"], name


@pytest.mark.parametrize("name", ["volume", "sentiment", "assoc", "spikes"])
def test_korean_same_on_both_engines(spark_ready: None, nsmc_ws: Workspace, name: str) -> None:
    assert _run(nsmc_ws, "duckdb", name, "week") == _run(nsmc_ws, "spark", name, "week")

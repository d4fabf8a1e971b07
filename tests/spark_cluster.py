"""The session's Spark standalone cluster (issue 18): a master and two one-core workers started by
``scripts/spark-cluster.sh`` on free loopback ports. The shared engine suite's third engine,
``spark-cluster`` (tests/conftest.py's ``engine`` fixture), and the cluster's enrichment test
(tests/store/test_spark_cluster.py) run on it."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from platform_servers import free_ports
from socialops.errors import EngineError
from socialops.store.spark import get_spark, stop_spark

__all__ = ["spark_cluster"]

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "spark-cluster.sh"


def _unavailable(msg: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(msg)
    pytest.skip(msg)


@pytest.fixture(scope="session")
def spark_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A master and two workers on free loopback ports; yields the master URL. Ends with the
    session (and with this process, should it die: SPARK_CLUSTER_WATCH_PID)."""
    run_dir = tmp_path_factory.mktemp("spark-cluster")
    master_port, ui_port = free_ports(2)
    env = {
        **os.environ,
        "SPARK_MASTER_PORT": str(master_port),
        "SPARK_MASTER_WEBUI_PORT": str(ui_port),
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

"""A quiet, offline-friendly local Spark session for the analytics store.

``get_spark()`` starts one :class:`pyspark.sql.SparkSession` per master URL and reuses it;
``stop_spark()`` stops it. Spark is optional: a missing PySpark, a missing ``java`` or a start that
fails becomes an :class:`~socialops.errors.EngineError` with a line that says what to do.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

from socialops.errors import EngineError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

__all__ = ["get_spark", "log_path", "spark_conf", "stop_spark"]

_lock = threading.Lock()
_sessions: dict[str, SparkSession] = {}

# Settings for a laptop or a CI box: no UI, no network lookups, few shuffle partitions (the
# store's queries aggregate small results), Arrow transfers, UTC everywhere.
_CONF: dict[str, str] = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.shuffle.partitions": "4",
    "spark.default.parallelism": "4",
    "spark.sql.adaptive.enabled": "true",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.execution.arrow.pyspark.fallback.enabled": "true",
    "spark.sql.sources.partitionColumnTypeInference.enabled": "false",
    "spark.sql.parquet.enableVectorizedReader": "true",
    "spark.driver.memory": "2g",
    "spark.sql.warehouse.dir": os.path.join(
        os.environ.get("TMPDIR", "/tmp"), "socialops-spark-warehouse"
    ),
    "spark.jars.ivy": os.path.join(os.environ.get("TMPDIR", "/tmp"), "socialops-spark-ivy"),
    "spark.eventLog.enabled": "false",
    "spark.sql.catalogImplementation": "in-memory",
}

# The driver listens on loopback for ``local[*]`` and for a cluster on this machine
# (``spark://127.0.0.1:PORT``, scripts/spark-cluster.sh). A cluster on other machines has to
# reach the driver: its address is then Spark's own choice (the host's address, or
# SPARK_LOCAL_IP / spark.driver.host in $SPARK_CONF_DIR/spark-defaults.conf when set).
_LOOPBACK_CONF: dict[str, str] = {
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
}
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


def _on_this_machine(master: str) -> bool:
    """Whether ``master`` runs here: ``local…`` or a ``spark://`` URL on a loopback host."""
    if not master.startswith("spark://"):
        return True
    host = master.removeprefix("spark://").rsplit(":", 1)[0].lower()
    return host in _LOOPBACK_HOSTS or host.startswith("127.")


def spark_conf(master: str) -> dict[str, str]:
    """The settings a session for ``master`` starts with."""
    conf = dict(_CONF)
    if _on_this_machine(master):
        conf.update(_LOOPBACK_CONF)
    return conf


def _java_major() -> int | None:
    """The major version of the ``java`` on PATH (or under JAVA_HOME), None when there is none."""
    home = os.environ.get("JAVA_HOME")
    java = os.path.join(home, "bin", "java") if home else shutil.which("java")
    if not java or not os.path.exists(java):
        return None
    try:
        out = subprocess.run(
            [java, "-version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    text = out.stderr or out.stdout
    # e.g. 'openjdk version "17.0.15" 2025-04-15' or 'java version "1.8.0_381"'
    for part in text.split('"')[1:2]:
        nums = part.split(".")
        try:
            major = int(nums[0])
            return int(nums[1]) if major == 1 and len(nums) > 1 else major
        except ValueError:
            return 0
    return 0


def get_spark(master: str = "local[*]") -> SparkSession:
    """The Spark session for ``master`` (``local[*]`` or ``spark://HOST:PORT``), started once."""
    with _lock:
        session = _sessions.get(master)
        if session is not None and not _stopped(session):
            return session
        try:
            from pyspark.sql import SparkSession  # lazy: optional dependency, seconds to import
        except ImportError as exc:
            raise EngineError(code="engine.no_pyspark") from exc
        major = _java_major()
        if major is None:
            raise EngineError(code="engine.no_java")
        if 0 < major < 17:
            raise EngineError(code="engine.old_java", major=major)
        # one SparkContext per process: a session for another master has to go first
        for other in list(_sessions):
            _sessions.pop(other).stop()
        # executors start their Python workers with the driver's PYSPARK_PYTHON: this venv's
        # python, which imports socialops (a cluster's machines need it at the same path)
        os.environ.setdefault("PYSPARK_PYTHON", _python())
        if _on_this_machine(master):
            os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        for name in ("py4j", "pyspark"):
            logging.getLogger(name).setLevel(logging.ERROR)
        builder = SparkSession.builder.master(master).appName("socialops")
        for key, value in spark_conf(master).items():
            builder = builder.config(key, value)
        try:
            with _jvm_stderr_to(log_path()):
                session = builder.getOrCreate()
        except Exception as exc:  # py4j / JVM start failures come in many types
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise EngineError(
                code="engine.spark_start", master=master, detail=first, log=str(log_path())
            ) from exc
        session.sparkContext.setLogLevel("ERROR")
        _sessions[master] = session
        return session


def stop_spark(master: str | None = None) -> None:
    """Stop the session for ``master`` (all sessions when None)."""
    with _lock:
        masters = list(_sessions) if master is None else [master]
        for m in masters:
            session = _sessions.pop(m, None)
            if session is not None:
                session.stop()


def _stopped(session: SparkSession) -> bool:
    try:
        return session.sparkContext._jsc is None  # set to None by SparkContext.stop()
    except Exception:
        return True


def log_path() -> str:
    """Where the JVM's own console output (banner, warnings, errors) goes."""
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return os.path.join(tempfile.gettempdir(), f"socialops-spark-{uid}.log")


@contextlib.contextmanager
def _jvm_stderr_to(path: str) -> Iterator[None]:
    """Point file descriptor 2 at ``path`` while the JVM starts, so the JVM (which inherits it)
    logs there for its whole life and the user's console stays quiet."""
    sys.stderr.flush()
    with contextlib.suppress(OSError):
        if os.path.getsize(path) > 8 * 2**20:  # keep the log small: start it afresh
            os.truncate(path, 0)
    saved = os.dup(2)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.dup2(fd, 2)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        os.close(fd)


def _python() -> str:
    return sys.executable

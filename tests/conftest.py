"""Shared fixtures.

Tests that need the real sample data use the ``data_dir`` fixture (or ``shared_file``): they
skip on a developer machine without it, and FAIL when ``CI=true`` (CI always has the data).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from socialops.store.workspace import Workspace

REPO = Path(__file__).resolve().parents[1]


def _data_dir() -> Path:
    env = os.environ.get("SOCIALOPS_DATA_DIR")
    return Path(env) if env else (REPO.parent / "shared" / "data")


@pytest.fixture(scope="session")
def data_dir() -> Path:
    d = _data_dir()
    if not d.is_dir():
        msg = f"shared sample data not found at {d} (set SOCIALOPS_DATA_DIR)"
        if os.environ.get("CI") == "true":
            pytest.fail(msg)
        pytest.skip(msg)
    return d


@pytest.fixture(scope="session")
def shared_file(data_dir: Path) -> Callable[[str], Path]:
    """``shared_file("nsmc/reviews.tsv.gz")`` → the path, failing in CI when it is missing."""

    def get(rel: str) -> Path:
        p = data_dir / rel
        if not p.exists():
            msg = f"shared data file missing: {p}"
            if os.environ.get("CI") == "true":
                pytest.fail(msg)
            pytest.skip(msg)
        return p

    return get


@pytest.fixture(scope="session")
def spark_ready() -> Iterator[None]:
    """One local Spark session for the whole run (its start is slow); fails in CI without Java."""
    from socialops.errors import EngineError
    from socialops.store.spark import get_spark

    try:
        get_spark()
    except EngineError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    yield


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """A fresh, empty workspace in a temporary folder (also set as SOCIALOPS_HOME)."""
    root = tmp_path / "ws"
    monkeypatch.setenv("SOCIALOPS_HOME", str(root))
    return Workspace.open(root)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run every Spark test in one xdist worker, so one JVM serves them all."""
    for item in items:
        if item.get_closest_marker("spark") is not None:
            item.add_marker(pytest.mark.xdist_group("spark"))

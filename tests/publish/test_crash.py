"""The crash benchmark, small: 40 posts due over a real mastodon-mock, a manual profile and (when
it can start here) the real local Bluesky PDS; the worker subprocess is killed with SIGKILL at
random moments 4 times and restarted until idle; then the servers are counted: every post
exactly once, none lost, every state final (``bench/publish_crash.py`` is the full run)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from databases import PG_URL, require_postgres

REPO = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("mastodon_mock")]


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


bench = _load("publish_crash_bench", REPO / "bench" / "publish_crash.py")


def _check(out: dict[str, Any], posts: int, kills: int) -> None:
    assert out["kills"] == kills, out
    assert (out["duplicates"], out["lost"], out["unexpected"], out["unfinished"]) == (0, 0, 0, 0)
    assert out["published"] + out["tasks"] == posts, out
    assert out["on_server"] == out["published"], out


@pytest.mark.parametrize(
    ("posts", "kills", "user", "on_postgres"),
    [
        pytest.param(40, 4, "sora", False, id="sqlite-kill-9-at-random-moments"),
        pytest.param(30, 3, "jun", True, id="two-workers-racing-on-postgresql"),
    ],
)
def test_kill_9_loses_nothing_and_sends_nothing_twice(
    mastodon_mock: Any,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    posts: int,
    kills: int,
    user: str,
    on_postgres: bool,
) -> None:
    """On SQLite with the local Bluesky PDS when it starts here; on PostgreSQL two workers
    race for the same posts."""
    pds: str | None = None
    if on_postgres:
        require_postgres()
    else:
        try:
            pds = request.getfixturevalue("local_pds")
        except pytest.skip.Exception:  # no local Bluesky network on this machine (CI fails)
            pds = None
    out = bench.run_bench(
        posts,
        kills,
        mastodon_url=mastodon_mock.base_url,
        mastodon_token=mastodon_mock.tokens[user],
        pds_url=pds,
        pg_url=PG_URL if on_postgres else None,
        lease_s=2.0,
        kill_within_s=0.4,
        home=tmp_path / "ws",
        max_s=300,
    )
    _check(out, posts, kills)
    if on_postgres:
        assert (out["workers"], out["database"]) == (2, "postgresql")
    else:
        assert out["profiles"] == (3 if pds else 2)

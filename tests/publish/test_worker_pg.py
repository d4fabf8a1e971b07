"""Workers racing on one workspace database never send a post twice: on PostgreSQL each claims
with ``FOR UPDATE SKIP LOCKED`` (row leases, no global lock), on SQLite the claim is serialised.
Several ``run_worker(until_idle=True)`` threads share one workspace and a counting connector
(registered under a test platform name): every post is published exactly once."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

import pytest

from socialops.connectors import profiles as prof
from socialops.connectors.core import (
    Connector,
    Identity,
    OutgoingPost,
    PlatformLimits,
    Published,
)
from socialops.connectors.registry import REGISTRY
from socialops.publish import queue
from socialops.publish.worker import RunResult, run_worker
from socialops.store.workspace import Workspace

POSTS = 60
THREADS = 4


class CountingPlatform(Connector):
    """Counts every publish call per idempotency key (a duplicate is a count of 2)."""

    platform: ClassVar[str] = "test-counting"
    limits: ClassVar[PlatformLimits] = PlatformLimits(max_chars=300)
    calls: ClassVar[Counter[str]] = Counter()
    by_worker: ClassVar[Counter[str]] = Counter()
    lock = threading.Lock()

    def __init__(self, settings: Mapping[str, str], secrets: Mapping[str, str]) -> None:
        super().__init__(settings, secrets)

    def check(self) -> Identity:
        return Identity(account_id="c", handle="counting")

    def publish(self, post: OutgoingPost, key: str) -> Published:
        time.sleep(0.003)  # a platform call takes a moment: the workers overlap
        with self.lock:
            self.calls[key] += 1
            self.by_worker[threading.current_thread().name] += 1
        return Published(remote_id=key, url=f"https://count.test/{key}")

    def find(self, key: str, post: OutgoingPost | None = None) -> Published | None:
        return Published(key, f"https://count.test/{key}") if self.calls[key] else None

    def delete(self, remote_id: str) -> None:
        return None


REGISTRY.add(CountingPlatform)


def test_racing_workers_publish_every_post_exactly_once(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "ws"
    monkeypatch.setenv("SOCIALOPS_HOME", str(root))
    ws = Workspace.open(root)
    assert (ws.db.schema is not None) == (database == "postgresql")
    CountingPlatform.calls.clear()
    CountingPlatform.by_worker.clear()
    for name in ("a", "b"):
        prof.connect(ws, name=name, platform="test-counting", settings={}, secrets={})
    prof.connect(
        ws, name="blog", platform="manual", settings={"platform": "naver-blog"}, secrets={}
    )
    for i in range(POSTS // 2):
        queue.new_posts(ws, profiles=["a", "b", "blog"], text_=f"경주 {i}")
    results: list[RunResult] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            results.append(run_worker(ws, until_idle=True))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, name=f"w{i}") for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    posts = queue.list_posts(ws)
    sent = [p for p in posts if p.profile in ("a", "b")]
    assert len(sent) == POSTS
    assert {p.state for p in sent} == {"published"}
    assert {p.state for p in posts if p.profile == "blog"} == {"task"}
    assert set(CountingPlatform.calls) == {p.idem_key for p in sent}
    assert max(CountingPlatform.calls.values()) == 1  # nothing twice
    assert sum(r.published for r in results) == POSTS
    assert sum(r.tasks for r in results) == POSTS // 2
    assert sum(r.rounds for r in results) == POSTS + POSTS // 2  # each post claimed once
    if database == "postgresql":  # row leases: the workers really worked side by side
        assert len(CountingPlatform.by_worker) >= 2, CountingPlatform.by_worker

"""The signals between a server's processes (socialops.store.bus): within one process, through
the real Redis at 127.0.0.1:6379 between two buses (two processes' ends), after the commit of
what they announce, and a Redis that is down costing a writer nothing."""

from __future__ import annotations

import secrets
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from socialops.store.bus import RESYNC, Bus, after_commit, conn_key, database_key
from socialops.store.workspace import Workspace

REDIS = "redis://127.0.0.1:6379/0"


def _redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


class Heard:
    def __init__(self) -> None:
        self.items: list[tuple[str, bool]] = []
        self.got = threading.Event()

    def __call__(self, key: str, local: bool) -> None:
        self.items.append((key, local))
        self.got.set()


def test_local_signal_reaches_this_process_and_unsubscribes() -> None:
    b = Bus()
    heard = Heard()
    stop = b.subscribe("inbox", heard)
    b.publish("inbox", "w1")
    b.publish("other", "w2")
    assert heard.items == [("w1", True)]
    stop()
    b.publish("inbox", "w3")
    assert heard.items == [("w1", True)]
    assert not b.remote


def test_signal_crosses_processes_through_redis() -> None:
    if not _redis_up():
        pytest.fail("Redis is not running at 127.0.0.1:6379 (the team server's tests need it)")
    channel = f"socialops:test-{secrets.token_hex(4)}"
    a, b = Bus(REDIS, channel), Bus(REDIS, channel)
    other = Bus(REDIS, channel + "-other")  # another server on the same Redis
    try:
        at_a, at_b, at_other, resync = Heard(), Heard(), Heard(), Heard()
        a.subscribe("inbox", at_a)
        b.subscribe(RESYNC, resync)  # first: the listener starts with b's first subscription
        b.subscribe("inbox", at_b)
        other.subscribe("inbox", at_other)
        assert a.wait_connected(5) and b.wait_connected(5) and other.wait_connected(5)
        assert resync.got.wait(2)  # told once connected: what was sent before is unknown
        a.publish("inbox", "ws-key")
        assert at_b.got.wait(5), "the signal did not reach the other bus"
        assert at_b.items == [("ws-key", False)]
        time.sleep(0.3)
        assert at_a.items == [("ws-key", True)]  # not a second time through Redis
        assert at_other.items == []
    finally:
        for bus in (a, b, other):
            bus.close()


def test_redis_down_costs_the_writer_nothing() -> None:
    down = Bus("redis://127.0.0.1:9/0", "socialops:test-down")  # port 9: nothing listens
    try:
        heard = Heard()
        down.subscribe("inbox", heard)
        started = time.monotonic()
        for _ in range(50):
            down.publish("inbox", "k")
        assert time.monotonic() - started < 0.2
        assert len(heard.items) == 50  # this process's subscribers still hear it
        assert not down.wait_connected(0.5)
    finally:
        down.close()


def test_signal_after_commit_finds_the_row(tmp_path: Path, database: str) -> None:
    """The signal of a write goes out once its transaction committed: a reader woken by it
    (on another connection) sees the row."""
    from socialops.store import bus as bus_module

    ws = Workspace.open(tmp_path / "ws")
    key = database_key(ws.db)
    seen: list[int] = []

    def reader(k: str, _local: bool) -> None:
        if k == key:
            with ws.connect() as conn:
                seen.append(int(conn.execute(text("SELECT COUNT(*) FROM inbox_events")).scalar()))

    stop = bus_module.bus().subscribe("test-commit", reader)
    try:
        with ws.begin() as conn:
            assert conn_key(conn) == key
            conn.execute(
                text(
                    'INSERT INTO inbox_events (at, kind, conversation_id, "user", detail, '
                    "simulated) VALUES ('2026-01-01T00:00:00Z', 'note', 'c1', 'u', '{}', 0)"
                )
            )
            after_commit(conn, "test-commit", key)
            assert seen == []  # not before the commit
        assert seen == [1]
    finally:
        stop()

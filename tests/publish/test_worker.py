"""The worker's scheduling rules through the real queue, profiles and workspace database, with a
small connector registered under a test platform name (the real code path: registry, encrypted
secrets, claim, resolutions): a rate limit or a quota holds every post of the profile, persisted
across restarts; heartbeats are written; a held profile is released by the next success."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import ClassVar

import pytest
from sqlalchemy import text

from socialops.connectors import profiles as prof
from socialops.connectors.core import (
    Connector,
    ConnectorFailure,
    Identity,
    OutgoingPost,
    PlatformLimits,
    Published,
    Resolution,
)
from socialops.connectors.registry import REGISTRY
from socialops.publish import queue
from socialops.publish.watchdog import due_waiting, workers
from socialops.publish.worker import run_worker
from socialops.store.workspace import Workspace


class LimitedPlatform(Connector):
    """A platform that keeps what it was sent and answers the next ``answers`` first."""

    platform: ClassVar[str] = "test-limited"
    limits: ClassVar[PlatformLimits] = PlatformLimits(max_chars=300)
    sent: ClassVar[dict[str, str]] = {}
    answers: ClassVar[list[Resolution]] = []
    lock = threading.Lock()

    def __init__(self, settings: Mapping[str, str], secrets: Mapping[str, str]) -> None:
        super().__init__(settings, secrets)

    def check(self) -> Identity:
        return Identity(account_id="acct-1", handle="shop")

    def publish(self, post: OutgoingPost, key: str) -> Published:
        with self.lock:
            if self.answers:
                raise ConnectorFailure(self.answers.pop(0))
            self.sent.setdefault(key, post.text)
        return Published(remote_id=key, url=f"https://example.test/{key}")

    def find(self, key: str, post: OutgoingPost | None = None) -> Published | None:
        if key in self.sent:
            return Published(remote_id=key, url=f"https://example.test/{key}")
        return None

    def delete(self, remote_id: str) -> None:
        self.sent.pop(remote_id, None)


REGISTRY.add(LimitedPlatform)


@pytest.fixture
def shop(workspace: Workspace) -> prof.Profile:
    LimitedPlatform.sent.clear()
    LimitedPlatform.answers.clear()
    return prof.connect(
        workspace, name="shop", platform="test-limited", settings={}, secrets={"token": "t"}
    )


def _make_due(ws: Workspace) -> None:
    """Let every wait pass (the test does not wait minutes): posts' retry times and the
    profiles' rate limits."""
    past = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
    with ws.begin() as conn:
        conn.execute(text("UPDATE publish_posts SET next_try_at = :t"), {"t": past})
        conn.execute(text("UPDATE profiles SET limited_until = :t"), {"t": past})


@pytest.mark.parametrize("code", ["rate_limited", "quota"])
def test_a_rate_limit_holds_every_post_of_the_profile_across_restarts(
    workspace: Workspace, shop: prof.Profile, code: str
) -> None:
    for i in range(3):
        queue.new_posts(workspace, profiles=["shop"], text_=f"한도 {code} {i}")
    LimitedPlatform.answers.append(Resolution("rate_limited", code, 900.0, "slow down"))
    result = run_worker(workspace, until_idle=True)
    # the first post met the limit; the other two were not even tried
    assert (result.rounds, result.waiting, result.published) == (1, 1, 0)
    held = prof.get_profile(workspace, "shop")
    assert held.limited() and held.limited_reason == code
    assert held.limited_until is not None
    wait_s = (datetime.fromisoformat(held.limited_until) - datetime.now(UTC)).total_seconds()
    assert 800 < wait_s <= 900
    first = next(p for p in queue.list_posts(workspace) if p.attempts)
    assert (first.state, first.reason_code) == ("scheduled", code)
    assert due_waiting(workspace) == 0  # nothing a worker could take
    # a restart (a new process opening the workspace) still holds them
    again = Workspace.open(workspace.root)
    assert run_worker(again, until_idle=True).rounds == 0
    assert LimitedPlatform.sent == {}
    _make_due(again)
    result = run_worker(again, until_idle=True)
    assert (result.published, result.waiting) == (3, 0)
    assert sorted(LimitedPlatform.sent.values()) == [f"한도 {code} {i}" for i in range(3)]
    released = prof.get_profile(again, "shop")
    assert released.limited_until is None and released.limited_reason == ""


def test_a_limit_of_one_profile_does_not_hold_another(
    workspace: Workspace, shop: prof.Profile
) -> None:
    prof.connect(
        workspace, name="블로그", platform="manual", settings={"platform": "naver-blog"}, secrets={}
    )
    queue.new_posts(workspace, profiles=["shop", "블로그"], text_="두 채널")
    queue.new_posts(workspace, profiles=["shop", "블로그"], text_="두 채널 둘째")
    LimitedPlatform.answers.append(Resolution("rate_limited", "rate_limited", 60.0))
    result = run_worker(workspace, until_idle=True)
    assert (result.tasks, result.waiting, result.published) == (2, 1, 0)
    assert prof.get_profile(workspace, "블로그").limited_until is None


def test_every_run_leaves_a_heartbeat_of_its_mode(workspace: Workspace, shop: prof.Profile) -> None:
    assert workers(workspace) == []
    queue.new_posts(workspace, profiles=["shop"], text_="심장 박동")
    run_worker(workspace, until_idle=True)
    run_worker(workspace, until_idle=True, mode="serve", worker="web-1")
    beats = workers(workspace)
    assert len(beats) == 2
    assert {b.mode for b in beats} == {"worker", "serve"}
    assert beats[0].worker == "web-1"  # the latest seen first
    assert all(b.seen_at >= b.started_at for b in beats)


def test_stop_ends_a_worker_between_rounds(workspace: Workspace, shop: prof.Profile) -> None:
    for i in range(3):
        queue.new_posts(workspace, profiles=["shop"], text_=f"멈춤 {i}")
    calls = [0]

    def stop() -> bool:
        calls[0] += 1
        return calls[0] > 2  # after two rounds

    result = run_worker(workspace, stop=stop)
    assert result.published == 2
    assert [p.state for p in queue.list_posts(workspace)].count("scheduled") == 1


def test_a_failure_the_platform_named_fails_the_post_without_holding_the_profile(
    workspace: Workspace, shop: prof.Profile
) -> None:
    [post] = queue.new_posts(workspace, profiles=["shop"], text_="거절될 글")[1]
    queue.new_posts(workspace, profiles=["shop"], text_="다음 글")
    LimitedPlatform.answers.append(Resolution("fail", "rejected", detail="spam filter"))
    result = run_worker(workspace, until_idle=True)
    assert (result.failed, result.published) == (1, 1)
    failed = queue.get_post(workspace, post.post_id)
    assert (failed.state, failed.reason_code, failed.reason_detail) == (
        "failed",
        "rejected",
        "spam filter",
    )
    assert not prof.get_profile(workspace, "shop").limited()

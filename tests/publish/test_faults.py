"""Fault injection against a REAL Mastodon API server (``mastodon-mock``, its fault rules at
``/api/v1/_mock/faults``), through profiles, the queue and the worker, counting the statuses on
the server every time: a 429 with Retry-After holds the post AND its profile visibly with the
reason; 500s are retried and the post goes out once; a timeout leaves the post ``unknown``, it is
reconciled before anything is sent again and never posted twice; a revoked token marks the
profile ``needs_reauth``, its posts wait and nothing goes out twice."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from helpers import REVOKED_TOKEN, connect_mastodon, mastodon_posts, mastodon_texts
from sqlalchemy import text

from socialops.connectors import profiles as prof
from socialops.publish import queue
from socialops.publish.watchdog import due_waiting
from socialops.publish.worker import run_worker
from socialops.store.workspace import Workspace

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("mastodon_mock")]
STATUSES = "/api/v1/statuses"


def _pass_waits(ws: Workspace) -> None:
    """Let retry times and rate limits pass (the test does not wait minutes)."""
    past = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
    with ws.begin() as conn:
        conn.execute(text("UPDATE publish_posts SET next_try_at = :t"), {"t": past})
        conn.execute(
            text("UPDATE profiles SET limited_until = :t WHERE limited_until IS NOT NULL"),
            {"t": past},
        )


@pytest.fixture
def mm(mastodon_mock: Any) -> Any:
    mastodon_mock.clear_faults()
    yield mastodon_mock
    mastodon_mock.clear_faults()


def test_a_429_with_retry_after_holds_the_post_and_its_profile_visibly(
    workspace: Workspace, mm: Any
) -> None:
    bodies = mastodon_posts(workspace, mm, "jun", "한도 초과 뒤 한 번만", 3)
    mm.fault(
        {
            "match": {"methods": ["POST"], "path": STATUSES},
            "effect": {"type": "ratelimit", "headers": {"Retry-After": "300"}},
            "count": 1,
        }
    )
    result = run_worker(workspace, until_idle=True)
    assert (result.rounds, result.waiting, result.published) == (1, 1, 0)
    profile = prof.get_profile(workspace, "jun")
    assert profile.limited() and profile.limited_reason == "rate_limited"
    assert profile.limited_until is not None
    held_s = (datetime.fromisoformat(profile.limited_until) - datetime.now(UTC)).total_seconds()
    assert 200 < held_s <= 301  # the server's reset, not a fixed sleep
    tried = next(p for p in queue.list_posts(workspace) if p.attempts)
    assert (tried.state, tried.reason_code) == ("scheduled", "rate_limited")
    assert queue.attempts(workspace, tried.post_id)[-1]["action"] == "rate_limited"
    assert due_waiting(workspace) == 0
    assert run_worker(Workspace.open(workspace.root), until_idle=True).rounds == 0  # restart
    _pass_waits(workspace)
    result = run_worker(workspace, until_idle=True)
    assert result.published + result.reconciled == 3
    texts = mastodon_texts(mm, "jun")
    assert [texts.count(b) for b in bodies] == [1, 1, 1]
    assert not prof.get_profile(workspace, "jun").limited()


def test_500s_are_retried_and_the_post_goes_out_once(workspace: Workspace, mm: Any) -> None:
    connect_mastodon(workspace, mm, "sora")
    body = f"서버 오류 두 번 뒤 한 번만 {time.time_ns()}"
    [post] = queue.new_posts(workspace, profiles=["sora"], text_=body)[1]
    mm.fault(
        {
            "match": {"methods": ["POST"], "path": STATUSES},
            "effect": {"type": "status", "status": 500},
            "count": 2,
        }
    )
    for _ in range(2):
        result = run_worker(workspace, until_idle=True)
        assert (result.waiting, result.published) == (1, 0)
        waiting = queue.get_post(workspace, post.post_id)
        assert (waiting.state, waiting.reason_code) == ("scheduled", "server")
        _pass_waits(workspace)
    result = run_worker(workspace, until_idle=True)
    assert result.published + result.reconciled == 1
    assert queue.get_post(workspace, post.post_id).state == "published"
    assert mastodon_texts(mm, "sora").count(body) == 1
    assert [a["code"] for a in queue.attempts(workspace, post.post_id)] == [
        "server",
        "server",
        "ok",
    ]


def test_a_timeout_is_unknown_then_reconciled_and_never_posted_twice(
    workspace: Workspace, mm: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("socialops.connectors.mastodon.REQUEST_TIMEOUT_S", 1.0)
    connect_mastodon(workspace, mm, "minji")
    body = f"응답 없는 사이에 나간 글 {time.time_ns()}"
    [post] = queue.new_posts(workspace, profiles=["minji"], text_=body)[1]
    mm.fault(  # the server takes the post but answers after the client gave up
        {
            "match": {"methods": ["POST"], "path": STATUSES},
            "effect": {"type": "latency", "delay_ms": 2000},
            "count": 1,
        }
    )
    result = run_worker(workspace, until_idle=True)
    assert (result.waiting, result.published) == (1, 0)
    unknown = queue.get_post(workspace, post.post_id)
    assert (unknown.state, unknown.reason_code) == ("unknown", "network")
    time.sleep(2.5)  # past the server's delay
    # whether the server went on to create it once the client left is its business: the
    # worker must cope with both (mastodon-mock drops a request whose client went away)
    there = mastodon_texts(mm, "minji").count(body)
    assert there in (0, 1)
    _pass_waits(workspace)
    result = run_worker(workspace, until_idle=True)
    # reconciled first (looked up by key and text); sent again, same Idempotency-Key, only
    # when it is not there
    assert (result.reconciled, result.published) == ((1, 0) if there else (0, 1))
    assert queue.attempts(workspace, post.post_id)[0]["code"] == "network"
    done = queue.get_post(workspace, post.post_id)
    assert done.state == "published" and done.remote_id
    assert mastodon_texts(mm, "minji").count(body) == 1
    assert run_worker(workspace, until_idle=True).rounds == 0


def test_a_revoked_token_marks_the_profile_and_its_posts_wait_then_go_out_once(
    workspace: Workspace, mm: Any
) -> None:
    bodies = mastodon_posts(workspace, mm, "jun", "취소된 토큰", 2)
    mm.fault(REVOKED_TOKEN)
    result = run_worker(workspace, until_idle=True)
    assert (result.rounds, result.waiting, result.published) == (1, 1, 0)
    profile = prof.get_profile(workspace, "jun")
    assert profile.status == "needs_reauth" and "revoked" in profile.check_error
    states = sorted((p.state, p.reason_code) for p in queue.list_posts(workspace))
    assert states == [("scheduled", ""), ("scheduled", "needs_reauth")]
    assert run_worker(workspace, until_idle=True).rounds == 0
    mm.clear_faults()
    assert all(mastodon_texts(mm, "jun").count(b) == 0 for b in bodies)
    connect_mastodon(workspace, mm, "jun")  # the user connects it again
    _pass_waits(workspace)
    result = run_worker(workspace, until_idle=True)
    assert result.published + result.reconciled == 2
    texts = mastodon_texts(mm, "jun")
    assert [texts.count(b) for b in bodies] == [1, 1]

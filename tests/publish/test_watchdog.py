"""The watchdog says when scheduled posts will not go out (due, and no worker seen within
``2 × poll + 30`` s), in Korean and English; the publisher thread inside ``serve`` publishes
due posts of every workspace, beats as ``serve`` and stops within a poll."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from socialops.connectors import profiles as prof
from socialops.publish import queue
from socialops.publish.background import BackgroundPublisher
from socialops.publish.watchdog import heartbeat, watchdog, workers
from socialops.store.workspace import Workspace


def _blog(ws: Workspace) -> None:
    prof.connect(
        ws, name="블로그", platform="manual", settings={"platform": "naver-blog"}, secrets={}
    )


def test_no_due_posts_is_ok_without_any_worker(workspace: Workspace) -> None:
    _blog(workspace)
    queue.new_posts(workspace, profiles=["블로그"], text_="내일 글", at="2099-01-01T09:00")
    status = watchdog(workspace)
    assert (status.ok, status.due_waiting, status.last_seen, status.workers) == (True, 0, None, [])


def test_due_posts_and_no_worker_ever_is_not_ok(workspace: Workspace) -> None:
    _blog(workspace)
    queue.new_posts(workspace, profiles=["블로그"], text_="지금 글")
    status = watchdog(workspace)
    assert (status.ok, status.code, status.due_waiting) == (False, "watchdog.never", 1)
    assert "publish worker" in status.message_en and "게시 작업자" in status.message_ko
    prof.pause_all(workspace, True)  # nothing may go out: nothing is waiting for a worker
    assert watchdog(workspace).ok
    prof.pause_all(workspace, False)
    heartbeat(workspace, "w1", "worker")
    status = watchdog(workspace)
    assert status.ok and status.last_seen is not None
    assert [w.worker for w in status.workers] == ["w1"]
    assert status.to_dict()["workers"][0]["mode"] == "worker"


def test_a_worker_unseen_for_two_polls_and_thirty_seconds_is_not_ok(
    workspace: Workspace,
) -> None:
    _blog(workspace)
    queue.new_posts(workspace, profiles=["블로그"], text_="지금 글")
    heartbeat(workspace, "w1", "worker")
    seen = datetime.now(UTC) - timedelta(seconds=45)
    with workspace.begin() as conn:
        conn.execute(text("UPDATE publish_workers SET seen_at = :t"), {"t": seen.isoformat()})
    assert watchdog(workspace, poll_s=10.0).ok  # 2 × 10 + 30 = 50 s: still fine
    status = watchdog(workspace, poll_s=5.0)  # 40 s: not
    assert (status.ok, status.code) == (False, "watchdog.stale")
    assert "45" in status.message_en or "44" in status.message_en


def test_the_background_publisher_publishes_every_workspace_and_stops_within_a_poll(
    workspace: Workspace,
) -> None:
    other = Workspace.open(workspace.root.parent / "other")
    for ws in (workspace, other):
        _blog(ws)
        queue.new_posts(ws, profiles=["블로그"], text_="serve 안에서 나가는 글")
    publisher = BackgroundPublisher(lambda: [workspace, other], poll_s=0.2)
    publisher.start()
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            states = [p.state for ws in (workspace, other) for p in queue.list_posts(ws)]
            if states == ["task", "task"]:
                break
            time.sleep(0.1)
        assert states == ["task", "task"]
        assert publisher.running
        for ws in (workspace, other):
            [beat] = workers(ws)
            assert (beat.mode, beat.worker) == ("serve", publisher.worker)
            assert watchdog(ws).ok
    finally:
        t0 = time.monotonic()
        publisher.stop()
        stopped_in = time.monotonic() - t0
    assert not publisher.running and stopped_in < 2.0


def test_the_background_publisher_survives_a_broken_workspace_list(workspace: Workspace) -> None:
    calls = [0]

    def roots() -> list[Workspace]:
        calls[0] += 1
        if calls[0] == 1:
            raise OSError("home folder unreadable")
        return [workspace]

    _blog(workspace)
    queue.new_posts(workspace, profiles=["블로그"], text_="다시 시도")
    publisher = BackgroundPublisher(roots, poll_s=0.1)
    publisher.start()
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and queue.list_posts(workspace)[0].state != "task":
            time.sleep(0.1)
        assert queue.list_posts(workspace)[0].state == "task" and calls[0] >= 2
    finally:
        publisher.stop()

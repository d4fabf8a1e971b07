"""The demo plan's publishing (``make start``): every state a team sees, once, without a
network. With no local PDS answering, the Bluesky profile is left out and nothing waits."""

from __future__ import annotations

import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from socialops.connectors.profiles import list_profiles
from socialops.plan.store import PlanStore
from socialops.publish import plan_drafts, queue
from socialops.publish.demo import DEMO_PLAN, add_demo_publishing, local_pds_url
from socialops.store.workspace import Workspace


def test_the_demo_plan_has_published_scheduled_in_review_and_a_manual_naver_blog_task(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PDS_URL", "http://127.0.0.1:9")  # nothing listens: no Bluesky profile
    started = time.monotonic()
    # today as the demo's own clock sees it: a fixed date turned the demo's post due two days
    # later into one already past once the real clock got there
    out = add_demo_publishing(workspace, today=datetime.now(ZoneInfo("Asia/Seoul")).date())
    assert time.monotonic() - started < 30  # no network wait (the PDS check gives up at once)
    assert out["bluesky"] is False
    assert set(out["states"]) == {"published", "scheduled", "in_review", "task"}
    posts = queue.list_posts(workspace)
    assert len(posts) == out["posts"] == sum(out["states"].values())
    [task] = [p for p in posts if p.state == "task"]
    assert task.profile == "네이버 블로그 (예시)" and task.plan_id == out["plan_id"]
    [published] = [p for p in posts if p.state == "published"]
    assert published.url.startswith("https://") and published.media  # Instagram: an image
    assert published.media[0]["alt"]  # with its alt text
    # the plan's calendar shows what went out, per item
    by_item = plan_drafts.plan_publishing(workspace, out["plan_id"])
    assert {p.state for p in by_item["launch-teaser"]} == {"published"}
    assert {p.state for p in by_item["launch-blog"]} == {"task"}
    assert {p.state for p in by_item["launch-review"]} == {"in_review"}
    assert "bluesky" not in {p.platform for p in list_profiles(workspace)}
    # a second start adds nothing
    assert add_demo_publishing(workspace) == {"exists": DEMO_PLAN}
    assert len(queue.list_posts(workspace)) == len(posts)
    assert [p["name"] for p in PlanStore(workspace).list()].count(DEMO_PLAN) == 1


def test_no_pds_is_found_quickly_when_nothing_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PDS_URL", "http://127.0.0.1:9")
    assert local_pds_url() is None

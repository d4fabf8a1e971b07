"""Metrics back: figures of published posts fetched from the platforms in batches into
``publish_metrics`` (history) and ``post_metrics`` (what the plan's KPIs read), with the clicks
of each post's short link, so ``plan_vs_actual`` counts the posts that really went out. A small
connector that reads metrics is registered under a test platform name; the plan side uses a
real plan, manual posts confirmed by hand and the real measurement code."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import httpx
import pytest
from sqlalchemy import text

from socialops.connectors import profiles as prof
from socialops.connectors.core import (
    Connector,
    ConnectorFailure,
    Identity,
    OutgoingPost,
    PlatformLimits,
    PostMetrics,
    Published,
    Resolution,
)
from socialops.connectors.registry import REGISTRY
from socialops.domain.plan import ChannelChoice, KpiTarget, Plan, UtmScheme
from socialops.measure.metrics import post_rows
from socialops.plan.actuals import plan_vs_actual
from socialops.plan.store import PlanStore
from socialops.publish import queue
from socialops.publish.metrics_back import BATCH, channel_key, fetch_metrics, post_metrics
from socialops.publish.worker import run_worker
from socialops.store.workspace import Workspace


class MetricsPlatform(Connector):
    """Publishes into a class-level table and reports ``figures`` for it; ``answer``: the next
    metrics call fails with it."""

    platform: ClassVar[str] = "test-metrics"
    limits: ClassVar[PlatformLimits] = PlatformLimits(max_chars=300)
    figures: ClassVar[dict[str, PostMetrics]] = {}
    batches: ClassVar[list[int]] = []
    answer: ClassVar[list[Resolution]] = []

    def __init__(self, settings: Mapping[str, str], secrets: Mapping[str, str]) -> None:
        super().__init__(settings, secrets)

    def check(self) -> Identity:
        return Identity(account_id="m", handle="metrics")

    def publish(self, post: OutgoingPost, key: str) -> Published:
        self.figures[key] = PostMetrics(likes=0, replies=0, reposts=0, views=None)
        return Published(remote_id=key, url=f"https://metrics.test/{key}")

    def find(self, key: str, post: OutgoingPost | None = None) -> Published | None:
        return Published(key, f"https://metrics.test/{key}") if key in self.figures else None

    def delete(self, remote_id: str) -> None:
        self.figures.pop(remote_id, None)

    def metrics(self, remote_ids: Sequence[str]) -> dict[str, PostMetrics]:
        if self.answer:
            raise ConnectorFailure(self.answer.pop(0))
        self.batches.append(len(remote_ids))
        return {r: self.figures[r] for r in remote_ids if r in self.figures}


REGISTRY.add(MetricsPlatform)


@pytest.fixture
def shop(workspace: Workspace) -> prof.Profile:
    MetricsPlatform.figures.clear()
    MetricsPlatform.batches.clear()
    MetricsPlatform.answer.clear()
    return prof.connect(workspace, name="shop", platform="test-metrics", settings={}, secrets={})


def test_figures_are_fetched_in_batches_into_both_tables_and_updated_in_place(
    workspace: Workspace, shop: prof.Profile
) -> None:
    n = BATCH + 10
    for i in range(n):
        queue.new_posts(workspace, profiles=["shop"], text_=f"지표 {i}")
    assert run_worker(workspace, until_idle=True).published == n
    posts = queue.list_posts(workspace)
    first = posts[0]
    for i, p in enumerate(posts):
        MetricsPlatform.figures[p.remote_id] = PostMetrics(
            likes=i, replies=1, reposts=2, views=None
        )
    with workspace.begin() as conn:  # the first post carries a short link clicked 7 times
        conn.execute(
            text(
                "INSERT INTO short_links (code, target, clicks, created_at) "
                "VALUES ('abc', 'https://shop.test/winter', 7, :now)"
            ),
            {"now": datetime.now(UTC).isoformat()},
        )
        conn.execute(
            text("UPDATE publish_posts SET link_code = 'abc' WHERE post_id = :p"),
            {"p": first.post_id},
        )
    assert fetch_metrics(workspace) == n
    assert MetricsPlatform.batches == [BATCH, 10]
    assert fetch_metrics(workspace) == 0  # fetched less than an hour ago
    [got] = post_metrics(workspace, first.post_id)
    assert (got["likes"], got["replies"], got["reposts"], got["views"], got["clicks"]) == (
        0,
        1,
        2,
        None,  # the platform does not give views: unknown, not 0
        7,
    )
    assert post_metrics(workspace, posts[1].post_id)[0]["clicks"] is None  # no short link
    rows = {r["post_id"]: r for r in post_rows(workspace, ["test_metrics"])}
    assert len(rows) == n and channel_key(shop) == "test_metrics"
    row = rows[first.remote_id]
    assert (row["likes"], row["comments"], row["shares"], row["clicks"]) == (0, 1, 2, 7)
    assert row["engagements"] == 0 + 1 + 2 + 7 and row["impressions"] is None
    assert row["date_precision"] == "minute" and row["published_at"] == first.published_at
    assert json.loads(row["extra"])["post"] == first.post_id
    # later figures replace the row (one per post), the history keeps both
    MetricsPlatform.figures[first.remote_id] = PostMetrics(likes=40, replies=3, reposts=5)
    assert fetch_metrics(workspace, older_than_s=0) == n
    assert [m["likes"] for m in post_metrics(workspace, first.post_id)] == [0, 40]
    again = {r["post_id"]: r for r in post_rows(workspace, ["test_metrics"])}
    assert len(again) == n and again[first.remote_id]["likes"] == 40
    assert queue.get_post(workspace, first.post_id).state == "published"


def test_a_rate_limited_or_refused_metrics_call_holds_or_disconnects_the_profile(
    workspace: Workspace, shop: prof.Profile
) -> None:
    queue.new_posts(workspace, profiles=["shop"], text_="지표 한도")
    run_worker(workspace, until_idle=True)
    MetricsPlatform.answer.append(Resolution("rate_limited", "quota", 3600.0))
    assert fetch_metrics(workspace) == 0
    held = prof.get_profile(workspace, "shop")
    assert held.limited() and held.limited_reason == "quota"
    assert fetch_metrics(workspace) == 0 and MetricsPlatform.batches == []  # not asked again
    prof.set_limited(workspace, shop.profile_id, None)
    MetricsPlatform.answer.append(Resolution("disconnect", "auth", detail="revoked"))
    assert fetch_metrics(workspace) == 0
    assert prof.get_profile(workspace, "shop").status == "needs_reauth"


def test_plan_vs_actual_counts_the_posts_that_really_went_out(workspace: Workspace) -> None:
    today = datetime.now(UTC).date()
    plan = PlanStore(workspace).create(
        Plan(
            plan_id="",
            name="겨울 신메뉴",
            objectives=["sales_promotion"],
            start=today - timedelta(days=3),
            end=today + timedelta(days=27),
            channels=[ChannelChoice("naver_blog")],
            utm=UtmScheme("winter26"),
            kpis=[KpiTarget("posts", 4, channel="naver_blog")],
        ),
        actor="tester",
    )
    blog = prof.connect(
        workspace, name="블로그", platform="manual", settings={"platform": "naver-blog"}, secrets={}
    )
    assert channel_key(blog) == "naver_blog"
    done = []
    for i in range(3):
        [post] = queue.new_posts(
            workspace, profiles=["블로그"], text_=f"신메뉴 후기 {i}", plan_id=plan.plan_id
        )[1]
        done.append(post)
    run_worker(workspace, until_idle=True)  # tasks for a person
    for post in done[:2]:  # two published by hand, one still a task
        queue.confirm_task(workspace, post.post_id, f"https://blog.naver.com/shop/{post.post_id}")
    before = plan_vs_actual(workspace, plan).rows[0]
    assert before.actual in (None, 0)
    assert fetch_metrics(workspace) == 2
    [row] = plan_vs_actual(workspace, plan).rows
    assert (row.kpi, row.actual) == ("posts", 2.0)
    extras = [json.loads(r["extra"]) for r in post_rows(workspace, ["naver_blog"])]
    assert {e["campaign"] for e in extras} == {"winter26"}
    assert {e["plan_id"] for e in extras} == {plan.plan_id}


@pytest.mark.slow
@pytest.mark.xdist_group("mastodon_mock")
def test_mastodon_figures_come_back_from_the_real_server(
    workspace: Workspace, mastodon_mock: Any
) -> None:
    mm = mastodon_mock
    mm.clear_faults()
    prof.connect(
        workspace,
        name="sora",
        platform="mastodon",
        settings={"instance": mm.base_url},
        secrets={"access_token": mm.tokens["sora"]},
    )
    queue.new_posts(workspace, profiles=["sora"], text_="반응을 모을 글")
    queue.new_posts(workspace, profiles=["sora"], text_="조용한 글")
    assert run_worker(workspace, until_idle=True).published == 2
    liked, quiet = queue.list_posts(workspace)
    other = {"Authorization": f"Bearer {mm.tokens['minji']}"}
    for path in ("favourite", "reblog"):
        httpx.post(
            f"{mm.base_url}/api/v1/statuses/{liked.remote_id}/{path}", headers=other, timeout=10
        ).raise_for_status()
    httpx.post(
        f"{mm.base_url}/api/v1/statuses",
        headers=other,
        data={"status": "@sora 맛있어요", "in_reply_to_id": liked.remote_id},
        timeout=10,
    ).raise_for_status()
    assert fetch_metrics(workspace) == 2
    [got] = post_metrics(workspace, liked.post_id)
    assert (got["likes"], got["replies"], got["reposts"], got["views"]) == (1, 1, 1, None)
    assert post_metrics(workspace, quiet.post_id)[0]["likes"] == 0
    rows = {r["post_id"]: r for r in post_rows(workspace, ["mastodon"])}
    assert rows[liked.remote_id]["engagements"] == 3

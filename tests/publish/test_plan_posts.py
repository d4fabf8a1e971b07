"""What a plan's posts became, on SQLite and PostgreSQL: the posts of each calendar occurrence
(a recurring item's dates apart), and the plan's published posts with their latest fetched
figures (older fetches ignored, the short link's live clicks preferred), totals that leave an
unknown figure unknown, times in the plan's zone, another plan's posts left out."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from helpers import spring_calendar
from sqlalchemy import text
from test_links import saved_plan

from socialops.connectors import profiles as prof
from socialops.domain.plan import CalendarItem, ChannelChoice, UtmScheme
from socialops.publish import queue
from socialops.publish.plan_drafts import drafts_from_calendar
from socialops.publish.plan_posts import posts_by_occurrence, published_for_plan, totals
from socialops.publish.worker import run_worker
from socialops.store.workspace import Workspace


@pytest.fixture
def ws(database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """A fresh workspace on each database (SQLite, PostgreSQL)."""
    root = tmp_path / "ws"
    monkeypatch.setenv("SOCIALOPS_HOME", str(root))
    return Workspace.open(root)


def _calendar() -> list[CalendarItem]:
    return spring_calendar(
        "naver_cafe", copy="봄 신제품을 먼저 만나 보세요", link="https://example.kr/spring"
    )


def _plan(ws: Workspace) -> str:
    mix = [ChannelChoice("naver_cafe"), ChannelChoice("naver_blog", role="support")]
    utm = UtmScheme(
        campaign="spring-launch-202603",
        sources={"naver_cafe": "naver_cafe", "naver_blog": "naver"},
        mediums={"naver_cafe": "community", "naver_blog": "blog"},
    )
    return saved_plan(ws, calendar=_calendar(), channels=mix, utm=utm).plan_id


def _publish(ws: Workspace, post: queue.QueuedPost, url: str) -> None:
    """Out by hand: scheduled (due: its date is past), a task, confirmed at ``url``."""
    queue.schedule(ws, post.post_id, None)
    run_worker(ws, until_idle=True)
    queue.confirm_task(ws, post.post_id, url)


def _metrics(ws: Workspace, post_id: str, at: str, **figures: int | None) -> None:
    row = {k: figures.get(k) for k in ("likes", "replies", "reposts", "views", "clicks")}
    with ws.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO publish_metrics (post_id, fetched_at, likes, replies, reposts, "
                "views, clicks) VALUES (:p, :at, :likes, :replies, :reposts, :views, :clicks)"
            ),
            {"p": post_id, "at": at, **row},
        )


def test_posts_by_occurrence_keeps_each_date_apart(ws: Workspace) -> None:
    plan_id = _plan(ws)
    drafts_from_calendar(ws, plan_id, [])
    found = posts_by_occurrence(ws, plan_id)
    assert sorted(found) == ["i1", "i2#1", "i2#2", "i2#3"]
    assert all(len(v) == 1 and v[0].state == "draft" for v in found.values())
    # a post of the plan without a calendar item is not an occurrence's
    prof.connect(
        ws, name="블로그", platform="manual", settings={"platform": "naver-blog"}, secrets={}
    )
    queue.new_posts(ws, profiles=["블로그"], text_="계획 밖 글", plan_id=plan_id)
    assert sorted(posts_by_occurrence(ws, plan_id)) == ["i1", "i2#1", "i2#2", "i2#3"]
    assert posts_by_occurrence(ws, "no-such-plan") == {}


def test_published_posts_with_their_latest_figures_and_totals(ws: Workspace) -> None:
    plan_id, other_id = _plan(ws), _plan(ws)
    prof.connect(
        ws, name="블로그", platform="manual", settings={"platform": "naver-blog"}, secrets={}
    )
    assert published_for_plan(ws, plan_id) == []
    assert totals([]) == {
        "posts": 0,
        "likes": None,
        "replies": None,
        "reposts": None,
        "views": None,
        "clicks": None,
    }
    made = {p.plan_item_id: p for p in drafts_from_calendar(ws, plan_id, [])}
    elsewhere = drafts_from_calendar(ws, other_id, ["i2"])
    _publish(ws, made["i2#1"], "https://blog.naver.com/brand/1")
    _publish(ws, made["i1"], "https://cafe.naver.com/brand/2")
    _publish(ws, elsewhere[0], "https://blog.naver.com/brand/other")
    _metrics(ws, made["i2#1"].post_id, "2026-03-04T00:00:00+00:00", likes=1, replies=0)
    _metrics(ws, made["i2#1"].post_id, "2026-03-05T00:00:00+00:00", likes=5, replies=2)
    _metrics(ws, made["i1"].post_id, "2026-03-05T00:00:00+00:00", likes=10, reposts=3, clicks=2)
    # the short link counted more clicks since the last fetch: the live count is shown
    with ws.begin() as conn:
        conn.execute(
            text("UPDATE short_links SET clicks = 7 WHERE code = :c"),
            {"c": made["i1"].link_code},
        )
    rows = published_for_plan(ws, plan_id)
    assert [(r.plan_item_id, r.profile, r.channel) for r in rows] == [
        ("i2#1", "블로그", "naver_blog"),
        ("i1", "manual-naver_cafe", "naver_cafe"),
    ]
    blog, insta = rows
    assert (blog.likes, blog.replies, blog.reposts, blog.views, blog.clicks) == (
        5,
        2,
        None,
        None,
        None,
    )
    assert blog.fetched_at == "2026-03-05T00:00:00+00:00" and blog.url.endswith("/brand/1")
    assert (insta.likes, insta.reposts, insta.clicks) == (10, 3, 7)
    assert totals(rows) == {
        "posts": 2,
        "likes": 15,
        "replies": 2,
        "reposts": 3,
        "views": None,
        "clicks": 7,
    }
    # times are UTC; shown in the plan's zone
    at = datetime.fromisoformat(blog.published_at)
    assert at.utcoffset() == UTC.utcoffset(None)
    local = at.astimezone(ZoneInfo("Asia/Seoul"))
    assert blog.local("Asia/Seoul") == local.strftime("%Y-%m-%d %H:%M")
    # a post never fetched: counted, its figures unknown
    [never] = published_for_plan(ws, other_id)
    assert never.fetched_at is None and never.likes is None and never.clicks is None
    assert never.to_dict()["url"] == "https://blog.naver.com/brand/other"

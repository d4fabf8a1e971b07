"""First-party short links on SQLite and PostgreSQL: codes, UTM tags from the plan's scheme or the
platform, clicks counted without link-preview fetchers, no open redirects, no personal data."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlalchemy import text

from socialops.domain.plan import CalendarItem, ChannelChoice, Plan, Policy, UtmScheme
from socialops.errors import PublishError
from socialops.plan.store import PlanStore
from socialops.publish import links
from socialops.store.workspace import Workspace


def saved_plan(ws: Workspace, **changes: Any) -> Plan:
    """A March 2026 plan on Instagram and Naver Blog, saved in ``ws``."""
    plan = Plan(
        plan_id="",
        name="봄 신제품 출시",
        start=date(2026, 3, 1),
        end=date(2026, 3, 31),
        objectives=["sales_promotion"],
        channels=[ChannelChoice("instagram"), ChannelChoice("naver_blog", role="support")],
        utm=UtmScheme(
            campaign="spring-launch-202603",
            sources={"instagram": "instagram", "naver_blog": "naver"},
            mediums={"instagram": "paid_social", "naver_blog": "blog"},
        ),
        calendar=[
            CalendarItem(
                "i1",
                "티저 릴스",
                datetime(2026, 3, 2, 19, 0),
                "instagram",
                copy="봄 신제품을 먼저 만나 보세요 #봄",
                link="https://example.kr/spring?ref=1",
            )
        ],
        policy=Policy(tone="친근하고 짧게", banned_words=["최저가", "FREE"]),
    )
    for k, v in changes.items():
        setattr(plan, k, v)
    return PlanStore(ws).create(plan, actor="kim@example.kr")


@pytest.fixture
def ws(database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """A fresh workspace on each database (SQLite, PostgreSQL)."""
    root = tmp_path / "ws"
    monkeypatch.setenv("SOCIALOPS_HOME", str(root))
    return Workspace.open(root)


def _query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def test_a_plan_link_carries_the_plan_scheme_and_the_group(ws: Workspace) -> None:
    plan = saved_plan(ws)
    link = links.create_link(
        ws,
        "https://example.kr/spring?ref=1&utm_term=old#top",
        plan_id=plan.plan_id,
        plan_item_id="i1",
        group_id="g0001",
        source="naver_blog",
        actor="kim",
    )
    assert re.fullmatch(r"[A-Za-z0-9_-]{8}", link.code) and link.url_path == f"/l/{link.code}"
    assert link.target.startswith("https://example.kr/spring?ref=1&") and link.target.endswith(
        "#top"
    )
    assert _query(link.target) == {
        "ref": "1",
        "utm_source": "naver",
        "utm_medium": "blog",
        "utm_campaign": "spring-launch-202603",
        "utm_content": "g0001",
    }
    assert (link.plan_id, link.plan_item_id, link.group_id, link.clicks) == (
        plan.plan_id,
        "i1",
        "g0001",
        0,
    )


def test_a_link_without_a_plan_is_tagged_with_the_platform(ws: Workspace) -> None:
    link = links.create_link(ws, "https://shop.example.kr/p/1?utm_source=x", source="bluesky")
    assert _query(link.target) == {"utm_source": "bluesky", "utm_medium": "social"}
    other = links.create_link(ws, "https://shop.example.kr/p/1", group_id="abc")
    assert _query(other.target)["utm_content"] == "abc" and other.code != link.code


@pytest.mark.parametrize(
    "target",
    [
        "javascript:alert(1)",
        "data:text/html,<script>",
        "//evil.example/x",
        "ftp://example.kr/a",
        "https://exa mple.kr",
        "https://",
        "https://example.kr/\nSet-Cookie:x",
    ],
)
def test_only_http_targets_are_kept(ws: Workspace, target: str) -> None:
    with pytest.raises(PublishError) as err:
        links.create_link(ws, target)
    assert err.value.code == "link.bad_target"
    assert links.link_stats(ws) == []


def test_clicks_are_counted_without_previews_and_keep_no_personal_data(ws: Workspace) -> None:
    link = links.create_link(ws, "https://example.kr/a", source="bluesky")
    browser = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15"
    assert (
        links.follow(
            ws,
            link.code,
            referrer="https://bsky.app/profile/alice.test/post/3kabc?secret=1",
            user_agent=browser,
        )
        == link.target
    )
    links.follow(ws, link.code, referrer="", user_agent=browser)
    for preview in (
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Twitterbot/1.0",
        "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        "Mozilla/5.0 (compatible; kakaotalk-scrap/1.0; +https://devtalk.kakao.com/)",
        "Mozilla/5.0 (compatible; Bluesky Cardyb/1.1; +mailto:support@bsky.app)",
        "http.rb/5.1.1 (Mastodon/4.2.0; +https://mastodon.social/) Bot",
    ):
        assert links.follow(ws, link.code, user_agent=preview) == link.target
    [stats] = links.link_stats(ws)
    assert stats.clicks == 2
    with ws.connect() as conn:
        rows = conn.execute(
            text("SELECT referrer_host, bot FROM link_clicks WHERE code = :c ORDER BY click_id"),
            {"c": link.code},
        ).fetchall()
        columns = set(
            conn.execute(text("SELECT * FROM link_clicks")).keys()  # what is kept at all
        )
    assert [tuple(r) for r in rows[:2]] == [("bsky.app", 0), ("", 0)]
    assert [r[1] for r in rows[2:]] == [1] * 6
    assert columns == {"click_id", "code", "at", "referrer_host", "bot"}


def test_unknown_or_malformed_codes_go_nowhere(ws: Workspace) -> None:
    assert links.follow(ws, "abcdefgh") is None
    assert links.follow(ws, "../../etc") is None
    assert links.follow(ws, "") is None
    with pytest.raises(PublishError) as err:
        links.get_link(ws, "abcdefgh")
    assert err.value.code == "link.unknown"


def test_stats_by_plan_most_clicked_first(ws: Workspace) -> None:
    plan = saved_plan(ws)
    a = links.create_link(ws, "https://example.kr/a", plan_id=plan.plan_id, source="instagram")
    b = links.create_link(ws, "https://example.kr/b", plan_id=plan.plan_id, source="instagram")
    links.create_link(ws, "https://example.kr/c")  # no plan
    links.follow(ws, b.code, user_agent="Mozilla/5.0")
    assert [s.code for s in links.link_stats(ws, plan_id=plan.plan_id)] == [b.code, a.code]
    assert len(links.link_stats(ws)) == 3


def test_the_public_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    assert links.short_url("abcdefgh") == "http://127.0.0.1:8000/l/abcdefgh"
    assert links.is_bot("Twitterbot/1.0") and not links.is_bot("Mozilla/5.0 (Linux; CUBOT X30)")

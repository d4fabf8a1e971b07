"""Per-segment content variants in the composer (issue 17): a text per saved customer segment,
checked like any variant on every chosen profile, queued as one more post per profile in the
same group with its segment and its own short link; an unknown segment, an empty text or a
broken limit refuses the whole group with nothing left behind."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from test_links import saved_plan

from socialops.connectors import profiles as prof
from socialops.errors import PublishError
from socialops.publish import composer, queue
from socialops.segment.members import Member
from socialops.segment.store import save_segment
from socialops.store.workspace import Workspace

LANDING = "https://example.kr/spring?ref=1"


@pytest.fixture
def ws(workspace: Workspace) -> Workspace:
    for name, platform in (("카톡", "kakaotalk"), ("블로그", "naver-blog")):
        prof.connect(
            workspace, name=name, platform="manual", settings={"platform": platform}, secrets={}
        )
    save_segment(workspace, "cdnow/champions", [Member("c1"), Member("c2")], kind="rfm")
    save_segment(workspace, "cdnow/at_risk", [Member("c3")], kind="rfm")
    return workspace


def _count(ws: Workspace, table: str) -> int:
    with ws.connect() as conn:
        return int(conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one())


def test_preview_shows_each_segment_text_on_every_profile(ws: Workspace) -> None:
    shown = composer.preview(
        ws,
        profiles=["카톡", "블로그"],
        text=f"봄 신제품 {LANDING}",
        segment_variants={"cdnow/at_risk": f"다시 만나요: 쿠폰 드려요 {LANDING}"},
        link=LANDING,
    )
    assert [(p.profile, p.segment) for p in shown] == [
        ("카톡", ""),
        ("블로그", ""),
        ("카톡", "cdnow/at_risk"),
        ("블로그", "cdnow/at_risk"),
    ]
    assert shown[2].final_text.startswith("다시 만나요: 쿠폰 드려요 http://")
    assert shown[2].to_dict()["segment"] == "cdnow/at_risk"
    assert queue.list_posts(ws) == []


def test_compose_queues_a_post_per_profile_and_segment(ws: Workspace) -> None:
    group, posts = composer.compose(
        ws,
        profiles=["카톡", "블로그"],
        text=f"봄 신제품 {LANDING}",
        segment_variants={
            "cdnow/champions": f"늘 고마운 고객님께 먼저 {LANDING}",
            "cdnow/at_risk": f"다시 만나요 {LANDING}",
        },
        link=LANDING,
        at="2026-03-02T19:00",
        actor="kim@example.kr",
    )
    assert len(posts) == 6 and {p.group_id for p in posts} == {group}
    by = {(p.profile, p.segment_id): p for p in posts}
    assert set(by) == {
        (pr, seg) for pr in ("카톡", "블로그") for seg in ("", "cdnow/champions", "cdnow/at_risk")
    }
    assert by[("카톡", "cdnow/champions")].text.startswith("늘 고마운 고객님께 먼저 http")
    assert by[("블로그", "")].text.startswith("봄 신제품 http")
    # its own short link per post: clicks are counted per segment
    codes = [p.link_code for p in posts]
    assert all(codes) and len(set(codes)) == 6 and _count(ws, "short_links") == 6
    # read back from the queue with the segment
    again = queue.get_post(ws, by[("블로그", "cdnow/at_risk")].post_id)
    assert again.segment_id == "cdnow/at_risk" and again.to_dict()["segment_id"] == "cdnow/at_risk"


def test_segment_variants_are_checked_and_refuse_the_whole_group(ws: Workspace) -> None:
    cases = [
        ({"cdnow/nobody": "안녕하세요"}, "segvar.unknown"),
        ({"cdnow/champions": "   "}, "segvar.empty"),
        ({"cdnow/champions": "가" * 1001}, "publish.too_long"),  # over KakaoTalk's 1000
    ]
    for variants, code in cases:
        with pytest.raises(PublishError) as err:
            composer.compose(
                ws, profiles=["카톡", "블로그"], text="봄 신제품", segment_variants=variants
            )
        assert err.value.code == code, variants
    assert queue.list_posts(ws) == [] and _count(ws, "short_links") == 0
    # banned words from the plan's policy are found in a segment's text too
    plan = saved_plan(ws)
    main, seg = composer.preview(
        ws,
        profiles=["카톡"],
        text="봄 신제품",
        segment_variants={"cdnow/champions": "최저가로 드려요"},
        plan_id=plan.plan_id,
    )
    assert main.ok and main.segment == ""
    assert seg.segment == "cdnow/champions" and seg.banned == ["최저가"]
    assert seg.problems[0]["code"] == "composer.banned"

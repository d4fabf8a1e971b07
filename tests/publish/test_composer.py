"""The composer with manual profiles (no platform needed): variants, the short link in the text and
counted as sent, limits with their messages in Korean and English, banned words and tone from the
plan's policy, approvals by role, nothing left behind by a refused group."""

from __future__ import annotations

import unicodedata
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlalchemy import text
from test_links import saved_plan

from socialops.connectors import profiles as prof
from socialops.errors import PublishError
from socialops.plan.store import PlanStore
from socialops.publish import composer, links, queue
from socialops.store.workspace import Workspace

LANDING = "https://example.kr/spring?ref=1"


def _manual(ws: Workspace, name: str, platform: str) -> prof.Profile:
    return prof.connect(
        ws, name=name, platform="manual", settings={"platform": platform}, secrets={}
    )


@pytest.fixture
def ws(workspace: Workspace) -> Workspace:
    _manual(workspace, "카톡", "kakaotalk")
    _manual(workspace, "블로그", "naver-blog")
    return workspace


def _count(ws: Workspace, table: str) -> int:
    with ws.connect() as conn:
        return int(conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one())


def test_preview_shows_each_profile_its_text_link_length_problems_and_tone(
    ws: Workspace,
) -> None:
    plan = saved_plan(ws)
    shown = composer.preview(
        ws,
        profiles=["카톡", "블로그"],
        text=f"봄 신제품 최저가로 만나요 {LANDING}",
        variants={"블로그": "블로그용 긴 글\n\n자세히 보기:"},
        link=LANDING,
        plan_id=plan.plan_id,
    )
    kakao, blog = shown
    short = "http://127.0.0.1:8000/l/xxxxxxxx"
    assert kakao.final_text == f"봄 신제품 최저가로 만나요 {short}"  # the link replaced in place
    assert blog.final_text == f"블로그용 긴 글\n\n자세히 보기:\n{short}"  # appended to the variant
    assert (kakao.platform, kakao.length, kakao.limit) == ("kakaotalk", 15 + len(short), 1000)
    assert (blog.platform, blog.limit) == ("naver-blog", None)
    assert kakao.banned == ["최저가"] and blog.banned == []  # "최저가로": Korean as a substring
    [problem] = kakao.problems
    assert problem["code"] == "composer.banned" and problem["params"] == {"words": "최저가"}
    assert problem["message_ko"].startswith("카톡: 운영 정책의 금지어")
    assert "the operating policy bans: 최저가" in problem["message_en"]
    assert blog.ok and kakao.tone == blog.tone == "친근하고 짧게" and kakao.short_url == short
    assert _count(ws, "short_links") == 0 and queue.list_posts(ws) == []  # preview keeps nothing


def test_limits_are_counted_on_the_final_text_with_both_messages(ws: Workspace) -> None:
    body = "가" * 968  # + a space + a 32-character short link = 1001 > 1000
    [kakao] = composer.preview(ws, profiles=["카톡"], text=body + " " + LANDING, link=LANDING)
    assert kakao.length == 1001
    [problem] = kakao.problems
    assert problem["code"] == "publish.too_long"
    assert problem["params"] == {"count": 1001, "limit": 1000}
    assert problem["message_ko"] == "카톡: 글이 너무 깁니다 (1001자, 최대 1000자). 줄여 주세요."
    assert problem["message_en"].startswith("카톡: the text is too long (1001 characters")
    with pytest.raises(PublishError) as long:
        composer.compose(ws, profiles=["카톡", "블로그"], text=body + " " + LANDING, link=LANDING)
    assert long.value.code == "publish.too_long" and long.value.params["profile"] == "카톡"
    # the whole group refused, and no short link made for it
    assert queue.list_posts(ws) == [] and _count(ws, "short_links") == 0
    [fits] = composer.preview(ws, profiles=["카톡"], text=body[:-1] + " " + LANDING, link=LANDING)
    assert fits.ok and fits.length == 1000


def test_compose_queues_variants_with_one_tracked_link_per_post(ws: Workspace) -> None:
    plan = saved_plan(ws)
    group, posts = composer.compose(
        ws,
        profiles=["카톡", "블로그"],
        text="봄 신제품이 나왔어요",
        variants={"블로그": "블로그 독자를 위한 봄 신제품 소개"},
        at="2099-03-02T19:00",
        link=LANDING,
        plan_id=plan.plan_id,
        plan_item_id="i1",
        actor="kim",
    )
    kakao, blog = sorted(posts, key=lambda p: p.profile, reverse=True)
    assert (kakao.profile, blog.profile) == ("카톡", "블로그")
    for post in posts:
        assert post.group_id == group and post.state == "scheduled" and post.approvals_needed == 0
        assert (post.plan_id, post.plan_item_id) == (plan.plan_id, "i1")
        assert post.due_at.startswith("2099-03-02T10:00:00")  # 19:00 in Seoul
        assert post.text.endswith("\n" + links.short_url(post.link_code))
    assert kakao.text.startswith("봄 신제품이 나왔어요") and blog.text.startswith("블로그 독자")
    assert kakao.link_code != blog.link_code
    # each link tagged for its channel with the plan's scheme; utm_content = the group
    blog_target = links.follow(ws, blog.link_code, user_agent="Mozilla/5.0")
    kakao_target = links.get_link(ws, kakao.link_code).target
    assert blog_target is not None
    assert dict(parse_qsl(urlsplit(blog_target).query)) == {
        "ref": "1",
        "utm_source": "naver",
        "utm_medium": "blog",
        "utm_campaign": "spring-launch-202603",
        "utm_content": group,
    }
    kakao_tags = dict(parse_qsl(urlsplit(kakao_target).query))
    assert (kakao_tags["utm_source"], kakao_tags["utm_medium"]) == ("kakaotalk_channel", "social")
    assert [s.clicks for s in links.link_stats(ws, plan_id=plan.plan_id)] == [1, 0]


def test_banned_words_refuse_compose_but_not_a_draft(ws: Workspace) -> None:
    plan = saved_plan(ws)
    decomposed = unicodedata.normalize("NFD", "오늘만 최저가!")  # as some Mac apps paste it
    with pytest.raises(PublishError) as banned:
        composer.compose(ws, profiles=["블로그"], text=decomposed, plan_id=plan.plan_id)
    assert banned.value.code == "composer.banned" and banned.value.params["words"] == "최저가"
    assert queue.list_posts(ws) == []
    _group, [draft] = composer.compose(
        ws, profiles=["블로그"], text=decomposed, plan_id=plan.plan_id, draft=True
    )
    assert draft.state == "draft"


def test_banned_words_match_latin_as_whole_words_and_korean_inside_words() -> None:
    words = ["FREE", "최저가", "ass"]
    assert composer.banned_in("Totally free shipping", words) == ["FREE"]
    assert composer.banned_in("freedom class 최저가격", words) == ["최저가"]
    assert composer.banned_in("좋은 가격", words) == []


def test_approvals_by_role_and_plan_policy(ws: Workspace) -> None:
    _g, [by_agent] = composer.compose(ws, profiles=["블로그"], text="글", role="agent")
    assert (by_agent.state, by_agent.approvals_needed) == ("in_review", 1)
    _g, [by_owner] = composer.compose(ws, profiles=["블로그"], text="글", role="owner")
    assert (by_owner.state, by_owner.approvals_needed) == ("scheduled", 0)
    plan = saved_plan(ws)
    policy = plan.policy
    policy.publish_approvals = 2
    PlanStore(ws).save(plan, base_version=plan.version, actor="kim")
    _g, [strict] = composer.compose(
        ws, profiles=["블로그"], text="글", plan_id=plan.plan_id, role="owner"
    )
    assert (strict.state, strict.approvals_needed) == ("in_review", 2)
    _g, [draft] = composer.compose(ws, profiles=["블로그"], text="글", role="agent", draft=True)
    assert draft.state == "draft"
    assert queue.schedule(ws, draft.post_id, "2099-01-01T09:00").state == "in_review"


def test_inputs_that_cannot_be_used_are_refused_before_anything_is_kept(ws: Workspace) -> None:
    def code(**kwargs: object) -> str:
        with pytest.raises(PublishError) as err:
            composer.compose(ws, **kwargs)  # type: ignore[arg-type]
        return err.value.code

    assert code(profiles=["블로그"], text="x", link="javascript:alert(1)") == "link.bad_target"
    assert code(profiles=["블로그"], text="x", variants={"카톡": "y"}) == "composer.unknown_variant"
    assert code(profiles=[], text="x") == "publish.no_profile"
    assert code(profiles=["없음"], text="x") == "profile.unknown"
    assert code(profiles=["블로그"], text="x", media_ids=["nope"]) == "media.unknown"
    assert code(profiles=["블로그"], text="x", role="viewer") == "approvals.cannot_write"
    assert queue.list_posts(ws) == [] and _count(ws, "short_links") == 0


def test_a_link_typed_into_the_text_is_tracked_too(ws: Workspace) -> None:
    _manual(ws, "블로그", "naver-blog")
    _manual(ws, "카카오", "kakaotalk")
    text_ = "겨울 신메뉴 출시! 자세히 https://brand.example.kr/menu?x=1 에서 확인하세요."
    _group, posts = composer.compose(
        ws,
        profiles=["블로그", "카카오"],
        text=text_,
        variants={"카카오": "카카오 친구만: 매장에서 확인하세요."},  # no link: kept as written
    )
    by = {p.profile: p for p in posts}
    blog = by["블로그"]
    assert "https://brand.example.kr/menu" not in blog.text and f"/l/{blog.link_code}" in blog.text
    assert blog.text.endswith("에서 확인하세요.")  # the sentence around the link is kept
    assert by["카카오"].text == "카카오 친구만: 매장에서 확인하세요." and not by["카카오"].link_code
    target = links.follow(ws, blog.link_code)
    assert target is not None and target.startswith("https://brand.example.kr/menu?x=1&utm_")
    assert _count(ws, "short_links") == 1

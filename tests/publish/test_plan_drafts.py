"""Drafts from a plan's content calendar: one call, recurring items expanded, due at the item's
local time, the plan's tracked link, profiles by channel (else a manual one), never twice; and
what became of each calendar item."""

from __future__ import annotations

import pytest
from helpers import spring_calendar
from test_links import saved_plan

from socialops.connectors import profiles as prof
from socialops.domain.plan import CalendarItem
from socialops.errors import PublishError
from socialops.publish import links, queue
from socialops.publish.plan_drafts import drafts_from_calendar, plan_publishing
from socialops.publish.worker import run_worker
from socialops.store.workspace import Workspace


def _calendar() -> list[CalendarItem]:
    return spring_calendar(
        "instagram", copy="봄 신제품을 먼저 만나 보세요 #봄", link="https://example.kr/spring?ref=1"
    )


def test_one_call_makes_a_draft_per_occurrence_and_a_second_call_none(
    workspace: Workspace,
) -> None:
    plan = saved_plan(workspace, calendar=_calendar())
    prof.connect(
        workspace, name="블로그", platform="manual", settings={"platform": "naver-blog"}, secrets={}
    )
    made = drafts_from_calendar(workspace, plan.plan_id, [], actor="kim")
    assert [(p.plan_item_id, p.profile, p.state) for p in made] == [
        ("i1", "manual-instagram", "draft"),  # no Instagram profile: a manual one was made
        ("i2#1", "블로그", "draft"),
        ("i2#2", "블로그", "draft"),
        ("i2#3", "블로그", "draft"),
    ]
    teaser, *weekly = made
    assert teaser.due_at.startswith("2026-03-02T10:00:00")  # 19:00 in Seoul
    assert [p.due_at[:16] for p in weekly] == [
        "2026-03-03T00:30",
        "2026-03-10T00:30",
        "2026-03-17T00:30",
    ]
    assert weekly[0].text == "주간 블로그 연재" and weekly[0].link_code == ""  # no copy, no link
    assert teaser.text == "봄 신제품을 먼저 만나 보세요 #봄\n" + links.short_url(teaser.link_code)
    target = links.get_link(workspace, teaser.link_code).target
    assert "utm_source=instagram&utm_medium=paid_social&utm_campaign=spring-launch-202603" in (
        target
    )
    assert prof.get_profile(workspace, "manual-instagram").settings == {"platform": "instagram"}
    assert drafts_from_calendar(workspace, plan.plan_id, ["i1", "i2"]) == []
    assert len(queue.list_posts(workspace, plan_id=plan.plan_id)) == 4


def test_profiles_by_channel_and_unknown_items_or_profiles(workspace: Workspace) -> None:
    plan = saved_plan(workspace, calendar=_calendar())
    for name, platform in (("인스타A", "instagram"), ("인스타B", "instagram")):
        prof.connect(
            workspace, name=name, platform="manual", settings={"platform": platform}, secrets={}
        )
    with pytest.raises(PublishError) as unknown:
        drafts_from_calendar(workspace, plan.plan_id, ["nope"])
    assert unknown.value.code == "plan_drafts.unknown_item"
    with pytest.raises(PublishError) as missing:
        drafts_from_calendar(workspace, plan.plan_id, ["i1"], {"instagram": ["없는 계정"]})
    assert missing.value.code == "plan_drafts.no_profile"
    assert queue.list_posts(workspace) == []
    # every active profile of the channel's platform, one group per occurrence
    both = drafts_from_calendar(workspace, plan.plan_id, ["i1"])
    assert sorted(p.profile for p in both) == ["인스타A", "인스타B"]
    assert len({p.group_id for p in both}) == 1
    plan2 = saved_plan(workspace, calendar=_calendar())
    [only_b] = drafts_from_calendar(workspace, plan2.plan_id, ["i1"], {"instagram": ["인스타B"]})
    assert only_b.profile == "인스타B" and only_b.plan_id == plan2.plan_id


def test_plan_publishing_shows_what_became_of_each_item(workspace: Workspace) -> None:
    plan = saved_plan(workspace, calendar=_calendar())
    prof.connect(
        workspace, name="블로그", platform="manual", settings={"platform": "naver-blog"}, secrets={}
    )
    drafts_from_calendar(workspace, plan.plan_id, ["i2"])
    first, _second, third = queue.list_posts(workspace, plan_id=plan.plan_id)
    queue.schedule(workspace, first.post_id, None)  # at its planned time, in the past: due
    queue.cancel(workspace, third.post_id)
    assert run_worker(workspace, until_idle=True).tasks == 1
    queue.confirm_task(workspace, first.post_id, "https://blog.naver.com/brand/1")
    shown = plan_publishing(workspace, plan.plan_id)
    assert list(shown) == ["i2"]
    assert [(p.plan_item_id, p.state) for p in shown["i2"]] == [
        ("i2#1", "published"),
        ("i2#2", "draft"),
        ("i2#3", "cancelled"),
    ]
    assert shown["i2"][0].url == "https://blog.naver.com/brand/1"

"""Post approvals by the plan's policy, on SQLite and PostgreSQL: who needs review, roles that
may approve, no approving one's own post, two approvals from two different people, a rejection
needs its reason, and the notifications each step leaves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from helpers import manual_profiles, policy_plan
from sqlalchemy import text

from socialops.errors import PublishError
from socialops.publish import approvals as ap
from socialops.publish import queue
from socialops.store.workspace import Workspace

AUTHOR, KIM, LEE = "agent@example.kr", "kim@example.kr", "lee@example.kr"


@pytest.fixture()
def ws(database: str, tmp_path: Path) -> Workspace:
    w = Workspace.open(tmp_path / "ws")
    return manual_profiles(w, ("블로그", "naver-blog"), ("카톡", "kakaotalk"))


def _draft(ws: Workspace, plan_id: str | None = None, at: str = "2099-01-05T10:00") -> str:
    group, _ = queue.new_posts(
        ws,
        profiles=["블로그", "카톡"],
        text_="겨울 신메뉴 출시 🎉 #신메뉴",
        at=at,
        plan_id=plan_id,
        actor=AUTHOR,
        draft=True,
    )
    return group


def _states(ws: Workspace, group: str) -> list[str]:
    return sorted({p.state for p in queue.list_posts(ws) if p.group_id == group})


def test_needs_approval_follows_the_role_and_the_plans_policy(ws: Workspace) -> None:
    assert ap.needs_approval(ws, plan_id=None, role="owner") == 0
    assert ap.needs_approval(ws, plan_id=None, role="manager") == 0
    assert ap.needs_approval(ws, plan_id=None, role="agent") == 1
    assert ap.needs_approval(ws, plan_id=None, role="analyst") == 1
    with pytest.raises(PublishError) as viewer:
        ap.needs_approval(ws, plan_id=None, role="viewer")
    assert viewer.value.code == "approvals.cannot_write"
    open_plan = policy_plan(ws, direct_roles=["owner", "agent"])
    assert ap.needs_approval(ws, plan_id=open_plan, role="agent") == 0
    assert ap.needs_approval(ws, plan_id=open_plan, role="manager") == 1
    strict = policy_plan(ws, publish_approvals=2)
    assert ap.needs_approval(ws, plan_id=strict, role="owner") == 2


def test_one_approval_schedules_and_only_approver_roles_may_give_it(ws: Workspace) -> None:
    group = _draft(ws)
    posts = ap.submit(ws, group, actor=AUTHOR)
    assert {p.state for p in posts} == {"in_review"} and {p.approvals_needed for p in posts} == {1}
    [item] = ap.pending(ws)
    assert (item.group_id, item.author, item.submitted_by) == (group, AUTHOR, AUTHOR)
    assert item.approvals_needed == 1 and len(item.posts) == 2
    for role in ("agent", "analyst", "viewer"):
        with pytest.raises(PublishError) as no:
            ap.approve(ws, group, actor=LEE, role=role)
        assert no.value.code == "approvals.forbidden"
    done = ap.approve(ws, group, actor=KIM, role="manager", comment="좋아요")
    assert {p.state for p in done} == {"scheduled"}
    assert {p.due_at[:16] for p in done} == {"2099-01-05T01:00"}  # 10:00 KST kept
    assert ap.pending(ws) == []
    assert [(e.decision, e.actor) for e in ap.history(ws, group)] == [
        ("submit", AUTHOR),
        ("approve", KIM),
    ]
    with pytest.raises(PublishError) as again:
        ap.approve(ws, group, actor=LEE, role="owner")
    assert again.value.code == "approvals.not_in_review"


def test_the_author_may_not_approve_their_own_post(ws: Workspace) -> None:
    group, _ = queue.new_posts(
        ws, profiles=["블로그"], text_="매니저 글", at="2099-01-05T10:00", actor=KIM, draft=True
    )
    ap.submit(ws, group, actor=KIM)
    with pytest.raises(PublishError) as own:
        ap.approve(ws, group, actor=KIM, role="manager")
    assert own.value.code == "approvals.own_post" and own.value.http_status in (400, 403)
    assert "승인할 수 없습니다" in own.value.text("ko")
    assert _states(ws, group) == ["in_review"]


def test_two_approvals_must_come_from_two_different_people(ws: Workspace) -> None:
    plan_id = policy_plan(ws, publish_approvals=2)
    group = _draft(ws, plan_id)
    assert {p.approvals_needed for p in ap.submit(ws, group, actor=AUTHOR)} == {2}
    first = ap.approve(ws, group, actor=KIM, role="manager")
    assert {p.state for p in first} == {"in_review"}
    assert ap.pending(ws)[0].approved_by == [KIM]
    with pytest.raises(PublishError) as twice:
        ap.approve(ws, group, actor=KIM, role="manager")
    assert twice.value.code == "approvals.already_approved"
    second = ap.approve(ws, group, actor=LEE, role="owner")
    assert {p.state for p in second} == {"scheduled"}


def test_reject_needs_a_comment_and_sends_the_post_back_to_draft(ws: Workspace) -> None:
    plan_id = policy_plan(ws, publish_approvals=2)
    group = _draft(ws, plan_id)
    ap.submit(ws, group, actor=AUTHOR)
    ap.approve(ws, group, actor=KIM, role="manager")
    for empty in ("", "   "):
        with pytest.raises(PublishError) as bare:
            ap.reject(ws, group, actor=LEE, role="owner", comment=empty)
        assert bare.value.code == "approvals.comment_required"
    with pytest.raises(PublishError) as role:
        ap.reject(ws, group, actor=LEE, role="agent", comment="아니요")
    assert role.value.code == "approvals.forbidden"
    back = ap.reject(ws, group, actor=LEE, role="owner", comment="가격 표기를 고쳐 주세요")
    assert {(p.state, p.reason_code, p.reason_detail) for p in back} == {
        ("draft", "rejected_in_review", "가격 표기를 고쳐 주세요")
    }
    # submitted again, the approvals count afresh: KIM's first approval no longer counts
    ap.submit(ws, group, actor=AUTHOR)
    assert {p.state for p in ap.approve(ws, group, actor=KIM, role="manager")} == {"in_review"}
    assert {p.state for p in ap.approve(ws, group, actor=LEE, role="owner")} == {"scheduled"}
    decisions = [e.decision for e in ap.history(ws, group)]
    assert decisions == ["submit", "approve", "reject", "submit", "approve", "approve"]


def test_an_approval_after_the_time_passed_makes_the_post_due_now(ws: Workspace) -> None:
    past = (datetime.now(UTC) - timedelta(hours=2)).isoformat()
    group = _draft(ws, at=past)
    ap.submit(ws, group, actor=AUTHOR)
    before = datetime.now(UTC)
    done = ap.approve(ws, group, actor=KIM, role="owner")
    for p in done:
        assert p.state == "scheduled" and datetime.fromisoformat(p.due_at) >= before


def test_a_leased_post_is_never_moved(ws: Workspace) -> None:
    group = _draft(ws)
    ap.submit(ws, group, actor=AUTHOR)
    with ws.begin() as conn:  # as if a worker held one of the posts
        conn.execute(
            text(
                "UPDATE publish_posts SET lease_until = '2999-01-01T00:00:00+00:00' "
                "WHERE post_id = (SELECT MIN(post_id) FROM publish_posts WHERE group_id = :g)"
            ),
            {"g": group},
        )
    posts = ap.approve(ws, group, actor=KIM, role="owner")
    assert sorted(p.state for p in posts) == ["in_review", "scheduled"]


def test_posts_queued_into_review_are_announced_once(ws: Workspace) -> None:
    group, _ = queue.new_posts(
        ws, profiles=["블로그"], text_="검토 필요", at="2099-01-05T10:00", actor=AUTHOR,
        approvals_needed=1,
    )  # fmt: skip
    assert ap.pending(ws)[0].submitted_by == ""
    assert {p.state for p in ap.submit(ws, group, actor=AUTHOR)} == {"in_review"}
    assert ap.pending(ws)[0].submitted_by == AUTHOR
    assert len(ap.notifications(ws, user=KIM, role="manager")) == 1
    with pytest.raises(PublishError) as twice:
        ap.submit(ws, group, actor=AUTHOR)
    assert twice.value.code == "approvals.nothing_to_submit"


def test_submit_only_drafts_and_unknown_groups(ws: Workspace) -> None:
    with pytest.raises(PublishError) as unknown:
        ap.history(ws, "nope")
    assert unknown.value.code == "approvals.unknown_group"
    group, _ = queue.new_posts(ws, profiles=["블로그"], text_="바로", at="2099-01-01T09:00")
    with pytest.raises(PublishError) as none:
        ap.submit(ws, group, actor=AUTHOR)
    assert none.value.code == "approvals.nothing_to_submit"


def test_notifications_reach_the_approvers_then_the_author(ws: Workspace) -> None:
    group = _draft(ws)
    ap.submit(ws, group, actor=AUTHOR)
    [to_kim] = ap.notifications(ws, user=KIM, role="manager")
    [to_lee] = ap.notifications(ws, user=LEE, role="owner")
    assert to_lee.notification_id != to_kim.notification_id  # one for each approver role
    assert to_kim.kind == "approvals.notice.submitted" and not to_kim.read
    assert AUTHOR in to_kim.text_ko and "검토를 요청" in to_kim.text_ko
    assert "asks for a review of 2 posts" in to_kim.text_en
    assert to_kim.link.endswith(group)
    assert ap.notifications(ws, user=AUTHOR, role="agent") == []  # agents do not approve
    # a role's notification is read per person: KIM reading it leaves it unread for others
    assert ap.mark_read(ws, [to_kim.notification_id], user=KIM) == 1
    assert ap.mark_read(ws, [to_kim.notification_id], user=KIM) == 0
    assert ap.notifications(ws, user=KIM, role="manager", unread_only=True) == []
    other = ap.notifications(ws, user="park@example.kr", role="manager", unread_only=True)
    assert len(other) == 1
    ap.add_comment(ws, group, actor=KIM, comment="이미지 밝기 조정 부탁")
    ap.reject(ws, group, actor=LEE, role="owner", comment="가격 확인 필요")
    mine = ap.notifications(ws, user=AUTHOR, role="agent")
    assert [n.kind for n in mine] == ["approvals.notice.rejected", "approvals.notice.comment"]
    assert "가격 확인 필요" in mine[0].text_ko and mine[0].to_dict()["read"] is False
    assert ap.mark_read(ws, [n.notification_id for n in mine], user=AUTHOR) == 2
    assert ap.notifications(ws, user=AUTHOR, role="agent", unread_only=True) == []
    assert ap.mark_read(ws, [mine[0].notification_id], user=KIM) == 0  # not KIM's


def test_approved_notice_says_whether_more_approvals_are_needed(ws: Workspace) -> None:
    group = _draft(ws, policy_plan(ws, publish_approvals=2))
    ap.submit(ws, group, actor=AUTHOR)
    ap.approve(ws, group, actor=KIM, role="manager")
    ap.approve(ws, group, actor=LEE, role="owner")
    kinds = [n.kind for n in ap.notifications(ws, user=AUTHOR, role="agent")]
    assert kinds == ["approvals.notice.approved", "approvals.notice.approved_partly"]
    partly = ap.notifications(ws, user=AUTHOR, role="agent")[1]
    assert "(1/2)" in partly.text_ko and "1 of 2" in partly.text_en

"""The inbox pages signed in through /login as each role (real sessions and CSRF tokens), over
conversations received through the real engage path: the list with its filters, a
conversation with its triage chips and masked personal data, replies (queued, or waiting for
approval under a running plan's rule, approved by a manager), internal notes, assignment,
resolving, a failed send retried, contact tags and notes, saved replies with variables, the
case page; Korean and English; 403 for a viewer or a missing CSRF token, 400 with the
catalogue's words for bad input, 404 for another workspace's ids; every change audited."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from inbox_web_helpers import post_form, running_plan, seed, set_reply_state
from test_publishing_api import PubHome, pub_home

from socialops.engage import cases, conversations, replies

W = "/w/main/inbox"
PII_TEXT = "카드 분실했어요 제 번호 010-1234-5678 로 연락 주세요 왜 아직도 답이 없나요"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PubHome]:
    for h in pub_home(tmp_path_factory):
        db = h.db()
        seed(db, "u-pii", PII_TEXT, label="박민수")
        seed(db, "u-praise", "상담원분 정말 친절하셨어요 감사합니다", label="이영희")
        seed(
            db,
            "u-demo",
            "When does my flight leave?",
            label="Sam",
            channel="twitter",
            simulated=True,
        )
        seed(h.db("other"), "u-other", "다른 워크스페이스의 문의입니다", label="남의고객")
        yield h


@pytest.fixture(scope="module")
def browsers(home: PubHome) -> dict[str, TestClient]:
    return {who: home.signed_in(who) for who in ("owner", "manager", "agent", "viewer")}


def _cid(home: PubHome, label: str, ws: str = "main") -> str:
    rows = conversations.list_conversations(home.db(ws), q=label, limit=5)
    assert rows, label
    return rows[0].conversation_id


def test_the_list_in_korean_and_english_with_filters(
    home: PubHome, browsers: dict[str, TestClient]
) -> None:
    viewer = browsers["viewer"]
    page = viewer.get(W)
    assert page.status_code == 200, page.text[:500]
    assert 'id="nav-inbox"' in page.text and "인박스" in page.text
    for name in ("박민수", "이영희", "Sam"):
        assert name in page.text
    assert "남의고객" not in page.text
    assert "가상 시간" in page.text  # the demo row's simulated times are marked
    assert "/w/main/inbox/report" in page.text  # the team report is linked
    only = viewer.get(W + "?channel=twitter").text
    assert "Sam" in only and "박민수" not in only
    found = viewer.get(W + "?q=친절").text
    assert "이영희" in found and "박민수" not in found
    assert "최근 대화" in found  # a two-character search says it looked at the recent ones only
    assert "최근 대화" not in viewer.get(W + "?q=친절한").text
    bad = viewer.get(W + "?status=nonsense")
    assert bad.status_code == 400 and "쓸 수 있는 값" in bad.text
    home.accounts.set_preferences(home.users["viewer"].id, lang="en")
    try:
        english = home.signed_in("viewer").get(W).text
        assert "Inbox" in english and "Simulated times" in english and "인박스" not in english
    finally:
        home.accounts.set_preferences(home.users["viewer"].id, lang="ko")
    assert home.client.get(W, follow_redirects=False).status_code == 303  # not signed in


def test_a_conversation_masks_personal_data_unless_the_role_may_reveal(
    home: PubHome, browsers: dict[str, TestClient]
) -> None:
    cid = _cid(home, "박민수")
    page = browsers["agent"].get(f"{W}/c/{cid}").text
    assert "010-1234-5678" not in page and "5678" in page  # masked with a hint
    assert "전화번호" in page  # what was masked, in words
    assert 'id="reveal"' not in page
    assert 'class="chip tri-intent' in page  # the triage chips
    refused = post_form(browsers["agent"], f"{W}/c/{cid}", f"{W}/c/{cid}/reveal")
    assert refused.status_code == 403
    owner_page = browsers["owner"].get(f"{W}/c/{cid}").text
    assert 'id="reveal"' in owner_page and "010-1234-5678" not in owner_page
    shown = post_form(browsers["owner"], f"{W}/c/{cid}", f"{W}/c/{cid}/reveal")
    assert shown.status_code == 200 and "010-1234-5678" in shown.text
    assert [a["target"] for a in home.audit("inbox.reveal")] == [cid]
    # the reveal is not kept: the next page is masked again
    assert "010-1234-5678" not in browsers["owner"].get(f"{W}/c/{cid}").text


def test_reply_note_assign_and_resolve_through_the_forms(
    home: PubHome, browsers: dict[str, TestClient]
) -> None:
    cid = _cid(home, "이영희")
    agent = browsers["agent"]
    page = f"{W}/c/{cid}"
    assert post_form(agent, page, f"{page}/assign", assignee="me").status_code == 303
    detail = conversations.get_conversation(home.db(), cid)
    assert detail.case is not None and detail.case.assignee == "agent@example.com"
    # an agent may not give the case to someone else
    other = post_form(agent, page, f"{page}/assign", assignee="manager@example.com")
    assert other.status_code == 403
    done = post_form(agent, page, f"{page}/reply", text="감사합니다, {이름} 고객님!", kind="reply")
    assert done.status_code == 303 and "done=queued" in done.headers["location"]
    assert post_form(agent, page, f"{page}/reply", text="VIP 고객", kind="note").status_code == 303
    shown = agent.get(page).text
    assert 'class="msg msg-note"' in shown and "VIP 고객" in shown
    empty = post_form(agent, page, f"{page}/reply", text="   ", kind="reply")
    assert empty.status_code == 400 and "입력해 주세요" in empty.text
    case_id = detail.case.case_id
    assert (
        post_form(agent, page, f"{page}/status", case_id=case_id, status="resolved").status_code
        == 303
    )
    assert cases.get_case(home.db(), case_id).status == "resolved"
    for action in ("inbox.assign", "inbox.reply", "inbox.note", "inbox.status"):
        assert any(a["email"] == "agent@example.com" for a in home.audit(action)), action
    # a viewer reads but changes nothing; a form without its CSRF token is refused
    assert post_form(browsers["viewer"], page, f"{page}/reply", text="안녕").status_code == 403
    no_csrf = agent.post(f"{page}/reply", data={"text": "안녕"}, follow_redirects=False)
    assert no_csrf.status_code == 403


def test_approval_and_retry(home: PubHome, browsers: dict[str, TestClient]) -> None:
    db = home.db()
    running_plan(db, ["상담 답변은 팀장 승인 후 게시합니다."])
    cid = seed(db, "u-approve", "환불은 언제 되나요?", label="최승인")
    page = f"{W}/c/{cid}"
    done = post_form(browsers["agent"], page, f"{page}/reply", text="곧 처리해 드릴게요")
    assert "done=in_review" in done.headers["location"]
    waiting = [r for r in replies.list_replies(db, conversation_id=cid)]
    assert [r.state for r in waiting] == ["pending_approval"]
    rid = waiting[0].reply_id
    assert f'id="approve-{rid}"' not in browsers["agent"].get(page).text
    assert f'id="approve-{rid}"' in browsers["manager"].get(page).text
    refused = post_form(browsers["agent"], page, f"{W}/replies/{rid}/approve", c=cid)
    assert refused.status_code == 403
    ok = post_form(browsers["manager"], page, f"{W}/replies/{rid}/approve", c=cid)
    assert ok.status_code == 303 and replies.get_reply(db, rid).state == "queued"
    set_reply_state(db, rid, "failed", "rate_limited: try later")
    shown = browsers["agent"].get(page).text
    assert f'id="retry-{rid}"' in shown and "rate_limited" in shown
    again = post_form(browsers["agent"], page, f"{W}/replies/{rid}/retry", c=cid)
    assert again.status_code == 303 and replies.get_reply(db, rid).state == "queued"
    assert home.audit("inbox.reply_approve") and home.audit("inbox.reply_retry")


def test_saved_replies_contacts_and_the_case_page(
    home: PubHome, browsers: dict[str, TestClient]
) -> None:
    manager, agent = browsers["manager"], browsers["agent"]
    saved_page = f"{W}/saved"
    assert (
        post_form(agent, saved_page, saved_page, name="인사", lang="ko", text="x").status_code
        == 403
    )
    added = post_form(
        manager,
        saved_page,
        saved_page,
        name="인사",
        lang="ko",
        text="{이름} 고객님, 케이스 {케이스}번 확인했습니다.",
    )
    assert added.status_code == 303
    cid = _cid(home, "박민수")
    detail = conversations.get_conversation(home.db(), cid)
    page = agent.get(f"{W}/c/{cid}").text
    assert f"박민수 고객님, 케이스 {detail.row.case_id}번 확인했습니다." in page
    contact_id = detail.row.contact_id
    tags = post_form(
        agent, f"{W}/c/{cid}", f"{W}/contacts/{contact_id}/tags", tags="VIP, 분실", c=cid
    )
    assert tags.status_code == 303
    note = post_form(
        agent, f"{W}/c/{cid}", f"{W}/contacts/{contact_id}/note", text="재발급 안내함", c=cid
    )
    assert note.status_code == 303
    page = agent.get(f"{W}/c/{cid}").text
    assert "VIP" in page and "분실" in page and "재발급 안내함" in page
    case = browsers["viewer"].get(f"{W}/cases/{detail.row.case_id}")
    assert case.status_code == 200 and "상태 변경" in case.text and "케이스 #" in case.text
    assert home.audit("inbox.saved_save") and home.audit("inbox.contact_tags")


def test_another_workspaces_ids_are_not_found(
    home: PubHome, browsers: dict[str, TestClient]
) -> None:
    theirs = _cid(home, "남의고객", "other")
    owner = browsers["owner"]  # a member of both workspaces
    assert owner.get(f"/w/other/inbox/c/{theirs}").status_code == 200
    assert owner.get(f"{W}/c/{theirs}").status_code == 404
    mine = _cid(home, "이영희")
    refused = post_form(owner, f"{W}/c/{mine}", f"{W}/c/{theirs}/reply", text="안녕")
    assert refused.status_code == 404
    assert browsers["agent"].get("/w/other/inbox").status_code == 404  # not a member

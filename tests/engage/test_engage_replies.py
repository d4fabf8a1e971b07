"""Replies from the inbox through the real workspace database (SQLite and PostgreSQL), the real
profiles (encrypted secrets, registry) and a small replying platform: the send goes out once and
records the out message, the case's response times and the event; the plan's policy holds an
agent's reply for approval and refuses banned words; the channel's length is checked; failures
are visible and retried; a crash half-way is reconciled, never resent; channels without a push
API store the answer for the customer to pull."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from engage_send_helpers import NoFindPlatform, ReplyingPlatform, seed_conversation
from sqlalchemy import text

from socialops.connectors import profiles as prof
from socialops.connectors.core import Resolution
from socialops.connectors.kakao import new_secret
from socialops.domain.plan import Plan, Policy
from socialops.engage import cases
from socialops.engage.replies import (
    add_note,
    approve_reply,
    draft_reply,
    get_reply,
    list_replies,
    reject_reply,
    retry_reply,
)
from socialops.engage.sending import send_due
from socialops.errors import EngageError
from socialops.plan.store import PlanStore
from socialops.store.workspace import Workspace

AGENT, MANAGER = "agent@bank.kr", "lead@bank.kr"


@pytest.fixture
def ws(workspace: Workspace) -> Workspace:
    ReplyingPlatform.reset()
    prof.connect(workspace, name="brand", platform="test-replying", settings={}, secrets={"t": "x"})
    return workspace


@pytest.fixture
def any_db_ws(database: str, tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    from pathlib import Path

    root = Path(str(tmp_path)) / f"ws-{database}"
    monkeypatch.setenv("SOCIALOPS_HOME", str(root))
    w = Workspace.open(root)
    ReplyingPlatform.reset()
    prof.connect(w, name="brand", platform="test-replying", settings={}, secrets={"t": "x"})
    return w


def _pid(ws: Workspace, name: str = "brand") -> str:
    return prof.get_profile(ws, name).profile_id


def _running_plan(ws: Workspace, **policy: object) -> None:
    from datetime import date

    plan = Plan(
        plan_id="",
        name="고객 응대",
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        objectives=["customer_service"],
        policy=Policy(**policy),  # type: ignore[arg-type]
    )
    pid = PlanStore(ws).create(plan, actor=MANAGER).plan_id
    with ws.begin() as conn:  # the workflow's moves are tested with the plans; here it runs
        doc = json.loads(conn.execute(text("SELECT doc FROM plans")).scalar_one())
        doc["state"] = "running"
        conn.execute(
            text("UPDATE plans SET state = 'running', doc = :d WHERE plan_id = :p"),
            {"d": json.dumps(doc, ensure_ascii=False), "p": pid},
        )


def _rows(ws: Workspace, sql: str, **params: object) -> list[tuple[object, ...]]:
    with ws.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql), params).fetchall()]


def test_a_reply_goes_out_once_and_is_recorded_on_both_databases(any_db_ws: Workspace) -> None:
    ws = any_db_ws
    conv, case_id, parent = seed_conversation(ws, source=_pid(ws), channel="test-replying")
    reply = draft_reply(ws, conv, "  주문번호 알려 주시면 확인할게요  ", author=AGENT, role="agent")
    assert (reply.state, reply.parent_remote_id, reply.transport) == ("queued", parent, "platform")
    assert len(reply.key) == 13

    counts = send_due(ws)
    assert (counts.sent, counts.failed, counts.unknown) == (1, 0, 0)
    assert ReplyingPlatform.sent == {reply.key: (parent, "주문번호 알려 주시면 확인할게요")}
    done = get_reply(ws, reply.reply_id)
    assert (done.state, done.remote_id, done.attempts) == ("sent", f"r-{reply.key}", 1)
    assert done.sent_at is not None and done.message_id
    out = _rows(
        ws,
        "SELECT direction, author, text, parent_remote_id FROM messages WHERE message_id = :m",
        m=done.message_id,
    )
    assert out == [("out", AGENT, "주문번호 알려 주시면 확인할게요", parent)]
    case = _rows(
        ws,
        "SELECT status, first_response_at, last_response_at FROM cases WHERE case_id = :c",
        c=case_id,
    )[0]
    assert case[0] == "open" and case[1] == case[2] == done.sent_at
    conversation = _rows(
        ws,
        "SELECT last_direction, message_count, status FROM conversations "
        "WHERE conversation_id = :c",
        c=conv,
    )
    assert conversation == [("out", 2, "open")]
    kinds = [r[0] for r in _rows(ws, "SELECT kind FROM inbox_events ORDER BY event_id")]
    assert kinds.count("reply_queued") == 1 and kinds.count("reply_sent") == 1

    again = send_due(ws)  # nothing due: nothing sent twice
    assert (again.sent, again.reconciled) == (0, 0)
    assert ReplyingPlatform.calls == [reply.key]


def test_an_agents_reply_waits_for_a_manager_when_the_policy_says_so(ws: Workspace) -> None:
    _running_plan(
        ws,
        approval_rules=["상담 답변은 팀장 승인 후 게시합니다."],
        banned_words=["무조건 보상"],
    )
    conv, _, _ = seed_conversation(ws, source=_pid(ws), channel="test-replying")
    with pytest.raises(EngageError) as banned:
        draft_reply(ws, conv, "무조건 보상해 드립니다", author=AGENT, role="agent")
    assert banned.value.code == "inbox.reply.banned" and "무조건 보상" in banned.value.message

    waiting = draft_reply(ws, conv, "확인 후 안내드릴게요", author=AGENT, role="agent")
    assert waiting.state == "pending_approval"
    notes = _rows(ws, "SELECT role, kind, link FROM notifications")
    # the link is a path in the workspace: the conversation's page, /w/{ws}/inbox/c/{id}
    assert ("manager", "inbox.notice.reply_waiting", f"/inbox/c/{conv}") in notes
    assert send_due(ws).sent == 0 and ReplyingPlatform.calls == []

    with pytest.raises(EngageError) as own:
        approve_reply(ws, waiting.reply_id, approver=AGENT, role="manager")
    assert own.value.code == "inbox.reply.own"
    with pytest.raises(EngageError) as role:
        approve_reply(ws, waiting.reply_id, approver="someone@bank.kr", role="agent")
    assert role.value.code == "inbox.reply.forbidden"
    approved = approve_reply(ws, waiting.reply_id, approver=MANAGER)
    assert (approved.state, approved.approver) == ("queued", MANAGER)
    with pytest.raises(EngageError) as twice:
        approve_reply(ws, waiting.reply_id, approver=MANAGER)
    assert twice.value.code == "inbox.reply.state"
    assert send_due(ws).sent == 1

    # a manager's own reply goes straight out; a rejected one never does
    assert draft_reply(ws, conv, "바로 처리했습니다", author=MANAGER, role="manager").state == (
        "queued"
    )
    other = draft_reply(ws, conv, "기다려 주세요", author=AGENT, role="agent")
    rejected = reject_reply(ws, other.reply_id, approver=MANAGER, reason="더 구체적으로")
    assert rejected.state == "rejected" and "더 구체적으로" in rejected.error_text("ko")
    assert (AGENT, "inbox.notice.reply_rejected", f"/inbox/c/{conv}") in [
        tuple(r) for r in _rows(ws, "SELECT recipient, kind, link FROM notifications")
    ]
    cases.assign(ws, conv, assignee=AGENT, team=None, by=MANAGER)  # the assignee is told too
    assert (AGENT, "inbox.alert.assigned", f"/inbox/c/{conv}") in [
        tuple(r) for r in _rows(ws, "SELECT recipient, kind, link FROM notifications")
    ]
    assert send_due(ws).sent == 1
    assert [r.state for r in list_replies(ws, conversation_id=conv)] == [
        "sent",
        "sent",
        "rejected",
    ]


def test_no_plan_rule_about_replies_means_no_wait(ws: Workspace) -> None:
    _running_plan(ws, approval_rules=["쿠폰·할인 조건은 정산팀 확인 후 발송합니다."])
    conv, _, _ = seed_conversation(ws, source=_pid(ws), channel="test-replying")
    assert draft_reply(ws, conv, "네, 가능합니다", author=AGENT, role="agent").state == "queued"


def test_length_and_empty_and_roles_are_checked(ws: Workspace) -> None:
    conv, _, _ = seed_conversation(ws, source=_pid(ws), channel="test-replying")
    with pytest.raises(EngageError) as long:
        draft_reply(ws, conv, "가" * 51, author=AGENT, role="agent")
    assert long.value.code == "inbox.reply.too_long"
    assert long.value.params == {"channel": "test-replying", "count": 51, "limit": 50}
    assert draft_reply(ws, conv, "가" * 50, author=AGENT, role="agent").state == "queued"
    with pytest.raises(EngageError) as empty:
        draft_reply(ws, conv, "   ", author=AGENT, role="agent")
    assert empty.value.code == "inbox.reply.empty"
    with pytest.raises(EngageError) as viewer:
        draft_reply(ws, conv, "안녕하세요", author="v@bank.kr", role="viewer")
    assert viewer.value.code == "inbox.reply.forbidden"
    with pytest.raises(EngageError) as unknown:
        draft_reply(ws, "nope", "안녕하세요", author=AGENT, role="agent")
    assert unknown.value.http_status == 404


def test_a_refused_reply_is_visible_and_retried_once_fixed(ws: Workspace) -> None:
    conv, case_id, _ = seed_conversation(ws, source=_pid(ws), channel="test-replying")
    reply = draft_reply(ws, conv, "답변입니다", author=AGENT, role="agent")
    ReplyingPlatform.answers.append(Resolution("fail", "rejected", detail="Blocked by author"))
    counts = send_due(ws)
    assert counts.failed == 1
    failed = get_reply(ws, reply.reply_id)
    assert failed.state == "failed" and failed.error_code == "rejected"
    assert "Blocked by author" in failed.error_text("en")
    assert _rows(ws, "SELECT kind FROM inbox_events WHERE kind = 'reply_failed'") == [
        ("reply_failed",)
    ]
    assert (AGENT, "inbox.notice.reply_failed", f"/inbox/c/{conv}") in [
        tuple(r) for r in _rows(ws, "SELECT recipient, kind, link FROM notifications")
    ]
    assert _rows(ws, "SELECT first_response_at FROM cases WHERE case_id = :c", c=case_id) == [
        (None,)
    ]
    with pytest.raises(EngageError):
        retry_reply(ws, "missing", user=AGENT)
    assert retry_reply(ws, reply.reply_id, user=AGENT).state == "queued"
    counts = send_due(ws)
    assert counts.sent == 1 and list(ReplyingPlatform.sent) == [reply.key]
    assert get_reply(ws, reply.reply_id).attempts == 2


def test_rate_limits_hold_and_refused_credentials_fail_with_reauth(ws: Workspace) -> None:
    conv, _, _ = seed_conversation(ws, source=_pid(ws), channel="test-replying")
    reply = draft_reply(ws, conv, "잠시만요", author=AGENT, role="agent")
    ReplyingPlatform.answers.append(Resolution("rate_limited", "rate_limited", 600.0))
    assert send_due(ws).waiting == 1
    held = get_reply(ws, reply.reply_id)
    assert held.state == "queued" and held.updated_at > datetime.now(UTC).isoformat()
    assert prof.get_profile(ws, "brand").limited()
    assert send_due(ws).sent == 0  # still held
    with ws.begin() as conn:  # the limit passes
        past = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
        conn.execute(text("UPDATE inbox_replies SET updated_at = :p"), {"p": past})
        conn.execute(text("UPDATE profiles SET limited_until = :p"), {"p": past})
    ReplyingPlatform.answers.append(Resolution("disconnect", "auth", detail="InvalidToken"))
    assert send_due(ws).failed == 1
    failed = get_reply(ws, reply.reply_id)
    assert (failed.state, failed.error_code) == ("failed", "needs_reauth")
    assert prof.get_profile(ws, "brand").status == "needs_reauth"


def test_a_crash_while_sending_is_reconciled_never_sent_twice(ws: Workspace) -> None:
    conv, _, parent = seed_conversation(ws, source=_pid(ws), channel="test-replying")
    went = draft_reply(ws, conv, "첫 번째", author=AGENT, role="agent")
    lost = draft_reply(ws, conv, "두 번째", author=AGENT, role="agent")
    # a process claimed both, the platform took the first, then the process died
    ReplyingPlatform.sent[went.key] = (parent, "첫 번째")
    old = (datetime.now(UTC) - timedelta(minutes=10)).isoformat()
    with ws.begin() as conn:
        conn.execute(
            text("UPDATE inbox_replies SET state = 'sending', attempts = 1, updated_at = :o"),
            {"o": old},
        )
    counts = send_due(ws)
    assert (counts.reconciled, counts.sent) == (1, 1)
    assert ReplyingPlatform.calls == [lost.key]  # the first was found, not sent again
    assert [get_reply(ws, r.reply_id).state for r in (went, lost)] == ["sent", "sent"]
    assert len(_rows(ws, "SELECT 1 FROM messages WHERE direction = 'out'")) == 2

    # a fresh 'sending' row (another sender is on it) is left alone
    third = draft_reply(ws, conv, "세 번째", author=AGENT, role="agent")
    with ws.begin() as conn:
        conn.execute(
            text("UPDATE inbox_replies SET state = 'sending' WHERE reply_id = :r"),
            {"r": third.reply_id},
        )
    assert send_due(ws).replies == []


def test_a_platform_that_cannot_look_leaves_a_crashed_send_to_a_person(ws: Workspace) -> None:
    prof.connect(ws, name="nofind", platform="test-nofind", settings={}, secrets={"t": "x"})
    conv, _, _ = seed_conversation(ws, source=_pid(ws, "nofind"), channel="test-nofind")
    reply = draft_reply(ws, conv, "확인 중입니다", author=AGENT, role="agent")
    with ws.begin() as conn:
        conn.execute(
            text("UPDATE inbox_replies SET state = 'sending', attempts = 1, updated_at = :o"),
            {"o": (datetime.now(UTC) - timedelta(minutes=10)).isoformat()},
        )
    assert send_due(ws).unknown == 1
    unknown = get_reply(ws, reply.reply_id)
    assert unknown.state == "unknown" and "cannot tell" in unknown.error_text("en")
    assert NoFindPlatform.calls == []


def test_channels_without_a_push_api_store_the_answer(ws: Workspace) -> None:
    kakao = prof.connect(
        ws, name="채널", platform="kakao", settings={}, secrets={"secret": new_secret()}
    )
    conv, case_id, _ = seed_conversation(ws, source=kakao.profile_id, channel="kakao")
    reply = draft_reply(ws, conv, "영업시간은 9시부터입니다", author=AGENT, role="agent")
    assert reply.transport == "pull"
    imported, _, _ = seed_conversation(ws, source="import:airline-care", channel="twitter")
    recorded = draft_reply(ws, imported, "Sorry to hear that", author=AGENT, role="agent")
    assert recorded.transport == "record"
    assert send_due(ws).pulled == 2
    for r in (reply, recorded):
        done = get_reply(ws, r.reply_id)
        assert done.state == "sent" and done.remote_id == f"reply:{r.key}"
    assert "picks it up" in get_reply(ws, reply.reply_id).to_dict("en")["transport_text"]
    assert _rows(
        ws, "SELECT first_response_at IS NOT NULL FROM cases WHERE case_id = :c", c=case_id
    ) == [(True,)]
    with pytest.raises(EngageError) as long:
        draft_reply(ws, conv, "가" * 1001, author=AGENT, role="agent")
    assert long.value.params["limit"] == 1000


def test_a_note_is_stored_masked_and_never_sent(ws: Workspace) -> None:
    conv, _, _ = seed_conversation(ws, source=_pid(ws), channel="test-replying")
    message_id = add_note(ws, conv, "고객 연락처 010-1234-5678 로 전화함", author=AGENT)
    row = _rows(
        ws, "SELECT direction, text, private, pii FROM messages WHERE message_id = :m", m=message_id
    )[0]
    assert row[0] == "note" and "1234" not in str(row[1]) and "5678" in str(row[1])
    assert row[2] and json.loads(str(row[3])) == ["phone"]
    assert send_due(ws).replies == [] and ReplyingPlatform.calls == []
    with pytest.raises(EngageError):
        add_note(ws, conv, " ", author=AGENT)

"""Cases, assignment and routing (socialops.engage.cases, routing, teams) on SQLite and
PostgreSQL: the status moves and reopen rules, the conversation mirror, round-robin / category /
load assignment with its notification, and the running plan's policy routing escalations and
crises."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from socialops.domain.plan import CrisisLevel, EscalationRule, Plan, Policy
from socialops.engage import cases, teams
from socialops.engage.conversations import get_conversation, list_conversations
from socialops.engage.events import events_since
from socialops.engage.receive import Incoming, receive
from socialops.engage.settings import put_setting
from socialops.errors import EngageError
from socialops.plan.store import PlanStore
from socialops.plan.workflow import transition
from socialops.store.notifications import notifications
from socialops.store.workspace import Workspace

COMPLAINT = "앱이 또 먹통이네요 정말 짜증나요"


@pytest.fixture
def ws(database: str, tmp_path: Path) -> Workspace:
    return Workspace.open(tmp_path / "ws")


def _in(ws: Workspace, rid: str, who: str = "u1", text_: str = COMPLAINT, **kw: object) -> str:
    got = receive(
        ws,
        Incoming(
            source="demo",
            channel="kakao",
            thread_key=who,
            remote_id=rid,
            author_handle=who,
            author_label=who,
            text=text_,
            **kw,
        ),  # type: ignore[arg-type]
    )
    return got.conversation_id


def _out(ws: Workspace, rid: str, who: str = "u1") -> None:
    receive(
        ws,
        Incoming(
            source="demo",
            channel="kakao",
            thread_key=who,
            remote_id=rid,
            author_handle="brand",
            text="확인해 드리겠습니다",
            direction="out",
        ),
    )


def _case(ws: Workspace, conv: str) -> cases.Case:
    case = get_conversation(ws, conv).case
    assert case is not None
    return case


def _running_plan(ws: Workspace, policy: Policy) -> None:
    store = PlanStore(ws)
    plan = store.create(
        Plan(
            plan_id="",
            name="고객 상담",
            start=date(2026, 1, 1),
            end=date(2027, 12, 31),
            objectives=["sales_promotion"],
            policy=policy,
        ),
        actor="owner@x.kr",
    )
    for action in ("submit", "approve", "start"):
        transition(store, plan.plan_id, action, actor="owner@x.kr", role="owner")
    assert store.get(plan.plan_id).state == "running"


def test_status_moves_mirror_onto_the_conversation_and_reopen_rules(ws: Workspace) -> None:
    conv = _in(ws, "1")
    first = _case(ws, conv)
    assert first.status == "new" and first.first_response_due is not None
    assert first.resolution_due is not None
    assigned = cases.assign(ws, conv, assignee="lee@x.kr", team=None, by="boss@x.kr")
    assert (assigned.status, assigned.assignee) == ("open", "lee@x.kr")
    cases.set_status(ws, first.case_id, "waiting", user="lee@x.kr")
    [row] = list_conversations(ws, status="waiting")
    assert (row.conversation_id, row.assignee) == (conv, "lee@x.kr")
    _in(ws, "2")  # the customer answers: open again, same case
    assert _case(ws, conv).status == "open"
    _out(ws, "3")
    case = _case(ws, conv)
    assert case.first_response_at is not None and case.next_response_due is None
    _in(ws, "4")  # wrote after our response: a next-response due starts
    assert _case(ws, conv).next_response_due is not None
    cases.set_status(ws, first.case_id, "resolved", user="lee@x.kr")
    _in(ws, "5")  # reopens the resolved case
    case = _case(ws, conv)
    assert (case.case_id, case.status, case.reopened, case.resolved_at) == (
        first.case_id,
        "open",
        1,
        None,
    )
    cases.set_status(ws, first.case_id, "closed", user="lee@x.kr")
    with pytest.raises(EngageError) as bad:
        cases.set_status(ws, first.case_id, "open", user="lee@x.kr")
    assert bad.value.code == "inbox.bad_state" and bad.value.http_status == 409
    _in(ws, "6")  # after closed: a new case
    new = _case(ws, conv)
    assert new.case_id != first.case_id and new.status == "new" and new.reopened == 0
    assert cases.get_case(ws, first.case_id).status == "closed"
    kinds = [e.kind for e in events_since(ws, 0)]
    assert kinds.count("message_in") == 5 and "assigned" in kinds and "status" in kinds
    with pytest.raises(EngageError) as gone:
        cases.get_case(ws, 999)
    assert gone.value.http_status == 404


def test_round_robin_over_the_agents_notifies_each(ws: Workspace) -> None:
    put_setting(ws, "routing", {"mode": "round_robin"})
    put_setting(ws, "agents", ["a@x.kr", "b@x.kr", "c@x.kr"])
    got = [_case(ws, _in(ws, f"r{i}", who=f"u{i}")).assignee for i in range(5)]
    assert got == ["a@x.kr", "b@x.kr", "c@x.kr", "a@x.kr", "b@x.kr"]
    mine = notifications(ws, user="a@x.kr", role="agent")
    assert len(mine) == 2 and mine[0].kind == "inbox.alert.assigned"
    assert "케이스" in mine[0].text_ko


def test_by_category_goes_to_the_team_with_that_skill(ws: Workspace) -> None:
    put_setting(ws, "routing", {"mode": "category"})
    teams.save_team(ws, "앱지원", ["앱/웹사이트"], ["dev1@x.kr", "dev2@x.kr"])
    teams.save_team(ws, "환불팀", ["환불/취소"], ["pay@x.kr"])
    app = _case(ws, _in(ws, "1", who="u1"))
    refund = _case(ws, _in(ws, "2", who="u2", text_="최악이에요 환불 안 해주면 신고합니다"))
    app2 = _case(ws, _in(ws, "3", who="u3"))
    assert (app.team, app.assignee) == ("앱지원", "dev1@x.kr")
    assert (refund.team, refund.assignee) == ("환불팀", "pay@x.kr")
    assert app2.category == "앱/웹사이트" and app2.assignee == "dev2@x.kr"
    thanks = _case(ws, _in(ws, "4", who="u4", text_="감사합니다 친절하셨어요"))
    assert (thanks.team, thanks.assignee, thanks.status) == ("", "", "new")
    assert [t.name for t in teams.list_teams(ws)] == ["앱지원", "환불팀"]
    teams.remove_team(ws, "환불팀")
    with pytest.raises(EngageError):
        teams.remove_team(ws, "환불팀")


def test_by_load_picks_whoever_has_fewest_open_cases(ws: Workspace) -> None:
    teams.save_team(ws, "상담", [], ["a@x.kr", "b@x.kr"])
    busy = [_in(ws, f"m{i}", who=f"m{i}") for i in range(3)]
    for conv in busy:
        cases.assign(ws, conv, assignee="a@x.kr", team=None, by="boss@x.kr")
    put_setting(ws, "routing", {"mode": "load"})
    got = [_case(ws, _in(ws, f"n{i}", who=f"n{i}")).assignee for i in range(4)]
    # b has none, a has three: b until they are even, then the first in the list
    assert got == ["b@x.kr", "b@x.kr", "b@x.kr", "a@x.kr"]
    cases.set_status(ws, _case(ws, busy[0]).case_id, "resolved", user="a@x.kr")
    assert _case(ws, _in(ws, "n9", who="n9")).assignee == "a@x.kr"


def test_the_running_plans_escalation_sets_team_and_priority(ws: Workspace) -> None:
    put_setting(ws, "routing", {"mode": "round_robin"})
    teams.save_team(ws, "금융사기대응팀", [], ["fraud@x.kr"])
    plain = _case(ws, _in(ws, "0", who="u0", text_="계좌 개설 문의드려요"))
    assert plain.team == "" and plain.priority in ("low", "normal")
    _running_plan(
        ws,
        Policy(
            escalation=[EscalationRule(team="금융사기대응팀", keywords=["보이스피싱", "해킹"])],
            banned_words=["바보"],
        ),
    )
    fraud = _case(
        ws, _in(ws, "1", who="u1", text_="보이스피싱 당한 것 같아요 계좌 지급정지 해주세요")
    )
    assert (fraud.team, fraud.assignee) == ("금융사기대응팀", "fraud@x.kr")
    assert fraud.priority in ("high", "urgent")
    ev = [e for e in events_since(ws, 0) if e.kind == "status" and e.case_id == fraud.case_id]
    assert any("escalation:금융사기대응팀:보이스피싱" in r for r in ev[0].detail["reasons"])
    rude = _case(ws, _in(ws, "2", who="u2", text_="이 바보 같은 앱 해킹당했어요"))
    [opened] = [e for e in events_since(ws, 0) if e.kind == "status" and e.case_id == rude.case_id]
    assert opened.detail["reasons"] == ["escalation:금융사기대응팀:해킹", "banned:바보"]


def test_a_crisis_level_is_met_by_the_hours_complaints(ws: Workspace) -> None:
    _running_plan(
        ws,
        Policy(
            crisis_levels=[
                CrisisLevel(level=1, name="관심", trigger="한 시간에 3건", min_mentions_per_hour=3),
                CrisisLevel(level=2, name="경계", trigger="한 시간에 5건", min_mentions_per_hour=5),
            ]
        ),
    )
    levels = [
        _case(
            ws, _in(ws, f"c{i}", who=f"u{i}", created_at=f"2026-12-01T10:0{i}:00+09:00")
        ).crisis_level
        for i in range(5)
    ]
    assert levels == [None, None, 1, 1, 2]
    late = _case(ws, _in(ws, "late", who="u9", created_at="2026-12-01T13:00:00+09:00"))
    assert late.crisis_level is None  # the hour before it was quiet
    urgent = list_conversations(ws, intent="complaint")
    assert sum(r.urgency == "urgent" for r in urgent) == 3
    crises = [e for e in events_since(ws, 0) if e.kind == "crisis"]
    assert [e.detail["level"] for e in crises] == [1, 1, 2]
    with ws.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM cases WHERE crisis_level = 2")).scalar() == 1

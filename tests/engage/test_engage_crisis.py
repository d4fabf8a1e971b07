"""Listening → crisis cases (socialops.engage.crisis) on the real airline tweets: the negative
spikes of Feb 21–23 2015 (cancelled flights) open urgent crisis cases in the inbox, a spike that
grows raises its case, a rerun changes nothing, managers are told, and the running plan's crisis
levels and crisis team are applied."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from analytics_cases import AIRLINE_TZ
from socialops.domain.plan import CrisisLevel, EscalationRule, Plan, Policy
from socialops.engage.conversations import get_conversation
from socialops.engage.crisis import (
    SpikeFigures,
    check_listening,
    check_listening_due,
    crisis_level,
    crisis_team,
)
from socialops.engage.settings import get_setting
from socialops.engage.worker import run_inbox_once
from socialops.plan.store import PlanStore
from socialops.plan.workflow import transition
from socialops.store.notifications import notifications
from socialops.store.workspace import Workspace
from workspace_copy import copy_workspace

FEB21 = datetime(2015, 2, 21, 20, 0, tzinfo=ZoneInfo(AIRLINE_TZ))
FEB22 = datetime(2015, 2, 22, 20, 0, tzinfo=ZoneInfo(AIRLINE_TZ))


@pytest.fixture
def ws(airline_ws: Workspace, tmp_path: Path) -> Workspace:
    copy_workspace(airline_ws.root, tmp_path / "ws")
    return Workspace.open(tmp_path / "ws", create=False)


def _crisis_conversations(ws: Workspace) -> dict[str, str]:
    """thread key → conversation id of the listening conversations."""
    with ws.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT thread_key, conversation_id FROM conversations WHERE source = "
                "'listening' AND channel = 'listening'"
            )
        ).all()
    return {str(r[0]): str(r[1]) for r in rows}


def _crisis_events(ws: Workspace) -> list[dict[str, object]]:
    with ws.connect() as conn:
        rows = conn.execute(
            text("SELECT detail FROM inbox_events WHERE kind = 'crisis' ORDER BY event_id")
        ).all()
    return [json.loads(r[0]) for r in rows]


def _count(ws: Workspace, table: str) -> int:
    with ws.connect() as conn:
        return int(conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one())


def _running_plan(ws: Workspace, policy: Policy) -> None:
    store = PlanStore(ws)
    plan = store.create(
        Plan(
            plan_id="",
            name="위기 대응",
            start=date(2015, 1, 1),
            end=date(2015, 12, 31),
            objectives=["sales_promotion"],
            policy=policy,
        ),
        actor="owner@x.kr",
    )
    for action in ("submit", "approve", "start"):
        transition(store, plan.plan_id, action, actor="owner@x.kr", role="owner")


def test_spikes_open_cases_grow_into_raises_and_rerun_changes_nothing(ws: Workspace) -> None:
    first = check_listening(ws, FEB21)
    assert (first.opened, first.raised, first.seen) == (3, 0, 3)
    convs = _crisis_conversations(ws)
    assert set(convs) == {
        "Southwest:2015-02-21",
        "US Airways:2015-02-21",
        "Virgin America:2015-02-21",
    }
    detail = get_conversation(ws, convs["Southwest:2015-02-21"])
    assert detail.case is not None
    assert (detail.case.priority, detail.case.status) == ("urgent", "new")
    assert detail.case.crisis_level is None  # no running plan: urgent, no level
    [message] = detail.messages
    # the spike in the catalogue's English (the tweets are English): 230 of 373 negative
    assert "Southwest" in message["text"] and "2015-02-21" in message["text"]
    assert "230 of 373" in message["text"] and "62%" in message["text"]
    assert "cancelled" in message["text"]
    events = _crisis_events(ws)
    assert sorted(str(e["spike"]) for e in events) == [
        "spike:Southwest:2015-02-21:2015-02-22",
        "spike:US Airways:2015-02-21:2015-02-22",
        "spike:Virgin America:2015-02-21:2015-02-22",
    ]
    assert all(e["source"] == "listening" and e["level"] is None for e in events)
    told = [n for n in notifications(ws, user="boss@x.kr", role="manager") if n.link]
    assert len(told) == 3
    assert {n.kind for n in told} == {"inbox.crisis.alert_no_level"}
    assert any("Southwest" in n.text_en and "62%" in n.text_en for n in told)
    assert not notifications(ws, user="agent@x.kr", role="agent")

    # a day later: three new spikes, and US Airways' spike has grown by a day
    second = check_listening(ws, FEB22)
    assert (second.opened, second.raised, second.seen) == (3, 1, 6)
    convs = _crisis_conversations(ws)
    assert len(convs) == 6 and "United:2015-02-22" in convs
    grown = get_conversation(ws, convs["US Airways:2015-02-21"])
    assert len(grown.messages) == 2
    assert "2015-02-21–2015-02-22" in grown.messages[-1]["text"]
    assert len(_crisis_events(ws)) == 7

    counts = {t: _count(ws, t) for t in ("messages", "cases", "inbox_events", "notifications")}
    again = check_listening(ws, FEB22)
    assert (again.opened, again.raised, again.seen) == (0, 0, 6)
    assert counts == {t: _count(ws, t) for t in counts}


def test_running_plan_sets_crisis_level_and_crisis_team(ws: Workspace) -> None:
    _running_plan(
        ws,
        Policy(
            escalation=[
                EscalationRule(team="CS팀", keywords=["환불"], categories=["complaint"]),
                EscalationRule(team="위기대응팀", categories=["crisis"]),
            ],
            crisis_levels=[
                CrisisLevel(level=1, name="관심", trigger="", min_mentions_per_hour=1000),
                CrisisLevel(level=2, name="주의", trigger="부정 60%", min_negative_share=0.6),
                CrisisLevel(level=3, name="경계", trigger="부정 70%", min_negative_share=0.7),
            ],
        ),
    )
    assert check_listening(ws, FEB21).opened == 3
    convs = _crisis_conversations(ws)

    def case_of(key: str) -> tuple[int | None, str, str]:
        case = get_conversation(ws, convs[key]).case
        assert case is not None
        return case.crisis_level, case.team, case.priority

    # Southwest 61.7 % and US Airways 69.6 % negative: level 2; Virgin America (41.8 %, 3
    # mentions an hour) meets no trigger: the lowest level
    assert case_of("Southwest:2015-02-21") == (2, "위기대응팀", "urgent")
    assert case_of("US Airways:2015-02-21") == (2, "위기대응팀", "urgent")
    assert case_of("Virgin America:2015-02-21") == (1, "위기대응팀", "urgent")
    told = notifications(ws, user="boss@x.kr", role="manager")
    assert {n.kind for n in told if n.link} == {"inbox.crisis.alert"}
    assert any("위기 단계 2" in n.text_ko and "Southwest" in n.text_ko for n in told if n.link)

    # US Airways' spike grows to 1,032 mentions, 71.9 % negative: raised to level 3
    assert check_listening(ws, FEB22).raised == 1
    assert case_of("US Airways:2015-02-21") == (3, "위기대응팀", "urgent")
    levels = [e["level"] for e in _crisis_events(ws) if e["topic"] == "US Airways"]
    assert levels == [2, 3]


def _fig(mentions: int, negative: int, hourly: float, words: tuple[str, ...] = ()) -> SpikeFigures:
    day, end = "2026-03-02", "2026-03-03"
    return SpikeFigures("은행", day, end, mentions, negative, hourly, 3.0, words, "ko")


def test_level_and_team_rules() -> None:
    levels = [
        CrisisLevel(level=2, name="주의", trigger="", min_mentions_per_hour=50),
        CrisisLevel(level=3, name="경계", trigger="", min_negative_share=0.8),
        CrisisLevel(level=1, name="관심", trigger="글로 된 조건만"),
    ]
    policy = Policy(crisis_levels=levels)
    assert crisis_level(None, _fig(100, 90, 60)) is None
    assert crisis_level(Policy(), _fig(100, 90, 60)) is None
    assert crisis_level(policy, _fig(100, 90, 60)) == 3
    assert crisis_level(policy, _fig(100, 50, 60)) == 2
    assert crisis_level(policy, _fig(100, 50, 2)) == 1  # none met: the lowest level
    assert crisis_level(policy, _fig(9, 9, 2)) == 1  # a share over < 10 mentions says nothing
    rules = [
        EscalationRule(team="CS팀", categories=["complaint"]),
        EscalationRule(team="보안팀", keywords=["해킹"]),
    ]
    assert crisis_team(Policy(escalation=rules), _fig(10, 9, 1, ("해킹", "계좌"))) == "보안팀"
    assert crisis_team(Policy(escalation=rules), _fig(10, 9, 1, ("지연",))) == "CS팀"
    assert crisis_team(Policy(escalation=rules[1:]), _fig(10, 9, 1)) == ""
    assert crisis_team(None, _fig(10, 9, 1)) == ""


def test_the_worker_checks_listening_at_most_every_so_often(ws: Workspace) -> None:
    out = run_inbox_once(ws, fetch=False, send=False, now=FEB21)
    assert out["listening"] == {"opened": 3, "raised": 0, "seen": 3}
    assert get_setting(ws, "listening_check")["counts"]["opened"] == 3
    # not due again: nothing read, nothing done (even a day later in the data)
    assert run_inbox_once(ws, fetch=False, send=False, now=FEB22)["listening"] is None
    assert len(_crisis_conversations(ws)) == 3
    assert check_listening_due(ws, FEB22, every_s=0) is not None
    assert len(_crisis_conversations(ws)) == 6


def test_nothing_without_topics_or_posts(database: str, tmp_path: Path) -> None:
    empty = Workspace.open(tmp_path / "empty")
    counts = check_listening(empty)
    assert (counts.opened, counts.raised, counts.seen) == (0, 0, 0)
    assert _crisis_conversations(empty) == {}

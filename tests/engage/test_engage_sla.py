"""SLA targets and due times (settings, the running plan's policy, defaults), on SQLite and
PostgreSQL."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from socialops.domain.instants import now_iso
from socialops.engage.sla import Dues, dues_for, sla_policy
from socialops.errors import EngageError
from socialops.store.workspace import Workspace

KST = ZoneInfo("Asia/Seoul")


@pytest.fixture()
def ws(database: str, tmp_path: Path) -> Workspace:
    return Workspace.open(tmp_path / "ws")


def kst(*args: int) -> datetime:
    return datetime(*args, tzinfo=KST)  # type: ignore[misc]


def utc_text(dt: datetime) -> str:
    return dt.astimezone(ZoneInfo("UTC")).isoformat(timespec="microseconds")


def put_setting(ws: Workspace, key: str, value: object) -> None:
    with ws.begin() as conn:
        conn.execute(text("DELETE FROM inbox_settings WHERE key = :k"), {"k": key})
        conn.execute(
            text("INSERT INTO inbox_settings (key, value, updated_at) VALUES (:k, :v, :at)"),
            {"k": key, "v": json.dumps(value), "at": now_iso()},
        )


def running_plan(ws: Workspace, **policy: object) -> None:
    from socialops.domain.plan import ChannelChoice, Plan, Policy
    from socialops.plan.store import PlanStore
    from socialops.plan.workflow import transition

    plan = Plan(
        plan_id="",
        name="상담 운영",
        start=datetime(2026, 12, 1).date(),
        end=datetime(2026, 12, 31).date(),
        objectives=["customer_service"],
        channels=[ChannelChoice("kakaotalk_channel", role="care")],
        policy=Policy(**policy),  # type: ignore[arg-type]
    )
    store = PlanStore(ws)
    created = store.create(plan, actor="kim@example.kr")
    for action in ("submit", "approve", "start"):
        created = transition(store, created.plan_id, action, actor="lee@example.kr", role="owner")


def test_default_dues_count_business_minutes(ws: Workspace) -> None:
    with ws.connect() as conn:
        dues = dues_for(conn, channel="bluesky", priority="normal", opened_at=kst(2026, 12, 4, 17))
    # normal: first response 120 business minutes, resolution 1080 (two 9-hour days)
    assert dues == Dues(
        first_response=utc_text(kst(2026, 12, 7, 10, 0)),
        next_response=None,
        resolution=utc_text(kst(2026, 12, 8, 17, 0)),
    )
    with ws.connect() as conn:
        urgent = dues_for(conn, channel="kakao", priority="urgent", opened_at=kst(2026, 12, 4, 17))
        nxt = dues_for(
            conn, channel="kakao", priority="high", opened_at=kst(2026, 12, 4, 8), kind="next"
        )
    assert urgent.first_response == utc_text(kst(2026, 12, 4, 17, 30))
    assert (nxt.first_response, nxt.resolution) == (None, None)
    assert nxt.next_response == utc_text(kst(2026, 12, 4, 10, 0))  # counted from 09:00


def test_settings_override_plan_and_defaults(ws: Workspace) -> None:
    running_plan(ws, business_hours="10:00-19:00", response_minutes={"kakaotalk_channel": 5})
    pol = sla_policy(ws)
    assert pol.source == "plan"
    assert pol.hours.to_dict()["mon"] == "10:00-19:00"
    assert pol.target("kakao", "normal", "first") == 5  # the plan's channel key, kakao here
    assert pol.target("kakao", "low", "first") == 480  # never sooner than a low default
    assert pol.target("bluesky", "normal", "first") == 120
    with ws.connect() as conn:
        due = dues_for(conn, channel="kakao", priority="normal", opened_at=kst(2026, 12, 7, 9))
    assert due.first_response == utc_text(kst(2026, 12, 7, 10, 5))  # opens at 10:00

    put_setting(ws, "hours", {"mon": "09:00-12:00,13:00-18:00", "tue": "09:00-18:00"})
    put_setting(
        ws,
        "sla",
        {"targets": {"normal": {"first": 60}}, "channels": {"webchat": {"all": {"first": 15}}}},
    )
    pol = sla_policy(ws)
    assert pol.source == "settings"
    assert pol.target("bluesky", "normal", "first") == 60
    assert pol.target("webchat", "urgent", "first") == 15  # min(30, 15)
    assert pol.target("webchat", "normal", "resolution") == 1080
    with ws.connect() as conn:
        due = dues_for(
            conn, channel="bluesky", priority="normal", opened_at=kst(2026, 12, 7, 11, 30)
        )
    assert due.first_response == utc_text(kst(2026, 12, 7, 13, 30))  # lunch skipped
    # Wednesday to Sunday are closed in these hours: the resolution (1080 min: 330 on
    # Monday, 540 on Tuesday, 210 the next Monday) runs into next week
    assert due.resolution == utc_text(kst(2026, 12, 14, 13, 30))


def test_bad_settings_are_refused(ws: Workspace) -> None:
    put_setting(ws, "sla", {"targets": {"soon": {"first": 5}}})
    with pytest.raises(EngageError) as err:
        sla_policy(ws)
    assert err.value.code == "inbox.sla_bad_priority"
    put_setting(ws, "sla", {"targets": {"normal": {"first": -5}}})
    with pytest.raises(EngageError) as err:
        sla_policy(ws)
    assert err.value.code == "inbox.sla_bad"


# -- check_sla and sla_state -------------------------------------------------------------------

MON = (2026, 12, 7)


def add_case(
    ws: Workspace,
    conv: str,
    *,
    opened: datetime,
    priority: str = "normal",
    assignee: str = "",
    team: str = "",
    status: str = "open",
    simulated: int = 0,
    **columns: str | None,
) -> int:
    """A conversation and its case, with the due times dues_for gives (``columns`` override)."""
    with ws.begin() as conn:
        dues = dues_for(conn, channel="bluesky", priority=priority, opened_at=opened)
        conn.execute(
            text(
                "INSERT INTO conversations (conversation_id, source, channel, thread_key, "
                "contact_id, status, assignee, team, priority, created_at, updated_at) "
                "VALUES (:c, 'p1', 'bluesky', :c, 'ct1', :s, :a, :t, :p, :at, :at)"
            ),
            {"c": conv, "s": status, "a": assignee, "t": team, "p": priority, "at": now_iso()},
        )
        values = {
            "conversation_id": conv,
            "status": status,
            "priority": priority,
            "assignee": assignee,
            "team": team,
            "opened_at": utc_text(opened),
            "first_response_due": dues.first_response,
            "resolution_due": dues.resolution,
            "simulated": simulated,
            "updated_at": now_iso(),
            **columns,
        }
        names = ", ".join(values)
        marks = ", ".join(f":{k}" for k in values)
        conn.execute(text(f"INSERT INTO cases ({names}) VALUES ({marks})"), values)
        case_id = conn.execute(
            text("SELECT case_id FROM cases WHERE conversation_id = :c"), {"c": conv}
        ).scalar_one()
        conn.execute(
            text("UPDATE conversations SET case_id = :k WHERE conversation_id = :c"),
            {"k": case_id, "c": conv},
        )
    return int(case_id)


def events(ws: Workspace) -> list[tuple[str, int, str]]:
    with ws.connect() as conn:
        rows = conn.execute(
            text("SELECT kind, case_id, detail FROM inbox_events ORDER BY event_id")
        ).fetchall()
    return [(r[0], int(r[1]), json.loads(r[2])["sla"]) for r in rows]


def case_row(ws: Workspace, case_id: int) -> dict[str, object]:
    with ws.connect() as conn:
        return dict(
            conn.execute(text("SELECT * FROM cases WHERE case_id = :k"), {"k": case_id})
            .mappings()
            .one()
        )


def test_check_sla_warns_once_records_breaches_once_and_notifies(ws: Workspace) -> None:
    from socialops.engage.sla import check_sla, sla_state
    from socialops.engage.teams import save_team
    from socialops.store.notifications import notifications

    save_team(ws, "카드팀", ["card"], ["lee@x.kr", "choi@x.kr"])
    a = add_case(ws, "ca", opened=kst(*MON, 9), assignee="kim@x.kr")  # first due 11:00
    b = add_case(ws, "cb", opened=kst(*MON, 9), priority="urgent", team="카드팀")  # 09:30
    # waiting on the customer: the next response's clock is paused
    c = add_case(
        ws,
        "cc",
        opened=kst(*MON, 9),
        status="waiting",
        first_response_at=utc_text(kst(*MON, 9, 5)),
        last_customer_at=utc_text(kst(*MON, 9, 10)),
        next_response_due=utc_text(kst(*MON, 9, 20)),
    )
    # answered once, then the customer wrote again: the next response is owed
    e = add_case(
        ws,
        "ce",
        opened=kst(*MON, 9),
        first_response_at=utc_text(kst(*MON, 9, 5)),
        last_response_at=utc_text(kst(*MON, 9, 5)),
        last_customer_at=utc_text(kst(*MON, 9, 10)),
        next_response_due=utc_text(kst(*MON, 10, 0)),
    )
    add_case(ws, "cd", opened=kst(*MON, 8), simulated=1)  # demo times: never checked

    # b: 10 min left of 30 (margin 15); e: 40 left of 240 (margin 48, 20 %)
    first = check_sla(ws, now=kst(*MON, 9, 20))
    assert (first.checked, first.warnings, first.breaches) == (4, 2, 0)
    assert events(ws) == [("sla_warning", b, "first_response"), ("sla_warning", e, "next_response")]
    assert check_sla(ws, now=kst(*MON, 9, 25)).warnings == 0  # once

    at_1040 = check_sla(ws, now=kst(*MON, 10, 40))  # a: 20 left ≤ 24 (20 % of 120)
    assert (at_1040.warnings, at_1040.breaches) == (1, 2)  # b and e breached
    again = check_sla(ws, now=kst(*MON, 11, 1))
    assert (again.warnings, again.breaches) == (0, 1)  # a breached; nothing twice
    assert check_sla(ws, now=kst(*MON, 11, 2)).breaches == 0
    assert sorted(events(ws)[2:]) == sorted(
        [
            ("sla_breach", b, "first_response"),
            ("sla_breach", e, "next_response"),
            ("sla_warning", a, "first_response"),
            ("sla_breach", a, "first_response"),
        ]
    )
    assert all(case != c for _, case, _ in events(ws))
    row_a = case_row(ws, a)
    assert json.loads(str(row_a["breaches"])) == [
        {
            "kind": "first_response",
            "due": utc_text(kst(*MON, 11)),
            "at": utc_text(kst(*MON, 11, 1)),
        }
    ]
    assert json.loads(str(row_a["warned"])) == [f"first_response@{utc_text(kst(*MON, 11))}"]

    kim = [n.text_ko for n in notifications(ws, user="kim@x.kr", role="agent")]
    assert kim == [
        f"케이스 #{a}의 첫 응답 기한(2026-12-07 11:00)을 넘겼습니다.",
        f"케이스 #{a}의 첫 응답 기한이 20분 남았습니다 (기한 2026-12-07 11:00).",
    ]
    lee = [n.kind for n in notifications(ws, user="lee@x.kr", role="agent")]
    assert lee == [
        "inbox.alert.sla_breach.first_response",
        "inbox.alert.sla_warning.first_response",
    ]
    managers = notifications(ws, user="boss@x.kr", role="manager")
    # every breach (b, e, a) goes to the managers too, and e's warning (no one else has e)
    assert sorted(n.kind.split(".")[2] for n in managers) == [
        "sla_breach",
        "sla_breach",
        "sla_breach",
        "sla_warning",
    ]

    # for the UI: due times in the zone, minutes left or past
    state = sla_state(case_row(ws, c), kst(*MON, 10), lang="en")
    assert state["next_response"]["state"] == "paused"
    state = sla_state(case_row(ws, a), kst(*MON, 10, 40))
    assert state["first_response"] | {"due": ""} == {
        "due": "",
        "due_local": "2026-12-07 11:00",
        "label": "첫 응답",
        "minutes": 20,
        "state": "pending",
        "text": "20분 남음",
    }
    late = sla_state(case_row(ws, a), kst(*MON, 11, 30), lang="en")["first_response"]
    assert (late["state"], late["minutes"], late["text"]) == ("overdue", 30, "overdue by 30 min")
    answered = case_row(ws, a) | {"first_response_at": utc_text(kst(*MON, 11, 10))}
    assert sla_state(answered, kst(*MON, 12))["first_response"]["state"] == "missed"
    assert sla_state(answered, kst(*MON, 12))["resolution"]["state"] == "pending"

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

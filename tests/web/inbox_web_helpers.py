"""What the web inbox tests share: a home (``test_publishing_api.pub_home``: an empty ``main``
workspace, a user of every role, an outsider, a second workspace ``other``) with conversations
received through the real :func:`socialops.engage.receive.receive` (masked, triaged, threaded),
a running plan whose approval rule covers replies, and the page helpers (CSRF, forms)."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text

from socialops.domain.plan import Plan, Policy
from socialops.engage.receive import Incoming, receive
from socialops.plan.store import PlanStore
from socialops.store.workspace import Workspace

__all__ = ["csrf_of", "post_form", "running_plan", "seed", "set_reply_state"]


def csrf_of(page: Any) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found, page.text[:500]
    return found.group(1)


def post_form(client: TestClient, page: str, action: str, **data: Any) -> Any:
    token = csrf_of(client.get(page))
    return client.post(action, data={"csrf": token, **data}, follow_redirects=False)


def seed(
    db: Workspace,
    key: str,
    text_: str,
    *,
    label: str = "김고객",
    channel: str = "kakao",
    simulated: bool = False,
) -> str:
    """A customer message received into ``db`` (its own conversation ``key``): its id."""
    got = receive(
        db,
        Incoming(
            source="demo",
            channel=channel,
            thread_key=key,
            remote_id=f"{key}-{abs(hash(text_)) % 10**8}",
            author_handle=key,
            author_label=label,
            text=text_,
            simulated=simulated,
        ),
    )
    return got.conversation_id


def running_plan(db: Workspace, rules: list[str]) -> None:
    """A running plan whose policy has ``rules`` as its approval rules."""
    plan = Plan(
        plan_id="",
        name="고객 응대",
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        objectives=["customer_service"],
        policy=Policy(approval_rules=rules),
    )
    pid = PlanStore(db).create(plan, actor="manager@example.com").plan_id
    with db.begin() as conn:
        doc = json.loads(conn.execute(text("SELECT doc FROM plans")).scalar_one())
        doc["state"] = "running"
        conn.execute(
            text("UPDATE plans SET state = 'running', doc = :d WHERE plan_id = :p"),
            {"d": json.dumps(doc, ensure_ascii=False), "p": pid},
        )


def set_reply_state(db: Workspace, reply_id: str, state: str, error: str = "") -> None:
    """Put a reply in ``state`` as the send worker leaves it (a failure with its reason)."""
    with db.begin() as conn:
        conn.execute(
            text("UPDATE inbox_replies SET state = :s, error = :e WHERE reply_id = :r"),
            {"s": state, "e": error, "r": reply_id},
        )

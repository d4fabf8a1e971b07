"""Set-up the publishing tests share: manual profiles in a workspace, a plan with an approval
policy, a spring content calendar of one post and a weekly series, and a profile on the real
``mastodon-mock`` server with a way to read back every status it holds.

Plain functions (not fixtures), so each test module keeps its own ``ws`` fixture (which database,
which profiles) and says what it sets up in one line.
"""

from __future__ import annotations

import time
from datetime import date, datetime
from typing import Any

import httpx

from socialops.connectors import profiles as prof
from socialops.connectors.mastodon import plain_text
from socialops.domain.plan import CalendarItem, Plan, Policy
from socialops.plan.store import PlanStore
from socialops.publish import queue
from socialops.store.workspace import Workspace

__all__ = [
    "REVOKED_TOKEN",
    "connect_mastodon",
    "manual_profiles",
    "mastodon_posts",
    "mastodon_texts",
    "policy_plan",
    "spring_calendar",
]


def manual_profiles(ws: Workspace, *profiles: tuple[str, str]) -> Workspace:
    """Connect a manual profile for each ``(name, platform)`` in ``ws``; returns ``ws``."""
    for name, platform in profiles:
        prof.connect(ws, name=name, platform="manual", settings={"platform": platform}, secrets={})
    return ws


def policy_plan(ws: Workspace, *, actor: str = "kim@example.kr", **policy: object) -> str:
    """A December 2026 plan whose ``Policy`` has ``policy``, saved in ``ws``; its id."""
    plan = Plan(
        plan_id="",
        name="겨울 프로모션",
        start=date(2026, 12, 1),
        end=date(2026, 12, 31),
        objectives=["sales_promotion"],
        policy=Policy(**policy),  # type: ignore[arg-type]
    )
    return PlanStore(ws).create(plan, actor=actor).plan_id


def spring_calendar(channel: str, *, copy: str, link: str) -> list[CalendarItem]:
    """A teaser on ``channel`` (2 March 2026, 19:00) and a Naver Blog series every week from
    3 March, three times."""
    return [
        CalendarItem("i1", "티저 릴스", datetime(2026, 3, 2, 19, 0), channel, copy=copy, link=link),
        CalendarItem(
            "i2",
            "주간 블로그 연재",
            datetime(2026, 3, 3, 9, 30),
            "naver_blog",
            recurrence="FREQ=WEEKLY;COUNT=3",
        ),
    ]


#: mastodon-mock's fault rule for a token the instance has revoked (401 on every call)
REVOKED_TOKEN: dict[str, Any] = {
    "match": {"path_regex": "^/api/v1/(statuses|accounts)"},
    "effect": {"type": "status", "status": 401, "body": {"error": "The access token was revoked"}},
}


def connect_mastodon(ws: Workspace, mm: Any, user: str) -> prof.Profile:
    """A Mastodon profile named ``user`` on the ``mastodon-mock`` server ``mm``, with its token."""
    return prof.connect(
        ws,
        name=user,
        platform="mastodon",
        settings={"instance": mm.base_url},
        secrets={"access_token": mm.tokens[user]},
    )


def mastodon_texts(mm: Any, user: str) -> list[str]:
    """Every status text of ``user`` on the ``mastodon-mock`` server ``mm``, newest first."""
    headers = {"Authorization": f"Bearer {mm.tokens[user]}"}
    me = httpx.get(
        f"{mm.base_url}/api/v1/accounts/verify_credentials", headers=headers, timeout=10
    ).json()
    out: list[str] = []
    max_id = None
    while True:
        params: dict[str, Any] = {"limit": 40, **({"max_id": max_id} if max_id else {})}
        page = httpx.get(
            f"{mm.base_url}/api/v1/accounts/{me['id']}/statuses",
            headers=headers,
            params=params,
            timeout=10,
        ).json()
        if not page:
            return out
        out += [plain_text(s["content"]) for s in page]
        max_id = page[-1]["id"]


def mastodon_posts(ws: Workspace, mm: Any, user: str, words: str, count: int) -> list[str]:
    """Connect ``user`` on ``mm`` and queue ``count`` posts due now, each text ``words`` made
    unique; their texts."""
    connect_mastodon(ws, mm, user)
    bodies = [f"{words} {i} {time.time_ns()}" for i in range(count)]
    for body in bodies:
        queue.new_posts(ws, profiles=[user], text_=body)
    return bodies

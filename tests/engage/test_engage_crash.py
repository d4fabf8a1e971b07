"""``kill -9`` during fetching and during sending, repeated, against a real local Mastodon API
(``mastodon-mock``): a subprocess reads the mentions (or sends the replies) and is killed with
SIGKILL at random moments, then started again; at the end every mention is in the inbox once
(none lost, none twice) and every reply is on the server exactly once (none lost, none sent
twice), every reply ``sent``."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from typing import Any

import httpx
import pytest
from mastodon import Mastodon
from sqlalchemy import text

from socialops.connectors import profiles as prof
from socialops.connectors.core import new_tid
from socialops.connectors.mastodon import MastodonConnector
from socialops.engage.fetch import fetch_mentions, save_cursor
from socialops.engage.replies import draft_reply
from socialops.engage.sending import send_due
from socialops.store.workspace import Workspace

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("mastodon_mock")]
MENTIONS, KILLS = 12, 4
CHILD = """
import sys, time
from socialops.store.workspace import Workspace
from socialops.engage.fetch import fetch_mentions
from socialops.engage.sending import send_due
import socialops.connectors.mastodon  # loaded before the clock starts: kills land mid-work
ws = Workspace.open(sys.argv[2])
print("ready", flush=True)
while True:
    if sys.argv[1] == "fetch":
        fetch_mentions(ws)
    elif not send_due(ws, lease_s=1.0).replies:
        time.sleep(0.05)
"""


def _progress(ws: Workspace, sql: str) -> int:
    with ws.connect() as conn:
        return int(conn.execute(text(sql)).scalar_one())


def _kill_at_random(ws: Workspace, what: str, kills: int, rng: random.Random, sql: str) -> int:
    """Start the child ``kills`` times and SIGKILL it at a random moment once it is working
    (``sql``, a count, has moved since it started; the machine may be slow to start it)."""
    done = 0
    for _ in range(kills):
        before = _progress(ws, sql)
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, what, str(ws.root)],
            stdout=subprocess.PIPE,
            env={**os.environ},
            text=True,
        )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        deadline = time.monotonic() + 15
        while _progress(ws, sql) == before and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(rng.uniform(0.1, 2.0))
        child.send_signal(signal.SIGKILL)
        child.wait(10)
        done += int(child.returncode == -signal.SIGKILL)
    return done


def _replies_on_server(mm: Any, token: str) -> dict[str, int]:
    """How many of the account's statuses answer each status id."""
    headers = {"Authorization": f"Bearer {token}"}
    me = httpx.get(f"{mm.base_url}/api/v1/accounts/verify_credentials", headers=headers).json()
    out: dict[str, int] = {}
    max_id = None
    while True:
        params: dict[str, Any] = {"limit": 40, **({"max_id": max_id} if max_id else {})}
        page = httpx.get(
            f"{mm.base_url}/api/v1/accounts/{me['id']}/statuses", headers=headers, params=params
        ).json()
        if not page:
            return out
        for s in page:
            if s.get("in_reply_to_id"):
                out[str(s["in_reply_to_id"])] = out.get(str(s["in_reply_to_id"]), 0) + 1
        max_id = page[-1]["id"]


def test_kill_9_while_fetching_and_sending_loses_nothing_and_sends_nothing_twice(
    mastodon_mock: Any, workspace: Workspace
) -> None:
    ws, rng = workspace, random.Random(16)
    profile = prof.connect(
        ws,
        name="sora",
        platform="mastodon",
        settings={"instance": mastodon_mock.base_url},
        secrets={"access_token": mastodon_mock.tokens["sora"]},
    )
    sora = MastodonConnector(
        {"instance": mastodon_mock.base_url}, {"access_token": mastodon_mock.tokens["sora"]}
    )
    before = sora.mentions()
    if before:
        save_cursor(ws, profile.profile_id, before[-1].cursor)
    minji = Mastodon(
        access_token=mastodon_mock.tokens["minji"],
        api_base_url=mastodon_mock.base_url,
        version_check_mode="none",
    )
    tag = new_tid()
    asked = [
        str(minji.status_post(f"@sora 문의 {i}번: 배송은 언제 되나요? {tag}")["id"])
        for i in range(MENTIONS)
    ]

    received = "SELECT COUNT(*) FROM messages"
    assert _kill_at_random(ws, "fetch", KILLS, rng, received) == KILLS
    fetch_mentions(ws)  # what the killed readers left
    with ws.connect() as conn:
        stored = [
            str(r[0])
            for r in conn.execute(
                text("SELECT remote_id FROM messages WHERE direction = 'in' AND text LIKE :t"),
                {"t": f"%{tag}%"},
            )
        ]
        conversations = [
            (str(r[0]), str(r[1]))
            for r in conn.execute(
                text(
                    "SELECT m.conversation_id, m.remote_id FROM messages m "
                    "WHERE m.direction = 'in' AND m.text LIKE :t"
                ),
                {"t": f"%{tag}%"},
            )
        ]
    assert sorted(stored) == sorted(asked)  # none lost, none twice

    replies = [
        draft_reply(
            ws,
            conv,
            f"@minji {remote}번 문의 답변: 내일 도착합니다 {tag}",
            author="agent@shop.kr",
            role="agent",
        )
        for conv, remote in conversations
    ]
    moved = "SELECT COALESCE(SUM(attempts), 0) FROM inbox_replies"
    assert _kill_at_random(ws, "send", KILLS, rng, moved) == KILLS
    assert _progress(ws, moved) >= KILLS  # every killed sender had claimed a reply
    deadline = time.monotonic() + 60
    states: dict[str, int] = {}
    while time.monotonic() < deadline:
        send_due(ws, lease_s=1.0)
        with ws.connect() as conn:
            rows = conn.execute(
                text("SELECT state, COUNT(*) FROM inbox_replies GROUP BY state")
            ).fetchall()
            states = {str(r[0]): int(r[1]) for r in rows}
        if states == {"sent": len(replies)}:
            break
        time.sleep(0.3)
    assert states == {"sent": len(replies)}, states
    on_server = _replies_on_server(mastodon_mock, mastodon_mock.tokens["sora"])
    assert {a: on_server.get(a, 0) for a in asked} == dict.fromkeys(asked, 1)
    with ws.connect() as conn:
        outs = conn.execute(
            text("SELECT COUNT(*) FROM messages WHERE direction = 'out'")
        ).scalar_one()
    assert outs == len(replies)

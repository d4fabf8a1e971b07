"""The demo workspace's inbox: a living one, the moment the workspace opens.

``add_demo_inbox`` imports a representative slice of the airline care conversations
(``airline_care/conversations.csv.gz``: every 21st conversation, 2,000 of them, English, with
the brand's replies; arrival times simulated over the last week) and ten Korean conversations
written by hand (``engage/data/inbox_samples.json``: a bank — card lost, a transfer error,
suspected voice phishing, a loan question, an app login problem — and a shop — a late delivery,
a refund, an exchange, a coupon, praise —, some answered), marked as samples with simulated
times. It adds teams and saved replies in Korean and English, assigns some cases and resolves
some, as a care team's inbox looks mid-day. Everything enters through the inbox's own way in
(:func:`socialops.engage.receive.receive`), so it is masked and triaged like real messages.

Idempotent: a workspace that has the sample conversations is left alone."""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import text

from socialops.domain.instants import iso_utc
from socialops.engage.cases import assign, set_status
from socialops.engage.importer import import_conversations
from socialops.engage.receive import Incoming, receive
from socialops.engage.saved import list_saved, save_saved
from socialops.engage.teams import list_teams, save_team
from socialops.store.workspace import Workspace

__all__ = [
    "AIRLINE_FILE",
    "DEMO_SOURCE",
    "DemoInbox",
    "add_demo_inbox",
    "sample_conversations",
]

AIRLINE_FILE = "airline_care/conversations.csv.gz"
DEMO_SOURCE = "demo"
_ACTOR = "owner@socialops.local"
_AIRLINE_AGENT = "alex.kim@socialops.local"
_AIRLINE_TEAM = "Airline care (EN)"
_AIRLINE_SOURCE = "import:airline-care"


@dataclass
class DemoInbox:
    """What the demo added (all zero when the workspace had it already)."""

    airline: dict[str, Any] | None = None  # the import's counts; None: no file
    samples: int = 0
    messages: int = 0
    teams: list[str] = field(default_factory=list)
    saved_replies: int = 0
    assigned: int = 0
    resolved: int = 0
    skipped: bool = False  # the workspace had the demo inbox already

    def to_dict(self) -> dict[str, Any]:
        return {
            "airline": self.airline,
            "samples": self.samples,
            "messages": self.messages,
            "teams": list(self.teams),
            "saved_replies": self.saved_replies,
            "assigned": self.assigned,
            "resolved": self.resolved,
            "skipped": self.skipped,
        }


@cache
def _data() -> dict[str, Any]:
    raw = resources.files("socialops.engage").joinpath("data/inbox_samples.json")
    data: dict[str, Any] = json.loads(raw.read_text("utf-8"))
    return data


def sample_conversations() -> list[dict[str, Any]]:
    """The hand-written Korean conversations (bank and shop), as written in the data file."""
    return list(_data()["conversations"])


def _has_demo(ws: Workspace) -> bool:
    with ws.connect() as conn:
        row = conn.execute(
            text("SELECT 1 FROM conversations WHERE source = :s LIMIT 1"), {"s": DEMO_SOURCE}
        ).first()
    return row is not None


def _setup(ws: Workspace, out: DemoInbox) -> None:
    have_teams = {t.name for t in list_teams(ws)}
    for team in _data()["teams"]:
        if team["name"] not in have_teams:
            save_team(ws, team["name"], list(team["categories"]), list(team["members"]))
        out.teams.append(team["name"])
    have_saved = {(s.name, s.lang) for s in list_saved(ws)}
    for s in _data()["saved_replies"]:
        if (s["name"], s["lang"]) not in have_saved:
            save_saved(ws, s["name"], s["lang"], s["text"], s.get("category", ""), _ACTOR)
            out.saved_replies += 1


def _airline(
    ws: Workspace, data_dir: Path | None, now: datetime, conversations: int, out: DemoInbox
) -> None:
    path = data_dir / AIRLINE_FILE if data_dir is not None else None
    if path is None or not path.is_file():
        return
    res = import_conversations(ws, path, "airline-care", every=21, limit=conversations, now=now)
    out.airline = res.to_dict()
    out.messages += res.received
    # a care team mid-day: most conversations the brand answered last are resolved, a few of
    # the ones waiting on the brand are with the English team's agent
    with ws.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT conversation_id, case_id, last_direction, status FROM conversations "
                "WHERE source = :s ORDER BY conversation_id"
            ),
            {"s": _AIRLINE_SOURCE},
        ).all()
    for cid, case_id, last, status in rows:
        pick = zlib.crc32(str(cid).encode()) % 100
        if case_id is None or status in ("resolved", "closed"):
            continue
        if last == "out" and pick < 70:
            set_status(ws, int(case_id), "resolved", user=_AIRLINE_AGENT)
            out.resolved += 1
        elif last == "in" and pick < 15:
            assign(ws, str(cid), assignee=_AIRLINE_AGENT, team=_AIRLINE_TEAM, by=_ACTOR)
            out.assigned += 1


def _samples(ws: Workspace, now: datetime, out: DemoInbox) -> None:
    for conv in sample_conversations():
        start = now - timedelta(minutes=int(conv["started_minutes_ago"]))
        parent: str | None = None
        cid = ""
        for n, m in enumerate(conv["messages"]):
            at = min(now, start + timedelta(minutes=int(m["at"])))
            inbound = m["dir"] == "in"
            rid = f"{conv['key']}:{n}"
            got = receive(
                ws,
                Incoming(
                    source=DEMO_SOURCE,
                    channel=conv["channel"],
                    thread_key=conv["key"],
                    remote_id=rid,
                    author_handle=conv["handle"] if inbound else "brand",
                    author_label=conv["customer"] if inbound else m.get("author", ""),
                    text=m["text"],
                    created_at=iso_utc(at),
                    direction="in" if inbound else "out",
                    parent_remote_id=parent,
                    simulated=True,
                    sample=True,
                    email=conv.get("email", "") if inbound else "",
                    lang="ko",
                ),
                taxonomy=conv.get("taxonomy"),
            )
            parent, cid = rid, got.conversation_id
            out.messages += int(got.created)
        out.samples += 1
        case = conv.get("case") or {}
        if case.get("assignee") or case.get("team"):
            assign(ws, cid, assignee=case.get("assignee"), team=case.get("team"), by=_ACTOR)
            out.assigned += 1
        if case.get("status"):
            _set_status(ws, cid, case["status"])
            out.resolved += case["status"] == "resolved"


def _set_status(ws: Workspace, conversation_id: str, status: str) -> None:
    with ws.connect() as conn:
        case_id = conn.execute(
            text("SELECT case_id FROM conversations WHERE conversation_id = :c"),
            {"c": conversation_id},
        ).scalar()
    if case_id is not None:
        set_status(ws, int(case_id), status, user=_ACTOR)


def add_demo_inbox(
    ws: Workspace,
    data_dir: Path | None,
    *,
    now: datetime | None = None,
    conversations: int = 2_000,
) -> DemoInbox:
    """Add the demo inbox to ``ws`` (see the module); ``data_dir`` holds the sample data
    (without the airline file only the hand-written conversations are added)."""
    out = DemoInbox()
    if _has_demo(ws):
        out.skipped = True
        return out
    when = (now or datetime.now(UTC)).astimezone(UTC)
    _setup(ws, out)
    _airline(ws, data_dir, when, conversations, out)
    _samples(ws, when, out)  # last: the newest, on top of the inbox
    return out

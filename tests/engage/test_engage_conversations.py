"""The inbox list and conversation page (socialops.engage.conversations) on SQLite and
PostgreSQL: filters, keyset pages that neither skip nor repeat, and p95 under 200 ms with
100,000 conversations."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import text

from socialops.engage import cases
from socialops.engage.conversations import (
    count_conversations,
    get_conversation,
    list_conversations,
)
from socialops.engage.receive import Incoming, receive_many
from socialops.errors import EngageError
from socialops.store.workspace import Workspace

N = 100_000
STATUSES = ("new", "open", "waiting", "resolved", "closed")
URGENCIES = ("low", "normal", "high", "urgent")


@pytest.fixture
def ws(database: str, tmp_path: Path) -> Workspace:
    return Workspace.open(tmp_path / "ws")


def test_filters_and_pages(ws: Workspace) -> None:
    msgs = [
        Incoming(
            source="import:airline-care",
            channel="twitter",
            thread_key=f"t{i}",
            remote_id=f"r{i}",
            author_handle=f"a{i}",
            author_label=f"고객{i}",
            text="비행기 지연 언제 출발하나요?" if i % 2 else "앱이 또 먹통이네요 정말 짜증나요",
            created_at=f"2026-12-01T10:{i:02d}:00+09:00",
        )
        for i in range(30)
    ]
    assert receive_many(ws, msgs, batch=7).conversations == 30
    first = list_conversations(ws, limit=10)
    assert [r.customer for r in first] == [f"고객{i}" for i in range(29, 19, -1)]
    assert first[0].profile == "airline-care" and first[0].message_count == 1
    seen = [r.conversation_id for r in first]
    cursor = first[-1].cursor
    while page := list_conversations(ws, limit=10, before=cursor):
        seen += [r.conversation_id for r in page]
        cursor = page[-1].cursor
    assert len(seen) == len(set(seen)) == 30
    complaints = list_conversations(ws, intent="complaint", limit=100)
    assert len(complaints) == 15 and all(r.intent == "complaint" for r in complaints)
    assert {r.customer for r in list_conversations(ws, q="고객7")} == {"고객7"}
    assert len(list_conversations(ws, q="먹통", limit=100)) == 15
    conv = first[0].conversation_id
    cases.assign(ws, conv, assignee="lee@x.kr", team="상담", by="boss@x.kr")
    [mine] = list_conversations(ws, assignee="lee@x.kr")
    assert (mine.conversation_id, mine.status, mine.team) == (conv, "open", "상담")
    assert len(list_conversations(ws, assignee="", limit=100)) == 29
    assert list_conversations(ws, team="상담", status="open")[0].conversation_id == conv
    assert list_conversations(ws, channel="kakao") == []
    # urgency (the case's priority) filters the list, and the count agrees with every filter
    by_urgency = {u: list_conversations(ws, urgency=u, limit=100) for u in URGENCIES}
    assert sum(len(rows) for rows in by_urgency.values()) == 30
    for u, rows in by_urgency.items():
        assert all(r.urgency == u for r in rows)
        assert count_conversations(ws, urgency=u) == len(rows)
    assert count_conversations(ws) == 30
    assert count_conversations(ws, intent="complaint") == 15
    assert count_conversations(ws, q="먹통") == 15 and count_conversations(ws, q="고객7") == 1
    assert count_conversations(ws, assignee="") == 29
    assert count_conversations(ws, team="상담", status="open", assignee="lee@x.kr") == 1
    assert count_conversations(ws, channel="kakao") == 0
    urgent = mine.urgency
    assert conv in {r.conversation_id for r in list_conversations(ws, urgency=urgent, limit=100)}
    detail = get_conversation(ws, conv)
    assert detail.case is not None and detail.contact["display_name"] == "고객29"
    assert detail.to_dict()["conversation"]["conversation_id"] == conv
    with pytest.raises(EngageError) as bad:
        get_conversation(ws, "nope")
    assert bad.value.http_status == 404


def _fill(ws: Workspace) -> None:
    """100,000 conversations (and their contacts) written straight into the tables."""
    rows, contacts = [], []
    for i in range(N):
        at = f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00.{i:06d}+00:00"
        contacts.append({"c": f"k{i}", "n": f"고객{i}", "at": at})
        rows.append(
            {
                "i": f"v{i:07d}",
                "s": "import:load",
                "ch": ("kakao", "twitter", "bluesky")[i % 3],
                "k": f"t{i}",
                "c": f"k{i}",
                "st": STATUSES[i % 5],
                "a": f"agent{i % 20}@x.kr",
                "t": ("", "앱지원", "환불팀")[i % 3],
                "in": ("inquiry", "complaint", "praise")[i % 3],
                "p": URGENCIES[i % 4] if i % 50 else "urgent",
                "lm": f"메시지 {i} 지연 문의",
                "at": at,
            }
        )
    with ws.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO contacts (contact_id, display_name, created_at, updated_at) "
                "VALUES (:c, :n, :at, :at)"
            ),
            contacts,
        )
        conn.execute(
            text(
                "INSERT INTO conversations (conversation_id, source, channel, thread_key, "
                "contact_id, status, assignee, team, intent, priority, last_message, "
                "message_count, created_at, updated_at) VALUES (:i, :s, :ch, :k, :c, :st, :a, "
                ":t, :in, :p, :lm, 1, :at, :at)"
            ),
            rows,
        )
    with ws.connect() as conn:  # as autovacuum would after a load this size (PostgreSQL)
        conn.execute(text("ANALYZE"))


@pytest.mark.slow
def test_the_list_stays_under_200ms_p95_with_100000_conversations(ws: Workspace) -> None:
    _fill(ws)
    calls = [
        {},
        {"status": "open"},
        {"status": "new"},
        {"assignee": "agent7@x.kr"},
        {"assignee": "agent3@x.kr", "status": "resolved"},
        {"team": "앱지원"},
        {"channel": "bluesky"},
        {"intent": "complaint"},
        {"urgency": "urgent"},
        {"urgency": "high", "status": "open"},
    ]
    timings: list[float] = []
    counts: list[float] = []
    for _round in range(5):
        for kw in calls:
            t0 = time.perf_counter()
            page = list_conversations(ws, **kw)  # type: ignore[arg-type]
            timings.append(time.perf_counter() - t0)
            assert len(page) == 50, kw
            t0 = time.perf_counter()
            nxt = list_conversations(ws, before=page[-1].cursor, **kw)  # type: ignore[arg-type]
            timings.append(time.perf_counter() - t0)
            assert nxt and nxt[0].updated_at <= page[-1].updated_at
            t0 = time.perf_counter()
            get_conversation(ws, page[0].conversation_id)
            timings.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            total = count_conversations(ws, **kw)  # type: ignore[arg-type]
            counts.append(time.perf_counter() - t0)
            assert total >= 100, kw
    timings.sort()
    p95 = timings[int(len(timings) * 0.95)]
    print(f"list/page p95 {p95 * 1000:.1f} ms over {len(timings)} calls, {N:,} conversations")
    assert p95 < 0.2
    counts.sort()
    count_p95 = counts[int(len(counts) * 0.95)]
    print(f"count p95 {count_p95 * 1000:.1f} ms over {len(counts)} calls")
    assert count_p95 < 0.2
    assert count_conversations(ws, urgency="urgent") == sum(
        1 for i in range(N) if not i % 50 or i % 4 == 3
    )
    assert count_conversations(ws, q="고객7") == sum(1 for i in range(N) if "7" in str(i)[:1])

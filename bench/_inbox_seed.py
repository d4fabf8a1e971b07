"""Seeding for bench/inbox_load.py: ``n`` conversations written straight into the inbox tables
of migration w0007 (contacts, contact_handles, conversations, messages, cases) with bulk inserts,
filling the columns as :func:`socialops.engage.receive.receive` does (masked text without personal
data, triage fields, the conversation mirroring its current case, the case's SLA instants), not
one message at a time through receive() (which triages and routes each: hours for 100,000).

SQLite: ``executemany`` in one transaction; PostgreSQL: ``COPY … FROM STDIN`` and ``ANALYZE``,
the cases' id sequence moved past the ids written (a later receive() opens case n+1)."""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, text

from socialops.store.workspace import Workspace

__all__ = ["CHANNELS", "SOURCE", "seed"]

SOURCE = "import:bench"
CHANNELS = ("twitter", "kakao", "webchat", "bluesky")
STATUSES = (("new", 10), ("open", 30), ("waiting", 15), ("resolved", 25), ("closed", 20))
INTENTS = (("inquiry", 45), ("complaint", 30), ("praise", 8), ("suggestion", 7), ("other", 10))
CATEGORIES = ("결제", "배송", "환불", "계정", "앱 오류", "예약", "")
SENTIMENT = {"complaint": "negative", "praise": "positive"}
KO = (
    "주문한 상품 {n}번 배송이 언제 오나요?",
    "앱이 또 먹통이네요 정말 짜증나요 {n}",
    "환불 신청한 지 {n}일째인데 아직 처리가 안 됐어요",
    "상담원분 친절하게 안내해 주셔서 감사합니다",
    "예약 변경하려면 어떻게 해야 하나요? 예약번호 {n}",
    "카드 결제가 두 번 된 것 같아요 확인 부탁드립니다",
)
EN = (
    "My flight {n} was delayed again, when does it leave?",
    "Still waiting on my refund after {n} days, this is ridiculous",
    "Thanks for the quick help with booking {n}!",
    "How do I change the seat on my reservation {n}?",
)
OUT = (
    "불편을 드려 죄송합니다. 확인 후 바로 안내해 드리겠습니다.",
    "문의 주셔서 감사합니다. 담당 부서에 전달했습니다.",
    "Sorry for the trouble, we are looking into it now.",
)


def _pick(rng: random.Random, weighted: Sequence[tuple[str, int]]) -> str:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat(timespec="microseconds")


def rows(n: int, agents: Sequence[str], seed: int = 7) -> Iterator[dict[str, list[dict[str, Any]]]]:
    """The rows of ``n`` conversations, in chunks of 5,000 (contacts, handles, conversations,
    messages, cases)."""
    rng = random.Random(seed)
    end = datetime(2026, 12, 1, tzinfo=UTC)
    span = 365 * 86400
    chunk: dict[str, list[dict[str, Any]]] = {}
    for i in range(n):
        if not chunk:
            chunk = {k: [] for k in ("contacts", "handles", "convs", "msgs", "cases")}
        channel = CHANNELS[i % len(CHANNELS)]
        start = end - timedelta(seconds=rng.random() * span)
        status = _pick(rng, STATUSES)
        intent = _pick(rng, INTENTS)
        category = rng.choice(CATEGORIES)
        sentiment = SENTIMENT.get(intent, "neutral")
        urgency = rng.choices(("low", "normal", "high", "urgent"), (10, 70, 15, 5))[0]
        assignee = "" if status == "new" or rng.random() < 0.1 else agents[i % len(agents)]
        ko = rng.random() < 0.75
        handle = f"user{i}"
        label = f"고객{i}" if ko else f"Customer {i}"
        cid = "k" + uuid.uuid4().hex[:15]
        conv = "v" + uuid.uuid4().hex[:19]
        count = rng.choice((3, 3, 4, 4, 3))
        at = start
        last_in = last_out = first_out = None
        last_text, last_dir = "", "in"
        for j in range(count):
            direction = "in" if j % 2 == 0 or status == "new" else "out"
            if direction == "in":
                txt = rng.choice(KO if ko else EN).format(n=rng.randint(100, 99999))
                last_in = at
            else:
                txt = rng.choice(OUT)
                last_out = at
                first_out = first_out or at
            chunk["msgs"].append(
                {
                    "message_id": "m" + uuid.uuid4().hex[:19],
                    "conversation_id": conv,
                    "source": SOURCE,
                    "remote_id": f"{i}.{j}",
                    "direction": direction,
                    "author": handle if direction == "in" else "agent@bench.local",
                    "text": txt,
                    "pii": "[]",
                    "lang": ("ko" if ko else "en") if direction == "in" else "",
                    "intent": intent if direction == "in" else "",
                    "speech_act": "question" if "?" in txt and direction == "in" else "",
                    "needs_reply": int(direction == "in" and intent in ("inquiry", "complaint")),
                    "urgency": urgency if direction == "in" else "",
                    "category": category if direction == "in" else "",
                    "sentiment": sentiment if direction == "in" else "",
                    "sentiment_score": {"negative": -0.6, "positive": 0.7}.get(sentiment, 0.0),
                    "explain": json.dumps({"intent": txt.split()[:2]}, ensure_ascii=False)
                    if direction == "in"
                    else "{}",
                    "created_at": _iso(at),
                    "received_at": _iso(at + timedelta(seconds=1)),
                }
            )
            last_text, last_dir = txt[:200], direction
            at += timedelta(minutes=rng.randint(2, 240))
        updated = _iso(at - timedelta(seconds=1))
        case_id = i + 1
        done = status in ("resolved", "closed")
        chunk["contacts"].append(
            {
                "contact_id": cid,
                "display_name": label,
                "created_at": _iso(start),
                "updated_at": updated,
            }
        )
        chunk["handles"].append(
            {"channel": channel, "handle": handle, "contact_id": cid, "label": label}
        )
        chunk["convs"].append(
            {
                "conversation_id": conv,
                "source": SOURCE,
                "channel": channel,
                "thread_key": f"t{i}",
                "contact_id": cid,
                "case_id": case_id,
                "status": status,
                "assignee": assignee,
                "team": "",
                "priority": urgency,
                "intent": intent,
                "category": category,
                "sentiment": sentiment,
                "last_message": last_text,
                "last_direction": last_dir,
                "message_count": count,
                "created_at": _iso(start),
                "updated_at": updated,
            }
        )
        chunk["cases"].append(
            {
                "case_id": case_id,
                "conversation_id": conv,
                "status": status,
                "priority": urgency,
                "category": category,
                "assignee": assignee,
                "team": "",
                "opened_at": _iso(start),
                "first_response_due": _iso(start + timedelta(hours=4)),
                "resolution_due": _iso(start + timedelta(days=3)),
                "first_response_at": _iso(first_out) if first_out else None,
                "last_customer_at": _iso(last_in) if last_in else None,
                "last_response_at": _iso(last_out) if last_out else None,
                "resolved_at": updated if done else None,
                "closed_at": updated if status == "closed" else None,
                "updated_at": updated,
            }
        )
        if len(chunk["convs"]) >= 5000:
            yield chunk
            chunk = {}
    if chunk:
        yield chunk


_TABLES = {
    "contacts": "contacts",
    "handles": "contact_handles",
    "convs": "conversations",
    "msgs": "messages",
    "cases": "cases",
}


def _insert(conn: Connection, table: str, data: list[dict[str, Any]]) -> None:
    cols = list(data[0])
    if conn.dialect.name == "postgresql":
        raw = conn.connection.driver_connection
        assert raw is not None
        sql = f"COPY {table} ({', '.join(cols)}) FROM STDIN"
        with raw.cursor() as cur, cur.copy(sql) as copy:
            for row in data:
                copy.write_row([row[c] for c in cols])
        return
    names = ", ".join(cols)
    marks = ", ".join(f":{c}" for c in cols)
    conn.execute(text(f"INSERT INTO {table} ({names}) VALUES ({marks})"), data)


def seed(ws: Workspace, n: int, agents: Sequence[str]) -> int:
    """Write ``n`` conversations (about 3.4 messages each) spread over ``agents``; the number of
    messages written."""
    total = 0
    with ws.begin() as conn:
        for chunk in rows(n, agents):
            for key, table in _TABLES.items():
                _insert(conn, table, chunk[key])
            total += len(chunk["msgs"])
        if conn.dialect.name == "postgresql":
            conn.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('cases', 'case_id'), "
                    "(SELECT MAX(case_id) FROM cases))"
                )
            )
    with ws.begin() as conn:
        if conn.dialect.name == "postgresql":  # (SQLite: none, as a real workspace has none)
            conn.execute(text("ANALYZE"))
    return total

"""Messages into the inbox (socialops.engage.receive) on SQLite and PostgreSQL: nothing stored
twice, reply chains threaded into one conversation and different customers kept apart,
personal data masked in what is stored (the original encrypted, revealed on request), contacts
merged by a shared e-mail, and a batch import cut off half-way completed by a rerun."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from socialops.engage.contacts import contact, reveal_contact
from socialops.engage.conversations import get_conversation, list_conversations
from socialops.engage.events import events_since
from socialops.engage.receive import Incoming, receive, receive_many
from socialops.store.workspace import Workspace


@pytest.fixture
def ws(database: str, tmp_path: Path) -> Workspace:
    return Workspace.open(tmp_path / "ws")


def _msg(remote_id: str, text_: str = "앱이 또 먹통이네요 정말 짜증나요", **kw: object) -> Incoming:
    base: dict[str, object] = {
        "source": "demo",
        "channel": "kakao",
        "thread_key": "u1",
        "remote_id": remote_id,
        "author_handle": "u1",
        "author_label": "김고객",
        "text": text_,
    }
    base.update(kw)
    return Incoming(**base)  # type: ignore[arg-type]


def _count(ws: Workspace, table: str) -> int:
    with ws.connect() as conn:
        return int(conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one())


def test_the_same_message_twice_changes_nothing(ws: Workspace) -> None:
    first = receive(ws, _msg("k1"))
    assert first.created and first.case_id is not None
    counts = {t: _count(ws, t) for t in ("messages", "conversations", "cases", "inbox_events")}
    again = receive(ws, _msg("k1", "다른 글이라도 같은 ID"))
    assert not again.created
    assert (again.message_id, again.conversation_id, again.case_id) == (
        first.message_id,
        first.conversation_id,
        first.case_id,
    )
    assert {t: _count(ws, t) for t in counts} == counts
    [row] = list_conversations(ws)
    assert row.message_count == 1 and row.last_message.startswith("앱이 또 먹통")
    # and in a batch, repeated inside the batch and across batches
    many = receive_many(ws, [_msg("k1"), _msg("k2"), _msg("k2")], batch=2)
    assert (many.received, many.duplicates) == (1, 2)
    assert _count(ws, "messages") == 2


def test_a_reply_chain_is_one_conversation_and_customers_stay_apart(ws: Workspace) -> None:
    bsky = {"source": "prof1", "channel": "bluesky"}
    root = receive(
        ws,
        _msg(
            "at://a/1",
            "@brand 수하물이 안 왔어요",
            thread_key="at://a/1",
            author_handle="did:a",
            **bsky,
        ),
    )
    ours = receive(
        ws,
        _msg(
            "at://b/2",
            "확인해 드리겠습니다",
            thread_key="at://a/1",
            author_handle="did:brand",
            direction="out",
            parent_remote_id="at://a/1",
            **bsky,
        ),
    )
    again = receive(
        ws,
        _msg(
            "at://a/3",
            "아직도 소식이 없네요",
            thread_key="at://a/1",
            author_handle="did:a",
            parent_remote_id="at://b/2",
            **bsky,
        ),
    )
    other = receive(
        ws,
        _msg(
            "at://c/4",
            "저도 같은 문제예요",
            thread_key="at://a/1",
            author_handle="did:c",
            parent_remote_id="at://a/1",
            **bsky,
        ),
    )
    elsewhere = receive(
        ws, _msg("k9", "카톡 문의입니다", thread_key="did:a", author_handle="did:a")
    )
    assert root.conversation_id == ours.conversation_id == again.conversation_id
    assert other.conversation_id != root.conversation_id
    assert elsewhere.conversation_id not in (root.conversation_id, other.conversation_id)
    detail = get_conversation(ws, root.conversation_id)
    assert [m["direction"] for m in detail.messages] == ["in", "out", "in"]
    assert detail.row.message_count == 3 and detail.row.last_direction == "in"
    assert get_conversation(ws, other.conversation_id).row.customer == "김고객"
    # the brand's reply recorded the first response on the case
    assert detail.case is not None and detail.case.first_response_at is not None
    assert detail.case.status == "open"


def test_personal_data_is_masked_where_stored_and_revealed_on_request(ws: Workspace) -> None:
    original = "카드 4111-1111-1111-1111 이중결제요. 연락은 010-1234-5678, 주민번호 900101-1234567"
    got = receive(ws, _msg("k1", original))
    with ws.connect() as conn:
        stored = conn.execute(
            text("SELECT text, private, pii FROM messages WHERE message_id = :m"),
            {"m": got.message_id},
        ).one()
        conv = conn.execute(text("SELECT last_message FROM conversations")).scalar_one()
        everything = json.dumps(
            [
                list(r)
                for t in ("messages", "conversations", "inbox_events", "cases")
                for r in conn.execute(text(f"SELECT * FROM {t}"))
            ],
            default=str,
        )
    assert "****-****-****-1111" in stored[0] and "010-****-5678" in stored[0]
    assert "900101-*******" in stored[0]
    assert json.loads(stored[2]) == ["card", "phone", "rrn"]
    for secret in ("4111-1111-1111-1111", "1234-5678", "1234567"):
        assert secret not in everything and secret not in conv
    assert stored[1] and original not in stored[1]  # encrypted
    masked = get_conversation(ws, got.conversation_id)
    assert masked.messages[0]["text"] == stored[0] and masked.messages[0]["masked"]
    revealed = get_conversation(ws, got.conversation_id, reveal=True)
    assert revealed.messages[0]["text"] == original


def test_contacts_merge_on_a_shared_email_stored_only_hashed(ws: Workspace) -> None:
    web = receive(
        ws,
        _msg(
            "w1",
            "배송 문의드려요",
            source="webchat1",
            channel="webchat",
            thread_key="s1",
            author_handle="s1",
            email="Kim@Example.com",
        ),
    )
    kakao = receive(ws, _msg("k1", "카톡으로도 문의합니다", thread_key="u7", author_handle="u7"))
    cid_web = get_conversation(ws, web.conversation_id).row.contact_id
    cid_kakao = get_conversation(ws, kakao.conversation_id).row.contact_id
    assert cid_web != cid_kakao
    # the kakao user later gives the same e-mail (another case): one person
    receive(
        ws,
        _msg(
            "k2",
            "메일은 kim@example.com 이에요",
            thread_key="u7",
            author_handle="u7",
            email="kim@example.com ",
        ),
    )
    a = get_conversation(ws, web.conversation_id).row.contact_id
    b = get_conversation(ws, kakao.conversation_id).row.contact_id
    assert a == b == cid_web  # the older contact kept
    merged = contact(ws, cid_kakao)  # the merged id leads to the kept one
    assert merged["contact_id"] == cid_web and merged["has_email"]
    assert {(h["channel"], h["handle"]) for h in merged["handles"]} == {
        ("webchat", "s1"),
        ("kakao", "u7"),
    }
    assert len(merged["conversations"]) == 2
    with ws.connect() as conn:
        rows = conn.execute(text("SELECT email_hash, private FROM contacts")).fetchall()
    assert all("example.com" not in r[0] + r[1] for r in rows)
    assert reveal_contact(ws, cid_web) == {"email": "Kim@Example.com"}


def test_events_carry_the_simulated_flag_of_their_message(ws: Workspace) -> None:
    receive(ws, _msg("d1", simulated=True, sample=True))
    receive(ws, _msg("r1", thread_key="u2", author_handle="u2"))
    events = events_since(ws, 0)
    sim = {e.kind for e in events if e.simulated}
    real = {e.kind for e in events if not e.simulated}
    assert "message_in" in sim and "message_in" in real
    assert [e.event_id for e in events] == sorted(e.event_id for e in events)
    assert events_since(ws, events[-1].event_id) == []


def _failing(after: int) -> Iterator[Incoming]:
    for i in range(after):
        yield _msg(f"b{i}", f"문의 {i}번 입니다", thread_key=f"u{i % 7}", author_handle=f"u{i % 7}")
    raise RuntimeError("cut off")


def test_a_batch_cut_off_keeps_what_committed_and_a_rerun_completes_it(ws: Workspace) -> None:
    with pytest.raises(RuntimeError):
        receive_many(ws, _failing(25), batch=10)
    assert _count(ws, "messages") == 20  # two batches committed, the third never began
    full = [
        _msg(f"b{i}", f"문의 {i}번 입니다", thread_key=f"u{i % 7}", author_handle=f"u{i % 7}")
        for i in range(25)
    ]
    counts = receive_many(ws, full, batch=10)
    assert (counts.received, counts.duplicates) == (5, 20)
    assert _count(ws, "messages") == 25 and _count(ws, "conversations") == 7


_KILLED_IMPORT = """
import sys
from socialops.engage.receive import Incoming, receive_many
from socialops.store.workspace import Workspace
ws = Workspace.open(sys.argv[1])
msgs = (Incoming(source="import:test", channel="twitter", thread_key=f"t{i % 50}",
                 remote_id=f"r{i}", author_handle=f"a{i % 50}", text=f"flight {i} delayed again?")
        for i in range(int(sys.argv[2])))
print(receive_many(ws, msgs, batch=50))
"""


def test_kill_9_mid_import_loses_nothing_committed_and_a_rerun_completes(
    database: str, tmp_path: Path
) -> None:
    root, total = tmp_path / "ws", 1500
    ws = Workspace.open(root)
    env = {**os.environ, "SOCIALOPS_HOME": str(root)}
    proc = subprocess.Popen([sys.executable, "-c", _KILLED_IMPORT, str(root), str(total)], env=env)
    deadline = time.monotonic() + 120
    while _count(ws, "messages") < 100 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    committed = _count(ws, "messages")
    assert 100 <= committed < total and committed % 50 == 0  # whole batches only
    done = subprocess.run(
        [sys.executable, "-c", _KILLED_IMPORT, str(root), str(total)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert f"duplicates={committed}" in done.stdout
    with ws.connect() as conn:
        ids = conn.execute(text("SELECT COUNT(DISTINCT remote_id) FROM messages")).scalar_one()
    assert _count(ws, "messages") == ids == total
    assert _count(ws, "conversations") == 50

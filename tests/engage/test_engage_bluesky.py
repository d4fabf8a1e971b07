"""The inbox against the real local Bluesky network (``local_pds``: a PLC directory and a PDS with
alice.test and bob.test): bob mentions alice and answers her post; the fetch puts both in alice's
inbox; alice's reply from the inbox appears in bob's thread, answering his post; bob's answer to
it joins the same conversation; a send run twice, and a send that died after the platform took
the reply, leave exactly one post."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from socialops.connectors import profiles as prof
from socialops.connectors.bluesky import BlueskyConnector
from socialops.connectors.core import OutgoingPost, new_tid
from socialops.engage.fetch import fetch_mentions, save_cursor
from socialops.engage.replies import draft_reply, get_reply
from socialops.engage.sending import send_due
from socialops.store.workspace import Workspace

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("local_pds")]
AGENT = "agent@shop.kr"


def _connector(url: str, handle: str) -> BlueskyConnector:
    return BlueskyConnector({"service": url, "handle": handle}, {"app_password": "hunter2"})


def _alice_posts_with(alice: BlueskyConnector, body: str) -> list[Any]:
    client = alice._session()
    got = client.com.atproto.repo.list_records(
        {"repo": alice._did, "collection": "app.bsky.feed.post", "limit": 100}
    )
    return [r for r in got.records if getattr(r.value, "text", "") == body]


def _conversation_of(ws: Workspace, remote_id: str) -> str:
    with ws.connect() as conn:
        return str(
            conn.execute(
                text("SELECT conversation_id FROM messages WHERE remote_id = :r"), {"r": remote_id}
            ).scalar_one()
        )


def test_a_mention_reaches_the_inbox_and_the_answer_reaches_bobs_thread(
    local_pds: str, workspace: Workspace
) -> None:
    ws = workspace
    profile = prof.connect(
        ws,
        name="알리스",
        platform="bluesky",
        settings={"service": local_pds, "handle": "alice.test"},
        secrets={"app_password": "hunter2"},
    )
    alice, bob = _connector(local_pds, "alice.test"), _connector(local_pds, "bob.test")
    start = alice.firehose(cursor=0)  # the inbox starts from now, not the network's history
    start.collect(timeout_s=15, idle_s=0.5)
    assert start.cursor is not None
    save_cursor(ws, profile.profile_id, str(start.cursor))
    tag = new_tid()

    own = alice.publish(OutgoingPost(f"알리스 샵 신상 입고 {tag}"), new_tid())
    mention = bob.publish(OutgoingPost(f"@alice.test 주문한 게 아직 안 왔어요 {tag}"), new_tid())
    answer = bob.reply(own.remote_id, OutgoingPost(f"예뻐요! 언제 재입고돼요? {tag}"), new_tid())

    counts = fetch_mentions(ws)
    assert (counts.failed, counts.received) == (0, 2), counts
    assert fetch_mentions(ws).received == 0  # read once
    conv = _conversation_of(ws, mention.remote_id)
    assert _conversation_of(ws, answer.remote_id) != conv
    with ws.connect() as conn:
        row = conn.execute(
            text(
                "SELECT c.channel, c.source, m.direction, m.author, m.text FROM messages m JOIN "
                "conversations c ON c.conversation_id = m.conversation_id "
                "WHERE m.remote_id = :r"
            ),
            {"r": mention.remote_id},
        ).one()
    assert tuple(row[:3]) == ("bluesky", profile.profile_id, "in")
    assert str(row[3]).startswith("did:plc:") and tag in str(row[4])

    # alice answers from the inbox: the reply is in bob's thread, once
    body = f"@bob.test 확인해 보니 내일 도착 예정입니다 {tag}"
    reply = draft_reply(ws, conv, body, author=AGENT, role="agent")
    assert reply.parent_remote_id == mention.remote_id and reply.transport == "platform"
    assert send_due(ws).sent == 1
    assert send_due(ws).sent == 0  # run again: nothing goes out twice
    sent = get_reply(ws, reply.reply_id)
    assert sent.state == "sent" and sent.remote_id and sent.remote_id.endswith(reply.key)
    record = bob._get(sent.remote_id)
    assert record is not None
    assert record[2].reply.parent.uri == mention.remote_id
    assert record[2].reply.root.uri == mention.remote_id
    assert len(_alice_posts_with(alice, body)) == 1

    # bob answers alice's reply: the same conversation
    back = bob.reply(sent.remote_id, OutgoingPost(f"감사합니다! {tag}"), new_tid())
    assert fetch_mentions(ws).received == 1
    assert _conversation_of(ws, back.remote_id) == conv

    # a send that died after the platform took it: reconciled, still one post
    later = f"@bob.test 재입고는 다음 주입니다 {tag}"
    second = draft_reply(
        ws, _conversation_of(ws, answer.remote_id), later, author=AGENT, role="agent"
    )
    alice.reply(second.parent_remote_id or "", OutgoingPost(later), second.key)
    with ws.begin() as conn:
        conn.execute(
            text(
                "UPDATE inbox_replies SET state = 'sending', attempts = 1, "
                "updated_at = '2000-01-01T00:00:00.000000+00:00' WHERE reply_id = :r"
            ),
            {"r": second.reply_id},
        )
    counts_after = send_due(ws)
    assert (counts_after.reconciled, counts_after.sent) == (1, 0)
    assert get_reply(ws, second.reply_id).state == "sent"
    assert len(_alice_posts_with(alice, later)) == 1

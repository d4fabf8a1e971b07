"""Mentions and replies read from a real local PDS's firehose (``scripts/local-pds.sh``, no
AppView, so no notifications): bob mentions alice and answers her post; alice's reader sees both,
with the right kinds, handles, texts and threads; bob's post that does not involve alice, and
alice's answers to herself, are not returned; the cursor (the firehose ``seq``) resumes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from socialops.connectors.bluesky import BlueskyConnector
from socialops.connectors.bluesky_firehose import websocket_base
from socialops.connectors.core import CanReadMentions, Mention, OutgoingPost, new_tid

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("local_pds")]


def _connector(url: str, handle: str) -> BlueskyConnector:
    return BlueskyConnector({"service": url, "handle": handle}, {"app_password": "hunter2"})


def test_the_firehose_address_of_a_pds() -> None:
    assert websocket_base("http://127.0.0.1:2583") == "ws://127.0.0.1:2583/xrpc"
    assert websocket_base("https://pds.example.kr/") == "wss://pds.example.kr/xrpc"
    assert websocket_base("wss://bsky.network/xrpc") == "wss://bsky.network/xrpc"


def test_bob_mentions_and_answers_alice_and_her_reader_sees_both(local_pds: str) -> None:
    alice = _connector(local_pds, "alice.test")
    bob = _connector(local_pds, "bob.test")
    assert isinstance(alice, CanReadMentions)
    # where the firehose stands now: read to its end (it replays all the PDS keeps from 0)
    start = alice.firehose(cursor=0)
    start.collect(timeout_s=15, idle_s=0.5)
    assert start.cursor is not None
    cursor = start.cursor
    tag = new_tid()

    own = alice.publish(OutgoingPost(f"알리스의 새 글입니다 {tag}"), new_tid())
    alice.reply(own.remote_id, OutgoingPost(f"알리스가 덧붙입니다 {tag}"), new_tid())
    unrelated = bob.publish(OutgoingPost(f"밥의 혼잣말, 알리스와 상관없음 {tag}"), new_tid())
    mention_text = f"@alice.test 성수동 팝업 같이 가요! #성수 {tag}"
    mention = bob.publish(OutgoingPost(mention_text), new_tid())
    answer = bob.reply(own.remote_id, OutgoingPost(f"좋은 글이네요 {tag}"), new_tid())
    wanted = {mention.remote_id, answer.remote_id}

    reader = alice.firehose(cursor=cursor)
    seen = reader.collect(timeout_s=15, until=lambda found: wanted <= {m.remote_id for m in found})
    by_id = {m.remote_id: m for m in seen}
    assert wanted <= set(by_id)
    # bob's unrelated post came before both in the stream, and alice's own answer too
    assert unrelated.remote_id not in by_id
    assert all(m.author_handle != "alice.test" for m in seen)

    m = by_id[mention.remote_id]
    assert (m.kind, m.author_handle, m.text) == ("mention", "bob.test", mention_text)
    assert m.author_id.startswith("did:plc:") and m.author_id in mention.remote_id
    assert (m.parent_remote_id, m.root_remote_id) == (None, None)
    assert m.url == f"https://bsky.app/profile/bob.test/post/{mention.remote_id.rsplit('/', 1)[-1]}"

    r = by_id[answer.remote_id]
    assert (r.kind, r.author_handle, r.text) == ("reply", "bob.test", f"좋은 글이네요 {tag}")
    assert r.parent_remote_id == r.root_remote_id == own.remote_id

    for one in (m, r):
        created = datetime.fromisoformat(one.created_at)
        offset = created.utcoffset()
        assert offset is not None and offset.total_seconds() == 0
        assert abs((datetime.now(UTC) - created).total_seconds()) < 120
        assert int(one.cursor) > cursor
    assert int(m.cursor) < int(r.cursor)  # oldest first
    assert reader.cursor is not None and reader.cursor >= int(r.cursor)


def test_mentions_resume_after_the_cursor(local_pds: str) -> None:
    alice = _connector(local_pds, "alice.test")
    bob = _connector(local_pds, "bob.test")
    tag = new_tid()
    first = bob.publish(OutgoingPost(f"@alice.test 첫 번째 언급 {tag}"), new_tid())

    everything = alice.mentions()  # from the oldest the PDS keeps
    assert everything and everything[-1].remote_id == first.remote_id
    assert alice.mentions_cursor is not None
    assert int(alice.mentions_cursor) >= int(everything[-1].cursor)
    assert [int(m.cursor) for m in everything] == sorted(int(m.cursor) for m in everything)

    assert alice.mentions(since=everything[-1].cursor) == []  # nothing after it
    second = bob.publish(OutgoingPost(f"@alice.test 두 번째 언급 {tag}"), new_tid())
    later: list[Mention] = alice.mentions(since=everything[-1].cursor)
    assert [m.remote_id for m in later] == [second.remote_id]
    assert later[0].text == f"@alice.test 두 번째 언급 {tag}"

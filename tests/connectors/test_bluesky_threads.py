"""Bluesky threads and replies: :func:`split_thread` (parts that fit in graphemes, numbered, the
text kept), and threads and replies published to a real local PDS (``scripts/local-pds.sh``):
the reply chain read back from the records' reply refs, each part exactly once by its key, a
re-run after a crash going on from the first missing part."""

from __future__ import annotations

import re
from typing import Any

import pytest
from atproto import AtUri, Client
from hypothesis import given, settings
from hypothesis import strategies as st

from socialops.connectors.bluesky import COLLECTION, BlueskyConnector, split_thread
from socialops.connectors.core import CanReply, ConnectorFailure, OutgoingPost, new_tid
from socialops.domain.text_length import measure

NUMBER = re.compile(r" \((\d+)/(\d+)\)\Z")
SENTENCE = "오늘 성수동 팝업스토어에서 새 시즌 제품을 처음 공개합니다. "
LONG_KOREAN = SENTENCE * 24  # about 800 graphemes: three parts


def _bodies(parts: list[str]) -> list[str]:
    """The parts without their ``(i/n)`` numbering (checked to run 1..n)."""
    if len(parts) == 1:
        return parts
    out = []
    for i, part in enumerate(parts, start=1):
        m = NUMBER.search(part)
        assert m is not None, part
        assert (int(m.group(1)), int(m.group(2))) == (i, len(parts))
        out.append(part[: m.start()])
    return out


def _squash(text: str) -> str:
    return "".join(text.split())


# -- split_thread (pure) ---------------------------------------------------------------------------
def test_a_text_that_fits_is_one_unnumbered_part() -> None:
    assert split_thread("  짧은 글입니다. #성수  ") == ["짧은 글입니다. #성수"]
    assert split_thread("가" * 300) == ["가" * 300]
    assert split_thread("   ") == []


def test_a_long_korean_text_is_cut_at_sentence_ends_and_numbered() -> None:
    parts = split_thread(LONG_KOREAN)
    assert len(parts) == 3
    assert all(measure(p, "graphemes") <= 300 for p in parts)
    for body in _bodies(parts):
        assert body.endswith("공개합니다."), body  # a sentence's end, not mid-word
    assert " ".join(_bodies(parts)) == LONG_KOREAN.strip()


def test_emoji_and_hangul_jamo_count_as_graphemes() -> None:
    family = "👨‍👩‍👧‍👦"  # one grapheme, seven code points
    parts = split_thread(family * 400, limit=100)
    assert all(measure(p, "graphemes") <= 100 for p in parts)
    assert "".join(_bodies(parts)) == family * 400  # no space anywhere: cut between graphemes
    jamo = "\u1100\u1161\u11a8"  # 각 as conjoining jamo: one grapheme
    assert split_thread(jamo * 10, limit=10)[0].startswith(jamo * 4)


def test_ten_parts_or_more_keep_room_for_the_longer_numbering() -> None:
    parts = split_thread("단어 " * 2000, limit=50)
    assert len(parts) >= 100
    assert all(measure(p, "graphemes") <= 50 for p in parts)
    assert parts[-1].endswith(f"({len(parts)}/{len(parts)})")


def test_a_limit_with_no_room_for_text_is_refused() -> None:
    with pytest.raises(ValueError):
        split_thread("가나다라마바사 " * 3, limit=6)


_ALPHABET = st.sampled_from(
    [
        *"가나다라마바사아자한국어",
        *"abc",
        *(" ", "  ", "\n", "\n\n", ".", "!", "?", "。", "…"),
        *("#해시태그", "https://example.com/a", "👍🏽", "🇰🇷", "e\u0301", "\u1100\u1161"),
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    chunks=st.lists(_ALPHABET, max_size=400),
    limit=st.integers(min_value=12, max_value=300),
)
def test_every_part_fits_and_the_text_is_kept(chunks: list[str], limit: int) -> None:
    text = "".join(chunks)
    parts = split_thread(text, limit)
    assert all(measure(p, "graphemes") <= limit for p in parts)
    assert all(p == p.strip() and p for p in parts)
    bodies = _bodies(parts)
    assert _squash("".join(bodies)) == _squash(text)
    if measure(text.strip(), "graphemes") <= limit:
        assert parts == ([text.strip()] if text.strip() else [])


# -- on the local PDS -------------------------------------------------------------------------
def _connector(url: str, handle: str) -> BlueskyConnector:
    return BlueskyConnector({"service": url, "handle": handle}, {"app_password": "hunter2"})


def _count(url: str, handle: str) -> int:
    client = Client(base_url=url + "/xrpc")
    client.login(handle, "hunter2", fetch_bsky_profile=False)
    did = client._session.did if client._session else ""
    n, cursor = 0, None
    while True:
        page = client.com.atproto.repo.list_records(
            {"repo": did, "collection": COLLECTION, "limit": 100, "cursor": cursor}
        )
        n += len(page.records)
        cursor = page.cursor
        if not cursor or not page.records:
            return n


def _record(url: str, uri: str) -> tuple[str, dict[str, Any]]:
    """A post's CID and its record (reply refs included), read back from the PDS."""
    at = AtUri.from_str(uri)
    got = Client(base_url=url + "/xrpc").com.atproto.repo.get_record(
        {"repo": at.host, "collection": at.collection, "rkey": at.rkey}
    )
    return str(got.cid), got.value.model_dump(by_alias=True, exclude_none=True)


def _ref(url: str, uri: str) -> dict[str, str]:
    return {"uri": uri, "cid": _record(url, uri)[0]}


def _reply_refs(record: dict[str, Any]) -> dict[str, dict[str, str]]:
    """A record's ``reply`` as ``{"root"|"parent": {"uri", "cid"}}`` (the strong refs)."""
    reply = record["reply"]
    assert isinstance(reply, dict)
    return {k: {"uri": reply[k]["uri"], "cid": reply[k]["cid"]} for k in ("root", "parent")}


@pytest.mark.slow
@pytest.mark.xdist_group("local_pds")
def test_a_three_part_korean_thread_chains_once_and_resumes_after_a_crash(local_pds: str) -> None:
    alice = _connector(local_pds, "alice.test")
    posts = [OutgoingPost(p) for p in split_thread(LONG_KOREAN)]
    keys = [new_tid() for _ in posts]
    before = _count(local_pds, "alice.test")

    # a first run dies after two parts; the re-run finds them and adds only the third
    first = alice.publish_thread(posts[:2], keys[:2])
    done = alice.publish_thread(posts, keys)
    assert [p.remote_id for p in done[:2]] == [p.remote_id for p in first]
    assert _count(local_pds, "alice.test") == before + 3
    assert [p.remote_id.rsplit("/", 1)[-1] for p in done] == keys  # record key = idempotency key
    assert done[0].url.endswith(f"/profile/alice.test/post/{keys[0]}")

    # the chain: every part answers the one before, all under the first as root
    root = _ref(local_pds, done[0].remote_id)
    assert "reply" not in _record(local_pds, done[0].remote_id)[1]
    for before_part, part, post in zip(done, done[1:], posts[1:], strict=False):
        _, record = _record(local_pds, part.remote_id)
        assert record["text"] == post.text
        parent = _ref(local_pds, before_part.remote_id)
        assert _reply_refs(record) == {"root": root, "parent": parent}

    # the same keys again: nothing new
    again = alice.publish_thread(posts, keys)
    assert again == done
    assert _count(local_pds, "alice.test") == before + 3


@pytest.mark.slow
@pytest.mark.xdist_group("local_pds")
def test_a_reply_answers_the_parent_under_the_threads_root_exactly_once(local_pds: str) -> None:
    alice = _connector(local_pds, "alice.test")
    bob = _connector(local_pds, "bob.test")
    assert isinstance(bob, CanReply)
    thread = alice.publish_thread(
        [OutgoingPost("스레드 첫 글입니다."), OutgoingPost("스레드 두 번째 글입니다.")],
        [new_tid(), new_tid()],
    )
    key = new_tid()
    answer = bob.reply(thread[1].remote_id, OutgoingPost("@alice.test 좋은 소식이네요! #성수"), key)
    assert answer.remote_id.startswith("at://did:plc:") and answer.remote_id.endswith(key)
    assert answer.url.endswith(f"/profile/bob.test/post/{key}")
    _, record = _record(local_pds, answer.remote_id)
    assert _reply_refs(record) == {
        "root": _ref(local_pds, thread[0].remote_id),
        "parent": _ref(local_pds, thread[1].remote_id),
    }
    assert any(f["features"][0]["$type"].endswith("#mention") for f in record["facets"])

    # the same key again: the first reply, nothing new
    bobs = _count(local_pds, "bob.test")
    again = bob.reply(thread[1].remote_id, OutgoingPost("@alice.test 좋은 소식이네요! #성수"), key)
    assert again == answer == bob.find(key)
    assert _count(local_pds, "bob.test") == bobs

    # a parent that is gone: a failure with its own reason, nothing posted
    alice.delete(thread[1].remote_id)
    with pytest.raises(ConnectorFailure) as gone:
        bob.reply(thread[1].remote_id, OutgoingPost("늦은 답글"), new_tid())
    assert (gone.value.resolution.action, gone.value.resolution.code) == (
        "fail",
        "reply_parent_missing",
    )
    assert _count(local_pds, "bob.test") == bobs

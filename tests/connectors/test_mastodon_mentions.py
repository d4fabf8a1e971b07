"""Replies, mentions and direct-message conversations on a real local Mastodon API
(``mastodon-mock``, started by ``tests/platform_servers.py``): minji answers sora's status, jun
mentions her, minji writes to her directly; sora's mentions come back oldest first with the
right kinds and resume after their cursor; her conversations list the direct message; her
answer to it stays direct and goes out once under its key; a status that does not involve her is
not returned."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol

import pytest
from mastodon import Mastodon

from socialops.connectors.core import (
    CanReadMentions,
    CanReply,
    ConnectorFailure,
    OutgoingPost,
    new_tid,
)
from socialops.connectors.mastodon import MastodonConnector

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("mastodon_mock")]


class MastodonMock(Protocol):
    """What the ``mastodon_mock`` fixture (``tests/platform_servers.py``) yields."""

    base_url: str
    tokens: dict[str, str]


def _connector(mm: MastodonMock, user: str) -> MastodonConnector:
    return MastodonConnector({"instance": mm.base_url}, {"access_token": mm.tokens[user]})


def _api(mm: MastodonMock, user: str) -> Mastodon:
    return Mastodon(
        access_token=mm.tokens[user], api_base_url=mm.base_url, version_check_mode="none"
    )


def test_mentions_replies_and_direct_messages_reach_sora(mastodon_mock: MastodonMock) -> None:
    sora, minji, jun = (_connector(mastodon_mock, u) for u in ("sora", "minji", "jun"))
    assert isinstance(sora, CanReadMentions) and isinstance(sora, CanReply)
    before = sora.mentions()
    since = before[-1].cursor if before else None
    tag = new_tid()

    own = sora.publish(OutgoingPost(f"소라의 신제품 소식입니다 {tag}"), new_tid())
    _api(mastodon_mock, "jun").status_post(f"소라와 상관없는 준의 글 {tag}")
    answer = minji.reply(own.remote_id, OutgoingPost(f"@sora 축하해요! {tag}"), new_tid())
    mention = jun.publish(OutgoingPost(f"@sora 성수 팝업에서 만나요 #성수 {tag}"), new_tid())
    dm = _api(mastodon_mock, "minji").status_post(
        f"@sora 협업 제안을 드리고 싶어요 {tag}", visibility="direct"
    )

    got = sora.mentions(since=since)
    assert [m.remote_id for m in got] == [answer.remote_id, mention.remote_id, str(dm["id"])]
    reply, named, direct = got
    assert (reply.kind, reply.author_handle, reply.parent_remote_id) == (
        "reply",
        "minji",
        own.remote_id,
    )
    assert reply.text == f"@sora 축하해요! {tag}"
    assert reply.url == answer.url
    assert (named.kind, named.author_handle, named.parent_remote_id) == ("mention", "jun", None)
    assert named.text == f"@sora 성수 팝업에서 만나요 #성수 {tag}"
    assert (direct.kind, direct.author_handle) == ("dm", "minji")
    for m in got:
        created = datetime.fromisoformat(m.created_at)
        assert created.utcoffset() is not None
        assert abs((datetime.now(UTC) - created).total_seconds()) < 120
        assert m.root_remote_id is None  # Mastodon's status does not name its thread's root
    assert sora.mentions(since=got[-1].cursor) == []  # nothing after the last one
    assert [m.remote_id for m in sora.mentions(since=got[0].cursor)] == [
        mention.remote_id,
        str(dm["id"]),
    ]

    # the direct message is a conversation; sora's answer stays direct and goes out once
    convs = sora.conversations()
    assert str(dm["id"]) in {c.remote_id for c in convs}
    conv = next(c for c in convs if c.remote_id == str(dm["id"]))
    assert (conv.kind, conv.author_handle, conv.text) == (
        "dm",
        "minji",
        f"@sora 협업 제안을 드리고 싶어요 {tag}",
    )
    assert sora.conversations(since=convs[-1].cursor) == []
    key = new_tid()
    answer_dm = OutgoingPost(f"@minji 좋아요, 연락드릴게요 {tag}")
    back = sora.reply(str(dm["id"]), answer_dm, key)
    assert sora.reply(str(dm["id"]), answer_dm, key) == back  # Idempotency-Key: the same status
    status = _api(mastodon_mock, "sora").status(back.remote_id)
    assert (status["visibility"], str(status["in_reply_to_id"])) == ("direct", str(dm["id"]))
    # sora wrote last in that conversation: nothing there for her to answer now
    assert str(dm["id"]) not in {c.remote_id for c in sora.conversations()}
    assert back.remote_id not in {c.remote_id for c in sora.conversations()}
    minjis = minji.conversations(since=str(dm["id"]))
    assert [(c.remote_id, c.kind, c.author_handle) for c in minjis] == [
        (back.remote_id, "dm", "sora")
    ]


def test_a_reply_to_a_status_that_is_gone_fails_with_its_reason(
    mastodon_mock: MastodonMock,
) -> None:
    sora, minji = _connector(mastodon_mock, "sora"), _connector(mastodon_mock, "minji")
    own = sora.publish(OutgoingPost("곧 지울 글"), new_tid())
    sora.delete(own.remote_id)
    with pytest.raises(ConnectorFailure) as gone:
        minji.reply(own.remote_id, OutgoingPost("@sora 늦은 답글"), new_tid())
    assert (gone.value.resolution.action, gone.value.resolution.code) == (
        "fail",
        "reply_parent_missing",
    )

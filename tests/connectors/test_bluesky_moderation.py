"""Hiding a comment on the real local Bluesky network: bob's reply under alice's post is hidden
through the thread's threadgate (``hiddenReplies``), twice is once, and a reply under someone
else's thread cannot be hidden (``not_own_thread``); through the inbox, ``hide_message`` hides
the customer's comment and refuses one the platform cannot hide."""

from __future__ import annotations

import pytest
from atproto import AtUri

from socialops.connectors import profiles as prof
from socialops.connectors.bluesky import BlueskyConnector
from socialops.connectors.core import CanModerate, ConnectorFailure, OutgoingPost, new_tid
from socialops.engage.moderation import hide_message
from socialops.engage.receive import Incoming, receive
from socialops.errors import EngageError
from socialops.store.workspace import Workspace

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("local_pds")]


def _connector(url: str, handle: str) -> BlueskyConnector:
    return BlueskyConnector({"service": url, "handle": handle}, {"app_password": "hunter2"})


def _hidden(alice: BlueskyConnector, root_uri: str) -> list[str]:
    rkey = AtUri.from_str(root_uri).rkey
    got = alice._get(f"at://{alice._did}/app.bsky.feed.threadgate/{rkey}")
    assert got is not None
    return [str(h) for h in got[2].hidden_replies or []]


def test_a_reply_under_our_post_is_hidden_once_and_others_threads_are_refused(
    local_pds: str,
) -> None:
    alice, bob = _connector(local_pds, "alice.test"), _connector(local_pds, "bob.test")
    assert isinstance(alice, CanModerate)
    own = alice.publish(OutgoingPost(f"신상 입고 안내 {new_tid()}"), new_tid())
    spam = bob.reply(own.remote_id, OutgoingPost("지금 바로 코인 수익 보장! 링크 클릭"), new_tid())
    alice.hide(spam.remote_id)
    alice.hide(spam.remote_id)  # twice is once
    assert _hidden(alice, own.remote_id) == [spam.remote_id]
    bobs = bob.publish(OutgoingPost(f"밥의 글 {new_tid()}"), new_tid())
    other = alice.reply(bobs.remote_id, OutgoingPost("알리스의 답글"), new_tid())
    with pytest.raises(ConnectorFailure) as err:
        alice.hide(other.remote_id)
    assert err.value.resolution.code == "not_own_thread"


def test_the_inbox_hides_a_customers_comment(local_pds: str, workspace: Workspace) -> None:
    ws = workspace
    profile = prof.connect(
        ws,
        name="알리스",
        platform="bluesky",
        settings={"service": local_pds, "handle": "alice.test"},
        secrets={"app_password": "hunter2"},
    )
    alice, bob = _connector(local_pds, "alice.test"), _connector(local_pds, "bob.test")
    own = alice.publish(OutgoingPost(f"이벤트 안내 {new_tid()}"), new_tid())
    abuse = bob.reply(own.remote_id, OutgoingPost("광고 광고 광고 무료 쿠폰 받으세요"), new_tid())
    got = receive(
        ws,
        Incoming(
            source=profile.profile_id,
            channel="bluesky",
            thread_key=own.remote_id,
            remote_id=abuse.remote_id,
            author_handle="bob.test",
            text="광고 광고 광고 무료 쿠폰 받으세요",
            parent_remote_id=own.remote_id,
        ),
    )
    hide_message(ws, got.message_id, user="manager@shop.kr", role="manager")
    assert _hidden(alice, own.remote_id) == [abuse.remote_id]
    with pytest.raises(EngageError) as err:
        hide_message(ws, got.message_id, user="viewer@shop.kr", role="viewer")
    assert err.value.code == "inbox.reply.forbidden"

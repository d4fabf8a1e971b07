"""Mentions read from the platforms into the inbox through the real profiles, receive and the
workspace database, with a small platform that keeps its mentions in a list: new ones arrive
once, the cursor resumes, a replay from the start changes nothing, reply chains stay in one
conversation, each customer under the brand's own post has a conversation of their own, the
account's own posts are ``out``, refused credentials mark the profile, paused profiles wait."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

import pytest
from sqlalchemy import text

from socialops.connectors import profiles as prof
from socialops.connectors.core import (
    Connector,
    ConnectorFailure,
    Identity,
    Mention,
    PlatformLimits,
    Resolution,
)
from socialops.connectors.registry import REGISTRY
from socialops.engage.fetch import fetch_mentions, get_cursor
from socialops.store.workspace import Workspace


class MentionsPlatform(Connector):
    platform: ClassVar[str] = "test-mentions"
    limits: ClassVar[PlatformLimits] = PlatformLimits(max_chars=300)
    feed: ClassVar[list[Mention]] = []
    failure: ClassVar[list[Resolution]] = []
    asked: ClassVar[list[str | None]] = []

    def __init__(self, settings: Mapping[str, str], secrets: Mapping[str, str]) -> None:
        super().__init__(settings, secrets)

    def check(self) -> Identity:
        return Identity(account_id="did:brand", handle="brand.test")

    def mentions(self, since: str | None = None) -> list[Mention]:
        self.asked.append(since)
        if self.failure:
            raise ConnectorFailure(self.failure.pop(0))
        return [m for m in self.feed if since is None or int(m.cursor) > int(since)]


REGISTRY.add(MentionsPlatform)


def _m(
    n: int, author: str, body: str, parent: str | None = None, root: str | None = None
) -> Mention:
    return Mention(
        remote_id=f"at://{author}/app.bsky.feed.post/{n}",
        url=f"https://example.test/{n}",
        author_id=author,
        author_handle=author.removeprefix("did:") + ".test",
        text=body,
        created_at=f"2026-12-05T0{n % 10}:00:00+00:00",
        parent_remote_id=parent,
        root_remote_id=root,
        kind="reply" if parent else "mention",
        cursor=str(n),
    )


@pytest.fixture
def ws(workspace: Workspace) -> Workspace:
    MentionsPlatform.feed.clear()
    MentionsPlatform.failure.clear()
    MentionsPlatform.asked.clear()
    prof.connect(workspace, name="brand", platform="test-mentions", settings={}, secrets={})
    return workspace


def _conversations(ws: Workspace) -> dict[str, list[tuple[str, str]]]:
    with ws.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT c.thread_key, m.remote_id, m.direction FROM messages m JOIN "
                "conversations c ON c.conversation_id = m.conversation_id "
                "ORDER BY m.created_at, m.remote_id"
            )
        ).fetchall()
    out: dict[str, list[tuple[str, str]]] = {}
    for key, remote, direction in rows:
        out.setdefault(key, []).append((remote.rsplit("/", 1)[-1], direction))
    return out


def test_mentions_arrive_once_threaded_and_the_cursor_resumes(ws: Workspace) -> None:
    post = "at://did:brand/app.bsky.feed.post/launch"
    a1 = _m(1, "did:bob", "@brand.test 배송이 안 와요")
    MentionsPlatform.feed += [
        a1,
        _m(2, "did:bob", "주문번호 1234", parent=a1.remote_id, root=a1.remote_id),
        _m(3, "did:carol", "출시 축하해요", parent=post, root=post),
        _m(4, "did:dan", "가격이 얼마죠?", parent=post, root=post),
        _m(5, "did:brand", "확인해 볼게요", parent=a1.remote_id, root=a1.remote_id),
    ]
    counts = fetch_mentions(ws)
    assert (counts.profiles, counts.read, counts.received, counts.duplicates) == (1, 5, 5, 0)
    pid = prof.get_profile(ws, "brand").profile_id
    assert get_cursor(ws, pid) == "5"
    assert _conversations(ws) == {
        a1.remote_id: [("1", "in"), ("2", "in"), ("5", "out")],
        f"{post}#did:carol": [("3", "in")],
        f"{post}#did:dan": [("4", "in")],
    }

    # the next read starts after the cursor; a later answer in bob's chain joins his thread
    MentionsPlatform.feed.append(
        _m(6, "did:bob", "아직이에요", parent=MentionsPlatform.feed[4].remote_id)
    )
    counts = fetch_mentions(ws)
    assert MentionsPlatform.asked[-1] == "5" and (counts.read, counts.received) == (1, 1)
    assert [r for r, _ in _conversations(ws)[a1.remote_id]] == ["1", "2", "5", "6"]

    # a replay of everything (a lost cursor, a restart mid-fetch) stores nothing twice
    with ws.begin() as conn:
        conn.execute(text("DELETE FROM fetch_cursors"))
    counts = fetch_mentions(ws)
    assert (counts.read, counts.received, counts.duplicates) == (6, 0, 6)
    with ws.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM messages")).scalar_one() == 6
        cases = conn.execute(text("SELECT COUNT(*) FROM cases")).scalar_one()
    assert cases == 3


def test_refused_credentials_mark_the_profile_and_paused_profiles_wait(ws: Workspace) -> None:
    MentionsPlatform.feed.append(_m(1, "did:bob", "@brand.test 안녕하세요"))
    MentionsPlatform.failure.append(Resolution("disconnect", "auth", detail="InvalidToken"))
    counts = fetch_mentions(ws)
    assert (counts.failed, counts.received, counts.errors) == (1, 0, {"brand": "auth"})
    assert prof.get_profile(ws, "brand").status == "needs_reauth"
    assert fetch_mentions(ws).profiles == 0  # not read again until connected again
    prof.connect(ws, name="brand", platform="test-mentions", settings={}, secrets={})
    prof.set_paused(ws, "brand", True)
    assert fetch_mentions(ws).profiles == 0
    prof.set_paused(ws, "brand", False)
    MentionsPlatform.failure.append(Resolution("retry", "network", 30.0, "timeout"))
    assert fetch_mentions(ws).errors == {"brand": "network"}
    assert fetch_mentions(ws).received == 1

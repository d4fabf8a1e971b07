"""Set-up the reply tests share: a small replying platform registered under a test name (the
real code path: registry, encrypted secrets, claims, resolutions) and a conversation seeded in
the workspace database the way ``receive`` leaves one (contact, conversation, case, the
customer's message)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Mapping
from typing import ClassVar

from sqlalchemy import text

from socialops.connectors.core import (
    Connector,
    ConnectorFailure,
    Identity,
    OutgoingPost,
    PlatformLimits,
    Published,
    Resolution,
)
from socialops.connectors.registry import REGISTRY
from socialops.domain.instants import now_iso
from socialops.store.workspace import Workspace

__all__ = ["NoFindPlatform", "ReplyingPlatform", "seed_conversation"]


class ReplyingPlatform(Connector):
    """Keeps every reply it was sent by key (a repeat of a key is not a second post, like
    Bluesky's record keys); answers the queued ``answers`` first. ``calls`` counts replies."""

    platform: ClassVar[str] = "test-replying"
    limits: ClassVar[PlatformLimits] = PlatformLimits(max_chars=50, count="graphemes")
    sent: ClassVar[dict[str, tuple[str, str]]] = {}
    answers: ClassVar[list[Resolution]] = []
    calls: ClassVar[list[str]] = []
    lock = threading.Lock()

    def __init__(self, settings: Mapping[str, str], secrets: Mapping[str, str]) -> None:
        super().__init__(settings, secrets)

    @classmethod
    def reset(cls) -> None:
        cls.sent.clear()
        cls.answers.clear()
        cls.calls.clear()

    def check(self) -> Identity:
        return Identity(account_id="brand-1", handle="brand")

    def reply(self, parent_remote_id: str, post: OutgoingPost, key: str) -> Published:
        with self.lock:
            self.calls.append(key)
            if self.answers:
                raise ConnectorFailure(self.answers.pop(0))
            self.sent.setdefault(key, (parent_remote_id, post.text))
        return Published(remote_id=f"r-{key}", url=f"https://example.test/r/{key}")

    def publish(self, post: OutgoingPost, key: str) -> Published:
        raise AssertionError("replies never publish")

    def find(self, key: str, post: OutgoingPost | None = None) -> Published | None:
        if key in self.sent:
            return Published(remote_id=f"r-{key}", url=f"https://example.test/r/{key}")
        return None

    def delete(self, remote_id: str) -> None:
        self.sent.pop(remote_id.removeprefix("r-"), None)


class NoFindPlatform(ReplyingPlatform):
    """Replies, but cannot look a reply up by its key (no ``publish``/``find``/``delete``)."""

    platform: ClassVar[str] = "test-nofind"
    publish = None  # type: ignore[assignment]
    find = None  # type: ignore[assignment]
    delete = None  # type: ignore[assignment]


REGISTRY.add(ReplyingPlatform)
REGISTRY.add(NoFindPlatform)


def seed_conversation(
    ws: Workspace,
    *,
    source: str,
    channel: str,
    customer: str = "minji",
    text_: str = "환불은 언제 되나요?",
) -> tuple[str, int, str]:
    """A conversation with an open case and one customer message: (conversation id, case id,
    the message's remote id)."""
    now = now_iso()
    conv, contact, remote = uuid.uuid4().hex[:12], uuid.uuid4().hex[:12], f"m-{uuid.uuid4().hex}"
    with ws.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO contacts (contact_id, display_name, created_at, updated_at) "
                "VALUES (:c, :n, :now, :now)"
            ),
            {"c": contact, "n": customer, "now": now},
        )
        case_id = conn.execute(
            text(
                "INSERT INTO cases (conversation_id, status, opened_at, last_customer_at, "
                "updated_at) VALUES (:c, 'new', :now, :now, :now) RETURNING case_id"
            ),
            {"c": conv, "now": now},
        ).scalar_one()
        conn.execute(
            text(
                "INSERT INTO conversations (conversation_id, source, channel, thread_key, "
                "contact_id, case_id, status, last_message, message_count, created_at, "
                "updated_at) VALUES (:c, :s, :ch, :k, :contact, :case, 'new', :t, 1, :now, :now)"
            ),
            {
                "c": conv,
                "s": source,
                "ch": channel,
                "k": remote,
                "contact": contact,
                "case": case_id,
                "t": text_,
                "now": now,
            },
        )
        conn.execute(
            text(
                "INSERT INTO messages (message_id, conversation_id, source, remote_id, "
                "direction, author, text, created_at, received_at) VALUES (:m, :c, :s, :r, "
                "'in', :a, :t, :now, :now)"
            ),
            {
                "m": uuid.uuid4().hex[:16],
                "c": conv,
                "s": source,
                "r": remote,
                "a": customer,
                "t": text_,
                "now": now,
            },
        )
    return conv, int(case_id), remote

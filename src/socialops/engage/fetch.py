"""Mentions, comments, replies and direct messages read from the platforms into the inbox.

Every active, unpaused profile whose connector can read mentions
(:class:`~socialops.connectors.core.CanReadMentions`) is read from where it stopped (its cursor
in ``fetch_cursors``, keyed by the profile id) and each mention enters through
:func:`socialops.engage.receive.receive`, the one way into the inbox.

Nothing lost, nothing twice: the cursor is saved right AFTER each message's own transaction
commits. A process killed between the two reads that message again next time, and ``receive``
is idempotent on (profile, platform id): the repeat changes nothing. A process killed before the
commit has stored nothing and not moved the cursor. When the connector says where its reading
stopped (``mentions_cursor``: Bluesky's firehose ``seq``, past events that are not mentions),
that is saved last.

Threads: a mention answering a message the inbox already has joins that message's conversation
(a reply chain); else the platform's thread root keys it, except that under the account's own
post every customer has a conversation of their own (``<root>#<author>``); a mention that
answers nothing starts its own. The account's own posts seen on the platform are ``out``."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import text

from socialops.connectors.core import CanReadMentions, ConnectorFailure, Mention
from socialops.connectors.profiles import (
    Profile,
    fresh_connector,
    list_profiles,
    set_status,
)
from socialops.connectors.registry import REGISTRY
from socialops.domain.instants import now_iso
from socialops.engage.receive import Incoming, receive
from socialops.store.workspace import Workspace

__all__ = ["FetchCounts", "fetch_mentions", "get_cursor", "save_cursor", "thread_key"]

log = logging.getLogger(__name__)


@dataclass
class FetchCounts:
    profiles: int = 0  # profiles read
    read: int = 0  # mentions the platforms returned
    received: int = 0  # new messages in the inbox
    duplicates: int = 0  # already there (a repeat after a restart)
    failed: int = 0  # profiles whose reading failed this time
    errors: dict[str, str] = field(default_factory=dict)  # profile name → reason code

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def get_cursor(ws: Workspace, source: str) -> str | None:
    with ws.connect() as conn:
        value = conn.execute(
            text("SELECT cursor FROM fetch_cursors WHERE source = :s"), {"s": source}
        ).scalar()
    return str(value) if value else None


def save_cursor(ws: Workspace, source: str, cursor: str) -> None:
    with ws.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO fetch_cursors (source, cursor, updated_at) VALUES (:s, :c, :at) "
                "ON CONFLICT (source) DO UPDATE SET cursor = excluded.cursor, "
                "updated_at = excluded.updated_at"
            ),
            {"s": source, "c": cursor, "at": now_iso()},
        )


def _author_of(uri: str) -> str:
    """The author named in an ``at://did/...`` id (other platforms' ids name nobody: "")."""
    return uri[len("at://") :].split("/", 1)[0] if uri.startswith("at://") else ""


def thread_key(ws: Workspace, profile: Profile, m: Mention) -> str:
    """The conversation key of ``m`` (see the module doc)."""
    if m.parent_remote_id:
        with ws.connect() as conn:
            known = conn.execute(
                text(
                    "SELECT c.thread_key FROM messages m JOIN conversations c ON "
                    "c.conversation_id = m.conversation_id WHERE m.source = :s AND "
                    "m.remote_id = :r"
                ),
                {"s": profile.profile_id, "r": m.parent_remote_id},
            ).scalar()
        if known:
            return str(known)
    root = m.root_remote_id or m.parent_remote_id
    if not root:
        return m.remote_id
    if _author_of(root) and _author_of(root) == m.author_id:
        return root  # the customer's own thread
    return f"{root}#{m.author_id}"


def _incoming(ws: Workspace, profile: Profile, m: Mention) -> Incoming:
    own = bool(profile.account_id) and m.author_id == profile.account_id
    return Incoming(
        source=profile.profile_id,
        channel=profile.platform,
        thread_key=thread_key(ws, profile, m),
        remote_id=m.remote_id,
        author_handle=m.author_id or m.author_handle,
        author_label=m.author_handle,
        text=m.text,
        created_at=m.created_at,
        direction="out" if own else "in",
        parent_remote_id=m.parent_remote_id,
        url=m.url,
    )


def _readable(profile: Profile) -> bool:
    cls = REGISTRY.get(profile.platform)
    return (
        profile.status == "active"
        and not profile.paused
        and cls is not None
        and issubclass(cls, CanReadMentions)
    )


def fetch_profile(ws: Workspace, profile: Profile, out: FetchCounts) -> None:
    """Read one profile's new mentions into the inbox (raises :class:`ConnectorFailure`)."""
    connector = fresh_connector(ws, profile)
    assert isinstance(connector, CanReadMentions)
    since = get_cursor(ws, profile.profile_id)
    found = connector.mentions(since=since)
    out.profiles += 1
    out.read += len(found)
    for m in found:
        got = receive(ws, _incoming(ws, profile, m))
        if got.created:
            out.received += 1
        else:
            out.duplicates += 1
        if m.cursor:
            save_cursor(ws, profile.profile_id, m.cursor)
    stopped = getattr(connector, "mentions_cursor", None)
    if isinstance(stopped, str) and stopped and stopped != since:
        save_cursor(ws, profile.profile_id, stopped)


def fetch_mentions(ws: Workspace, *, profiles: list[str] | None = None) -> FetchCounts:
    """Read every readable profile (or those named in ``profiles``: ids or names). A profile
    whose credentials the platform refused is marked ``needs_reauth``; any failure of one
    profile is counted and the others are read."""
    out = FetchCounts()
    for profile in list_profiles(ws):
        if profiles is not None and not {profile.profile_id, profile.name} & set(profiles):
            continue
        if not _readable(profile):
            continue
        try:
            fetch_profile(ws, profile, out)
        except ConnectorFailure as exc:
            res = exc.resolution
            if res.action == "disconnect":
                set_status(ws, profile.profile_id, "needs_reauth", res.detail)
            out.failed += 1
            out.errors[profile.name] = res.code
        except Exception as exc:  # one profile's trouble does not stop the others
            log.exception("reading the mentions of %s failed", profile.name)
            out.failed += 1
            out.errors[profile.name] = type(exc).__name__
    return out

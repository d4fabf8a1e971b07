"""Who else has a conversation open or is typing in it (collision detection): each agent's page
touches its conversation every few seconds; a touch older than ``within_s`` has gone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from socialops.domain.instants import iso_utc
from socialops.errors import EngageError
from socialops.store.workspace import Workspace

__all__ = ["PRESENCE_STATES", "leave", "others", "touch"]

PRESENCE_STATES = ("viewing", "typing")


def touch(ws: Workspace, conversation_id: str, user: str, state: str = "viewing") -> None:
    """Record that ``user`` is ``state`` (viewing or typing) in the conversation now."""
    if state not in PRESENCE_STATES:
        raise EngageError("inbox.bad_presence", state=state)
    with ws.begin() as conn:
        conn.execute(
            text(
                'INSERT INTO inbox_presence (conversation_id, "user", state, at) '
                'VALUES (:c, :u, :s, :at) ON CONFLICT (conversation_id, "user") '
                "DO UPDATE SET state = excluded.state, at = excluded.at"
            ),
            {"c": conversation_id, "u": user, "s": state, "at": iso_utc(datetime.now(UTC))},
        )


def leave(ws: Workspace, conversation_id: str, user: str) -> None:
    """``user`` closed the conversation."""
    with ws.begin() as conn:
        conn.execute(
            text('DELETE FROM inbox_presence WHERE conversation_id = :c AND "user" = :u'),
            {"c": conversation_id, "u": user},
        )


def others(
    ws: Workspace, conversation_id: str, user: str, within_s: int = 30
) -> list[tuple[str, str]]:
    """The other people in the conversation in the last ``within_s`` seconds: (user, state),
    those typing first."""
    since = iso_utc(datetime.now(UTC) - timedelta(seconds=within_s))
    with ws.connect() as conn:
        rows = conn.execute(
            text(
                'SELECT "user", state FROM inbox_presence WHERE conversation_id = :c '
                'AND "user" <> :u AND at >= :since '
                "ORDER BY CASE WHEN state = 'typing' THEN 0 ELSE 1 END, \"user\""
            ),
            {"c": conversation_id, "u": user, "since": since},
        ).fetchall()
    return [(str(r[0]), str(r[1])) for r in rows]

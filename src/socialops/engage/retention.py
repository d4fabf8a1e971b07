"""Retention rules: how many days each kind of personal data is kept in a workspace, applied
by the worker (at most hourly: :func:`apply_due`, a part of the inbox's round) or by hand
(``socialops retention apply``).

Kinds (:data:`KINDS`):

- ``inbox_messages``: a message's text (and its encrypted original) older than N days (by when
  the customer wrote it) becomes :data:`~socialops.engage.privacy_files.MARKER`; replies and
  the conversation's last-message preview too. The row stays: times, direction, intent and
  sentiment still count in the team report.
- ``closed_cases``: the messages of a conversation whose case was closed (or resolved) more
  than N days ago, the same way.
- ``quarantine``: rejected import rows (which hold the raw line, personal data included) of
  imports started more than N days ago are deleted; the import's counts stay.

Applying is idempotent (an anonymised text is not counted again) and each run that changed
something is recorded in ``privacy_log`` with its counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text as sql

from socialops.domain.instants import iso_utc, now_iso
from socialops.engage.periodic import record_turn, take_turn
from socialops.engage.privacy import MARKER, PrivacyError, log_request
from socialops.store.workspace import Workspace

__all__ = ["EVERY_S", "KINDS", "MAX_DAYS", "apply", "apply_due", "rules", "set_rule"]

KINDS: tuple[str, ...] = ("inbox_messages", "closed_cases", "quarantine")
MAX_DAYS = 36_500
EVERY_S = 3600.0  # the worker applies the rules at most once an hour
SETTING = "retention_run"

_MESSAGE_SET = "text = :m, private = '', pii = '[]', explain = '{}', url = ''"
_CLOSED_CONV = (
    "SELECT c.conversation_id FROM conversations c JOIN cases k ON k.case_id = c.case_id "
    "WHERE k.status IN ('closed', 'resolved') AND COALESCE(k.closed_at, k.resolved_at) < :cut"
)


def rules(ws: Workspace) -> dict[str, int]:
    """kind → days, for the kinds that have a rule."""
    with ws.connect() as conn:
        rows = conn.execute(sql("SELECT kind, days FROM retention_rules ORDER BY kind")).all()
    return {str(k): int(d) for k, d in rows if str(k) in KINDS}


def set_rule(ws: Workspace, kind: str, days: int, by: str = "") -> dict[str, int]:
    """Keep ``kind`` for ``days`` days (0: no rule, kept until erased by hand); the rules."""
    if kind not in KINDS:
        raise PrivacyError(code="retention.unknown_kind", kind=kind[:40], kinds=", ".join(KINDS))
    if not 0 <= days <= MAX_DAYS:
        raise PrivacyError(code="retention.bad_days", days=days, max=MAX_DAYS)
    with ws.begin() as conn:
        conn.execute(sql("DELETE FROM retention_rules WHERE kind = :k"), {"k": kind})
        if days:
            conn.execute(
                sql(
                    "INSERT INTO retention_rules (kind, days, updated_by, updated_at) "
                    "VALUES (:k, :d, :b, :at)"
                ),
                {"k": kind, "d": days, "b": by[:200], "at": now_iso()},
            )
    return rules(ws)


def apply(ws: Workspace, now: datetime | None = None, *, actor: str = "worker") -> dict[str, int]:
    """Apply every rule once; rows changed per kind (0 for a kind without work)."""
    at = now or datetime.now(UTC)
    out: dict[str, int] = {}
    for kind, days in rules(ws).items():
        cut = iso_utc(at - timedelta(days=days))
        with ws.begin() as conn:
            out[kind] = _apply_one(conn, kind, cut)
    if any(out.values()):
        log_request(ws, "retention", None, actor, out)
    return out


def _apply_one(conn: Any, kind: str, cut: str) -> int:
    p = {"m": MARKER, "cut": cut}
    if kind == "quarantine":
        return int(
            conn.execute(
                sql(
                    "DELETE FROM quarantine WHERE import_id IN "
                    "(SELECT import_id FROM imports WHERE started_at < :cut)"
                ),
                {"cut": cut},
            ).rowcount
            or 0
        )
    if kind == "inbox_messages":
        n = conn.execute(
            sql(f"UPDATE messages SET {_MESSAGE_SET} WHERE created_at < :cut AND text <> :m"), p
        ).rowcount
        conn.execute(
            sql("UPDATE inbox_replies SET text = :m WHERE created_at < :cut AND text <> :m"), p
        )
        conn.execute(
            sql(
                "UPDATE conversations SET last_message = :m WHERE updated_at < :cut "
                "AND last_message <> :m"
            ),
            p,
        )
        return int(n or 0)
    n = conn.execute(
        sql(
            f"UPDATE messages SET {_MESSAGE_SET} WHERE text <> :m AND conversation_id IN "
            f"({_CLOSED_CONV})"
        ),
        p,
    ).rowcount
    conn.execute(
        sql(
            "UPDATE inbox_replies SET text = :m WHERE text <> :m AND conversation_id IN "
            f"({_CLOSED_CONV})"
        ),
        p,
    )
    conn.execute(
        sql(
            "UPDATE conversations SET last_message = :m WHERE last_message <> :m AND "
            f"conversation_id IN ({_CLOSED_CONV})"
        ),
        p,
    )
    return int(n or 0)


def apply_due(
    ws: Workspace, now: datetime | None = None, *, every_s: float = EVERY_S
) -> dict[str, int] | None:
    """:func:`apply` when the last run (``inbox_settings`` key ``retention_run``, shared by
    every worker of the workspace) is at least ``every_s`` seconds old; ``None`` when it is not
    due, or when the workspace has no rule."""
    if not rules(ws):
        return None
    wall = take_turn(ws, SETTING, every_s)
    if wall is None:
        return None
    counts = apply(ws, now)
    record_turn(ws, SETTING, wall, counts)
    return counts

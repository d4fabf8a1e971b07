"""The review record of a post group: its posts as approvals see them, the history of every
submit, approval, rejection and comment (``publish_approvals``), the current round of review
(from the last submit), and the groups waiting for review.

Reading only; the moves that write this record are :mod:`socialops.publish.approvals`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Connection, text

from socialops.errors import PublishError
from socialops.publish.queue import QueuedPost, get_post
from socialops.store.workspace import Workspace

__all__ = [
    "ApprovalEvent",
    "GroupRow",
    "ReviewItem",
    "current_round",
    "events",
    "group_rows",
    "history",
    "pending",
    "posts_of",
    "rows_of",
]


@dataclass(frozen=True)
class ApprovalEvent:
    approval_id: int
    group_id: str
    actor: str
    decision: str  # submit | approve | reject | comment
    comment: str
    at: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ReviewItem:
    """A post group waiting for review."""

    group_id: str
    plan_id: str | None
    author: str
    submitted_by: str
    submitted_at: str
    due_at: str
    approvals_needed: int
    approved_by: list[str]
    posts: list[QueuedPost]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class GroupRow:
    post_id: str
    state: str
    created_by: str
    plan_id: str | None
    approvals_needed: int
    due_at: str
    text: str


def group_rows(conn: Connection, group_id: str) -> list[GroupRow]:
    rows = conn.execute(
        text(
            "SELECT post_id, state, created_by, plan_id, approvals_needed, due_at, text "
            "FROM publish_posts WHERE group_id = :g ORDER BY post_id"
        ),
        {"g": group_id},
    ).fetchall()
    if not rows:
        raise PublishError("approvals.unknown_group", group=group_id)
    return [GroupRow(r[0], r[1], r[2] or "", r[3], int(r[4] or 0), r[5], r[6]) for r in rows]


def events(conn: Connection, group_id: str) -> list[ApprovalEvent]:
    rows = conn.execute(
        text(
            "SELECT approval_id, group_id, actor, decision, comment, at FROM publish_approvals "
            "WHERE group_id = :g ORDER BY approval_id"
        ),
        {"g": group_id},
    ).fetchall()
    return [ApprovalEvent(int(r[0]), r[1], r[2], r[3], r[4], r[5]) for r in rows]


def current_round(events: list[ApprovalEvent]) -> tuple[ApprovalEvent | None, list[str]]:
    """The submit that opened the current review (``None``: none since the last rejection)
    and who approved since it (in order, each once)."""
    submitted: ApprovalEvent | None = None
    approvers: list[str] = []
    for e in events:
        if e.decision == "submit":
            submitted, approvers = e, []
        elif e.decision == "approve" and e.actor not in approvers:
            approvers.append(e.actor)
        elif e.decision == "reject":
            submitted, approvers = None, []
    return submitted, approvers


def history(ws: Workspace, group_id: str) -> list[ApprovalEvent]:
    """Every submit, approval, rejection and comment of ``group_id``, oldest first."""
    with ws.connect() as conn:
        group_rows(conn, group_id)
        return events(conn, group_id)


def posts_of(ws: Workspace, rows: list[GroupRow]) -> list[QueuedPost]:
    return [get_post(ws, r.post_id) for r in rows]


def pending(ws: Workspace) -> list[ReviewItem]:
    """Post groups waiting for review, the soonest due first."""
    found = []
    with ws.connect() as conn:
        groups = conn.execute(
            text(
                "SELECT group_id FROM publish_posts WHERE state = 'in_review' "
                "GROUP BY group_id ORDER BY MIN(due_at), group_id"
            )
        ).scalars()
        for g in list(groups):
            rows = [r for r in group_rows(conn, g) if r.state == "in_review"]
            found.append((g, rows, *current_round(events(conn, g))))
    return [
        ReviewItem(
            group_id=g,
            plan_id=rows[0].plan_id,
            author=rows[0].created_by,
            submitted_by=submitted.actor if submitted else "",
            submitted_at=submitted.at if submitted else "",
            due_at=min(r.due_at for r in rows),
            approvals_needed=max(1, *(r.approvals_needed for r in rows)),
            approved_by=approvers,
            posts=posts_of(ws, rows),
        )
        for g, rows, submitted, approvers in found
    ]


def rows_of(ws: Workspace, group_id: str) -> list[GroupRow]:
    with ws.connect() as conn:
        return group_rows(conn, group_id)

"""Post approvals by the plan's policy: who must review a post before it goes out, and the review
itself (submit, approve, reject, comment), with in-web notifications.

A post group (one text to several profiles) is reviewed as one. How many approvers it needs
comes from its plan (``Policy.publish_approvals``: 0, 1 or 2; with 0 the plan's
``direct_roles`` publish directly and every other role needs one approver); without a plan, a
role with ``publish.direct`` publishes directly and the others need one approver.

========  ============  ===========  ==================================================
action    from          to           rule
========  ============  ===========  ==================================================
submit    draft         in_review    anyone who wrote it; approvers are notified
approve   in_review     scheduled    ``publish.approve``; never the author or the one who
                                     submitted; with 2 needed, two different people; a
                                     time already passed makes the post due now
reject    in_review     draft        ``publish.approve``; a comment saying why is required
comment   any           (same)       anyone; kept in the history
========  ============  ===========  ==================================================

Approvals count from the last submit: a rejected post submitted again needs them afresh. Every
state move is its own guarded UPDATE (``WHERE state = ...`` and no live lease), inside one
write transaction with the history row, so two approvers at once cannot both count twice.

The review record (history, the current round, what is pending) is read by
:mod:`socialops.publish.reviews` and the notifications live in
:mod:`socialops.store.notifications`; ``history``, ``pending``, ``Notification``,
``notifications`` and ``mark_read`` are re-exported here for the callers that use them with the
approvals.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text

from socialops.connectors.profiles import now_iso
from socialops.domain.permissions import ROLES, allowed
from socialops.errors import PublishError
from socialops.plan.store import PlanStore
from socialops.publish.queue import QueuedPost
from socialops.publish.reviews import (
    ApprovalEvent,
    GroupRow,
    ReviewItem,
    current_round,
    events,
    group_rows,
    history,
    pending,
    posts_of,
    rows_of,
)
from socialops.store.notifications import Notification, mark_read, notifications, notify
from socialops.store.workspace import Workspace

__all__ = [
    "APPROVER_ROLES",
    "ApprovalEvent",
    "Notification",
    "ReviewItem",
    "add_comment",
    "approve",
    "history",
    "mark_read",
    "needs_approval",
    "notifications",
    "pending",
    "reject",
    "submit",
]

APPROVER_ROLES: tuple[str, ...] = tuple(r for r in ROLES if allowed(r, "publish.approve"))
MAX_COMMENT = 2000
_LEASE_FREE = "(lease_until IS NULL OR lease_until < :now)"


# -- who needs review --------------------------------------------------------------------------
def needs_approval(ws: Workspace, *, plan_id: str | None, role: str) -> int:
    """How many approvers a post by ``role`` (of plan ``plan_id``, or of none) needs: 0, 1 or 2."""
    if not allowed(role, "publish.draft"):
        raise PublishError("approvals.cannot_write", role=role or "-")
    if plan_id:
        policy = PlanStore(ws).get(plan_id).policy
        if policy.publish_approvals:
            return int(policy.publish_approvals)
        return 0 if role in policy.direct_roles else 1
    return 0 if allowed(role, "publish.direct") else 1


def _plan_approvals(ws: Workspace, plan_id: str | None) -> int:
    return PlanStore(ws).get(plan_id).policy.publish_approvals if plan_id else 0


# -- moves -------------------------------------------------------------------------------------
def _record(conn: Connection, group_id: str, actor: str, decision: str, comment: str = "") -> None:
    conn.execute(
        text(
            "INSERT INTO publish_approvals (group_id, actor, decision, comment, at) "
            "VALUES (:g, :a, :d, :c, :at)"
        ),
        {"g": group_id, "a": actor, "d": decision, "c": comment, "at": now_iso()},
    )


def _preview(rows: list[GroupRow]) -> str:
    first = " ".join(rows[0].text.split())
    return first if len(first) <= 40 else first[:39] + "…"


def _comment(comment: str, *, required: bool) -> str:
    comment = (comment or "").strip()
    if required and not comment:
        raise PublishError("approvals.comment_required")
    if len(comment) > MAX_COMMENT:
        raise PublishError("approvals.comment_too_long", limit=MAX_COMMENT)
    return comment


def _may_review(role: str) -> None:
    if not allowed(role, "publish.approve"):
        raise PublishError("approvals.forbidden", role=role or "-")


def _in_review(conn: Connection, group_id: str) -> list[GroupRow]:
    rows = [r for r in group_rows(conn, group_id) if r.state == "in_review"]
    if not rows:
        raise PublishError("approvals.not_in_review", group=group_id)
    return rows


def _authors(rows: list[GroupRow], submitted: ApprovalEvent | None) -> set[str]:
    """Who wrote ``rows`` and who submitted them: they may not approve them, and hear of it."""
    authors = {r.created_by for r in rows if r.created_by}
    if submitted is not None and submitted.actor:
        authors.add(submitted.actor)
    return authors


def _tell(
    conn: Connection,
    kind: str,
    whom: set[str],
    rows: list[GroupRow],
    group: str,
    actor: str,
    **params: Any,
) -> None:
    """Notify each of ``whom`` (in order) of ``kind``: ``actor`` did it to ``group`` (``rows``)."""
    preview = _preview(rows)  # last in the stored params, as the notice was always written
    for who in sorted(whom):
        notify(conn, kind, recipient=who, group=group, actor=actor, **params, preview=preview)


def submit(ws: Workspace, group_id: str, *, actor: str) -> list[QueuedPost]:
    """Send the drafts of ``group_id`` to review and notify the workspace's approvers. Posts
    queued straight into ``in_review`` (the composer, a scheduled draft) are announced the same
    way when no review of them is open yet."""
    plan_ids = [r.plan_id for r in rows_of(ws, group_id) if r.plan_id]
    floor = max(1, _plan_approvals(ws, plan_ids[0] if plan_ids else None))
    with ws.begin() as conn:
        rows = group_rows(conn, group_id)
        drafts = [r for r in rows if r.state == "draft"]
        if not drafts and current_round(events(conn, group_id))[0] is None:
            drafts = [r for r in rows if r.state == "in_review"]  # not announced yet
        if not drafts:
            raise PublishError("approvals.nothing_to_submit", group=group_id)
        now = now_iso()
        for r in drafts:
            conn.execute(
                text(
                    "UPDATE publish_posts SET state = 'in_review', approvals_needed = :n, "
                    "reason_code = '', reason_detail = '', updated_at = :now "
                    f"WHERE post_id = :id AND state = 'draft' AND {_LEASE_FREE}"
                ),
                {"n": max(floor, r.approvals_needed), "id": r.post_id, "now": now},
            )
        _record(conn, group_id, actor, "submit")
        for role in APPROVER_ROLES:
            notify(
                conn,
                "approvals.notice.submitted",
                role=role,
                group=group_id,
                actor=actor,
                count=len(drafts),
                preview=_preview(drafts),
            )
    return posts_of(ws, rows)


def approve(
    ws: Workspace, group_id: str, *, actor: str, role: str, comment: str = ""
) -> list[QueuedPost]:
    """Approve ``group_id``; with enough approvals its posts are scheduled (due now when their
    time has passed). The author, or the one who submitted it, may not approve it."""
    _may_review(role)
    comment = _comment(comment, required=False)
    with ws.begin() as conn:
        rows = _in_review(conn, group_id)
        submitted, approvers = current_round(events(conn, group_id))
        authors = _authors(rows, submitted)
        if actor in authors:
            raise PublishError("approvals.own_post", who=actor)
        if actor in approvers:
            raise PublishError("approvals.already_approved", who=actor)
        _record(conn, group_id, actor, "approve", comment)
        approvers.append(actor)
        needed = max(1, *(r.approvals_needed for r in rows))
        done = len(approvers) >= needed
        if done:
            conn.execute(
                text(
                    "UPDATE publish_posts SET state = 'scheduled', next_try_at = NULL, "
                    "due_at = CASE WHEN due_at < :now THEN :now ELSE due_at END, "
                    "updated_at = :now "
                    f"WHERE group_id = :g AND state = 'in_review' AND {_LEASE_FREE}"
                ),
                {"g": group_id, "now": now_iso()},
            )
        kind = "approvals.notice.approved" if done else "approvals.notice.approved_partly"
        _tell(conn, kind, authors, rows, group_id, actor, count=len(approvers), needed=needed)
    return posts_of(ws, rows_of(ws, group_id))


def reject(
    ws: Workspace, group_id: str, *, actor: str, role: str, comment: str
) -> list[QueuedPost]:
    """Send ``group_id`` back to draft with ``comment`` (required: what to change)."""
    _may_review(role)
    comment = _comment(comment, required=True)
    with ws.begin() as conn:
        rows = _in_review(conn, group_id)
        submitted, _ = current_round(events(conn, group_id))
        conn.execute(
            text(
                "UPDATE publish_posts SET state = 'draft', reason_code = 'rejected_in_review', "
                "reason_detail = :c, updated_at = :now "
                f"WHERE group_id = :g AND state = 'in_review' AND {_LEASE_FREE}"
            ),
            {"g": group_id, "c": comment[:500], "now": now_iso()},
        )
        _record(conn, group_id, actor, "reject", comment)
        others = _authors(rows, submitted) - {actor}
        _tell(conn, "approvals.notice.rejected", others, rows, group_id, actor, comment=comment)
    return posts_of(ws, rows_of(ws, group_id))


def add_comment(ws: Workspace, group_id: str, *, actor: str, comment: str) -> ApprovalEvent:
    """A comment on ``group_id`` (kept in its history; its author is notified)."""
    comment = _comment(comment, required=True)
    with ws.begin() as conn:
        rows = group_rows(conn, group_id)
        _record(conn, group_id, actor, "comment", comment)
        others = _authors(rows, None) - {actor}
        _tell(conn, "approvals.notice.comment", others, rows, group_id, actor, comment=comment)
        return events(conn, group_id)[-1]

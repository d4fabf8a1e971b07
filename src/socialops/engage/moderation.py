"""What the operating policy and the platform allow: checks on a reply before it is queued
(the channel's length and media limits, the running plan's banned words, whether its approval
rules want a manager to see it first) and hiding a spam or abusive comment where the platform
lets the account do that.

Hiding: a connector that can hide a comment is
:class:`~socialops.connectors.core.CanModerate`;
Bluesky can hide replies in the account's own threads (a threadgate's ``hiddenReplies``:
the reply stays on the network but the app folds it away) and delete only the account's own
posts. A platform without it is told plainly (``inbox.moderation.unsupported``)."""

from __future__ import annotations

import json

from sqlalchemy import Connection, text

from socialops.connectors.core import (
    CanModerate,
    ConnectorFailure,
    OutgoingPost,
    PlatformLimits,
)
from socialops.connectors.profiles import fresh_connector, get_profile
from socialops.connectors.registry import REGISTRY, load_builtin
from socialops.domain.permissions import allowed
from socialops.domain.plan import Plan, Policy
from socialops.engage.events import emit
from socialops.errors import EngageError, SocialopsError
from socialops.store.workspace import Workspace

__all__ = [
    "DEFAULT_LIMITS",
    "banned_words_in",
    "can_hide",
    "channel_limits",
    "check_reply_text",
    "hide_message",
    "langs_of",
    "needs_approval",
    "running_policies",
]

#: limits of channels without a connector (imports, the demo)
DEFAULT_LIMITS = PlatformLimits(max_chars=5000, max_media=0, alt_text=False)
#: words of an approval rule that make it about replies (or about everything posted)
_REPLY_WORDS = (
    "답변", "답글", "댓글", "응대", "상담", "민원", "문의", "reply", "replies", "response",
    "answer", "comment", "모든 게시", "모든 글", "all post", "every post",
)  # fmt: skip
_APPROVAL_WORDS = ("승인", "확인", "검토", "심의", "결재", "approv", "review", "sign-off", "check")


# -- the policy --------------------------------------------------------------------------------
def running_policies(conn: Connection) -> list[Policy]:
    """The operating policies of the running plans (newest first; usually one)."""
    docs = conn.execute(
        text("SELECT doc FROM plans WHERE state = 'running' ORDER BY updated_at DESC")
    ).scalars()
    return [Plan.from_dict(json.loads(d)).policy for d in docs]


def _rule_covers_replies(rule: str) -> bool:
    low = rule.lower()
    return any(w in low for w in _REPLY_WORDS) and any(w in low for w in _APPROVAL_WORDS)


def needs_approval(conn: Connection, role: str) -> bool:
    """Whether a reply by ``role`` waits for a manager: a running plan's approval rule speaks
    of replies (answers, comments, customer care, complaints; or of every post) and asks for
    a sign-off (approval, review, check), and the role may not approve replies itself
    (``inbox.manage``). The rules are free text the plan's authors wrote (e.g. "상담 답변
    템플릿은 소비자보호부가 승인한 것만 씁니다"); they are read conservatively: when a rule
    may cover replies, a manager looks."""
    if allowed(role, "inbox.manage"):
        return False
    return any(_rule_covers_replies(r) for p in running_policies(conn) for r in p.approval_rules)


def banned_words_in(conn: Connection, body: str) -> list[str]:
    """The running plans' banned words that ``body`` uses (case-insensitive), sorted."""
    low = body.casefold()
    found = {w for p in running_policies(conn) for w in p.banned_words if w and w.casefold() in low}
    return sorted(found)


def channel_limits(platform: str | None, channel: str, settings: dict[str, str]) -> PlatformLimits:
    """The limits a reply on a conversation must keep: its profile's connector's
    (``limits_for`` the profile's settings), else its channel's connector's, else 5,000."""
    cls = REGISTRY.get(platform or "") or REGISTRY.get(channel)
    return cls.limits_for(settings) if cls is not None else DEFAULT_LIMITS


def langs_of(body: str) -> tuple[str, ...]:
    """The language tag a reply is posted with: Korean when it has Hangul, else English."""
    return ("ko",) if any("\uac00" <= ch <= "\ud7a3" for ch in body) else ("en",)


def check_reply_text(
    conn: Connection, body: str, *, platform: str | None, channel: str, settings: dict[str, str]
) -> None:
    """Raise :class:`EngageError` when ``body`` cannot go to this channel as it is (too long,
    empty) or uses a banned word of the running plan's policy."""
    limits = channel_limits(platform, channel, settings)
    for problem in limits.validate(OutgoingPost(body, langs=langs_of(body))):
        params = dict(problem.params)
        if problem.code == "publish.too_long":
            raise EngageError(
                "inbox.reply.too_long",
                channel=channel,
                count=params["count"],
                limit=params["limit"],
            )
        if problem.code == "publish.empty":
            raise EngageError("inbox.reply.empty")
        raise EngageError("inbox.reply.media", channel=channel, problem=problem.code)
    words = banned_words_in(conn, body)
    if words:
        raise EngageError("inbox.reply.banned", words=words)


# -- hiding a comment --------------------------------------------------------------------------
def can_hide(ws: Workspace, source: str) -> bool:
    """Whether the platform behind ``source`` (a profile id) lets the account hide a customer's
    comment: its connector is :class:`~socialops.connectors.core.CanModerate`. Imports, the
    demo and chat channels cannot."""
    try:
        profile = get_profile(ws, source)
    except SocialopsError:  # an import's or the demo's source: no profile
        return False
    load_builtin()
    cls = REGISTRY.get(profile.platform)
    return cls is not None and issubclass(cls, CanModerate)


def hide_message(ws: Workspace, message_id: str, *, user: str, role: str) -> None:
    """Hide a customer's comment on the platform (spam, abuse), where the platform allows it;
    the inbox keeps the message (and records who hid it)."""
    if not allowed(role, "inbox.work"):
        raise EngageError("inbox.reply.forbidden", role=role or "-")
    with ws.connect() as conn:
        row = conn.execute(
            text(
                "SELECT m.remote_id, m.direction, m.source, c.channel, m.conversation_id, "
                "c.case_id FROM messages m JOIN conversations c ON "
                "c.conversation_id = m.conversation_id WHERE m.message_id = :m"
            ),
            {"m": message_id},
        ).fetchone()
    if row is None:
        raise EngageError("inbox.moderation.unknown_message", message=message_id[:40])
    remote_id, direction, source, channel = row[0], row[1], row[2], row[3]
    if direction != "in":
        raise EngageError("inbox.moderation.not_comment")
    try:
        profile = get_profile(ws, source)
    except Exception as exc:
        raise EngageError("inbox.moderation.unsupported", platform=channel) from exc
    connector = fresh_connector(ws, profile)
    try:
        if not isinstance(connector, CanModerate):
            raise EngageError("inbox.moderation.unsupported", platform=profile.platform)
        connector.hide(remote_id)
    except ConnectorFailure as exc:
        if exc.resolution.code == "not_own_thread":
            raise EngageError("inbox.moderation.unsupported", platform=profile.platform) from exc
        raise EngageError("inbox.moderation.failed", detail=exc.resolution.detail) from exc
    except EngageError:
        raise
    except Exception as exc:
        raise EngageError("inbox.moderation.failed", detail=type(exc).__name__) from exc
    with ws.begin() as conn:
        emit(
            conn,
            "status",
            conversation_id=row[4],
            case_id=row[5],
            user=user,
            hidden=message_id,
            remote_id=remote_id,
        )

"""Messages of the connectors' conversation capabilities (replies, threads, mentions): the reason
(``publish.reason.<code>``) a reply can fail with, and the names of the kinds of
:class:`socialops.connectors.core.Mention`."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "publish.reason.not_own_thread": (
        "이 댓글은 우리 계정의 게시물 아래에 있지 않아 숨길 수 없습니다 ({detail}). 플랫폼에 "
        "신고해 주세요.",
        "This comment is not under one of the account's own posts, so it cannot be hidden "
        "({detail}): report it on the platform.",
    ),
    "publish.reason.reply_parent_missing": (
        "답글을 달 게시물이 플랫폼에 없습니다 ({detail}). 삭제되었는지 확인하고 답글을 "
        "새 게시물로 올리거나 취소해 주세요.",
        "The post to reply to is no longer on the platform ({detail}): check whether it was "
        "deleted, then post the reply as a new post or cancel it.",
    ),
    "connectors.mention.kind.mention": ("언급", "Mention"),
    "connectors.mention.kind.reply": ("답글", "Reply"),
    "connectors.mention.kind.dm": ("다이렉트 메시지", "Direct message"),
}

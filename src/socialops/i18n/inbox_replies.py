"""The inbox's replies and fetching: drafting, approval, sending through the connector, notes,
mentions read from the platforms and hiding a comment (raised as
:class:`socialops.errors.EngageError`; ``inbox.notice.*`` are the notifications)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "inbox.unknown_reply": (
        "답변 '{reply}'을(를) 찾을 수 없습니다.",
        "There is no reply '{reply}'.",
    ),
    "inbox.reply.state": (
        "이 답변은 지금 '{state}' 상태라서 할 수 없습니다. 필요한 상태: {wanted}.",
        "This reply is '{state}' now, so that cannot be done (it must be {wanted}).",
    ),
    "inbox.reply.forbidden": (
        "'{role}' 역할은 이 일을 할 수 없습니다.",
        "The role '{role}' may not do this.",
    ),
    "inbox.reply.own": (
        "자기가 쓴 답변은 스스로 승인할 수 없습니다. 다른 관리자에게 맡겨 주세요.",
        "You cannot approve your own reply: ask another manager.",
    ),
    "inbox.reply.empty": (
        "답변 내용이 비어 있습니다.",
        "The reply is empty.",
    ),
    "inbox.reply.too_long": (
        "{channel}에는 {limit}자까지 보낼 수 있는데 답변이 {count}자입니다. 줄여 주세요.",
        "{channel} takes at most {limit} characters and the reply has {count}: shorten it.",
    ),
    "inbox.reply.media": (
        "{channel} 답변으로 보낼 수 없는 내용이 있습니다: {problem}.",
        "The reply cannot go to {channel} as it is: {problem}.",
    ),
    "inbox.reply.banned": (
        "운영 정책에서 금지한 표현이 들어 있습니다: {words}. 고쳐서 다시 보내 주세요.",
        "The reply uses words the operating policy bans: {words}. Change them and send again.",
    ),
    "inbox.reply.no_parent": (
        "이 대화에는 답할 고객 메시지가 없습니다.",
        "This conversation has no customer message to answer.",
    ),
    "inbox.note.empty": (
        "메모 내용이 비어 있습니다.",
        "The note is empty.",
    ),
    "inbox.reply.transport.platform": ("플랫폼으로 보냄", "sent through the platform"),
    "inbox.reply.transport.pull": (
        "고객이 다음에 받아 갈 때 전달",
        "delivered when the customer's channel picks it up",
    ),
    "inbox.reply.transport.record": (
        "받은편지함에만 기록(보낼 플랫폼 없음)",
        "recorded in the inbox only (no platform to send it to)",
    ),
    "inbox.reply.reason.cannot_tell": (
        "보내는 중에 멈췄고, 플랫폼에서 나갔는지 확인할 수 없습니다. 플랫폼에서 확인한 뒤 다시 "
        "보내거나 그대로 두세요.",
        "Sending stopped half-way and the platform cannot tell whether it went out: check on "
        "the platform, then send it again or leave it.",
    ),
    "inbox.reply.reason.too_many_attempts": (
        "여러 번 보내 보았지만 나가지 않았습니다. 플랫폼 상태를 확인해 주세요.",
        "It did not go out after several attempts: check the platform.",
    ),
    "inbox.reply.reason.profile_gone": (
        "이 대화의 프로필이 연결 해제되었습니다. 프로필을 다시 연결해 주세요.",
        "The conversation's profile is no longer connected: connect it again.",
    ),
    "inbox.reply.reason.needs_reauth": (
        "프로필의 인증이 만료되었습니다. 프로필을 다시 연결한 뒤 다시 보내 주세요.",
        "The profile's sign-in expired: connect it again, then send the reply again.",
    ),
    "inbox.reply.reason.rejected": (
        "승인자가 반려했습니다: {detail}",
        "The approver rejected it: {detail}",
    ),
    "inbox.moderation.unsupported": (
        "{platform}에서는 댓글을 숨기거나 지울 수 없습니다.",
        "{platform} does not let us hide or delete a comment.",
    ),
    "inbox.moderation.unknown_message": (
        "메시지 '{message}'을(를) 찾을 수 없습니다.",
        "There is no message '{message}'.",
    ),
    "inbox.moderation.not_comment": (
        "숨기거나 지울 수 있는 것은 고객이 보낸 메시지뿐입니다.",
        "Only a message the customer sent can be hidden or deleted.",
    ),
    "inbox.moderation.failed": (
        "플랫폼이 숨기기를 거절했습니다: {detail}",
        "The platform refused to hide it: {detail}",
    ),
    "inbox.notice.reply_waiting": (
        "{author}님의 답변이 승인을 기다립니다: {preview}",
        "A reply by {author} is waiting for approval: {preview}",
    ),
    "inbox.notice.reply_rejected": (
        "{approver}님이 답변을 반려했습니다: {preview}",
        "{approver} rejected your reply: {preview}",
    ),
    "inbox.notice.reply_failed": (
        "답변을 보내지 못했습니다: {preview}",
        "A reply could not be sent: {preview}",
    ),
}

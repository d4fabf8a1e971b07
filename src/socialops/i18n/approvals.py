"""Messages of post approvals, bulk scheduling and best times (:mod:`socialops.publish.approvals`,
:mod:`socialops.publish.bulk`, :mod:`socialops.publish.besttime`), and the labels of the plan
policy's publishing fields. Errors are raised as :class:`socialops.errors.PublishError`; a bulk
row set aside is in the imports quarantine with a ``quarantine.reason.*`` and a coded
``quarantine.detail.*`` (the platform limits' details reuse the publish messages' words)."""

from __future__ import annotations

from socialops.i18n.composer import MESSAGES as _COMPOSER
from socialops.i18n.publish import MESSAGES as _PUBLISH

# what a bulk row can break that the composer, the media library or a platform's limits
# already say in words: the quarantine's detail is ``quarantine.detail.bulk.<that code>``
MIRRORED = (
    "publish.too_long",
    "publish.empty",
    "publish.too_many_media",
    "publish.media_required",
    "publish.media_type",
    "publish.alt_required",
    "composer.banned",
    "link.bad_target",
    "media.unknown",
    "media.not_image",
    "media.too_large",
    "media.too_many_pixels",
    "media.alt_too_long",
)

MESSAGES: dict[str, tuple[str, str]] = {
    # review: errors
    "approvals.cannot_write": (
        "역할 '{role}'은(는) 게시물을 쓸 수 없습니다. 관리자에게 역할 변경을 요청해 주세요.",
        "The role '{role}' may not write posts: ask an owner for another role.",
    ),
    "approvals.unknown_group": (
        "게시물 묶음 '{group}'이(가) 없습니다. 게시 대기열을 확인해 주세요.",
        "There is no post group '{group}': check the publish queue.",
    ),
    "approvals.nothing_to_submit": (
        "게시물 묶음 '{group}'에 검토를 요청할 초안이 없습니다.",
        "The post group '{group}' has no draft to send for review.",
    ),
    "approvals.not_in_review": (
        "게시물 묶음 '{group}'은(는) 검토 중이 아닙니다. 이미 승인·반려되었는지 확인해 주세요.",
        "The post group '{group}' is not in review: it may have been approved or rejected.",
    ),
    "approvals.forbidden": (
        "역할 '{role}'은(는) 게시물을 승인하거나 반려할 수 없습니다. 소유자나 매니저에게 "
        "요청해 주세요.",
        "The role '{role}' may not approve or reject posts: ask an owner or a manager.",
    ),
    "approvals.own_post": (
        "{who}님이 쓰거나 검토를 요청한 게시물은 직접 승인할 수 없습니다. 다른 승인자에게 "
        "요청해 주세요.",
        "{who} wrote or submitted this post and may not approve it: ask another approver.",
    ),
    "approvals.already_approved": (
        "{who}님은 이미 승인했습니다. 두 번째 승인은 다른 사람이 해야 합니다.",
        "{who} has approved it already: the second approval must come from someone else.",
    ),
    "approvals.comment_required": (
        "반려 사유를 적어 주세요 (무엇을 고쳐야 하는지).",
        "Say why it is rejected (what to change) in a comment.",
    ),
    "approvals.comment_too_long": (
        "의견이 너무 깁니다 (최대 {limit}자).",
        "The comment is too long (at most {limit} characters).",
    ),
    # review: notifications
    "approvals.notice.submitted": (
        "{actor}님이 게시물 {count}건의 검토를 요청했습니다: {preview}",
        "{actor} asks for a review of {count} posts: {preview}",
    ),
    "approvals.notice.approved": (
        "{actor}님이 승인했습니다. 예약대로 게시됩니다: {preview}",
        "{actor} approved it; it goes out as scheduled: {preview}",
    ),
    "approvals.notice.approved_partly": (
        "{actor}님이 승인했습니다 ({count}/{needed}). 승인이 더 필요합니다: {preview}",
        "{actor} approved it ({count} of {needed}); it needs another approval: {preview}",
    ),
    "approvals.notice.rejected": (
        "{actor}님이 반려했습니다: {comment} — 고친 뒤 다시 검토를 요청해 주세요: {preview}",
        "{actor} rejected it: {comment} — change it and submit it again: {preview}",
    ),
    "approvals.notice.comment": (
        "{actor}님의 의견: {comment} ({preview})",
        "{actor} commented: {comment} ({preview})",
    ),
    "approvals.decision.submit": ("검토 요청", "submitted"),
    "approvals.decision.approve": ("승인", "approved"),
    "approvals.decision.reject": ("반려", "rejected"),
    "approvals.decision.comment": ("의견", "comment"),
    "publish.reason.rejected_in_review": (
        "검토에서 반려되었습니다: {detail}",
        "Rejected in review: {detail}",
    ),
    # the plan policy's publishing fields (plan edit form)
    "approvals.policy.title": ("게시 승인", "Post approval"),
    "approvals.policy.publish_approvals": ("게시 전 승인", "Approvals before publishing"),
    "approvals.policy.publish_approvals.0": (
        "승인 없이 게시 (아래 역할만, 그 밖의 역할은 1명 승인)",
        "None for the roles below (others need one approver)",
    ),
    "approvals.policy.publish_approvals.1": ("승인자 1명", "One approver"),
    "approvals.policy.publish_approvals.2": ("서로 다른 승인자 2명", "Two different approvers"),
    "approvals.policy.direct_roles": ("바로 게시할 수 있는 역할", "Roles that publish directly"),
    "approvals.role.owner": ("소유자", "owner"),
    "approvals.role.manager": ("매니저", "manager"),
    "approvals.role.agent": ("상담원", "agent"),
    "approvals.role.analyst": ("분석가", "analyst"),
    # bulk scheduling
    "bulk.missing_columns": (
        "'{file}'에 필요한 열이 없습니다: {missing}. 필요한 열: profile(프로필), time(시간), "
        "text(내용); 선택: media(이미지), alt(대체텍스트), link(링크), plan(계획).",
        "'{file}' lacks the columns {missing}. Needed: profile, time, text; optional: media, "
        "alt, link, plan (Korean headers work too).",
    ),
    "bulk.no_rows": (
        "'{file}'에 예약할 행이 없습니다.",
        "'{file}' has no rows to schedule.",
    ),
    "quarantine.reason.unknown_profile": ("알 수 없는 프로필", "Unknown profile"),
    "quarantine.reason.bad_time": ("읽을 수 없는 시간", "Unreadable time"),
    "quarantine.reason.past_time": ("지난 시간", "Time already passed"),
    "quarantine.reason.over_limit": ("채널 한도 초과", "Breaks the channel's limits"),
    "quarantine.reason.banned_word": ("금칙어", "Banned word"),
    "quarantine.reason.missing_alt": ("대체 텍스트 없음", "No alt text"),
    "quarantine.reason.bad_media": ("찾을 수 없는 이미지", "Image not found"),
    "quarantine.reason.unknown_plan": ("알 수 없는 계획", "Unknown plan"),
    "quarantine.reason.bad_link": ("잘못된 링크", "Not a link"),
    "quarantine.reason.not_allowed": ("게시할 수 없는 행", "Cannot be posted"),
    "quarantine.detail.bulk_unknown_profile": (
        "프로필 '{value}'이(가) 없습니다. 연결된 프로필 이름을 써 주세요.",
        "There is no profile '{value}': use the name of a connected profile.",
    ),
    "quarantine.detail.bulk_bad_time": (
        "시간 '{value}'을(를) 읽을 수 없습니다. 예: 2026-12-24 12:30 또는 2026-12-24T12:30+09:00.",
        "Cannot read the time '{value}'. Example: 2026-12-24 12:30 or 2026-12-24T12:30+09:00.",
    ),
    "quarantine.detail.bulk_past_time": (
        "시간 '{value}'은(는) 이미 지났습니다. 앞으로의 시간을 써 주세요.",
        "The time '{value}' has passed: give a time to come.",
    ),
    "quarantine.detail.bulk_missing_alt": (
        "이미지 '{file}'에 대체 텍스트가 없습니다. alt(대체텍스트) 열에 써 주세요.",
        "The image '{file}' has no alt text: fill in the alt column.",
    ),
    "quarantine.detail.bulk_bad_media": (
        "이미지 '{value}'을(를) 찾을 수 없습니다 (파일 경로나 미디어 보관함 ID).",
        "Cannot find the image '{value}' (a file path or a media library id).",
    ),
    "quarantine.detail.bulk_unknown_plan": (
        "계획 '{value}'이(가) 없습니다. 계획 ID를 확인해 주세요.",
        "There is no plan '{value}': check the plan id.",
    ),
    # best times and queue slots
    "besttime.bad_slot": (
        "게시 슬롯 '{value}'을(를) 읽을 수 없습니다. 예: 'tue 12:30' 또는 '화 12:30'.",
        "Cannot read the queue slot '{value}'. Example: 'tue 12:30' or '화 12:30'.",
    ),
    "besttime.source.own": (
        "이 프로필에서 게시한 글 {posts}건의 반응 기준",
        "From the engagement of {posts} posts published by this profile",
    ),
    "besttime.source.imported": (
        "게시 이력이 {own}건뿐이라 가져온 '{channel}' 채널 지표 {posts}건 기준",
        "This profile has only {own} published posts: from {posts} imported '{channel}' posts",
    ),
    "besttime.source.none": (
        "추천할 만한 게시 이력이 없습니다. 게시하거나 채널 지표를 가져오면 추천합니다.",
        "No history to suggest from yet: publish, or import the channel's post metrics.",
    ),
    "besttime.method": (
        "요일·시간대별 평균 반응을 게시물 5건 분량만큼 전체 평균 쪽으로 줄여(경험적 베이즈) "
        "게시물이 적은 시간대가 우연히 1위가 되지 않게 했습니다.",
        "Mean engagement per weekday and hour, shrunk toward the overall mean by a prior worth "
        "5 posts (empirical Bayes), so an hour with one lucky post does not come first.",
    ),
    **{f"quarantine.detail.bulk.{k}": {**_PUBLISH, **_COMPOSER}[k] for k in MIRRORED},
}

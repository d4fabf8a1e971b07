"""Publishing's messages: profiles, the publish queue, the worker and the platforms' answers
(raised as :class:`socialops.errors.PublishError`; ``publish.reason.*`` name why a post waits or
failed)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "profile.unknown": (
        "프로필 '{name}'이(가) 없습니다. 연결된 프로필 목록을 확인해 주세요.",
        "There is no profile '{name}': check the list of connected profiles.",
    ),
    "profile.unknown_platform": (
        "'{platform}' 플랫폼은 지원하지 않습니다. 지원 플랫폼: {known}.",
        "The platform '{platform}' is not supported. Supported: {known}.",
    ),
    "profile.name_required": (
        "프로필 이름을 입력해 주세요.",
        "Give the profile a name.",
    ),
    "profile.bad_zone": (
        "시간대 '{zone}'을(를) 알 수 없습니다. 예: Asia/Seoul.",
        "Unknown time zone '{zone}'. Example: Asia/Seoul.",
    ),
    "profile.missing_settings": (
        "{platform} 프로필에 필요한 항목이 빠졌습니다: {keys}.",
        "A {platform} profile needs: {keys}.",
    ),
    "profile.exists": (
        "이름 '{name}'은(는) 이미 {platform} 프로필이 쓰고 있습니다. 다른 이름을 정해 주세요.",
        "The name '{name}' is taken by a {platform} profile: choose another name.",
    ),
    "profile.has_posts": (
        "프로필 '{name}'에 아직 나가지 않은 게시물 {count}건이 있습니다. 먼저 취소해 주세요.",
        "The profile '{name}' still has {count} posts waiting: cancel them first.",
    ),
    "profile.secret_key": (
        "저장된 인증 정보를 풀 수 없습니다. 비밀 키가 바뀌었습니다. "
        "원래 키를 되돌리거나 프로필을 다시 연결해 주세요.",
        "The stored credentials cannot be decrypted: the secret key changed. Restore the "
        "original key or connect the profile again.",
    ),
    "profile.needs_reauth": (
        "다시 인증 필요: 플랫폼이 인증 정보를 거부했습니다. 프로필을 다시 연결해 주세요.",
        "Needs re-authorisation: the platform refused the credentials. Connect the profile again.",
    ),
    "profile.status.active": ("정상", "active"),
    "profile.status.needs_reauth": ("다시 인증 필요", "needs re-authorisation"),
    "profile.paused": ("일시 중지", "paused"),
    "publish.paused_all": (
        "모든 게시가 일시 중지되어 있습니다. 재개해야 예약 게시물이 나갑니다.",
        "All publishing is paused: nothing goes out until it is resumed.",
    ),
    "publish.no_profile": (
        "게시할 프로필을 하나 이상 지정해 주세요.",
        "Name at least one profile to publish to.",
    ),
    "publish.too_long": (
        "{profile}: 글이 너무 깁니다 ({count}자, 최대 {limit}자). 줄여 주세요.",
        "{profile}: the text is too long ({count} characters, at most {limit}). Shorten it.",
    ),
    "publish.empty": (
        "{profile}: 글이나 이미지가 있어야 합니다.",
        "{profile}: a post needs text or an image.",
    ),
    "publish.too_many_media": (
        "{profile}: 이미지가 너무 많습니다 ({count}개, 최대 {limit}개).",
        "{profile}: too many images ({count}, at most {limit}).",
    ),
    "publish.media_required": (
        "{profile}: 이 채널은 이미지가 있어야 게시할 수 있습니다.",
        "{profile}: this channel needs an image.",
    ),
    "publish.media_type": (
        "{profile}: '{type}' 형식의 파일은 올릴 수 없습니다. JPEG·PNG·GIF·WebP 이미지를 써 주세요.",
        "{profile}: files of type '{type}' cannot be posted: use JPEG, PNG, GIF or WebP.",
    ),
    "publish.alt_required": (
        "{profile}: 이미지 '{file}'에 대체 텍스트를 넣어 주세요 (시각장애인 이용자가 읽습니다).",
        "{profile}: add alt text to the image '{file}' (screen-reader users read it).",
    ),
    "publish.bad_time": (
        "게시 시각 '{value}'을(를) 읽을 수 없습니다. 예: 2026-12-24T12:30.",
        "Cannot read the time '{value}'. Example: 2026-12-24T12:30.",
    ),
    "publish.unknown_post": (
        "게시물 '{post_id}'이(가) 없습니다. 게시 대기열을 확인해 주세요.",
        "There is no post '{post_id}': check the publish queue.",
    ),
    "publish.bad_state": (
        "게시물 '{post_id}'은(는) 지금 상태({state})에서 바꿀 수 없습니다.",
        "The post '{post_id}' cannot be changed in its state ({state}).",
    ),
    "publish.bad_url": (
        "게시한 주소 '{url}'이(가) 올바르지 않습니다. "
        "http:// 또는 https://로 시작하는 주소를 넣어 주세요.",
        "'{url}' is not a URL: give the address of the published post (http:// or https://).",
    ),
    # states of a post to publish
    "publish.state.draft": ("초안", "draft"),
    "publish.state.in_review": ("검토 중", "in review"),
    "publish.state.scheduled": ("예약됨", "scheduled"),
    "publish.state.publishing": ("게시 중", "publishing"),
    "publish.state.published": ("게시됨", "published"),
    "publish.state.failed": ("실패", "failed"),
    "publish.state.unknown": ("확인 중", "checking"),
    "publish.state.cancelled": ("취소됨", "cancelled"),
    "publish.state.task": ("수동 게시 할 일", "manual task"),
    # why a post waits or failed (the connectors' Resolution codes)
    "publish.reason.ok": ("정상", "ok"),
    "publish.reason.exists": ("이미 게시되어 있음", "already published"),
    "publish.reason.found": ("플랫폼에서 확인됨", "found on the platform"),
    "publish.reason.network": (
        "플랫폼에 연결하지 못했습니다 ({detail}). 게시 여부를 확인한 뒤 다시 시도합니다.",
        "Could not reach the platform ({detail}); it is checked before the next try.",
    ),
    "publish.reason.rate_limited": (
        "플랫폼의 요청 한도에 걸렸습니다. 허용 시각 이후 다시 시도합니다.",
        "The platform's rate limit was reached; tried again when it allows.",
    ),
    "publish.reason.expired_token": (
        "로그인이 만료되어 다시 로그인합니다.",
        "The session expired; signing in again.",
    ),
    "publish.reason.auth": (
        "플랫폼이 인증 정보를 거부했습니다 ({detail}). 프로필을 다시 연결해 주세요.",
        "The platform refused the credentials ({detail}): connect the profile again.",
    ),
    "publish.reason.needs_reauth": (
        "프로필을 다시 인증해야 게시됩니다.",
        "Waits until the profile is re-authorised.",
    ),
    "publish.reason.server": (
        "플랫폼 서버 오류({detail}). 잠시 뒤 다시 시도합니다.",
        "The platform's server failed ({detail}); tried again later.",
    ),
    "publish.reason.rejected": (
        "플랫폼이 게시물을 거부했습니다: {detail}",
        "The platform refused the post: {detail}",
    ),
    "publish.reason.unexpected": (
        "예상하지 못한 오류({detail}). 게시 여부를 확인한 뒤 다시 시도합니다.",
        "Unexpected error ({detail}); checked on the platform before the next try.",
    ),
    "publish.reason.manual": ("사람이 직접 게시할 할 일", "a task for a person to publish"),
    # the CLI
    "publish.cli.connected": (
        "프로필 '{name}' 연결됨 ({platform}, {handle}).",
        "Profile '{name}' connected ({platform}, {handle}).",
    ),
    "publish.cli.removed": ("프로필 '{name}'을(를) 지웠습니다.", "Profile '{name}' removed."),
    "publish.cli.paused": ("'{name}' 게시를 일시 중지했습니다.", "Publishing to '{name}' paused."),
    "publish.cli.resumed": ("'{name}' 게시를 재개했습니다.", "Publishing to '{name}' resumed."),
    "publish.cli.paused_all": ("모든 프로필의 게시를 일시 중지했습니다.", "All publishing paused."),
    "publish.cli.resumed_all": ("모든 프로필의 게시를 재개했습니다.", "All publishing resumed."),
    "publish.cli.no_profiles": (
        "연결된 프로필이 없습니다. 먼저 프로필을 연결해 주세요.",
        "No profile is connected yet: connect one first.",
    ),
    "publish.cli.no_posts": ("게시 대기열이 비어 있습니다.", "The publish queue is empty."),
    "publish.cli.queued": (
        "게시물 {count}건을 예약했습니다 (묶음 {group_id}).",
        "{count} posts queued (group {group_id}).",
    ),
    "publish.cli.worker_done": (
        "게시 {published}건, 확인 후 게시 처리 {reconciled}건, 수동 할 일 {tasks}건, "
        "대기 {waiting}건, 실패 {failed}건, 확인 중 {unknown}건.",
        "{published} published, {reconciled} found already published, {tasks} manual tasks, "
        "{waiting} waiting, {failed} failed, {unknown} being checked.",
    ),
    "publish.cli.password_stdin": (
        "앱 비밀번호를 표준 입력으로 넣어 주세요 (예: echo 비밀번호 | ...).",
        "Pipe the app password on standard input.",
    ),
    "publish.cli.token_stdin": (
        "액세스 토큰을 표준 입력으로 넣어 주세요 (예: echo 토큰 | ...).",
        "Pipe the access token on standard input.",
    ),
    "publish.cli.secrets_stdin": (
        "인증 정보를 표준 입력으로 한 줄에 하나씩 KEY=VALUE로 넣어 주세요 "
        "(예: access_token=…, refresh_token=…).",
        "Pipe the credentials on standard input, one KEY=VALUE a line "
        "(e.g. access_token=…, refresh_token=…).",
    ),
    "publish.cli.bad_pair": (
        "{what}의 {line}번째 항목이 KEY=VALUE 형식이 아닙니다. 고쳐서 다시 실행해 주세요.",
        "Item {line} of {what} is not KEY=VALUE: fix it and run again.",
    ),
    "profile.missing_secrets": (
        "{platform} 프로필에 필요한 인증 정보가 빠졌습니다: {keys}.",
        "A {platform} profile needs these credentials: {keys}.",
    ),
    "publish.cli.bad_variant": (
        "변형 '{value}'이(가) 프로필=내용 형식이 아닙니다.",
        "The variant '{value}' is not PROFILE=TEXT.",
    ),
    "publish.cli.no_slots": ("예약 슬롯 없음", "no queue slots"),
    "publish.cli.next_slot": ("다음 빈 슬롯: {when}", "Next free slot: {when}"),
    "publish.cli.no_best_times": (
        "아직 추천할 시간이 없습니다: 게시 성과 데이터가 더 필요합니다.",
        "No best times yet: more engagement data is needed.",
    ),
    "publish.cli.posts_n": ("게시물 {n}건", "{n} posts"),
    "publish.weekday.0": ("월", "Mon"),
    "publish.weekday.1": ("화", "Tue"),
    "publish.weekday.2": ("수", "Wed"),
    "publish.weekday.3": ("목", "Thu"),
    "publish.weekday.4": ("금", "Fri"),
    "publish.weekday.5": ("토", "Sat"),
    "publish.weekday.6": ("일", "Sun"),
    "publish.cli.review.approve": (
        "묶음 {group_id}을(를) 승인했습니다.",
        "Group {group_id} approved.",
    ),
    "publish.cli.review.reject": (
        "묶음 {group_id}을(를) 반려했습니다 (작성자에게 초안으로 돌아갑니다).",
        "Group {group_id} rejected (back to its author as drafts).",
    ),
    "publish.cli.review.add_comment": (
        "묶음 {group_id}에 의견을 남겼습니다.",
        "Comment added to group {group_id}.",
    ),
    "publish.cli.imported": (
        "{rows}행 중 {scheduled}건 예약, {quarantined}건 격리(사유는 격리 목록에서 확인).",
        "{rows} rows: {scheduled} scheduled, {quarantined} quarantined (see the quarantine "
        "for why).",
    ),
    "publish.cli.limited": (
        "플랫폼 요청 한도: {when}까지 이 프로필의 게시물이 기다립니다 (그 뒤 자동으로 보냅니다).",
        "Platform rate limit: this profile's posts wait until {when} (then go out by themselves).",
    ),
    "publish.cli.token_expires": (
        "토큰 만료: {when} (갱신할 수 있으면 그 전에 자동으로 갱신합니다).",
        "Token expires: {when} (refreshed before then where the platform allows).",
    ),
    "cli.publish_name_or_all": (
        "프로필 이름을 주거나 --all로 모든 프로필을 지정해 주세요.",
        "Name a profile, or use --all for every profile.",
    ),
    "publish.cli.no_tasks": ("직접 게시할 할 일이 없습니다.", "No manual publish tasks."),
}

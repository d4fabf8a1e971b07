"""Messages of the YouTube, LinkedIn and Naver Cafe connectors: the reasons
(``publish.reason.<code>``) only they give, and YouTube's limit problems (a video, a title line,
a description counted in bytes)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "publish.reason.quota": (
        "플랫폼의 하루 할당량을 다 썼습니다 ({detail}). 할당량이 초기화되면 다시 시도합니다.",
        "The platform's daily quota is used up ({detail}); tried again when it resets.",
    ),
    "publish.reason.video_required": (
        "YouTube에는 동영상이 있어야 게시됩니다. 커뮤니티 글은 API가 없으니 "
        "수동 프로필로 올려 주세요.",
        "YouTube needs a video; community posts have no API: post them through a manual profile.",
    ),
    "publish.reason.unconfirmed": (
        "보낸 뒤 응답을 받지 못해 게시 여부를 알 수 없습니다 ({detail}). "
        "카페에서 직접 확인한 뒤 게시 주소로 확정하거나 다시 게시해 주세요.",
        "The answer was lost after sending, so whether it went out is unknown ({detail}): "
        "check the cafe, then confirm it with its URL or publish it again.",
    ),
    "publish.reason.api_version": (
        "LinkedIn이 이 API 버전을 더 이상 받지 않습니다 ({detail}). "
        "프로필 설정 api_version을 최근 버전(YYYYMM)으로 바꿔 주세요.",
        "LinkedIn no longer accepts this API version ({detail}): set the profile's "
        "api_version to a recent one (YYYYMM).",
    ),
    "publish.reason.cafe_spam": (
        "카페의 금칙어·스팸 차단으로 글이 스팸 보관함으로 옮겨졌습니다. "
        "카페 운영진에게 확인해 주세요.",
        "The cafe's banned-word and spam filter moved the article to its spam box: ask the "
        "cafe's managers.",
    ),
    "publish.reason.cafe_denied": (
        "이 게시판에 글을 쓸 수 없습니다 ({detail}). 카페 등급·게시판 권한을 확인해 주세요.",
        "This board does not take the account's articles ({detail}): check the member's "
        "level and the board's permissions in the cafe.",
    ),
    "publish.video_required": (
        "{profile}: 동영상 파일이 하나 있어야 합니다 (YouTube 커뮤니티 글은 API가 없습니다).",
        "{profile}: attach one video (YouTube community posts have no API).",
    ),
    "publish.video_type": (
        "{profile}: '{type}' 형식은 올릴 수 없습니다. MP4·MOV·WebM 등 동영상 파일을 써 주세요.",
        "{profile}: files of type '{type}' cannot be uploaded: use a video (MP4, MOV, WebM ...).",
    ),
    "publish.title_too_long": (
        "{profile}: 첫 줄(제목)이 너무 깁니다 ({count}자, 최대 {limit}자). 줄여 주세요.",
        "{profile}: the first line (the title) is too long ({count} characters, at most "
        "{limit}). Shorten it.",
    ),
    "publish.too_many_bytes": (
        "{profile}: 설명이 너무 깁니다 ({count}바이트, 최대 {limit}바이트, 한글은 글자당 3바이트). "
        "줄여 주세요.",
        "{profile}: the description is too long ({count} bytes, at most {limit}; a Hangul "
        "character is 3 bytes). Shorten it.",
    ),
}

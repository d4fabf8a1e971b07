"""The platform connectors' own messages: the reasons (``publish.reason.<code>``) that the HTTP
connectors (:mod:`socialops.connectors.oauth`) give beyond publishing's common ones, and the
limit problems only some platforms have (Instagram's hashtag count)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "publish.reason.token_expired": (
        "액세스 토큰이 만료되었습니다 ({detail}). 프로필을 다시 연결해 주세요.",
        "The access token expired ({detail}): connect the profile again.",
    ),
    "publish.reason.permission": (
        "앱에 필요한 권한이 없습니다 ({detail}). 권한을 모두 허용하며 프로필을 다시 연결해 주세요.",
        "The app lacks a permission it needs ({detail}): connect the profile again and "
        "grant every permission asked for.",
    ),
    "publish.reason.duplicate": (
        "플랫폼이 최근 게시물과 같은 내용이라며 거부했습니다. 문구를 바꿔 다시 예약해 주세요.",
        "The platform refused it as a duplicate of a recent post: change the text and "
        "schedule it again.",
    ),
    "publish.reason.policy": (
        "플랫폼이 정책 위반으로 게시를 막았습니다 ({detail}). 플랫폼의 안내를 확인해 주세요.",
        "The platform blocked the post for a policy reason ({detail}): read its notice.",
    ),
    "publish.reason.media_processing": (
        "플랫폼이 아직 이미지를 처리하고 있습니다. 잠시 뒤 다시 확인합니다.",
        "The platform is still processing the image; checked again shortly.",
    ),
    "publish.reason.media_failed": (
        "플랫폼이 이미지를 처리하지 못했습니다 ({detail}). 다른 이미지(JPEG)로 바꿔 주세요.",
        "The platform could not process the image ({detail}): use another image (JPEG).",
    ),
    "publish.reason.media_url": (
        "이미지를 공개 주소로 내보낼 수 없습니다. 프로필 설정 media_base_url에 "
        "인터넷에서 열리는 https 주소를 넣어 주세요.",
        "The image has no public address: set the profile's media_base_url to an https "
        "address that the internet can open.",
    ),
    "publish.reason.cannot_delete": (
        "이 플랫폼의 API로는 게시물을 지울 수 없습니다 ({detail}). 앱에서 직접 지워 주세요.",
        "This platform's API cannot delete posts ({detail}): delete it in the app.",
    ),
    "publish.too_many_hashtags": (
        "{profile}: 해시태그가 너무 많습니다 ({count}개, 최대 {limit}개). 줄여 주세요.",
        "{profile}: too many hashtags ({count}, at most {limit}). Remove some.",
    ),
}

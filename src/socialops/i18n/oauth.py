"""Connecting a profile through the platform's consent page (OAuth)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "oauth.unsupported": (
        "'{platform}'은(는) 동의 화면으로 연결할 수 없습니다 ({known}만 가능). "
        "토큰을 직접 입력해 연결해 주세요.",
        "'{platform}' cannot be connected through its consent page (only {known}): connect it "
        "with its tokens instead.",
    ),
    "oauth.no_client": (
        "이 서버에 {platform} 앱이 등록되어 있지 않습니다. 관리자가 {variable} 환경 변수에 앱의 "
        "클라이언트 ID를 넣어야 합니다.",
        "No {platform} app is set up on this server: the administrator must put the app's "
        "client id in the environment variable {variable}.",
    ),
    "oauth.unknown_state": (
        "이 연결 요청을 찾을 수 없습니다 (이미 끝났거나 다른 서버에서 시작했습니다). "
        "프로필 연결을 처음부터 다시 해 주세요.",
        "This connect request is unknown (finished already, or started elsewhere): connect the "
        "profile again from the start.",
    ),
    "oauth.expired": (
        "연결 요청이 {minutes}분을 넘겨 만료되었습니다. 처음부터 다시 해 주세요.",
        "The connect request expired after {minutes} minutes: start again.",
    ),
    "oauth.denied": (
        "플랫폼에서 연결을 허용하지 않았습니다 ({detail}). 다시 시도하려면 처음부터 연결해 주세요.",
        "The platform did not allow the connection ({detail}): start again to retry.",
    ),
    "audit.action.profile.oauth_begin": (
        "프로필 연결 시작 (플랫폼 동의 화면)",
        "Profile connect begun (the platform's consent page)",
    ),
    "audit.detail.via": ("방법", "via"),
}

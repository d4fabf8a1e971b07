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
    "oauthweb.title": ("플랫폼 동의 화면으로 연결", "Connect through the platform's consent page"),
    "oauthweb.help": (
        "플랫폼에 로그인해 socialops의 게시 권한을 허용하면 돌아와서 프로필이 연결됩니다. "
        "토큰은 암호화해 저장하고 만료 전에 자동으로 갱신합니다.",
        "Sign in on the platform and allow posting from this workspace; you come back here "
        "with the profile connected. Its tokens are stored encrypted and refreshed before they "
        "expire.",
    ),
    "oauthweb.settings": ("설정 (한 줄에 하나, KEY=VALUE)", "Settings (one KEY=VALUE a line)"),
    "oauthweb.settings_help": (
        "네이버 카페는 club_id와 menu_id, LinkedIn은 author(urn:li:person:… 또는 "
        "urn:li:organization:…)가 필요합니다.",
        "Naver Cafe needs club_id and menu_id; LinkedIn needs author (urn:li:person:… or "
        "urn:li:organization:…).",
    ),
    "oauthweb.button": ("플랫폼에서 허용하기", "Allow on the platform"),
    "oauthweb.tokens_title": ("토큰으로 연결", "Connect with tokens"),
    "oauthweb.tokens_help": (
        "Facebook 페이지, Instagram, Threads처럼 다른 곳에서 받은 토큰으로 연결합니다. "
        "연결 전에 플랫폼에 확인합니다.",
        "For tokens made elsewhere (a Facebook Page, Instagram, Threads ...): checked with the "
        "platform before the profile is saved.",
    ),
    "oauthweb.secrets": (
        "인증 정보 (한 줄에 하나, KEY=VALUE: access_token=…, refresh_token=…)",
        "Credentials (one KEY=VALUE a line: access_token=…, refresh_token=…)",
    ),
    "oauthweb.secrets_help": (
        "인증 정보는 암호화해 저장하며 화면, 로그, API 어디에도 다시 보여 주지 않습니다.",
        "Credentials are stored encrypted and never shown again: not on a page, in a log or "
        "by the API.",
    ),
    "oauthweb.platform.x": ("X", "X"),
    "oauthweb.platform.facebook": ("Facebook 페이지", "Facebook Page"),
    "oauthweb.platform.instagram": ("Instagram (비즈니스)", "Instagram (business)"),
    "oauthweb.platform.threads": ("Threads", "Threads"),
    "oauthweb.platform.youtube": ("YouTube", "YouTube"),
    "oauthweb.platform.linkedin": ("LinkedIn", "LinkedIn"),
    "oauthweb.platform.naver-cafe": ("네이버 카페", "Naver Cafe"),
}

"""Korean and English text of the web workspace (Korean by default), and locale formatting."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

__all__ = ["LANGS", "MESSAGES", "fmt_number", "fmt_time", "pick_lang", "t"]

LANGS = ("ko", "en")

MESSAGES: dict[str, dict[str, str]] = {
    # errors
    "error.unauthenticated": {
        "ko": "로그인이 필요합니다. 다시 로그인해 주세요.",
        "en": "Please sign in: your session is missing or has expired.",
    },
    "error.bad_credentials": {
        "ko": "이메일 또는 비밀번호가 올바르지 않습니다.",
        "en": "Wrong e-mail or password.",
    },
    "error.throttled": {
        "ko": "로그인 시도가 너무 많습니다. {minutes}분 후에 다시 시도해 주세요.",
        "en": "Too many failed sign-ins: try again in {minutes} minutes.",
    },
    "error.forbidden": {
        "ko": "이 작업을 할 권한이 없습니다 (역할: {role}).",
        "en": "Your role ({role}) may not do this.",
    },
    "error.csrf": {
        "ko": "보안 토큰이 맞지 않습니다. 페이지를 새로 고친 뒤 다시 시도해 주세요.",
        "en": "The form's security token does not match: reload the page and try again.",
    },
    "error.unknown_workspace": {
        "ko": "워크스페이스 '{workspace}'를 찾을 수 없습니다.",
        "en": "There is no workspace '{workspace}' you are a member of.",
    },
    "error.not_found": {"ko": "페이지를 찾을 수 없습니다.", "en": "Not found."},
    "error.invalid": {"ko": "입력이 올바르지 않습니다: {detail}", "en": "Invalid input: {detail}"},
    "error.too_large": {
        "ko": "파일이 너무 큽니다 (최대 {limit} MB).",
        "en": "The file is too large (at most {limit} MB).",
    },
    "error.bad_request": {"ko": "{detail}", "en": "{detail}"},
    "error.server": {
        "ko": "서버 오류가 발생했습니다. 잠시 후 다시 시도해 주세요.",
        "en": "Something went wrong on the server: try again shortly.",
    },
    # chrome
    "app.title": {"ko": "socialops", "en": "socialops"},
    "nav.dashboard": {"ko": "대시보드", "en": "Dashboard"},
    "nav.posts": {"ko": "게시물 탐색", "en": "Posts"},
    "nav.topics": {"ko": "토픽", "en": "Topics"},
    "nav.data": {"ko": "데이터", "en": "Data"},
    "nav.reports": {"ko": "리포트", "en": "Reports"},
    "nav.members": {"ko": "사용자와 역할", "en": "Users and roles"},
    "nav.audit": {"ko": "감사 로그", "en": "Audit log"},
    "nav.account": {"ko": "내 계정", "en": "My account"},
    "nav.sign_out": {"ko": "로그아웃", "en": "Sign out"},
    "login.title": {"ko": "로그인", "en": "Sign in"},
    "login.email": {"ko": "이메일", "en": "E-mail"},
    "login.password": {"ko": "비밀번호", "en": "Password"},
    "login.submit": {"ko": "로그인", "en": "Sign in"},
    "login.signed_out": {"ko": "로그아웃되었습니다.", "en": "You are signed out."},
    "lang.switch": {"ko": "English", "en": "한국어"},
}


def t(key: str, lang: str, **params: Any) -> str:
    """The message ``key`` in ``lang`` (Korean when missing), with ``params`` filled in."""
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry["ko"]
    return text.format(**params) if params else text


def pick_lang(accept_language: str | None, cookie: str | None = None) -> str:
    """``cookie`` when it names a language, else the first of ko/en in Accept-Language, else
    Korean."""
    if cookie in LANGS:
        return str(cookie)
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGS:
            return code
    return "ko"


def fmt_number(value: float | int | None, lang: str, digits: int = 0) -> str:
    """Thousands separators (the same in ko and en), ``digits`` decimals."""
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def fmt_time(value: datetime | str | None, tz: str, lang: str) -> str:
    """A moment in the user's zone: ``2026년 11월 26일 14:05`` / ``2026-11-26 14:05``."""
    if value is None or value == "":
        return "–"
    dt = datetime.fromisoformat(value) if isinstance(value, str) else value
    if dt.tzinfo is not None:
        dt = dt.astimezone(ZoneInfo(tz))
    if lang == "ko":
        return f"{dt.year}년 {dt.month}월 {dt.day}일 {dt:%H:%M}"
    return f"{dt:%Y-%m-%d %H:%M}"

"""Inbound hooks' messages: the KakaoTalk chatbot skill and the web chat endpoint (refusals with
their HTTP status in :mod:`socialops.errors`, the automatic first answer Kakao users read, what
``profiles connect kakao|webchat`` prints)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "hook.unauthorised": (
        "인증되지 않은 요청입니다: 비밀 헤더 또는 서명이 맞지 않습니다.",
        "Unauthorised: the secret header or the signature does not match.",
    ),
    "hook.stale": (
        "서명의 시각이 허용 범위({window}초)를 벗어났습니다. 서버 시계를 확인해 주세요.",
        "The signature's timestamp is outside the allowed window ({window} s): check the "
        "sender's clock.",
    ),
    "hook.replayed": (
        "이미 처리한 요청입니다 (같은 nonce). 새 요청마다 새 nonce를 보내 주세요.",
        "This request was seen before (same nonce): send a new nonce with every request.",
    ),
    "hook.too_large": (
        "요청 본문이 너무 큽니다 (최대 {limit} KB).",
        "The request body is too large (at most {limit} KB).",
    ),
    "hook.malformed": (
        "요청을 읽을 수 없습니다: {detail}",
        "The request cannot be read: {detail}",
    ),
    "hook.unknown": (
        "이 주소에 연결된 채널이 없습니다.",
        "No channel is connected at this address.",
    ),
    "hook.origin": (
        "이 사이트에서는 채팅을 보낼 수 없습니다 (허용된 출처가 아님).",
        "Chat cannot be sent from this site (not an allowed origin).",
    ),
    "hook.kakao.welcome": (
        "문의가 접수되었습니다 (접수 번호 {case}). 상담 시간({hours}) 안에 담당자가 "
        "이 대화방으로 답변드리겠습니다. 아래 '답변 확인'을 누르시면 도착한 답변을 보실 수 "
        "있습니다.",
        "We have your message (case {case}). A person will answer here within business hours "
        "({hours}). Tap 'Check for an answer' to see it once it has arrived.",
    ),
    "hook.kakao.ack": (
        "메시지를 담당자에게 전달했습니다 (접수 번호 {case}).",
        "Your message was passed on to the person handling case {case}.",
    ),
    "hook.kakao.none_yet": (
        "아직 답변이 도착하지 않았습니다 (접수 번호 {case}). 조금만 기다려 주세요.",
        "No answer yet (case {case}): please bear with us a little longer.",
    ),
    "hook.kakao.check": ("답변 확인", "Check for an answer"),
    "hook.kakao.hours_default": ("평일 09:00-18:00", "weekdays 09:00-18:00"),
    "hook.cli.connected": (
        "{platform} 수신 주소를 만들었습니다: {url}\n헤더 {header}: {secret}\n"
        "(이 비밀 값은 다시 표시되지 않습니다. 채널 설정에 그대로 붙여 넣으세요.)",
        "{platform} endpoint created: {url}\nHeader {header}: {secret}\n"
        "(the secret is not shown again: paste it into the channel's settings now.)",
    ),
    "hook.cli.signing": (
        "서버 간 전송 서명 키 ({header}): {secret}",
        "Server-to-server signing key ({header}): {secret}",
    ),
    "publish.reason.hook_secret": (
        "수신 주소의 비밀 값이 없거나 너무 짧습니다. 다시 연결해 주세요.",
        "The endpoint's secret is missing or too short: connect it again.",
    ),
}

"""Inbound hooks: ``/hooks/kakao/{ws}/{profile}`` (the KakaoTalk chatbot skill) and
``/hooks/webchat/{ws}/{profile}`` (a website's chat widget or contact form).

No session, no CSRF token: a hook is authenticated by its profile's shared secret header
(compared with :func:`hmac.compare_digest`) or, for a web chat's server, an HMAC signature with a
one-time nonce. Every refusal is a clear 4xx in one JSON shape and stores nothing: unknown
workspace or profile 404, wrong or missing secret 401, a browser on a site not allowed 403, a body
over :data:`HOOK_BODY` 413 (its declared length checked, then the bytes counted as they arrive:
nothing past the limit is read), malformed JSON 400, a replayed nonce or callback 409.

``{profile}`` is the profile's id (what ``profiles connect kakao|webchat`` prints; renaming the
profile does not break the address). The message is received synchronously — the answer tells
the sender it is stored — in a worker thread, so the event loop keeps serving."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from socialops.connectors.core import Connector
from socialops.connectors.kakao import HOOK_HEADER, HookConnector
from socialops.connectors.profiles import Profile, build_connector, get_profile
from socialops.connectors.webchat import WebchatConnector
from socialops.domain.instants import now_iso
from socialops.engage.kakao import CALLBACK_WAIT_S, answer_skill, parse_skill
from socialops.engage.webchat import (
    SIGNATURE_HEADER,
    cors_headers,
    parse_chat,
    post_chat,
    remember_nonce,
    session_messages,
    verify_signature,
)
from socialops.errors import EngageError, PublishError
from socialops.i18n import pick_lang
from socialops.store.workspace import Workspace

__all__ = ["HOOK_BODY", "router"]

router = APIRouter()

HOOK_BODY = 64 * 2**10  # a skill request is a few KB; a chat message at most 4,000 characters
TARGET_TTL_S = 10.0  # seconds a profile's secrets are kept in memory (a re-connect takes effect)
# the hooks' refusals that errors.py does not map yet
_STATUS = {"hook.stale": 401, "hook.origin": 403, "hook.unknown": 404}


@dataclass(frozen=True)
class _Target:
    ws: Workspace
    profile: Profile
    connector: Connector


class _Refused(Exception):
    def __init__(self, error: EngageError) -> None:
        super().__init__(error.code)
        self.error = error


def _lang(request: Request) -> str:
    return pick_lang(request.headers.get("accept-language"), None)


def _refusal(
    request: Request, exc: EngageError, headers: dict[str, str] | None = None
) -> JSONResponse:
    status = _STATUS.get(exc.code, exc.http_status)
    body = {"error": {"status": status, "code": exc.code, "message": exc.text(_lang(request))}}
    return JSONResponse(body, status_code=status, headers=headers)


def _find(request: Request, slug: str, profile: str, platform: str) -> _Target:
    """The workspace and profile a hook's address names (``hook.unknown`` otherwise), kept for
    :data:`TARGET_TTL_S` so a busy channel does not decrypt its secret on every message."""
    cache: dict[tuple[str, str, str], tuple[float, _Target]] = getattr(
        request.app.state, "hook_targets", {}
    )
    request.app.state.hook_targets = cache
    key = (slug, profile, platform)
    hit = cache.get(key)
    if hit is not None and time.monotonic() - hit[0] < TARGET_TTL_S:
        return hit[1]
    if request.app.state.accounts.workspace_name(slug) is None:
        raise EngageError("hook.unknown")
    ws = request.app.state.services.workspace(slug)
    try:
        found = get_profile(ws, profile)
    except PublishError as exc:
        raise EngageError("hook.unknown") from exc
    if found.platform != platform or found.profile_id != profile:
        raise EngageError("hook.unknown")
    target = _Target(ws, found, build_connector(ws, found))
    cache[key] = (time.monotonic(), target)
    return target


async def _body(request: Request) -> bytes:
    """The body, at most :data:`HOOK_BODY` bytes: a larger declared length is refused before
    anything is read, and the count stops the read as soon as it passes the limit."""
    too_large = EngageError("hook.too_large", limit=HOOK_BODY // 2**10)
    length = request.headers.get("content-length", "")
    if length and (not length.isdigit() or int(length) > HOOK_BODY):
        raise _Refused(too_large)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > HOOK_BODY:
            raise _Refused(too_large)
        chunks.append(chunk)
    return b"".join(chunks)


def _json(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise EngageError("hook.malformed", detail="JSON") from exc


# -- KakaoTalk ------------------------------------------------------------------------------------
@router.post("/hooks/kakao/{ws}/{profile}", include_in_schema=False)
async def kakao_skill(request: Request, ws: str, profile: str) -> Response:
    """A Kakao i Open Builder skill call → the v2.0 answer (module docstring: the refusals)."""
    try:
        target = await run_in_threadpool(_find, request, ws, profile, "kakao")
        connector = target.connector
        assert isinstance(connector, HookConnector)
        if not connector.accepts(request.headers.get(HOOK_HEADER)):
            raise EngageError("hook.unauthorised")
        req = parse_skill(_json(await _body(request)))
        bot = connector.settings.get("bot_id", "")
        if bot and req.bot_id != bot:
            raise EngageError("hook.unauthorised")
        answer = await run_in_threadpool(
            answer_skill,
            target.ws,
            target.profile.profile_id,
            req,
            now_iso(),
            callback_hosts=connector.settings.get("callback_hosts", ""),
            wait_s=_wait_s(connector.settings.get("callback_wait_s", "")),
        )
    except _Refused as exc:
        return _refusal(request, exc.error, {"Connection": "close"})
    except EngageError as exc:
        return _refusal(request, exc)
    return JSONResponse(answer)


def _wait_s(value: str) -> float:
    """The profile's ``callback_wait_s`` (0 to 55 s: a callbackUrl is valid for 60), else
    :data:`~socialops.engage.kakao.CALLBACK_WAIT_S`."""
    try:
        return min(max(float(value), 0.0), 55.0) if value else CALLBACK_WAIT_S
    except ValueError:
        return CALLBACK_WAIT_S


# -- web chat -------------------------------------------------------------------------------------
def _webchat(target: _Target) -> WebchatConnector:
    connector = target.connector
    assert isinstance(connector, WebchatConnector)
    return connector


def _browser_check(request: Request, connector: WebchatConnector) -> dict[str, str]:
    """The widget's key and, from a browser, an allowed origin; the CORS headers to answer."""
    origin = request.headers.get("origin")
    cors = cors_headers(origin, connector.origins())
    if not connector.accepts(request.headers.get(HOOK_HEADER)):
        raise EngageError("hook.unauthorised")
    if origin and not cors:
        raise EngageError("hook.origin")
    return cors


@router.post("/hooks/webchat/{ws}/{profile}", include_in_schema=False)
async def webchat_post(request: Request, ws: str, profile: str) -> Response:
    """A visitor's message: 201 stored, 200 the same ``message_id`` again (stored once)."""
    cors: dict[str, str] = {}
    try:
        target = await run_in_threadpool(_find, request, ws, profile, "webchat")
        connector = _webchat(target)
        signed = SIGNATURE_HEADER in request.headers
        if not signed:
            cors = _browser_check(request, connector)
        body = await _body(request)
        now = datetime.now(UTC)
        nonce = verify_signature(connector, request.headers, body, now) if signed else ""
        post = parse_chat(_json(body))
        if nonce:
            await run_in_threadpool(
                remember_nonce, target.ws, target.profile.profile_id, nonce, now
            )
        result = await run_in_threadpool(post_chat, target.ws, target.profile.profile_id, post)
    except _Refused as exc:
        return _refusal(request, exc.error, {**cors, "Connection": "close"})
    except EngageError as exc:
        return _refusal(request, exc, cors)
    return JSONResponse(result, status_code=201 if result["created"] else 200, headers=cors)


@router.get("/hooks/webchat/{ws}/{profile}", include_in_schema=False)
async def webchat_messages(
    request: Request, ws: str, profile: str, session: str = "", after: str = ""
) -> Response:
    """The session's messages (the visitor's and the agents' replies) for the widget."""
    cors: dict[str, str] = {}
    try:
        target = await run_in_threadpool(_find, request, ws, profile, "webchat")
        cors = _browser_check(request, _webchat(target))
        found = await run_in_threadpool(
            session_messages, target.ws, target.profile.profile_id, session, after[:40]
        )
    except EngageError as exc:
        return _refusal(request, exc, cors)
    return JSONResponse(found, headers={**cors, "Cache-Control": "no-store"})


@router.options("/hooks/webchat/{ws}/{profile}", include_in_schema=False)
async def webchat_preflight(request: Request, ws: str, profile: str) -> Response:
    """CORS preflight: allowed only for the profile's origins."""
    try:
        target = await run_in_threadpool(_find, request, ws, profile, "webchat")
    except EngageError as exc:
        return _refusal(request, exc)
    cors = cors_headers(request.headers.get("origin"), _webchat(target).origins())
    if not cors:
        return _refusal(request, EngageError("hook.origin"))
    return Response(status_code=204, headers=cors)

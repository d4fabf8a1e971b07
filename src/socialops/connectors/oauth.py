"""What the HTTP connectors (X, Facebook Pages, Instagram, Threads, YouTube, LinkedIn, ...) share:
an ``httpx`` client with timeouts, one translation of an HTTP answer or a transport error into a
:class:`~socialops.connectors.core.Resolution`, and the OAuth 2 refresh-token grant. (The base
class over these is :mod:`socialops.connectors.http_base`; what only the Meta connectors share
is :mod:`socialops.connectors.meta`.)

The translation (only the scheduler acts on it):

- 429, Meta's rate-limit error codes (4, 17, 32, 613, 80001-80014) → ``rate_limited`` with the
  platform's own delay: ``Retry-After`` (seconds or an HTTP date), ``x-rate-limit-reset`` (X:
  epoch seconds) or ``estimated_time_to_regain_access`` of Meta's
  ``X-Business-Use-Case-Usage`` (minutes). Meta's ``X-App-Usage`` gives percentages of a rolling
  hour and no time: then :data:`META_WAIT_S`. No header at all: :data:`DEFAULT_WAIT_S`.
- 5xx, Meta's transient codes (1, 2) → ``retry`` ``server``.
- timeouts and connection errors → ``retry`` ``network``: ambiguous (the request may have been
  carried out), so the scheduler reconciles with ``find`` before it sends again.
- 401 / an invalid access token → ``refresh_auth`` ``expired_token`` when the connector can
  refresh, else ``disconnect`` ``auth``; Meta's code 190 (token invalid, expired or revoked —
  a Meta token cannot be refreshed once it has expired) → ``disconnect``.
- a refused refresh token (``invalid_grant``, ``invalid_client`` ...) → ``disconnect`` ``auth``.
- a missing permission (Meta codes 10 and 200-299, X's ``client-forbidden``) → ``disconnect``
  ``permission``.
- other 4xx → ``fail`` ``rejected`` with the platform's message (``duplicate`` and ``policy``
  where the platform says so).
"""

from __future__ import annotations

import html
import json
import re
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from socialops import __version__
from socialops.connectors.core import ConnectorFailure, Resolution

__all__ = [
    "DEFAULT_TIMEOUT",
    "DEFAULT_WAIT_S",
    "META_WAIT_S",
    "checked",
    "client",
    "comparable",
    "error_message",
    "expires_at",
    "refresh_oauth2",
    "resolve_http",
    "resolve_response",
    "retry_after",
]

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
#: the wait after a 429 that named no time
DEFAULT_WAIT_S = 60.0
#: the wait after a Meta rate-limit error with no ``estimated_time_to_regain_access``
META_WAIT_S = 600.0
NETWORK_WAIT_S = 30.0
SERVER_WAIT_S = 60.0
_META_RATE_CODES = frozenset({4, 17, 32, 613}) | frozenset(range(80001, 80015))
_META_PERMISSION_CODES = frozenset({10}) | frozenset(range(200, 300))
_LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_OAUTH_REVOKED = frozenset(
    {"invalid_grant", "invalid_client", "unauthorized_client", "access_denied", "invalid_scope"}
)


def client(
    base_url: str = "",
    *,
    token: str | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
) -> httpx.Client:
    """An ``httpx`` client for one platform: timeouts, our User-Agent, ``Authorization: Bearer``
    when ``token`` is given, no redirects followed."""
    h = {"User-Agent": f"socialops/{__version__}", "Accept": "application/json"}
    if token:
        h["Authorization"] = f"Bearer {token}"
    h.update(headers or {})
    return httpx.Client(base_url=base_url, headers=h, timeout=timeout, follow_redirects=False)


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except (ValueError, UnicodeDecodeError):
        return None


def error_message(response: httpx.Response) -> str:
    """The platform's own words about a failed answer (Meta's ``error.message``, OAuth's
    ``error_description``, X's ``detail``/``errors[].message``), at most 300 characters."""
    body = _json(response)
    msg = ""
    if isinstance(body, dict):
        err = body.get("error")
        if isinstance(err, dict):
            msg = str(err.get("error_user_msg") or err.get("message") or "")
        elif isinstance(err, str):
            msg = str(body.get("error_description") or err)
        if not msg:
            msg = str(body.get("detail") or body.get("title") or body.get("message") or "")
        errors = body.get("errors")
        if not msg and isinstance(errors, list) and errors and isinstance(errors[0], dict):
            msg = str(errors[0].get("message") or errors[0].get("detail") or "")
    if not msg:
        msg = response.text.strip() or response.reason_phrase
    return f"{response.status_code} {msg}".strip()[:300]


def _seconds_until(value: str, now: float) -> float | None:
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)


def _meta_regain(response: httpx.Response) -> float | None:
    """Meta's ``estimated_time_to_regain_access`` (minutes), the largest over every business
    use case of ``X-Business-Use-Case-Usage`` (and the Ad Account header), in seconds."""
    waits: list[float] = []
    for name in ("x-business-use-case-usage", "x-ad-account-usage"):
        raw = response.headers.get(name)
        if not raw:
            continue
        try:
            doc = json.loads(raw)
        except ValueError:
            continue
        entries: list[Any] = []
        if isinstance(doc, dict):
            for v in doc.values():
                entries.extend(v if isinstance(v, list) else [v])
            entries.append(doc)
        for e in entries:
            if isinstance(e, dict) and isinstance(
                e.get("estimated_time_to_regain_access"), int | float
            ):
                waits.append(float(e["estimated_time_to_regain_access"]) * 60.0)
    return max(waits) if waits else None


def retry_after(response: httpx.Response, now: float | None = None) -> float | None:
    """How long the platform asked us to wait, in seconds (``None``: it did not say):
    ``Retry-After``, X's ``x-rate-limit-reset`` (epoch seconds) when nothing remains, or Meta's
    ``estimated_time_to_regain_access``."""
    at = time.time() if now is None else now
    raw = response.headers.get("retry-after")
    if raw:
        got = _seconds_until(raw, at)
        if got is not None:
            return got
    reset = response.headers.get("x-rate-limit-reset")
    remaining = response.headers.get("x-rate-limit-remaining")
    if reset and (response.status_code == 429 or remaining == "0"):
        try:
            return max(0.0, float(reset) - at)
        except ValueError:
            pass
    return _meta_regain(response)


def _graph(err: Mapping[str, Any], response: httpx.Response, message: str) -> Resolution | None:
    code = err.get("code")
    if not isinstance(code, int):
        return None
    sub = err.get("error_subcode")
    if code == 190 or code == 102:
        reason = "token_expired" if sub == 463 else "auth"
        return Resolution("disconnect", reason, detail=message)
    if code in _META_PERMISSION_CODES:
        return Resolution("disconnect", "permission", detail=message)
    if code in _META_RATE_CODES:
        wait = retry_after(response)
        return Resolution(
            "rate_limited", "rate_limited", META_WAIT_S if wait is None else wait, message
        )
    if code in (1, 2) or err.get("is_transient") is True:
        return Resolution("retry", "server", SERVER_WAIT_S, message)
    if code == 368:
        return Resolution("fail", "policy", detail=message)
    if code == 506:
        return Resolution("fail", "duplicate", detail=message)
    if code == 9007 or sub == 2207027:  # Instagram: the media container is not ready yet
        return Resolution("retry", "media_processing", 10.0, message)
    return None


def resolve_response(response: httpx.Response, *, can_refresh: bool = False) -> Resolution:
    """A platform's HTTP answer → what to do about it (``ok`` for a 2xx)."""
    status = response.status_code
    if response.is_success:
        return Resolution("ok")
    message = error_message(response)
    body = _json(response)
    err = body.get("error") if isinstance(body, dict) else None
    if isinstance(err, dict):
        graph = _graph(err, response, message)
        if graph is not None:
            return graph
    if isinstance(err, str):
        if err in _OAUTH_REVOKED:
            return Resolution("disconnect", "auth", detail=message)
        if err == "invalid_token":
            status = 401
    lowered = message.lower()
    if status == 429:
        wait = retry_after(response)
        return Resolution(
            "rate_limited", "rate_limited", DEFAULT_WAIT_S if wait is None else wait, message
        )
    if status == 401:
        if can_refresh:
            return Resolution("refresh_auth", "expired_token", detail=message)
        return Resolution("disconnect", "auth", detail=message)
    if status == 403:
        if "duplicate" in lowered:
            return Resolution("fail", "duplicate", detail=message)
        problem = str(body.get("type") or "") if isinstance(body, dict) else ""
        if "client-forbidden" in problem or "scope" in lowered or "permission" in lowered:
            return Resolution("disconnect", "permission", detail=message)
    if status == 408:
        return Resolution("retry", "network", NETWORK_WAIT_S, message)
    if status >= 500:
        return Resolution("retry", "server", retry_after(response) or SERVER_WAIT_S, message)
    return Resolution("fail", "rejected", detail=message)


def resolve_http(exc: BaseException, *, can_refresh: bool = False) -> Resolution:
    """An exception from an ``httpx`` call (or a :class:`ConnectorFailure`) → what to do."""
    if isinstance(exc, ConnectorFailure):
        return exc.resolution
    if isinstance(exc, httpx.HTTPStatusError):
        return resolve_response(exc.response, can_refresh=can_refresh)
    if isinstance(exc, httpx.TimeoutException | httpx.NetworkError | httpx.RemoteProtocolError):
        return Resolution("retry", "network", NETWORK_WAIT_S, type(exc).__name__)
    if isinstance(exc, httpx.TransportError):
        return Resolution("retry", "network", NETWORK_WAIT_S, type(exc).__name__)
    return Resolution("retry", "unexpected", SERVER_WAIT_S, type(exc).__name__)


def checked(response: httpx.Response, *, can_refresh: bool = False) -> Any:
    """The JSON body of a successful answer (``{}`` when empty); raises
    :class:`ConnectorFailure` with the answer's :class:`Resolution` otherwise."""
    if not response.is_success:
        raise ConnectorFailure(resolve_response(response, can_refresh=can_refresh))
    if not response.content:
        return {}
    body = _json(response)
    if body is None:
        raise ConnectorFailure(
            Resolution("retry", "unexpected", SERVER_WAIT_S, "not JSON: " + response.text[:100])
        )
    return body


def expires_at(expires_in: Any, now: datetime | None = None) -> str:
    """``expires_in`` seconds from ``now`` as an ISO UTC instant (``""`` when not a number)."""
    try:
        seconds = float(expires_in)
    except (TypeError, ValueError):
        return ""
    start = now if now is not None else datetime.now(UTC)
    return (start + timedelta(seconds=seconds)).astimezone(UTC).isoformat(timespec="seconds")


def refresh_oauth2(
    token_url: str,
    *,
    refresh_token: str,
    client_id: str,
    client_secret: str = "",
    extra: Mapping[str, str] | None = None,
    http: httpx.Client | None = None,
    now: datetime | None = None,
) -> dict[str, str]:
    """The OAuth 2 refresh-token grant (RFC 6749 §6): ``POST token_url`` → the new secrets
    ``access_token``, ``refresh_token`` (the old one when the server does not rotate it) and
    ``expires_at`` (ISO UTC, ``""`` when the server gave no ``expires_in``). A confidential
    client (``client_secret``) authenticates with HTTP Basic. Raises :class:`ConnectorFailure`:
    ``disconnect`` when the refresh token was refused, ``retry`` on network or server trouble."""
    if not refresh_token:
        raise ConnectorFailure(Resolution("disconnect", "auth", detail="no refresh_token"))
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": client_id}
    form.update(extra or {})
    auth = httpx.BasicAuth(client_id, client_secret) if client_secret else None
    own = http is None
    c = http if http is not None else client()
    try:
        response = c.post(token_url, data=form, auth=auth) if auth else c.post(token_url, data=form)
    except httpx.HTTPError as exc:
        raise ConnectorFailure(resolve_http(exc)) from exc
    finally:
        if own:
            c.close()
    if response.status_code in (400, 401):
        raise ConnectorFailure(Resolution("disconnect", "auth", detail=error_message(response)))
    body = checked(response)
    token = body.get("access_token") if isinstance(body, dict) else None
    if not token:
        raise ConnectorFailure(Resolution("retry", "unexpected", SERVER_WAIT_S, "no access_token"))
    return {
        "access_token": str(token),
        "refresh_token": str(body.get("refresh_token") or refresh_token),
        "expires_at": expires_at(body.get("expires_in"), now),
    }


# -- matching a post we sent (X, Meta) ------------------------------------------------------------


def comparable(text: str) -> str:
    """``text`` as a platform may give it back, reduced for matching a post we sent: HTML
    entities decoded (X escapes ``&<>``), every link removed (X rewrites them to ``t.co`` and
    appends one per image), whitespace collapsed."""
    return _SPACE.sub(" ", _LINK.sub(" ", html.unescape(text or ""))).strip()

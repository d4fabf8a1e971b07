"""Naver Cafe through Naver's cafe write API (a Naver Login, OAuth 2.0, open API), with a thin
``httpx`` client; tested with recorded answers (``respx``): Naver has no local server.

``POST https://openapi.naver.com/v1/cafe/{club_id}/menu/{menu_id}/articles`` with the fields
``subject`` (the text's first line, the title) and ``content`` (the whole text as HTML: lines
joined with ``<br>``, ``<``/``>``/``&`` escaped); images as repeated multipart ``image`` parts
placed in the article with ``<img src='#0'>`` ... The profile's settings are ``club_id`` (the
number in the cafe's ``clubid=`` URLs) and ``menu_id`` (the board; product boards are refused).

The encoding, checked against the API reference and its samples: Naver wants each field's value
*percent-encoded UTF-8* ("UTF-8로 encode 후 MS949로 재 encode를 수행한 값"). The Java sample
does ``URLEncoder.encode(URLEncoder.encode(s, "UTF-8"), "MS949")``: the second pass runs over
plain ASCII (``%EC%95...``), so MS949 never touches a Korean byte and only ``%`` becomes ``%25``.
The server undoes the form encoding and then percent-decodes the value once more. So here:

- without images the body is ``application/x-www-form-urlencoded`` whose values are
  :func:`field` (``quote(text, safe="")``, UTF-8) form-encoded once more: ``%25EC%2595...``
  (exactly the Java sample's bytes; a ``%`` or ``+`` in the text survives, which the single
  encoding of the Python sample would lose);
- with images the body is ``multipart/form-data`` and a text part carries :func:`field` as is
  (multipart does not encode), as the multipart samples do.

Exactly once, and what is and is not guaranteed: the cafe API has no idempotency key and no way
to read a board's articles back, so :meth:`NaverCafeConnector.find` can only answer from the
article id this connector object remembers from ``publish``; otherwise ``None``. A post is
therefore never *sent* again after an ambiguous failure: a timeout or broken connection after
the request went out becomes ``fail`` ``unconfirmed`` (the post stays visibly unconfirmed and a
person checks the cafe and confirms it, or publishes it again); only failures that prove nothing
was written (a connection that never opened, 429, Naver's quota, 5xx, refused auth) are retried.
Not guaranteed: a worker that dies after Naver accepted the article and before the answer was
stored leaves a post the scheduler cannot check.

Tokens expire after an hour and are refreshed at ``nid.naver.com/oauth2.0/token``
(``grant_type=refresh_token``; Naver answers refusals with HTTP 200 and an ``error`` field).
Naver's error code ``024`` (authentication failed) asks for a refresh; a refused refresh token
disconnects the profile."""

from __future__ import annotations

import html
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

import httpx

from socialops.connectors import oauth
from socialops.connectors.core import (
    ConnectorFailure,
    Identity,
    OutgoingPost,
    PlatformLimits,
    Published,
    Resolution,
)
from socialops.connectors.http_base import HttpConnector
from socialops.connectors.registry import REGISTRY

__all__ = ["NaverCafeConnector", "content_html", "field", "form_body", "title_of"]

API = "https://openapi.naver.com"
TOKEN_URL = "https://nid.naver.com/oauth2.0/token"
TITLE_MAX = 100
_SEOUL = ZoneInfo("Asia/Seoul")
#: Naver's codes for an exhausted daily quota and a per-second rate limit
_QUOTA_CODES = frozenset({"010"})
_RATE_CODES = frozenset({"012"})
#: cafe codes that say the member may not write on that board (a person must fix it in the cafe)
_DENIED = frozenset({"0005", "AP002", "AP003", "AP004", "AP006", "AP007", "AP008"})


def field(text: str) -> str:
    """A field value as Naver wants it: the UTF-8 bytes percent-encoded (``safe=""``)."""
    return quote(text, safe="", encoding="utf-8")


def form_body(fields: Mapping[str, str]) -> bytes:
    """The ``x-www-form-urlencoded`` body: every :func:`field` value form-encoded once more."""
    return urlencode({k: field(v) for k, v in fields.items()}).encode("ascii")


def title_of(text: str) -> str:
    """The article's title: the text's first non-empty line, at most :data:`TITLE_MAX`."""
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:TITLE_MAX]
    return ""


def content_html(text: str, images: int = 0) -> str:
    """The article's HTML: the text escaped, lines joined with ``<br>``, then the images."""
    body = "<br>".join(html.escape(line, quote=False) for line in text.splitlines())
    return body + "".join(f"<br><img src='#{i}' />" for i in range(images))


def _until_midnight_seoul(now: datetime | None = None) -> float:
    at = (now or datetime.now(UTC)).astimezone(_SEOUL)
    midnight = (at + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1.0, (midnight - at).total_seconds())


class NaverCafeConnector(HttpConnector):
    platform: ClassVar[str] = "naver-cafe"
    limits: ClassVar[PlatformLimits] = PlatformLimits(
        max_chars=None,
        max_media=20,
        media_types=("image/jpeg", "image/png", "image/gif"),
        max_media_bytes=10_000_000,
        alt_text=False,
    )
    settings_keys = ("club_id", "menu_id")
    secret_keys = ("access_token", "refresh_token", "client_id", "client_secret")

    api = API
    can_refresh = True

    def __init__(self, settings: Mapping[str, str], secrets: Mapping[str, str]) -> None:
        super().__init__(settings, secrets)
        self._articles: dict[str, Published] = {}

    def _call(self, method: str, path: str, *, written: bool = False, **kwargs: Any) -> Any:
        """One call; ``written``: the request may have written an article (its transport
        failures after sending are ambiguous)."""
        try:
            response = self._client().request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise ConnectorFailure(self._transport(exc, written)) from exc
        try:
            body = response.json()
        except ValueError:
            body = None
        if not response.is_success:
            raise ConnectorFailure(self._answer(response, body))
        if not isinstance(body, dict):
            raise ConnectorFailure(Resolution("retry", "unexpected", 60.0, "not JSON"))
        return body

    def check(self) -> Identity:
        me = self._call("GET", "/v1/nid/me")
        who = me.get("response") or {}
        return Identity(
            account_id=str(who.get("id") or ""),
            handle=str(who.get("nickname") or who.get("email") or who.get("id") or ""),
            display_name=str(who.get("name") or ""),
            permissions=("publish",),
        )

    # -- publishing ----------------------------------------------------------------------------
    def publish(self, post: OutgoingPost, key: str) -> Published:
        url = f"/v1/cafe/{self.settings['club_id']}/menu/{self.settings['menu_id']}/articles"
        fields = {
            "subject": title_of(post.text),
            "content": content_html(post.text, len(post.media)),
        }
        if post.media:
            files = []
            for i, m in enumerate(post.media):
                with open(m.path, "rb") as fh:
                    files.append(("image", (f"image{i}{_ext(m.mime)}", fh.read(), m.mime)))
            data = {k: field(v) for k, v in fields.items()}
            body = self._call("POST", url, written=True, data=data, files=files)
        else:
            body = self._call(
                "POST",
                url,
                written=True,
                content=form_body(fields),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
        result = (body.get("message") or {}).get("result") or {}
        article = result.get("articleId")
        if article is None:
            raise ConnectorFailure(Resolution("fail", "unconfirmed", detail=str(body)[:200]))
        done = Published(
            remote_id=str(article),
            url=str(
                result.get("articleUrl")
                or f"https://cafe.naver.com/{result.get('cafeUrl')}/{article}"
            ),
        )
        self._articles[key] = done
        return done

    def find(self, key: str, post: OutgoingPost | None = None) -> Published | None:
        """The article published under ``key`` by this connector object, or ``None``: Naver
        has no way to look an article up (see the module's docstring)."""
        return self._articles.get(key)

    def delete(self, remote_id: str) -> None:
        raise ConnectorFailure(
            Resolution("fail", "rejected", detail="the cafe API cannot delete articles")
        )

    # -- OAuth -----------------------------------------------------------------------------
    def expires_at(self) -> str | None:
        return self._secrets.get("expires_at") or None

    def refresh(self) -> dict[str, str]:
        """A new access token from Naver Login (the refresh token stays the same)."""
        refresh_token = self._secrets.get("refresh_token", "")
        if not refresh_token:
            raise ConnectorFailure(Resolution("disconnect", "auth", detail="no refresh_token"))
        form = {
            "grant_type": "refresh_token",
            "client_id": self._secrets.get("client_id", ""),
            "client_secret": self._secrets.get("client_secret", ""),
            "refresh_token": refresh_token,
        }
        with oauth.client() as c:
            try:
                response = c.post(TOKEN_URL, data=form)
            except httpx.HTTPError as exc:
                raise ConnectorFailure(oauth.resolve_http(exc)) from exc
        body = oauth.checked(response)
        if not isinstance(body, dict) or not body.get("access_token"):
            error = str(body.get("error") or "") if isinstance(body, dict) else ""
            detail = str(body.get("error_description") or error)[:300] if error else "no token"
            if error == "server_error" or not error:
                raise ConnectorFailure(Resolution("retry", "server", 60.0, detail))
            raise ConnectorFailure(Resolution("disconnect", "auth", detail=detail))
        return {
            "access_token": str(body["access_token"]),
            "refresh_token": str(body.get("refresh_token") or refresh_token),
            "expires_at": oauth.expires_at(body.get("expires_in")),
        }

    # -- errors → decisions ----------------------------------------------------------------
    def _transport(self, exc: httpx.HTTPError, written: bool) -> Resolution:
        sent = not isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
        if written and sent and isinstance(exc, httpx.TransportError):
            return Resolution("fail", "unconfirmed", detail=type(exc).__name__)
        return oauth.resolve_http(exc, can_refresh=True)

    def _answer(self, response: httpx.Response, body: Any) -> Resolution:
        """Naver's error answer → what to do. Gateway errors carry ``errorCode`` (or
        ``resultcode``), the cafe's own ``message.error.code``."""
        code, msg = "", ""
        if isinstance(body, dict):
            code = str(body.get("errorCode") or body.get("resultcode") or "")
            msg = str(body.get("errorMessage") or "")
            cafe = (body.get("message") or {}) if isinstance(body.get("message"), dict) else {}
            err = cafe.get("error") or {}
            if isinstance(err, dict) and err.get("code"):
                code, msg = str(err["code"]), str(err.get("msg") or "")
            elif not msg:
                msg = str(body.get("message") or "")
        detail = f"{response.status_code} {code} {msg}".strip()[:300]
        status = response.status_code
        if code == "024" or status == 401:
            return Resolution("refresh_auth", "expired_token", detail=detail)
        if code in _QUOTA_CODES:
            return Resolution("rate_limited", "quota", _until_midnight_seoul(), detail)
        if code in _RATE_CODES or status == 429:
            wait = oauth.retry_after(response) or oauth.DEFAULT_WAIT_S
            return Resolution("rate_limited", "rate_limited", wait, detail)
        if code == "AP005":
            return Resolution("fail", "cafe_spam", detail=detail)
        if code in _DENIED:
            return Resolution("fail", "cafe_denied", detail=detail)
        if code == "999" or status >= 500:
            return Resolution("retry", "server", 60.0, detail)
        return Resolution("fail", "rejected", detail=detail)

    def resolve(self, exc: BaseException) -> Resolution:
        if isinstance(exc, ConnectorFailure):
            return exc.resolution
        if isinstance(exc, httpx.HTTPError):
            return self._transport(exc, written=False)
        return Resolution("retry", "unexpected", 60.0, type(exc).__name__)


def _ext(mime: str) -> str:
    return {"image/png": ".png", "image/gif": ".gif"}.get(mime, ".jpg")


REGISTRY.add(NaverCafeConnector)

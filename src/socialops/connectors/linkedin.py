"""LinkedIn through its versioned REST API (the Posts API), with a thin ``httpx`` client
(:mod:`socialops.connectors.oauth`); tested with recorded answers (``respx``): LinkedIn has no
local server.

A profile posts as its ``author`` setting: a member (``urn:li:person:...``, scope
``w_member_social``) or an organisation page (``urn:li:organization:...``, scope
``w_organization_social``, the member must be a page admin). Every call sends the
``LinkedIn-Version`` header (``YYYYMM``; the ``api_version`` setting, :data:`DEFAULT_VERSION` by
default: LinkedIn answers 426 for a version it retired, which becomes ``fail`` ``api_version``).

Exactly once, and what is and is not guaranteed:

- LinkedIn takes no idempotency key. ``POST /rest/posts`` answers 201 with the new post's URN in
  the ``x-restli-id`` header; it refuses the same commentary from the same author again as a
  duplicate (422 ``DUPLICATE_POST``), which becomes ``ok`` ``exists``: the scheduler then looks
  the post up with :meth:`LinkedInConnector.find` instead of sending it again.
- :meth:`LinkedInConnector.find` reads the author's newest posts (``GET /rest/posts?q=author``,
  at most :data:`FIND_SCAN`, none created before the key's time when the key is a TID, less
  :data:`CLOCK_SKEW_S`) and matches the commentary exactly as it was sent. It needs the post's
  text (given, or remembered from ``publish`` by this connector object); without it it answers
  ``None``.
- Not guaranteed: a post deleted on LinkedIn meanwhile is not found; the oldest of several
  identical posts since the key's time is taken.

Commentary is LinkedIn's "little text": the reserved characters ``\\ | { } @ [ ] ( ) < > # * _ ~``
are escaped with a backslash (unescaped, LinkedIn cuts the post short at the first one), and
``#해시태그`` becomes LinkedIn's hashtag template. At most 3,000 characters. Images (at most 20,
JPEG/PNG/GIF) are uploaded first (``/rest/images?action=initializeUpload``, then ``PUT`` of the
bytes to the upload URL) and attached with their alt text. Tokens expire (60 days) and are
refreshed with the refresh-token grant (:class:`~socialops.connectors.core.CanRefresh`); a
revoked token (``REVOKED_ACCESS_TOKEN``) disconnects the profile. Rate limits are daily and reset
at midnight UTC: a 429 without ``Retry-After`` waits until then. Metrics: likes and comments
from ``/rest/socialActions/{urn}`` (LinkedIn does not give views or reposts there: ``None``)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import quote

import httpx

from socialops.connectors import oauth
from socialops.connectors.core import (
    ConnectorFailure,
    Identity,
    OutgoingPost,
    PlatformLimits,
    PostMetrics,
    Published,
    Resolution,
    tid_time,
)
from socialops.connectors.http_base import HttpConnector
from socialops.connectors.registry import REGISTRY

__all__ = ["DEFAULT_VERSION", "LinkedInConnector", "little_text"]

API = "https://api.linkedin.com"
TOKEN_URL = "https://www.linkedin.com/oauth/v2/accessToken"
#: the ``LinkedIn-Version`` sent when the profile's settings name none
DEFAULT_VERSION = "202610"
FIND_SCAN = 100
CLOCK_SKEW_S = 300.0
_RESERVED = re.compile(r"([\\|{}@\[\]()<>#*_~])")
_HASHTAG = re.compile(r"(?<![\w#])#(\w+)")


def little_text(text: str) -> str:
    """``text`` as LinkedIn's little-text commentary: reserved characters escaped, hashtags as
    ``{hashtag|\\#|태그}``."""
    out: list[str] = []
    pos = 0
    for m in _HASHTAG.finditer(text):
        out.append(_RESERVED.sub(r"\\\1", text[pos : m.start()]))
        out.append("{hashtag|\\#|" + _RESERVED.sub(r"\\\1", m.group(1)) + "}")
        pos = m.end()
    out.append(_RESERVED.sub(r"\\\1", text[pos:]))
    return "".join(out)


def _until_midnight_utc(now: datetime | None = None) -> float:
    at = now or datetime.now(UTC)
    midnight = (at + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1.0, (midnight - at).total_seconds())


class LinkedInConnector(HttpConnector):
    platform: ClassVar[str] = "linkedin"
    limits: ClassVar[PlatformLimits] = PlatformLimits(
        max_chars=3000,
        count="chars",
        max_media=20,
        media_types=("image/jpeg", "image/png", "image/gif"),
        max_media_bytes=10_000_000,
        alt_text=True,
    )
    settings_keys = ("author",)
    secret_keys = ("access_token", "refresh_token", "client_id", "client_secret")
    api = API
    can_refresh = True

    # -- session ------------------------------------------------------------------------------
    def _headers(self) -> Mapping[str, str]:
        return {
            "LinkedIn-Version": self.settings.get("api_version") or DEFAULT_VERSION,
            "X-Restli-Protocol-Version": "2.0.0",
        }

    def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One request → the answer; a failed one raises (LinkedIn's codes: :meth:`_answer`)."""
        response = self._send(method, path, **kwargs)
        if not response.is_success:
            raise ConnectorFailure(self._answer(response))
        return response

    def _json(self, method: str, url: str, **kw: Any) -> Any:
        response = self._call(method, url, **kw)
        try:
            return response.json() if response.content else {}
        except ValueError as exc:
            raise ConnectorFailure(
                Resolution("retry", "unexpected", 60.0, "not JSON: " + response.text[:100])
            ) from exc

    def check(self) -> Identity:
        me = self._json("GET", "/v2/userinfo")
        author = self.settings.get("author", "")
        return Identity(
            account_id=author or f"urn:li:person:{me.get('sub', '')}",
            handle=str(me.get("name") or me.get("email") or me.get("sub") or ""),
            display_name=str(me.get("name") or ""),
            permissions=("publish", "delete", "metrics"),
        )

    # -- publishing ----------------------------------------------------------------------------
    def _upload(self, path: str, alt: str, mime: str) -> dict[str, str]:
        body = {"initializeUploadRequest": {"owner": self.settings["author"]}}
        answer = self._json(
            "POST", "/rest/images", params={"action": "initializeUpload"}, json=body
        )
        value = answer.get("value") or {}
        with open(path, "rb") as fh:
            data = fh.read()
        self._call("PUT", str(value["uploadUrl"]), content=data, headers={"Content-Type": mime})
        return {"id": str(value["image"]), "altText": alt}

    @staticmethod
    def _url(urn: str) -> str:
        return f"https://www.linkedin.com/feed/update/{urn}/"

    def publish(self, post: OutgoingPost, key: str) -> Published:
        self._sent[key] = post
        body: dict[str, Any] = {
            "author": self.settings["author"],
            "commentary": little_text(post.text),
            "visibility": "PUBLIC",
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
        }
        images = [self._upload(m.path, m.alt, m.mime) for m in post.media]
        if len(images) == 1:
            body["content"] = {"media": images[0]}
        elif images:
            body["content"] = {"multiImage": {"images": images}}
        response = self._call("POST", "/rest/posts", json=body)
        urn = response.headers.get("x-restli-id", "")
        if not urn:
            raise ConnectorFailure(Resolution("retry", "unexpected", 60.0, "no x-restli-id"))
        return Published(remote_id=urn, url=self._url(urn))

    def find(self, key: str, post: OutgoingPost | None = None) -> Published | None:
        """The author's post with the commentary of ``post`` (or of what was published under
        ``key`` by this object), created since the key's time; ``None`` when there is none or
        the text is not known (see the module's docstring)."""
        wanted = self._wanted(key, post)
        if wanted is None:
            return None
        commentary = little_text(wanted.text)
        made = tid_time(key)
        since_ms = (made.timestamp() - CLOCK_SKEW_S) * 1000 if made is not None else None
        match: dict[str, Any] | None = None
        start = 0
        while start < FIND_SCAN:
            page = self._json(
                "GET",
                "/rest/posts",
                params={
                    "author": self.settings["author"],
                    "q": "author",
                    "count": 50,
                    "start": start,
                    "sortBy": "CREATED",
                },
                headers={"X-RestLi-Method": "FINDER"},
            )
            elements = page.get("elements") or []
            for el in elements:
                created = el.get("createdAt")
                if since_ms is not None and isinstance(created, int) and created < since_ms:
                    return self._found(match)
                if el.get("commentary") in (commentary, wanted.text):
                    match = el  # newest first: the last match is the oldest
            if len(elements) < 50:
                break
            start += 50
        return self._found(match)

    def _found(self, el: dict[str, Any] | None) -> Published | None:
        return Published(str(el["id"]), self._url(str(el["id"]))) if el is not None else None

    def delete(self, remote_id: str) -> None:
        try:
            self._call(
                "DELETE",
                f"/rest/posts/{quote(remote_id, safe='')}",
                headers={"X-RestLi-Method": "DELETE"},
            )
        except ConnectorFailure as exc:
            if not exc.resolution.detail.startswith("404"):
                raise

    # -- metrics -------------------------------------------------------------------------------
    def metrics(self, remote_ids: Sequence[str]) -> dict[str, PostMetrics]:
        out: dict[str, PostMetrics] = {}
        for urn in remote_ids:
            try:
                got = self._json("GET", f"/rest/socialActions/{quote(urn, safe='')}")
            except ConnectorFailure as exc:
                if exc.resolution.detail.startswith("404"):
                    continue  # the post is gone
                raise
            likes = (got.get("likesSummary") or {}).get("totalLikes")
            comments = (got.get("commentsSummary") or {}).get("aggregatedTotalComments")
            out[urn] = PostMetrics(
                likes=int(likes) if likes is not None else None,
                replies=int(comments) if comments is not None else None,
            )
        return out

    # -- OAuth -----------------------------------------------------------------------------
    def expires_at(self) -> str | None:
        return self._secrets.get("expires_at") or None

    def refresh(self) -> dict[str, str]:
        """New secrets from LinkedIn's refresh-token grant (the client's id and secret in the
        form, as LinkedIn asks); ``disconnect`` when LinkedIn refuses the refresh token."""
        return oauth.refresh_oauth2(
            TOKEN_URL,
            refresh_token=self._secrets.get("refresh_token", ""),
            client_id=self._secrets.get("client_id", ""),
            extra={"client_secret": self._secrets.get("client_secret", "")},
        )

    # -- errors → decisions ----------------------------------------------------------------
    def _answer(self, response: httpx.Response) -> Resolution:
        """A LinkedIn error answer → what to do: LinkedIn's ``code`` and ``serviceErrorCode``
        first, then the shared HTTP rules (:func:`oauth.resolve_response`)."""
        try:
            body = response.json()
        except ValueError:
            body = {}
        code = str(body.get("code") or "") if isinstance(body, dict) else ""
        message = oauth.error_message(response)
        status = response.status_code
        if code == "REVOKED_ACCESS_TOKEN":
            return Resolution("disconnect", "auth", detail=message)
        if status == 401 or code in ("EXPIRED_ACCESS_TOKEN", "INVALID_ACCESS_TOKEN"):
            return Resolution("refresh_auth", "expired_token", detail=message)
        if status == 422 and ("DUPLICATE" in code or "duplicate" in message.lower()):
            return Resolution("ok", "exists", detail=message)
        if status == 426 or code == "NONEXISTENT_VERSION":
            return Resolution("fail", "api_version", detail=message)
        if status == 403:
            return Resolution("disconnect", "permission", detail=message)
        if status == 429:
            wait = oauth.retry_after(response) or _until_midnight_utc()
            return Resolution("rate_limited", "rate_limited", wait, message)
        return oauth.resolve_response(response, can_refresh=True)


REGISTRY.add(LinkedInConnector)

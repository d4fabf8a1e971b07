"""X (formerly Twitter) through the X API v2 with an OAuth 2 user-context token (scopes
``tweet.read tweet.write users.read media.write offline.access``), as a thin ``httpx`` client.

Exactly once, and what is and is not guaranteed:

- X has no idempotency key. :meth:`XConnector.publish` sends ``POST /2/tweets`` once; a lost
  answer (timeout, crash after send) is ambiguous, so the scheduler calls :meth:`XConnector.find`
  before it sends again.
- :meth:`XConnector.find` reads the account's own recent posts (``GET /2/users/:id/tweets``,
  newest first, at most :data:`FIND_SCAN`, none created before the key's time less
  :data:`CLOCK_SKEW_S` when the key is a :func:`~socialops.connectors.core.new_tid` TID) and
  matches the text with every link removed on both sides (X rewrites links to ``t.co`` and
  appends one per image) and HTML entities decoded. It needs the post's text: given as
  ``find(key, post)``, or remembered from a ``publish`` under that key by this connector object;
  without either it answers ``None``.
- X itself refuses a post whose text duplicates a recent one of the same account (403
  "duplicate content"): when that happens :meth:`XConnector.publish` looks the earlier post up
  and returns it instead of failing, so a blind resend of identical text cannot post twice.
- Not guaranteed: a post deleted in the meantime is not found; when the account posted the same
  text (links aside) more than once since the key's time, the oldest is taken.

Text is counted X's way (280 weighted: Hangul and other CJK 2, every URL 23). Images (at most 4,
5 MB each, alt text required) go up with ``POST /2/media/upload`` (base64 JSON body) and get
their alt text with ``POST /2/media/metadata``. Tokens expire after two hours: the connector is
:class:`~socialops.connectors.core.CanRefresh` (``POST /2/oauth2/token``; X rotates the refresh
token). Metrics: ``public_metrics`` of ``GET /2/tweets``."""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any, ClassVar

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

__all__ = ["API", "TOKEN_URL", "XConnector"]

API = "https://api.x.com"
TOKEN_URL = "https://api.x.com/2/oauth2/token"
#: how many of the account's newest posts :meth:`XConnector.find` reads at most
FIND_SCAN = 200
CLOCK_SKEW_S = 300.0
MAX_IMAGE_BYTES = 5_000_000


class XConnector(HttpConnector):
    platform: ClassVar[str] = "x"
    limits: ClassVar[PlatformLimits] = PlatformLimits(
        max_chars=280,
        count="x_weighted",
        max_media=4,
        media_types=("image/jpeg", "image/png", "image/gif", "image/webp"),
        max_media_bytes=MAX_IMAGE_BYTES,
        alt_text=True,
    )
    secret_keys = ("access_token", "refresh_token", "client_id")
    api = API
    can_refresh = True

    def __init__(self, settings: Mapping[str, str], secrets: Mapping[str, str]) -> None:
        super().__init__(settings, secrets)
        self._me: dict[str, Any] | None = None

    # -- session -------------------------------------------------------------------------------

    def _account(self) -> dict[str, Any]:
        if self._me is None:
            body = self._call("GET", "/2/users/me")
            self._me = dict(body.get("data") or {})
        return self._me

    def check(self) -> Identity:
        me = self._account()
        return Identity(
            account_id=str(me.get("id", "")),
            handle=str(me.get("username", "")),
            display_name=str(me.get("name", "")),
            permissions=("publish", "delete", "metrics"),
        )

    # -- publishing ----------------------------------------------------------------------------
    @staticmethod
    def _published(tweet_id: str) -> Published:
        return Published(remote_id=tweet_id, url=f"https://x.com/i/web/status/{tweet_id}")

    def _upload(self, path: str, mime: str, alt: str) -> str:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise ConnectorFailure(Resolution("fail", "rejected", detail=str(exc)[:200])) from exc
        if len(data) > MAX_IMAGE_BYTES:
            raise ConnectorFailure(
                Resolution("fail", "rejected", detail=f"{Path(path).name}: {len(data)} bytes")
            )
        body = self._call(
            "POST",
            "/2/media/upload",
            json={
                "media": base64.b64encode(data).decode("ascii"),
                "media_category": "tweet_image",
                "media_type": mime,
            },
        )
        media_id = str((body.get("data") or {}).get("id") or "")
        if not media_id:
            raise ConnectorFailure(Resolution("retry", "unexpected", 60.0, "no media id"))
        if alt.strip():
            self._call(
                "POST",
                "/2/media/metadata",
                json={"id": media_id, "metadata": {"alt_text": {"text": alt[:1000]}}},
            )
        return media_id

    def publish(self, post: OutgoingPost, key: str) -> Published:
        self._sent[key] = post
        media_ids = [self._upload(m.path, m.mime, m.alt) for m in post.media]
        payload: dict[str, Any] = {"text": post.text}
        if media_ids:
            payload["media"] = {"media_ids": media_ids}
        try:
            body = self._call("POST", "/2/tweets", json=payload)
        except ConnectorFailure as exc:
            if exc.resolution.code == "duplicate":
                earlier = self.find(key, post)
                if earlier is not None:
                    return earlier
            raise
        return self._published(str(body["data"]["id"]))

    def find(self, key: str, post: OutgoingPost | None = None) -> Published | None:
        """The post published under ``key``, found among the account's recent posts by its
        text (see the module's docstring for what this does and does not guarantee)."""
        wanted = self._wanted(key, post)
        if wanted is None:
            return None
        text = oauth.comparable(wanted.text)
        made = tid_time(key)
        params: dict[str, Any] = {
            "max_results": 100,
            "tweet.fields": "created_at,attachments",
            "exclude": "retweets,replies",
        }
        if made is not None:
            since = (made - timedelta(seconds=CLOCK_SKEW_S)).astimezone(UTC)
            params["start_time"] = since.strftime("%Y-%m-%dT%H:%M:%SZ")
        user_id = str(self._account().get("id", ""))
        match: str | None = None
        seen = 0
        while seen < FIND_SCAN:
            body = self._call("GET", f"/2/users/{user_id}/tweets", params=params)
            for tweet in body.get("data") or []:
                seen += 1
                if oauth.comparable(str(tweet.get("text", ""))) != text:
                    continue
                got = len((tweet.get("attachments") or {}).get("media_keys") or [])
                if got == len(wanted.media):
                    match = str(tweet["id"])  # newest first: the last match is the oldest
            token = (body.get("meta") or {}).get("next_token")
            if not token:
                break
            params["pagination_token"] = token
        return self._published(match) if match is not None else None

    def delete(self, remote_id: str) -> None:
        response = self._send("DELETE", f"/2/tweets/{remote_id}")
        if response.status_code == 404:
            return  # already gone
        oauth.checked(response, can_refresh=True)

    # -- metrics -------------------------------------------------------------------------------
    def metrics(self, remote_ids: Sequence[str]) -> dict[str, PostMetrics]:
        out: dict[str, PostMetrics] = {}
        ids = list(dict.fromkeys(remote_ids))
        for i in range(0, len(ids), 100):
            body = self._call(
                "GET",
                "/2/tweets",
                params={"ids": ",".join(ids[i : i + 100]), "tweet.fields": "public_metrics"},
            )
            for tweet in body.get("data") or []:
                pm = tweet.get("public_metrics") or {}
                out[str(tweet["id"])] = PostMetrics(
                    likes=_int(pm.get("like_count")),
                    replies=_int(pm.get("reply_count")),
                    reposts=_sum(pm.get("retweet_count"), pm.get("quote_count")),
                    views=_int(pm.get("impression_count")),
                )
        return out

    # -- credentials ---------------------------------------------------------------------------
    def expires_at(self) -> str | None:
        return self._secrets.get("expires_at") or None

    def refresh(self) -> dict[str, str]:
        new = oauth.refresh_oauth2(
            TOKEN_URL,
            refresh_token=self._secrets.get("refresh_token", ""),
            client_id=self._secrets.get("client_id", ""),
            client_secret=self._secrets.get("client_secret", ""),
        )
        self._secrets.update(new)
        self._drop_client()
        return dict(self._secrets)


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else None


def _sum(*values: Any) -> int | None:
    got = [v for v in (_int(x) for x in values) if v is not None]
    return sum(got) if got else None


REGISTRY.add(XConnector)

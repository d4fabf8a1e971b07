"""Threads through the Threads API (``graph.threads.net``, version pinned by the setting
``api_version``), as a thin ``httpx`` client with a long-lived user token (permissions
``threads_basic``, ``threads_content_publish``, ``threads_manage_insights``). Settings (both
optional): ``user_id`` (else read from ``/me``) and ``media_base_url`` (where Threads fetches
images from: the workspace's media served on the internet, as for Instagram).

Text is counted Threads' way: 500 characters, an emoji counting as its UTF-8 bytes
(:func:`socialops.domain.text_length.measure`, unit ``threads``). Images: JPEG or PNG, at most
8 MB, up to 20 in a carousel, alt text sent as ``alt_text``.

A long-lived token lives 60 days and is refreshed (``GET /refresh_access_token?grant_type=
th_refresh_token``) while it is still valid — the connector is
:class:`~socialops.connectors.core.CanRefresh`; an expired one cannot be refreshed: the profile
must be connected again (``disconnect``).

Exactly once, and what is and is not guaranteed:

- Publishing is two steps: ``POST /{user-id}/threads`` makes a container (harmless: an
  unpublished container expires), ``POST /{user-id}/threads_publish`` publishes it once the
  container is ``FINISHED``. Only the second step can post.
- A lost answer to the second step is reconciled by :meth:`ThreadsConnector.find`: the
  container this connector object made under the key tells whether it was ``PUBLISHED``; if it
  is only ``FINISHED``, ``find`` answers ``None`` and the next publish reuses it (no second
  container). Otherwise the account's own recent posts (``GET /{user-id}/threads`` since the
  key's time less :data:`~socialops.connectors.meta.CLOCK_SKEW_S`, at most :data:`FIND_SCAN`)
  are matched by text, links removed and whitespace collapsed; without the post's text
  ``find`` answers ``None``.
- Not guaranteed: a post deleted in the meantime is not found; the same text posted twice since
  the key's time matches the oldest.

Metrics: ``/{media-id}/insights`` (views, likes, replies, reposts + quotes)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar

import httpx

from socialops.connectors import oauth
from socialops.connectors.core import (
    ConnectorFailure,
    Identity,
    PlatformLimits,
    PostMetrics,
    Resolution,
)
from socialops.connectors.meta import ContainerConnector
from socialops.connectors.registry import REGISTRY

__all__ = ["API", "API_VERSION", "ThreadsConnector"]

API = "https://graph.threads.net"
API_VERSION = "v1.0"
FIND_SCAN = 100


class ThreadsConnector(ContainerConnector):
    platform: ClassVar[str] = "threads"
    limits: ClassVar[PlatformLimits] = PlatformLimits(
        max_chars=500,
        count="threads",
        max_media=20,
        media_types=("image/jpeg", "image/png"),
        max_media_bytes=8_000_000,
        alt_text=True,
    )
    secret_keys = ("access_token",)
    api = API
    api_version = API_VERSION
    version_setting = "api_version"
    can_refresh = True
    edge = "threads"
    text_field = "text"
    status_fields = "status,error_message"
    image_fields: ClassVar[Mapping[str, str]] = {"media_type": "IMAGE"}
    home_url = "https://www.threads.net/"
    find_scan = FIND_SCAN
    insights = "views,likes,replies,reposts,quotes"

    def __init__(self, settings: Mapping[str, str], secrets: Mapping[str, str]) -> None:
        super().__init__(settings, secrets)
        self._user_id = settings.get("user_id", "")

    def check(self) -> Identity:
        me = self._call("GET", "/me", params={"fields": "id,username,name"})
        self._user_id = self._user_id or str(me.get("id", ""))
        return Identity(
            account_id=str(me.get("id", "")),
            handle=str(me.get("username", "")),
            display_name=str(me.get("name", "")),
            permissions=("publish", "delete", "metrics"),
        )

    def _uid(self) -> str:
        if not self._user_id:
            self.check()
        return self._user_id

    def _find_since(self, key: str, params: dict[str, Any]) -> datetime | None:
        since = self._since(key)
        if since is not None:
            params["since"] = int(since.timestamp())  # the listing filters by itself
        return None

    def _post_metrics(self, values: Mapping[str, int]) -> PostMetrics:
        reposts = [values[k] for k in ("reposts", "quotes") if k in values]
        return PostMetrics(
            likes=values.get("likes"),
            replies=values.get("replies"),
            reposts=sum(reposts) if reposts else None,
            views=values.get("views"),
        )

    # -- credentials ---------------------------------------------------------------------------
    def expires_at(self) -> str | None:
        return self._secrets.get("expires_at") or None

    def refresh(self) -> dict[str, str]:
        """A new long-lived token for the current one (which must still be valid)."""
        token = self._secrets.get("access_token", "")
        try:
            with oauth.client(API) as c:
                response = c.get(
                    "/refresh_access_token",
                    params={"grant_type": "th_refresh_token", "access_token": token},
                )
        except httpx.HTTPError as exc:
            raise ConnectorFailure(self.resolve(exc)) from exc
        if response.status_code in (400, 401):
            resolution = oauth.resolve_response(response)
            if resolution.action in ("fail", "refresh_auth"):
                resolution = Resolution("disconnect", "auth", detail=resolution.detail)
            raise ConnectorFailure(resolution)
        body = oauth.checked(response)
        if not body.get("access_token"):
            raise ConnectorFailure(Resolution("retry", "unexpected", 60.0, "no access_token"))
        self._secrets["access_token"] = str(body["access_token"])
        self._secrets["expires_at"] = oauth.expires_at(body.get("expires_in"))
        self._drop_client()
        return dict(self._secrets)


REGISTRY.add(ThreadsConnector)

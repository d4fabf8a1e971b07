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
  key's time less :data:`CLOCK_SKEW_S`, at most :data:`FIND_SCAN`) are matched by text, links
  removed and whitespace collapsed; without the post's text ``find`` answers ``None``.
- Not guaranteed: a post deleted in the meantime is not found; the same text posted twice since
  the key's time matches the oldest.

Metrics: ``/{media-id}/insights`` (views, likes, replies, reposts + quotes)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, timedelta
from typing import Any, ClassVar

import httpx

from socialops.connectors import oauth
from socialops.connectors.core import (
    Connector,
    ConnectorFailure,
    Identity,
    OutgoingPost,
    PlatformLimits,
    PostMetrics,
    Published,
    Resolution,
    tid_time,
)
from socialops.connectors.registry import REGISTRY

__all__ = ["API", "API_VERSION", "ThreadsConnector"]

API = "https://graph.threads.net"
API_VERSION = "v1.0"
FIND_SCAN = 100
CLOCK_SKEW_S = 300.0
POLL_S = 3.0
INSIGHTS = "views,likes,replies,reposts,quotes"


class ThreadsConnector(Connector):
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

    def __init__(self, settings: Mapping[str, str], secrets: Mapping[str, str]) -> None:
        super().__init__(settings, secrets)
        self._http: httpx.Client | None = None
        self._user_id = settings.get("user_id", "")
        self._sent: dict[str, OutgoingPost] = {}
        self._containers: dict[str, str] = {}
        #: seconds between two looks at a container that is not ready yet
        self.poll_s = POLL_S

    # -- session -------------------------------------------------------------------------------
    def _client(self) -> httpx.Client:
        if self._http is None:
            version = self.settings.get("api_version") or API_VERSION
            self._http = oauth.client(
                f"{API}/{version}", token=self._secrets.get("access_token", "")
            )
        return self._http

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self._client().request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise ConnectorFailure(self.resolve(exc)) from exc
        return oauth.checked(response, can_refresh=True)

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

    # -- publishing ----------------------------------------------------------------------------
    def _container(self, post: OutgoingPost) -> str:
        base = self.settings.get("media_base_url", "")
        path = f"/{self._uid()}/threads"
        urls = [oauth.public_media_url(base, m.path) for m in post.media]
        if not urls:
            form = {"media_type": "TEXT", "text": post.text}
        elif len(urls) == 1:
            form = {"media_type": "IMAGE", "image_url": urls[0], "text": post.text}
            if post.media[0].alt.strip():
                form["alt_text"] = post.media[0].alt
        else:
            children = []
            for url, m in zip(urls, post.media, strict=True):
                child = {"media_type": "IMAGE", "image_url": url, "is_carousel_item": "true"}
                if m.alt.strip():
                    child["alt_text"] = m.alt
                children.append(str(self._call("POST", path, data=child)["id"]))
            form = {"media_type": "CAROUSEL", "children": ",".join(children), "text": post.text}
        return str(self._call("POST", path, data=form)["id"])

    def _status(self, container: str) -> dict[str, Any]:
        return dict(self._call("GET", f"/{container}", params={"fields": "status,error_message"}))

    def publish(self, post: OutgoingPost, key: str) -> Published:
        self._sent[key] = post
        container = self._containers.get(key)
        if container is None:
            container = self._container(post)
            self._containers[key] = container
        oauth.wait_for_container(lambda: self._status(container), every_s=self.poll_s)
        body = self._call(
            "POST", f"/{self._uid()}/threads_publish", data={"creation_id": container}
        )
        return self._published(str(body["id"]))

    def _published(self, media_id: str, permalink: str = "") -> Published:
        if not permalink:
            try:
                got = self._call("GET", f"/{media_id}", params={"fields": "permalink"})
                permalink = str(got.get("permalink") or "")
            except ConnectorFailure:
                permalink = ""  # published all the same; the link can be read later
        return Published(remote_id=media_id, url=permalink or "https://www.threads.net/")

    def find(self, key: str, post: OutgoingPost | None = None) -> Published | None:
        """The post published under ``key`` (see the module's docstring for what this does and
        does not guarantee)."""
        wanted = post if post is not None else self._sent.get(key)
        container = self._containers.get(key)
        unpublished = ("FINISHED", "IN_PROGRESS")
        if (
            container is not None
            and wanted is not None
            and str(self._status(container).get("status") or "") in unpublished
        ):
            return None  # made but never published: the next publish uses it
        if wanted is None:
            return None
        text = oauth.comparable(wanted.text)
        params: dict[str, Any] = {"fields": "id,text,permalink,timestamp", "limit": 50}
        made = tid_time(key)
        if made is not None:
            since = (made - timedelta(seconds=CLOCK_SKEW_S)).astimezone(UTC)
            params["since"] = int(since.timestamp())
        match: dict[str, Any] | None = None
        seen = 0
        while seen < FIND_SCAN:
            body = self._call("GET", f"/{self._uid()}/threads", params=params)
            for item in body.get("data") or []:
                seen += 1
                if oauth.comparable(str(item.get("text") or "")) == text:
                    match = item  # newest first: the last match is the oldest
            after = ((body.get("paging") or {}).get("cursors") or {}).get("after")
            if not after or not (body.get("paging") or {}).get("next"):
                break
            params["after"] = after
        if match is None:
            return None
        return self._published(str(match["id"]), str(match.get("permalink") or ""))

    def delete(self, remote_id: str) -> None:
        try:
            self._call("DELETE", f"/{remote_id}")
        except ConnectorFailure as exc:
            if exc.resolution.action == "fail" and "does not exist" in exc.resolution.detail:
                return  # already gone
            raise

    # -- metrics -------------------------------------------------------------------------------
    def metrics(self, remote_ids: Sequence[str]) -> dict[str, PostMetrics]:
        out: dict[str, PostMetrics] = {}
        for media_id in dict.fromkeys(remote_ids):
            try:
                body = self._call("GET", f"/{media_id}/insights", params={"metric": INSIGHTS})
            except ConnectorFailure as exc:
                if exc.resolution.action == "fail":
                    continue  # gone, or not this account's
                raise
            v = oauth.insight_values(body)
            reposts = [v[k] for k in ("reposts", "quotes") if k in v]
            out[media_id] = PostMetrics(
                likes=v.get("likes"),
                replies=v.get("replies"),
                reposts=sum(reposts) if reposts else None,
                views=v.get("views"),
            )
        return out

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
        if self._http is not None:
            self._http.close()
            self._http = None
        return dict(self._secrets)

    # -- errors → decisions ----------------------------------------------------------------
    def resolve(self, exc: BaseException) -> Resolution:
        return oauth.resolve_http(exc, can_refresh=True)


REGISTRY.add(ThreadsConnector)

"""An Instagram professional (business or creator) account through the Instagram Graph API with
Facebook Login (``graph.facebook.com``, version pinned by the setting ``graph_version``), as a
thin ``httpx`` client. Settings: ``ig_user_id`` (the Instagram account's Graph id) and
``media_base_url``; secret: ``access_token`` (permissions ``instagram_basic``,
``instagram_content_publish``, ``instagram_manage_insights``, ``pages_read_engagement``).

Meta gives no refresh token (not ``CanRefresh``): a token's expiry, when known, is the secret
``expires_at`` (stored with the profile and shown); an expired token means connecting again.

An account without a business account keeps using a *manual* profile (``manual.py``, setting
``platform=instagram``): the scheduler turns its posts into tasks for a person. Both exist.

Images: Instagram fetches each image itself from a public URL, so the workspace's media must be
served on the internet: ``media_base_url`` (for example ``https://cdn.example.kr/media``) is
where the file of each image is found by its file name (a media path that already is an
``https://`` URL is used as it is). Without it a post fails with ``media_url``. Instagram takes
JPEG images only, at most 8 MB, 10 per post (a carousel); a caption of 2,200 characters with at
most 30 hashtags (:class:`InstagramLimits`).

Exactly once, and what is and is not guaranteed:

- Publishing is two steps: ``POST /{ig-user-id}/media`` makes a *container* (harmless: an
  unpublished container expires after 24 hours), then ``POST /{ig-user-id}/media_publish``
  publishes it. The connector waits until the container is ``FINISHED`` before publishing.
- Only the second step can post. A container can be published once only: a lost answer to
  ``media_publish`` is reconciled by :meth:`InstagramConnector.find`, which asks the container
  this connector object made under the key for its ``status_code`` (``PUBLISHED``: it went out)
  and otherwise reads the account's recent media (``GET /{ig-user-id}/media``, at most
  :data:`FIND_SCAN`, none older than the key's time less :data:`CLOCK_SKEW_S`) and matches the
  caption (links removed, whitespace collapsed). Without the post's text it answers ``None``.
- Not guaranteed: media deleted in the meantime is not found; the same caption posted twice
  since the key's time matches the oldest. Instagram's API cannot delete a post:
  :meth:`InstagramConnector.delete` says so (``cannot_delete``).

Metrics: ``/{media-id}/insights`` (likes, comments, shares, saved, reach, views)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import httpx
import regex

from socialops.connectors import oauth
from socialops.connectors.core import (
    Connector,
    ConnectorFailure,
    Identity,
    LimitProblem,
    OutgoingPost,
    PlatformLimits,
    PostMetrics,
    Published,
    Resolution,
    tid_time,
)
from socialops.connectors.registry import REGISTRY

__all__ = ["GRAPH", "GRAPH_VERSION", "InstagramConnector", "InstagramLimits", "hashtags"]

GRAPH = "https://graph.facebook.com"
GRAPH_VERSION = "v21.0"
FIND_SCAN = 100
CLOCK_SKEW_S = 300.0
POLL_S = 3.0
INSIGHTS = "likes,comments,shares,saved,reach,views"
_HASHTAG = regex.compile(r"(?<![\w#&])#[\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*")


def hashtags(text: str) -> list[str]:
    """The hashtags of ``text`` in order (``#겨울신메뉴``; ``#1`` alone is not one)."""
    return _HASHTAG.findall(text)


@dataclass(frozen=True)
class InstagramLimits(PlatformLimits):
    """Instagram's limits: the common ones plus at most ``max_hashtags`` hashtags."""

    max_hashtags: int = 30

    def validate(self, post: OutgoingPost) -> list[LimitProblem]:
        problems = super().validate(post)
        n = len(hashtags(post.text))
        if n > self.max_hashtags:
            problems.append(
                LimitProblem("publish.too_many_hashtags", {"count": n, "limit": self.max_hashtags})
            )
        return problems


class InstagramConnector(Connector):
    platform: ClassVar[str] = "instagram"
    limits: ClassVar[PlatformLimits] = InstagramLimits(
        max_chars=2200,
        count="chars",
        max_media=10,
        media_types=("image/jpeg",),
        max_media_bytes=8_000_000,
        alt_text=True,
        requires_media=True,
    )
    settings_keys = ("ig_user_id", "media_base_url")
    secret_keys = ("access_token",)

    def __init__(self, settings: Mapping[str, str], secrets: Mapping[str, str]) -> None:
        super().__init__(settings, secrets)
        self._http: httpx.Client | None = None
        self._sent: dict[str, OutgoingPost] = {}
        self._containers: dict[str, str] = {}  # key -> the container made for it
        #: seconds between two looks at a container that is not ready yet
        self.poll_s = POLL_S

    @property
    def user_id(self) -> str:
        return self.settings["ig_user_id"]

    # -- session -------------------------------------------------------------------------------
    def _client(self) -> httpx.Client:
        if self._http is None:
            version = self.settings.get("graph_version") or GRAPH_VERSION
            self._http = oauth.client(
                f"{GRAPH}/{version}", token=self._secrets.get("access_token", "")
            )
        return self._http

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self._client().request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise ConnectorFailure(self.resolve(exc)) from exc
        return oauth.checked(response)

    def check(self) -> Identity:
        me = self._call("GET", f"/{self.user_id}", params={"fields": "id,username,name"})
        return Identity(
            account_id=str(me.get("id", "")),
            handle=str(me.get("username", "")),
            display_name=str(me.get("name", "")),
            permissions=("publish", "metrics"),
        )

    # -- publishing ----------------------------------------------------------------------------
    def _container(self, post: OutgoingPost) -> str:
        base = self.settings.get("media_base_url", "")
        urls = [oauth.public_media_url(base, m.path) for m in post.media]
        path = f"/{self.user_id}/media"
        if len(urls) == 1:
            form = {"image_url": urls[0], "caption": post.text}
            if post.media[0].alt.strip():
                form["alt_text"] = post.media[0].alt
            return str(self._call("POST", path, data=form)["id"])
        children = []
        for url, m in zip(urls, post.media, strict=True):
            child = {"image_url": url, "is_carousel_item": "true"}
            if m.alt.strip():
                child["alt_text"] = m.alt
            children.append(str(self._call("POST", path, data=child)["id"]))
        form = {"media_type": "CAROUSEL", "children": ",".join(children), "caption": post.text}
        return str(self._call("POST", path, data=form)["id"])

    def _status(self, container: str) -> dict[str, Any]:
        body = self._call("GET", f"/{container}", params={"fields": "status_code,status"})
        return dict(body)

    def publish(self, post: OutgoingPost, key: str) -> Published:
        if not post.media:
            raise ConnectorFailure(Resolution("fail", "rejected", detail="Instagram: no image"))
        self._sent[key] = post
        container = self._containers.get(key)
        if container is None:
            container = self._container(post)
            self._containers[key] = container
        oauth.wait_for_container(lambda: self._status(container), every_s=self.poll_s)
        body = self._call("POST", f"/{self.user_id}/media_publish", data={"creation_id": container})
        return self._published(str(body["id"]))

    def _published(self, media_id: str, permalink: str = "") -> Published:
        if not permalink:
            try:
                permalink = str(
                    self._call("GET", f"/{media_id}", params={"fields": "permalink"}).get(
                        "permalink"
                    )
                    or ""
                )
            except ConnectorFailure:
                permalink = ""  # published all the same; the link can be read later
        return Published(remote_id=media_id, url=permalink or "https://www.instagram.com/")

    def find(self, key: str, post: OutgoingPost | None = None) -> Published | None:
        """The media published under ``key`` (see the module's docstring for what this does and
        does not guarantee)."""
        wanted = post if post is not None else self._sent.get(key)
        container = self._containers.get(key)
        if container is not None and wanted is not None:
            state = str(self._status(container).get("status_code") or "")
            if state in ("FINISHED", "IN_PROGRESS"):
                return None  # made but never published: the next publish uses it
        if wanted is None:
            return None
        text = oauth.comparable(wanted.text)
        made = tid_time(key)
        since = made - timedelta(seconds=CLOCK_SKEW_S) if made is not None else None
        params: dict[str, Any] = {"fields": "id,caption,permalink,timestamp", "limit": 50}
        match: dict[str, Any] | None = None
        seen = 0
        while seen < FIND_SCAN:
            body = self._call("GET", f"/{self.user_id}/media", params=params)
            for item in body.get("data") or []:
                seen += 1
                at = _time(item.get("timestamp"))
                if since is not None and at is not None and at < since:
                    return self._found(match)
                if oauth.comparable(str(item.get("caption") or "")) == text:
                    match = item  # newest first: the last match is the oldest
            after = ((body.get("paging") or {}).get("cursors") or {}).get("after")
            if not after or not (body.get("paging") or {}).get("next"):
                break
            params["after"] = after
        return self._found(match)

    def _found(self, item: dict[str, Any] | None) -> Published | None:
        if item is None:
            return None
        return self._published(str(item["id"]), str(item.get("permalink") or ""))

    def delete(self, remote_id: str) -> None:
        raise ConnectorFailure(Resolution("fail", "cannot_delete", detail=f"Instagram {remote_id}"))

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
            out[media_id] = PostMetrics(
                likes=v.get("likes"),
                replies=v.get("comments"),
                reposts=v.get("shares"),
                views=v.get("views", v.get("reach")),
            )
        return out

    # -- errors → decisions ----------------------------------------------------------------
    def resolve(self, exc: BaseException) -> Resolution:
        return oauth.resolve_http(exc)


def _time(value: Any) -> datetime | None:
    """A Graph timestamp (``2026-12-04T09:00:05+0000``) as an aware datetime."""
    if not isinstance(value, str):
        return None
    try:
        at = datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        return None
    return at.astimezone(UTC)


REGISTRY.add(InstagramConnector)

"""A Facebook Page through the Graph API (version pinned by the profile setting
``graph_version``, default :data:`GRAPH_VERSION`), as a thin ``httpx`` client with a Page access
token (permissions ``pages_manage_posts`` and ``pages_read_engagement``).

A Page token derived from a long-lived user token does not expire; when the token came with an
expiry, ``expires_at`` is kept in the secrets and shown, and a profile whose token expired must be
connected again (Meta has no refresh token: the connector is not ``CanRefresh``).

Exactly once, and what is and is not guaranteed:

- The Graph API has no idempotency key. :meth:`FacebookConnector.publish` sends
  ``POST /{page-id}/feed`` once (after uploading any images unpublished with
  ``POST /{page-id}/photos``, which is harmless to repeat: an unpublished photo shows nowhere).
  A lost answer is ambiguous, so the scheduler calls :meth:`FacebookConnector.find` first.
- :meth:`FacebookConnector.find` reads the Page's own posts (``GET /{page-id}/posts``, newest
  first, at most :data:`FIND_SCAN`, none created before the key's time less
  :data:`CLOCK_SKEW_S` when the key is a TID) and matches the message with links removed and
  whitespace collapsed. It needs the post's text (``find(key, post)`` or a ``publish`` by this
  connector object); without it, it answers ``None``.
- Not guaranteed: a post deleted in the meantime is not found; the same text posted twice since
  the key's time matches the oldest; a post with no text matches any text-less post.

Errors: Graph code 190 (token invalid, expired or revoked) → ``disconnect``; 4, 17, 32, 613 and
the Business Use Case codes → ``rate_limited`` for as long as ``X-Business-Use-Case-Usage``
says; 368 (blocked for policy) → ``fail`` (:mod:`socialops.connectors.oauth`). Metrics: reactions,
comments and shares of the post, and its views (``views_metric``, default ``post_impressions``)
from ``/{post-id}/insights`` where the Page's token may read them."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, timedelta
from pathlib import Path
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

__all__ = ["GRAPH", "GRAPH_VERSION", "REQUIRED_PERMISSIONS", "FacebookConnector"]

GRAPH = "https://graph.facebook.com"
GRAPH_VERSION = "v21.0"
REQUIRED_PERMISSIONS = ("pages_manage_posts", "pages_read_engagement")
FIND_SCAN = 200
CLOCK_SKEW_S = 300.0


class FacebookConnector(Connector):
    platform: ClassVar[str] = "facebook"
    limits: ClassVar[PlatformLimits] = PlatformLimits(
        max_chars=63_206,
        count="chars",
        max_media=10,
        media_types=("image/jpeg", "image/png", "image/gif", "image/webp"),
        max_media_bytes=4_000_000,
        alt_text=True,
    )
    settings_keys = ("page_id",)
    secret_keys = ("access_token",)

    def __init__(self, settings: Mapping[str, str], secrets: Mapping[str, str]) -> None:
        super().__init__(settings, secrets)
        self._http: httpx.Client | None = None
        self._sent: dict[str, OutgoingPost] = {}

    @property
    def page_id(self) -> str:
        return self.settings["page_id"]

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
        me = self._call("GET", "/me", params={"fields": "id,name"})
        if str(me.get("id")) != self.page_id:
            detail = f"the token is for {me.get('id')}, not the page {self.page_id}"
            raise ConnectorFailure(Resolution("disconnect", "auth", detail=detail))
        granted = self._permissions()
        if granted is not None:
            missing = [p for p in REQUIRED_PERMISSIONS if p not in granted]
            if missing:
                raise ConnectorFailure(
                    Resolution("disconnect", "permission", detail=", ".join(missing))
                )
        return Identity(
            account_id=self.page_id,
            handle=str(me.get("name", "")),
            display_name=str(me.get("name", "")),
            permissions=tuple(sorted(granted)) if granted is not None else REQUIRED_PERMISSIONS,
        )

    def _permissions(self) -> set[str] | None:
        """The permissions granted to the app (``None``: the Graph does not say for this token,
        as for some Page tokens: ``#100 nonexisting field``)."""
        try:
            body = self._call("GET", "/me/permissions")
        except ConnectorFailure as exc:
            if exc.resolution.action == "fail":
                return None
            raise
        return {
            str(p.get("permission"))
            for p in body.get("data") or []
            if isinstance(p, dict) and p.get("status") == "granted"
        }

    # -- publishing ----------------------------------------------------------------------------
    def _published(self, post_id: str) -> Published:
        page, _, story = post_id.partition("_")
        url = f"https://www.facebook.com/{page}/posts/{story}" if story else ""
        return Published(remote_id=post_id, url=url or f"https://www.facebook.com/{post_id}")

    def _photo(self, path: str, mime: str, alt: str) -> str:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise ConnectorFailure(Resolution("fail", "rejected", detail=str(exc)[:200])) from exc
        form = {"published": "false"}
        if alt.strip():
            form["alt_text_custom"] = alt
        body = self._call(
            "POST",
            f"/{self.page_id}/photos",
            data=form,
            files={"source": (Path(path).name, data, mime)},
        )
        return str(body["id"])

    def publish(self, post: OutgoingPost, key: str) -> Published:
        self._sent[key] = post
        photos = [self._photo(m.path, m.mime, m.alt) for m in post.media]
        form: dict[str, str] = {"message": post.text}
        for i, fbid in enumerate(photos):
            form[f"attached_media[{i}]"] = json.dumps({"media_fbid": fbid})
        link = _first_link(post.text)
        if link and not photos:
            form["link"] = link
        body = self._call("POST", f"/{self.page_id}/feed", data=form)
        return self._published(str(body["id"]))

    def find(self, key: str, post: OutgoingPost | None = None) -> Published | None:
        """The Page's post published under ``key``, matched by its message (see the module's
        docstring for what this does and does not guarantee)."""
        wanted = post if post is not None else self._sent.get(key)
        if wanted is None:
            return None
        text = oauth.comparable(wanted.text)
        params: dict[str, Any] = {"fields": "id,message,created_time", "limit": 100}
        made = tid_time(key)
        if made is not None:
            params["since"] = int(
                (made - timedelta(seconds=CLOCK_SKEW_S)).astimezone(UTC).timestamp()
            )
        match: str | None = None
        seen = 0
        while seen < FIND_SCAN:
            body = self._call("GET", f"/{self.page_id}/posts", params=params)
            for item in body.get("data") or []:
                seen += 1
                if oauth.comparable(str(item.get("message") or "")) == text:
                    match = str(item["id"])  # newest first: the last match is the oldest
            after = ((body.get("paging") or {}).get("cursors") or {}).get("after")
            if not after or not (body.get("paging") or {}).get("next"):
                break
            params["after"] = after
        return self._published(match) if match is not None else None

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
        fields = "reactions.summary(true),comments.summary(true),shares"
        for post_id in dict.fromkeys(remote_ids):
            try:
                body = self._call("GET", f"/{post_id}", params={"fields": fields})
            except ConnectorFailure as exc:
                if exc.resolution.action == "fail":
                    continue  # the post is gone (or never was the Page's)
                raise
            out[post_id] = PostMetrics(
                likes=_summary(body.get("reactions")),
                replies=_summary(body.get("comments")),
                reposts=int((body.get("shares") or {}).get("count") or 0),
                views=self._views(post_id),
            )
        return out

    def _views(self, post_id: str) -> int | None:
        metric = self.settings.get("views_metric") or "post_impressions"
        try:
            body = self._call("GET", f"/{post_id}/insights", params={"metric": metric})
        except ConnectorFailure as exc:
            if exc.resolution.action == "fail":
                return None  # no insights for this Page (fewer than 100 likes, permission)
            raise
        return oauth.insight_values(body).get(metric)

    # -- errors → decisions ----------------------------------------------------------------
    def resolve(self, exc: BaseException) -> Resolution:
        return oauth.resolve_http(exc)


def _first_link(text: str) -> str | None:
    for word in text.split():
        if word.startswith(("https://", "http://")):
            return word.rstrip(".,;:!?)]")
    return None


def _summary(edge: Any) -> int | None:
    total = (
        ((edge or {}).get("summary") or {}).get("total_count") if isinstance(edge, dict) else None
    )
    return int(total) if isinstance(total, int) else None


REGISTRY.add(FacebookConnector)

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
  :data:`~socialops.connectors.meta.CLOCK_SKEW_S` when the key is a TID) and matches the
  message with links removed and whitespace collapsed. It needs the post's text
  (``find(key, post)`` or a ``publish`` by this connector object); without it, it answers
  ``None``.
- Not guaranteed: a post deleted in the meantime is not found; the same text posted twice since
  the key's time matches the oldest; a post with no text matches any text-less post.

Errors: Graph code 190 (token invalid, expired or revoked) → ``disconnect``; 4, 17, 32, 613 and
the Business Use Case codes → ``rate_limited`` for as long as ``X-Business-Use-Case-Usage``
says; 368 (blocked for policy) → ``fail`` (:mod:`socialops.connectors.oauth`). Metrics: reactions,
comments and shares of the post, and its views (``views_metric``, default ``post_impressions``)
from ``/{post-id}/insights`` where the Page's token may read them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from socialops.connectors.core import (
    ConnectorFailure,
    Identity,
    OutgoingPost,
    PlatformLimits,
    PostMetrics,
    Published,
    Resolution,
)
from socialops.connectors.meta import GRAPH, GRAPH_VERSION, GraphConnector
from socialops.connectors.registry import REGISTRY

__all__ = ["GRAPH", "GRAPH_VERSION", "REQUIRED_PERMISSIONS", "FacebookConnector"]

REQUIRED_PERMISSIONS = ("pages_manage_posts", "pages_read_engagement")
FIND_SCAN = 200


class FacebookConnector(GraphConnector):
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

    @property
    def page_id(self) -> str:
        return self.settings["page_id"]

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
        wanted = self._wanted(key, post)
        if wanted is None:
            return None
        params: dict[str, Any] = {"fields": "id,message,created_time", "limit": 100}
        since = self._since(key)
        if since is not None:
            params["since"] = int(since.timestamp())
        item = self._match(
            f"/{self.page_id}/posts", params, field="message", text=wanted.text, scan=FIND_SCAN
        )
        return self._published(str(item["id"])) if item is not None else None

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
        values = self._insights(post_id, metric)
        # None: no insights for this Page (fewer than 100 likes, permission)
        return values.get(metric) if values is not None else None


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

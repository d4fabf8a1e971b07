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
  :data:`FIND_SCAN`, none older than the key's time less
  :data:`~socialops.connectors.meta.CLOCK_SKEW_S`) and matches the caption (links removed,
  whitespace collapsed). Without the post's text it answers ``None``.
- Not guaranteed: media deleted in the meantime is not found; the same caption posted twice
  since the key's time matches the oldest. Instagram's API cannot delete a post:
  :meth:`InstagramConnector.delete` says so (``cannot_delete``).

Metrics: ``/{media-id}/insights`` (likes, comments, shares, saved, reach, views)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import regex

from socialops.connectors.core import (
    ConnectorFailure,
    Identity,
    LimitProblem,
    OutgoingPost,
    PlatformLimits,
    PostMetrics,
    Published,
    Resolution,
)
from socialops.connectors.meta import GRAPH, GRAPH_VERSION, ContainerConnector
from socialops.connectors.registry import REGISTRY

__all__ = ["GRAPH", "GRAPH_VERSION", "InstagramConnector", "InstagramLimits", "hashtags"]

FIND_SCAN = 100
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


class InstagramConnector(ContainerConnector):
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
    edge = "media"
    text_field = "caption"
    status_fields = "status_code,status"
    home_url = "https://www.instagram.com/"
    find_scan = FIND_SCAN
    insights = "likes,comments,shares,saved,reach,views"

    @property
    def user_id(self) -> str:
        return self.settings["ig_user_id"]

    def _uid(self) -> str:
        return self.user_id

    def check(self) -> Identity:
        me = self._call("GET", f"/{self.user_id}", params={"fields": "id,username,name"})
        return Identity(
            account_id=str(me.get("id", "")),
            handle=str(me.get("username", "")),
            display_name=str(me.get("name", "")),
            permissions=("publish", "metrics"),
        )

    def publish(self, post: OutgoingPost, key: str) -> Published:
        if not post.media:
            raise ConnectorFailure(Resolution("fail", "rejected", detail="Instagram: no image"))
        return super().publish(post, key)

    def delete(self, remote_id: str) -> None:
        raise ConnectorFailure(Resolution("fail", "cannot_delete", detail=f"Instagram {remote_id}"))

    def _post_metrics(self, values: Mapping[str, int]) -> PostMetrics:
        return PostMetrics(
            likes=values.get("likes"),
            replies=values.get("comments"),
            reposts=values.get("shares"),
            views=values.get("views", values.get("reach")),
        )


REGISTRY.add(InstagramConnector)

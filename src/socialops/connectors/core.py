"""What every platform connector is: a small core plus capabilities, limits as data, and every
platform answer turned into one decision (:class:`Resolution`) in one place.

- :class:`Connector`: identity (``platform``), its :class:`PlatformLimits`, ``check()`` (who am
  I) and ``resolve(exc)`` (an exception from the platform → a :class:`Resolution`).
- Capabilities are protocols a connector class also implements: :class:`CanPublish` (publish a
  post under an idempotency key, find it again by that key, delete it). Callers ask
  ``isinstance(c, CanPublish)``; there are no optional methods that raise.
- Only the scheduler acts on a :class:`Resolution`: ``ok``, ``retry`` (after ``retry_after``
  seconds), ``rate_limited`` (wait ``retry_after``), ``refresh_auth`` (refresh the token, then
  retry), ``disconnect`` (the user must re-authorise the profile) or ``fail`` (this post cannot go
  out as it is: the reason is shown).
"""

from __future__ import annotations

import abc
import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar, Literal, Protocol, runtime_checkable

from socialops.domain.text_length import measure as measure_text

__all__ = [
    "Action",
    "CanModerate",
    "CanPublish",
    "CanReadMentions",
    "CanReadMetrics",
    "CanRefresh",
    "CanReply",
    "Connector",
    "ConnectorFailure",
    "Identity",
    "LimitProblem",
    "Media",
    "Mention",
    "MentionKind",
    "OutgoingPost",
    "PlatformLimits",
    "PostMetrics",
    "Published",
    "Resolution",
    "new_tid",
    "tid_time",
]

Action = Literal["ok", "retry", "rate_limited", "refresh_auth", "disconnect", "fail"]
MentionKind = Literal["mention", "reply", "dm"]
_B32 = "234567abcdefghijklmnopqrstuvwxyz"
#: older names of :func:`~socialops.domain.text_length.measure` units
_UNIT_ALIASES = {"weighted": "x_weighted"}


@dataclass(frozen=True)
class Resolution:
    """What to do about a platform's answer (DESIGN.md example 4). ``code`` names the reason in
    the message catalogue (``publish.reason.<code>``); ``detail`` is the platform's own words
    (untrusted text, shown as text)."""

    action: Action
    code: str = "ok"
    retry_after: float | None = None
    detail: str = ""


class ConnectorFailure(Exception):
    """A platform call that did not do what was asked, with its :class:`Resolution`."""

    def __init__(self, resolution: Resolution) -> None:
        super().__init__(f"{resolution.action}: {resolution.code} {resolution.detail}".strip())
        self.resolution = resolution


@dataclass(frozen=True)
class Identity:
    """Who a profile's credentials are on the platform (``check()``)."""

    account_id: str  # the platform's stable id (a DID on Bluesky)
    handle: str
    display_name: str = ""
    permissions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Media:
    path: str
    alt: str = ""
    mime: str = "image/jpeg"


@dataclass(frozen=True)
class OutgoingPost:
    """One post for one profile, as the scheduler hands it to a connector."""

    text: str
    media: tuple[Media, ...] = ()
    langs: tuple[str, ...] = ("ko",)


@dataclass(frozen=True)
class Published:
    """The platform accepted the post: its id and a public URL."""

    remote_id: str
    url: str


@dataclass(frozen=True)
class LimitProblem:
    """A post breaks one of a profile's limits: catalogue ``code`` and its parameters."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PlatformLimits:
    """A platform's posting limits, as data (DESIGN.md example 5).

    ``count``: how the platform counts text, a unit of
    :func:`socialops.domain.text_length.measure` — ``graphemes`` (user-perceived characters,
    Bluesky), ``chars`` (code points), ``x_weighted`` (X: CJK and most non-Latin characters count
    2, every URL 23; ``weighted`` is the same), ``mastodon`` (code points, every URL 23),
    ``utf16``, ``utf8_bytes``, ``threads`` (emoji as their UTF-8 bytes)."""

    max_chars: int | None
    count: Literal[
        "graphemes", "chars", "weighted", "x_weighted", "mastodon", "utf16", "utf8_bytes", "threads"
    ] = "chars"
    max_media: int = 4
    media_types: tuple[str, ...] = ("image/jpeg", "image/png", "image/gif", "image/webp")
    max_media_bytes: int = 1_000_000
    alt_text: bool = True  # the platform takes alt text for images
    requires_media: bool = False
    url_length: int = 23

    def measure(self, text: str) -> int:
        """The length of ``text`` counted the platform's way
        (:func:`socialops.domain.text_length.measure`, the one copy of the rules)."""
        return measure_text(text, _UNIT_ALIASES.get(self.count, self.count))

    def validate(self, post: OutgoingPost) -> list[LimitProblem]:
        """Every limit ``post`` breaks (empty: it can go out)."""
        problems: list[LimitProblem] = []
        n = self.measure(post.text)
        if self.max_chars is not None and n > self.max_chars:
            problems.append(LimitProblem("publish.too_long", {"count": n, "limit": self.max_chars}))
        if not post.text.strip() and not post.media:
            problems.append(LimitProblem("publish.empty", {}))
        if len(post.media) > self.max_media:
            problems.append(
                LimitProblem(
                    "publish.too_many_media", {"count": len(post.media), "limit": self.max_media}
                )
            )
        if self.requires_media and not post.media:
            problems.append(LimitProblem("publish.media_required", {}))
        for m in post.media:
            if m.mime not in self.media_types:
                problems.append(LimitProblem("publish.media_type", {"type": m.mime}))
            if self.alt_text and not m.alt.strip():
                problems.append(LimitProblem("publish.alt_required", {"file": m.path}))
        return problems


@dataclass(frozen=True)
class PostMetrics:
    """What a platform reports about one published post (``None``: the platform does not give
    that figure, which is not the same as 0)."""

    likes: int | None = None
    replies: int | None = None
    reposts: int | None = None
    views: int | None = None


class Connector(abc.ABC):
    """A platform account's client: built from the profile's settings and decrypted secrets."""

    platform: ClassVar[str]
    limits: ClassVar[PlatformLimits]
    #: the settings a profile of this platform needs (besides secrets)
    settings_keys: ClassVar[Sequence[str]] = ()
    #: the secrets a profile of this platform needs (``profiles connect`` asks for them)
    secret_keys: ClassVar[Sequence[str]] = ()

    def __init__(self, settings: Mapping[str, str], secrets: Mapping[str, str]) -> None:
        self.settings = dict(settings)
        self._secrets = dict(secrets)

    @classmethod
    def limits_for(cls, settings: Mapping[str, str]) -> PlatformLimits:
        """The limits of a profile with ``settings`` (a manual profile's depend on its platform)."""
        return cls.limits

    @abc.abstractmethod
    def check(self) -> Identity:
        """Who the credentials are; raises :class:`ConnectorFailure`."""

    def resolve(self, exc: BaseException) -> Resolution:
        """An exception from a platform call → what to do about it (one place per platform)."""
        return Resolution("fail", "unexpected", detail=type(exc).__name__)


@runtime_checkable
class CanPublish(Protocol):
    """Publishes exactly once under an idempotency ``key``; finds a post by that key again."""

    def publish(self, post: OutgoingPost, key: str) -> Published: ...

    def find(self, key: str, post: OutgoingPost | None = None) -> Published | None:
        """The post published under ``key`` (``post``: what was sent, for a platform that can
        only match by content), or ``None``."""
        ...

    def delete(self, remote_id: str) -> None: ...


@runtime_checkable
class CanRefresh(Protocol):
    """OAuth credentials that expire: ``expires_at`` (an ISO instant, or ``None`` when the token
    does not expire) and ``refresh()`` → the new secrets (``access_token``, ``refresh_token``,
    ``expires_at`` ...), which the caller stores encrypted before using them. ``refresh`` raises
    :class:`ConnectorFailure` with ``disconnect`` when the refresh token itself was refused."""

    def expires_at(self) -> str | None: ...

    def refresh(self) -> dict[str, str]: ...


@runtime_checkable
class CanReadMetrics(Protocol):
    """Reads the metrics of the account's own published posts, by remote id (a post the
    platform no longer has is left out of the answer)."""

    def metrics(self, remote_ids: Sequence[str]) -> dict[str, PostMetrics]: ...


@dataclass(frozen=True)
class Mention:
    """Someone else's post that involves the account: it names the account (``mention``),
    answers one of the account's posts (``reply``) or is a direct message (``dm``).

    ``created_at`` is an ISO instant in UTC; ``parent_remote_id`` / ``root_remote_id`` are the
    post it answers and its thread's first post (``None``: not an answer, or the platform does
    not say). ``cursor`` is where a reader stands after this mention: pass the last one's as
    ``mentions(since=...)`` to read only what came later (opaque: each connector says what it
    is)."""

    remote_id: str
    url: str
    author_id: str
    author_handle: str
    text: str
    created_at: str
    parent_remote_id: str | None = None
    root_remote_id: str | None = None
    kind: MentionKind = "mention"
    cursor: str = ""


@runtime_checkable
class CanReply(Protocol):
    """Answers a post (``parent_remote_id``, any account's) exactly once under ``key``, the
    same way :meth:`CanPublish.publish` does: a repeat under the same key does not post again."""

    def reply(self, parent_remote_id: str, post: OutgoingPost, key: str) -> Published: ...


@runtime_checkable
class CanReadMentions(Protocol):
    """Reads what involves the account (:class:`Mention`), oldest first, newest last.

    ``since`` is an opaque cursor, never a time: the :attr:`Mention.cursor` of the last mention
    read before (``None``: from the oldest the platform still gives). Keep it to resume."""

    def mentions(self, since: str | None = None) -> list[Mention]: ...


@runtime_checkable
class CanModerate(Protocol):
    """Hides someone's comment on the account's own content (spam, abuse), by its remote id,
    where the platform allows it: the comment stays on the platform but is folded away from
    readers. Raises :class:`ConnectorFailure` (``fail``/``not_own_thread`` when the comment
    is not under one of the account's posts)."""

    def hide(self, remote_id: str) -> None: ...


def new_tid(now_us: int | None = None) -> str:
    """A fresh idempotency key: an AT Protocol TID (13 base32-sortable characters: microseconds
    since the epoch and a random clock id). Unique per post, and a valid Bluesky record key."""
    us = now_us if now_us is not None else time.time_ns() // 1000
    value = ((us & ((1 << 53) - 1)) << 10) | secrets.randbelow(1 << 10)
    out = []
    for _ in range(13):
        out.append(_B32[value & 31])
        value >>= 5
    return "".join(reversed(out))


def tid_time(key: str) -> datetime | None:
    """When a :func:`~socialops.connectors.core.new_tid` key was made (``None`` when ``key`` is
    not a TID)."""
    if len(key) != 13 or any(c not in _B32 for c in key):
        return None
    value = 0
    for c in key:
        value = value * 32 + _B32.index(c)
    us = value >> 10
    try:
        return datetime.fromtimestamp(us / 1_000_000, UTC)
    except (OverflowError, OSError, ValueError):
        return None

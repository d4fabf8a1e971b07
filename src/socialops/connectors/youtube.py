"""YouTube through ``google-api-python-client``, built from its shipped discovery document
(``static_discovery=True``: no network to build the client) with OAuth 2 user credentials
(``google.oauth2.credentials.Credentials``: access and refresh token, the OAuth client's id and
secret); tested with ``HttpMockSequence`` and recorded answers: YouTube has no local server.

Publishing is uploading one video (``videos.insert``, resumable): the post's first line is the
title (at most 100 characters), the rest the description (at most 5,000 bytes of UTF-8);
YouTube refuses ``<`` and ``>`` in both, so they are sent as the full-width ``＜`` ``＞``. A post
needs exactly one ``video/*`` file. Community posts (text and images on the channel) have no API
at all: a text-only post cannot go out here (``publish.video_required``); use a manual profile
for them. The profile's optional settings: ``privacy`` (``public``, ``unlisted``,
``private``; public by default), ``category_id`` (22, People & Blogs, by default) and
``made_for_kids`` (``true``/``false``, false by default: YouTube requires the declaration).

Exactly once: YouTube takes no idempotency key. The key goes into the video's ``tags`` as
``socialops-<key>`` (tags are not shown on the watch page and do not change the description
viewers read). :meth:`YouTubeConnector.find` reads the channel's uploads playlist (the newest
:data:`FIND_SCAN` videos, private and unlisted ones included for the owner) and the tags of
those videos, and answers the video with that tag. An upload whose last answer was lost (a
timeout on the final chunk) is found this way before anything is sent again. Not guaranteed: a
video deleted meanwhile, or one more than :data:`FIND_SCAN` uploads back, is not found.

Errors: the daily quota (403 ``quotaExceeded``; also 400 ``uploadLimitExceeded``) waits until
midnight Pacific time, when YouTube resets it (``rate_limited`` ``quota``; the scheduler
persists the wait); ``rateLimitExceeded`` waits a minute; 401 asks for a token refresh
(:class:`~socialops.connectors.core.CanRefresh`; ``invalid_grant`` on refresh disconnects);
a missing scope or channel disconnects; 5xx and transport errors are retried. Metrics:
``videos.list(part=statistics)``: views, likes, comments (YouTube has no reposts: ``None``)."""

from __future__ import annotations

import json
import socket
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import google_auth_httplib2
import httplib2
from google.auth import exceptions as gauth
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError
from googleapiclient.http import MediaIoBaseUpload

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
)
from socialops.connectors.registry import REGISTRY

__all__ = ["YouTubeConnector", "YouTubeLimits", "key_tag", "video_meta"]

TOKEN_URI = "https://oauth2.googleapis.com/token"
TITLE_MAX = 100
DESCRIPTION_MAX_BYTES = 5000
FIND_SCAN = 50
REQUEST_TIMEOUT_S = 60
_PACIFIC = ZoneInfo("America/Los_Angeles")
_VIDEO_TYPES = (
    "video/mp4",
    "video/quicktime",
    "video/webm",
    "video/x-msvideo",
    "video/mpeg",
    "video/x-matroska",
    "video/3gpp",
)
_QUOTA = frozenset({"quotaExceeded", "dailyLimitExceeded", "uploadLimitExceeded"})
_RATE = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
_NO_ACCESS = frozenset({"insufficientPermissions", "forbidden", "youtubeSignupRequired"})


def key_tag(key: str) -> str:
    """The tag that carries a post's idempotency key on its video."""
    return f"socialops-{key}"


def _clean(text: str) -> str:
    return text.replace("<", "＜").replace(">", "＞")


def video_meta(text: str, fallback_title: str = "") -> tuple[str, str]:
    """``(title, description)`` of a post's text: the first non-empty line (at most
    :data:`TITLE_MAX` characters) and the lines after it."""
    lines = text.strip().splitlines()
    title = lines[0].strip() if lines else ""
    description = "\n".join(lines[1:]).strip()
    return _clean(title or fallback_title)[:TITLE_MAX], _clean(description)


@dataclass(frozen=True)
class YouTubeLimits(PlatformLimits):
    """YouTube's limits: one video, a title line of at most 100 characters and a description
    of at most 5,000 bytes (UTF-8)."""

    def validate(self, post: OutgoingPost) -> list[LimitProblem]:
        replaced = ("publish.media_type", "publish.media_required")
        problems = [p for p in super().validate(post) if p.code not in replaced]
        if not post.media:
            problems.append(LimitProblem("publish.video_required", {}))
        for m in post.media:
            if m.mime not in self.media_types:
                problems.append(LimitProblem("publish.video_type", {"type": m.mime}))
        lines = post.text.strip().splitlines()
        if lines and len(lines[0].strip()) > TITLE_MAX:
            problems.append(
                LimitProblem(
                    "publish.title_too_long", {"count": len(lines[0].strip()), "limit": TITLE_MAX}
                )
            )
        size = len(video_meta(post.text)[1].encode("utf-8"))
        if size > DESCRIPTION_MAX_BYTES:
            problems.append(
                LimitProblem(
                    "publish.too_many_bytes", {"count": size, "limit": DESCRIPTION_MAX_BYTES}
                )
            )
        return problems


def _until_midnight_pacific(now: datetime | None = None) -> float:
    at = (now or datetime.now(UTC)).astimezone(_PACIFIC)
    midnight = (at + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    # in UTC: a difference of two times in one zone ignores a daylight-saving change between
    return max(1.0, (midnight.astimezone(UTC) - at.astimezone(UTC)).total_seconds())


class YouTubeConnector(Connector):
    platform: ClassVar[str] = "youtube"
    limits: ClassVar[PlatformLimits] = YouTubeLimits(
        max_chars=None,
        max_media=1,
        media_types=_VIDEO_TYPES,
        max_media_bytes=256 * 1024**3,
        alt_text=False,
        requires_media=True,
    )
    secret_keys = ("access_token", "refresh_token", "client_id", "client_secret")

    def __init__(
        self, settings: Mapping[str, str], secrets: Mapping[str, str], *, http: Any = None
    ) -> None:
        """``http``: the ``httplib2.Http`` (or a test's ``HttpMockSequence``) under the
        authorised transport; a real one with :data:`REQUEST_TIMEOUT_S` when not given."""
        super().__init__(settings, secrets)
        self._base = http
        self._service: Any = None
        self._uploads = ""
        self._creds = Credentials(
            token=self._secrets.get("access_token") or None,
            refresh_token=self._secrets.get("refresh_token") or None,
            token_uri=TOKEN_URI,
            client_id=self._secrets.get("client_id") or None,
            client_secret=self._secrets.get("client_secret") or None,
        )

    # -- session -------------------------------------------------------------------------------
    def _http(self) -> Any:
        if self._base is None:
            self._base = httplib2.Http(timeout=REQUEST_TIMEOUT_S)
        return self._base

    def _api(self) -> Any:
        if self._service is None:
            # no silent refresh on 401: the answer becomes ``refresh_auth`` and the scheduler
            # refreshes and stores the new token (CanRefresh)
            authed = google_auth_httplib2.AuthorizedHttp(
                self._creds, http=self._http(), refresh_status_codes=()
            )
            self._service = build(
                "youtube", "v3", http=authed, static_discovery=True, cache_discovery=False
            )
        return self._service

    def _run(self, request: Any) -> Any:
        try:
            return request.execute()
        except Exception as exc:
            raise ConnectorFailure(self.resolve(exc)) from exc

    def _channel(self) -> dict[str, Any]:
        got = self._run(self._api().channels().list(part="snippet,contentDetails", mine=True))
        items = got.get("items") or []
        if not items:
            raise ConnectorFailure(Resolution("disconnect", "auth", detail="no YouTube channel"))
        channel: dict[str, Any] = items[0]
        uploads = (channel.get("contentDetails") or {}).get("relatedPlaylists") or {}
        self._uploads = str(uploads.get("uploads") or "")
        return channel

    def check(self) -> Identity:
        channel = self._channel()
        snippet = channel.get("snippet") or {}
        return Identity(
            account_id=str(channel["id"]),
            handle=str(snippet.get("customUrl") or snippet.get("title") or channel["id"]),
            display_name=str(snippet.get("title") or ""),
            permissions=("publish", "delete", "metrics"),
        )

    # -- publishing ----------------------------------------------------------------------------
    def publish(self, post: OutgoingPost, key: str) -> Published:
        video = next((m for m in post.media if m.mime.startswith("video/")), None)
        if video is None:
            raise ConnectorFailure(Resolution("fail", "video_required"))
        title, description = video_meta(post.text, Path(video.path).stem)
        body = {
            "snippet": {
                "title": title,
                "description": description,
                "tags": [key_tag(key)],
                "categoryId": self.settings.get("category_id") or "22",
                "defaultLanguage": post.langs[0] if post.langs else "ko",
            },
            "status": {
                "privacyStatus": self.settings.get("privacy") or "public",
                "selfDeclaredMadeForKids": self.settings.get("made_for_kids") == "true",
            },
        }
        try:
            with open(video.path, "rb") as fh:
                media = MediaIoBaseUpload(fh, mimetype=video.mime, chunksize=-1, resumable=True)
                request = (
                    self._api().videos().insert(part="snippet,status", body=body, media_body=media)
                )
                done = None
                while done is None:
                    _, done = request.next_chunk()
        except ConnectorFailure:
            raise
        except Exception as exc:
            raise ConnectorFailure(self.resolve(exc)) from exc
        return self._published(str(done["id"]))

    @staticmethod
    def _published(video_id: str) -> Published:
        return Published(remote_id=video_id, url=f"https://www.youtube.com/watch?v={video_id}")

    def find(self, key: str, post: OutgoingPost | None = None) -> Published | None:
        """The video among the channel's newest uploads that carries ``key``'s tag."""
        if not self._uploads:
            self._channel()
        listed = self._run(
            self._api()
            .playlistItems()
            .list(part="contentDetails", playlistId=self._uploads, maxResults=FIND_SCAN)
        )
        ids = [str(i["contentDetails"]["videoId"]) for i in listed.get("items") or []]
        if not ids:
            return None
        videos = self._run(self._api().videos().list(part="snippet", id=",".join(ids)))
        tag = key_tag(key)
        for v in videos.get("items") or []:
            if tag in ((v.get("snippet") or {}).get("tags") or []):
                return self._published(str(v["id"]))
        return None

    def delete(self, remote_id: str) -> None:
        try:
            self._api().videos().delete(id=remote_id).execute()
        except HttpError as exc:
            if exc.resp.status == 404:
                return  # already gone
            raise ConnectorFailure(self.resolve(exc)) from exc
        except Exception as exc:
            raise ConnectorFailure(self.resolve(exc)) from exc

    # -- metrics -------------------------------------------------------------------------------
    def metrics(self, remote_ids: Sequence[str]) -> dict[str, PostMetrics]:
        out: dict[str, PostMetrics] = {}
        ids = list(remote_ids)
        for start in range(0, len(ids), 50):
            got = self._run(
                self._api().videos().list(part="statistics", id=",".join(ids[start : start + 50]))
            )
            for v in got.get("items") or []:
                s = v.get("statistics") or {}
                out[str(v["id"])] = PostMetrics(
                    likes=_int(s.get("likeCount")),
                    replies=_int(s.get("commentCount")),
                    views=_int(s.get("viewCount")),
                )
        return out

    # -- OAuth -----------------------------------------------------------------------------
    def expires_at(self) -> str | None:
        return self._secrets.get("expires_at") or None

    def refresh(self) -> dict[str, str]:
        """A new access token from Google's token endpoint (the refresh token stays)."""
        try:
            self._creds.refresh(google_auth_httplib2.Request(self._http()))
        except gauth.RefreshError as exc:
            if getattr(exc, "retryable", False):
                raise ConnectorFailure(Resolution("retry", "server", 60.0, str(exc)[:200])) from exc
            raise ConnectorFailure(Resolution("disconnect", "auth", detail=str(exc)[:300])) from exc
        except Exception as exc:
            raise ConnectorFailure(self.resolve(exc)) from exc
        expiry = self._creds.expiry
        return {
            "access_token": str(self._creds.token),
            "refresh_token": str(
                self._creds.refresh_token or self._secrets.get("refresh_token", "")
            ),
            "expires_at": (
                expiry.replace(tzinfo=UTC).isoformat(timespec="seconds") if expiry else ""
            ),
        }

    # -- errors → decisions ----------------------------------------------------------------
    def resolve(self, exc: BaseException) -> Resolution:
        if isinstance(exc, ConnectorFailure):
            return exc.resolution
        if isinstance(exc, HttpError):
            return _http_error(exc)
        if isinstance(exc, gauth.TransportError | socket.timeout | TimeoutError | ConnectionError):
            return Resolution("retry", "network", 30.0, type(exc).__name__)
        if isinstance(exc, httplib2.HttpLib2Error | OSError):
            return Resolution("retry", "network", 30.0, type(exc).__name__)
        return Resolution("retry", "unexpected", 60.0, type(exc).__name__)


def _http_error(exc: HttpError) -> Resolution:
    status = int(exc.resp.status)
    try:
        error = json.loads(exc.content.decode("utf-8")).get("error") or {}
    except (ValueError, AttributeError, UnicodeDecodeError):
        error = {}
    reasons = {str(e.get("reason")) for e in error.get("errors") or [] if isinstance(e, dict)}
    detail = f"{status} {', '.join(sorted(reasons))} {error.get('message') or ''}".strip()[:300]
    if reasons & _QUOTA:
        return Resolution("rate_limited", "quota", _until_midnight_pacific(), detail)
    if reasons & _RATE or status == 429:
        return Resolution("rate_limited", "rate_limited", 60.0, detail)
    if reasons & _NO_ACCESS:
        return Resolution("disconnect", "permission", detail=detail)
    if status == 401:
        return Resolution("refresh_auth", "expired_token", detail=detail)
    if status >= 500:
        return Resolution("retry", "server", 60.0, detail)
    return Resolution("fail", "rejected", detail=detail)


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


REGISTRY.add(YouTubeConnector)

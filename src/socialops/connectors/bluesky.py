"""Bluesky (AT Protocol) through the ``atproto`` SDK, against any PDS (tested against a real local
one: ``scripts/local-pds.sh``).

Exactly once: the record key of a post is its idempotency key, a TID made when the post was
queued (:func:`new_tid`). Publishing creates ``app.bsky.feed.post/<key>``; a second create of the
same key is refused by the PDS, and :meth:`BlueskyConnector.find` reads the record back by its
key, so after a timeout or a crash the scheduler can see whether the post went out before it
tries again.

Text is counted in graphemes (300). Links, ``#해시태그`` and ``@handle.mentions`` become facets
(UTF-8 byte ranges); a mention whose handle does not resolve stays plain text. Images (at most 4,
alt text required) are uploaded as blobs. Without an AppView (the local PDS) the SDK's profile
fetch after sign-in is skipped."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any, ClassVar

import regex
from atproto import Client, models
from atproto_client import exceptions as ax

from socialops.connectors.core import (
    Connector,
    ConnectorFailure,
    Identity,
    OutgoingPost,
    PlatformLimits,
    Published,
    Resolution,
)
from socialops.connectors.registry import REGISTRY

__all__ = ["BlueskyConnector", "facets"]

COLLECTION = "app.bsky.feed.post"
_URL = regex.compile(r"https?://[^\s<>\"]*[^\s<>\".,;:!?)\]]")
_TAG = regex.compile(r"(?<![\w#])#([\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*)")
_MENTION = regex.compile(r"(?<![\w@])@([a-zA-Z0-9][a-zA-Z0-9.-]*\.[a-zA-Z0-9-]+)")


def _span(text: str, start: int, end: int) -> dict[str, int]:
    return {
        "byteStart": len(text[:start].encode("utf-8")),
        "byteEnd": len(text[:end].encode("utf-8")),
    }


def facets(text: str, resolve_handle: Any = None) -> list[dict[str, Any]]:
    """The rich-text facets of ``text``: links, hashtags and (with ``resolve_handle``, a function
    handle → DID or ``None``) mentions, as plain dicts in the lexicon's shape."""
    out: list[dict[str, Any]] = []
    for m in _URL.finditer(text):
        out.append(
            {
                "index": _span(text, m.start(), m.end()),
                "features": [{"$type": "app.bsky.richtext.facet#link", "uri": m.group()}],
            }
        )
    for m in _TAG.finditer(text):
        out.append(
            {
                "index": _span(text, m.start(), m.end()),
                "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": m.group(1)}],
            }
        )
    if resolve_handle is not None:
        for m in _MENTION.finditer(text):
            did = resolve_handle(m.group(1))
            if did:
                out.append(
                    {
                        "index": _span(text, m.start(), m.end()),
                        "features": [{"$type": "app.bsky.richtext.facet#mention", "did": did}],
                    }
                )
    out.sort(key=lambda f: f["index"]["byteStart"])
    return out


class BlueskyConnector(Connector):
    platform: ClassVar[str] = "bluesky"
    limits: ClassVar[PlatformLimits] = PlatformLimits(
        max_chars=300, count="graphemes", max_media=4, max_media_bytes=1_000_000
    )
    settings_keys = ("service", "handle")
    secret_keys = ("app_password",)

    def __init__(self, settings: Mapping[str, str], secrets: Mapping[str, str]) -> None:
        super().__init__(settings, secrets)
        self._client: Client | None = None
        self._did = ""

    # -- session -------------------------------------------------------------------------------
    def _session(self) -> Client:
        if self._client is None:
            client = Client(base_url=self.settings["service"].rstrip("/") + "/xrpc")
            try:
                client.login(
                    self.settings["handle"],
                    self._secrets["app_password"],
                    fetch_bsky_profile=False,
                )
            except Exception as exc:
                raise ConnectorFailure(self.resolve(exc)) from exc
            self._client = client
            self._did = client.me.did if client.me is not None else ""
            if not self._did and client._session is not None:
                self._did = client._session.did
        return self._client

    def check(self) -> Identity:
        self._session()
        return Identity(
            account_id=self._did,
            handle=self.settings["handle"],
            permissions=("publish", "delete"),
        )

    # -- publishing ----------------------------------------------------------------------------
    def _resolve_handle(self, handle: str) -> str | None:
        try:
            return str(self._session().resolve_handle(handle).did)
        except Exception:  # an unknown handle stays plain text
            return None

    def _url(self, rkey: str) -> str:
        return f"https://bsky.app/profile/{self.settings['handle']}/post/{rkey}"

    def publish(self, post: OutgoingPost, key: str) -> Published:
        client = self._session()
        record: dict[str, Any] = {
            "$type": COLLECTION,
            "text": post.text,
            "createdAt": client.get_current_time_iso(),
            "langs": list(post.langs),
        }
        found = facets(post.text, self._resolve_handle)
        if found:
            record["facets"] = found
        try:
            if post.media:
                images = []
                for m in post.media:
                    with open(m.path, "rb") as fh:
                        blob = client.upload_blob(fh.read()).blob
                    images.append({"alt": m.alt, "image": blob.model_dump(by_alias=True)})
                record["embed"] = {"$type": "app.bsky.embed.images", "images": images}
            res = client.com.atproto.repo.create_record(
                models.ComAtprotoRepoCreateRecord.Data(
                    repo=self._did, collection=COLLECTION, rkey=key, record=record
                )
            )
        except Exception as exc:
            raise ConnectorFailure(self.resolve(exc)) from exc
        return Published(remote_id=str(res.uri), url=self._url(key))

    def find(self, key: str, post: OutgoingPost | None = None) -> Published | None:
        client = self._session()
        try:
            res = client.com.atproto.repo.get_record(
                models.ComAtprotoRepoGetRecord.Params(
                    repo=self._did, collection=COLLECTION, rkey=key
                )
            )
        except ax.BadRequestError as exc:
            if _error_name(exc) in ("RecordNotFound", "NotFound", "InvalidRequest"):
                return None
            raise ConnectorFailure(self.resolve(exc)) from exc
        except Exception as exc:
            raise ConnectorFailure(self.resolve(exc)) from exc
        return Published(remote_id=str(res.uri), url=self._url(key))

    def delete(self, remote_id: str) -> None:
        client = self._session()
        rkey = remote_id.rsplit("/", 1)[-1]
        try:
            client.com.atproto.repo.delete_record(
                models.ComAtprotoRepoDeleteRecord.Data(
                    repo=self._did, collection=COLLECTION, rkey=rkey
                )
            )
        except Exception as exc:
            raise ConnectorFailure(self.resolve(exc)) from exc

    # -- errors → decisions ----------------------------------------------------------------
    def resolve(self, exc: BaseException) -> Resolution:
        if isinstance(exc, ConnectorFailure):
            return exc.resolution
        if isinstance(exc, ax.NetworkError | ax.InvokeTimeoutError):
            return Resolution("retry", "network", retry_after=30.0, detail=str(exc)[:200])
        if isinstance(exc, ax.RequestErrorBase):
            status = exc.response.status_code if exc.response is not None else 0
            name = _error_name(exc)
            headers = (
                {k.lower(): v for k, v in (exc.response.headers or {}).items()}
                if exc.response
                else {}
            )
            if status == 429 or isinstance(exc, ax.RateLimitExceededError):
                return Resolution("rate_limited", "rate_limited", _retry_after(headers), name)
            if name == "ExpiredToken":
                return Resolution("refresh_auth", "expired_token", detail=name)
            if (
                status == 401
                or isinstance(exc, ax.UnauthorizedError)
                or name
                in (
                    "AuthenticationRequired",
                    "AccountTakedown",
                    "InvalidToken",
                )
            ):
                return Resolution("disconnect", "auth", detail=name)
            if status >= 500:
                return Resolution("retry", "server", retry_after=60.0, detail=name or str(status))
            if name in ("RecordAlreadyExists",) or "already exists" in _message(exc).lower():
                return Resolution("ok", "exists", detail=name)
            return Resolution("fail", "rejected", detail=(name + ": " + _message(exc)).strip(": "))
        if isinstance(exc, ax.LoginRequiredError):
            return Resolution("disconnect", "auth", detail=type(exc).__name__)
        return Resolution("retry", "unexpected", retry_after=60.0, detail=type(exc).__name__)


def _error_name(exc: BaseException) -> str:
    resp = getattr(exc, "response", None)
    content = getattr(resp, "content", None)
    return str(getattr(content, "error", "") or "")


def _message(exc: BaseException) -> str:
    resp = getattr(exc, "response", None)
    content = getattr(resp, "content", None)
    return str(getattr(content, "message", "") or "")


def _retry_after(headers: Mapping[str, Any]) -> float:
    if "retry-after" in headers:
        try:
            return max(1.0, float(headers["retry-after"]))
        except ValueError:
            pass
    if "ratelimit-reset" in headers:
        try:
            return max(1.0, float(headers["ratelimit-reset"]) - time.time())
        except ValueError:
            pass
    return 60.0


REGISTRY.add(BlueskyConnector)

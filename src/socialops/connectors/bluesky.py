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
fetch after sign-in is skipped.

Replies and threads: :meth:`BlueskyConnector.reply` answers any post with strong references
(URI and CID) to its parent and its thread's root, its record key being its idempotency key too.
:meth:`BlueskyConnector.publish_thread` chains posts (each part answers the one before it, all
share the first as root); every part is created once under its own key, and a re-run after a
crash finds the parts already there and goes on from the first one missing.
:func:`~socialops.connectors.bluesky_text.split_thread` cuts a long text into numbered parts that
fit; the facets are made by :func:`~socialops.connectors.bluesky_text.facets` (both re-exported
here).

Mentions (:meth:`BlueskyConnector.mentions`): on the real network the AppView's
``app.bsky.notification.listNotifications`` is the normal way; without an AppView (the local
network) they are read from the PDS's firehose (:mod:`socialops.connectors.bluesky_firehose`),
the cursor being the firehose ``seq``."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from atproto import AtUri, Client, models
from atproto_client import exceptions as ax

from socialops.connectors.bluesky_firehose import BlueskyFirehose
from socialops.connectors.bluesky_text import facets, split_thread
from socialops.connectors.core import (
    Connector,
    ConnectorFailure,
    Identity,
    Mention,
    OutgoingPost,
    PlatformLimits,
    PostMetrics,
    Published,
    Resolution,
)
from socialops.connectors.registry import REGISTRY

__all__ = ["BlueskyConnector", "facets", "split_thread"]

#: how long :meth:`BlueskyConnector.mentions` reads the firehose at most, and how long a quiet
#: firehose means the host has nothing more to replay
MENTIONS_TIMEOUT_S = 20.0
MENTIONS_IDLE_S = 1.0

COLLECTION = "app.bsky.feed.post"
#: XRPC error names that mean the session is refused for good (connect again)
_AUTH_ERRORS = frozenset({"AuthenticationRequired", "AccountTakedown", "InvalidToken"})


#: posts per ``app.bsky.feed.getPosts`` call (the lexicon's maximum)
METRICS_BATCH = 25


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
        #: where :meth:`mentions` stopped reading (a firehose ``seq``), ``None`` before
        self.mentions_cursor: str | None = None

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

    def _create(
        self, post: OutgoingPost, key: str, reply: dict[str, Any] | None = None
    ) -> tuple[str, str]:
        """Create the post record ``key`` (answering ``reply``'s refs): its URI and CID."""
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
        if reply is not None:
            record["reply"] = reply
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
        return str(res.uri), str(res.cid)

    def publish(self, post: OutgoingPost, key: str) -> Published:
        uri, _ = self._create(post, key)
        return Published(remote_id=uri, url=self._url(key))

    def _get(self, uri: str) -> tuple[str, str, Any] | None:
        """The record at ``uri`` (any repository): URI, CID and value, or ``None``."""
        at = AtUri.from_str(uri)
        try:
            res = self._session().com.atproto.repo.get_record(
                models.ComAtprotoRepoGetRecord.Params(
                    repo=at.host, collection=at.collection, rkey=at.rkey
                )
            )
        except ax.BadRequestError as exc:
            if _error_name(exc) in ("RecordNotFound", "NotFound", "InvalidRequest"):
                return None
            raise ConnectorFailure(self.resolve(exc)) from exc
        except Exception as exc:
            raise ConnectorFailure(self.resolve(exc)) from exc
        return str(res.uri), str(res.cid), res.value

    def _own(self, key: str) -> tuple[str, str] | None:
        self._session()
        got = self._get(f"at://{self._did}/{COLLECTION}/{key}")
        return (got[0], got[1]) if got is not None else None

    # -- replies and threads ---------------------------------------------------------------------
    def reply(self, parent_remote_id: str, post: OutgoingPost, key: str) -> Published:
        """Answer the post ``parent_remote_id`` (an ``at://`` URI, any account's) under ``key``,
        the record key. Exactly once: a reply already made under ``key`` is returned as it is
        (the local PDS answers a second create of a key with a 500, so it is looked up first,
        and again after a failed create). A parent that is gone fails with
        ``reply_parent_missing``."""
        done = self._own(key)
        if done is not None:
            return Published(remote_id=done[0], url=self._url(key))
        parent = self._get(parent_remote_id)
        if parent is None:
            raise ConnectorFailure(
                Resolution("fail", "reply_parent_missing", detail=parent_remote_id)
            )
        uri, cid, value = parent
        parent_ref = {"uri": uri, "cid": cid}
        root_ref = parent_ref
        parent_reply = getattr(value, "reply", None)
        if parent_reply is not None:
            root_ref = {"uri": str(parent_reply.root.uri), "cid": str(parent_reply.root.cid)}
        made = self._create_once(post, key, {"root": root_ref, "parent": parent_ref})
        return Published(remote_id=made[0], url=self._url(key))

    def publish_thread(self, posts: Sequence[OutgoingPost], keys: Sequence[str]) -> list[Published]:
        """Publish ``posts`` as one thread, part ``i`` under ``keys[i]`` answering part ``i-1``.
        Exactly once per part: a part already there (an earlier run that stopped half-way) is
        taken as it is and the chain goes on from it."""
        if len(posts) != len(keys) or not posts:
            raise ValueError("publish_thread needs one key per post, and at least one post")
        out: list[Published] = []
        root: dict[str, str] | None = None
        parent: dict[str, str] | None = None
        for post, key in zip(posts, keys, strict=True):
            ref = self._own(key)
            if ref is None:
                reply = {"root": root, "parent": parent} if root and parent else None
                ref = self._create_once(post, key, reply)
            parent = {"uri": ref[0], "cid": ref[1]}
            root = root or parent
            out.append(Published(remote_id=ref[0], url=self._url(key)))
        return out

    def _create_once(
        self, post: OutgoingPost, key: str, reply: dict[str, Any] | None
    ) -> tuple[str, str]:
        """:meth:`_create`, except that when the create fails but the record ``key`` is there
        after all (a lost answer, a race with another run), that record is the answer."""
        try:
            return self._create(post, key, reply)
        except ConnectorFailure:
            there = self._own(key)
            if there is None:
                raise
            return there

    # -- moderation ------------------------------------------------------------------------------
    def hide(self, remote_id: str) -> None:
        """Hide the reply ``remote_id`` in one of the account's own threads with the thread's
        threadgate (``app.bsky.feed.threadgate``, record key = the root post's): its
        ``hiddenReplies`` gets the reply (apps fold it away; it stays on the network); who
        may reply is left as it was. A reply under someone else's post fails
        (``not_own_thread``): only a thread's author can hide its replies."""
        got = self._get(remote_id)
        if got is None:
            raise ConnectorFailure(Resolution("fail", "reply_parent_missing", detail=remote_id))
        reply = getattr(got[2], "reply", None)
        root = str(reply.root.uri) if reply is not None else ""
        if not root.startswith(f"at://{self._did}/"):
            raise ConnectorFailure(Resolution("fail", "not_own_thread", detail=remote_id))
        rkey = AtUri.from_str(root).rkey
        gate_uri = f"at://{self._did}/app.bsky.feed.threadgate/{rkey}"
        old = self._get(gate_uri)
        gate: dict[str, Any] = {}
        if old is not None:
            gate = dict(old[2].model_dump(by_alias=True, exclude_none=True))
        hidden = [str(h) for h in gate.get("hiddenReplies") or []]
        if remote_id in hidden:
            return
        gate.update(
            {
                "$type": "app.bsky.feed.threadgate",
                "post": root,
                "hiddenReplies": [*hidden, remote_id],
            }
        )
        gate.setdefault("createdAt", self._session().get_current_time_iso())
        try:
            self._session().com.atproto.repo.put_record(
                models.ComAtprotoRepoPutRecord.Data(
                    repo=self._did, collection="app.bsky.feed.threadgate", rkey=rkey, record=gate
                )
            )
        except Exception as exc:
            raise ConnectorFailure(self.resolve(exc)) from exc

    # -- mentions --------------------------------------------------------------------------------
    def firehose(self, cursor: int | None = None) -> BlueskyFirehose:
        """A reader of this account's mentions and replies on the PDS's firehose, after
        ``cursor`` (a ``seq``; ``None``: from now on)."""
        self._session()
        return BlueskyFirehose(
            self.settings["service"], self._did, cursor=cursor, handle_of=self._handle_of
        )

    def mentions(self, since: str | None = None) -> list[Mention]:
        """Mentions of and replies to the account, oldest first, read from the PDS's firehose
        after ``since`` (the firehose ``seq``: a :attr:`Mention.cursor`; ``None``: all the PDS
        still keeps). :attr:`mentions_cursor` is then where the reading stopped, even when no
        mention was found."""
        reader = self.firehose(int(since) if since else 0)
        try:
            found = reader.collect(MENTIONS_TIMEOUT_S, idle_s=MENTIONS_IDLE_S)
        except ConnectorFailure:
            raise
        except Exception as exc:
            raise ConnectorFailure(self.resolve(exc)) from exc
        self.mentions_cursor = str(reader.cursor) if reader.cursor is not None else since
        return found

    def _handle_of(self, did: str) -> str:
        try:
            got = self._session().com.atproto.repo.describe_repo({"repo": did})
        except Exception:  # not on this host: the firehose reader shows the DID
            return ""
        return str(got.handle)

    def find(self, key: str, post: OutgoingPost | None = None) -> Published | None:
        found = self._own(key)
        return Published(remote_id=found[0], url=self._url(key)) if found is not None else None

    def metrics(self, remote_ids: Sequence[str]) -> dict[str, PostMetrics]:
        """Likes, replies and reposts (quotes counted as reposts) of the account's posts by
        their ``at://`` URIs, :data:`METRICS_BATCH` at a time, through
        ``app.bsky.feed.getPosts`` — answered by the AppView, which the account's PDS proxies to
        on the network (a local network without an AppView answers an error: the fetch waits
        and tries again later). Bluesky gives no views. A post the AppView no longer has is
        left out."""
        client = self._session()
        out: dict[str, PostMetrics] = {}
        uris = list(remote_ids)
        for i in range(0, len(uris), METRICS_BATCH):
            try:
                answer = client.app.bsky.feed.get_posts(
                    models.AppBskyFeedGetPosts.Params(uris=uris[i : i + METRICS_BATCH])
                )
            except Exception as exc:
                raise ConnectorFailure(self.resolve(exc)) from exc
            for view in answer.posts:
                reposts = view.repost_count
                if reposts is not None and view.quote_count is not None:
                    reposts += view.quote_count
                out[view.uri] = PostMetrics(
                    likes=view.like_count, replies=view.reply_count, reposts=reposts, views=None
                )
        return out

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
            if status == 401 or isinstance(exc, ax.UnauthorizedError) or name in _AUTH_ERRORS:
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

"""Mentions of and replies to one Bluesky account, read from a host's firehose
(``com.atproto.sync.subscribeRepos``) with the ``atproto`` SDK's
:class:`~atproto.FirehoseSubscribeReposClient`.

Why the firehose: on the real network the AppView's ``app.bsky.notification.listNotifications``
is the normal way to read mentions; a network without an AppView (the local one of
``scripts/local-pds.sh``, a self-hosted PDS) has no notifications at all, and its firehose is the
fallback. A PDS's firehose carries only the repositories that PDS hosts (so it sees mentions by
its own accounts); a relay's carries the whole network (heavy: every post of everyone).

What is kept: creates of ``app.bsky.feed.post`` records, not by the account itself, whose facets
mention the account's DID (``mention``) or whose reply parent or root is one of the account's
posts (``reply``: the URI names the account's DID). Updates and deletes are not mentions.

Where a reader stands is the firehose ``seq`` (:attr:`BlueskyFirehose.cursor`, also each
:class:`Mention`'s ``cursor``): persist it and pass it back to replay only what came after (the
host replays from its backfill window; ``0`` replays everything it still keeps). Reading is
bounded: :meth:`BlueskyFirehose.collect` returns after ``timeout_s``, when ``until`` is satisfied,
or after ``idle_s`` without any event (the host has nothing more to replay)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from atproto import (
    CAR,
    Client,
    FirehoseSubscribeReposClient,
    firehose_models,
    models,
    parse_subscribe_repos_message,
)

from socialops.connectors.core import Mention, MentionKind

__all__ = ["POST", "BlueskyFirehose", "post_url", "websocket_base"]

POST = "app.bsky.feed.post"
_MENTION = "app.bsky.richtext.facet#mention"
#: how often :meth:`BlueskyFirehose.collect` looks at its deadline and its ``until``
_TICK_S = 0.05
#: the SDK reconnects after this long without a frame; ``collect`` stops before that matters
_RECV_TIMEOUT_S = 30.0

Until = Callable[[list[Mention]], bool]


class _Subscription(FirehoseSubscribeReposClient):
    """The SDK's client, noting when its connection is up (``collect``'s quiet time counts from
    then, not from a slow handshake)."""

    connected_at: float | None = None

    def _get_client(self) -> Any:  # the SDK's hook that opens the websocket
        client = super()._get_client()
        self.connected_at = time.monotonic()
        return client


def websocket_base(service: str) -> str:
    """The firehose base URI of a PDS or relay URL: ``http://h:p`` → ``ws://h:p/xrpc``."""
    base = service.rstrip("/")
    if base.startswith("https://"):
        base = "wss://" + base[len("https://") :]
    elif base.startswith("http://"):
        base = "ws://" + base[len("http://") :]
    return base if base.endswith("/xrpc") else base + "/xrpc"


def post_url(handle: str, uri: str) -> str:
    """The public bsky.app URL of the post ``uri`` (``at://did/app.bsky.feed.post/rkey``)."""
    return f"https://bsky.app/profile/{handle}/post/{uri.rsplit('/', 1)[-1]}"


def _did_of(uri: str) -> str:
    return uri[len("at://") :].split("/", 1)[0] if uri.startswith("at://") else ""


def _utc_iso(value: Any, fallback: str) -> str:
    for raw in (value, fallback):
        try:
            when = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
        except ValueError:
            continue
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return when.astimezone(UTC).isoformat()
    return datetime.now(UTC).isoformat()


class BlueskyFirehose:
    """Reads the mentions of and replies to the account ``did`` from the firehose of
    ``service`` (a PDS or relay URL, ``http(s)://``), starting after ``cursor`` (a ``seq``;
    ``None``: only what happens from now on). ``handle_of`` names an author (DID → handle); by
    default the host is asked (``com.atproto.repo.describeRepo``), and the DID stands in when it
    cannot say."""

    def __init__(
        self,
        service: str,
        did: str,
        *,
        cursor: int | None = None,
        handle_of: Callable[[str], str] | None = None,
    ) -> None:
        self.service = service.rstrip("/")
        self.did = did
        self.cursor = cursor
        self._handle_of = handle_of
        self._handles: dict[str, str] = {}
        self._lookup: Client | None = None

    # -- one event ------------------------------------------------------------------------------
    def handle(self, did: str) -> str:
        """``did``'s handle (cached; the DID itself when no one can say)."""
        if did not in self._handles:
            handle = ""
            try:
                if self._handle_of is not None:
                    handle = self._handle_of(did)
                else:
                    if self._lookup is None:
                        self._lookup = Client(base_url=self.service + "/xrpc")
                    handle = str(self._lookup.com.atproto.repo.describe_repo({"repo": did}).handle)
            except Exception:  # an author the host does not know: shown by DID
                handle = ""
            self._handles[did] = handle or did
        return self._handles[did]

    def read(self, frame: firehose_models.MessageFrame) -> list[Mention]:
        """The mentions in one firehose frame (advances :attr:`cursor` past it). A frame of a
        kind this SDK does not know, or whose blocks do not decode, holds no mention for us."""
        try:
            message = parse_subscribe_repos_message(frame)
        except Exception:  # a newer event type than the SDK's lexicons: not a post
            return []
        seq = getattr(message, "seq", None)
        if isinstance(seq, int):
            self.cursor = seq
        if isinstance(message, models.ComAtprotoSyncSubscribeRepos.Identity):
            if message.handle and message.handle != "handle.invalid":
                self._handles[message.did] = message.handle
            return []
        if not isinstance(message, models.ComAtprotoSyncSubscribeRepos.Commit):
            return []
        if message.repo == self.did or not message.blocks:
            return []
        creates = [
            op
            for op in message.ops
            if op.action == "create" and op.cid is not None and op.path.startswith(POST + "/")
        ]
        if not creates:
            return []
        try:
            car = CAR.from_bytes(message.blocks)
        except Exception:  # a broken commit: skipped, the stream goes on
            return []
        out = []
        for op in creates:
            record = car.blocks.get(op.cid)
            if isinstance(record, Mapping):
                uri = f"at://{message.repo}/{op.path}"
                found = self._mention(uri, message.repo, record, message.seq, str(message.time))
                if found is not None:
                    out.append(found)
        return out

    def _mention(
        self, uri: str, author: str, record: Mapping[str, Any], seq: int, when: str
    ) -> Mention | None:
        reply = record.get("reply") if isinstance(record.get("reply"), Mapping) else None
        parent = str(reply["parent"]["uri"]) if reply and "parent" in reply else None
        root = str(reply["root"]["uri"]) if reply and "root" in reply else None
        mentioned = any(
            feature.get("$type") == _MENTION and feature.get("did") == self.did
            for facet in record.get("facets") or []
            for feature in facet.get("features") or []
            if isinstance(feature, Mapping)
        )
        kind: MentionKind
        if self.did in (_did_of(parent or ""), _did_of(root or "")):
            kind = "reply"
        elif mentioned:
            kind = "mention"
        else:
            return None
        handle = self.handle(author)
        return Mention(
            remote_id=uri,
            url=post_url(handle, uri),
            author_id=author,
            author_handle=handle,
            text=str(record.get("text") or ""),
            created_at=_utc_iso(record.get("createdAt"), when),
            parent_remote_id=parent,
            root_remote_id=root,
            kind=kind,
            cursor=str(seq),
        )

    # -- a bounded read ---------------------------------------------------------------------------
    def collect(
        self, timeout_s: float, until: Until | None = None, idle_s: float | None = None
    ) -> list[Mention]:
        """Subscribe from :attr:`cursor` and return the mentions seen (oldest first) once
        ``until(mentions so far)`` is true, ``timeout_s`` has passed, or (with ``idle_s``) no
        event came for ``idle_s`` seconds once connected. :attr:`cursor` then stands after the
        last event read, so the next ``collect`` goes on from there. An error in the SDK's
        client is raised here."""
        params = {"cursor": self.cursor} if self.cursor is not None else None
        client = _Subscription(
            params=params, base_uri=websocket_base(self.service), recv_timeout=_RECV_TIMEOUT_S
        )
        found: list[Mention] = []
        lock = threading.Lock()
        failures: list[BaseException] = []
        last_event = [0.0]

        def on_message(frame: firehose_models.MessageFrame) -> None:
            got = self.read(frame)
            with lock:
                last_event[0] = time.monotonic()
                found.extend(got)

        def run() -> None:
            try:
                client.start(on_message, failures.append)
            except Exception as exc:  # raised in the caller's thread below
                failures.append(exc)

        worker = threading.Thread(target=run, name="bluesky-firehose", daemon=True)
        started = time.monotonic()
        worker.start()
        try:
            while worker.is_alive() and not failures:
                now = time.monotonic()
                with lock:
                    done = until is not None and until(list(found))
                    since = max(last_event[0], client.connected_at or now)
                    quiet = idle_s is not None and now - since >= idle_s
                if done or quiet or now - started >= timeout_s:
                    break
                time.sleep(_TICK_S)
        finally:
            client.stop()
            worker.join(timeout=5.0)
        if failures:
            raise failures[0]
        with lock:
            return list(found)

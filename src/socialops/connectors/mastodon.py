"""Mastodon through ``Mastodon.py``, against any instance (tested against a real local
``mastodon-mock`` server: ``tests/connectors/conftest.py``).

Exactly once, and what is and is not guaranteed:

- :meth:`MastodonConnector.publish` sends the post's idempotency key as Mastodon's
  ``Idempotency-Key`` header. Mastodon remembers a key per account for about an hour: a second
  ``POST /api/v1/statuses`` with the same key returns the status the first one created instead of
  creating another. A retry with the same key inside that hour is therefore safe even when the
  first answer was lost (timeout, crash after send). ``mastodon-mock`` keeps keys for good.
- Mastodon has no lookup by idempotency key, so :meth:`MastodonConnector.find` reconciles by
  reading the account's own recent statuses (newest first, at most :data:`FIND_SCAN` of them,
  none created before the key's time when the key is a :func:`~socialops.connectors.core.new_tid`
  TID, less :data:`CLOCK_SKEW_S`) and matching the text (the rendered HTML reduced to plain
  text, whitespace collapsed) and the images' alt texts. It needs the post's text: given as
  ``find(key, post)``, or remembered from a ``publish`` under that key by this same connector
  object. Without either it cannot tell and answers ``None`` (the scheduler then sends again
  under the same ``Idempotency-Key``, which is safe for the hour above).
- Not guaranteed: a status deleted on the platform in the meantime is not found; when the same
  account posted the *identical* text (and alt texts) more than once since the key's time, the
  oldest such status is taken; after the instance forgot the key (about an hour) and the text was
  not known to ``find``, a retry can post twice.

Text is counted Mastodon's way (500 code points, every URL 23). Images (at most 4, alt text
required) are uploaded with ``media_post`` (the alt text is the media description), waiting until
the instance has processed them. Rate limits are thrown, not waited out in-process: the scheduler
persists the wait (``X-RateLimit-Reset``).

Replies (:meth:`MastodonConnector.reply`) go out like posts, with ``in_reply_to_id`` and the same
``Idempotency-Key``; an answer to a direct message stays direct. Mentions
(:meth:`MastodonConnector.mentions`) are the ``mention`` notifications, read oldest first after a
notification id; direct messages (:meth:`MastodonConnector.conversations`) are the latest status
of each conversation, read after a status id."""

from __future__ import annotations

import html
import re
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from mastodon import Mastodon
from mastodon import errors as mx

from socialops.connectors.core import (
    Connector,
    ConnectorFailure,
    Identity,
    Mention,
    MentionKind,
    OutgoingPost,
    PlatformLimits,
    PostMetrics,
    Published,
    Resolution,
    tid_time,
)
from socialops.connectors.registry import REGISTRY

__all__ = ["MastodonConnector", "plain_text", "tid_time"]

#: how many of the account's newest statuses :meth:`MastodonConnector.find` reads at most
FIND_SCAN = 200
#: how many statuses one ``GET /api/v1/statuses?id[]=`` asks for (:meth:`MastodonConnector.metrics`)
METRICS_BATCH = 20
#: how far before the key's time a status may have been created and still match (clock skew)
CLOCK_SKEW_S = 300.0
REQUEST_TIMEOUT_S = 30.0
#: how many pages (of :data:`PAGE`) one :meth:`MastodonConnector.mentions` or ``conversations``
#: call reads at most; the last item's cursor goes on from there
READ_PAGES = 10
PAGE = 40
_BREAK = re.compile(r"<br\s*/?>|</p>\s*<p[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def plain_text(content: str) -> str:
    """A status's HTML ``content`` (or a post's text) as comparable plain text: tags removed
    (Mastodon's hidden parts of long links are kept, so the full URL comes back), entities
    decoded, every run of whitespace one space."""
    text = _TAG.sub("", _BREAK.sub(" ", content))
    return _SPACE.sub(" ", html.unescape(text)).strip()


def _normal(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


class MastodonConnector(Connector):
    platform: ClassVar[str] = "mastodon"
    limits: ClassVar[PlatformLimits] = PlatformLimits(
        max_chars=500,
        count="mastodon",
        max_media=4,
        max_media_bytes=16_000_000,
        alt_text=True,
    )
    settings_keys = ("instance",)
    secret_keys = ("access_token",)

    def __init__(self, settings: Mapping[str, str], secrets: Mapping[str, str]) -> None:
        super().__init__(settings, secrets)
        self._api: Mastodon | None = None
        self._me: Any = None
        self._sent: dict[str, OutgoingPost] = {}

    # -- session -------------------------------------------------------------------------------
    def _client(self) -> Mastodon:
        if self._api is None:
            self._api = Mastodon(
                access_token=self._secrets.get("access_token", ""),
                api_base_url=self.settings["instance"].rstrip("/"),
                ratelimit_method="throw",
                request_timeout=REQUEST_TIMEOUT_S,
                version_check_mode="none",
            )
        return self._api

    def _account(self) -> Any:
        if self._me is None:
            try:
                self._me = self._client().account_verify_credentials()
            except Exception as exc:
                raise ConnectorFailure(self.resolve(exc)) from exc
        return self._me

    def check(self) -> Identity:
        me = self._account()
        return Identity(
            account_id=str(me["id"]),
            handle=str(me.get("acct") or me.get("username") or ""),
            display_name=str(me.get("display_name") or ""),
            permissions=("publish", "delete"),
        )

    # -- publishing ----------------------------------------------------------------------------
    @staticmethod
    def _published(status: Any) -> Published:
        return Published(remote_id=str(status["id"]), url=str(status.get("url") or status["uri"]))

    def publish(self, post: OutgoingPost, key: str) -> Published:
        api = self._client()
        self._sent[key] = post
        try:
            media_ids = []
            for m in post.media:
                media = api.media_post(
                    m.path, mime_type=m.mime, description=m.alt or None, synchronous=True
                )
                media_ids.append(media["id"])
            status = api.status_post(
                post.text,
                media_ids=media_ids or None,
                language=post.langs[0] if post.langs else None,
                idempotency_key=key,
            )
        except Exception as exc:
            raise ConnectorFailure(self.resolve(exc)) from exc
        return self._published(status)

    def find(self, key: str, post: OutgoingPost | None = None) -> Published | None:
        """The status published under ``key``, found among the account's recent statuses by its
        text (see the module's docstring for what this does and does not guarantee)."""
        wanted = post if post is not None else self._sent.get(key)
        if wanted is None:
            return None
        text = _normal(wanted.text)
        alts = sorted(_normal(m.alt) for m in wanted.media)
        made = tid_time(key)
        since = made - timedelta(seconds=CLOCK_SKEW_S) if made is not None else None
        api = self._client()
        me = self._account()
        match = None
        seen = 0
        try:
            page = api.account_statuses(me["id"], limit=40, exclude_reblogs=True)
            while page:
                for status in page:
                    seen += 1
                    created = status.get("created_at")
                    if since is not None and isinstance(created, datetime):
                        if created.tzinfo is None:
                            created = created.replace(tzinfo=UTC)
                        if created < since:
                            return self._published(match) if match is not None else None
                    if plain_text(str(status.get("content") or "")) != text:
                        continue
                    got = sorted(
                        _normal(str(a.get("description") or ""))
                        for a in status.get("media_attachments") or []
                    )
                    if got == alts:
                        match = status  # newest first: the last match is the oldest
                if seen >= FIND_SCAN:
                    break
                page = api.fetch_next(page)
        except ConnectorFailure:
            raise
        except Exception as exc:
            raise ConnectorFailure(self.resolve(exc)) from exc
        return self._published(match) if match is not None else None

    def delete(self, remote_id: str) -> None:
        try:
            self._client().status_delete(remote_id)
        except mx.MastodonNotFoundError:
            return  # already gone
        except Exception as exc:
            raise ConnectorFailure(self.resolve(exc)) from exc

    # -- replies, mentions, conversations ------------------------------------------------------
    def reply(self, parent_remote_id: str, post: OutgoingPost, key: str) -> Published:
        """Answer the status ``parent_remote_id`` under ``key`` (``Idempotency-Key``: a repeat
        within the instance's memory of keys returns the first reply). An answer to a direct
        message is direct too; a parent that is gone fails with ``reply_parent_missing``."""
        api = self._client()
        self._sent[key] = post
        try:
            try:
                parent = api.status(parent_remote_id)
            except mx.MastodonNotFoundError as exc:
                raise ConnectorFailure(
                    Resolution("fail", "reply_parent_missing", detail=parent_remote_id)
                ) from exc
            media_ids = []
            for m in post.media:
                media = api.media_post(
                    m.path, mime_type=m.mime, description=m.alt or None, synchronous=True
                )
                media_ids.append(media["id"])
            status = api.status_post(
                post.text,
                in_reply_to_id=parent_remote_id,
                media_ids=media_ids or None,
                visibility="direct" if parent.get("visibility") == "direct" else None,
                language=post.langs[0] if post.langs else None,
                idempotency_key=key,
            )
        except ConnectorFailure:
            raise
        except Exception as exc:
            raise ConnectorFailure(self.resolve(exc)) from exc
        return self._published(status)

    def mentions(self, since: str | None = None) -> list[Mention]:
        """The statuses that mention the account (``mention`` notifications), oldest first,
        after the notification id ``since`` (``None``: from the oldest; at most
        :data:`READ_PAGES` pages a call). Kind: ``dm`` for a direct status, ``reply`` for an
        answer to the account's status, else ``mention``; the cursor is the notification id."""
        me = str(self._account()["id"])
        out: list[Mention] = []
        for n in self._pages(
            lambda after: self._client().notifications(types=["mention"], min_id=after, limit=PAGE),
            since,
        ):
            if n.get("status") is not None:
                out.append(self._mention(n["status"], me, str(n["id"])))
        return out

    def conversations(self, since: str | None = None) -> list[Mention]:
        """Direct-message conversations whose latest status someone else wrote, as that
        status (kind ``dm``), oldest first, after the status id ``since`` (the cursor)."""
        me = str(self._account()["id"])
        out: list[Mention] = []
        for c in self._pages(
            lambda after: self._client().conversations(min_id=after, limit=PAGE),
            since,
            key="last_status",
        ):
            last = c.get("last_status")
            if last is not None and str(last["account"]["id"]) != me:
                out.append(self._mention(last, me, str(last["id"]), kind="dm"))
        return out

    def _pages(self, fetch: Any, since: str | None, key: str = "") -> list[Any]:
        """Every item after ``since``, oldest first (``min_id`` paging; the cursor of an item is
        its id, or its ``key`` item's id)."""

        def ident(item: Any) -> str:
            return str((item[key] if key else item)["id"])

        out: list[Any] = []
        after = since or "0"
        try:
            for _ in range(READ_PAGES):
                page = sorted(fetch(after) or [], key=lambda i: _id_order(ident(i)))
                page = [i for i in page if _id_order(ident(i)) > _id_order(after)]
                if not page:
                    break
                out += page
                after = ident(page[-1])
        except Exception as exc:
            raise ConnectorFailure(self.resolve(exc)) from exc
        return out

    def _mention(
        self, status: Any, me: str, cursor: str, kind: MentionKind | None = None
    ) -> Mention:
        account = status.get("account") or {}
        if kind is None:
            if status.get("visibility") == "direct":
                kind = "dm"
            elif str(status.get("in_reply_to_account_id") or "") == me:
                kind = "reply"
            else:
                kind = "mention"
        created = status.get("created_at")
        if isinstance(created, datetime):
            when = created if created.tzinfo else created.replace(tzinfo=UTC)
            created_at = when.astimezone(UTC).isoformat()
        else:
            created_at = str(created or "")
        parent = status.get("in_reply_to_id")
        return Mention(
            remote_id=str(status["id"]),
            url=str(status.get("url") or status.get("uri") or ""),
            author_id=str(account.get("id") or ""),
            author_handle=str(account.get("acct") or account.get("username") or ""),
            text=plain_text(str(status.get("content") or "")),
            created_at=created_at,
            parent_remote_id=str(parent) if parent is not None else None,
            root_remote_id=None,
            kind=kind,
            cursor=cursor,
        )

    # -- metrics -------------------------------------------------------------------------------
    def metrics(self, remote_ids: Sequence[str]) -> dict[str, PostMetrics]:
        """Favourites, replies and boosts of the account's statuses (Mastodon gives no views:
        ``None``). Asks :data:`METRICS_BATCH` at a time (``GET /api/v1/statuses?id[]=``,
        Mastodon 4.3); an instance without that endpoint (404) is asked one status at a time.
        A status the instance no longer has is left out."""
        api = self._client()
        found: list[Any] = []
        ids = list(remote_ids)
        try:
            for start in range(0, len(ids), METRICS_BATCH):
                chunk = ids[start : start + METRICS_BATCH]
                try:
                    found += api.statuses(chunk)
                except mx.MastodonNotFoundError:
                    for one in chunk:
                        try:
                            found.append(api.status(one))
                        except mx.MastodonNotFoundError:
                            continue  # deleted
        except Exception as exc:
            raise ConnectorFailure(self.resolve(exc)) from exc
        return {
            str(s["id"]): PostMetrics(
                likes=_count(s.get("favourites_count")),
                replies=_count(s.get("replies_count")),
                reposts=_count(s.get("reblogs_count")),
            )
            for s in found
            if s is not None
        }

    # -- errors → decisions ----------------------------------------------------------------
    def resolve(self, exc: BaseException) -> Resolution:
        if isinstance(exc, ConnectorFailure):
            return exc.resolution
        if isinstance(exc, mx.MastodonRatelimitError):
            return Resolution("rate_limited", "rate_limited", self._reset_in(), str(exc)[:200])
        if isinstance(exc, mx.MastodonNetworkError):
            return Resolution("retry", "network", retry_after=30.0, detail=str(exc)[:200])
        if isinstance(exc, mx.MastodonUnauthorizedError):
            return Resolution("disconnect", "auth", detail=_api_message(exc) or "401")
        if isinstance(exc, mx.MastodonServerError):
            return Resolution(
                "retry", "server", retry_after=60.0, detail=str(_api_status(exc) or "5xx")
            )
        if isinstance(exc, mx.MastodonAPIError):
            status = _api_status(exc)
            message = _api_message(exc)
            if status == 429:
                return Resolution("rate_limited", "rate_limited", self._reset_in(), message)
            if status == 403 and "scope" in message.lower():
                return Resolution("disconnect", "auth", detail=message)
            if status is not None and status >= 500:
                return Resolution("retry", "server", retry_after=60.0, detail=str(status))
            return Resolution("fail", "rejected", detail=(f"{status or ''} {message}").strip())
        if isinstance(exc, mx.MastodonIOError | mx.MastodonIllegalArgumentError):
            return Resolution("fail", "rejected", detail=str(exc)[:200])
        return Resolution("retry", "unexpected", retry_after=60.0, detail=type(exc).__name__)

    def _reset_in(self) -> float:
        """Seconds until the instance's rate limit resets (``X-RateLimit-Reset``, which
        ``Mastodon.py`` reads from every answer), 60 when it did not say."""
        reset = getattr(self._api, "ratelimit_reset", None) if self._api is not None else None
        if isinstance(reset, int | float) and reset > time.time():
            return max(1.0, float(reset) - time.time())
        return 60.0


def _id_order(ident: str) -> tuple[int, str]:
    """Mastodon ids are numbers as strings (snowflakes): order by length, then text."""
    return (len(ident.lstrip("0")), ident.lstrip("0"))


def _count(value: Any) -> int | None:
    return int(value) if isinstance(value, int) else None


def _api_status(exc: BaseException) -> int | None:
    args: tuple[Any, ...] = tuple(exc.args)
    return args[1] if len(args) > 1 and isinstance(args[1], int) else None


def _api_message(exc: BaseException) -> str:
    args: tuple[Any, ...] = tuple(exc.args)
    return str(args[3] or args[2] or "")[:300] if len(args) > 3 else str(exc)[:300]


REGISTRY.add(MastodonConnector)

"""What the pages and the API do with a workspace's data: one analytics store per workspace
(DuckDB, opened once and shared under a lock), analysis results cached until the data or the
topics change, the posts explorer (:mod:`socialops.web.explorer`) and the overview. Uploads
are :mod:`socialops.web.uploads` and :mod:`socialops.web.actions.data`.

Caches are keyed by what each result depends on, so a change refreshes only what it touched:
the *data version* (the enriched files) for the explorer, the overview and the posts lists;
the data version and the definitions of the topics an analysis covers for an analysis (a new
topic leaves every other topic's results, and the explorer, as they were). A listening page is
built in the background (:meth:`Services.page`): it waits at most ``web_page_wait`` seconds
(0.8 s), then shows the last figures it had for the same view and says they are being
brought up to date, or, the first time, that they are being computed. After a change
(:meth:`Services.changed`) the default pages are rebuilt in the background at once.

Several processes (``serve --processes N``): each has its own caches. A change made in one is
signalled to the others (:mod:`socialops.store.bus`, through Redis when set), which look at the
data version again at once instead of after :data:`VERSION_TTL`; the process that made the
change rebuilds the default views, the others on their next request. A removed workspace is
forgotten by every process the same way.

Post text, author names and file contents are untrusted: they are returned as data (JSON, or
escaped by the templates) and never spliced into SQL — queries are parsed by
:mod:`socialops.nlp.query` and compiled to Ibis expressions; sorting and filters are chosen
from fixed lists.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import ibis
import numpy as np
import pyarrow.compute as pc
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from socialops import settings
from socialops.errors import DataError, SettingsError, SocialopsError, TopicError
from socialops.listen.analyses import (
    ANALYSES,
    check_matches,
    match_counts,
    no_match_warnings,
    run_analysis,
)
from socialops.listen.scope import Scope, parse_day, resolve
from socialops.listen.topics import Topic, list_topics, resolve_topics
from socialops.nlp import query as q
from socialops.store.analytics import AnalyticsStore, fetch_arrow, open_store
from socialops.store.bus import RESYNC, bus
from socialops.store.db import folder_id
from socialops.store.texts import post_texts
from socialops.store.workspace import Workspace
from socialops.web.accounts import Accounts
from socialops.web.explorer import (
    DETAIL_COLUMNS,
    LIST_COLUMNS,
    Explorer,
    PostQuery,
    jsonable,
    oldest_first,
    paged,
)
from socialops.web.uploads import upload_name

__all__ = [
    "FRESH",
    "PENDING",
    "STALE",
    "WARM_ANALYSES",
    "Services",
    "page_wait",
    "scope_of",
    "warming",
]

log = logging.getLogger(__name__)
T = TypeVar("T")
FRESH, STALE, PENDING = "fresh", "stale", "pending"  # what a page's figures are (Services.page)
WARM_ANALYSES = ("volume", "sov", "sentiment", "spikes", "assoc", "themes", "influencers")
VERSION_TTL = 1.0  # seconds a data version is trusted before the files are looked at again
STORE_RENEW_S = 300.0  # a store connection is renewed after a data change at most this often
CHANGED, FORGET = "web.changed", "web.forget"  # signals between processes, keyed by workspace id
EXPLORER_MAX_POSTS = 3_000_000  # above: explorer pages are queried from the store


def _same_folder(ws: Workspace) -> bool:
    """Whether ``ws``, opened earlier, is still its folder's database: on PostgreSQL the schema
    is named after the folder's id, which a folder removed and made again changes (one small
    file read). SQLite's pool drops connections to a replaced file itself."""
    schema = ws.db.schema  # opened by Services.workspace: no database work here
    if schema is None:
        return True
    fid = folder_id(ws.root, create=False)
    return fid is not None and schema.endswith(f"_{fid}")


class _Slot:
    def __init__(self, store: AnalyticsStore) -> None:
        self.store = store
        self.lock = threading.Lock()
        self.data_version: str | None = None  # of the store's data when first served
        self.opened = time.monotonic()

    def renew(self, ws: Workspace, version: str) -> None:  # under self.lock only
        """A fresh connection once the workspace's data changed: DuckDB keeps each Parquet
        file's metadata it has read (``parquet_metadata_cache``) for the connection's life,
        the files of every earlier version too (rollups of files since replaced), so a
        long-lived server's memory grew with every upload (about 85 KB a file a
        connection). Renewed at most every :data:`STORE_RENEW_S` seconds: a connection kept
        warm serves the pages faster, and uploads a second apart would otherwise renew it on
        every request. Takes no other lock."""
        if self.data_version is None:
            self.data_version = version
        elif self.data_version != version and time.monotonic() - self.opened >= STORE_RENEW_S:
            self.store.close()
            self.store = open_store(ws, "duckdb", long_lived=True)
            self.opened = time.monotonic()
            self.data_version = version


class Services:
    """The data side of the web workspace, shared by every request of one server."""

    def __init__(self, accounts: Accounts, cache_size: int = 256) -> None:
        self.accounts = accounts
        self._slots: dict[str, _Slot] = {}
        self._workspaces: dict[str, Workspace] = {}
        self._versions: dict[str, tuple[float, tuple[str, str]]] = {}
        self._stamping = threading.Lock()  # one thread reads the version stamps at a time
        self._explorers: dict[str, tuple[str, Explorer | None]] = {}
        self._explorer_locks: dict[str, threading.Lock] = {}
        self._reindexing: set[str] = set()  # workspaces whose explorer index is being rebuilt
        self._guard = threading.RLock()
        self.stopping = threading.Event()  # set on shutdown: the warm-up stops between steps
        self.served = threading.Event()  # set when the server sent its first answer
        self._cache: OrderedDict[str, Any] = OrderedDict()
        self._cache_size = cache_size
        # pages built in the background: in flight, the latest value per view, failures not
        # yet shown to anyone
        self._inflight: dict[str, Future[Any]] = {}
        self._latest: OrderedDict[str, Any] = OrderedDict()
        self._took: dict[str, float] = {}  # seconds the last build of each view took
        self._failed: dict[str, BaseException] = {}
        # page builds; their threads only compute (they never wait for another build)
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="socialops-page")
        # the refresh after a change, one at a time: it may wait for a build in the pool
        self._warm_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="socialops-warm")
        self._rewarming: set[str] = set()
        # what the pages register to have their default views built by the warm-up
        self.warmers: list[Callable[[Services, str], None]] = []
        # the other processes' changes (a weak reference: a Services nobody holds goes away)
        me = weakref.WeakMethod(self._signalled)

        def signalled(topic: str) -> Callable[[str, bool], None]:
            def call(key: str, local: bool) -> None:
                method = me()
                if method is not None and not local:
                    method(topic, key)

            return call

        signals = bus()
        self._unsubscribe = [signals.subscribe(t, signalled(t)) for t in (CHANGED, FORGET, RESYNC)]

    def workspace(self, slug: str) -> Workspace:
        with self._guard:
            ws = self._workspaces.get(slug)
        if ws is not None and not _same_folder(ws):
            # removed and made again (by another process: its signal may not have come)
            self._forget_here(slug)
            ws = None
        if ws is None:
            ws = Workspace.open(self.accounts.workspace_dir(slug))
            with self._guard:
                self._workspaces[slug] = ws
        return ws

    @contextmanager
    def store(self, slug: str, quick: bool = False) -> Iterator[AnalyticsStore]:
        """The workspace's analytics store, for this thread alone while held. ``quick``: a
        second connection for the short queries a request makes itself (the overview, a post,
        the explorer over the store), so they never wait behind an analysis being built."""
        name = f"{slug}\0quick" if quick else slug
        with self._guard:
            slot = self._slots.get(name)
            if slot is None:
                slot = _Slot(open_store(self.workspace(slug), "duckdb", long_lived=True))
                self._slots[name] = slot
        # before the slot's lock: finding the version may take the stamps' lock and forget a
        # workspace made again (which takes the slots' locks): the other order deadlocked
        try:
            version: str | None = self.data_version(slug)
            ws = self.workspace(slug)
        except (SocialopsError, SQLAlchemyError, OSError):
            version = None  # the request meets the error itself
        with slot.lock:
            if version is not None:
                slot.renew(ws, version)
            yield slot.store

    def warm(self) -> None:
        """Build what the first visitors would otherwise wait for: each workspace's explorer
        index and text index, the Korean analyser (query parsing), the default listening
        results and the pages' default views. Errors are left to the requests that meet them."""
        with contextlib.suppress(SocialopsError):
            q.parse("워밍업")
        for slug in self.accounts.slugs():
            if self.stopping.is_set():
                return
            self.warm_workspace(slug)

    def warm_workspace(self, slug: str) -> None:
        """:meth:`warm` for one workspace."""
        # the pages' default views first: what a visitor opens
        for warmer in self.warmers:
            if self.stopping.is_set():
                return
            with contextlib.suppress(SocialopsError, OSError):
                warmer(self, slug)
        with contextlib.suppress(SocialopsError, OSError):
            if self._explorer(slug) is not None:
                post_texts(self.workspace(slug), [("", "")])
        # what the pages show with the whole range (all topics)
        for name in WARM_ANALYSES:
            if self.stopping.is_set():
                return
            with contextlib.suppress(SocialopsError, OSError):
                self.analysis(slug, name, None, scope_of(None, None, "day"))
        # each topic's most engaging posts (the topic page's list)
        for tp in list_topics(self.workspace(slug)):
            if self.stopping.is_set():
                return
            with contextlib.suppress(SocialopsError, OSError):
                self.posts(slug, PostQuery(tp.query, sort="engagement", per_page=10))

    def _rewarm(self, slug: str) -> None:
        try:
            with self._guard:
                self._rewarming.discard(slug)
            if not self.stopping.is_set():
                self.warm_workspace(slug)
        except Exception:  # a background refresh: the requests meet the error themselves
            log.exception("refreshing %s after a change failed", slug)

    def _signalled(self, topic: str, key: str) -> None:
        """Another process changed (or removed) workspace ``key``; ``RESYNC``: signals may have
        been missed, every workspace is looked at again."""
        if topic == FORGET:
            self._forget_here(key)
            return
        with self._guard:
            if topic == RESYNC:
                self._versions.clear()
            else:
                self._versions.pop(key, None)

    def close(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self.stopping.set()
        # let a running build finish its step (a thread killed inside the native query engine
        # at exit aborts the process); those not started are dropped
        self._warm_pool.shutdown(wait=True, cancel_futures=True)
        self._pool.shutdown(wait=True, cancel_futures=True)
        with self._guard:
            for slot in self._slots.values():
                with slot.lock:
                    slot.store.close()
            self._slots.clear()

    # -- cache -----------------------------------------------------------------------------------
    def version(self, slug: str) -> str:
        """Changes whenever the workspace's enriched data or topics change (looked at again at
        most every :data:`VERSION_TTL` seconds)."""
        data, topics = self._stamps(slug)
        return hashlib.sha256(repr((data, topics)).encode()).hexdigest()[:16]

    def data_version(self, slug: str) -> str:
        """Changes whenever the workspace's enriched data change (not its topics)."""
        return self._stamps(slug)[0]

    def topic_stamp(self, topics: list[Topic]) -> list[tuple[str, str, str, str]]:
        """What an analysis of ``topics`` depends on besides the data: their definitions."""
        return [(t.name, t.query, t.kind, t.competitive_set) for t in topics]

    def _stamps(self, slug: str) -> tuple[str, str]:
        now = time.monotonic()
        with self._guard:
            seen = self._versions.get(slug)
        if seen is not None and now - seen[0] < VERSION_TTL:
            return seen[1]
        # one thread looks at the files; concurrent requests keep the version they had
        if not self._stamping.acquire(blocking=seen is None):
            return seen[1] if seen is not None else self._read_stamps(slug)
        try:
            stamps = self._read_stamps(slug)
        finally:
            self._stamping.release()
        with self._guard:
            self._versions[slug] = (now, stamps)
        return stamps

    def forget(self, slug: str) -> None:
        """Close and drop everything held for a workspace (before it is deleted), here and in
        the other processes of the server."""
        self._forget_here(slug)
        bus().publish(FORGET, slug)

    def _forget_here(self, slug: str) -> None:
        with self._guard:
            slots = [self._slots.pop(n, None) for n in (slug, f"{slug}\0quick")]
            self._workspaces.pop(slug, None)
            self._explorers.pop(slug, None)
            self._versions.pop(slug, None)
            self._latest.pop(self._key(["overview", slug]), None)  # never another folder's
        for slot in slots:
            if slot is not None:
                with slot.lock:
                    slot.store.close()

    def changed(self, slug: str) -> None:
        """Say that ``slug``'s data or topics just changed: the next request looks again, and
        the default views are rebuilt in the background (only what the change touched is
        computed: the other results are still cached under their own keys)."""
        bus().publish(CHANGED, slug)  # the other processes look again at once
        with self._guard:
            self._versions.pop(slug, None)
            if slug in self._rewarming or self.stopping.is_set() or not warming():
                return
            self._rewarming.add(slug)
        with contextlib.suppress(RuntimeError):  # shutting down
            self._warm_pool.submit(self._rewarm, slug)

    def _read_stamps(self, slug: str) -> tuple[str, str]:
        ws = self.workspace(slug)
        files = ws.enriched_files()
        stamp: list[Any] = [(f.name, f.stat().st_size, f.stat().st_mtime_ns) for f in files]
        with ws.connect() as conn:
            topics = conn.execute(
                text("SELECT name, query, kind, updated_at FROM topics ORDER BY name")
            ).all()
        data = hashlib.sha256(repr(stamp).encode()).hexdigest()[:16]
        defs = hashlib.sha256(repr([tuple(r) for r in topics]).encode()).hexdigest()[:16]
        return data, defs

    @staticmethod
    def _key(key: list[Any]) -> str:
        return hashlib.sha256(json.dumps(key, default=str).encode()).hexdigest()

    def cached(self, key: list[Any], make: Callable[[], T]) -> T:
        k = self._key(key)
        with self._guard:
            if k in self._cache:
                self._cache.move_to_end(k)
                hit: T = self._cache[k]
                return hit
        value = make()
        with self._guard:
            self._remember(k, value)
        return value

    def _remember(self, k: str, value: Any) -> None:  # under self._guard
        self._cache[k] = value
        self._cache.move_to_end(k)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)

    def page(
        self,
        view: list[Any],
        version: list[Any],
        build: Callable[[], T],
        wait: float | None = None,
    ) -> tuple[T | None, str]:
        """A page's figures for ``view`` (what the page shows: workspace, form, language) at
        ``version`` (what they depend on), built in the background.

        Waits at most ``wait`` seconds (``None``: until built): returns ``(value, FRESH)`` when
        built in time, else ``(the latest value built for the same view, STALE)`` or
        ``(None, PENDING)`` when there is none yet; the build goes on and a later request gets
        it. A build's error is raised to whoever waits for it, or else to the next request.

        A view that has a latest value does not wait at all when waiting could not help: its
        build was already under way when this request came (another request started it), or
        its last build took longer than ``wait``; one whose last build was quick waits at most
        twice that (plus 50 ms). After an upload the refresh of a dashboard
        over 691,367 posts takes 20-40 s: every request of those seconds waited the whole
        ``wait`` and then showed the latest figures anyway (p50 0.8 s, p95 1.5 s)."""
        fkey = self._key(view)
        k = self._key([view, version])
        with self._guard:
            if k in self._cache:
                self._cache.move_to_end(k)
                return self._cache[k], FRESH
            failed = self._failed.pop(k, None)
            if failed is not None:
                raise failed
            fut = self._inflight.get(k)
            mine = fut is None
            if fut is None:
                fut = Future()
                self._inflight[k] = fut
        if mine:
            if wait is None:  # the warm-up's thread: built here (pool threads only compute)
                self._build(fkey, k, build, fut)
            else:
                try:
                    self._pool.submit(self._build, fkey, k, build, fut)
                except RuntimeError:  # shutting down: build it here
                    self._build(fkey, k, build, fut)
        took = self._took.get(fkey)
        if wait is not None and (not mine or (took is not None and took > wait)):
            with self._guard:
                if fkey in self._latest and not fut.done():
                    return self._latest[fkey], STALE
        if wait is not None and took is not None and fkey in self._latest:
            wait = min(wait, 2 * took + 0.05)  # quick before: worth a short wait, no more
        try:
            value: T = fut.result(timeout=wait)
            return value, FRESH
        except FutureTimeout:
            with self._guard:
                if fkey in self._latest:
                    return self._latest[fkey], STALE
            return None, PENDING
        except BaseException:
            with self._guard:
                self._failed.pop(k, None)  # shown to this request
            raise

    def _build(self, fkey: str, k: str, build: Callable[[], Any], fut: Future[Any]) -> None:
        started = time.monotonic()
        try:
            value = build()
        except BaseException as exc:
            with self._guard:
                self._inflight.pop(k, None)
                self._failed[k] = exc
            fut.set_exception(exc)
            return
        with self._guard:
            self._took[fkey] = time.monotonic() - started
            self._remember(k, value)
            self._latest[fkey] = value
            self._latest.move_to_end(fkey)
            while len(self._latest) > self._cache_size:
                gone, _ = self._latest.popitem(last=False)
                self._took.pop(gone, None)
            self._inflight.pop(k, None)
        fut.set_result(value)

    # -- listening ---------------------------------------------------------------------------------
    def analysis(
        self,
        slug: str,
        name: str,
        topics: list[str] | None,
        scope: Scope,
        lang: str | None = None,
        allow_empty: bool = False,
        **options: Any,
    ) -> dict[str, Any]:
        """A listening analysis (cached until the data or the definitions of its topics
        change), its warnings in ``lang`` (the reader's language; else ``SOCIALOPS_LANG``).
        When none of the topics matches a post in scope it is a :class:`DataError`, unless
        ``allow_empty`` (a topic's own page: its zeros, and its undated posts, are shown)."""
        if name not in ANALYSES:
            raise SettingsError(code="analysis.unknown", name=name, choices=list(ANALYSES))
        tps = resolve_topics(self.workspace(slug), topics or None)
        if not tps:
            raise TopicError(code="topic.none_yet")
        # the data and the definitions of these topics: another topic's change leaves it
        stamp = self.topic_stamp(tps)
        key = ["analysis", slug, self.data_version(slug), name, stamp, scope.to_dict(), options]
        if allow_empty:
            key.append("allow-empty")

        def make() -> tuple[dict[str, Any], list[str], Scope]:
            with self.store(slug) as store:
                sc = resolve(store, scope)
                if allow_empty:
                    counts = match_counts(store, sc, tps)
                else:
                    counts, _ = check_matches(store, sc, tps)
                out = run_analysis(name, store, sc, tps, **options)
            return out, [n for n, c in counts.items() if c == 0], sc

        # one cached result for every language; only the warnings are rendered per reader
        result, unmatched, sc = self.cached(key, make)
        out = dict(result)
        out.setdefault("warnings", no_match_warnings(unmatched, sc, lang))
        return out

    # -- posts explorer ----------------------------------------------------------------------------
    def _explorer(self, slug: str) -> Explorer | None:
        """The workspace's explorer index (built once per data version; ``None`` above
        :data:`EXPLORER_MAX_POSTS` posts, where pages are queried from the store instead)."""
        version = self.data_version(slug)
        with self._guard:
            lock = self._explorer_locks.setdefault(slug, threading.Lock())
        with lock:
            have = self._explorers.get(slug)
            if have is not None and have[0] == version:
                return have[1]
            index = self._build_explorer(slug)
            self._explorers[slug] = (version, index)
            return index

    def _explorer_now(self, slug: str) -> Explorer | None:
        """The explorer index of the current data version (built here when the workspace has
        none yet; ``None`` above :data:`EXPLORER_MAX_POSTS`). When the one it has is of an
        older version (an upload came), its rebuild is started in the background (reading
        every post again takes seconds under load) and ``None`` is returned: the caller asks
        the store meanwhile, which has the new posts at once (the soak's API posts p95 was
        9.6 s of waiting for the rebuild, one request after another on the index's lock)."""
        version = self.data_version(slug)
        with self._guard:
            have = self._explorers.get(slug)
            if have is not None and have[0] != version and slug not in self._reindexing:
                self._reindexing.add(slug)
                start = True
            else:
                start = False
        if have is None:
            return self._explorer(slug)
        if have[0] == version:
            return have[1]
        if start:
            try:
                self._pool.submit(self._reindex, slug)
            except RuntimeError:  # shutting down
                with self._guard:
                    self._reindexing.discard(slug)
        return None

    def _reindex(self, slug: str) -> None:
        try:
            if not self.stopping.is_set():
                self._explorer(slug)
        except Exception:  # a background refresh: the requests meet the error themselves
            log.exception("rebuilding the explorer index of %s failed", slug)
        finally:
            with self._guard:
                self._reindexing.discard(slug)

    def _build_explorer(self, slug: str) -> Explorer | None:
        with self.store(slug) as store:
            try:
                t = store.posts()
            except DataError:
                return None
            n = int(fetch_arrow(t.aggregate(n=t.count())).column("n")[0].as_py() or 0)
            if n > EXPLORER_MAX_POSTS:
                return None
            cols = [c for c in LIST_COLUMNS if c != "text"]
            ordered = t.order_by([ibis.desc(t.created_at), t.platform, t.post_id])
            tab = fetch_arrow(ordered.select(*cols, "match_text", "day", "month"))
        tab = tab.combine_chunks()
        eng = pc.add(
            pc.add(pc.fill_null(tab["likes"], 0), pc.fill_null(tab["comments"], 0)),
            pc.fill_null(tab["shares"], 0),
        ).to_numpy()
        pos = np.arange(tab.num_rows)
        by_key = pc.sort_indices(tab, [("platform", "ascending"), ("post_id", "ascending")])
        key_rank = np.empty(tab.num_rows, np.int64)
        key_rank[by_key.to_numpy()] = pos
        by_eng = np.lexsort((key_rank, -eng))  # ties by (platform, post id)
        oldest = oldest_first(tab)
        return Explorer(tab, {"newest": pos, "oldest": oldest, "engagement": by_eng})

    def posts(self, slug: str, pq: PostQuery) -> dict[str, Any]:
        """A page of posts: ``{total, page, per_page, pages, items}``."""
        pq.check()
        start = parse_day(pq.date_from, "from")
        end = parse_day(pq.date_to, "to")
        if start and end and start > end:
            raise SettingsError(code="scope.order", start=start, end=end)
        index = self._explorer_now(slug)
        if index is None:  # a store above EXPLORER_MAX_POSTS, or the index being rebuilt
            return self._posts_from_store(slug, pq, start, end)
        key = ["posts-order", slug, self.data_version(slug), {**pq.__dict__, "page": 0}]
        order = self.cached(key, lambda: index.select(pq, start, end))
        total = len(order)
        first = (pq.page - 1) * pq.per_page
        rows = index.rows(order[first : first + pq.per_page])
        texts = post_texts(self.workspace(slug), [(r["platform"], r["post_id"]) for r in rows])
        for r in rows:
            r["text"] = texts.get((r["platform"], r["post_id"]), "")
        items = [jsonable({c: r.get(c) for c in LIST_COLUMNS}) for r in rows]
        return paged(items, total, pq.page, pq.per_page)

    def _posts_from_store(
        self, slug: str, pq: PostQuery, start: date | None, end: date | None
    ) -> dict[str, Any]:
        key = ["posts", slug, self.data_version(slug), pq.__dict__]

        def make() -> dict[str, Any]:
            with self.store(slug, quick=True) as store:
                t = store.posts()
                cond = []
                if pq.q.strip():
                    cond.append(q.compile_query(q.parse(pq.q), t.match_text))
                if pq.platform:
                    cond.append(t.platform == pq.platform)
                if pq.lang:
                    cond.append(t.lang == pq.lang)
                if pq.sentiment:
                    cond.append(t.sentiment == pq.sentiment)
                if start:
                    cond.append(t.day >= start)
                    cond.append(t.month >= start.strftime("%Y-%m"))
                if end:
                    cond.append(t.day <= end)
                    cond.append(t.month <= end.strftime("%Y-%m"))
                f = t.filter(cond) if cond else t
                total = int(fetch_arrow(f.aggregate(n=f.count())).column("n")[0].as_py() or 0)
                eng = f.likes.fill_null(0) + f.comments.fill_null(0) + f.shares.fill_null(0)
                order = {
                    "newest": [ibis.desc(f.created_at), f.platform, f.post_id],
                    "oldest": [f.created_at, f.platform, f.post_id],
                    "engagement": [ibis.desc(eng), f.platform, f.post_id],
                }[pq.sort]
                page = f.order_by(order).select(LIST_COLUMNS)
                page = page.limit(pq.per_page, offset=(pq.page - 1) * pq.per_page)
                items = fetch_arrow(page).to_pylist()
            return paged([jsonable(r) for r in items], total, pq.page, pq.per_page)

        return self.cached(key, make)

    def post(self, slug: str, platform: str, post_id: str) -> dict[str, Any] | None:
        """One post with its enrichment."""
        with self.store(slug, quick=True) as store:
            t = store.posts()
            f = t.filter((t.platform == platform) & (t.post_id == post_id)).select(DETAIL_COLUMNS)
            rows = fetch_arrow(f.limit(1)).to_pylist()
        if not rows:
            return None
        row = rows[0]  # the file's name, not where it lay on the server
        row["source_file"] = upload_name(Path(str(row.get("source_file") or "")).name)
        return jsonable(row)

    def overview(self, slug: str, wait: float | None = None) -> dict[str, Any]:
        """Counts of the workspace's posts, built once per data version (requests that come
        while it is built wait for that build instead of each querying the store again).

        ``wait`` (a page's budget, :func:`page_wait`): when the counts of the newest data take
        longer, the last ones built are returned (a page's post count and platform list lag an
        upload by a moment); ``None``: always the newest (the API). Under a stream of uploads
        every page used to count the posts again for each new version, one after another on
        the store's connection: the soak's dashboard and explorer p95 were about 13 s."""
        view = ["overview", slug]
        version = [self.data_version(slug)]

        def make() -> dict[str, Any]:
            with self.store(slug, quick=True) as store:
                try:
                    t = store.posts()
                except DataError:
                    return {"posts": 0, "first_day": None, "last_day": None, "platforms": []}
                agg = t.aggregate(n=t.count(), lo=t.day.min(), hi=t.day.max())
                row = fetch_arrow(agg).to_pylist()[0]
                plat = fetch_arrow(t.group_by("platform").aggregate(n=t.count())).to_pylist()
            return {
                "posts": int(row["n"] or 0),
                "first_day": row["lo"].isoformat() if row["lo"] else None,
                "last_day": row["hi"].isoformat() if row["hi"] else None,
                "platforms": sorted(
                    ({"platform": r["platform"], "posts": int(r["n"])} for r in plat),
                    key=lambda r: (-r["posts"], r["platform"]),
                ),
            }

        counts, _ = self.page(view, version, make, wait)
        if counts is None:  # the first counts of this workspace: nothing older to show
            counts, _ = self.page(view, version, make, None)
        assert counts is not None
        return counts


def warming() -> bool:
    """Whether the caches are warmed on start and refreshed after a change (``web_warm``)."""
    return settings.get("web_warm").strip().lower() not in ("0", "false", "no")


def page_wait() -> float | None:
    """Seconds a listening page waits for its figures (setting ``web_page_wait``); ``None``:
    until they are built."""
    try:
        wait = float(settings.get("web_page_wait"))
    except ValueError:
        wait = 0.8
    return None if wait <= 0 else wait


def scope_of(
    date_from: str | None,
    date_to: str | None,
    every: str = "day",
    platform: str | None = None,
    lang: str | None = None,
) -> Scope:
    return Scope.from_flags(
        date_from, date_to, every, [platform] if platform else [], [lang] if lang else []
    )

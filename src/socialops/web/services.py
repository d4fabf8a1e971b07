"""What the pages and the API do with a workspace's data: one analytics store per workspace
(DuckDB, opened once and shared under a lock), analysis results cached until the data or the
topics change, the posts explorer (:mod:`socialops.web.explorer`) and the overview. Uploads
are :mod:`socialops.web.uploads` and :mod:`socialops.web.actions.data`.

Post text, author names and file contents are untrusted: they are returned as data (JSON, or
escaped by the templates) and never spliced into SQL — queries are parsed by
:mod:`socialops.nlp.query` and compiled to Ibis expressions; sorting and filters are chosen
from fixed lists.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import ibis
import numpy as np
import pyarrow.compute as pc
from sqlalchemy import text

from socialops.errors import DataError, SettingsError, SocialopsError, TopicError
from socialops.listen.analyses import ANALYSES, check_matches, no_match_warnings, run_analysis
from socialops.listen.scope import Scope, parse_day, resolve
from socialops.listen.topics import list_topics, resolve_topics
from socialops.nlp import query as q
from socialops.store.analytics import AnalyticsStore, fetch_arrow, open_store
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

__all__ = ["WARM_ANALYSES", "Services", "scope_of"]

T = TypeVar("T")
WARM_ANALYSES = ("volume", "sov", "sentiment", "spikes", "assoc", "themes", "influencers")
VERSION_TTL = 1.0  # seconds a data version is trusted before the files are looked at again
EXPLORER_MAX_POSTS = 3_000_000  # above: explorer pages are queried from the store


class _Slot:
    def __init__(self, store: AnalyticsStore) -> None:
        self.store = store
        self.lock = threading.Lock()


class Services:
    """The data side of the web workspace, shared by every request of one server."""

    def __init__(self, accounts: Accounts, cache_size: int = 256) -> None:
        self.accounts = accounts
        self._slots: dict[str, _Slot] = {}
        self._workspaces: dict[str, Workspace] = {}
        self._versions: dict[str, tuple[float, str]] = {}
        self._explorers: dict[str, tuple[str, Explorer | None]] = {}
        self._explorer_locks: dict[str, threading.Lock] = {}
        self._guard = threading.RLock()
        self.stopping = threading.Event()  # set on shutdown: the warm-up stops between steps
        self._cache: OrderedDict[str, Any] = OrderedDict()
        self._cache_size = cache_size

    def workspace(self, slug: str) -> Workspace:
        with self._guard:
            ws = self._workspaces.get(slug)
        if ws is None:
            ws = Workspace.open(self.accounts.workspace_dir(slug))
            with self._guard:
                self._workspaces[slug] = ws
        return ws

    @contextmanager
    def store(self, slug: str) -> Iterator[AnalyticsStore]:
        """The workspace's analytics store, for this thread alone while held."""
        with self._guard:
            slot = self._slots.get(slug)
            if slot is None:
                slot = _Slot(open_store(self.workspace(slug), "duckdb"))
                self._slots[slug] = slot
        with slot.lock:
            yield slot.store

    def warm(self) -> None:
        """Build what the first visitors would otherwise wait for: each workspace's explorer
        index and text index, and the Korean analyser (query parsing). Errors are left to the
        requests that meet them."""
        with contextlib.suppress(SocialopsError):
            q.parse("워밍업")
        for slug in self.accounts.slugs():
            if self.stopping.is_set():
                return
            with contextlib.suppress(SocialopsError, OSError):
                if self._explorer(slug) is not None:
                    post_texts(self.workspace(slug), [("", "")])
            # what the dashboard and topic pages show by default (all topics, whole range)
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

    def close(self) -> None:
        with self._guard:
            for slot in self._slots.values():
                with slot.lock:
                    slot.store.close()
            self._slots.clear()

    # -- cache -----------------------------------------------------------------------------------
    def version(self, slug: str) -> str:
        """Changes whenever the workspace's enriched data or topics change (looked at again at
        most every :data:`VERSION_TTL` seconds)."""
        now = time.monotonic()
        with self._guard:
            seen = self._versions.get(slug)
        if seen is not None and now - seen[0] < VERSION_TTL:
            return seen[1]
        version = self._version(slug)
        with self._guard:
            self._versions[slug] = (now, version)
        return version

    def forget(self, slug: str) -> None:
        """Close and drop everything held for a workspace (before it is deleted)."""
        with self._guard:
            slot = self._slots.pop(slug, None)
            self._workspaces.pop(slug, None)
            self._explorers.pop(slug, None)
            self._versions.pop(slug, None)
        if slot is not None:
            with slot.lock:
                slot.store.close()

    def changed(self, slug: str) -> None:
        """Say that ``slug``'s data or topics just changed: the next request looks again."""
        with self._guard:
            self._versions.pop(slug, None)

    def _version(self, slug: str) -> str:
        ws = self.workspace(slug)
        files = ws.enriched_files()
        stamp: list[Any] = [(f.name, f.stat().st_size, f.stat().st_mtime_ns) for f in files]
        with ws.connect() as conn:
            topics = conn.execute(
                text("SELECT name, query, kind, updated_at FROM topics ORDER BY name")
            ).all()
        stamp.append([tuple(r) for r in topics])
        return hashlib.sha256(repr(stamp).encode()).hexdigest()[:16]

    def cached(self, key: list[Any], make: Callable[[], T]) -> T:
        k = hashlib.sha256(json.dumps(key, default=str).encode()).hexdigest()
        with self._guard:
            if k in self._cache:
                self._cache.move_to_end(k)
                hit: T = self._cache[k]
                return hit
        value = make()
        with self._guard:
            self._cache[k] = value
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return value

    # -- listening ---------------------------------------------------------------------------------
    def analysis(
        self,
        slug: str,
        name: str,
        topics: list[str] | None,
        scope: Scope,
        lang: str | None = None,
        **options: Any,
    ) -> dict[str, Any]:
        """A listening analysis (cached until the data or topics change), its warnings in
        ``lang`` (the reader's language; else ``SOCIALOPS_LANG``)."""
        if name not in ANALYSES:
            raise SettingsError(code="analysis.unknown", name=name, choices=list(ANALYSES))
        key = ["analysis", slug, self.version(slug), name, topics, scope.to_dict(), options]

        def make() -> tuple[dict[str, Any], list[str], Scope]:
            ws = self.workspace(slug)
            tps = resolve_topics(ws, topics or None)
            if not tps:
                raise TopicError(code="topic.none_yet")
            with self.store(slug) as store:
                sc = resolve(store, scope)
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
        version = self.version(slug)
        with self._guard:
            lock = self._explorer_locks.setdefault(slug, threading.Lock())
        with lock:
            have = self._explorers.get(slug)
            if have is not None and have[0] == version:
                return have[1]
            index = self._build_explorer(slug)
            self._explorers[slug] = (version, index)
            return index

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
        index = self._explorer(slug)
        if index is None:
            return self._posts_from_store(slug, pq, start, end)
        key = ["posts-order", slug, self.version(slug), {**pq.__dict__, "page": 0}]
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
        key = ["posts", slug, self.version(slug), pq.__dict__]

        def make() -> dict[str, Any]:
            with self.store(slug) as store:
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
        with self.store(slug) as store:
            t = store.posts()
            f = t.filter((t.platform == platform) & (t.post_id == post_id)).select(DETAIL_COLUMNS)
            rows = fetch_arrow(f.limit(1)).to_pylist()
        if not rows:
            return None
        row = rows[0]  # the file's name, not where it lay on the server
        row["source_file"] = upload_name(Path(str(row.get("source_file") or "")).name)
        return jsonable(row)

    def overview(self, slug: str) -> dict[str, Any]:
        """Counts of the workspace's posts (cached)."""
        key = ["overview", slug, self.version(slug)]

        def make() -> dict[str, Any]:
            with self.store(slug) as store:
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

        return self.cached(key, make)


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

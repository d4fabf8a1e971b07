"""What the pages and the API do with a workspace's data: one analytics store per workspace
(DuckDB, opened once and shared under a lock), analysis results cached until the data or the
topics change, the posts explorer, topics, imports and uploads.

Post text, author names and file contents are untrusted: they are returned as data (JSON, or
escaped by the templates) and never spliced into SQL — queries are parsed by
:mod:`socialops.listen.query` and compiled to Ibis expressions; sorting and filters are chosen
from fixed lists.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from socialops.errors import DataError, SettingsError, TopicError
from socialops.listen.scope import Scope, parse_day
from socialops.store.analytics import AnalyticsStore, fetch_arrow, open_store
from socialops.store.workspace import Workspace
from socialops.web.accounts import Accounts

__all__ = ["POST_SORTS", "PostQuery", "Services"]

T = TypeVar("T")
POST_SORTS = ("newest", "oldest", "engagement")
SENTIMENTS = ("positive", "neutral", "negative")
MAX_PER_PAGE = 100
LIST_COLUMNS = [
    "platform",
    "post_id",
    "created_at",
    "author_handle",
    "text",
    "lang",
    "sentiment",
    "likes",
    "comments",
    "shares",
    "url",
]
DETAIL_COLUMNS = [
    *LIST_COLUMNS,
    "kind",
    "author_id",
    "views",
    "author_followers",
    "language",
    "parent_id",
    "reply_to_id",
    "repost_of_id",
    "source_file",
    "source_row",
    "import_id",
    "text_norm",
    "urls",
    "mentions",
    "hashtags",
    "emojis",
    "tokens",
    "lemmas",
    "sentiment_score",
    "keywords",
    "enriched_by",
    "day",
    "hour",
]


@dataclass(frozen=True)
class PostQuery:
    """A page of the posts explorer: a boolean query (topic syntax), filters, sort, page."""

    q: str = ""
    platform: str | None = None
    lang: str | None = None
    sentiment: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    sort: str = "newest"
    page: int = 1
    per_page: int = 20

    def check(self) -> None:
        if self.sort not in POST_SORTS:
            raise SettingsError(f"sort {self.sort!r}: use one of {', '.join(POST_SORTS)}.")
        if self.sentiment is not None and self.sentiment not in SENTIMENTS:
            raise SettingsError(
                f"sentiment {self.sentiment!r}: use one of {', '.join(SENTIMENTS)}."
            )
        if self.page < 1:
            raise SettingsError("page starts at 1.")
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise SettingsError(f"per_page must be 1 to {MAX_PER_PAGE}.")
        if len(self.q) > 1000:
            raise SettingsError("The query is too long: at most 1,000 characters.")


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
        self._guard = threading.RLock()
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

    def close(self) -> None:
        with self._guard:
            for slot in self._slots.values():
                with slot.lock:
                    slot.store.close()
            self._slots.clear()

    # -- cache -----------------------------------------------------------------------------------
    def version(self, slug: str) -> str:
        """Changes whenever the workspace's enriched data or topics change."""
        ws = self.workspace(slug)
        files = ws.enriched_files()
        stamp: list[Any] = [(f.name, f.stat().st_size, f.stat().st_mtime_ns) for f in files]
        with closing(ws.connect()) as conn:
            topics = conn.execute(
                "SELECT name, query, kind, updated_at FROM topics ORDER BY name"
            ).fetchall()
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
        **options: Any,
    ) -> dict[str, Any]:
        """A listening analysis (cached until the data or topics change)."""
        from socialops.listen.analyses import ANALYSES, check_matches, run_analysis
        from socialops.listen.scope import resolve
        from socialops.listen.topics import resolve_topics

        if name not in ANALYSES:
            raise SettingsError(f"Unknown analysis {name!r}: use one of {', '.join(ANALYSES)}.")
        key = ["analysis", slug, self.version(slug), name, topics, scope.to_dict(), options]

        def make() -> dict[str, Any]:
            ws = self.workspace(slug)
            tps = resolve_topics(ws, topics or None)
            if not tps:
                raise TopicError("No topics yet: add a topic first (Topics page or the API).")
            with self.store(slug) as store:
                sc = resolve(store, scope)
                _, warnings = check_matches(store, sc, tps)
                out = run_analysis(name, store, sc, tps, **options)
            out.setdefault("warnings", warnings)
            return out

        return self.cached(key, make)

    # -- posts explorer ----------------------------------------------------------------------------
    def posts(self, slug: str, pq: PostQuery) -> dict[str, Any]:
        """A page of posts: ``{total, page, per_page, pages, items}``."""
        import ibis

        from socialops.listen import query as q

        pq.check()
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
                start = parse_day(pq.date_from, "from")
                end = parse_day(pq.date_to, "to")
                if start and end and start > end:
                    raise SettingsError("from is after to: swap them.")
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
            return {
                "total": total,
                "page": pq.page,
                "per_page": pq.per_page,
                "pages": max(1, -(-total // pq.per_page)),
                "items": [_jsonable(r) for r in items],
            }

        return self.cached(key, make)

    def post(self, slug: str, platform: str, post_id: str) -> dict[str, Any] | None:
        """One post with its enrichment."""
        with self.store(slug) as store:
            t = store.posts()
            f = t.filter((t.platform == platform) & (t.post_id == post_id)).select(DETAIL_COLUMNS)
            rows = fetch_arrow(f.limit(1)).to_pylist()
        return _jsonable(rows[0]) if rows else None

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


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in row.items():
        if isinstance(v, date):
            out[k] = v.isoformat()
        else:
            out[k] = v
    return out


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


def save_upload(folder: Path, name: str, chunks: Iterator[bytes], limit: int) -> Path:
    """Write an upload to ``folder`` (a safe name, at most ``limit`` bytes; removed and
    :class:`ValueError` when bigger)."""
    import re
    import secrets

    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name).name)[-80:] or "upload"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{secrets.token_hex(4)}-{safe}"
    size = 0
    with path.open("wb") as fh:
        for chunk in chunks:
            size += len(chunk)
            if size > limit:
                fh.close()
                path.unlink(missing_ok=True)
                raise ValueError("too large")
            fh.write(chunk)
    return path

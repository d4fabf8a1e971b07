"""The posts explorer's pieces: a page's query (:class:`PostQuery`), the columns a list and a
post show, the in-memory index of a workspace's posts (:class:`Explorer`) and the one shape of
a page of a list (:func:`paged`).

Post text and author names are untrusted: they are returned as data (JSON, or escaped by the
templates) and never spliced into SQL — queries are parsed by :mod:`socialops.nlp.query` and
compiled to Arrow compute or Ibis expressions; sorting and filters are chosen from fixed
lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from socialops.errors import SettingsError
from socialops.nlp import query as q

__all__ = [
    "DETAIL_COLUMNS",
    "LIST_COLUMNS",
    "POST_SORTS",
    "SENTIMENTS",
    "Explorer",
    "PostQuery",
    "jsonable",
    "oldest_first",
    "paged",
]

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
            raise SettingsError(code="explorer.bad_sort", value=self.sort, choices=POST_SORTS)
        if self.sentiment is not None and self.sentiment not in SENTIMENTS:
            raise SettingsError(
                code="explorer.bad_sentiment", value=self.sentiment, choices=SENTIMENTS
            )
        if self.page < 1:
            raise SettingsError(code="explorer.bad_page")
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise SettingsError(code="explorer.bad_per_page", max=MAX_PER_PAGE)
        if len(self.q) > 1000:
            raise SettingsError(code="explorer.query_too_long")


class Explorer:
    """The posts explorer's in-memory index of a workspace: every post's list columns (without
    the text, which comes from the text index for the page shown) and ``match_text``, newest
    first, with the other sort orders as positions. A query or filter is evaluated once over
    the columns (Arrow compute, the same Kleene logic as the engines) and its positions cached;
    any page is then a slice (about 220 bytes a post in memory)."""

    def __init__(self, table: Any, orders: dict[str, Any]) -> None:
        self.table = table
        self.orders = orders

    def select(self, pq: PostQuery, start: date | None, end: date | None) -> Any:
        t = self.table
        masks = []
        if pq.q.strip():
            masks.append(q.compile_arrow(q.parse(pq.q), t["match_text"]))
        for col, value in (
            ("platform", pq.platform),
            ("lang", pq.lang),
            ("sentiment", pq.sentiment),
        ):
            if value:
                masks.append(pc.equal(t[col], value))
        if start:
            masks.append(pc.greater_equal(t["day"], pa.scalar(start, pa.date32())))
        if end:
            masks.append(pc.less_equal(t["day"], pa.scalar(end, pa.date32())))
        order = self.orders[pq.sort]
        if not masks:
            return order
        mask = masks[0]
        for m in masks[1:]:
            mask = pc.and_kleene(mask, m)
        keep = pc.fill_null(mask, False).to_numpy(zero_copy_only=False)
        return order[np.asarray(keep)[order]]

    def rows(self, positions: Any) -> list[dict[str, Any]]:
        cols = [c for c in LIST_COLUMNS if c != "text"]
        out: list[dict[str, Any]] = self.table.select(cols).take(pa.array(positions)).to_pylist()
        return out


def oldest_first(tab: Any) -> Any:
    """Positions of ``tab`` (newest first) oldest first: by time, then platform and post id;
    posts without a time last, as newest first has them."""
    n = tab.num_rows
    ts = tab["created_at"]
    dated = pc.is_valid(ts).to_numpy(zero_copy_only=False)
    k = int(dated.sum())  # newest first: the dated posts come first (nulls last)
    secs = pc.fill_null(ts.cast("int64"), 0).to_numpy()
    pos = np.arange(n)
    # within one instant the newest-first order is (platform, post id) ascending: keep it
    dated_pos = pos[:k]
    order = dated_pos[np.lexsort((dated_pos, secs[:k]))]
    return np.concatenate([order, pos[k:]])


def paged(items: list[Any], total: int, page: int, per_page: int) -> dict[str, Any]:
    """The one shape of a page of a list: ``{total, page, per_page, pages, items}``."""
    return {
        "total": total,
        "page": page,
        "per_page": per_page,
        "pages": max(1, -(-total // per_page)),
        "items": items,
    }


def jsonable(row: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in row.items():
        if isinstance(v, date):
            out[k] = v.isoformat()
        else:
            out[k] = v
    return out

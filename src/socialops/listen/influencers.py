"""Influential authors per topic: by engagement, and by a reply / mention / repost network.

Authors are keyed by their handle, lower-cased (``@United`` and ``united`` are one author), or by
``id:<author_id>`` when a post has no handle; posts with neither are left out.

**Engagement** (over each topic's posts in scope): ``posts``; ``likes``, ``comments``, ``shares``
and ``engagement = likes + comments + shares`` (a missing count is 0); ``engagement_per_post``;
``reach`` = the largest ``author_followers`` seen on the author's posts (``null`` when the data
never says). Ranked by engagement, then posts, then the author key.

**Network**: a directed, weighted graph over the topic's posts in scope, with an edge from a
post's author to

- the author of the post it replies to (``reply_to_id``),
- the author of the post it reposts (``repost_of_id``) — target posts are looked up among all
  posts of the same platform, whatever their date,
- every account it @mentions (``mentions``, lower-cased, without ``@``; an account is the author
  whose lower-cased handle it is).

Each reply, repost and mention adds 1 to the edge's weight; self-links are dropped. Authors are
ranked by weighted **PageRank** (power iteration, damping ``d``, uniform teleport, the rank of
authors without out-links spread evenly over all nodes; at most :data:`MAX_ITER` iterations, until
the L1 change is below :data:`TOL`), then by the author key. Scores sum to 1. With ``in_degree``
(distinct authors linking in), ``in_links`` (total incoming weight), and the author's posts,
engagement and reach in the topic. Data without handles or links (e.g. anonymous reviews) gives an
empty graph with a note.

Counting: the author figures and the mention edges come from one unnest of each topic post into
a row per @mention plus one of its own, grouped by (author, target) (:func:`_rollup`). Tracked
topics are asked about again and again, so that grouping is kept per cached match file of the
topic (one enriched file, so one month), by platform, language and month, in
``<workspace>/cache/topics/<query key>/authors/<match file name>`` (built by the store's engine
on first use, deleted when its match file goes; every figure is a sum, max or min, so the rows of
several months and platforms add up exactly). A query takes the months wholly in range, and the
edge months whose match files hold no day outside it (Parquet statistics), from these rollups
(filtered by platform and language), and aggregates the posts in range of the other edge months;
one Ibis query re-aggregates both for every topic. Replies and reposts cost a cheap scan of two id
columns to see whether there are any, and when there are, one more query.
PageRank runs in Python over the small edge list, with nodes in key order, so DuckDB and Spark
give identical results.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np

from socialops.errors import SettingsError
from socialops.listen.scope import (
    ResultTable,
    Scope,
    months_between,
    resolve,
    scoped_posts,
    topic_posts,
)

if TYPE_CHECKING:
    from pathlib import Path

    import ibis.expr.types as ir

    from socialops.listen.topics import Topic
    from socialops.store.analytics import AnalyticsStore

__all__ = ["influencers", "influencers_tables", "pagerank"]

MAX_ITER = 200
TOL = 1e-10
EDGE_KINDS = ("mention", "reply", "repost")
EMPTY_NOTE = (
    "no replies, reposts or @mentions between identifiable authors in this topic's posts "
    "(e.g. reviews without handles): there is no network to rank"
)
_FIGURES = ("posts", "likes", "comments", "shares")
SELF = " "  # the target of an author's own row in the rollup (no handle contains a space)
NO_AUTHORS_NOTE = "the topic's posts carry no author handle or id"


# -- PageRank ----------------------------------------------------------------------------------
def pagerank(
    n: int,
    src: Sequence[int],
    dst: Sequence[int],
    weight: Sequence[float],
    *,
    damping: float = 0.85,
    max_iter: int = MAX_ITER,
    tol: float = TOL,
) -> tuple[np.ndarray, int, bool]:
    """Weighted PageRank of nodes ``0..n-1`` over edges ``src[k] → dst[k]``.

    Returns ``(scores, iterations, converged)``; scores sum to 1. Nodes without out-links
    (dangling) give their rank evenly to every node, as does the teleport ``1 - damping``."""
    from scipy import sparse

    if n == 0:
        return np.zeros(0), 0, True
    s = np.asarray(src, dtype=np.int64)
    d = np.asarray(dst, dtype=np.int64)
    w = np.asarray(weight, dtype=np.float64)
    out = np.bincount(s, weights=w, minlength=n)
    # transition matrix, transposed: column j holds j's out-links, normalised to sum to 1
    pt = sparse.csr_matrix((w / out[s], (d, s)), shape=(n, n))
    dangling = out == 0
    r = np.full(n, 1.0 / n)
    converged = False
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007 - the count is returned
        new = damping * (pt @ r + r[dangling].sum() / n) + (1.0 - damping) / n
        new /= new.sum()
        err = float(np.abs(new - r).sum())
        r = new
        if err < tol:
            converged = True
            break
    return r, it, converged


# -- Ibis --------------------------------------------------------------------------------------
def _author_key(t: ir.Table) -> ir.StringValue:
    import ibis

    handle = t.author_handle.lower().nullif("")
    aid = ibis.literal("id:").concat(t.author_id.nullif(""))
    return ibis.coalesce(handle, aid)


def _flagged(
    store: AnalyticsStore, scope: Scope, topics: Sequence[Topic], links: bool = False
) -> ir.Table:
    """Posts in scope that match a topic and have an author: ``author`` key and a boolean
    ``m{i}`` per topic (one row per post and topic it matches); with ``links``, only replies and
    reposts."""
    import ibis

    parts = []
    for i, t in enumerate(topic_posts(store, scope, topics)):
        if links:
            t = t.filter(t.reply_to_id.notnull() | t.repost_of_id.notnull())
        flags = {f"m{j}": ibis.literal(j == i) for j in range(len(topics))}
        parts.append(t.mutate(author=_author_key(t), **flags))
    u = parts[0] if len(parts) == 1 else ibis.union(*parts)
    return u.filter(u.author.notnull())


# the author rollup: one row per (author, target) and group key, with these figures
_ROLLUP_BY = ("platform", "lang", "month")
_ROLLUP_FIGURES = ("handle", "author_id", "posts", "likes", "comments", "shares", "reach")
_ROLLUP_SCHEMA = {
    "author": "string",
    "target": "string",
    **dict.fromkeys(_ROLLUP_BY, "string"),
    "handle": "string",
    "author_id": "string",
    **dict.fromkeys(("posts", "likes", "comments", "shares", "reach"), "int64"),
}


def _rollup(t: ir.Table, by: Sequence[str] = ()) -> ir.Table:
    """One scan for both the author figures and the mention edges of one topic's posts ``t``
    (with an ``author`` key, never null): each post is unnested into one row per @mention
    (``target`` = the handle, lower-cased, without ``@``) plus one row with ``target`` =
    :data:`SELF`; grouped by ``(author, target, *by)``, the SELF rows hold the author's
    ``posts``, ``likes``, ``comments``, ``shares``, ``reach`` (largest ``author_followers``) and
    smallest ``handle`` and ``author_id``; the other rows' ``posts`` is the number of mentions of
    ``target`` by ``author``. Every figure is a sum, max or min, so rollups of parts add up."""
    import ibis

    strs = "array<string>"
    mentions = t.mentions.fill_null(ibis.literal([], type=strs))
    u = t.mutate(target=mentions.concat(ibis.literal([SELF], type=strs)).unnest())
    name = u.target.lower()
    u = u.mutate(target=name.startswith("@").ifelse(name.substr(1), name).nullif(""))
    u = u.filter(u.target.notnull(), u.target != u.author)
    return u.group_by(["author", "target", *by]).aggregate(
        handle=u.author_handle.min(),
        author_id=u.author_id.min(),
        posts=u.count(),
        likes=u.likes.fill_null(0).sum(),
        comments=u.comments.fill_null(0).sum(),
        shares=u.shares.fill_null(0).sum(),
        reach=u.author_followers.max(),
    )


def _write_author_rollups(store: AnalyticsStore, todo: list[tuple[Path, Path]]) -> None:
    """Write the author rollup of each ``(match file, rollup file)`` (one engine query for all:
    each file's rows carry its index ``_f``)."""
    import ibis
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from socialops.store.analytics import fetch_arrow

    base = store._read_indexed([src for src, _ in todo], "socialops_tp_part")
    t = base.mutate(author=_author_key(base))
    table = fetch_arrow(_rollup(t.filter(t.author.notnull(), t.day.notnull()), ("_f", *_ROLLUP_BY)))
    store._drop(base.get_name())
    schema = ibis.schema(_ROLLUP_SCHEMA).to_pyarrow()
    cols = table.select(list(_ROLLUP_SCHEMA)).cast(schema)
    for k, (_, target) in enumerate(todo):
        part = cols.filter(pc.equal(table.column("_f"), pa.scalar(k, pa.int32())))
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        pq.write_table(part, tmp)
        os.replace(tmp, target)


def _author_rollups(
    store: AnalyticsStore, topics: Sequence[Topic]
) -> list[tuple[ir.Table, dict[str, list[Path]]]]:
    """For each topic: its author rollup (:func:`_rollup` by platform, language and month of
    every cached match file, kept in ``<topic cache folder>/authors/<match file name>``, built
    on first use, stale ones deleted) as a table, and its match files by month."""

    def build(todo: list[tuple[Path, Path]]) -> None:
        _write_author_rollups(store, todo)

    store.topic_posts([(tp.query, tp.tree) for tp in topics])  # the match files exist
    out = []
    for tp in topics:
        files = store.topic_derived(tp.query, "authors", build)
        by_month: dict[str, list[Path]] = {}
        for month, path in files:
            by_month.setdefault(month, []).append(path.parent.parent / path.name)
        table = store._read([p for _, p in files], "socialops_topic_authors")
        out.append((table, by_month))
    return out


def _day_range(path: Path) -> tuple[date, date] | None:
    """The first and last ``day`` in a Parquet file, from its statistics (``None`` when they
    are missing; an empty range, first > last, when the file has no dated row)."""
    import pyarrow.parquet as pq

    md = pq.ParquetFile(path).metadata
    lo: date | None = None
    hi: date | None = None
    for g in range(md.num_row_groups):
        rg = md.row_group(g)
        for c in range(rg.num_columns):
            col = rg.column(c)
            if col.path_in_schema != "day":
                continue
            st = col.statistics
            if st is None or (not st.has_min_max and st.null_count != col.num_values):
                return None
            if st.has_min_max:
                if not isinstance(st.min, date) or not isinstance(st.max, date):
                    return None
                lo = st.min if lo is None else min(lo, st.min)
                hi = st.max if hi is None else max(hi, st.max)
            break
        else:
            return None  # no day column
    if lo is None or hi is None:
        return date.max, date.min
    return lo, hi


def _split_months(scope: Scope, by_month: dict[str, list[Path]]) -> tuple[list[str], list[str]]:
    """The months of the scope's range to take ``whole`` from the rollup (wholly inside the
    range, or whose match files hold no day outside it) and the ``partial`` ones, to count from
    the posts in range."""
    assert scope.start and scope.end
    whole: list[str] = []
    partial: list[str] = []
    for m, first, last in months_between(scope.start, scope.end):
        files = by_month.get(m)
        if not files:
            continue  # no posts that month
        if scope.start <= first and last <= scope.end:
            whole.append(m)
            continue
        ranges = [_day_range(f) for f in files]
        if all(r is not None and scope.start <= r[0] and r[1] <= scope.end for r in ranges):
            whole.append(m)
        elif any(r is None or (r[0] <= scope.end and scope.start <= r[1]) for r in ranges):
            partial.append(m)
    return whole, partial


def _figures(
    store: AnalyticsStore, scope: Scope, topics: Sequence[Topic], exact: bool = False
) -> ir.Table | None:
    """``(ti, author, target, handle, author_id, posts, likes, comments, shares, reach)``: the
    :func:`_rollup` of every topic's posts in scope (``ti``: the topic's index), in one query:
    whole months from the author rollups (filtered by platform and language), partial months
    from the posts in range; ``exact`` aggregates every post in scope instead. ``None`` when no
    month of the range holds posts."""
    import ibis

    cols = ["author", "target", *_ROLLUP_FIGURES]

    def from_posts(t: ir.Table) -> ir.Table:
        t = t.mutate(author=_author_key(t))
        return _rollup(t.filter(t.author.notnull())).select(*cols)

    scoped = topic_posts(store, scope, topics)
    parts = []
    if exact:
        parts = [(i, from_posts(t)) for i, t in enumerate(scoped)]
    else:
        for i, (t, (r, by_month)) in enumerate(
            zip(scoped, _author_rollups(store, topics), strict=True)
        ):
            whole, partial = _split_months(scope, by_month)
            if whole:
                r = r.filter(r.month.isin(whole))
                if scope.platforms:
                    r = r.filter(r.platform.isin(list(scope.platforms)))
                if scope.langs:
                    r = r.filter(r.lang.isin(list(scope.langs)))
                parts.append((i, r.select(*cols)))
            if partial:
                parts.append((i, from_posts(t.filter(t.month.isin(partial)))))
    if not parts:
        return None
    tagged = [p.mutate(ti=ibis.literal(i, "int32")) for i, p in parts]
    u = tagged[0] if len(tagged) == 1 else ibis.union(*tagged)
    return u.group_by(["ti", "author", "target"]).aggregate(
        handle=u.handle.min(),
        author_id=u.author_id.min(),
        posts=u.posts.sum(),
        likes=u.likes.sum(),
        comments=u.comments.sum(),
        shares=u.shares.sum(),
        reach=u.reach.max(),
    )


def _links(store: AnalyticsStore, r: ir.Table, k: int) -> ir.Table:
    """``(author, target, kind, w_0..w_k)``: replies and reposts among topic posts ``r``, to the
    author of the post they answer or share (looked up among all posts, any date)."""
    import ibis

    flags = [f"m{i}" for i in range(k)]
    links = [
        r.select("platform", "author", *flags, ref=r[col], kind=ibis.literal(kind))
        for col, kind in (("reply_to_id", "reply"), ("repost_of_id", "repost"))
    ]
    refs = ibis.union(*links).filter(lambda x: x.ref.notnull())
    posts = store.posts()
    targets = posts.select("platform", "post_id", target=_author_key(posts))
    targets = targets.filter(targets.target.notnull())
    targets = targets.semi_join(
        refs, [targets.platform == refs.platform, targets.post_id == refs.ref]
    ).distinct()
    allx = refs.join(
        targets, [refs.platform == targets.platform, refs.ref == targets.post_id]
    ).select("author", *flags, "target", "kind")
    allx = allx.filter(allx.target != allx.author)
    aggs = {f"w_{i}": allx[f"m{i}"].ifelse(1, 0).sum() for i in range(k)}
    return allx.group_by(["author", "target", "kind"]).aggregate(**aggs)


def _has_links(store: AnalyticsStore, scope: Scope) -> bool:
    """Whether any post in scope is a reply or a repost (a cheap scan of two id columns)."""
    from socialops.store.analytics import fetch_arrow

    t = scoped_posts(store, scope)
    t = t.filter(t.reply_to_id.notnull() | t.repost_of_id.notnull())
    return bool(fetch_arrow(t.aggregate(n=t.count())).to_pylist()[0]["n"])


# -- the analysis ------------------------------------------------------------------------------
def _author_row(key: str, st: dict[str, Any] | None, i: int) -> dict[str, Any]:
    if st is None:  # only ever mentioned / replied to in this topic
        return {
            "author": key,
            "handle": None if key.startswith("id:") else key,
            "author_id": key[3:] if key.startswith("id:") else None,
            "posts": 0,
            "likes": 0,
            "comments": 0,
            "shares": 0,
            "engagement": 0,
            "engagement_per_post": None,
            "reach": None,
        }
    posts = int(st[f"posts_{i}"] or 0)
    likes = int(st[f"likes_{i}"] or 0)
    comments = int(st[f"comments_{i}"] or 0)
    shares = int(st[f"shares_{i}"] or 0)
    eng = likes + comments + shares
    reach = st[f"reach_{i}"]
    return {
        "author": key,
        "handle": st["handle"],
        "author_id": st["author_id"],
        "posts": posts,
        "likes": likes,
        "comments": comments,
        "shares": shares,
        "engagement": eng,
        "engagement_per_post": round(eng / posts, 4) if posts else None,
        "reach": int(reach) if reach is not None else None,
    }


def _graph(
    edges: list[dict[str, Any]],
    stats: dict[str, dict[str, Any]],
    i: int,
    limit: int,
    damping: float,
) -> dict[str, Any]:
    weights: dict[tuple[str, str], int] = {}
    by_kind = dict.fromkeys(EDGE_KINDS, 0)
    for e in edges:
        w = int(e[f"w_{i}"] or 0)
        if w:
            key = (e["author"], e["target"])
            weights[key] = weights.get(key, 0) + w
            by_kind[e["kind"]] += w
    nodes = sorted({n for pair in weights for n in pair})
    head: dict[str, Any] = {
        "nodes": len(nodes),
        "edges": len(weights),
        "links": sum(weights.values()),
        "links_by_kind": by_kind,
    }
    if not weights:
        return {**head, "note": EMPTY_NOTE, "iterations": 0, "converged": True, "top": []}
    index = {n: j for j, n in enumerate(nodes)}
    pairs = sorted(weights)
    src = [index[a] for a, _ in pairs]
    dst = [index[b] for _, b in pairs]
    scores, iters, converged = pagerank(
        len(nodes), src, dst, [float(weights[p]) for p in pairs], damping=damping
    )
    in_deg = np.bincount(dst, minlength=len(nodes))
    in_links = np.bincount(dst, weights=[weights[p] for p in pairs], minlength=len(nodes))
    out_deg = np.bincount(src, minlength=len(nodes))
    order = sorted(range(len(nodes)), key=lambda j: (-round(float(scores[j]), 12), nodes[j]))
    top = []
    for rank, j in enumerate(order[:limit], 1):
        row = _author_row(nodes[j], stats.get(nodes[j]), i)
        top.append(
            {
                "rank": rank,
                "author": row["author"],
                "handle": row["handle"],
                "author_id": row["author_id"],
                "pagerank": round(float(scores[j]), 8),
                "in_degree": int(in_deg[j]),
                "in_links": int(in_links[j]),
                "out_degree": int(out_deg[j]),
                "posts": row["posts"],
                "engagement": row["engagement"],
                "reach": row["reach"],
            }
        )
    return {
        **head,
        "note": None,
        "iterations": iters,
        "converged": converged,
        "pagerank_sum": round(float(scores.sum()), 8),
        "top": top,
    }


def influencers(
    store: AnalyticsStore,
    scope: Scope,
    topics: Sequence[Topic],
    *,
    limit: int = 20,
    damping: float = 0.85,
    _exact: bool = False,
) -> dict[str, Any]:
    """The ``limit`` most influential authors of each topic by engagement and by PageRank over
    the topic's reply / mention / repost network (see the module doc). ``_exact=True``
    aggregates every post in scope instead of reading the author rollups (tests compare)."""
    from socialops.store.analytics import fetch_arrow

    if limit < 1:
        raise SettingsError(code="analysis.limit", limit=limit)
    if not 0.0 < damping < 1.0:
        raise SettingsError(code="analysis.damping", value=damping)
    if scope.start is None or scope.end is None:
        scope = resolve(store, scope)
    topics = list(topics)
    out: dict[str, Any] = {
        "analysis": "influencers",
        "scope": scope.to_dict(),
        "topics": [t.name for t in topics],
        "limit": limit,
        "damping": damping,
        "results": [],
    }
    if not topics:
        return out
    k = len(topics)
    stats: dict[str, dict[str, Any]] = {}
    edges: list[dict[str, Any]] = []
    empty: dict[str, Any] = {f"{m}_{j}": 0 for m in _FIGURES for j in range(k)}
    empty.update({f"reach_{j}": None for j in range(k)})
    figures = _figures(store, scope, topics, _exact)
    for r in fetch_arrow(figures).to_pylist() if figures is not None else []:
        i = r["ti"]
        if r["target"] != SELF:
            weights = {f"w_{j}": r["posts"] if j == i else 0 for j in range(k)}
            edges.append(
                {"author": r["author"], "target": r["target"], "kind": "mention", **weights}
            )
            continue
        st = stats.setdefault(
            r["author"], {"handle": None, "author_id": None, "author": r["author"], **empty}
        )
        for m in (*_FIGURES, "reach"):
            st[f"{m}_{i}"] = r[m]
        for c in ("handle", "author_id"):  # the smallest over every topic
            if r[c] is not None and (st[c] is None or r[c] < st[c]):
                st[c] = r[c]
    if _has_links(store, scope):
        links = _flagged(store, scope, topics, links=True)
        edges.extend(fetch_arrow(_links(store, links, k)).to_pylist())
    for i, tp in enumerate(topics):
        rows = [_author_row(a, st, i) for a, st in stats.items() if st[f"posts_{i}"]]
        rows.sort(key=lambda r: (-r["engagement"], -r["posts"], r["author"]))
        ranked = [{"rank": n, **r} for n, r in enumerate(rows[:limit], 1)]
        out["results"].append(
            {
                "topic": tp.name,
                "kind": tp.kind,
                "authors": len(rows),
                "authored_posts": sum(r["posts"] for r in rows),
                "note": None if rows else NO_AUTHORS_NOTE,
                "by_engagement": ranked,
                "graph": _graph(edges, stats, i, limit, damping),
            }
        )
    return out


# -- tables ------------------------------------------------------------------------------------
_ENG_COLS = [
    "topic",
    "rank",
    "handle",
    "author_id",
    "posts",
    "likes",
    "comments",
    "shares",
    "engagement",
    "engagement_per_post",
    "reach",
]
_NET_COLS = [
    "topic",
    "rank",
    "handle",
    "author_id",
    "pagerank",
    "in_degree",
    "in_links",
    "out_degree",
    "posts",
    "engagement",
    "reach",
]


def influencers_tables(result: dict[str, Any]) -> list[ResultTable]:
    eng = [{"topic": r["topic"], **a} for r in result["results"] for a in r["by_engagement"]]
    net = [{"topic": r["topic"], **a} for r in result["results"] for a in r["graph"]["top"]]
    return [
        ResultTable.of(
            "influencers_engagement", "Influential authors by engagement", eng, _ENG_COLS
        ),
        ResultTable.of(
            "influencers_network",
            "Influential authors by network (PageRank over replies, mentions, reposts)",
            net,
            _NET_COLS,
        ),
    ]

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

Aggregations run in Ibis (one scan for the author figures and mention edges of every topic,
a cheap one for replies and reposts, and when there are some, one more for those);
PageRank runs in Python over the small edge list, with nodes in key order, so DuckDB and Spark
give identical results.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from socialops.errors import SettingsError
from socialops.listen.scope import ResultTable, Scope, resolve, scoped_posts, topic_posts

if TYPE_CHECKING:
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
    ``m{i}`` per topic (one row per post and topic it matches: every figure is summed under its
    topic's flag); with ``links``, only replies and reposts."""
    import ibis

    parts = []
    for i, t in enumerate(topic_posts(store, scope, topics)):
        if links:
            t = t.filter(t.reply_to_id.notnull() | t.repost_of_id.notnull())
        flags = {f"m{j}": ibis.literal(j == i) for j in range(len(topics))}
        parts.append(t.mutate(author=_author_key(t), **flags))
    u = parts[0] if len(parts) == 1 else ibis.union(*parts)
    return u.filter(u.author.notnull())


def _rollup(t: ir.Table, k: int) -> ir.Table:
    """One scan for both the author figures and the mention edges: each topic post is unnested
    into one row per @mention (``target`` = the handle, lower-cased, without ``@``) plus one row
    with ``target`` = :data:`SELF`; grouped by ``(author, target)``, the SELF rows hold each
    author's posts, likes, comments, shares and reach per topic, and the other rows' ``posts_i``
    is the number of mentions of ``target`` by ``author`` in topic ``i``."""
    import ibis

    strs = "array<string>"
    mentions = t.mentions.fill_null(ibis.literal([], type=strs))
    u = t.mutate(target=mentions.concat(ibis.literal([SELF], type=strs)).unnest())
    name = u.target.lower()
    u = u.mutate(target=name.startswith("@").ifelse(name.substr(1), name).nullif(""))
    likes = u.likes.fill_null(0)
    comments = u.comments.fill_null(0)
    shares = u.shares.fill_null(0)
    aggs: dict[str, Any] = {
        "handle": u.author_handle.min(),
        "author_id": u.author_id.min(),
    }
    for i in range(k):
        m = u[f"m{i}"]
        aggs[f"posts_{i}"] = m.ifelse(1, 0).sum()
        aggs[f"likes_{i}"] = m.ifelse(likes, 0).sum()
        aggs[f"comments_{i}"] = m.ifelse(comments, 0).sum()
        aggs[f"shares_{i}"] = m.ifelse(shares, 0).sum()
        aggs[f"reach_{i}"] = ibis.cases((m, u.author_followers), else_=None).max()
    u = u.filter(u.target.notnull(), u.target != u.author)
    return u.group_by(["author", "target"]).aggregate(**aggs)


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
) -> dict[str, Any]:
    """The ``limit`` most influential authors of each topic by engagement and by PageRank over
    the topic's reply / mention / repost network (see the module doc)."""
    from socialops.store.analytics import fetch_arrow

    if limit < 1:
        raise SettingsError(f"limit {limit} is too small: ask for at least 1 author.")
    if not 0.0 < damping < 1.0:
        raise SettingsError(f"damping {damping} is outside (0, 1): 0.85 is the usual value.")
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
    for i, tp in enumerate(topics):  # one query per topic: 5 aggregates, not 5 per topic each
        for r in fetch_arrow(_rollup(_flagged(store, scope, [tp]), 1)).to_pylist():
            if r["target"] != SELF:
                weights = {f"w_{j}": r["posts_0"] if j == i else 0 for j in range(k)}
                edges.append(
                    {"author": r["author"], "target": r["target"], "kind": "mention", **weights}
                )
                continue
            st = stats.setdefault(
                r["author"], {"handle": None, "author_id": None, "author": r["author"], **empty}
            )
            for m in (*_FIGURES, "reach"):
                st[f"{m}_{i}"] = r[f"{m}_0"]
            for c in ("handle", "author_id"):  # the smallest seen, as one query would give
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

"""Association words (연관어) and sentiment association words (감성 연관어) of each topic.

A word (an entry of the enriched ``keywords`` lists) is an association word of a topic when it
appears in the topic's posts more often than chance against the rest of the corpus in scope.
For each word, a 2×2 table of posts — with/without the word × in/out of the topic — is scored
with Dunning's log-likelihood ratio

    G² = 2 Σ O·ln(O / E)   over the four cells, E = row total × column total / N

and a word is kept when it is in at least ``min_count`` of the topic's posts, over-represented
(observed > expected) and significant (G² ≥ 3.84, p < 0.05 with 1 df). Words are ranked by G²
(ties: word). ``lift`` = P(word | topic) / P(word) (PMI = log of it). The topic's own query terms
are left out (every post of the topic has them).

Sentiment words use the same statistic inside the topic: positive words are over-represented in
the topic's positive posts against its other posts, negative words in its negative posts against
its other posts.

Counting, exactly and fast: topic posts are usually few, so only their keyword lists are
unnested (one scan for all topics). The reference count of a candidate word (its posts in the
whole scope) comes from the per-file keyword rollup (:meth:`AnalyticsStore.keyword_counts`) for
every month wholly inside the range, plus an exact unnest of the posts of the partial edge
months (or the rollup of that month minus the posts outside the range, whichever side has fewer
days); with a platform or language filter the rollup does not apply and every post in scope is
unnested. ``_exact=True`` forces the unnest (tests compare both).
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socialops.listen.scope import (
    ResultTable,
    Scope,
    months_between,
    resolve,
    scoped_posts,
    topic_posts,
)
from socialops.nlp import query as q
from socialops.store.analytics import cache_file_name

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from socialops.listen.topics import Topic
    from socialops.store.analytics import AnalyticsStore

__all__ = [
    "MIN_G2",
    "assoc",
    "assoc_tables",
    "g2",
    "is_query_word",
    "post_texts",
    "query_words",
]

_HANGUL = re.compile(r"[\uac00-\ud7a3]")
MIN_G2 = 3.84  # χ²(1) at p = 0.05


# -- statistics --------------------------------------------------------------------------------
def g2(a: int, b: int, n1: int, n2: int) -> float:
    """Dunning's log-likelihood G² of a word seen in ``a`` of ``n1`` posts of one group and
    ``b`` of ``n2`` posts of the other."""
    n = n1 + n2
    k = a + b
    if n == 0 or k == 0 or k == n:
        return 0.0
    cells = (
        (a, n1 * k / n),
        (n1 - a, n1 * (n - k) / n),
        (b, n2 * k / n),
        (n2 - b, n2 * (n - k) / n),
    )
    return 2.0 * sum(o * math.log(o / e) for o, e in cells if o > 0)


def _score(
    counts: dict[str, tuple[int, int]], n1: int, n2: int, min_count: int, limit: int
) -> list[dict[str, Any]]:
    """Over-represented, significant words of group 1, best first."""
    out: list[tuple[float, str, int, int]] = []
    for word, (a, b) in counts.items():
        if a < min_count or n1 == 0 or a * n2 <= b * n1:
            continue
        score = g2(a, b, n1, n2)
        if score >= MIN_G2:
            out.append((score, word, a, b))
    out.sort(key=lambda r: (-r[0], r[1]))
    n = n1 + n2
    return [
        {
            "word": w,
            "count": a,
            "rest_count": b,
            "g2": round(s, 3),
            "lift": round(a * n / (n1 * (a + b)), 3),
        }
        for s, w, a, b in out[:limit]
    ]


# -- the topic's own words ---------------------------------------------------------------------
def _norm(word: str) -> str:
    return "".join(word.lower().split()).lstrip("#@")


@dataclass(frozen=True)
class QueryWords:
    exact: frozenset[str]
    prefixes: tuple[str, ...]


def query_words(topic: Topic) -> QueryWords:
    """The normalised forms of a topic's positive query terms: as written, as match units
    joined, each unit of two or more characters, and the compound form."""
    exact: set[str] = set()
    prefixes: list[str] = []
    for term in q.terms(topic.tree):
        units = [_norm(u) for u in term.units]
        forms = {_norm(term.raw.rstrip("*")), "".join(units)}
        forms.update(u for u in units if len(u) >= 2)
        if term.compound:
            forms.add(_norm(term.compound))
        exact.update(f for f in forms if f)
        if term.prefix and units and units[-1]:
            prefixes.append("".join(units))
    return QueryWords(frozenset(exact), tuple(sorted(set(prefixes))))


def is_query_word(word: str, qw: QueryWords) -> bool:
    """Whether ``word`` (a keyword) is one of the topic's own query terms: equal to one, a
    Korean piece of one (``왕국`` of ``겨울왕국``, which Kiwi may split), or a two-noun keyword
    with such a part (``이순신 장군``: its other part is counted on its own)."""
    n = _norm(word)
    if not n:
        return False
    if n in qw.exact or any(n.startswith(p) for p in qw.prefixes):
        return True
    if _HANGUL.search(n) and len(n) >= 2 and any(n in f for f in qw.exact):
        return True
    parts = word.split()
    return len(parts) > 1 and any(is_query_word(p, qw) for p in parts)


# -- counting ----------------------------------------------------------------------------------
def _topic_posts(store: AnalyticsStore, scope: Scope, topics: Sequence[Topic]) -> ir.Table:
    """The posts in scope of each topic (from the store's topic-match cache), one row per post
    and topic it matches, with a 0/1 column ``t<i>`` per topic (figures are summed per flag)."""
    import ibis

    parts = []
    for i, t in enumerate(topic_posts(store, scope, topics)):
        flags = {f"t{j}": ibis.literal(1 if j == i else 0) for j in range(len(topics))}
        t = t.mutate(
            s=t.sentiment.fill_null("none"),
            eng=t.likes.fill_null(0) + t.comments.fill_null(0) + t.shares.fill_null(0),
            **flags,
        )
        parts.append(t.select("platform", "post_id", "month", "s", "eng", "keywords", *flags))
    return parts[0] if len(parts) == 1 else ibis.union(*parts)


def _sentiment_counts(tp: ir.Table, n_topics: int) -> list[dict[str, int]]:
    """Each topic's posts by sentiment (``none`` for unscored)."""
    from socialops.store.analytics import fetch_arrow

    aggs = {f"t{i}": tp[f"t{i}"].sum() for i in range(n_topics)}
    rows = fetch_arrow(tp.group_by("s").aggregate(**aggs)).to_pylist()
    return [{str(r["s"]): int(r[f"t{i}"] or 0) for r in rows} for i in range(n_topics)]


def _topic_keywords(
    store: AnalyticsStore, scope: Scope, topics: Sequence[Topic], exact: bool = False
) -> list[dict[str, dict[str, int]]]:
    """Per topic: keyword → sentiment → posts (exact). Whole months come from the topic's
    keyword rollup, partial edge months from its posts (see :func:`_month_plan`)."""
    import ibis

    from socialops.store.analytics import fetch_arrow

    out: list[dict[str, dict[str, int]]] = [{} for _ in topics]
    parts: dict[int, list[ir.Table]] = {1: [], -1: []}  # counts to add, counts to subtract

    def add(i: int, expr: ir.Table, sign: int = 1) -> None:
        parts[sign].append(expr.mutate(topic=ibis.literal(i)))

    def unnest(t: ir.Table) -> ir.Table:
        u = t.select(s=t.sentiment.fill_null("none"), keyword=t.keywords.unnest())
        u = u.filter(u.keyword.notnull() & (u.keyword != ""))
        return u.group_by(["keyword", "s"]).aggregate(posts=u.count())

    scoped = topic_posts(store, scope, topics)
    if exact or scope.platforms or scope.langs:
        for i, t in enumerate(scoped):
            add(i, unnest(t))
    else:
        whole, inside, outside = _month_plan(scope)
        rolled = whole + [m for m, _, _ in outside]
        queries = [(tp.query, tp.tree) for tp in topics]
        if rolled:
            for i, kc in enumerate(store.topic_keyword_counts(queries)):
                kc = kc.filter(kc.month.isin(rolled))
                add(i, kc.group_by(["keyword", "s"]).aggregate(posts=kc.posts.sum()))
        if inside:
            for i, t in enumerate(scoped):
                add(i, unnest(t.filter(t.month.isin(inside))))
        if outside:
            for i, p in enumerate(store.topic_posts(queries)):
                conds = [(p.month == m) & ((p.day < lo) | (p.day > hi)) for m, lo, hi in outside]
                add(i, unnest(p.filter(ibis.or_(*conds))), -1)
    for sign, exprs in parts.items():  # one query for all topics' counts of each sign
        if not exprs:
            continue
        expr = exprs[0] if len(exprs) == 1 else ibis.union(*exprs)
        for r in fetch_arrow(expr).to_pylist():
            cell = out[int(r["topic"])].setdefault(r["keyword"], {})
            cell[r["s"]] = cell.get(r["s"], 0) + sign * int(r["posts"])
    for words in out:
        for w in [w for w, c in words.items() if not any(c.values())]:
            del words[w]
        for c in words.values():
            for k in [k for k, n in c.items() if n == 0]:
                del c[k]
    return out


def _month_plan(scope: Scope) -> tuple[list[str], list[str], list[tuple[str, date, date]]]:
    """How to count a range exactly from monthly rollups: ``whole`` months (rollup), ``inside``
    partial months (count their posts in range) and ``outside`` partial months (rollup minus
    their posts out of range), whichever side of a partial month has fewer days."""
    assert scope.start and scope.end
    whole: list[str] = []
    inside: list[str] = []
    outside: list[tuple[str, date, date]] = []
    for m, first, last in months_between(scope.start, scope.end):
        lo, hi = max(first, scope.start), min(last, scope.end)
        if lo == first and hi == last:
            whole.append(m)
        elif (hi - lo).days + 1 > (last - first).days + 1 - ((hi - lo).days + 1):
            outside.append((m, lo, hi))
        else:
            inside.append(m)
    return whole, inside, outside


def _rollup(store: AnalyticsStore, months: Iterable[str]) -> ir.Table | None:
    """The keyword rollup of the enriched files of ``months`` (built when missing)."""
    store.keyword_counts()  # builds missing rollups, drops stale ones
    wanted = {f"month={m}" for m in months}
    root = store.ws.root / "cache" / "keyword_counts"
    paths = []
    for f in store.ws.enriched_files():
        if f.parent.name not in wanted:
            continue
        paths.append(root / cache_file_name(store.ws, f, "kc"))
    if not paths:
        return None
    return store._read(sorted(paths), "socialops_kc_months")


def _only(t: ir.Table, words: list[str]) -> ir.Table:
    """Rows of ``t`` whose ``keyword`` is one of ``words``: a semi-join with an in-memory table
    (an ``isin`` of thousands of literals costs seconds to compile)."""
    import ibis

    wanted = ibis.memtable({"keyword": words}, schema={"keyword": "string"})
    return t.semi_join(wanted, "keyword")


def _unnest_counts(t: ir.Table, words: list[str]) -> ir.Table:
    u = t.select(keyword=t.keywords.unnest())
    u = _only(u, words)
    return u.group_by("keyword").aggregate(posts=u.count())


def _reference_counts(
    store: AnalyticsStore, scope: Scope, words: list[str], *, exact: bool = False
) -> dict[str, int]:
    """Posts in scope that list each word (exact)."""
    import ibis

    from socialops.store.analytics import fetch_arrow

    if not words:
        return {}
    assert scope.start and scope.end
    t = scoped_posts(store, scope)
    counts: dict[str, int] = dict.fromkeys(words, 0)

    def add(expr: ir.Table, sign: int = 1) -> None:
        for r in fetch_arrow(expr).to_pylist():
            counts[r["keyword"]] += sign * int(r["posts"])

    if exact or scope.platforms or scope.langs:
        add(_unnest_counts(t, words))
        return counts
    whole, inside, outside = _month_plan(scope)
    rolled = whole + [m for m, _, _ in outside]
    if rolled and (kc := _rollup(store, rolled)) is not None:
        kc = _only(kc, words)
        add(kc.group_by("keyword").aggregate(posts=kc.posts.sum()))
    if inside:
        add(_unnest_counts(t.filter(t.month.isin(inside)), words))
    if outside:
        p = store.posts()
        conds = [(p.month == m) & ((p.day < lo) | (p.day > hi)) for m, lo, hi in outside]
        add(_unnest_counts(p.filter(ibis.or_(*conds)), words), -1)
    return counts


EXAMPLE_POOL = 5000  # each topic's most engaging posts, where examples are looked for
_FIGURES = ("likes", "comments", "shares")


def _engaging(t: ir.Table) -> ir.Table:
    """Posts with what example picking needs: ``s`` (sentiment, ``none`` when unscored) and
    ``eng`` (likes + comments + shares, a missing count as 0)."""
    eng = t.likes.fill_null(0) + t.comments.fill_null(0) + t.shares.fill_null(0)
    return t.select(
        "platform", "post_id", "month", "keywords", s=t.sentiment.fill_null("none"), eng=eng
    )


def _write_top_pool(src: Path, target: Path) -> None:
    """The :data:`EXAMPLE_POOL` most engaging posts of one cached match file (ties: platform,
    post id), in Arrow, so every engine reads the same file."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    t = pq.read_table(
        src,
        columns=[*("platform", "post_id", "month", "keywords", "sentiment"), *_FIGURES],
    )
    eng = pc.add(
        pc.add(pc.fill_null(t["likes"], 0), pc.fill_null(t["comments"], 0)),
        pc.fill_null(t["shares"], 0),
    ).cast(pa.int64())
    pool = pa.table(
        {
            "platform": t["platform"],
            "post_id": t["post_id"],
            "month": t["month"],
            "keywords": t["keywords"],
            "s": pc.fill_null(t["sentiment"], "none"),
            "eng": eng,
        }
    )
    order = pc.sort_indices(
        pool, [("eng", "descending"), ("platform", "ascending"), ("post_id", "ascending")]
    )
    pool = pool.take(order[:EXAMPLE_POOL])
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    pq.write_table(pool, tmp)
    os.replace(tmp, target)


def _top_pools(store: AnalyticsStore, topics: Sequence[Topic]) -> list[tuple[ir.Table, set[str]]]:
    """Per topic: the most engaging posts of each of its cached match files (one file per
    enriched file, in ``<topic cache folder>/top-<pool>/``, built on first use, stale ones
    deleted) as one table, and the months those files cover. The topic's most engaging posts
    over whole months are among them."""

    def build(todo: list[tuple[Path, Path]]) -> None:
        for src, target in todo:
            _write_top_pool(src, target)

    store.topic_posts([(tp.query, tp.tree) for tp in topics])  # the match files exist
    out = []
    for tp in topics:
        files = store.topic_derived(tp.query, f"top-{EXAMPLE_POOL}", build)
        table = store._read([p for _, p in files], "socialops_topic_top")
        out.append((table, {m for m, _ in files}))
    return out


def _examples(
    store: AnalyticsStore,
    scope: Scope,
    topics: Sequence[Topic],
    words: list[set[str]],
    kw: list[dict[str, dict[str, int]]],
    n: int,
    exact: bool = False,
) -> list[dict[tuple[str, str], list[dict[str, Any]]]]:
    """Per topic: (word, sentiment) → up to ``n`` example posts: the most engaging posts that
    list the word among the topic's :data:`EXAMPLE_POOL` most engaging posts (ties: platform,
    post id) — every post of a topic that small, so exactly the word's most engaging posts. A
    word with no example in the pool though ``kw`` counts posts for it gets the most engaging
    posts that list it in the latest month (in range) where it appears, from a second query.

    The pool over whole months is taken from each cached match file's own most engaging posts
    (:func:`_top_pools`; the topic's top posts are among them), partial months from their posts
    in range; with ``exact`` (or platform/language filters) from every post in scope."""
    import ibis

    from socialops.store.analytics import fetch_arrow

    out: list[dict[tuple[str, str], list[dict[str, Any]]]] = [{} for _ in words]
    if n <= 0:
        return out

    def example(r: dict[str, Any]) -> dict[str, Any]:
        return {
            "_rank": (-int(r["eng"]), r["platform"], r["post_id"]),
            "post_id": r["post_id"],
            "platform": r["platform"],
            "sentiment": None if r["s"] == "none" else r["s"],
            "_month": r["month"],  # for post_texts
        }

    order = [ibis.desc("eng"), "platform", "post_id"]
    bases: dict[int, ir.Table] = {}
    for i, t in enumerate(topic_posts(store, scope, topics)):
        if words[i]:
            bases[i] = _engaging(t).mutate(topic=ibis.literal(i))
    if not bases:
        return out
    # one query for every topic's pool: its EXAMPLE_POOL most engaging posts, whole months read
    # from the per-file pools kept with the topic's matches, partial months from its posts
    pools = []
    tops = _top_pools(store, [topics[i] for i in bases])
    whole, inside, outside = _month_plan(scope)
    for (i, base), (top, top_months) in zip(bases.items(), tops, strict=True):
        rolled = [m for m in whole if m in top_months]
        if exact or scope.platforms or scope.langs or not rolled:
            src = base
        else:
            top = top.filter(top.month.isin(rolled)).mutate(topic=ibis.literal(i))
            partial = [*inside, *(m for m, _, _ in outside)]
            src = top.select(*base.columns)
            if partial:
                src = ibis.union(src, base.filter(base.month.isin(partial)))
        pools.append(src.order_by(order).limit(EXAMPLE_POOL))
    got = fetch_arrow(pools[0] if len(pools) == 1 else ibis.union(*pools)).to_pylist()
    got.sort(key=lambda r: (r["topic"], -int(r["eng"]), r["platform"], r["post_id"]))
    pool_size = dict.fromkeys(bases, 0)
    for r in got:
        i = r["topic"]
        pool_size[i] += 1
        found = out[i]
        for w in r["keywords"] or []:
            if w in words[i]:
                lst = found.setdefault((w, r["s"]), [])
                if len(lst) < n:
                    lst.append(example(r))
    missing: dict[int, list[str]] = {}
    for i in bases:
        if pool_size[i] < EXAMPLE_POOL:
            continue  # the pool held every post of the topic
        left = sorted(
            w
            for w in words[i]
            if any(len(out[i].get((w, s), [])) < min(n, kw[i].get(w, {}).get(s, 0)) for s in SENT)
        )
        if left:
            missing[i] = left
    if not missing:
        return out
    # the latest month (in range) in which each such word appears, from the topics' keyword
    # rollups (one query), so the second query reads those months' posts only
    assert scope.start and scope.end
    first, last = scope.start.strftime("%Y-%m"), scope.end.strftime("%Y-%m")
    rollups = store.topic_keyword_counts([(topics[i].query, topics[i].tree) for i in missing])
    latest_parts = []
    for i, kc in zip(missing, rollups, strict=True):
        kc = _only(kc.filter((kc.month >= first) & (kc.month <= last)), missing[i])
        latest_parts.append(
            kc.group_by("keyword").aggregate(month=kc.month.max()).mutate(topic=ibis.literal(i))
        )
    latest = fetch_arrow(
        latest_parts[0] if len(latest_parts) == 1 else ibis.union(*latest_parts)
    ).to_pylist()
    months: dict[int, set[str]] = {}
    for r in latest:
        months.setdefault(int(r["topic"]), set()).add(r["month"])
    row_parts = []
    for i, ms in sorted(months.items()):
        sub = bases[i].filter(bases[i].month.isin(sorted(ms)))
        u = sub.select(
            "platform", "post_id", "month", "s", "eng", "topic", keyword=sub.keywords.unnest()
        )
        u = _only(u, missing[i])
        u = u.mutate(r=ibis.row_number().over(group_by=["keyword", "s"], order_by=order))
        row_parts.append(u.filter(u.r < n))
    if not row_parts:
        return out
    rows = fetch_arrow(row_parts[0] if len(row_parts) == 1 else ibis.union(*row_parts))
    rows_list = rows.to_pylist()
    rows_list.sort(key=lambda r: (-int(r["eng"]), r["platform"], r["post_id"]))
    had = {(i, key) for i in missing for key, lst in out[i].items() if lst}
    for r in rows_list:
        i, key = int(r["topic"]), (r["keyword"], r["s"])
        if (i, key) not in had:
            out[i].setdefault(key, []).append(example(r))
    return out


def post_texts(
    store: AnalyticsStore, keys: set[tuple[str, str, str]]
) -> dict[tuple[str, str], str]:
    """The text of each (platform, post id, month) post, from the workspace's text index
    (:mod:`socialops.store.texts`): analyses carry ids and fetch the few texts they show."""
    from socialops.store.texts import post_texts as lookup

    return lookup(store.ws, ((p, i) for p, i, _ in keys))


def _pick(
    found: dict[tuple[str, str], list[dict[str, Any]]],
    word: str,
    sentiments: Sequence[str],
    n: int,
) -> list[dict[str, Any]]:
    """The ``n`` most engaging examples of ``word`` among posts of ``sentiments``."""
    merged = sorted(
        (e for s in sentiments for e in found.get((word, s), [])), key=lambda e: e["_rank"]
    )
    return [{k: v for k, v in e.items() if not k.startswith("_")} for e in merged[:n]]


# -- the analysis ------------------------------------------------------------------------------
SENT = ("positive", "neutral", "negative", "none")


def _results(
    store: AnalyticsStore,
    scope: Scope,
    topics: Sequence[Topic],
    total: int,
    by_sent: list[dict[str, int]],
    kw: list[dict[str, dict[str, int]]],
    limit: int,
    min_count: int,
    exact: bool,
) -> list[dict[str, Any]]:
    """Each topic's scored word lists (without examples)."""
    own = [query_words(tp) for tp in topics]
    excluded: list[list[str]] = [[] for _ in topics]
    candidates: set[str] = set()
    for i, words in enumerate(kw):
        for w in sorted(words):
            if is_query_word(w, own[i]):
                if sum(words[w].values()) >= min_count:
                    excluded[i].append(w)
                del words[w]
            elif sum(words[w].values()) >= min_count:
                candidates.add(w)
    ref = _reference_counts(store, scope, sorted(candidates), exact=exact)
    results: list[dict[str, Any]] = []
    for i, tp in enumerate(topics):
        n1 = sum(by_sent[i].values())
        n_pos, n_neg = by_sent[i].get("positive", 0), by_sent[i].get("negative", 0)
        words = kw[i]
        main = {
            w: (sum(c.values()), ref[w] - sum(c.values())) for w, c in words.items() if w in ref
        }
        pos = {
            w: (c.get("positive", 0), sum(c.values()) - c.get("positive", 0))
            for w, c in words.items()
        }
        neg = {
            w: (c.get("negative", 0), sum(c.values()) - c.get("negative", 0))
            for w, c in words.items()
        }
        results.append(
            {
                "topic": tp.name,
                "kind": tp.kind,
                "posts": n1,
                "rest_posts": total - n1,
                "positive_posts": n_pos,
                "negative_posts": n_neg,
                "words": _score(main, n1, total - n1, min_count, limit),
                "positive": _score(pos, n_pos, n1 - n_pos, min_count, limit),
                "negative": _score(neg, n_neg, n1 - n_neg, min_count, limit),
                "excluded": excluded[i],  # query words in ≥ min_count of the topic's posts
            }
        )
    return results


def assoc(
    store: AnalyticsStore,
    scope: Scope,
    topics: Sequence[Topic],
    *,
    limit: int = 30,
    min_count: int = 5,
    examples: int = 2,
    _exact: bool = False,
) -> dict[str, Any]:
    """Association words and positive/negative association words of each topic (see the
    module docstring for the statistic and how counts are made)."""
    from socialops.store.analytics import fetch_arrow

    if scope.start is None or scope.end is None:
        scope = resolve(store, scope)
    topics = list(topics)
    limit, min_count = max(1, int(limit)), max(1, int(min_count))
    t = scoped_posts(store, scope)
    total = int(fetch_arrow(t.aggregate(n=t.count())).column("n")[0].as_py() or 0)
    by_sent = _sentiment_counts(_topic_posts(store, scope, topics), len(topics))
    kw = _topic_keywords(store, scope, topics, _exact)
    results = _results(store, scope, topics, total, by_sent, kw, limit, min_count, _exact)
    wanted = [{x["word"] for k in ("words", "positive", "negative") for x in r[k]} for r in results]
    found = _examples(store, scope, topics, wanted, kw, examples, _exact)
    keys = {
        (e["platform"], e["post_id"], e["_month"]) for f in found for ex in f.values() for e in ex
    }
    texts = post_texts(store, keys)
    for f in found:
        for ex in f.values():
            for e in ex:
                e["text"] = texts.get((e["platform"], e["post_id"]), "")
    for i, r in enumerate(results):
        for x in r["words"]:
            x["examples"] = _pick(found[i], x["word"], SENT, examples)
        for x in r["positive"]:
            x["examples"] = _pick(found[i], x["word"], ("positive",), examples)
        for x in r["negative"]:
            x["examples"] = _pick(found[i], x["word"], ("negative",), examples)
    return {
        "analysis": "assoc",
        "scope": scope.to_dict(),
        "topics": [tp.name for tp in topics],
        "method": {
            "statistic": "log-likelihood G2 (Dunning), over-represented words only",
            "min_count": min_count,
            "min_g2": MIN_G2,
            "limit": limit,
        },
        "all_posts": total,
        "results": results,
    }


# -- tables ------------------------------------------------------------------------------------
def _example_text(x: dict[str, Any]) -> str:
    ex = x.get("examples") or []
    return " ".join(str(ex[0]["text"]).split())[:120] if ex else ""


def assoc_tables(result: dict[str, Any]) -> list[ResultTable]:
    cols = ["topic", "rank", "word", "count", "rest_count", "g2", "lift", "example"]
    titles = {
        "words": ("assoc", "Association words (연관어)"),
        "positive": ("assoc_positive", "Positive association words (긍정 연관어)"),
        "negative": ("assoc_negative", "Negative association words (부정 연관어)"),
    }
    out = []
    for key, (name, title) in titles.items():
        rows = [
            [r["topic"], k + 1, *(x[c] for c in cols[2:7]), _example_text(x)]
            for r in result["results"]
            for k, x in enumerate(r[key])
        ]
        out.append(ResultTable(name, title, cols, rows))
    return out

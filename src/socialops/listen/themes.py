"""Themes of a topic's posts, complaint reasons, and recurring issues.

**Themes.** The topic's posts (Korean and English alike: the enriched ``keywords`` lists, without
the topic's own query words) are weighted by TF-IDF and factorised with NMF (scikit-learn,
``nndsvda`` start, fixed seed, one BLAS thread). The vocabulary is built as scikit-learn's
``TfidfVectorizer`` builds it (min_df, max_df, max features, smooth idf), from integer codes.

*Which posts are read.* A topic with at most ``max_posts`` (50,000) posts in scope is read
whole. A bigger one is read as a uniform random sample of about ``max_posts``: the posts whose
``sample_key`` (a 63-bit hash of platform and post id kept with each cached topic match,
:mod:`socialops.store.sample_key`) is below ``2⁶³ · max_posts / posts``. The cached matches are
sorted by that key in small row groups, so the sample is a prefix of each file and engines skip
the rest. Sizes, sentiment mixes and timelines are then the sample's counts scaled to the
topic's posts (:func:`apportion`, largest remainder: they still add up), and each share carries
the half-width of its 95 % interval (``margin``, with the finite population correction). Both
engines read the same sample; the output says ``estimated`` and how many posts were ``read``.
The topic's negative posts (complaint reasons, recurring issues) are counted and sampled on
their own, the same way.

*Fitting and assignment.* The model is fitted on at most ``sample`` (5,000) of the posts read:
every one when there are that few, else those with the smallest hash of (seed, sample key)
(:func:`_sample_hash`). When every post read was fitted, each post's weights are NMF's own
(``NMF.transform``, rows in (platform, post id) order). Otherwise every post read is assigned
by projection: its l2-normalised TF-IDF vector times each theme's word weights (argmax of
X·Hᵀ, one sparse product, row by row independent of the engine's row order). Posts with no word
of the vocabulary stay unassigned. A theme is labelled by its top words; it reports its size,
share of the topic's posts, sentiment mix and the posts with most of its top words, then the
heaviest. ``k`` (the number of themes) defaults to ``round(sqrt(n / 25))`` clamped to 2–8 for
``n`` fitted posts.

Everything per post stays vectorised: Arrow columns from the topic-match cache, keywords
dictionary-encoded once (query words dropped per distinct word), a sparse count matrix, numpy
``bincount`` for sizes, sentiment mixes and timelines; only the example posts' texts are fetched
(from the text index, :mod:`socialops.store.texts`).

**Complaint reasons** are the same over the topic's negative posts only.

**Recurring issues** (seed #10, complaints that keep resurfacing): each complaint theme's
timeline counts the topic's negative posts assigned to it per period (the counts add up to the
theme's size; scaled like the size when the negative posts were sampled). A period is *active*
when its count is at least ``factor`` × the theme's mean per period and at least
``min_posts``; an *episode* is a run of active periods, and runs closer than
``gap`` quiet periods are one episode. A theme with two or more episodes — separated by at least
``gap`` quiet periods — is a recurring issue.

Nothing depends on the order an engine returns rows in (ties are broken by platform and post
id), so DuckDB and Spark give the same output.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

from socialops.errors import SettingsError
from socialops.listen.assoc import is_query_word, post_texts, query_words
from socialops.listen.scope import (
    EVERY,
    ResultTable,
    Scope,
    all_periods,
    resolve,
    topic_posts,
)
from socialops.store.sample_key import KEY_SPACE, mix, seed_hash

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from socialops.listen.topics import Topic
    from socialops.store.analytics import AnalyticsStore

__all__ = ["issues", "issues_tables", "themes", "themes_tables"]

MAX_K = 8
MIN_POSTS = 10  # fewer posts with vocabulary words: no themes
TOP_WORDS = 8
LABEL_WORDS = 4
EXAMPLES = 3
SAMPLE = 5000  # posts the model is fitted on
MAX_POSTS = 50000  # posts assigned; a bigger topic is estimated from a sample of about as many
Z95 = 1.959964  # two-sided 95 % normal quantile, for the margin of an estimated share
MAX_FEATURES = 5000  # vocabulary of a model
NMF_TOL = 1e-3  # relative change that stops NMF: the same fit as 1e-4 in half the time
SENTIMENTS = ("positive", "neutral", "negative")  # codes 0-2; 3: unscored
_U64 = np.uint64
_NEGATIVE = SENTIMENTS.index("negative")


@dataclass
class _Rows:
    """A topic's posts as columns (in the engine's row order: nothing here depends on it) and
    their keywords, without the topic's query words, as codes into ``vocab`` (CSR layout:
    post ``i`` has ``codes[indptr[i]:indptr[i + 1]]``, ``rows`` is the post of each code).
    ``population`` is the number of the topic's posts in scope these stand for: ``len(self)``
    when every post was read, more when they are a uniform sample (see :func:`_read`)."""

    platform: pa.Array
    post_id: pa.Array
    month: pa.Array
    day: np.ndarray  # days since 1970-01-01
    hour: np.ndarray
    sent: np.ndarray  # index in SENTIMENTS, 3: unscored
    key: np.ndarray  # sample_key (int64, a hash of platform and post id)
    indptr: np.ndarray
    codes: np.ndarray
    rows: np.ndarray
    vocab: list[str]
    population: int = -1

    def __post_init__(self) -> None:
        if self.population < 0:
            self.population = len(self)

    def __len__(self) -> int:
        return len(self.sent)

    @property
    def estimated(self) -> bool:
        return len(self) < self.population

    def subset(self, mask: np.ndarray, population: int | None = None) -> _Rows:
        lengths = np.diff(self.indptr)
        keep = np.repeat(mask, lengths)
        new_rows = np.cumsum(mask) - 1
        sel = pa.array(mask)
        return _Rows(
            self.platform.filter(sel),
            self.post_id.filter(sel),
            self.month.filter(sel),
            self.day[mask],
            self.hour[mask],
            self.sent[mask],
            self.key[mask],
            np.concatenate([[0], np.cumsum(lengths[mask])]).astype(np.int64),
            self.codes[keep],
            new_rows[self.rows[keep]],
            self.vocab,
            int(mask.sum()) if population is None else population,
        )

    def take(self, idx: np.ndarray) -> _Rows:
        """The posts ``idx`` in that order (small selections)."""
        lengths = np.diff(self.indptr)[idx]
        indptr = np.zeros(len(idx) + 1, np.int64)
        np.cumsum(lengths, out=indptr[1:])
        pos = np.arange(indptr[-1]) + np.repeat(self.indptr[idx] - indptr[:-1], lengths)
        sel = pa.array(idx)
        return _Rows(
            self.platform.take(sel),
            self.post_id.take(sel),
            self.month.take(sel),
            self.day[idx],
            self.hour[idx],
            self.sent[idx],
            self.key[idx],
            indptr,
            self.codes[pos],
            np.repeat(np.arange(len(idx)), lengths),
            self.vocab,
        )


@dataclass
class _Model:
    """Themes fitted on a sample, and every read post's theme (−1: unassigned) and weight."""

    posts: _Rows
    sampled: int = 0
    k: int = 0
    method: str = ""
    words: list[list[str]] = field(default_factory=list)  # top words per theme
    assign: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    weight: np.ndarray = field(default_factory=lambda: np.zeros(0))
    overlap: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))


# -- rows --------------------------------------------------------------------------------------
def _array(col: pa.ChunkedArray | pa.Array) -> pa.Array:
    return col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col


def _bound(posts: int, max_posts: int) -> int:
    """The ``sample_key`` bound that keeps about ``max_posts`` of ``posts`` (all when fewer)."""
    if posts <= max_posts:
        return KEY_SPACE
    return KEY_SPACE * max_posts // posts


def _below(key: np.ndarray, bound: int) -> np.ndarray:
    if bound >= KEY_SPACE:
        return np.ones(len(key), dtype=np.bool_)
    out: np.ndarray = key < np.int64(bound)
    return out


def _key_below(t: ir.Table, bound: int) -> ir.BooleanValue:
    import ibis

    if bound >= KEY_SPACE:
        return ibis.literal(True)
    out: ir.BooleanValue = t.sample_key < bound
    return out


@dataclass
class _Want:
    """What to read of one topic: all its posts and/or its negative posts, each whole or as a
    uniform sample below a ``sample_key`` bound."""

    posts: int  # in scope
    negative: int  # negative posts in scope
    every_bound: int | None  # None: not wanted
    negative_bound: int


def _read(
    store: AnalyticsStore,
    scope: Scope,
    topics: Sequence[Topic],
    max_posts: int,
    *,
    every: bool,
) -> list[tuple[_Rows | None, _Rows]]:
    """Per topic: its posts (``None`` unless ``every``) and its negative posts, each every post
    in scope or — above ``max_posts`` — a uniform random sample of about ``max_posts`` (the posts
    whose ``sample_key`` is below ``2⁶³ · max_posts / posts``: the same posts on every engine),
    with ``population`` the number they stand for. Two queries for all topics: counts, then
    the rows."""
    import ibis

    from socialops.store.analytics import fetch_arrow

    tables = topic_posts(store, scope, topics)
    if not tables:
        return []
    counts = [
        t.aggregate(n=t.count(), neg=(t.sentiment == "negative").ifelse(1, 0).sum()).mutate(
            i=ibis.literal(i)
        )
        for i, t in enumerate(tables)
    ]
    got = fetch_arrow(counts[0] if len(counts) == 1 else ibis.union(*counts)).to_pylist()
    by_topic = {int(r["i"]): (int(r["n"] or 0), int(r["neg"] or 0)) for r in got}
    wants = []
    parts = []
    for i, t in enumerate(tables):
        n, neg = by_topic.get(i, (0, 0))
        want = _Want(n, neg, _bound(n, max_posts) if every else None, _bound(neg, max_posts))
        wants.append(want)
        is_neg = t.sentiment == "negative"
        cond: ir.BooleanValue | None
        if every:
            cond = None
            if want.every_bound != KEY_SPACE:
                cond = (t.sample_key < want.every_bound) | (
                    is_neg & _key_below(t, want.negative_bound)
                )
        else:
            cond = is_neg & _key_below(t, want.negative_bound)
        sel = t if cond is None else t.filter(cond)
        parts.append(
            sel.select(
                "platform",
                "post_id",
                "day",
                "hour",
                "month",
                "sentiment",
                "keywords",
                "sample_key",
                _i=ibis.literal(i),
            )
        )
    tab = fetch_arrow(parts[0] if len(parts) == 1 else ibis.union(*parts))
    topic_of = _array(tab["_i"]).to_numpy(zero_copy_only=False)
    out: list[tuple[_Rows | None, _Rows]] = []
    for i, (tp, want) in enumerate(zip(topics, wants, strict=True)):
        rows = _rows_of(tab.filter(pa.array(topic_of == i)), tp)
        neg_mask = (rows.sent == _NEGATIVE) & _below(rows.key, want.negative_bound)
        negatives = rows.subset(neg_mask, want.negative)
        everything = None
        if want.every_bound is not None:
            everything = rows.subset(_below(rows.key, want.every_bound), want.posts)
        out.append((everything, negatives))
    return out


def _rows_of(tab: pa.Table, topic: Topic) -> _Rows:
    """Posts read as Arrow columns → :class:`_Rows`; keywords dictionary-encoded once, and the
    query words dropped by vocabulary (each distinct word tested once)."""
    n = tab.num_rows
    kw = _array(tab["keywords"])
    if kw.null_count:
        kw = pc.if_else(pc.is_null(kw), pa.scalar([], kw.type), kw)
    offsets = kw.offsets.to_numpy().astype(np.int64)
    flat = kw.values.slice(offsets[0], offsets[-1] - offsets[0])  # zero-copy
    parents = np.repeat(np.arange(n, dtype=np.int64), np.diff(offsets))
    enc = _array(pc.dictionary_encode(flat))
    dictionary: list[str | None] = enc.dictionary.to_pylist()
    qw = query_words(topic)
    kept = [w is not None and w != "" and not is_query_word(w, qw) for w in dictionary]
    keep_word = np.array([*kept, False], dtype=np.bool_)
    codes = pc.fill_null(enc.indices, len(dictionary)).to_numpy().astype(np.int64)
    keep = keep_word[codes]
    # compact codes: the kept distinct words only
    remap = np.cumsum(keep_word) - 1
    vocab = [w for w, k in zip(dictionary, keep_word.tolist(), strict=False) if k]
    codes, rows = remap[codes[keep]], parents[keep]
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    sent = pc.fill_null(
        pc.index_in(_array(tab["sentiment"]), value_set=pa.array(SENTIMENTS)), 3
    ).to_numpy()
    return _Rows(
        platform=_array(tab["platform"]),
        post_id=_array(tab["post_id"]),
        month=_array(tab["month"]),
        day=_array(tab["day"]).cast(pa.int32()).to_numpy(zero_copy_only=False).astype(np.int64),
        hour=pc.fill_null(_array(tab["hour"]), 0).to_numpy().astype(np.int64),
        sent=sent.astype(np.int64),
        key=_array(tab["sample_key"]).to_numpy(zero_copy_only=False).astype(np.int64),
        indptr=indptr,
        codes=codes.astype(np.int64),
        rows=rows,
        vocab=[str(w) for w in vocab],
    )


def _fetch(store: AnalyticsStore, scope: Scope, topic: Topic) -> _Rows:
    """Every post of one topic in scope (no sampling)."""
    (pair,) = _read(store, scope, [topic], 1 << 62, every=True)
    assert pair[0] is not None
    return pair[0]


# -- the deterministic fitting sample ----------------------------------------------------------
def _sample_hash(seed: int, rows: _Rows, idx: np.ndarray) -> np.ndarray:
    """A 64-bit hash of ``seed`` and the sample key of the posts ``idx`` (itself a hash of
    platform and post id): a function of the posts only, so any row order gives the same
    sample."""
    return mix(rows.key[idx].astype(_U64) ^ seed_hash(seed))


def _keys(rows: _Rows, idx: np.ndarray) -> list[tuple[str, str]]:
    sel = pa.array(idx)
    return list(
        zip(rows.platform.take(sel).to_pylist(), rows.post_id.take(sel).to_pylist(), strict=True)
    )


def _by_key(rows: _Rows, idx: np.ndarray) -> np.ndarray:
    """``idx`` ordered by (platform, post id)."""
    keys = _keys(rows, idx)
    order = sorted(range(len(idx)), key=keys.__getitem__)
    return idx[np.array(order, dtype=np.int64)] if len(idx) else idx


def _pick(rows: _Rows, docs: np.ndarray, sample: int, seed: int) -> np.ndarray:
    """The posts to fit on, in (platform, post id) order: every post with words when there are
    at most ``sample``, else the ``sample`` with the smallest hash (ties: platform, post id)."""
    if len(docs) <= sample:
        return _by_key(rows, docs)
    h = _sample_hash(seed, rows, docs)
    bound = np.partition(h, sample - 1)[sample - 1]
    cand = docs[h <= bound]
    if len(cand) > sample:  # equal hashes at the boundary
        hc = h[h <= bound].tolist()
        keys = _keys(rows, cand)
        order = sorted(range(len(cand)), key=lambda i: (hc[i], keys[i]))[:sample]
        cand = cand[np.array(order, dtype=np.int64)]
    return _by_key(rows, cand)


def _vocabulary(rows: _Rows, picked: np.ndarray) -> tuple[np.ndarray, list[str], np.ndarray] | None:
    """The model's vocabulary over the posts ``picked``, as scikit-learn's ``TfidfVectorizer``
    (``min_df`` = max(2, posts / 1000), ``max_df`` = 0.5, at most :data:`MAX_FEATURES` by
    frequency, smooth idf) builds it, from the codes without Python lists: ``(col_of, words,
    idf)`` with ``col_of`` each ``rows.vocab`` code's column (−1: not in it) and the columns in
    word order; ``None`` when no word is left."""
    sub = rows.take(picked)
    n_docs, n_words = len(picked), len(rows.vocab)
    pairs = np.unique(sub.rows * n_words + sub.codes)  # (post, word) once
    df = np.bincount(pairs % n_words, minlength=n_words)
    tf = np.bincount(sub.codes, minlength=n_words)
    keep = (df >= max(2, n_docs // 1000)) & (df <= 0.5 * n_docs)
    cand = sorted(np.flatnonzero(keep).tolist(), key=rows.vocab.__getitem__)
    if not cand:
        return None
    if len(cand) > MAX_FEATURES:  # the most frequent, ties by word
        by_freq = np.argsort(-tf[cand], kind="stable")[:MAX_FEATURES]
        cand = [cand[j] for j in sorted(by_freq.tolist())]
    codes = np.array(cand, dtype=np.int64)
    col_of = np.full(n_words, -1, np.int64)
    col_of[codes] = np.arange(len(codes))
    idf = np.log((1.0 + n_docs) / (1.0 + df[codes])) + 1.0
    return col_of, [rows.vocab[c] for c in cand], idf


# -- the model ---------------------------------------------------------------------------------
def _auto_k(n: int) -> int:
    return max(2, min(MAX_K, round(math.sqrt(n / 25))))


def _counts(rows: _Rows, col_of: np.ndarray, n_cols: int) -> sp.csr_matrix:
    """Posts × vocabulary-column term counts (canonical CSR: sorted, duplicates summed)."""
    cols = col_of[rows.codes]
    keep = cols >= 0
    r = rows.rows[keep]
    indptr = np.zeros(len(rows) + 1, np.int64)
    np.cumsum(np.bincount(r, minlength=len(rows)), out=indptr[1:])
    x = sp.csr_matrix((np.ones(int(keep.sum())), cols[keep], indptr), shape=(len(rows), n_cols))
    x.sum_duplicates()
    return x


def _tfidf(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """TF-IDF rows as ``TfidfVectorizer.transform`` makes them: counts × idf, l2-normalised."""
    from sklearn.preprocessing import normalize

    x = counts.astype(np.float64)
    x.data *= idf[x.indices]
    out: sp.csr_matrix = normalize(x, norm="l2", copy=False)
    return out


def _fit(rows: _Rows, k: int | None, sample: int, seed: int) -> _Model:
    from sklearn.decomposition import NMF
    from sklearn.exceptions import ConvergenceWarning
    from threadpoolctl import threadpool_limits

    n = len(rows)
    model = _Model(
        rows,
        assign=np.full(n, -1, np.int64),
        weight=np.zeros(n),
        overlap=np.zeros(n, np.int64),
    )
    docs = np.flatnonzero(np.diff(rows.indptr) > 0)
    if len(docs) < MIN_POSTS:
        return model
    picked = _pick(rows, docs, max(1, sample), seed)
    fitted = _vocabulary(rows, picked)
    if fitted is None:  # no word left after min_df/max_df
        return model
    col_of, vocab, idf = fitted
    x = _tfidf(_counts(rows.take(picked), col_of, len(vocab)), idf)
    n_k = _auto_k(len(picked)) if k is None else int(k)
    n_k = max(1, min(n_k, x.shape[0] - 1, x.shape[1]))
    nmf = NMF(n_components=n_k, init="nndsvda", random_state=seed, max_iter=500, tol=NMF_TOL)
    counts = _counts(rows, col_of, len(vocab))
    # one BLAS thread: these products are small, and threads cost more than they give
    with warnings.catch_warnings(), threadpool_limits(1, user_api="blas"):
        warnings.simplefilter("ignore", ConvergenceWarning)
        nmf.fit(x)
        h = nmf.components_
        if n <= sample:
            # NMF weights of every post, fed in (platform, post id) order: the solver's stopping
            # test is over all rows, so the rows and their order are fixed
            order = _by_key(rows, np.arange(n))
            w_all = np.empty((n, n_k))
            w_all[order] = nmf.transform(_tfidf(counts[order], idf))
            model.method = "nmf"
        else:
            # projection: each post's TF-IDF vector (l2-normalised) times each theme's word
            # weights — one sparse product for all posts, row by row independent
            w_all = np.asarray(_tfidf(counts, idf) @ h.T)
            model.method = "projection"
    model.sampled, model.k = len(picked), n_k
    for row in h:  # columns are in word order: a stable sort breaks ties by word
        order_w = np.argsort(-row, kind="stable")[:TOP_WORDS].tolist()
        model.words.append([vocab[j] for j in order_w if row[j] > 0])
    best = w_all.argmax(axis=1)  # the first of equal maxima, as on every platform
    top = w_all[np.arange(n), best]
    model.assign = np.where(top > 0, best, -1).astype(np.int64)
    model.weight = np.where(top > 0, top, 0.0)
    # how many of its theme's top words each post has (examples are chosen by it)
    tops = np.zeros((len(vocab), n_k), dtype=np.int64)
    column = {w: j for j, w in enumerate(vocab)}
    for j, ws in enumerate(model.words):
        for w in ws:
            tops[column[w], j] = 1
    is_top = np.asarray(tops.sum(axis=1) > 0)
    occ = np.flatnonzero(is_top[counts.indices])  # occurrences of any theme's top word
    post = np.searchsorted(counts.indptr, occ, side="right") - 1
    a = model.assign[post]
    hit = (a >= 0) & (tops[counts.indices[occ], np.maximum(a, 0)] > 0)
    model.overlap = np.bincount(post[hit], minlength=n).astype(np.int64)
    return model


def _sentiment_mix(counts: Sequence[int]) -> dict[str, Any]:
    """``counts``: posts per SENTIMENTS code, unscored last."""
    pos, neu, neg, none = (int(c) for c in counts)
    scored = pos + neu + neg
    out: dict[str, Any] = {"positive": pos, "neutral": neu, "negative": neg, "unscored": none}
    for s, c in zip(SENTIMENTS, (pos, neu, neg), strict=True):
        out[f"pct_{s}"] = round(100.0 * c / scored, 2) if scored else None
    return out


def _examples(model: _Model, members: np.ndarray) -> list[int]:
    """The ``EXAMPLES`` members with most of the theme's top words, then the heaviest, ties by
    (platform, post id): only the members that can be among them are sorted."""
    ov = model.overlap[members]
    chosen: list[np.ndarray] = []
    left = EXAMPLES
    for level in np.unique(ov)[::-1].tolist():
        group = members[ov == level]
        if len(group) <= left:
            chosen.append(group)
            left -= len(group)
        else:
            gw = model.weight[group]
            bound = np.partition(gw, len(group) - left)[len(group) - left]
            chosen.append(group[gw >= bound])
            left = 0
        if left == 0:
            break
    cand = np.concatenate(chosen) if chosen else members[:0]
    keys = _keys(model.posts, cand)
    ovs, wts = model.overlap[cand].tolist(), model.weight[cand].tolist()
    order = sorted(range(len(cand)), key=lambda i: (-ovs[i], -wts[i], keys[i]))
    return [int(cand[i]) for i in order[:EXAMPLES]]


def apportion(counts: Sequence[int] | np.ndarray, total: int) -> list[int]:
    """``counts`` scaled to add up to ``total`` in whole numbers (largest remainder; ties to the
    first): counts of a sample as estimates for the population. Counts that already add up to
    ``total`` are returned as they are; a zero count stays zero."""
    c = np.asarray(counts, dtype=np.float64)
    have = float(c.sum())
    if have <= 0:
        return [0] * len(c)
    quota = c * (total / have)
    out = np.floor(quota).astype(np.int64)
    left = int(total - out.sum())
    if left > 0:
        frac = quota - out
        order = sorted(range(len(c)), key=lambda j: (-frac[j], j))
        for j in order[:left]:
            out[j] += 1
    return [int(x) for x in out]


def _margin(count: int, read: int, population: int) -> float | None:
    """Half-width (percentage points) of the 95 % interval of a share estimated from ``count``
    of ``read`` sampled posts out of ``population`` (normal approximation with the finite
    population correction); ``None`` when every post was read."""
    if read >= population or read <= 0:
        return None
    p = count / read
    fpc = 1.0 - read / population
    return round(100.0 * Z95 * math.sqrt(max(p * (1.0 - p), 0.0) / read * fpc), 2)


def _themes_of(model: _Model) -> tuple[list[dict[str, Any]], int]:
    """Themes with posts, biggest first (ties: label), numbered from 1; and the unassigned
    posts. Sizes, sentiment mixes (and later timelines) are counts of the posts read, scaled to
    the topic's posts in scope when those were a sample (:func:`apportion`: they still add up).
    ``_members`` holds the read posts' indexes (dropped before output)."""
    rows = model.posts
    total, read = rows.population, len(rows)
    if not model.k:
        return [], total
    assigned = model.assign >= 0
    a = model.assign[assigned]
    counts = np.bincount(a, minlength=model.k)
    *sizes, unassigned = apportion([*counts.tolist(), read - int(counts.sum())], total)
    mix = np.bincount(a * 4 + rows.sent[assigned], minlength=4 * model.k).reshape(-1, 4)
    by_theme = np.argsort(model.assign, kind="stable")
    bounds = np.searchsorted(model.assign[by_theme], np.arange(-1, model.k + 1))
    out: list[dict[str, Any]] = []
    for j in range(model.k):
        size = int(sizes[j])
        if not size or not model.words[j]:
            unassigned += size
            continue
        members = by_theme[bounds[j + 1] : bounds[j + 2]]
        out.append(
            {
                "label": ", ".join(model.words[j][:LABEL_WORDS]),
                "words": model.words[j],
                "size": size,
                "share": round(100.0 * size / total, 2) if total else None,
                "margin": _margin(int(counts[j]), read, total),
                "sentiment": _sentiment_mix(apportion(mix[j], size)),
                "_theme": j,
                "_count": int(counts[j]),
                "_examples": _examples(model, members),
            }
        )
    out.sort(key=lambda th: (-th["size"], th["label"]))
    for n, th in enumerate(out, 1):
        th["theme"] = n
    return out, unassigned


def _finish(
    themes_list: list[dict[str, Any]], model: _Model, texts: dict[tuple[str, str], str]
) -> None:
    for th in themes_list:
        idx = np.array(th.pop("_examples"), dtype=np.int64)
        keys = _keys(model.posts, idx)
        sents = model.posts.sent[idx].tolist()
        th["examples"] = [
            {
                "post_id": pid,
                "platform": plat,
                "sentiment": SENTIMENTS[s] if s < 3 else None,
                "text": texts.get((plat, pid), ""),
            }
            for (plat, pid), s in zip(keys, sents, strict=True)
        ]
        th.pop("_theme", None)
        th.pop("_count", None)


def _example_keys(model: _Model, themes_list: list[dict[str, Any]]) -> set[tuple[str, str, str]]:
    idx = np.array([i for th in themes_list for i in th["_examples"]], dtype=np.int64)
    sel = pa.array(idx)
    months = model.posts.month.take(sel).to_pylist()
    return {(p, i, m) for (p, i), m in zip(_keys(model.posts, idx), months, strict=True)}


def _period_index(rows: _Rows, start: date, every: str) -> np.ndarray:
    """Each post's index in ``all_periods(start, end, every)``."""
    first = (start - date(1970, 1, 1)).days
    if every == "hour":
        return (rows.day - first) * 24 + rows.hour
    if every == "week":
        return (rows.day - (first - start.weekday())) // 7
    return rows.day - first


def _check(k: int | None, sample: int, max_posts: int) -> None:
    if k is not None and not 1 <= int(k) <= 50:
        raise SettingsError(code="analysis.themes_k", k=k)
    if sample < 100:
        raise SettingsError(code="analysis.themes_sample", sample=sample)
    if max_posts < sample:
        raise SettingsError(code="analysis.themes_max_posts", max_posts=max_posts, sample=sample)


def _method(k: int | None, sample: int, seed: int, max_posts: int) -> dict[str, Any]:
    return {
        "model": "NMF over TF-IDF of post keywords (query words left out)",
        "k": k if k is not None else "auto: round(sqrt(sampled / 25)), 2-8",
        "sample": sample,
        "seed": seed,
        "max_posts": max_posts,
        "estimates": (
            f"a topic with more than {max_posts} posts (or negative posts) in scope is read as "
            f"a uniform random sample of about {max_posts}; its sizes, sentiment mixes and "
            "timelines are that sample's counts scaled to its posts, each share with a 95 % "
            "margin"
        ),
    }


def _part(model: _Model, lst: list[dict[str, Any]], unassigned: int) -> dict[str, Any]:
    rows = model.posts
    return {
        "posts": rows.population,
        "read": len(rows),
        "estimated": rows.estimated,
        "sampled": model.sampled,
        "k": model.k,
        "unassigned": unassigned,
        "themes": lst,
    }


# -- analyses ----------------------------------------------------------------------------------
def themes(
    store: AnalyticsStore,
    scope: Scope,
    topics: Sequence[Topic],
    *,
    k: int | None = None,
    sample: int = SAMPLE,
    seed: int = 0,
    max_posts: int = MAX_POSTS,
) -> dict[str, Any]:
    """Each topic's posts grouped into labelled themes, and its complaint reasons (themes of
    its negative posts)."""
    _check(k, sample, max_posts)
    if scope.start is None or scope.end is None:
        scope = resolve(store, scope)
    fitted = []
    keys: set[tuple[str, str, str]] = set()
    for posts, negatives in _read(store, scope, topics, max_posts, every=True):
        assert posts is not None
        pair = []
        for model in (_fit(posts, k, sample, seed), _fit(negatives, k, sample, seed)):
            lst, unassigned = _themes_of(model)
            keys |= _example_keys(model, lst)
            pair.append((model, lst, unassigned))
        fitted.append(pair)
    texts = post_texts(store, keys)
    results = []
    for tp, pair in zip(topics, fitted, strict=True):
        parts = []
        for model, lst, unassigned in pair:
            _finish(lst, model, texts)
            parts.append(_part(model, lst, unassigned))
        results.append({"topic": tp.name, "kind": tp.kind, **parts[0], "complaints": parts[1]})
    return {
        "analysis": "themes",
        "scope": scope.to_dict(),
        "topics": [tp.name for tp in topics],
        "method": _method(k, sample, seed, max_posts),
        "results": results,
    }


def episodes(
    series: Sequence[int], *, factor: float, min_posts: int, gap: int
) -> list[dict[str, int]]:
    """Runs of active periods (count ≥ factor × mean and ≥ min_posts), runs less than ``gap``
    quiet periods apart merged: ``[{"first": i, "last": j, "posts": n, "peak": m}]``."""
    if not series:
        return []
    mean = sum(series) / len(series)
    active = [x > 0 and x >= factor * mean and x >= min_posts for x in series]
    runs: list[list[int]] = []
    for i, on in enumerate(active):
        if not on:
            continue
        if runs and i - runs[-1][1] - 1 < gap:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    return [
        {
            "first": a,
            "last": b,
            "posts": sum(series[a : b + 1]),
            "peak": max(series[a : b + 1]),
        }
        for a, b in runs
    ]


def issues(
    store: AnalyticsStore,
    scope: Scope,
    topics: Sequence[Topic],
    *,
    every: str | None = None,
    k: int | None = None,
    sample: int = SAMPLE,
    seed: int = 0,
    factor: float = 2.0,
    min_posts: int = 3,
    gap: int = 2,
    max_posts: int = MAX_POSTS,
) -> dict[str, Any]:
    """Recurring issues: each topic's complaint themes with their timelines and episodes; a
    theme with two or more episodes separated by a quiet gap is recurring."""
    _check(k, sample, max_posts)
    every = every or scope.every
    if every not in EVERY:
        raise SettingsError(code="scope.bad_every", value=every)
    if factor <= 0 or min_posts < 1 or gap < 1:
        raise SettingsError(code="analysis.themes_options")
    if scope.start is None or scope.end is None:
        scope = resolve(store, scope)
    assert scope.start and scope.end
    periods = all_periods(scope.start, scope.end, every)
    fitted = []
    keys: set[tuple[str, str, str]] = set()
    for _, negatives in _read(store, scope, topics, max_posts, every=False):
        model = _fit(negatives, k, sample, seed)
        lst, unassigned = _themes_of(model)
        keys |= _example_keys(model, lst)
        fitted.append((model, lst, unassigned))
    texts = post_texts(store, keys)
    results = []
    for tp, (model, lst, unassigned) in zip(topics, fitted, strict=True):
        pidx = _period_index(model.posts, scope.start, every)
        assert not len(pidx) or (pidx.min() >= 0 and pidx.max() < len(periods))
        for th in lst:
            members = model.assign == th["_theme"]
            counted = np.bincount(pidx[members], minlength=len(periods))
            series = apportion(counted, th["size"])  # the read posts' counts, scaled
            eps: list[dict[str, Any]] = [
                {"start": periods[e["first"]], "end": periods[e["last"]]}
                | {"posts": e["posts"], "peak": e["peak"]}
                for e in episodes(series, factor=factor, min_posts=min_posts, gap=gap)
            ]
            th["timeline"] = series
            th["episodes"] = eps
            th["recurring"] = len(eps) >= 2
        _finish(lst, model, texts)
        lst.sort(key=lambda th: (not th["recurring"], th["theme"]))
        part = _part(model, lst, unassigned)
        part["negative_posts"] = part.pop("posts")
        results.append(
            {
                "topic": tp.name,
                "kind": tp.kind,
                **part,
                "recurring": sum(th["recurring"] for th in lst),
            }
        )
    scope_out = {**scope.to_dict(), "every": every}
    return {
        "analysis": "issues",
        "scope": scope_out,
        "topics": [tp.name for tp in topics],
        "method": {
            **_method(k, sample, seed, max_posts),
            "active": f"count >= {factor} x the theme's mean per period and >= {min_posts}",
            "gap": gap,
        },
        "periods": periods,
        "results": results,
    }


# -- tables ------------------------------------------------------------------------------------
def _first_example(th: dict[str, Any]) -> str:
    ex = th.get("examples") or []
    return " ".join(str(ex[0]["text"]).split())[:160] if ex else ""


_THEME_COLS = ["topic", "theme", "label", "size", "share", "positive", "neutral", "negative"]


def _theme_rows(result: dict[str, Any], complaints: bool) -> list[list[Any]]:
    rows = []
    for r in result["results"]:
        part = r["complaints"] if complaints else r
        for th in part["themes"]:
            s = th["sentiment"]
            head = [r["topic"], th["theme"], th["label"], th["size"], th["share"]]
            rows.append([*head, s["positive"], s["neutral"], s["negative"], _first_example(th)])
    return rows


def themes_tables(result: dict[str, Any]) -> list[ResultTable]:
    cols = [*_THEME_COLS, "example"]
    return [
        ResultTable("themes", "Themes", cols, _theme_rows(result, False)),
        ResultTable("complaints", "Complaint reasons", cols, _theme_rows(result, True)),
    ]


def _span(e: dict[str, Any]) -> str:
    days = e["start"] if e["start"] == e["end"] else f"{e['start']}–{e['end']}"
    return f"{days} ({e['posts']})"


def issues_tables(result: dict[str, Any]) -> list[ResultTable]:
    cols = ["topic", "theme", "label", "posts", "recurring", "episodes", "example"]
    rows = [
        [
            r["topic"],
            th["theme"],
            th["label"],
            th["size"],
            th["recurring"],
            "; ".join(_span(e) for e in th["episodes"]),
            _first_example(th),
        ]
        for r in result["results"]
        for th in r["themes"]
    ]
    periods = result["periods"]
    timeline = [
        [r["topic"], th["theme"], th["label"], p, th["timeline"][n]]
        for r in result["results"]
        for th in r["themes"]
        for n, p in enumerate(periods)
    ]
    return [
        ResultTable("issues", "Recurring issues", cols, rows),
        ResultTable(
            "issues_timeline",
            "Complaint themes over time",
            ["topic", "theme", "label", "period", "posts"],
            timeline,
        ),
    ]

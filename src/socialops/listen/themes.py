"""Themes of a topic's posts, complaint reasons, and recurring issues.

**Themes.** The topic's posts (Korean and English alike: the enriched ``keywords`` lists, without
the topic's own query words) are weighted by TF-IDF and factorised with NMF (scikit-learn,
``nndsvda`` start, fixed seed). The model is fitted on a deterministic sample of at most
``sample`` posts — the posts with the smallest BLAKE2 hash of ``seed``, platform and post id —
and then every post of the topic is assigned to the theme with its largest weight (posts with no
word of the vocabulary stay unassigned). A theme is labelled by its top words; it reports its
size, share of the topic's posts, sentiment mix and the posts that weigh most in it. ``k`` (the
number of themes) defaults to ``round(sqrt(n / 25))`` clamped to 2–8 for ``n`` sampled posts.

**Complaint reasons** are the same over the topic's negative posts only.

**Recurring issues** (seed #10, complaints that keep resurfacing): each complaint theme's
timeline counts the topic's negative posts assigned to it per period (the counts add up to the
theme's size). A period is *active* when its count is at least ``factor`` × the theme's mean per
period and at least ``min_posts``; an *episode* is a run of active periods, and runs closer than
``gap`` quiet periods are one episode. A theme with two or more episodes — separated by at least
``gap`` quiet periods — is a recurring issue.

Rows are fetched from the engine and sorted by (platform, post id) before anything is computed,
so DuckDB and Spark give the same output.
"""

from __future__ import annotations

import hashlib
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from socialops.errors import SettingsError
from socialops.listen.assoc import QueryWords, is_query_word, post_texts, query_words
from socialops.listen.scope import (
    EVERY,
    ResultTable,
    Scope,
    all_periods,
    period_of,
    resolve,
    topic_posts,
)

if TYPE_CHECKING:
    from socialops.listen.topics import Topic
    from socialops.store.analytics import AnalyticsStore

__all__ = ["issues", "issues_tables", "themes", "themes_tables"]

MAX_K = 8
MIN_POSTS = 10  # fewer posts with vocabulary words: no themes
TOP_WORDS = 8
LABEL_WORDS = 4
EXAMPLES = 3


@dataclass
class _Post:
    platform: str
    post_id: str
    day: date
    hour: int | None
    month: str
    sentiment: str  # positive | neutral | negative | none
    words: list[str]


@dataclass
class _Model:
    """Themes fitted on a sample, and every post's theme (−1: unassigned)."""

    posts: list[_Post]
    sampled: int = 0
    k: int = 0
    words: list[list[str]] = field(default_factory=list)  # top words per theme
    assign: list[int] = field(default_factory=list)
    weight: list[float] = field(default_factory=list)


# -- rows --------------------------------------------------------------------------------------
def _fetch(
    store: AnalyticsStore, scope: Scope, topic: Topic, *, negative: bool = False
) -> list[_Post]:
    from socialops.store.analytics import fetch_arrow

    (t,) = topic_posts(store, scope, [topic])
    if negative:
        t = t.filter(t.sentiment == "negative")
    t = t.select("platform", "post_id", "day", "hour", "month", "sentiment", "keywords")
    rows = fetch_arrow(t).to_pylist()
    qw = query_words(topic)
    own: dict[str, bool] = {}
    posts = [
        _Post(
            r["platform"],
            r["post_id"],
            r["day"],
            r["hour"],
            r["month"],
            r["sentiment"] or "none",
            _clean(r["keywords"], qw, own),
        )
        for r in rows
    ]
    posts.sort(key=lambda p: (p.platform, p.post_id))
    return posts


def _clean(keywords: list[str] | None, qw: QueryWords, own: dict[str, bool]) -> list[str]:
    """The keywords that are not the topic's own query words (``own`` memoises the test)."""
    out = []
    for w in keywords or []:
        if not w:
            continue
        hit = own.get(w)
        if hit is None:
            hit = own[w] = is_query_word(w, qw)
        if not hit:
            out.append(w)
    return out


def _hash(seed: int, p: _Post) -> bytes:
    return hashlib.blake2b(f"{seed}\0{p.platform}\0{p.post_id}".encode(), digest_size=8).digest()


def _identity(doc: list[str]) -> list[str]:
    return doc


# -- the model ---------------------------------------------------------------------------------
def _auto_k(n: int) -> int:
    return max(2, min(MAX_K, round(math.sqrt(n / 25))))


def _fit(posts: list[_Post], k: int | None, sample: int, seed: int) -> _Model:
    from sklearn.decomposition import NMF
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.feature_extraction.text import TfidfVectorizer

    model = _Model(posts, assign=[-1] * len(posts), weight=[0.0] * len(posts))
    docs = [p for p in posts if p.words]
    if len(docs) < MIN_POSTS:
        return model
    picked = sorted(docs, key=lambda p: _hash(seed, p))[: max(1, sample)]
    picked.sort(key=lambda p: (p.platform, p.post_id))
    vec = TfidfVectorizer(
        analyzer=_identity,
        min_df=max(2, len(picked) // 1000),
        max_df=0.5,
        max_features=5000,
    )
    try:
        x = vec.fit_transform([p.words for p in picked])
    except ValueError:  # no word left after min_df/max_df
        return model
    vocab = vec.get_feature_names_out()
    n_k = _auto_k(len(picked)) if k is None else int(k)
    n_k = max(1, min(n_k, x.shape[0] - 1, x.shape[1]))
    nmf = NMF(n_components=n_k, init="nndsvda", random_state=seed, max_iter=500)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        nmf.fit(x)
        w_all = nmf.transform(vec.transform([p.words for p in posts]))
    h = nmf.components_
    model.sampled, model.k = len(picked), n_k
    for row in h:
        order = sorted(range(len(vocab)), key=lambda j: (-row[j], str(vocab[j])))
        model.words.append([str(vocab[j]) for j in order[:TOP_WORDS] if row[j] > 0])
    best = w_all.argmax(axis=1)  # the first of equal maxima, as on every platform
    top = w_all.max(axis=1)
    model.assign = [
        int(b) if v > 0 else -1 for b, v in zip(best.tolist(), top.tolist(), strict=True)
    ]
    model.weight = [float(v) if v > 0 else 0.0 for v in top.tolist()]
    return model


def _sentiment_mix(posts: Sequence[_Post]) -> dict[str, Any]:
    counts = {s: 0 for s in ("positive", "neutral", "negative", "none")}
    for p in posts:
        counts[p.sentiment] += 1
    scored = counts["positive"] + counts["neutral"] + counts["negative"]
    out: dict[str, Any] = {
        "positive": counts["positive"],
        "neutral": counts["neutral"],
        "negative": counts["negative"],
        "unscored": counts["none"],
    }
    for s in ("positive", "neutral", "negative"):
        out[f"pct_{s}"] = round(100.0 * counts[s] / scored, 2) if scored else None
    return out


def _themes_of(model: _Model) -> list[dict[str, Any]]:
    """Themes with posts, biggest first (ties: label), numbered from 1; ``_members`` holds the
    post indexes (dropped before output)."""
    total = len(model.posts)
    out: list[dict[str, Any]] = []
    for j in range(model.k):
        members = [i for i, a in enumerate(model.assign) if a == j]
        if not members or not model.words[j]:
            continue
        # examples: posts with most of the theme's top words, then the heaviest; ties keep
        # post order (platform, post id): the sort is stable
        label = set(model.words[j][:TOP_WORDS])
        top = sorted(
            members,
            key=lambda i: (-len(label.intersection(model.posts[i].words)), -model.weight[i]),
        )
        out.append(
            {
                "label": ", ".join(model.words[j][:LABEL_WORDS]),
                "words": model.words[j],
                "size": len(members),
                "share": round(100.0 * len(members) / total, 2) if total else None,
                "sentiment": _sentiment_mix([model.posts[i] for i in members]),
                "_members": members,
                "_examples": top[:EXAMPLES],
            }
        )
    out.sort(key=lambda th: (-th["size"], th["label"]))
    for n, th in enumerate(out, 1):
        th["theme"] = n
    return out


def _finish(
    themes_list: list[dict[str, Any]], model: _Model, texts: dict[tuple[str, str], str]
) -> None:
    for th in themes_list:
        th["examples"] = [
            {
                "post_id": model.posts[i].post_id,
                "platform": model.posts[i].platform,
                "sentiment": None
                if model.posts[i].sentiment == "none"
                else model.posts[i].sentiment,
                "text": texts.get((model.posts[i].platform, model.posts[i].post_id), ""),
            }
            for i in th.pop("_examples")
        ]
        th.pop("_members", None)


def _example_keys(model: _Model, themes_list: list[dict[str, Any]]) -> set[tuple[str, str, str]]:
    return {
        (model.posts[i].platform, model.posts[i].post_id, model.posts[i].month)
        for th in themes_list
        for i in th["_examples"]
    }


def _check(k: int | None, sample: int) -> None:
    if k is not None and not 1 <= int(k) <= 50:
        raise SettingsError(f"k = {k}: ask for 1 to 50 themes, or leave it out to choose.")
    if sample < 100:
        raise SettingsError(f"sample = {sample}: sample at least 100 posts.")


def _method(k: int | None, sample: int, seed: int) -> dict[str, Any]:
    return {
        "model": "NMF over TF-IDF of post keywords (query words left out)",
        "k": k if k is not None else "auto: round(sqrt(sampled / 25)), 2-8",
        "sample": sample,
        "seed": seed,
    }


# -- analyses ----------------------------------------------------------------------------------
def themes(
    store: AnalyticsStore,
    scope: Scope,
    topics: Sequence[Topic],
    *,
    k: int | None = None,
    sample: int = 20000,
    seed: int = 0,
) -> dict[str, Any]:
    """Each topic's posts grouped into labelled themes, and its complaint reasons (themes of
    its negative posts)."""
    _check(k, sample)
    if scope.start is None or scope.end is None:
        scope = resolve(store, scope)
    fitted = []
    keys: set[tuple[str, str, str]] = set()
    for tp in topics:
        posts = _fetch(store, scope, tp)
        negatives = [p for p in posts if p.sentiment == "negative"]
        pair = []
        for model in (_fit(posts, k, sample, seed), _fit(negatives, k, sample, seed)):
            lst = _themes_of(model)
            keys |= _example_keys(model, lst)
            pair.append((model, lst))
        fitted.append(pair)
    texts = post_texts(store, keys)
    results = []
    for tp, pair in zip(topics, fitted, strict=True):
        parts = []
        for model, lst in pair:
            _finish(lst, model, texts)
            parts.append(
                {
                    "posts": len(model.posts),
                    "sampled": model.sampled,
                    "k": model.k,
                    "unassigned": model.assign.count(-1),
                    "themes": lst,
                }
            )
        results.append({"topic": tp.name, "kind": tp.kind, **parts[0], "complaints": parts[1]})
    return {
        "analysis": "themes",
        "scope": scope.to_dict(),
        "topics": [tp.name for tp in topics],
        "method": _method(k, sample, seed),
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
    sample: int = 20000,
    seed: int = 0,
    factor: float = 2.0,
    min_posts: int = 3,
    gap: int = 2,
) -> dict[str, Any]:
    """Recurring issues: each topic's complaint themes with their timelines and episodes; a
    theme with two or more episodes separated by a quiet gap is recurring."""
    _check(k, sample)
    every = every or scope.every
    if every not in EVERY:
        raise SettingsError(f"every {every!r}: use hour, day or week.")
    if factor <= 0 or min_posts < 1 or gap < 1:
        raise SettingsError("factor must be > 0, min_posts ≥ 1 and gap ≥ 1.")
    if scope.start is None or scope.end is None:
        scope = resolve(store, scope)
    assert scope.start and scope.end
    periods = all_periods(scope.start, scope.end, every)
    index = {p: n for n, p in enumerate(periods)}
    fitted = []
    keys: set[tuple[str, str, str]] = set()
    for tp in topics:
        model = _fit(_fetch(store, scope, tp, negative=True), k, sample, seed)
        lst = _themes_of(model)
        keys |= _example_keys(model, lst)
        fitted.append((model, lst))
    texts = post_texts(store, keys)
    results = []
    for tp, (model, lst) in zip(topics, fitted, strict=True):
        for th in lst:
            series = [0] * len(periods)
            for i in th["_members"]:
                p = model.posts[i]
                series[index[period_of(p.day, p.hour, every)]] += 1
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
        results.append(
            {
                "topic": tp.name,
                "kind": tp.kind,
                "negative_posts": len(model.posts),
                "sampled": model.sampled,
                "k": model.k,
                "unassigned": model.assign.count(-1),
                "recurring": sum(th["recurring"] for th in lst),
                "themes": lst,
            }
        )
    scope_out = {**scope.to_dict(), "every": every}
    return {
        "analysis": "issues",
        "scope": scope_out,
        "topics": [tp.name for tp in topics],
        "method": {
            **_method(k, sample, seed),
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

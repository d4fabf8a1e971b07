"""Spikes: periods where a topic's volume, or its negative volume, stands out against the topic's
own recent baseline — and coverage changes, which are not spikes. Method and thresholds:
``docs/spikes.md``.

In short, per topic and per series (``volume``: the topic's posts; ``negative``: its negative
posts), each covered period ``x`` is scored against the trailing ``window`` covered periods of
the same segment: ``z = (x − median) / max(1.4826 · MAD, √max(median, 1))`` (robust z-score with a
Poisson floor on the scale). A period is flagged when ``z ≥ z`` and ``x ≥ min_count``;
consecutive flagged periods merge into one spike ``[start, end)``.

Coverage (reported as kind ``coverage``, never scored nor used in a baseline): periods without
any post in scope (``gap``), a partly collected first or last period (``partial``), periods
before the topic's first post (``before_first``), and a level shift that lasts to the end of
the range (``level_shift``: the topic's data only starts there); a level shift starts a new
segment whose baseline uses only the periods after it.

Cold start (a launch): a topic that first appears after periods that were collected without it
has no trailing baseline for its opening periods (the first ``max(3, window / 4)`` covered
ones, which the trailing rule cannot score). Those are scored instead against the level the topic
settles to: the next ``window`` covered periods after the opening, the same formula, at least
``max(3, window / 4)`` of them (fewer: no claim). An opening surge that decays is a spike with
reason ``launch`` (its words are compared with the later periods, ``word_reference: after``); a
topic that starts and stays level is not. A topic present from the start of the data (or of its
collection: a partly collected first period) gets no such claim: its opening may be the tail of
something earlier. A topic that comes back after its own silence needs no cold start: the
silent periods are its (zero) baseline.

The counts come from :func:`~socialops.listen.scope.count_rows` (one scan); the words and example
posts of each spike from small Ibis aggregations; the rest is deterministic Python, so DuckDB and
Spark give identical results.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import reduce
from typing import TYPE_CHECKING, Any

from socialops.errors import SettingsError
from socialops.listen.scope import (
    ResultTable,
    Scope,
    count_rows,
    period_end,
    period_of,
    period_start,
    resolve,
    topic_posts,
)
from socialops.nlp import query as q

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from socialops.listen.topics import Topic
    from socialops.store.analytics import AnalyticsStore

__all__ = [
    "DEFAULT_WINDOW",
    "MIN_COUNT",
    "Flag",
    "Z",
    "detect",
    "g2",
    "spikes",
    "spikes_tables",
]

Z = 4.0  # robust z-score threshold
MIN_COUNT = 5  # a flagged period has at least this many posts
DEFAULT_WINDOW = {"hour": 168, "day": 14, "week": 8}  # trailing covered periods in a baseline
SHIFT_MIN = {"hour": 36, "day": 3, "week": 3}  # periods a level shift lasts (to the end)
SHIFT_RATIO = 10.0  # a level shift: run median ≥ this × the baseline median (at least 1)
PARTIAL = 0.25  # an edge period with fewer posts than this × the median is partly collected
MAD_SCALE = 1.4826  # MAD → standard deviation for normal data
WORD_MIN = 5  # a word that drove a spike is in at least this many of its posts
MIN_REFERENCE = 30  # fewer baseline posts: compare with all the topic's other posts in scope
KINDS = ("volume", "negative", "coverage")


@dataclass(frozen=True)
class Flag:
    """One spike or coverage change over period indices ``[start, end)``."""

    kind: str  # volume | negative | coverage
    start: int
    end: int
    count: int
    score: float | None = None
    baseline: float | None = None  # expected posts over the run (sum of baseline medians)
    peak: int | None = None
    reason: str | None = None  # coverage: gap | partial | before_first | level_shift; spike: launch
    reference: tuple[int, ...] = field(default=())  # baseline periods of the first period


def _scores(
    series: Sequence[int],
    covered: Sequence[bool],
    segment: Sequence[int],
    window: int,
    min_baseline: int,
) -> list[tuple[float, float, tuple[int, ...]] | None]:
    """Per period: (z, baseline median, baseline period indices), None where not scored."""
    out: list[tuple[float, float, tuple[int, ...]] | None] = []
    history: list[int] = []  # covered indices so far
    for i, x in enumerate(series):
        if not covered[i]:
            out.append(None)
            continue
        ref = [j for j in history[-window:] if segment[j] == segment[i]]
        history.append(i)
        if len(ref) < min_baseline:
            out.append(None)
            continue
        vals = [series[j] for j in ref]
        med = float(statistics.median(vals))
        mad = float(statistics.median(abs(v - med) for v in vals))
        scale = max(MAD_SCALE * mad, math.sqrt(max(med, 1.0)))
        out.append(((x - med) / scale, med, tuple(ref)))
    return out


def _after_scores(
    series: Sequence[int],
    scores: list[tuple[float, float, tuple[int, ...]] | None],
    opening: Sequence[int],
    later: Sequence[int],
) -> None:
    """Score the ``opening`` periods (no trailing baseline) against the ``later`` ones (the level
    the topic settles to), in place: the cold start of a launch."""
    vals = [series[j] for j in later]
    med = float(statistics.median(vals))
    mad = float(statistics.median(abs(v - med) for v in vals))
    scale = max(MAD_SCALE * mad, math.sqrt(max(med, 1.0)))
    for i in opening:
        scores[i] = ((series[i] - med) / scale, med, tuple(later))


def _runs(
    kind: str,
    series: Sequence[int],
    scores: Sequence[tuple[float, float, tuple[int, ...]] | None],
    z: float,
    min_count: int,
) -> list[Flag]:
    runs: list[Flag] = []
    cur: list[tuple[int, float, float, tuple[int, ...]]] = []  # (index, z, median, reference)

    def close() -> None:
        if cur:
            best = max(cur, key=lambda c: (c[1], -c[0]))
            runs.append(
                Flag(
                    kind,
                    cur[0][0],
                    cur[-1][0] + 1,
                    sum(series[c[0]] for c in cur),
                    round(best[1], 2),
                    round(sum(c[2] for c in cur), 2),
                    best[0],
                    reference=cur[0][3],
                )
            )
            cur.clear()

    for i, s in enumerate(scores):
        if s is not None and s[0] >= z and series[i] >= min_count:
            cur.append((i, *s))
        else:
            close()
    close()
    return runs


def _spans(reasons: Sequence[str | None], counts: Sequence[int]) -> list[Flag]:
    out: list[Flag] = []
    i = 0
    while i < len(reasons):
        r = reasons[i]
        j = i + 1
        while j < len(reasons) and reasons[j] == r:
            j += 1
        if r is not None:
            out.append(Flag("coverage", i, j, sum(counts[i:j]), reason=r))
        i = j
    return out


def _level_shift(
    counts: Sequence[int],
    covered: Sequence[bool],
    segment: Sequence[int],
    window: int,
    min_baseline: int,
    z: float,
    min_count: int,
) -> tuple[int, int, float] | None:
    """The last volume run when it lasts to the last covered period: (start, end, level ratio)."""
    runs = _runs(
        "volume", counts, _scores(counts, covered, segment, window, min_baseline), z, min_count
    )
    last_covered = max((i for i, c in enumerate(covered) if c), default=-1)
    if not runs or runs[-1].end != last_covered + 1:
        return None
    run = runs[-1]
    level = float(statistics.median(counts[run.start : run.end]))
    before = float(statistics.median(counts[j] for j in run.reference))
    return run.start, run.end, level / max(before, 1.0)


def detect(
    all_counts: Sequence[int],
    counts: Sequence[int],
    negative: Sequence[int] | None = None,
    *,
    every: str = "day",
    z: float = Z,
    min_count: int = MIN_COUNT,
    window: int | None = None,
    min_baseline: int | None = None,
    shift_min: int | None = None,
    shift_ratio: float = SHIFT_RATIO,
) -> list[Flag]:
    """Spikes and coverage changes of one topic's series (pure; period indices).

    ``all_counts``: all posts in scope per period (collection coverage); ``counts``: the topic's
    posts; ``negative``: its negative posts (``None``: no negative spikes)."""
    n = len(counts)
    if len(all_counts) != n or (negative is not None and len(negative) != n):
        raise ValueError("all_counts, counts and negative must have one value per period")
    window = window or DEFAULT_WINDOW.get(every, 14)
    if window < 1 or z <= 0 or min_count < 1:
        raise SettingsError(code="analysis.spike_options")
    min_baseline = min_baseline or max(3, window // 4)
    shift_min = shift_min or SHIFT_MIN.get(every, 3)
    if not any(counts):
        return []
    reasons: list[str | None] = [None] * n
    nonempty = [i for i, a in enumerate(all_counts) if a > 0]
    for i, a in enumerate(all_counts):
        if a == 0:
            reasons[i] = "gap"
    if len(nonempty) >= 3:
        med_all = statistics.median(all_counts[i] for i in nonempty)
        for i in {nonempty[0], nonempty[-1]}:
            if all_counts[i] < PARTIAL * med_all:
                reasons[i] = "partial"
    first = next(i for i, c in enumerate(counts) if c > 0)
    # a launch: periods collected in full before the topic's first post, without it
    launched = any(reasons[i] is None for i in range(first))
    for i in range(first):
        reasons[i] = "before_first"
    covered = [r is None for r in reasons]
    segment = [0] * n
    flags = _spans(reasons, counts)
    shift = _level_shift(counts, covered, segment, window, min_baseline, z, min_count)
    if shift is not None and shift[1] - shift[0] >= shift_min and shift[2] >= shift_ratio:
        s, e = shift[0], shift[1]
        flags.append(Flag("coverage", s, e, sum(counts[s:e]), reason="level_shift"))
        segment = [0] * s + [1] * (n - s)  # the new level has its own baseline
    # the cold start: the opening periods (no trailing baseline) against the periods after them
    opening: list[int] = []
    later: list[int] = []
    if launched:
        seg0 = [i for i in range(n) if covered[i] and segment[i] == 0]
        opening, later = seg0[:min_baseline], seg0[min_baseline : min_baseline + window]
        if len(later) < min_baseline:  # too few later periods to know the level: no claim
            opening = []
    for kind, series in (("volume", counts), ("negative", negative)):
        if series is None:
            continue
        scores = _scores(series, covered, segment, window, min_baseline)
        if opening:
            _after_scores(series, scores, opening, later)
        for f in _runs(kind, series, scores, z, min_count):
            flags.append(replace(f, reason="launch") if opening and f.start in opening else f)
    order = {k: i for i, k in enumerate(KINDS)}
    return sorted(flags, key=lambda f: (f.start, order[f.kind], f.end))


# -- words and example posts ------------------------------------------------------------------
def g2(a: int, b: int, n1: int, n2: int) -> float:
    """Log-likelihood G² of a word in ``a`` of ``n1`` target posts vs ``b`` of ``n2`` reference
    posts (2×2 table)."""
    total = n1 + n2
    k = a + b
    out = 0.0
    for obs, row, col in ((a, n1, k), (b, n2, k), (n1 - a, n1, total - k), (n2 - b, n2, total - k)):
        exp = row * col / total if total else 0.0
        if obs > 0 and exp > 0:
            out += obs * math.log(obs / exp)
    return 2.0 * out


def _period_cond(t: ir.Table, keys: Sequence[str], every: str) -> ir.BooleanValue:
    """Posts in the periods ``keys`` (merged into contiguous ranges)."""
    ranges: list[list[Any]] = []
    for k in sorted(keys):
        lo, hi = period_start(k), period_end(k, every)
        if ranges and ranges[-1][1] == lo:
            ranges[-1][1] = hi
        else:
            ranges.append([lo, hi])
    conds: list[ir.BooleanValue] = []
    for lo, hi in ranges:
        if every != "hour":
            conds.append((t.day >= lo.date()) & (t.day < hi.date()))
            continue
        after = (t.day > lo.date()) | ((t.day == lo.date()) & (t.hour >= lo.hour))
        before = (t.day < hi.date()) | ((t.day == hi.date()) & (t.hour < hi.hour))
        conds.append(after & before)
    return reduce(lambda x, y: x | y, conds)


def _excluded(topic: Topic) -> set[str]:
    """The topic's own query terms (lower-case, without #/@ and spaces)."""
    out: set[str] = set()
    for term in q.terms(topic.tree):
        for w in (term.raw, "".join(term.units), term.compound or ""):
            w = w.lower().lstrip("#@").replace(" ", "")
            if w:
                out.add(w)
    return out


def _is_query_word(word: str, excluded: set[str]) -> bool:
    """A keyword that is a query term or part of one (겨울 and 왕국 of 겨울왕국)."""
    w = word.lower().lstrip("#@").replace(" ", "")
    return any(w in term for term in excluded)


def _keyword_counts(
    t: ir.Table, cond: ir.BooleanValue | None, every: str
) -> dict[tuple[str, bool, str], int]:
    """(period, negative?, keyword) → posts, for the topic's posts in ``cond`` (all when
    ``None``)."""
    from socialops.store.analytics import fetch_arrow

    keys = ["day", "hour"] if every == "hour" else ["day"]
    sub = t if cond is None else t.filter(cond)
    sub = sub.select(*keys, neg=(sub.sentiment == "negative").fill_null(False), kw=sub.keywords)
    u = sub.select(*keys, "neg", kw=sub.kw.unnest())
    u = u.filter(u.kw.notnull())
    expr = u.group_by([*keys, "neg", "kw"]).aggregate(n=u.count())
    out: dict[tuple[str, bool, str], int] = {}
    for r in fetch_arrow(expr).to_pylist():
        key = (period_of(r["day"], r.get("hour"), every), bool(r["neg"]), r["kw"])
        out[key] = out.get(key, 0) + int(r["n"])
    return out


class _WordIndex:
    """A topic's keyword counts by (period, negative?), query words removed, with totals: built
    once per topic, so explaining many spikes costs only their own periods."""

    def __init__(self, counts: dict[tuple[str, bool, str], int], excluded: set[str]) -> None:
        own: dict[str, bool] = {}
        self.by: dict[tuple[str, bool], dict[str, int]] = {}
        self.total: dict[bool, dict[str, int]] = {False: {}, True: {}}  # all posts / negative
        for (p, neg, w), n in counts.items():
            hit = own.get(w)
            if hit is None:
                hit = own[w] = _is_query_word(w, excluded)
            if hit:
                continue
            d = self.by.setdefault((p, neg), {})
            d[w] = d.get(w, 0) + n
            for key in (False, True) if neg else (False,):
                self.total[key][w] = self.total[key].get(w, 0) + n

    def sum(self, periods: set[str], negative: bool) -> dict[str, int]:
        out: dict[str, int] = {}
        for p in periods:
            for neg in (True,) if negative else (False, True):
                for w, n in self.by.get((p, neg), {}).items():
                    out[w] = out.get(w, 0) + n
        return out


def _words(
    index: _WordIndex,
    target: set[str],
    reference: set[str] | None,
    negative: bool,
    n1: int,
    n2: int,
    limit: int,
) -> list[dict[str, Any]]:
    """Words over-represented in ``target`` periods against ``reference`` periods (``None``:
    every other period of the topic in scope), ranked by G²."""
    a = index.sum(target, negative)
    if reference is None:
        total = index.total[negative]
        b = {w: total.get(w, 0) - na for w, na in a.items()}
    else:
        b = index.sum(reference, negative)
    scored: list[dict[str, Any]] = []
    for w, na in a.items():
        nb = b.get(w, 0)
        if na < WORD_MIN or not n1 or (n2 and na / n1 <= nb / n2):
            continue
        scored.append({"word": w, "count": na, "baseline": nb, "g2": round(g2(na, nb, n1, n2), 3)})
    scored.sort(key=lambda d: (-d["g2"], -d["count"], d["word"]))
    return scored[:limit]


_CANDIDATE_COLS = ["platform", "post_id", "author_handle", "created_at", "likes", "shares"]


def _candidates(t: ir.Table, keys: Sequence[str], every: str) -> list[dict[str, Any]]:
    """The topic's posts in the periods ``keys`` (no text: texts are fetched for the chosen
    examples only), with their period and whether they are negative."""
    from socialops.store.analytics import fetch_arrow

    if not keys:
        return []
    cols = [*_CANDIDATE_COLS, "day", "hour", "month", "sentiment", "keywords"]
    rows = fetch_arrow(t.filter(_period_cond(t, keys, every)).select(*cols)).to_pylist()
    for r in rows:
        r["period"] = period_of(r["day"], r["hour"], every)
        r["negative"] = r["sentiment"] == "negative"
        ts = r["created_at"]
        if ts is not None and ts.tzinfo is None:  # Spark gives naive UTC
            ts = ts.replace(tzinfo=UTC)
        r["created_at"] = ts.astimezone(UTC) if ts is not None else None
    return rows


def _examples(
    candidates: dict[str, list[dict[str, Any]]],
    target: set[str],
    negative: bool,
    words: Sequence[str],
    limit: int,
) -> list[dict[str, Any]]:
    """Posts of the spike that use most of its top words, then the most engaged (likes +
    shares), oldest first (ties: platform, post id)."""
    top = set(words[:5])
    pool = [r for p in target for r in candidates.get(p, ()) if r["negative"] or not negative]
    far = datetime.max.replace(tzinfo=UTC)

    def key(r: dict[str, Any]) -> tuple[Any, ...]:
        hits = len(top.intersection(r["keywords"] or ()))
        eng = (r["likes"] or 0) + (r["shares"] or 0)
        return (-hits, -eng, r["created_at"] or far, r["platform"], r["post_id"])

    return [
        {**{c: r[c] for c in _CANDIDATE_COLS}, "_month": r["month"]}
        for r in sorted(pool, key=key)[: max(0, limit)]
    ]


# -- the analysis ------------------------------------------------------------------------------
def spikes(
    store: AnalyticsStore,
    scope: Scope,
    topics: Sequence[Topic],
    *,
    z: float = Z,
    min_count: int = MIN_COUNT,
    window: int | None = None,
    words: int = 10,
    examples: int = 3,
) -> dict[str, Any]:
    """Volume and negative spikes per topic, each explained by the words and posts that drove
    it, and coverage changes (see the module doc and ``docs/spikes.md``)."""
    if not (scope.start and scope.end):
        scope = resolve(store, scope)
    every = scope.every
    window = window or DEFAULT_WINDOW[every]
    rows = count_rows(store, scope, topics)
    periods = rows.periods
    all_counts = rows.series(0)
    tables = topic_posts(store, scope, topics)
    results: list[dict[str, Any]] = []
    for i, topic in enumerate(topics):
        vol, neg = rows.series(i + 1), rows.series(i + 1, "negative")
        flags = detect(all_counts, vol, neg, every=every, z=z, min_count=min_count, window=window)
        spikes_ = [f for f in flags if f.kind != "coverage"]
        t = tables[i]
        kw: dict[tuple[str, bool, str], int] = {}
        if spikes_ and words > 0:
            if any(_reference_size(f, vol, neg) < MIN_REFERENCE for f in spikes_):
                kw = _keyword_counts(t, None, every)  # some spike compares with all the rest
            else:
                keys = {periods[k] for f in spikes_ for k in (*range(f.start, f.end), *f.reference)}
                kw = _keyword_counts(t, _period_cond(t, sorted(keys), every), every)
        index = _WordIndex(kw, _excluded(topic))
        candidates: dict[str, list[dict[str, Any]]] = {}
        if spikes_ and examples > 0:
            spans = {periods[k] for f in spikes_ for k in range(f.start, f.end)}
            for r in _candidates(t, sorted(spans), every):
                candidates.setdefault(r["period"], []).append(r)
        for f in flags:
            item: dict[str, Any] = {
                "topic": topic.name,
                "start": periods[f.start],
                "end": period_end(periods[f.end - 1], every).isoformat(timespec="minutes")
                if every == "hour"
                else period_end(periods[f.end - 1], every).date().isoformat(),
                "kind": f.kind,
                "score": f.score,
                "count": f.count,
                "baseline": f.baseline,
                "periods": f.end - f.start,
                "peak": periods[f.peak] if f.peak is not None else None,
                "reason": f.reason,
                "words": [],
                "word_stats": [],
                "posts": [],
            }
            if f.kind != "coverage":
                item.update(_explain(index, candidates, f, periods, vol, neg, words, examples))
            results.append(item)
    _add_texts(store, results)
    order = {k: n for n, k in enumerate(KINDS)}
    tidx = {tp.name: n for n, tp in enumerate(topics)}
    results.sort(key=lambda r: (tidx[r["topic"]], r["start"], order[r["kind"]], r["end"]))
    return {
        "analysis": "spikes",
        "scope": scope.to_dict(),
        "topics": [tp.name for tp in topics],
        "params": {"z": z, "min_count": min_count, "window": window, "every": every},
        "results": results,
    }


def _add_texts(store: AnalyticsStore, results: list[dict[str, Any]]) -> None:
    """Texts of every example post, in one query (texts are the widest column)."""
    from socialops.listen.assoc import post_texts

    posts = [p for r in results for p in r["posts"]]
    texts = post_texts(store, {(p["platform"], p["post_id"], p.pop("_month")) for p in posts})
    for p in posts:
        p["text"] = texts.get((p["platform"], p["post_id"]), "")
        ts = p["created_at"]
        p["created_at"] = ts.isoformat() if ts is not None else None


def _reference_size(f: Flag, vol: Sequence[int], neg: Sequence[int]) -> int:
    series = neg if f.kind == "negative" else vol
    return sum(series[k] for k in f.reference)


def _explain(
    index: _WordIndex,
    candidates: dict[str, list[dict[str, Any]]],
    f: Flag,
    periods: Sequence[str],
    vol: Sequence[int],
    neg: Sequence[int],
    words: int,
    examples: int,
) -> dict[str, Any]:
    negative = f.kind == "negative"
    series = neg if negative else vol
    target = {periods[k] for k in range(f.start, f.end)}
    reference: set[str] | None = {periods[k] for k in f.reference}
    n1 = sum(series[k] for k in range(f.start, f.end))
    n2 = _reference_size(f, vol, neg)
    basis = "after" if f.reason == "launch" else "baseline"  # launch: the periods after it
    if n2 < MIN_REFERENCE:  # too few baseline posts: every other post of the topic in scope
        reference = None
        n2 = sum(series) - n1
        basis = "rest_of_scope"
    stats = _words(index, target, reference, negative, n1, n2, words) if words > 0 else []
    top = [w["word"] for w in stats]
    return {
        "words": top,
        "word_stats": stats,
        "word_reference": basis,
        "posts": _examples(candidates, target, negative, top, examples),
    }


def spikes_tables(result: dict[str, Any]) -> list[ResultTable]:
    cols = ["topic", "kind", "start", "end", "score", "count", "baseline", "reason", "words"]
    rows = [dict(r, words=r["words"][:6]) for r in result["results"]]
    main = ResultTable.of("spikes", "Spikes and coverage changes", rows, cols)
    posts = [
        {
            "topic": r["topic"],
            "kind": r["kind"],
            "start": r["start"],
            "post_id": p["post_id"],
            "created_at": p["created_at"],
            "text": p["text"],
        }
        for r in result["results"]
        for p in r["posts"]
    ]
    ex = ResultTable.of(
        "spikes_posts",
        "Posts that drove each spike",
        posts,
        ["topic", "kind", "start", "post_id", "created_at", "text"],
    )
    return [main, ex]

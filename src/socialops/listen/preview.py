"""A topic query's preview, before the topic is saved: how many posts it matches and over which
days, a few sample matches, the word forms it matched most, and warnings for Korean words that
match more than the user meant.

Ambiguity rule, per Korean word of the query (not ``#tags``, ``@handles`` or phrases of
several words) — a word is *ambiguous* when any of these holds:

- ``one_syllable``: it is a single syllable (배, 눈, 차, 말): one-syllable nouns are common
  words with several meanings (배 = ship, pear, belly, times), so a query on one finds them all;
- ``inflected``: Kiwi reads the word itself as a predicate with an ending (놀란 = 놀라다 +
  ᆫ): the query keeps the stem and matches every form of that verb or adjective (놀랐다,
  놀라운), not the name written the same way;
- ``mostly_other``: it has one or two syllables and, among the sampled matches, fewer than half
  are read with the word's own analysis (the same morphemes and tags as the word alone): the
  matches are mostly other words that contain it.

The matched forms are the whole words (eojeol) of the sampled matching posts that contain a
term's match, counted once per post and term."""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING, Any

from socialops.nlp import en, ko
from socialops.nlp import match as mu
from socialops.nlp import query as q
from socialops.store.analytics import fetch_arrow

if TYPE_CHECKING:
    from socialops.store.analytics import AnalyticsStore

__all__ = ["FORM_SAMPLE", "SAMPLES", "ambiguity", "preview_query"]

SAMPLES = 5  # sample matches shown
FORM_SAMPLE = 400  # matching posts whose words are counted
TOP_FORMS = 10
MIN_FOR_SHARE = 10  # occurrences needed before the "mostly other words" share is judged
_SYLLABLE = re.compile(r"[\uac00-\ud7a3]")
_NOT_WORD = re.compile(r"^[^\w#@]+|[^\w]+$")
_PREDICATES = ("VV", "VA", "VX", "VCP", "VCN", "XSV", "XSA")


def _base(tag: str) -> str:
    return tag.partition("-")[0]


def _korean_terms(node: q.Node) -> list[q.Term]:
    out = []
    for term in q.terms(node):
        body = term.raw.strip().rstrip("*")
        if not body or body[0] in "#@" or " " in body or not _SYLLABLE.search(body):
            continue
        out.append(term)
    return out


def _own_analysis(term: q.Term) -> tuple[str, ...]:
    """The word's morphemes as ``form/TAG``, as Kiwi reads it alone (endings kept)."""
    body = term.raw.strip().rstrip("*")
    return tuple(f"{f}/{_base(t)}" for f, t, _ in ko.analyse([body])[0])


def ambiguity(term: q.Term, readings: Counter[str] | None = None) -> list[dict[str, Any]]:
    """The warnings for one Korean term (see the module's rule); ``readings`` counts how the
    sampled matches read it (``form/TAG`` runs, as :func:`_runs` gives them)."""
    body = term.raw.strip().rstrip("*")
    syllables = len(_SYLLABLE.findall(body))
    own = _own_analysis(term)
    out: list[dict[str, Any]] = []
    if syllables == 1 and len(body) == 1:
        out.append({"term": body, "why": "one_syllable"})
    if any(_base(m.rpartition("/")[2]) in _PREDICATES for m in own):
        stem = next(m.rpartition("/")[0] for m in own if m.rpartition("/")[2] in _PREDICATES)
        out.append({"term": body, "why": "inflected", "stem": stem + "다"})
    if readings and syllables <= 2:
        n = sum(readings.values())
        kept = tuple(m for m in own if not m.rpartition("/")[2].startswith(("J", "E")))
        same = sum(c for r, c in readings.items() if tuple(r.split("+")) == kept)
        if n >= MIN_FOR_SHARE and same * 2 < n:
            out.append(
                {
                    "term": body,
                    "why": "mostly_other",
                    "share": round(100.0 * (n - same) / n, 1),
                    "n": n,
                }
            )
    return out


def _runs(term: q.Term, morphs: list[Any], text: str) -> list[tuple[str, str]]:
    """``(word, reading)`` for each place ``term`` matches in a Korean text analysed by Kiwi
    into ``morphs`` (its tokens, with offsets): the whole word around the match, and the
    matched morphemes as ``form/TAG+form/TAG``."""
    units = [mu.unit(m.form, _base(m.tag)) for m in morphs]
    want = list(term.units)
    found = []
    k = len(want)
    for i in range(len(units) - k + 1):
        got = units[i : i + k]
        if term.prefix:
            hit = got[:-1] == want[:-1] and (got[-1] or "").startswith(want[-1])
        else:
            hit = got == want
        if not hit and term.compound and not term.prefix:
            joined = "".join(u or "" for u in units[i : i + 2])
            hit = k == 1 and joined == term.compound
        if not hit:
            continue
        start, end = morphs[i].start, morphs[i + k - 1].start + morphs[i + k - 1].len
        left = text.rfind(" ", 0, start) + 1
        right = text.find(" ", end)
        word = _NOT_WORD.sub("", text[left : right if right >= 0 else len(text)])
        reading = "+".join(f"{m.form}/{_base(m.tag)}" for m in morphs[i : i + k])
        found.append((word, reading))
    return found


def _en_words(term: q.Term, text: str) -> list[str]:
    words = text.split()
    lemmas = [en.lemma(_NOT_WORD.sub("", w)) if w[:1] not in "#@" else w.lower() for w in words]
    want = list(term.units)
    k = len(want)
    out = []
    for i in range(len(words) - k + 1):
        got = lemmas[i : i + k]
        if got == want or (term.prefix and got[-1].startswith(want[-1]) and got[:-1] == want[:-1]):
            out.append(" ".join(_NOT_WORD.sub("", w) for w in words[i : i + k]))
    return out


def preview_query(store: AnalyticsStore, query: str, samples: int = SAMPLES) -> dict[str, Any]:
    """What ``query`` matches in the workspace's enriched posts (see the module)."""
    node = q.parse(query)
    t = store.posts()
    m = t.filter(q.compile_query(node, t.match_text))
    agg = fetch_arrow(
        m.aggregate(
            n=m.count(),
            undated=m.created_at.isnull().sum(),
            first=m.day.min(),
            last=m.day.max(),
        )
    ).to_pylist()[0]
    total = int(agg["n"] or 0)
    out: dict[str, Any] = {
        "query": query.strip(),
        "matches": total,
        "all_posts": int(fetch_arrow(t.aggregate(n=t.count())).column("n")[0].as_py() or 0),
        "undated": int(agg["undated"] or 0),
        "first_day": str(agg["first"]) if agg["first"] else None,
        "last_day": str(agg["last"]) if agg["last"] else None,
        "samples": [],
        "forms": [],
        "warnings": [],
    }
    k_terms = _korean_terms(node)
    if not total:
        out["warnings"] = [w for term in k_terms for w in ambiguity(term)]
        return out
    # a spread of the matches, the same on every run: ordered by a hash of the post key
    picked = m.order_by([m.post_id.hash(), m.platform, m.post_id]).limit(FORM_SAMPLE)
    rows = fetch_arrow(picked.select("platform", "post_id", "created_at", "text", "lang"))
    texts = [str(x or "") for x in rows.column("text").to_pylist()]
    langs = rows.column("lang").to_pylist()
    sample_idx = range(min(samples, rows.num_rows))
    created = [c.isoformat() if c else None for c in rows.column("created_at").to_pylist()]
    out["samples"] = [
        {
            "platform": rows.column("platform")[i].as_py(),
            "post_id": rows.column("post_id")[i].as_py(),
            "created_at": created[i],
            "text": texts[i],
        }
        for i in sample_idx
    ]
    terms = [tm for tm in q.terms(node) if tm.units]
    forms: Counter[str] = Counter()
    readings: dict[str, Counter[str]] = {tm.raw: Counter() for tm in k_terms}
    ko_idx = [i for i, lang in enumerate(langs) if lang == "ko"]
    analysed = (  # Kiwi only when there is Korean to read (it takes seconds to load)
        dict(zip(ko_idx, ko.tokenize_each([texts[i] for i in ko_idx]), strict=True))
        if ko_idx
        else {}
    )
    for i, text in enumerate(texts):
        for term in terms:
            if i in analysed:
                runs = _runs(term, list(analysed[i]), text)
                for word, reading in runs[:1]:
                    forms[word] += 1
                    if term.raw in readings:
                        readings[term.raw][reading] += 1
            else:
                words = _en_words(term, text)
                if words:
                    forms[words[0]] += 1
    out["forms"] = [{"form": f, "posts": n} for f, n in forms.most_common(TOP_FORMS) if f]
    out["form_sample"] = rows.num_rows
    out["warnings"] = [w for term in k_terms for w in ambiguity(term, readings[term.raw])]
    return out

"""Match units: the searchable form of a post's tokens, for boolean topic queries.

Every enriched post keeps ``match_text``: its tokens reduced to match units and joined by single
spaces, with a space at each end (`` 배송 이 늦 었 어요 ``). A query term is reduced the same way,
so a term matches when its units occur as a whole-unit run: ``" 배송 "`` is found in
``" 배송 이 늦 었 어요 "`` (morpheme-aware: 배송 finds 배송이, 배송은), and a phrase is a run of
consecutive units. Rules for a unit:

- Korean morphemes (Kiwi): the form, lower-cased; Latin words inside Korean text (``SL``) get the
  English rule;
- English words: lower case, plural folded (``flights`` → ``flight``), stop words kept (phrases);
- ``#hashtags`` and ``@mentions``: lower-cased with their sign; URLs, emails and punctuation are
  not units.

Kiwi splits the same compound differently by context (겨울왕국/NNP alone, 겨울/NNG 왕국/NNG in
"겨울왕국 보고"), so after the units, behind a ``|`` that no phrase can cross, come the
compounds of each run of adjacent nouns, roots, affixes and stems inside one word (every
sub-run of two to four, joined without a space): `` 겨울 왕국 보 고 | 겨울왕국 ``. A query term
written as one word finds either form (지루하다 finds 지루하/VA and 지루/XR 하/XSA).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from socialops.nlp import en

__all__ = ["SKIP_TAGS", "VERSION", "match_text", "match_text_of_morphs", "unit"]

VERSION = "2"

# Kiwi and socialops.nlp.en tags that are not match units
SKIP_TAGS = frozenset(
    {"SF", "SP", "SS", "SSO", "SSC", "SE", "SO", "SW", "SB", "W_URL", "W_EMAIL", "URL", "Z_CODA"}
)
_EN_TAGS = frozenset({"EN", "STOP", "SL"})
# morphemes that join into compounds within a word: nouns, roots, derivational affixes and
# predicate stems (지루/XR 하/XSA and 지루하/VA are the same word to a reader)
COMPOUND_TAGS = frozenset({"NNG", "NNP", "XR", "XPN", "XSN", "XSA", "XSV", "VA", "VV"})
MAX_COMPOUND = 4


def unit(form: str, tag: str) -> str | None:
    """The match unit of one token, or ``None`` when the token is not searchable."""
    if tag in SKIP_TAGS or not form or form.isspace():
        return None
    if tag in _EN_TAGS:
        return en.lemma(form)
    return form.lower().replace(" ", "_")


def _flush(run: list[str], compounds: list[str]) -> None:
    """Add every sub-run of two to :data:`MAX_COMPOUND` units of ``run``, then empty it."""
    n = len(run)
    if n > 1:
        for i in range(n - 1):
            for j in range(i + 2, min(n, i + MAX_COMPOUND) + 1):
                compounds.append("".join(run[i:j]))
    run.clear()


def match_text(tokens: Iterable[str], word_starts: Sequence[bool] | None = None) -> str:
    """``" u1 u2 ... | compounds "`` for tokens stored as ``form/TAG`` (an empty post gives
    ``" "``). ``word_starts[i]`` says token ``i`` begins a new word (a space before it): noun
    compounds never cross a word boundary. Without it, adjacent nouns always join."""
    pairs: list[tuple[str, str]] = []
    for tok in tokens:
        form, _, tag = tok.rpartition("/")
        pairs.append((form, tag) if form else (tag, ""))  # a token without a tag
    return match_text_of_morphs(pairs, word_starts)


def match_text_of_morphs(
    morphs: Iterable[tuple[str, str]], word_starts: Sequence[bool] | None = None
) -> str:
    """:func:`match_text` of tokens given as ``(form, tag)`` pairs (what the enrichment's
    tokenising step has already: no ``form/TAG`` string to split again).

    (:func:`unit` inlined: this runs for every token of every post enriched.)"""
    units: list[str] = []
    compounds: list[str] = []
    run: list[str] = []
    skip, en_tags, compound_tags, lemma = SKIP_TAGS, _EN_TAGS, COMPOUND_TAGS, en.lemma
    for k, (form, tag) in enumerate(morphs):
        if run and word_starts is not None and word_starts[k]:
            _flush(run, compounds)
        if "-" in tag:
            tag = tag.partition("-")[0]
        if tag in skip or not form or form.isspace():
            if run:
                _flush(run, compounds)
            continue
        u = lemma(form) if tag in en_tags else form.lower().replace(" ", "_")
        if not u:
            if run:
                _flush(run, compounds)
            continue
        units.append(u)
        if tag in compound_tags:
            run.append(u)
        elif run:
            _flush(run, compounds)
    if run:
        _flush(run, compounds)
    if not units:
        return " "
    tail = " | " + " ".join(dict.fromkeys(compounds)) if compounds else ""
    return " " + " ".join(units) + tail + " "

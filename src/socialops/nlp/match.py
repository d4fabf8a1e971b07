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
"""

from __future__ import annotations

from collections.abc import Iterable

from socialops.nlp import en

__all__ = ["SKIP_TAGS", "VERSION", "match_text", "unit"]

VERSION = "1"

# Kiwi and socialops.nlp.en tags that are not match units
SKIP_TAGS = frozenset(
    {"SF", "SP", "SS", "SSO", "SSC", "SE", "SO", "SW", "SB", "W_URL", "W_EMAIL", "URL", "Z_CODA"}
)
_EN_TAGS = frozenset({"EN", "STOP", "SL"})


def unit(form: str, tag: str) -> str | None:
    """The match unit of one token, or ``None`` when the token is not searchable."""
    if tag in SKIP_TAGS or not form or form.isspace():
        return None
    if tag in _EN_TAGS:
        return en.lemma(form)
    return form.lower().replace(" ", "_")


def match_text(tokens: Iterable[str]) -> str:
    """``" u1 u2 ... "`` for tokens stored as ``form/TAG`` (an empty post gives ``" "``)."""
    units: list[str] = []
    for tok in tokens:
        form, _, tag = tok.rpartition("/")
        if not form:  # a token without a tag
            form, tag = tag, ""
        u = unit(form, tag.partition("-")[0])
        if u:
            units.append(u)
    return " " + " ".join(units) + " " if units else " "

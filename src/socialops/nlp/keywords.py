"""Keyword candidates per post: content nouns, noun compounds and hashtags.

Korean: nouns (NNG, NNP), roots (XR) and foreign words (SL) of two or more characters, and
adjacent noun pairs joined by a space (``배송 지연``); English: content lemmas of three or more
letters. Hashtags are always candidates. A stop list removes words that are frequent in every
topic. At most ``MAX_KEYWORDS`` per post, in order of first appearance, without repeats.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["MAX_KEYWORDS", "VERSION", "keywords_en", "keywords_ko"]

VERSION = "1"
MAX_KEYWORDS = 12

_KO_NOUN_TAGS = frozenset({"NNG", "NNP", "XR"})
KO_STOP = frozenset(
    "것 수 등 때 거 게 이거 그거 저거 정도 이번 지금 오늘 우리 진짜 정말 너무 그냥 이것 저것 "
    "누구 무엇 뭐 어디 언제 하나 다음 이상 이하 경우 관련 통해 위해 부분 자체 사람 생각".split()
)
EN_STOP_KEYWORDS = frozenset("just get got like know really thing make going want".split())
# placeholders that anonymised data sets put where a link or a user was
PLACEHOLDERS = frozenset({"url", "user", "http", "https"})


def _add(out: list[str], seen: set[str], word: str) -> None:
    if word not in seen:
        seen.add(word)
        out.append(word)


def keywords_ko(morphs: Sequence[tuple[str, str]], hashtags: Sequence[str]) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    prev_noun: str | None = None
    for form, tag in morphs:
        if tag in _KO_NOUN_TAGS or tag == "SL":
            word = form.lower() if tag == "SL" else form
            ok = (
                (len(word) >= 2 if tag != "SL" else len(word) >= 3)
                and word not in KO_STOP
                and word.lower() not in PLACEHOLDERS
            )
            if ok:
                if prev_noun is not None and tag in _KO_NOUN_TAGS:
                    _add(out, seen, f"{prev_noun} {word}")
                _add(out, seen, word)
                prev_noun = word if tag in _KO_NOUN_TAGS else None
            else:
                prev_noun = None
        else:
            prev_noun = None
        if len(out) >= MAX_KEYWORDS:
            return out[:MAX_KEYWORDS]
    for h in hashtags:
        _add(out, seen, h.lower())
    return out[:MAX_KEYWORDS]


def keywords_en(lemmas: Sequence[str], hashtags: Sequence[str]) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for w in lemmas:
        if len(w) >= 3 and w not in EN_STOP_KEYWORDS and w not in PLACEHOLDERS and w.isalpha():
            _add(out, seen, w)
        if len(out) >= MAX_KEYWORDS:
            break
    for h in hashtags:
        _add(out, seen, h.lower())
    return out[:MAX_KEYWORDS]

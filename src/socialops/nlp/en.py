"""English tokens: words, with stop words marked (``the/STOP``) and simple lemmas."""

from __future__ import annotations

import re

from socialops.nlp.en_stop_words import ENGLISH_STOP_WORDS

__all__ = ["VERSION", "lemma", "stop_words", "tokenize"]

VERSION = "1"
_MORE_STOP_WORDS = frozenset({"im", "u", "ur", "rt", "amp", "s", "t", "don", "didn"})
_STOP_WORDS = ENGLISH_STOP_WORDS | _MORE_STOP_WORDS


def stop_words() -> frozenset[str]:
    """scikit-learn's English stop words and a few of social media's."""
    return _STOP_WORDS


_TOKEN_RE = re.compile(
    r"(?P<url>https?://\S+|www\.\S+)|(?P<mention>@\w+)|(?P<hashtag>#\w+)"
    r"|(?P<word>[A-Za-z]+(?:'[A-Za-z]+)?|\d+(?:[.,]\d+)*)",
)
_KEEP_S = ("ss", "us", "is", "ous", "ics", "news")


def lemma(word: str) -> str:
    """A light lemma: lower case, plural -s/-es/-ies folded (``flights`` → ``flight``)."""
    w = word.lower()
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith(_KEEP_S):
        if w.endswith(("ches", "shes", "xes", "sses")):
            return w[:-2]
        return w[:-1]
    return w


def tokenize(text: str) -> tuple[list[str], list[str]]:
    """``(tokens, lemmas)``: tokens as ``form/TAG`` (EN, STOP, NUM, URL, MENTION, HASHTAG);
    lemmas are the content words (not stop words, not numbers) in dictionary form."""
    tokens: list[str] = []
    lemmas: list[str] = []
    stop = _STOP_WORDS
    for m in _TOKEN_RE.finditer(text):
        kind = m.lastgroup
        s = m.group()
        if kind == "word":
            low = s.lower()
            if low[0].isdigit():
                tokens.append(f"{low}/NUM")
            elif low in stop or low.replace("'", "") in stop:
                tokens.append(f"{low}/STOP")
            else:
                tokens.append(f"{low}/EN")
                if len(low) > 1:
                    lemmas.append(lemma(low))
        elif kind == "url":
            tokens.append(f"{s}/URL")
        elif kind == "mention":
            tokens.append(f"{s.lower()}/MENTION")
        else:
            tokens.append(f"{s.lower()}/HASHTAG")
    return tokens, lemmas

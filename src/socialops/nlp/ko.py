"""Korean morphology with Kiwi (kiwipiepy; the model ships in the kiwipiepy_model package).

One Kiwi per process, created lazily, in Kiwi's single-thread mode (``num_workers=0``: no native
thread; texts are analysed one call each, in the calling thread, at the same speed and with the
same result as its one-worker-thread mode). Without native threads a process that has loaded and
used Kiwi can be forked safely: the enrichment pool's workers are forked from a server that has
loaded it once (:mod:`socialops.sources.enrich_preload`).

Tokens are returned as ``"form/TAG"`` strings (Sejong tags, e.g. ``배송/NNG``, ``늦/VA``), the
same strings the enriched store keeps in ``tokens``, so every model that reads tokens
(sentiment, keywords) can be recomputed from the store.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiwipiepy import Kiwi, Token

__all__ = [
    "CONTENT_TAGS",
    "analyse",
    "analyse_words",
    "get_kiwi",
    "kiwi_version",
    "lemma_of",
    "tokenize_each",
]

_lock = threading.Lock()
_kiwi: Kiwi | None = None

# Tags whose lemmas are content words: nouns, verbs, adjectives, roots, foreign words
NOUN_TAGS = frozenset({"NNG", "NNP", "SL", "XR"})
PREDICATE_TAGS = frozenset({"VV", "VA"})
CONTENT_TAGS = NOUN_TAGS | PREDICATE_TAGS


def get_kiwi() -> Kiwi:
    """The process's Kiwi analyser, single-thread mode (parallelism comes from processes).

    In that mode ``tokenize`` takes one text at a time (a list raises): use
    :func:`tokenize_each` for many."""
    global _kiwi
    if _kiwi is None:
        with _lock:
            if _kiwi is None:
                from kiwipiepy import Kiwi  # lazy: start-up time (native library, model)

                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    # 0 = single-thread mode since kiwipiepy 0.21 (its warning says so)
                    _kiwi = Kiwi(num_workers=0, model_type="cong")
    return _kiwi


def kiwi_version() -> str:
    import kiwipiepy  # loads Kiwi's native library: only when a version is asked for

    return str(kiwipiepy.__version__)


def tokenize_each(texts: Sequence[str]) -> list[list[Token]]:
    """Kiwi's tokens of each text (one call per text, in this thread)."""
    tokenize = get_kiwi().tokenize
    return [tokenize(t) for t in texts]


def analyse(texts: Sequence[str]) -> list[list[tuple[str, str, str]]]:
    """Morphemes of each text as ``(form, tag, lemma)``; lemma adds 다 to verbs/adjectives."""
    tokenize = get_kiwi().tokenize
    out: list[list[tuple[str, str, str]]] = []
    for text in texts:
        toks = tokenize(text)
        out.append([(t.form, t.tag, t.lemma) for t in toks])
    return out


def analyse_words(texts: Sequence[str]) -> list[list[tuple[str, str, str, bool]]]:
    """Like :func:`analyse`, with a fourth item: whether the morpheme starts a new word (there is
    a space, or the text's start, before it)."""
    tokenize = get_kiwi().tokenize
    out: list[list[tuple[str, str, str, bool]]] = []
    for text in texts:
        toks = tokenize(text)
        end = -1
        row = []
        for t in toks:
            row.append((t.form, t.tag, t.lemma, t.start > end))
            end = t.start + t.len
        out.append(row)
    return out


def lemma_of(form: str, tag: str) -> str:
    """Dictionary form of a morpheme: ``늦``/VA → ``늦다``; nouns unchanged.

    Irregular predicates carry a suffix on the tag (``VV-I``); Kiwi's own ``lemma`` restores
    their stem, this helper is for forms already regular."""
    return form + "다" if tag.partition("-")[0] in PREDICATE_TAGS else form

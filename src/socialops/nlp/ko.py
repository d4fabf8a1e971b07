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
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kiwipiepy import Kiwi, Token

__all__ = [
    "CONTENT_TAGS",
    "analyse",
    "analyse_words",
    "get_kiwi",
    "get_tokenize",
    "kiwi_version",
    "lemma_of",
    "tokenize_each",
]

_lock = threading.Lock()
_kiwi: Kiwi | None = None
_tokenize: Callable[[str], list[Token]] | None = None
# texts the direct call is checked on against Kiwi's public tokenize before it is used
_PROBES = (
    "배송이 너무 늦어요 ㅠㅠ 일주일째 기다리는 중",
    "겨울왕국 보고 왔는데 OST가 최고!! #디즈니 @friend http://x.kr",
    "고객센터 전화 연결하는 데 40분 걸렸어요... 정말 어이없네요ㅋㅋ",
    "@united flight delayed again 😡",
    "",
)

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


def get_tokenize() -> Callable[[str], list[Token]]:
    """``tokenize(text)`` of the process's Kiwi: the same tokens as ``get_kiwi().tokenize(text)``
    with its defaults, without the per-call work of kiwipiepy's Python wrapper.

    The wrapper recomputes the same options (match flags, dialects, typo model, configuration)
    on every call, about 7 µs a text, a few per cent of an enrichment. The direct call passes
    them, computed once as the wrapper computes them, to the native ``analyze`` the wrapper ends
    in. It is a private interface: it is used only when it exists and gives exactly the public
    call's tokens on :data:`_PROBES`; otherwise this is the public ``tokenize``."""
    global _tokenize
    if _tokenize is None:
        kiwi = get_kiwi()
        public = kiwi.tokenize
        fast = _direct_tokenize(kiwi)
        _tokenize = fast if fast is not None and _same_tokens(fast, public) else public
    return _tokenize


def _direct_tokenize(kiwi: Any) -> Callable[[str], list[Token]] | None:
    try:
        from kiwipiepy import _wrap  # private: checked against the public call before use
        from kiwipiepy.const import Dialect, Match

        if getattr(kiwi, "_pretokenized_pats", None):
            return None
        analyze = _wrap._Kiwi.analyze
        options = Match.ALL
        options |= Match.Z_CODA  # tokenize's defaults: z_coda=True, the rest off
        options |= _wrap._convert_oov_handling(None)
        dialects = _wrap._convert_dialect(Dialect.STANDARD)
        typos = _wrap._convert_typos(None)
        config = kiwi.global_config
    except (ImportError, AttributeError, TypeError, ValueError):
        return None

    def tokenize(text: str) -> list[Token]:
        result: list[Token] = analyze(
            kiwi, text, 1, options, False, None, False, dialects, 3.0, typos, 2.5, None, config
        )[0][0]
        return result

    return tokenize


def _same_tokens(fast: Callable[[str], list[Token]], public: Callable[[str], list[Token]]) -> bool:
    def key(tokens: list[Token]) -> list[tuple[str, str, int, int, str]]:
        return [(t.form, t.tag, t.start, t.len, t.lemma) for t in tokens]

    try:
        return all(key(fast(text)) == key(public(text)) for text in _PROBES)
    except Exception:  # any failure of the private call: use the public one
        return False


def kiwi_version() -> str:
    import kiwipiepy  # loads Kiwi's native library: only when a version is asked for

    return str(kiwipiepy.__version__)


def tokenize_each(texts: Sequence[str]) -> list[list[Token]]:
    """Kiwi's tokens of each text (one call per text, in this thread)."""
    tokenize = get_tokenize()
    return [tokenize(t) for t in texts]


def analyse(texts: Sequence[str]) -> list[list[tuple[str, str, str]]]:
    """Morphemes of each text as ``(form, tag, lemma)``; lemma adds 다 to verbs/adjectives."""
    tokenize = get_tokenize()
    out: list[list[tuple[str, str, str]]] = []
    for text in texts:
        toks = tokenize(text)
        out.append([(t.form, t.tag, t.lemma) for t in toks])
    return out


def analyse_words(texts: Sequence[str]) -> list[list[tuple[str, str, str, bool]]]:
    """Like :func:`analyse`, with a fourth item: whether the morpheme starts a new word (there is
    a space, or the text's start, before it)."""
    tokenize = get_tokenize()
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

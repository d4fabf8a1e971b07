"""``tokens``: Korean morphemes (Kiwi, ``form/TAG``) or English words, and content lemmas.

Also passes on, for Korean posts, the ``(form, tag)`` morphemes (``_morphs``, for keywords) and
whether each morpheme starts a word (``_word_starts``, for match units); not stored."""

from __future__ import annotations

from typing import Any

from socialops.nlp import en, ko
from socialops.nlp.registry import REGISTRY, Component, Work

__all__ = ["COMPONENT"]


def version() -> str:
    return f"kiwi-{ko.kiwi_version()}/en-{en.VERSION}"


def run(work: Work) -> dict[str, Any]:
    n = work.rows
    texts: list[str] = work["text_norm"]
    langs: list[str | None] = work["lang"]
    tokens: list[list[str]] = [[] for _ in range(n)]
    lemmas: list[list[str]] = [[] for _ in range(n)]
    morphs: list[list[tuple[str, str]] | None] = [None] * n
    word_starts: list[list[bool] | None] = [None] * n
    ko_idx = [i for i, lg in enumerate(langs) if lg == "ko"]
    if ko_idx:
        tokenize = ko.get_tokenize()
        content = ko.CONTENT_TAGS
        # one pass over Kiwi's tokens (what ko.analyse_words gives, without its tuples): this
        # runs for every Korean post enriched
        for i in ko_idx:
            tk: list[str] = []
            lm: list[str] = []
            mo: list[tuple[str, str]] = []
            ws: list[bool] = []
            end = -1
            for t in tokenize(texts[i]):
                form, tag, start = t.form, t.tag, t.start
                tk.append(t.tagged_form)  # "form/TAG"
                mo.append((form, tag))
                ws.append(start > end)  # a space (or the text's start) before it
                end = start + t.len
                if (tag.partition("-")[0] if "-" in tag else tag) in content:
                    lm.append(t.lemma)
            tokens[i], lemmas[i], morphs[i], word_starts[i] = tk, lm, mo, ws
    for i, lg in enumerate(langs):
        if lg in ("en", "other"):
            tokens[i], lemmas[i] = en.tokenize(texts[i])
    return {"tokens": tokens, "lemmas": lemmas, "_morphs": morphs, "_word_starts": word_starts}


COMPONENT = REGISTRY.add(
    Component(
        "tokens",
        version,
        requires=("text_norm", "lang"),
        assigns=("tokens", "lemmas", "_morphs", "_word_starts"),
        run=run,
    )
)

"""The direct call to Kiwi's native analyser (``socialops.nlp.ko.get_tokenize``) gives exactly the
tokens of kiwipiepy's public ``tokenize``, and is not used when it would not."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import pytest

from socialops.nlp import ko
from socialops.nlp.match import match_text, match_text_of_morphs


def _key(tokens: list) -> list[tuple[object, ...]]:  # type: ignore[type-arg]
    return [
        (t.form, t.tag, t.start, t.len, t.lemma, t.tagged_form, t.word_position) for t in tokens
    ]


def _reviews(data_dir: Path, n: int) -> list[str]:
    texts: list[str] = []
    with gzip.open(data_dir / "nsmc" / "reviews.tsv.gz", "rt", encoding="utf-8") as f:
        next(f)
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 5:
                texts.append(parts[4])
            if len(texts) >= n:
                break
    return texts


@pytest.fixture()
def fresh_tokenize() -> Iterator[None]:
    saved = ko._tokenize
    ko._tokenize = None
    yield
    ko._tokenize = saved


def test_direct_call_gives_the_public_tokens_on_real_reviews(data_dir: Path) -> None:
    extra = [
        "",
        " ",
        "ㅋㅋㅋ",
        "A/B 테스트 1/2 ^^;",
        "@user #태그 http://a.kr",
    ]
    texts = [*_reviews(data_dir, 3000), *extra]
    fast, public = ko.get_tokenize(), ko.get_kiwi().tokenize
    assert fast is not public  # the direct call is available with the pinned kiwipiepy
    for text in texts:
        assert _key(fast(text)) == _key(public(text)), text


def test_public_tokenize_when_the_direct_call_disagrees(
    fresh_tokenize: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    public = ko.get_kiwi().tokenize
    monkeypatch.setattr(ko, "_direct_tokenize", lambda kiwi: lambda text: public(text)[:-1])
    assert ko.get_tokenize() == public


def test_public_tokenize_when_the_direct_call_fails(
    fresh_tokenize: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(text: str) -> list:  # type: ignore[type-arg]
        raise TypeError("analyze() takes 12 arguments")

    monkeypatch.setattr(ko, "_direct_tokenize", lambda kiwi: broken)
    assert ko.get_tokenize() == ko.get_kiwi().tokenize


def test_match_units_of_morphemes_equal_those_of_token_strings(data_dir: Path) -> None:
    for words in ko.analyse_words(_reviews(data_dir, 2000)):
        pairs = [(form, tag) for form, tag, _, _ in words]
        starts = [start for *_, start in words]
        tokens = [f"{form}/{tag}" for form, tag in pairs]
        assert match_text_of_morphs(pairs, starts) == match_text(tokens, starts)
        assert match_text_of_morphs(pairs) == match_text(tokens)

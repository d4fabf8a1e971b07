from socialops.nlp import en, ko
from socialops.nlp.keywords import keywords_en, keywords_ko


def test_korean_lemmas_find_inflected_forms() -> None:
    (morphs,) = ko.analyse(["배송이 너무 늦어서 짜증났어요"])
    forms = [(f, t) for f, t, _ in morphs]
    assert ("배송", "NNG") in forms
    lemmas = [lm for _, t, lm in morphs if t.partition("-")[0] in ko.CONTENT_TAGS]
    assert "배송" in lemmas and "늦다" in lemmas


def test_korean_keywords_compounds_and_hashtags() -> None:
    (morphs,) = ko.analyse(["고객 센터 연결이 안 돼요 #불만"])
    kws = keywords_ko([(f, t) for f, t, _ in morphs], ["#불만"])
    assert "고객 센터" in kws and "고객" in kws and "#불만" in kws


def test_english_tokens_mark_stop_words() -> None:
    tokens, lemmas = en.tokenize("The flights were cancelled again @united #fail")
    assert "the/STOP" in tokens and "flights/EN" in tokens
    assert "@united/MENTION" in tokens and "#fail/HASHTAG" in tokens
    assert "flight" in lemmas and "the" not in lemmas
    assert keywords_en(lemmas, ["#fail"])[:2] == ["flight", "cancelled"]


def test_english_stop_words_are_scikit_learns() -> None:
    """The shipped copy of the stop-word list stays scikit-learn's."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    from socialops.nlp.en_stop_words import ENGLISH_STOP_WORDS as ours

    assert ours == frozenset(ENGLISH_STOP_WORDS)

"""The topic query preview (issue 14, item 2): matches, dates, samples, matched words, and
warnings for ambiguous Korean words — on the real Naver movie reviews; and the demo's film
topics a Korean analyst would sign off (no match long before a film's release, no warning)."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest

from analytics_cases import MOVIES
from socialops.listen.preview import ambiguity, preview_query
from socialops.listen.samples import FILM_TOPICS
from socialops.nlp import query as q
from socialops.store.analytics import open_store
from socialops.store.workspace import Workspace


def _term(word: str) -> q.Term:
    [term] = q.terms(q.parse(word))
    return term


@pytest.mark.parametrize(
    ("word", "why"),
    [
        ("놀란", ["inflected"]),  # 놀라다 + ᆫ: "surprised", not Nolan
        ("배", ["one_syllable"]),  # ship, pear, belly, times
        ("눈", ["one_syllable"]),  # eye, snow
        ("명량", []),
        ("인터스텔라", []),
        ("겨울왕국", []),
    ],
)
def test_ambiguity_rule_from_the_word_alone(word: str, why: list[str]) -> None:
    got = ambiguity(_term(word))
    assert [w["why"] for w in got] == why
    if "inflected" in why:
        assert got[0]["stem"] == "놀라다"


def test_mostly_other_words_is_judged_on_the_matches() -> None:
    """A short word read as something else in most of its matches is ambiguous."""
    term = _term("명량")
    own = "명량/NNP"
    assert ambiguity(term, Counter({own: 9, "명량/NNG": 1})) == []
    got = ambiguity(term, Counter({own: 3, "명량/NNG": 8}))
    assert [w["why"] for w in got] == ["mostly_other"] and got[0]["share"] == pytest.approx(72.7)
    assert ambiguity(term, Counter({"명량/NNG": 5})) == []  # too few matches to judge


def test_preview_of_the_old_interstellar_query_warns_about_nolan(nsmc_ws: Workspace) -> None:
    with open_store(nsmc_ws, "duckdb") as store:
        old = preview_query(store, "인터스텔라 OR 놀란")
        new = preview_query(store, "인터스텔라")
    assert [w["why"] for w in old["warnings"]] == ["inflected"]
    forms = [f["form"] for f in old["forms"]]
    # the verb's forms are among the most frequent matched words
    assert {"놀랐다", "놀란다", "놀라고", "놀랐음"} & set(forms), forms
    assert old["first_day"] < "2010-01-01"  # 놀라다 is older than the film
    assert new["warnings"] == []
    assert new["matches"] > 50 and new["first_day"] >= "2014-01-01"
    assert len(new["samples"]) == 5
    assert all("인터스텔라" in s["text"] for s in new["samples"])
    assert new["forms"][0]["form"] == "인터스텔라"
    assert new["matches"] < old["matches"] <= old["all_posts"] == new["all_posts"]


@pytest.mark.parametrize("name", list(FILM_TOPICS))
def test_demo_film_topics_match_the_film(nsmc_ws: Workspace, name: str) -> None:
    """Each film topic finds reviews from around its Korean release on (previews and trailers
    at most 30 days before), and none of its words is ambiguous."""
    release = date.fromisoformat(MOVIES[name][1])
    with open_store(nsmc_ws, "duckdb") as store:
        p = preview_query(store, FILM_TOPICS[name])
    assert p["warnings"] == []
    assert p["matches"] >= 20
    assert p["first_day"] >= (release - timedelta(days=30)).isoformat(), p["samples"]

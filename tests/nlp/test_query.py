"""Topic queries: parsing, positions in errors, morpheme-aware matching, engines vs Python."""

from __future__ import annotations

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialops.errors import QueryError
from socialops.listen.scope import Scope, resolve, scoped_posts
from socialops.nlp import ko
from socialops.nlp import query as q
from socialops.nlp.match import match_text
from socialops.store.analytics import fetch_arrow, open_store
from socialops.store.workspace import Workspace


def mt_ko(text: str) -> str:
    (m,) = ko.analyse_words([text])
    return match_text([f"{f}/{t}" for f, t, _, _ in m], [w for *_, w in m])


def test_precedence_not_and_or() -> None:
    node = q.parse("a OR b c NOT d")
    assert isinstance(node, q.Or)
    left, right = node.children
    assert isinstance(left, q.Term) and left.units == ("a",)
    assert isinstance(right, q.And)
    assert isinstance(right.children[2], q.Not)


def test_terms_lists_positive_terms_only() -> None:
    node = q.parse('(배송 OR 택배) -환불 "late flight"')
    assert [t.raw for t in q.terms(node)] == ["배송", "택배", "late flight"]
    assert [t.raw for t in q.terms(node, positive=False)] == ["배송", "택배", "환불", "late flight"]


@pytest.mark.parametrize(
    ("query", "position", "needle"),
    [
        ("a AND (b OR c", 14, "not closed"),
        ("a)", 2, "without its '('"),
        ('"abc', 1, "phrase is not closed"),
        ("NOT a", 1, "only exclude"),
        ("", 1, "empty"),
        ("a OR", 5, "ends where a word"),
        ("()", 2, "empty parentheses"),
        ("a * b", 3, "'*'"),
        ("a AND OR b", 7, "where a word was expected"),
    ],
)
def test_errors_point_at_the_position(query: str, position: int, needle: str) -> None:
    with pytest.raises(QueryError) as info:
        q.parse(query)
    assert info.value.position == position
    assert needle in info.value.message
    assert f"position {position}" in info.value.message
    assert "\n" not in info.value.message


def test_korean_terms_are_morpheme_aware() -> None:
    node = q.parse("배송")
    for text in ("배송이 늦어요", "배송은 빨랐다", "오늘 배송 완료"):
        assert q.matches(node, mt_ko(text)), text
    # whole units only: 배송 is not a prefix match for 배송비 written as one noun
    assert not q.matches(q.parse("배"), mt_ko("배송이 늦어요"))
    assert q.matches(q.parse("늦다"), mt_ko("배송이 너무 늦었어요"))
    assert q.matches(q.parse("배송*"), mt_ko("배송비가 비싸요"))


def test_korean_compounds_match_either_segmentation() -> None:
    node = q.parse("고객센터")
    assert q.matches(node, mt_ko("고객센터 연결이 안 돼요"))
    assert q.matches(q.parse('"고객 센터"'), mt_ko("고객 센터 연결이 안 돼요"))
    # compounds never cross a space: two separate words make no compound
    assert "지연대한항공" not in mt_ko("배송지연 대한항공")
    assert " 배송지연 " in mt_ko("배송지연 대한항공")


def test_english_is_case_insensitive_and_plural_folded() -> None:
    from socialops.nlp import en

    toks, _ = en.tokenize("@United my FLIGHTS were Cancelled Flightled again #fail")
    text = match_text(toks)
    assert q.matches(q.parse("flight"), text)
    assert q.matches(q.parse("@united AND cancelled"), text)
    assert q.matches(q.parse("#FAIL"), text)
    assert q.matches(q.parse('"flights were cancelled"'), text)
    assert not q.matches(q.parse('"were flights"'), text)
    assert not q.matches(q.parse("united -cancelled"), text)


_words = st.sampled_from(
    ["united", "cancelled", "flight", "@united", "#fail", "bag", '"late flight"']
)


@st.composite
def queries(draw: st.DrawFn, depth: int = 0) -> str:
    if depth > 2 or draw(st.booleans()):
        return draw(_words)
    op = draw(st.sampled_from([" AND ", " OR ", " "]))
    a, b = draw(queries(depth + 1)), draw(queries(depth + 1))
    neg = "" if op == " OR " else draw(st.sampled_from(["", "NOT ", "-"]))
    return f"({a}{op}{neg}{b})"


@pytest.mark.slow
def test_filter_equals_python_on_real_tweets(airline_ws: Workspace, engine: str) -> None:
    """The compiled query selects on each engine the posts the Python matcher selects."""
    with open_store(airline_ws, engine) as store:
        scope = resolve(store, Scope())
        t = scoped_posts(store, scope)
        rows = fetch_arrow(t.select("post_id", "match_text")).to_pylist()

        @settings(max_examples=25, deadline=None)
        @given(queries())
        def check(query: str) -> None:
            node = q.parse(query)
            got = fetch_arrow(
                t.filter(q.compile_query(node, t.match_text)).select("post_id")
            ).column("post_id")
            want = sorted(r["post_id"] for r in rows if q.matches(node, r["match_text"]))
            assert sorted(pa.array(got).to_pylist()) == want

        check()

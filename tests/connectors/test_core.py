"""Connector core: text counted the platforms' way, facets as UTF-8 byte ranges, TIDs."""

from __future__ import annotations

from socialops.connectors.bluesky import BlueskyConnector, facets
from socialops.connectors.core import OutgoingPost, PlatformLimits, new_tid
from socialops.connectors.registry import REGISTRY


def test_bluesky_counts_graphemes() -> None:
    limits = BlueskyConnector.limits
    assert limits.measure("한국어") == 3
    assert limits.measure("👨‍👩‍👧‍👦") == 1  # one family emoji: seven code points
    assert limits.measure("한") == 1  # a syllable in conjoining jamo
    assert not limits.validate(OutgoingPost("가" * 300))
    [problem] = limits.validate(OutgoingPost("가" * 301))
    assert problem.code == "publish.too_long" and problem.params["count"] == 301


def test_weighted_and_mastodon_counts() -> None:
    x = PlatformLimits(max_chars=280, count="weighted")
    assert x.measure("hello") == 5
    assert x.measure("안녕하세요") == 10  # Hangul counts 2 on X
    assert x.measure("see https://example.com/a/very/long/path") == 4 + 23
    m = PlatformLimits(max_chars=500, count="mastodon")
    assert m.measure("안녕 https://example.com/x") == 3 + 23


def test_facets_are_byte_ranges_of_links_and_korean_hashtags() -> None:
    text = "새 메뉴 #겨울신메뉴 보기 https://example.com/menu?a=1. @bob.test 안녕"
    found = facets(text, lambda handle: "did:plc:bob" if handle == "bob.test" else None)
    raw = text.encode("utf-8")
    kinds = {f["features"][0]["$type"].rsplit("#", 1)[1]: f for f in found}
    tag = kinds["tag"]
    assert raw[tag["index"]["byteStart"] : tag["index"]["byteEnd"]].decode() == "#겨울신메뉴"
    assert tag["features"][0]["tag"] == "겨울신메뉴"
    link = kinds["link"]
    assert link["features"][0]["uri"] == "https://example.com/menu?a=1"  # the final dot is text
    mention = kinds["mention"]
    assert raw[mention["index"]["byteStart"] : mention["index"]["byteEnd"]] == b"@bob.test"
    starts = [f["index"]["byteStart"] for f in found]
    assert starts == sorted(starts)
    assert not facets("@nobody.test 안녕", lambda h: None)


def test_tids_are_13_sortable_characters_and_unique() -> None:
    a, b = new_tid(1_700_000_000_000_000), new_tid(1_700_000_000_000_001 + (1 << 20))
    assert len(a) == 13 and a < b
    assert len({new_tid() for _ in range(1000)}) == 1000


def test_the_registry_has_the_builtin_connectors() -> None:
    assert {"bluesky", "manual"} <= set(REGISTRY.platforms())

"""The one copy of the platforms' text-length rules: examples for every unit, properties
(Hypothesis) that hold for any text, and the two callers (the channel knowledge base and the
connectors' limits) agreeing with it."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from socialops.connectors.core import PlatformLimits
from socialops.domain.channels import copy_length, load_channels
from socialops.domain.text_length import UNITS, URL_LENGTH, measure

HANGUL = st.text(alphabet=st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3), max_size=80)
# text without anything X or Mastodon would take for a link or a remote mention
PLAIN = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="./:@"),
    max_size=80,
)


def test_examples_for_every_unit() -> None:
    text = "봄 🌸 sale"
    assert measure(text, "chars") == 8
    assert measure(text, "graphemes") == 8
    assert measure(text, "x_weighted") == 2 + 1 + 2 + 1 + 4
    assert measure(text, "mastodon") == 8
    assert measure(text, "utf16") == 9  # the emoji is a surrogate pair
    assert measure(text, "utf8_bytes") == 3 + 1 + 4 + 1 + 4
    assert measure(text, "threads") == 1 + 1 + 4 + 1 + 4
    assert measure("", "x_weighted") == 0
    assert measure(text, "no-such-unit") == measure(text, "chars")
    assert set(UNITS) == {
        "chars",
        "graphemes",
        "x_weighted",
        "mastodon",
        "utf16",
        "utf8_bytes",
        "threads",
    }


def test_links_count_23_on_x_and_mastodon() -> None:
    assert measure("보기 https://example.kr/a/very/long/path?utm_source=x", "x_weighted") == 5 + 23
    assert measure("see example.com/a", "x_weighted") == 4 + URL_LENGTH  # no scheme on X
    assert measure("see example.com/a", "mastodon") == len("see example.com/a")  # not on Mastodon
    assert measure("hi https://a.example/x http://b.example", "mastodon") == 3 + 23 + 1 + 23
    assert measure("@alice@social.example 안녕", "mastodon") == len("@alice 안녕")


def test_emoji_sequences() -> None:
    family = "👨‍👩‍👧‍👦"  # seven code points, one grapheme
    assert measure(family, "graphemes") == 1
    assert measure(family, "x_weighted") == 2  # one emoji weighs 2 on X
    assert measure(family, "threads") == len(family.encode("utf-8"))
    assert measure("🇰🇷", "x_weighted") == 2
    assert measure("©", "x_weighted") == 1  # Latin-1, however pictographic
    assert measure("“따옴표”", "x_weighted") == 1 + 6 + 1


def test_the_callers_use_it() -> None:
    channels = load_channels()
    text = "겨울 신메뉴 🌸 https://example.kr/menu"
    for ch in channels.values():
        unit = ch.text_units.get("default", "chars")
        assert copy_length(ch, text) == measure(text, unit)
    assert PlatformLimits(280, count="weighted").measure(text) == measure(text, "x_weighted")
    for unit in ("graphemes", "chars", "mastodon", "threads", "utf16", "utf8_bytes"):
        assert PlatformLimits(None, count=unit).measure(text) == measure(text, unit)  # type: ignore[arg-type]


@given(HANGUL)
def test_hangul_weighs_two_on_x_and_one_elsewhere(text: str) -> None:
    assert measure(text, "x_weighted") == 2 * len(text)
    assert measure(text, "chars") == measure(text, "graphemes") == len(text)
    assert measure(text, "threads") == len(text)
    assert measure(text, "utf8_bytes") == 3 * len(text)


@given(PLAIN)
def test_x_weighs_at_least_the_characters_of_text_without_links(text: str) -> None:
    n = measure(text, "chars")
    assert n <= measure(text, "x_weighted") <= 2 * n


@given(PLAIN)
def test_every_count_is_bounded_by_the_nfc_text(text: str) -> None:
    nfc = unicodedata.normalize("NFC", text)
    n = len(nfc)
    assert measure(text, "graphemes") <= n
    assert n <= measure(text, "utf16") <= 2 * n
    assert n <= measure(text, "utf8_bytes") <= 4 * n
    assert n <= measure(text, "threads") <= measure(text, "utf8_bytes")
    assert measure(text, "mastodon") == n


@given(st.text(max_size=60))
def test_normal_forms_count_the_same(text: str) -> None:
    nfd = unicodedata.normalize("NFD", text)
    for unit in UNITS:
        assert measure(nfd, unit) == measure(text, unit)

"""UTM link builder: round trip, other parameters and fragments kept, utm_* replaced, refusals."""

from __future__ import annotations

import re
from datetime import date, datetime
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialops.domain.plan import CalendarItem, ChannelChoice, Plan, UtmScheme, validate_utm_value
from socialops.plan.messages import PlanError
from socialops.plan.utm import build_link, item_link, parse_utm, slugify


def make_plan(
    campaign: str = "spring-launch-2026",
    sources: dict[str, str] | None = None,
    mediums: dict[str, str] | None = None,
) -> Plan:
    scheme = UtmScheme(
        campaign=campaign,
        sources={"naver_blog": "naver"} if sources is None else sources,
        mediums={"naver_blog": "blog"} if mediums is None else mediums,
    )
    return Plan(
        plan_id="p-utm",
        name="봄 신제품 런칭",
        start=date(2026, 3, 1),
        end=date(2026, 3, 31),
        objectives=["sales_promotion"],
        channels=[ChannelChoice("instagram"), ChannelChoice("x"), ChannelChoice("naver_blog")],
        utm=scheme,
    )


def test_build_link_adds_the_scheme_and_keeps_the_rest() -> None:
    plan = make_plan()
    url = build_link("https://shop.example.com/launch?ref=home&q=%ED%95%9C#buy", plan, "instagram")
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path, parts.fragment) == (
        "https",
        "shop.example.com",
        "/launch",
        "buy",
    )
    # the other parameters are kept exactly as written, first and in order
    assert parts.query.startswith("ref=home&q=%ED%95%9C&")
    assert parse_utm(url) == {
        "utm_source": "instagram",
        "utm_medium": "social",
        "utm_campaign": "spring-launch-2026",
    }


def test_channel_sources_and_mediums_of_the_plan_win() -> None:
    url = build_link("https://blog.example.com/", make_plan(), "naver_blog", content="Post 1")
    assert parse_utm(url) == {
        "utm_source": "naver",
        "utm_medium": "blog",
        "utm_campaign": "spring-launch-2026",
        "utm_content": "post-1",
    }


def test_existing_utm_parameters_are_replaced_not_duplicated() -> None:
    old = (
        "https://shop.example.com/?UTM_SOURCE=facebook&utm_medium=cpc&keep=1"
        "&utm_term=old+term&utm_content=old&utm_campaign=winter"
    )
    url = build_link(old, make_plan(), "x")
    pairs = parse_qsl(urlsplit(url).query)
    keys = [k.lower() for k, _ in pairs]
    assert keys.count("utm_source") == 1 and "utm_term" not in keys and "utm_content" not in keys
    assert ("keep", "1") in pairs
    assert parse_utm(url)["utm_source"] == "x"
    assert parse_utm(url)["utm_campaign"] == "spring-launch-2026"


@pytest.mark.parametrize(
    "url",
    [
        "ftp://files.example.com/a",
        "javascript:alert(1)",
        "//example.com/no-scheme",
        "https://",
        "shop.example.com/launch",
        "https://exa mple.com/",
        "",
    ],
)
def test_non_http_links_are_refused(url: str) -> None:
    with pytest.raises(PlanError) as exc:
        build_link(url, make_plan(), "instagram")
    assert exc.value.code == "plan.bad_url"
    assert "http" in exc.value.text("ko") and "http" in exc.value.text("en")


def test_invalid_utm_values_are_refused() -> None:
    with pytest.raises(PlanError) as exc:
        build_link("https://example.com/", make_plan(campaign="Spring Launch"), "instagram")
    assert exc.value.code == "plan.bad_utm"
    with pytest.raises(PlanError) as exc:
        build_link("https://example.com/", make_plan(), "Instagram")  # a source must be lowercase
    assert exc.value.code == "plan.bad_utm"


def test_item_link_tags_the_item_id_as_content() -> None:
    plan = make_plan()
    item = CalendarItem(
        "teaser-1", "티저", datetime(2026, 3, 3, 10), "instagram", link="https://ex.com/p"
    )
    assert parse_utm(item_link(plan, item))["utm_content"] == "teaser-1"
    item.link = ""
    assert item_link(plan, item) == ""


def test_slugify() -> None:
    assert slugify("Spring Sale 2026!") == "spring-sale-2026"
    assert slugify("  --Already_ok.v2--  ") == "already_ok.v2"
    korean = slugify("봄 세일")
    assert re.fullmatch(r"c-[0-9a-f]{8}", korean)
    assert slugify("봄 세일") == korean  # deterministic
    spring, summer = slugify("봄 세일 2026"), slugify("여름 세일 2026")
    assert spring.startswith("2026-") and summer.startswith("2026-") and spring != summer
    assert len(slugify("a" * 500)) <= 100


@given(st.text(max_size=300))
def test_slugify_always_gives_a_valid_utm_value(text: str) -> None:
    validate_utm_value(slugify(text), "utm_content")


_key = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_-0123456789", min_size=1, max_size=8).filter(
    lambda k: not k.startswith("utm_")
)
_params = st.lists(st.tuples(_key, st.text(max_size=12)), max_size=5)
_segment = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-._~", max_size=10)
_utm_value = st.from_regex(r"[a-z0-9][a-z0-9._-]{0,30}", fullmatch=True)


@settings(max_examples=200, deadline=None)
@given(
    path=st.lists(_segment, max_size=4),
    params=_params,
    fragment=st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-/", max_size=10),
    campaign=_utm_value,
    source=_utm_value,
    medium=_utm_value,
    content=st.one_of(st.none(), st.text(max_size=40)),
    scheme=st.sampled_from(["http", "https", "HTTPS"]),
)
def test_round_trip(
    path: list[str],
    params: list[tuple[str, str]],
    fragment: str,
    campaign: str,
    source: str,
    medium: str,
    content: str | None,
    scheme: str,
) -> None:
    url = f"{scheme}://shop.example.co.kr/" + "/".join(path)
    if params:
        url += "?" + urlencode(params)
    if fragment:
        url += "#" + fragment
    plan = make_plan(campaign=campaign, sources={"x": source}, mediums={"x": medium})
    tagged = build_link(url, plan, "x", content=content)
    expected = {"utm_source": source, "utm_medium": medium, "utm_campaign": campaign}
    if content is not None and content.strip():
        expected["utm_content"] = slugify(content)
    assert parse_utm(tagged) == expected
    before, after = urlsplit(url), urlsplit(tagged)
    assert (after.scheme, after.netloc, after.path, after.fragment) == (
        before.scheme,
        before.netloc,
        before.path,
        before.fragment,
    )
    others = [(k, v) for k, v in parse_qsl(after.query, keep_blank_values=True) if k[:4] != "utm_"]
    assert others == params
    # tagging twice gives the same link: the old utm_* are replaced
    assert build_link(tagged, plan, "x", content=content) == tagged

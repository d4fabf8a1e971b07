"""The channel knowledge base: sourced facts, the seed's types, workspace overrides, copy length."""

from __future__ import annotations

import json
import os
import re
import unicodedata
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from socialops.domain.channels import (
    AGE_BANDS,
    TRAITS,
    channel_for_platform,
    channel_types,
    copy_length,
    knowledge_sources,
    load_channels,
    relationships,
    text_limit,
)
from socialops.domain.plan import OBJECTIVES
from socialops.plan.messages import PlanError
from socialops.store.workspace import Workspace

PLATFORMS = {
    "instagram",
    "youtube",
    "kakaotalk_channel",
    "kakaotalk_openchat",
    "naver_blog",
    "naver_cafe",
    "naver_band",
    "facebook",
    "x",
    "threads",
    "tiktok",
    "linkedin",
}
SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "000_d10ebc447d97f804.txt"


def raw_doc() -> dict[str, Any]:
    text = (resources.files("socialops.domain") / "data" / "channels.json").read_text("utf-8")
    doc: dict[str, Any] = json.loads(text)
    return doc


def facts(node: Any, path: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Every object in the channels section that cites (has a source or a year)."""
    out: list[tuple[str, dict[str, Any]]] = []
    if isinstance(node, dict):
        if "source" in node or "year" in node:
            out.append((path, node))
        for k, v in node.items():
            out.extend(facts(v, f"{path}.{k}"))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out.extend(facts(v, f"{path}[{i}]"))
    return out


# -- the built-in data ---------------------------------------------------------------------------


def test_the_platforms_korean_marketers_use_are_all_there() -> None:
    channels = load_channels()
    assert set(channels) == PLATFORMS
    for c in channels.values():
        assert c.name_ko and c.name_en
        assert set(c.traits) == set(TRAITS)
        assert all(1 <= v <= 5 for v in c.traits.values())
        assert set(c.audience) == set(AGE_BANDS)
        assert all(0 <= v <= 1 for v in c.audience.values())
        assert set(c.objectives) == set(OBJECTIVES)
        assert c.formats and c.types
        assert c.origin == "builtin"


def test_every_fact_has_a_known_source_and_a_year() -> None:
    doc = raw_doc()
    found = facts(doc["channels"], "channels")
    # traits 5 + audience + write_api + objectives 6 + care/commerce/ads/organic = 17 per channel
    assert len(found) >= 17 * len(PLATFORMS)
    for path, fact in found:
        assert fact.get("source") in doc["sources"], path
        assert isinstance(fact.get("year"), int) and 1990 <= fact["year"] <= 2100, path
        assert fact.get("confidence", "high") in ("high", "medium", "low"), path
    for c in load_channels().values():
        assert len(c.sources) >= 17
        for s in c.sources:
            assert s["source"] and s["source_en"] and isinstance(s["year"], int), (c.key, s)


def test_every_channel_fact_kind_is_cited() -> None:
    doc = raw_doc()
    for key, c in doc["channels"].items():
        cited = {p.split(".")[2].split("[")[0] for p, _ in facts(c, f"channels.{key}")}
        assert cited >= {
            "traits",
            "audience",
            "write_api",
            "objectives",
            "care",
            "commerce",
            "ads",
            "organic",
        }, key
        for lim in c["posting_limits"]:
            assert "source" in lim and "year" in lim
        for lim in c["text_limits"].values():
            assert "source" in lim and "year" in lim


def test_estimates_say_so() -> None:
    """Audience figures that are not all published say which are, and are not 'high'."""
    for c in load_channels().values():
        reported = c.audience_reported
        assert set(reported) <= set(AGE_BANDS)
        for band, v in reported.items():
            assert c.audience[band] == v
        if len(reported) < len(AGE_BANDS):
            assert c.audience_confidence in ("medium", "low"), c.key
            assert c.audience_note["ko"] and c.audience_note["en"]
    sources = knowledge_sources()
    doc = raw_doc()
    for key, c in doc["channels"].items():
        if sources[c["audience"]["source"]]["kind"] == "estimate":
            assert c["audience"]["confidence"] == "low", key


def test_published_figures_are_the_published_ones() -> None:
    ch = load_channels()
    # 한국언론진흥재단 2024 소셜미디어 이용자 조사
    assert ch["instagram"].audience_reported == {"20-29": 0.809, "30-39": 0.707, "40-49": 0.475}
    assert ch["naver_band"].audience_reported == {"40-49": 0.368, "50-59": 0.406, "60-69": 0.311}
    assert ch["instagram"].audience["20-29"] > ch["instagram"].audience["60-69"]
    assert ch["naver_band"].audience["50-59"] > ch["naver_band"].audience["20-29"]
    assert ch["tiktok"].audience["10-19"] > ch["tiktok"].audience["60-69"]


def test_write_apis_and_their_years() -> None:
    ch = load_channels()
    assert ch["naver_blog"].write_api is False
    blog = raw_doc()["channels"]["naver_blog"]["write_api"]
    assert blog["year"] == 2020 and "2020" in ch["naver_blog"].write_api_note
    assert ch["kakaotalk_channel"].write_api is False
    assert ch["kakaotalk_openchat"].write_api is False
    threads = raw_doc()["channels"]["threads"]["write_api"]
    assert ch["threads"].write_api is True and threads["year"] == 2024
    for key in ("instagram", "youtube", "facebook", "x", "tiktok", "linkedin"):
        assert ch[key].write_api is True, key


def test_text_limits_per_format() -> None:
    ch = load_channels()
    assert text_limit(ch["x"], None) == 280
    assert text_limit(ch["instagram"], "reel") == 2200
    assert text_limit(ch["threads"], None) == 500
    assert text_limit(ch["youtube"], "title") == 100
    assert text_limit(ch["youtube"], "video") == 5000
    assert text_limit(ch["tiktok"], None) == 2200
    assert text_limit(ch["tiktok"], "in_app") == 4000
    assert text_limit(ch["linkedin"], None) == 3000
    assert text_limit(ch["facebook"], "post") == 63206
    assert text_limit(ch["kakaotalk_channel"], "message") == 1000
    assert text_limit(ch["naver_blog"], "blog_post") is None
    tiktok = raw_doc()["channels"]["tiktok"]["text_limits"]["in_app"]
    assert tiktok["year"] == 2024


def test_care_and_commerce() -> None:
    ch = load_channels()
    assert {k for k, c in ch.items() if c.care} == {
        "kakaotalk_channel",
        "x",
        "facebook",
        "instagram",
    }
    assert ch["kakaotalk_channel"].commerce and ch["instagram"].commerce
    assert not ch["linkedin"].commerce
    for c in ch.values():
        assert (c.ad_strength > 0) == c.ads


def test_the_seed_channel_types_and_relationships() -> None:
    types = channel_types()
    assert list(types) == [
        "blog",
        "microblog",
        "sns",
        "video",
        "virtual_community",
        "open_chat",
        "social_commerce",
        "knowledge_selling",
        "public_sector",
        "games",
    ]
    assert set(relationships()) == {"friends", "trust", "interest"}
    for t in [*types.values(), *relationships().values()]:
        assert t.seed and all(re.match(r"^#\d+$", s) for s in t.seed)
        assert t.description_ko and t.description_en
    used = {t for c in load_channels().values() for t in c.types}
    assert used <= set(types)


def test_seed_paragraphs_are_quoted_from_the_lecture() -> None:
    if not SEED.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"the seed lecture is missing: {SEED}")
        pytest.skip(f"the seed lecture is not at {SEED}")
    lecture = re.sub(r"\s+", "", SEED.read_text("utf-8"))
    for t in [*channel_types().values(), *relationships().values()]:
        for part in t.seed_text.split("…"):
            assert re.sub(r"\s+", "", part) in lecture, (t.key, part)


def test_platform_values_of_listening_posts() -> None:
    ch = load_channels()
    assert channel_for_platform("twitter", ch) == "x"
    assert channel_for_platform("Facebook", ch) == "facebook"
    assert channel_for_platform("band", ch) == "naver_band"
    assert channel_for_platform("naver_movie", ch) is None


def test_returned_dicts_are_copies() -> None:
    first = load_channels()
    first.pop("x")
    assert "x" in load_channels()


# -- copy length ---------------------------------------------------------------------------------


def test_x_counts_hangul_twice_and_urls_as_23() -> None:
    x = load_channels()["x"]
    assert copy_length(x, "hello") == 5
    assert copy_length(x, "안녕") == 4
    assert copy_length(x, "漢字かな") == 8
    assert (
        copy_length(x, "봄 세일 https://example.kr/spring?utm_source=x 지금")
        == 2 + 1 + 4 + 1 + 23 + 1 + 4
    )
    assert copy_length(x, "see example.com/a") == 4 + 23
    assert copy_length(x, "가" * 140) == 280 <= text_limit(x, None)  # type: ignore[operator]
    assert copy_length(x, "가" * 141) > 280
    # a decomposed Hangul syllable (NFD) counts like the composed one
    assert copy_length(x, unicodedata.normalize("NFD", "한")) == 2
    assert copy_length(x, "“따옴표”") == 1 + 6 + 1


def test_other_units() -> None:
    ch = load_channels()
    assert copy_length(ch["instagram"], "봄 신상 🌸") == 6
    assert copy_length(ch["instagram"], unicodedata.normalize("NFD", "한글")) == 2
    assert copy_length(ch["tiktok"], "🌸가") == 3  # UTF-16: the emoji is a surrogate pair
    assert copy_length(ch["youtube"], "가나") == 6  # description: UTF-8 bytes
    assert copy_length(ch["youtube"], "가나", "title") == 2
    assert copy_length(ch["threads"], "a🌸") == 5  # emoji as their UTF-8 bytes
    assert copy_length(ch["naver_blog"], "") == 0


# -- workspace overrides -------------------------------------------------------------------------


def write(ws: Workspace, doc: Any, *, stamp: int | None = None) -> Path:
    path = ws.root / "channels.json"
    path.write_text(json.dumps(doc, ensure_ascii=False) if not isinstance(doc, str) else doc)
    if stamp is not None:
        os.utime(path, ns=(stamp, stamp))
    return path


def test_a_workspace_file_changes_and_adds_channels(workspace: Workspace) -> None:
    new = raw_doc()["channels"]["x"]
    new = {
        **new,
        "name_ko": "자사몰 라이브",
        "name_en": "Own-mall live",
        "platforms": ["mall_live"],
    }
    write(
        workspace,
        {
            "channels": {
                "instagram": {"utm_medium": "sns", "traits": {"openness": {"value": 5}}},
                "mall_live": new,
            }
        },
    )
    ch = load_channels(workspace)
    assert ch["instagram"].utm_medium == "sns"
    assert ch["instagram"].traits["openness"] == 5
    assert ch["instagram"].traits["community"] == 3  # merged, not replaced
    assert ch["instagram"].origin == "workspace"
    assert ch["mall_live"].name_ko == "자사몰 라이브"
    assert channel_for_platform("mall_live", ch) == "mall_live"
    assert ch["youtube"].origin == "builtin"
    builtin = load_channels()
    assert "mall_live" not in builtin and builtin["instagram"].utm_medium == "social"


def test_the_workspace_file_is_read_again_when_it_changes(workspace: Workspace) -> None:
    write(workspace, {"channels": {"x": {"utm_medium": "one"}}}, stamp=1_000_000_000_000_000_000)
    assert load_channels(workspace)["x"].utm_medium == "one"
    assert load_channels(workspace)["x"].utm_medium == "one"
    write(workspace, {"channels": {"x": {"utm_medium": "two"}}}, stamp=1_000_000_000_000_000_000)
    # same time stamp and size: the cached copy is still used
    assert load_channels(workspace)["x"].utm_medium == "one"
    write(workspace, {"channels": {"x": {"utm_medium": "three"}}}, stamp=1_000_000_001_000_000_000)
    assert load_channels(workspace)["x"].utm_medium == "three"
    (workspace.root / "channels.json").unlink()
    assert load_channels(workspace)["x"].utm_medium == "social"


@pytest.mark.parametrize(
    ("doc", "where", "problem_en"),
    [
        ('{"channels": {"x": ', "line 1", "invalid JSON"),
        ("[1, 2]", "(top)", "must be a JSON object"),
        ({"chanels": {}}, "chanels", "unknown field"),
        (
            {"channels": {"x": {"traits": {"openness": {"value": 6}}}}},
            "channels.x.traits.openness.value",
            "1-5",
        ),
        (
            {"channels": {"x": {"audience": {"source": "blog_i_read"}}}},
            "channels.x.audience.source",
            "is not one of",
        ),
        (
            {"channels": {"x": {"audience": {"year": "2024"}}}},
            "channels.x.audience.year",
            "1990-2100",
        ),
        (
            {"channels": {"x": {"text_limits": {"default": {"unit": "words"}}}}},
            "channels.x.text_limits.default.unit",
            "is not one of",
        ),
        ({"channels": {"x": {"utm_source": "X Twitter"}}}, "channels.x.utm_source", "UTM"),
        ({"channels": {"x": {"types": ["tv"]}}}, "channels.x.types", "'tv' is not one of"),
        (
            {"channels": {"x": {"platforms": ["facebook"]}}},
            "channels.x.platforms",
            "also belongs to channel 'facebook'",
        ),
        (
            {"channels": {"new_one": {"name_ko": "새 채널"}}},
            "channels.new_one.name_en",
            "is missing",
        ),
        (
            {"channels": {"x": {"ads": {"value": False}}}},
            "channels.x.ads.strength",
            "0 without ads",
        ),
        ({"channels": {"Bad Key": {}}}, "channels.Bad Key", "lowercase"),
    ],
)
def test_a_broken_workspace_file_is_refused_clearly(
    workspace: Workspace, doc: Any, where: str, problem_en: str
) -> None:
    path = write(workspace, doc)
    with pytest.raises(PlanError) as err:
        load_channels(workspace)
    e = err.value
    assert e.code == "plan.channels_file"
    en, ko = e.text("en"), e.text("ko")
    # the message names the file, not where it lies (the catalogue redacts paths); the
    # parameter keeps the whole path for the log
    assert path.name in en and path.name in ko and str(path) not in en
    assert e.params["file"] == str(path)
    assert where in en and where in ko
    assert problem_en in en
    assert "채널 파일" in ko
    assert "\n" not in en


def test_a_broken_file_does_not_poison_the_cache(workspace: Workspace) -> None:
    write(workspace, "{not json", stamp=2_000_000_000_000_000_000)
    with pytest.raises(PlanError):
        load_channels(workspace)
    write(workspace, {"channels": {}}, stamp=2_000_000_001_000_000_000)
    assert set(load_channels(workspace)) == PLATFORMS

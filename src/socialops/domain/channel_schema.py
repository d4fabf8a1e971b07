"""The schema of the channel knowledge base (``domain/data/channels.json`` and a workspace's
``channels.json``), checked by hand (no schema library at run time), and the vocabularies it
uses: age bands, traits, metrics, text units, confidence levels. A broken file is a
:class:`PlanError` (``plan.channels_file``) naming the file, the place and the problem."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from socialops.domain.plan import OBJECTIVES, UTM_VALUE
from socialops.errors import PlanError

__all__ = [
    "AGE_BANDS",
    "CONFIDENCE",
    "METRICS",
    "TEXT_UNITS",
    "TRAITS",
    "Checker",
    "file_error",
]

AGE_BANDS: tuple[str, ...] = ("10-19", "20-29", "30-39", "40-49", "50-59", "60-69")
TRAITS: tuple[str, ...] = (
    "participation",
    "openness",
    "conversation",
    "community",
    "connectedness",
)
METRICS: tuple[str, ...] = (
    "reach",
    "impressions",
    "engagements",
    "comments",
    "likes",
    "shares",
    "clicks",
)
TEXT_UNITS: tuple[str, ...] = ("chars", "x_weighted", "utf16", "utf8_bytes", "threads")
CONFIDENCE: tuple[str, ...] = ("high", "medium", "low")
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_PLATFORM = re.compile(r"^[a-z0-9][a-z0-9._-]{0,59}$")


def file_error(path: Path | str, where: str, ko: str, en: str) -> PlanError:
    return PlanError(
        "plan.channels_file", file=str(path), where=where, problem_ko=ko, problem_en=en
    )


class Checker:
    """The schema of channels.json, checked by hand (no schema library at run time)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.sources: dict[str, Any] = {}

    def fail(self, where: str, ko: str, en: str) -> None:
        raise file_error(self.name, where, ko, en)

    def obj(
        self, value: Any, where: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(where, "객체여야 합니다", "must be an object")
        for k in required:
            if k not in value:
                self.fail(f"{where}.{k}", "필수 항목이 없습니다", "is missing")
        unknown = sorted(set(value) - set(required) - set(optional))
        if unknown:
            self.fail(f"{where}.{unknown[0]}", "알 수 없는 항목입니다", "is not a known field")
        return value

    def mapping(self, value: Any, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(where, "객체여야 합니다", "must be an object")
        return value

    def text(self, value: Any, where: str, *, empty: bool = False) -> str:
        if not isinstance(value, str) or (not empty and not value.strip()):
            self.fail(where, "비어 있지 않은 문자열이어야 합니다", "must be non-empty text")
        return str(value)

    def integer(self, value: Any, where: str, lo: int, hi: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            self.fail(where, f"{lo}~{hi} 사이 정수여야 합니다", f"must be a whole number {lo}-{hi}")
        return int(value)

    def boolean(self, value: Any, where: str) -> bool:
        if not isinstance(value, bool):
            self.fail(where, "true 또는 false여야 합니다", "must be true or false")
        return bool(value)

    def choice(self, value: Any, where: str, choices: tuple[str, ...] | list[str]) -> str:
        if value not in choices:
            self.fail(
                where,
                f"'{value}'은(는) 쓸 수 없습니다 (가능한 값: {', '.join(choices)})",
                f"'{value}' is not one of {', '.join(choices)}",
            )
        return str(value)

    def keys(self, value: Any, where: str, pattern: re.Pattern[str] = _KEY) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(where, "문자열 목록이어야 합니다", "must be a list of text")
        for v in value:
            if not pattern.match(v):
                self.fail(where, f"'{v}' 형식이 올바르지 않습니다", f"'{v}' is malformed")
        if len(set(value)) != len(value):
            self.fail(where, "같은 값이 두 번 있습니다", "has a value twice")
        return list(value)

    def cite(self, d: dict[str, Any], where: str) -> None:
        """``source`` (a key of the registry) and ``year`` of a fact, and its confidence."""
        self.choice(d.get("source"), f"{where}.source", sorted(self.sources))
        self.integer(d.get("year"), f"{where}.year", 1990, 2100)
        if "confidence" in d:
            self.choice(d["confidence"], f"{where}.confidence", CONFIDENCE)

    def document(self, doc: Any) -> None:
        top = (
            "schema_version",
            "age_bands",
            "traits",
            "sources",
            "types",
            "relationships",
            "channels",
        )
        self.obj(
            doc,
            "(top)",
            top,
            ("about_ko", "about_en", "audience_meaning_ko", "audience_meaning_en"),
        )
        if doc["schema_version"] != 1:
            self.fail("schema_version", "1이어야 합니다", "must be 1")
        if doc["age_bands"] != list(AGE_BANDS):
            self.fail("age_bands", f"{list(AGE_BANDS)}이어야 합니다", f"must be {list(AGE_BANDS)}")
        self.obj(doc["traits"], "traits", TRAITS)
        self.sources = self.mapping(doc["sources"], "sources")
        for key, src in self.sources.items():
            where = f"sources.{key}"
            self.obj(src, where, ("title_ko", "title_en", "kind"), ("url", "note"))
            self.text(src["title_ko"], f"{where}.title_ko")
            self.text(src["title_en"], f"{where}.title_en")
        for section in ("types", "relationships"):
            for key, t in self.mapping(doc[section], section).items():
                self.channel_type(key, t, f"{section}.{key}")
        channels = self.mapping(doc["channels"], "channels")
        if not channels:
            self.fail("channels", "채널이 하나 이상 있어야 합니다", "needs at least one channel")
        seen: dict[str, str] = {}
        for key, entry in channels.items():
            self.channel(key, entry, doc)
            for p in entry["platforms"]:
                if p in seen:
                    self.fail(
                        f"channels.{key}.platforms",
                        f"플랫폼 값 '{p}'이(가) '{seen[p]}' 채널에도 있습니다",
                        f"platform value '{p}' also belongs to channel '{seen[p]}'",
                    )
                seen[p] = key

    def channel_type(self, key: str, t: Any, where: str) -> None:
        if not _KEY.match(key):
            self.fail(where, "키는 영문 소문자·숫자·_여야 합니다", "keys are lowercase a-z, 0-9, _")
        fields = ("name_ko", "name_en", "seed", "seed_text", "description_ko", "description_en")
        self.obj(t, where, fields)
        for f in fields:
            if f != "seed":
                self.text(t[f], f"{where}.{f}")
        if not isinstance(t["seed"], list) or not all(
            isinstance(s, str) and re.match(r"^#\d+$", s) for s in t["seed"]
        ):
            self.fail(
                f"{where}.seed",
                "['#13'] 같은 문단 번호 목록이어야 합니다",
                "must list paragraphs like ['#13']",
            )

    def channel(self, key: str, c: Any, doc: dict[str, Any]) -> None:
        w = f"channels.{key}"
        if not _KEY.match(key):
            self.fail(w, "키는 영문 소문자·숫자·_여야 합니다", "keys are lowercase a-z, 0-9, _")
        required = (
            "name_ko", "name_en", "types", "relationship", "platforms", "utm_source",
            "utm_medium", "traits", "audience", "formats", "metrics", "write_api",
            "posting_limits", "text_limits", "objectives", "care", "commerce", "ads", "organic",
            "description_ko", "description_en",
        )  # fmt: skip
        self.obj(c, w, required)
        for f in ("name_ko", "name_en", "description_ko", "description_en"):
            self.text(c[f], f"{w}.{f}")
        types = self.keys(c["types"], f"{w}.types")
        if not types:
            self.fail(f"{w}.types", "유형이 하나 이상 있어야 합니다", "needs at least one type")
        for t in types:
            self.choice(t, f"{w}.types", sorted(doc["types"]))
        if c["relationship"] is not None:
            self.choice(c["relationship"], f"{w}.relationship", sorted(doc["relationships"]))
        self.keys(c["platforms"], f"{w}.platforms", _PLATFORM)
        for f in ("utm_source", "utm_medium"):
            if not isinstance(c[f], str) or not UTM_VALUE.match(c[f]):
                self.fail(
                    f"{w}.{f}",
                    "UTM 값은 영문 소문자·숫자·'.'·'_'·'-'만 씁니다",
                    "UTM values use a-z, 0-9, '.', '_', '-'",
                )
        traits = self.obj(c["traits"], f"{w}.traits", TRAITS)
        for t, v in traits.items():
            tw = f"{w}.traits.{t}"
            self.obj(v, tw, ("value", "why_ko", "why_en", "source", "year"), ("confidence",))
            self.integer(v["value"], f"{tw}.value", 1, 5)
            self.text(v["why_ko"], f"{tw}.why_ko")
            self.text(v["why_en"], f"{tw}.why_en")
            self.cite(v, tw)
        self.audience(c["audience"], f"{w}.audience")
        formats = self.keys(c["formats"], f"{w}.formats")
        if not formats:
            self.fail(f"{w}.formats", "형식이 하나 이상 있어야 합니다", "needs at least one format")
        for m in self.keys(c["metrics"], f"{w}.metrics"):
            self.choice(m, f"{w}.metrics", METRICS)
        api = c["write_api"]
        self.obj(
            api,
            f"{w}.write_api",
            ("value", "note_ko", "note_en", "source", "year"),
            ("confidence",),
        )
        self.boolean(api["value"], f"{w}.write_api.value")
        self.text(api["note_ko"], f"{w}.write_api.note_ko")
        self.text(api["note_en"], f"{w}.write_api.note_en")
        self.cite(api, f"{w}.write_api")
        if not isinstance(c["posting_limits"], list):
            self.fail(f"{w}.posting_limits", "목록이어야 합니다", "must be a list")
        for i, lim in enumerate(c["posting_limits"]):
            lw = f"{w}.posting_limits[{i}]"
            self.obj(
                lim, lw, ("what_ko", "what_en", "value", "per", "source", "year"), ("confidence",)
            )
            self.text(lim["what_ko"], f"{lw}.what_ko")
            self.text(lim["what_en"], f"{lw}.what_en")
            if lim["value"] is not None:
                self.integer(lim["value"], f"{lw}.value", 0, 10**9)
            self.text(lim["per"], f"{lw}.per")
            self.cite(lim, lw)
        limits = self.mapping(c["text_limits"], f"{w}.text_limits")
        for fmt, lim in limits.items():
            lw = f"{w}.text_limits.{fmt}"
            if fmt != "default" and fmt not in formats and fmt not in ("title", "in_app"):
                self.fail(
                    lw,
                    "기본값(default)이나 채널의 형식(formats)이어야 합니다",
                    "must be 'default' or one of the channel's formats",
                )
            self.obj(lim, lw, ("value", "unit", "source", "year"), ("confidence",))
            self.integer(lim["value"], f"{lw}.value", 1, 10**7)
            self.choice(lim["unit"], f"{lw}.unit", TEXT_UNITS)
            self.cite(lim, lw)
        objectives = self.obj(c["objectives"], f"{w}.objectives", OBJECTIVES)
        for o, v in objectives.items():
            ow = f"{w}.objectives.{o}"
            self.obj(v, ow, ("fit", "why_ko", "why_en", "source", "year"), ("confidence",))
            self.integer(v["fit"], f"{ow}.fit", 0, 5)
            self.text(v["why_ko"], f"{ow}.why_ko")
            self.text(v["why_en"], f"{ow}.why_en")
            self.cite(v, ow)
        for f in ("care", "commerce"):
            v = self.obj(
                c[f], f"{w}.{f}", ("value", "why_ko", "why_en", "source", "year"), ("confidence",)
            )
            self.boolean(v["value"], f"{w}.{f}.value")
            self.cite(v, f"{w}.{f}")
        ads = self.obj(
            c["ads"],
            f"{w}.ads",
            ("value", "strength", "why_ko", "why_en", "source", "year"),
            ("confidence",),
        )
        has_ads = self.boolean(ads["value"], f"{w}.ads.value")
        strength = self.integer(ads["strength"], f"{w}.ads.strength", 0, 5)
        if has_ads != (strength > 0):
            self.fail(
                f"{w}.ads.strength",
                "광고가 없으면 0, 있으면 1~5여야 합니다",
                "must be 0 without ads and 1-5 with ads",
            )
        self.cite(ads, f"{w}.ads")
        org = self.obj(
            c["organic"],
            f"{w}.organic",
            ("value", "why_ko", "why_en", "source", "year"),
            ("confidence",),
        )
        self.integer(org["value"], f"{w}.organic.value", 1, 5)
        self.cite(org, f"{w}.organic")

    def audience(self, a: Any, w: str) -> None:
        self.obj(a, w, ("shares", "reported", "source", "year", "confidence", "note_ko", "note_en"))
        shares = self.obj(a["shares"], f"{w}.shares", AGE_BANDS)
        for band, v in shares.items():
            if isinstance(v, bool) or not isinstance(v, int | float) or not 0 <= v <= 1:
                self.fail(f"{w}.shares.{band}", "0~1 사이 숫자여야 합니다", "must be a number 0-1")
        reported = self.obj(a["reported"], f"{w}.reported", (), AGE_BANDS)
        for band, v in reported.items():
            if v != shares[band]:
                self.fail(
                    f"{w}.reported.{band}",
                    "shares의 값과 같아야 합니다",
                    "must equal the value in shares",
                )
        self.cite(a, w)
        self.text(a["note_ko"], f"{w}.note_ko", empty=True)
        self.text(a["note_en"], f"{w}.note_en", empty=True)

"""The channel knowledge base: the seed's channel types and the platforms Korean marketers use.

The data lives in ``plan/data/channels.json`` (an editable file; every fact carries a ``source``
key of its ``sources`` registry and a ``year``, and figures we are unsure of say
``"confidence": "low"``). A workspace may change or add channels with
``<workspace>/channels.json``::

    {"channels": {"instagram": {"utm_medium": "sns"},
                  "my_mall_live": { ...a whole channel entry... }},
     "sources": {"my_survey": {"title_ko": "...", "title_en": "...", "kind": "survey"}}}

An entry for a known channel is merged into the built-in one (objects merge key by key, lists and
values replace); a new key must be a whole entry. Both files are checked against one schema when
they are read; a broken workspace file is a :class:`PlanError` (``plan.channels_file``) naming the
file, the place and the problem. The built-in file is read once; the workspace file again whenever
it changes (its modification time or size).

Text length: :func:`copy_length` counts the way each platform does (``text_units``): plain
characters after NFC normalization, X's weighted count (Hangul and other CJK count 2, a URL 23),
UTF-16 code units (TikTok's API), UTF-8 bytes (YouTube descriptions) or Threads' count (emoji as
their UTF-8 bytes).
"""

from __future__ import annotations

import copy
import json
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socialops.plan.messages import PlanError
from socialops.plan.model import OBJECTIVES, UTM_VALUE

if TYPE_CHECKING:
    from socialops.store.workspace import Workspace

__all__ = [
    "AGE_BANDS",
    "METRICS",
    "TEXT_UNITS",
    "TRAITS",
    "Channel",
    "ChannelType",
    "channel_for_platform",
    "channel_types",
    "copy_length",
    "knowledge_sources",
    "load_channels",
    "relationships",
    "text_limit",
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
WORKSPACE_FILE = "channels.json"
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_PLATFORM = re.compile(r"^[a-z0-9][a-z0-9._-]{0,59}$")


@dataclass(frozen=True)
class ChannelType:
    """A channel type of the seed (#12-#17) or an SNS relationship kind (#16)."""

    key: str
    kind: str  # type | relationship
    name_ko: str
    name_en: str
    seed: list[str]  # paragraphs of the lecture, e.g. ["#13", "#14"]
    seed_text: str
    description_ko: str
    description_en: str

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_ko


@dataclass(frozen=True)
class Channel:
    """One platform of the knowledge base, flattened for code (the JSON keeps every source)."""

    key: str
    name_ko: str
    name_en: str
    types: list[str]
    relationship: str | None  # friends | trust | interest | None
    traits: dict[str, int]  # participation, openness, conversation, community, connectedness: 1-5
    trait_reasons: dict[str, dict[str, str]]  # trait -> {"ko", "en"}
    audience: dict[str, float]  # age band -> share of the band that uses it, 0..1
    audience_reported: dict[str, float]  # the bands the source itself published
    audience_confidence: str  # high | medium | low
    audience_note: dict[str, str]  # {"ko", "en"}
    formats: list[str]
    metrics: list[str]  # post metrics the platform reports (socialops.measure.kpis reads it)
    write_api: bool
    write_api_note: str  # Korean
    write_api_note_en: str
    text_limits: dict[str, int]  # format or "default" -> limit in text_units
    text_units: dict[str, str]  # format or "default" -> chars | x_weighted | utf16 | ...
    posting_limits: list[dict[str, Any]]  # what_ko, what_en, value, per, source, year, ...
    objectives: dict[str, int]  # objective -> fit 0-5
    objective_reasons: dict[str, dict[str, str]]
    care: bool  # 1:1 customer care (the seed's online call center, #6)
    commerce: bool
    ads: bool  # a paid ad product exists
    ad_strength: int  # 0-5
    organic_strength: int  # 1-5
    platforms: list[str]  # ``platform`` values of listening posts that mean this channel
    utm_source: str
    utm_medium: str
    description_ko: str
    description_en: str
    sources: list[dict[str, Any]] = field(default_factory=list)  # fact, source, year, ...
    origin: str = "builtin"  # builtin | workspace

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_ko


# -- reading -----------------------------------------------------------------------------------


def _builtin_text() -> str:
    return (resources.files("socialops.plan") / "data" / "channels.json").read_text("utf-8")


@lru_cache(maxsize=1)
def _builtin() -> tuple[dict[str, Any], dict[str, Channel]]:
    doc = _parse_json(_builtin_text(), "socialops/plan/data/channels.json")
    _Checker("socialops/plan/data/channels.json").document(doc)
    return doc, _build_all(doc, origin={})


_OVERRIDES: dict[Path, tuple[tuple[int, int], dict[str, Channel]]] = {}
_LOCK = threading.Lock()


def load_channels(ws: Workspace | None = None) -> dict[str, Channel]:
    """The knowledge base's channels by key: built in, merged with ``<ws.root>/channels.json``."""
    doc, builtin = _builtin()
    if ws is None:
        return dict(builtin)
    path = Path(ws.root) / WORKSPACE_FILE
    try:
        st = path.stat()
    except FileNotFoundError:
        return dict(builtin)
    except OSError as exc:
        raise _file_error(path, "-", f"읽을 수 없음 ({exc})", f"unreadable ({exc})") from None
    stamp = (st.st_mtime_ns, st.st_size)
    with _LOCK:
        cached = _OVERRIDES.get(path)
        if cached is not None and cached[0] == stamp:
            return dict(cached[1])
    channels = _load_override(path, doc)
    with _LOCK:
        _OVERRIDES[path] = (stamp, channels)
    return dict(channels)


def _load_override(path: Path, base: dict[str, Any]) -> dict[str, Channel]:
    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError:
        raise _file_error(path, "-", "UTF-8 텍스트가 아닙니다", "it is not UTF-8 text") from None
    except OSError as exc:
        raise _file_error(path, "-", f"읽을 수 없음 ({exc})", f"unreadable ({exc})") from None
    raw = _parse_json(text, str(path))
    checker = _Checker(str(path))
    if not isinstance(raw, dict):
        checker.fail("(top)", "JSON 객체여야 합니다", "must be a JSON object")
    unknown = sorted(set(raw) - {"channels", "sources", "schema_version", "about_ko", "about_en"})
    if unknown:
        checker.fail(
            unknown[0],
            "알 수 없는 항목입니다 (channels, sources만 쓸 수 있음)",
            "unknown field (use channels and sources)",
        )
    merged = copy.deepcopy(base)
    origin: dict[str, str] = {}
    sources = raw.get("sources", {})
    if not isinstance(sources, dict):
        checker.fail("sources", "객체여야 합니다", "must be an object")
    merged["sources"].update(copy.deepcopy(sources))
    entries = raw.get("channels", {})
    if not isinstance(entries, dict):
        checker.fail("channels", "객체여야 합니다", "must be an object")
    for key, entry in entries.items():
        where = f"channels.{key}"
        if not isinstance(entry, dict):
            checker.fail(where, "객체여야 합니다", "must be an object")
        if key in merged["channels"]:
            merged["channels"][key] = _merge(merged["channels"][key], entry)
        else:
            merged["channels"][key] = copy.deepcopy(entry)
        origin[key] = "workspace"
    checker.document(merged)
    return _build_all(merged, origin)


def _merge(base: Any, over: Any) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for k, v in over.items():
            out[k] = _merge(base.get(k), v) if k in base else copy.deepcopy(v)
        return out
    return copy.deepcopy(over)


def _parse_json(text: str, name: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlanError(
            "plan.channels_file",
            file=name,
            where=f"line {exc.lineno}, column {exc.colno}",
            problem_ko=f"JSON 문법 오류 ({exc.msg})",
            problem_en=f"invalid JSON ({exc.msg})",
        ) from None


def _file_error(path: Path | str, where: str, ko: str, en: str) -> PlanError:
    return PlanError(
        "plan.channels_file", file=str(path), where=where, problem_ko=ko, problem_en=en
    )


# -- schema ------------------------------------------------------------------------------------


class _Checker:
    """The schema of channels.json, checked by hand (no schema library at run time)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.sources: dict[str, Any] = {}

    def fail(self, where: str, ko: str, en: str) -> None:
        raise _file_error(self.name, where, ko, en)

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


# -- building ----------------------------------------------------------------------------------


def _build_all(doc: dict[str, Any], origin: dict[str, str]) -> dict[str, Channel]:
    return {
        key: _build(key, c, doc["sources"], origin.get(key, "builtin"))
        for key, c in doc["channels"].items()
    }


_DEFAULT_CONFIDENCE = {"estimate": "low", "editorial": "medium"}


def _cite(fact: str, d: dict[str, Any], sources: dict[str, Any]) -> dict[str, Any]:
    src = sources[d["source"]]
    return {
        "fact": fact,
        "source": src["title_ko"],
        "source_en": src["title_en"],
        "source_key": d["source"],
        "year": d["year"],
        "confidence": d.get("confidence", _DEFAULT_CONFIDENCE.get(src.get("kind"), "high")),
    }


def _build(key: str, c: dict[str, Any], sources: dict[str, Any], origin: str) -> Channel:
    cites: list[dict[str, Any]] = []
    for t, v in c["traits"].items():
        cites.append(_cite(f"traits.{t}", v, sources))
    aud = c["audience"]
    cites.append(_cite("audience", aud, sources))
    cites.append(_cite("write_api", c["write_api"], sources))
    for i, lim in enumerate(c["posting_limits"]):
        cites.append(_cite(f"posting_limits[{i}]", lim, sources))
    for fmt, lim in c["text_limits"].items():
        cites.append(_cite(f"text_limits.{fmt}", lim, sources))
    for o, v in c["objectives"].items():
        cites.append(_cite(f"objectives.{o}", v, sources))
    for f in ("care", "commerce", "ads", "organic"):
        cites.append(_cite(f, c[f], sources))
    return Channel(
        key=key,
        name_ko=c["name_ko"],
        name_en=c["name_en"],
        types=list(c["types"]),
        relationship=c["relationship"],
        traits={t: int(v["value"]) for t, v in c["traits"].items()},
        trait_reasons={t: {"ko": v["why_ko"], "en": v["why_en"]} for t, v in c["traits"].items()},
        audience={b: float(aud["shares"][b]) for b in AGE_BANDS},
        audience_reported={b: float(v) for b, v in aud["reported"].items()},
        audience_confidence=aud["confidence"],
        audience_note={"ko": aud["note_ko"], "en": aud["note_en"]},
        formats=list(c["formats"]),
        metrics=list(c["metrics"]),
        write_api=bool(c["write_api"]["value"]),
        write_api_note=c["write_api"]["note_ko"],
        write_api_note_en=c["write_api"]["note_en"],
        text_limits={f: int(v["value"]) for f, v in c["text_limits"].items()},
        text_units={f: str(v["unit"]) for f, v in c["text_limits"].items()},
        posting_limits=[dict(lim) for lim in c["posting_limits"]],
        objectives={o: int(v["fit"]) for o, v in c["objectives"].items()},
        objective_reasons={
            o: {"ko": v["why_ko"], "en": v["why_en"]} for o, v in c["objectives"].items()
        },
        care=bool(c["care"]["value"]),
        commerce=bool(c["commerce"]["value"]),
        ads=bool(c["ads"]["value"]),
        ad_strength=int(c["ads"]["strength"]),
        organic_strength=int(c["organic"]["value"]),
        platforms=list(c["platforms"]),
        utm_source=c["utm_source"],
        utm_medium=c["utm_medium"],
        description_ko=c["description_ko"],
        description_en=c["description_en"],
        sources=cites,
        origin=origin,
    )


# -- other views -------------------------------------------------------------------------------


def channel_types() -> dict[str, ChannelType]:
    """The seed's channel types (#12-#17): blog, microblog, sns, video, ... games."""
    return _types("types", "type")


def relationships() -> dict[str, ChannelType]:
    """The seed's SNS relationship kinds (#16): friends, trust (recommendation), interest."""
    return _types("relationships", "relationship")


def _types(section: str, kind: str) -> dict[str, ChannelType]:
    doc, _ = _builtin()
    return {
        key: ChannelType(
            key=key,
            kind=kind,
            name_ko=t["name_ko"],
            name_en=t["name_en"],
            seed=list(t["seed"]),
            seed_text=t["seed_text"],
            description_ko=t["description_ko"],
            description_en=t["description_en"],
        )
        for key, t in doc[section].items()
    }


def knowledge_sources() -> dict[str, dict[str, Any]]:
    """The built-in source registry: key -> title_ko, title_en, kind."""
    doc, _ = _builtin()
    return copy.deepcopy(doc["sources"])


def channel_for_platform(platform: str, channels: dict[str, Channel]) -> str | None:
    """The channel key a listening post's ``platform`` value means, if any."""
    value = (platform or "").strip().lower()
    for key, c in channels.items():
        if value == key or value in c.platforms:
            return key
    return None


# -- text length -------------------------------------------------------------------------------

# twitter-text 3 (X's "Counting characters"): these ranges weigh 1, everything else 2.
_X_LIGHT = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))
_X_URL_LENGTH = 23
_TLDS = "com|net|org|kr|io|co|me|ly|gl|app|dev|info|biz|xyz|shop|site|kr"
_URL = re.compile(
    r"(?:https?://[^\s]+)|(?:www\.[^\s]+)"
    rf"|(?:\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:{_TLDS})\b(?:/[^\s]*)?)",
    re.IGNORECASE,
)


def _x_weight(ch: str) -> int:
    cp = ord(ch)
    return 1 if any(lo <= cp <= hi for lo, hi in _X_LIGHT) else 2


def _x_length(text: str) -> int:
    total, pos = 0, 0
    for m in _URL.finditer(text):
        total += sum(_x_weight(ch) for ch in text[pos : m.start()]) + _X_URL_LENGTH
        pos = m.end()
    return total + sum(_x_weight(ch) for ch in text[pos:])


def _threads_length(text: str) -> int:
    # Meta: "Emojis are counted as the number of UTF-8 bytes"
    return sum(
        len(ch.encode("utf-8")) if ord(ch) > 0xFFFF or unicodedata.category(ch) == "So" else 1
        for ch in text
    )


def copy_length(channel: Channel, text: str, fmt: str | None = None) -> int:
    """How long ``text`` is by the platform's own count (see :data:`TEXT_UNITS`)."""
    nfc = unicodedata.normalize("NFC", text or "")
    unit = channel.text_units.get(fmt or "", channel.text_units.get("default", "chars"))
    if unit == "x_weighted":
        return _x_length(nfc)
    if unit == "utf16":
        return len(nfc.encode("utf-16-le")) // 2
    if unit == "utf8_bytes":
        return len(nfc.encode("utf-8"))
    if unit == "threads":
        return _threads_length(nfc)
    return len(nfc)


def text_limit(channel: Channel, fmt: str | None) -> int | None:
    """The longest copy the channel takes for ``fmt`` (else its default), in
    :func:`copy_length` units; ``None`` when it has no limit."""
    if fmt and fmt in channel.text_limits:
        return channel.text_limits[fmt]
    return channel.text_limits.get("default")

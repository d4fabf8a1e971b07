"""The channel knowledge base: the seed's channel types and the platforms Korean marketers use.

The data lives in ``domain/data/channels.json`` (an editable file; every fact carries a ``source``
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
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

from socialops.domain.channel_schema import (
    AGE_BANDS,
    METRICS,
    TEXT_UNITS,
    TRAITS,
    Checker,
    file_error,
)
from socialops.domain.text_length import measure
from socialops.errors import PlanError

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

WORKSPACE_FILE = "channels.json"


class WorkspaceFolder(Protocol):
    """A workspace as this module sees it: its folder (the domain does not import the store)."""

    @property
    def root(self) -> Path: ...


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
    return (resources.files("socialops.domain") / "data" / "channels.json").read_text("utf-8")


@lru_cache(maxsize=1)
def _builtin() -> tuple[dict[str, Any], dict[str, Channel]]:
    doc = _parse_json(_builtin_text(), "socialops/domain/data/channels.json")
    Checker("socialops/domain/data/channels.json").document(doc)
    return doc, _build_all(doc, origin={})


_OVERRIDES: dict[Path, tuple[tuple[int, int], dict[str, Channel]]] = {}
_LOCK = threading.Lock()


def load_channels(ws: WorkspaceFolder | None = None) -> dict[str, Channel]:
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
        raise file_error(path, "-", f"읽을 수 없음 ({exc})", f"unreadable ({exc})") from None
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
        raise file_error(path, "-", "UTF-8 텍스트가 아닙니다", "it is not UTF-8 text") from None
    except OSError as exc:
        raise file_error(path, "-", f"읽을 수 없음 ({exc})", f"unreadable ({exc})") from None
    raw = _parse_json(text, str(path))
    checker = Checker(str(path))
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


def copy_length(channel: Channel, text: str, fmt: str | None = None) -> int:
    """How long ``text`` is by the platform's own count (see :data:`TEXT_UNITS` and
    :func:`socialops.domain.text_length.measure`, the one copy of the counting rules)."""
    unit = channel.text_units.get(fmt or "", channel.text_units.get("default", "chars"))
    return measure(text, unit)


def text_limit(channel: Channel, fmt: str | None) -> int | None:
    """The longest copy the channel takes for ``fmt`` (else its default), in
    :func:`copy_length` units; ``None`` when it has no limit."""
    if fmt and fmt in channel.text_limits:
        return channel.text_limits[fmt]
    return channel.text_limits.get("default")

"""Triage rules as data: taxonomies (``nlp/taxonomies/*.json``) and their keyword cues, the
shared intent and urgency cues (``_rules.json``), and English speech acts by rule.

A cue matches Korean text with the spaces of both removed (Korean spacing is loose:
"카드 분실" matches "카드분실"), and English text as whole words, lower-cased.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "TAXONOMY_DIR",
    "CueSet",
    "Taxonomy",
    "en_speech_act",
    "load_taxonomy",
    "rules",
    "taxonomy_names",
]

TAXONOMY_DIR = Path(__file__).resolve().parent / "taxonomies"


class CueSet:
    """Keyword cues in Korean and English; :meth:`find` returns those present in a text."""

    def __init__(self, ko: list[str], en: list[str]) -> None:
        # a Korean cue's words in order, with up to 6 characters between them, spaces ignored
        # ("카드 분실" matches "카드분실" and "카드를 분실했어요")
        self.ko = [
            (c, re.compile(".{0,6}?".join(re.escape(p) for p in c.lower().split())))
            for c in ko
            if c.strip()
        ]
        pats = sorted({c.lower() for c in en if c.strip()}, key=len, reverse=True)
        self.en_re = (
            re.compile(r"(?<![\w])(?:" + "|".join(re.escape(p) for p in pats) + r")(?![\w])")
            if pats
            else None
        )

    @classmethod
    def from_json(cls, d: dict[str, Any] | None) -> CueSet:
        d = d or {}
        return cls(list(d.get("ko", [])), list(d.get("en", [])))

    def find(self, text_low: str, text_nospace: str, lang: str) -> list[str]:
        """The cues found (Korean cues in Korean text, English cues in any text)."""
        hits: list[str] = []
        if lang == "ko":
            hits = [c for c, pat in self.ko if pat.search(text_nospace)]
        if self.en_re is not None:
            hits += list(dict.fromkeys(self.en_re.findall(text_low)))
        return hits


@dataclass(frozen=True)
class Category:
    id: str
    ko: str
    en: str
    cues: CueSet

    def name(self, lang: str) -> str:
        return self.ko if lang == "ko" else self.en


@dataclass(frozen=True)
class Taxonomy:
    name: str
    categories: tuple[Category, ...]
    urgent: CueSet
    urgent_categories: frozenset[str]
    model_en: str | None  # a trained category model for English text (banking: BANKING77)

    def by_id(self, cid: str) -> Category | None:
        for c in self.categories:
            if c.id == cid:
                return c
        return None

    def match(
        self, text_low: str, text_nospace: str, lang: str
    ) -> tuple[Category | None, list[str]]:
        """The category with the most cue hits (the first in the file on a tie), and its cues."""
        best: tuple[Category | None, list[str]] = (None, [])
        for c in self.categories:
            hits = c.cues.find(text_low, text_nospace, lang)
            if len(hits) > len(best[1]):
                best = (c, hits)
        return best


@functools.cache
def taxonomy_names() -> tuple[str, ...]:
    """The taxonomies shipped (one JSON file each), ``general`` first."""
    names = sorted(p.stem for p in TAXONOMY_DIR.glob("*.json") if not p.stem.startswith("_"))
    return tuple(["general"] + [n for n in names if n != "general"])


@functools.cache
def load_taxonomy(name: str) -> Taxonomy:
    d = json.loads((TAXONOMY_DIR / f"{name}.json").read_text(encoding="utf-8"))
    cats = tuple(
        Category(str(c["id"]), str(c["ko"]), str(c["en"]), CueSet.from_json(c.get("cues")))
        for c in d.get("categories", [])
    )
    return Taxonomy(
        name=name,
        categories=cats,
        urgent=CueSet.from_json(d.get("urgency", {}).get("urgent")),
        urgent_categories=frozenset(d.get("urgent_categories", [])),
        model_en=(d.get("model") or {}).get("en"),
    )


@dataclass(frozen=True)
class Rules:
    urgent: CueSet
    high: CueSet
    spam: CueSet
    suggestion: CueSet
    praise: CueSet
    rhetorical: CueSet


@functools.cache
def rules() -> Rules:
    d = json.loads((TAXONOMY_DIR / "_rules.json").read_text(encoding="utf-8"))
    u, i = d["urgency"], d["intent"]
    return Rules(
        urgent=CueSet.from_json(u["urgent"]),
        high=CueSet.from_json(u["high"]),
        spam=CueSet.from_json(i["spam"]),
        suggestion=CueSet.from_json(i["suggestion"]),
        praise=CueSet.from_json(i["praise"]),
        rhetorical=CueSet.from_json(i["rhetorical"]),
    )


_WH = frozenset("what how why when where who which whom whose".split())
_AUX = frozenset(
    "can could is are am was were do does did will would should may might have has shall "
    "isn't aren't can't couldn't won't wouldn't don't doesn't didn't".split()
)
_IMPERATIVE = frozenset(
    "please pls plz help fix send cancel refund stop let tell give call check dm contact "
    "update change explain show reply respond get make remove delete unblock reset "
    "transfer activate close order add book rebook look answer".split()
)
_REQUEST = ("i need", "i want", "i'd like", "i would like", "we need", "i wanna", "kindly")
_EN_WORDS = re.compile(r"[a-z']+")
_STRIP = re.compile(r"^(?:@\w+\s*)+|https?://\S+")


def en_speech_act(text: str, rhetorical_hits: list[str], negative: bool) -> tuple[str, list[str]]:
    """An English text's 3i4k class by rule, and the words that decided it."""
    s = _STRIP.sub(" ", text.lower()).strip()
    words = _EN_WORDS.findall(s)
    if not words:
        return "fragment", []
    first = words[0]
    asks = "?" in s or first in _WH or (first in _AUX and len(words) > 2)
    if asks:
        if rhetorical_hits or (negative and first == "why"):
            return "rhetorical_question", rhetorical_hits or [first, "?"]
        return "question", [first] if first in _WH or first in _AUX else ["?"]
    if first in _IMPERATIVE or "please" in words or "pls" in words:
        if rhetorical_hits:
            return "rhetorical_command", rhetorical_hits
        return "command", [first if first in _IMPERATIVE else "please"]
    for r in _REQUEST:
        if s.startswith(r) or f" {r} " in f" {s} ":
            return "command", [r]
    if len(words) <= 2:
        return "fragment", words
    return "statement", []

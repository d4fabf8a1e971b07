"""Presets of the ``post_metrics`` and ``conversions`` streams (``sources/presets/*.json``).

A preset names the *kind* of rows it makes (``post_metrics`` or ``conversions``), the columns it
reads with their header aliases (English and Korean; matched ignoring case, spaces and
``_ - / ( ) . :``), which of them are required, its options with their defaults, and notes on how
each column is mapped (shown by ``socialops metrics presets``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from socialops.errors import PlanError

__all__ = ["PRESETS", "Preset", "get_preset", "norm_header", "preset_list"]

_NAMES = ("post-metrics", "facebook-metrics", "conversions")
_SEP = re.compile(r"[\s_\-/().:]+")


def norm_header(name: str) -> str:
    """A header reduced for matching: lowercase, no BOM, spaces, ``_ - / ( ) . :``."""
    return _SEP.sub("", name.replace("\ufeff", "").strip().lower())


@dataclass(frozen=True)
class Preset:
    name: str
    kind: str  # post_metrics | conversions
    description_ko: str
    description_en: str
    columns: dict[str, tuple[str, ...]]
    required: tuple[str, ...]
    options: dict[str, Any] = field(default_factory=dict)
    delimiter: str | None = None
    mapping: dict[str, dict[str, str]] = field(default_factory=dict)

    def locate(self, header: list[str]) -> dict[str, int]:
        """Field → column index for the fields whose column is in ``header`` (first match)."""
        normed = [norm_header(h) for h in header]
        out: dict[str, int] = {}
        for fld, aliases in self.columns.items():
            for alias in aliases:
                key = norm_header(alias)
                if key in normed:
                    out[fld] = normed.index(key)
                    break
        return out

    def to_dict(self, lang: str = "ko") -> dict[str, Any]:
        en = lang == "en"
        return {
            "name": self.name,
            "kind": self.kind,
            "description": self.description_en if en else self.description_ko,
            "description_ko": self.description_ko,
            "description_en": self.description_en,
            "columns": {k: list(v) for k, v in self.columns.items()},
            "required": list(self.required),
            "options": dict(self.options),
            "delimiter": self.delimiter,
            "mapping": {k: v["en" if en else "ko"] for k, v in self.mapping.items()},
        }


@cache
def _load(name: str) -> Preset:
    raw = json.loads(
        resources.files("socialops.sources.presets").joinpath(f"{name}.json").read_text("utf-8")
    )
    return Preset(
        name=raw["name"],
        kind=raw["kind"],
        description_ko=raw["description_ko"],
        description_en=raw["description_en"],
        columns={k: tuple(v) for k, v in raw["columns"].items()},
        required=tuple(raw["required"]),
        options=dict(raw.get("options", {})),
        delimiter=raw.get("delimiter"),
        mapping=dict(raw.get("mapping", {})),
    )


PRESETS: dict[str, Preset] = {n: _load(n) for n in _NAMES}
"""Every preset by name, with its descriptions (``preset.description_ko`` / ``_en``)."""


def get_preset(name: str) -> Preset:
    if name not in _NAMES:
        raise PlanError("metrics.unknown_preset", name=name[:60], choices=_NAMES)
    return _load(name)


def preset_list(lang: str = "ko") -> list[dict[str, Any]]:
    return [_load(n).to_dict(lang) for n in _NAMES]

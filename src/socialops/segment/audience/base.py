"""What an audience format is, the hashing every platform shares, and the registry.

A format says which identifiers it carries, in which columns, and how each is written
(``cell``: the normalised value to the text in the file, usually its SHA-256 hex); a member
becomes one row when at least one identifier it carries parses. What a format cannot carry,
what does not parse and a member with no identifier at all are counted by reason, never
silently dropped."""

from __future__ import annotations

import hashlib
import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from socialops.errors import SettingsError

__all__ = ["AudienceFormat", "Column", "formats", "get_format", "sha256_hex"]


def sha256_hex(value: str) -> str:
    """SHA-256 of the UTF-8 bytes, as 64 lower-case hex digits (what every platform asks)."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Column:
    """One column of the file: its header, the identifier kinds it takes (the first one a
    member has that parses), and how a normalised value is written."""

    header: str
    kinds: tuple[str, ...]
    cell: Callable[[str], str] = sha256_hex


@dataclass(frozen=True)
class AudienceFormat:
    """An ad platform's customer file. ``min_rows``: the fewest rows worth uploading (the
    platform's own floor, cited in the format's module); ``header``: whether the first line
    names the columns; ``suffix``: the file's usual extension."""

    name: str
    columns: tuple[Column, ...]
    min_rows: int
    header: bool = True
    suffix: str = ".csv"
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(k for c in self.columns for k in c.kinds)


_REGISTRY: dict[str, AudienceFormat] = {}


def formats() -> dict[str, AudienceFormat]:
    """Every format by name (``meta``, ``google``, ``kakao-moment``, ``naver-gfa``)."""
    if not _REGISTRY:
        here = [str(Path(__file__).parent)]
        for mod in sorted(pkgutil.iter_modules(here), key=lambda m: m.name):
            if mod.name in {"base", "export"} or mod.name.startswith("_"):
                continue
            module = importlib.import_module(f"{__package__}.{mod.name}")
            fmt = getattr(module, "FORMAT", None)
            if isinstance(fmt, AudienceFormat):
                _REGISTRY[fmt.name] = fmt
    return dict(_REGISTRY)


def get_format(name: str) -> AudienceFormat:
    """The format ``name`` or a coded error listing the known ones."""
    known = formats()
    fmt = known.get(str(name).strip().lower())
    if fmt is None:
        raise SettingsError(
            code="audience.format_unknown", format=name, choices=", ".join(sorted(known))
        )
    return fmt

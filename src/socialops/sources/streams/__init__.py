"""The import streams: what a kind of record is and how it enters the workspace.

A stream declares its record schema, its key, its presets, how it reads times, and what happens
to a bad row and to a key imported before. Every stream reads files through the one reader
stack (:mod:`socialops.sources.readers`: CSV/TSV/gz with encoding and delimiter detection, XLSX
through :mod:`socialops.sources.xlsxsafe`, JSONL, Parquet), quarantines a bad row with file,
row and reason, and records its imports in the one ledger (:mod:`socialops.sources.ledger`),
where ``rows_read = imported + duplicates (or updated) + quarantined``.

A new stream is a new module in this package that calls :func:`register` when imported; the
registry imports every module here on first use, so nothing else is edited::

    # sources/streams/customers.py
    STREAM = register(Stream(
        name="customers", table="customers", key=("customer_id",),
        fields=("customer_id", "name", "joined_at"), on_repeat="update",
        presets=lambda: ["crm-export"], time="joined_at: a date in the import zone",
        run=import_customers,
    ))

Platform connectors (the next issue) and the inbox add their streams the same way: a connector
hands records to a stream's ``run`` instead of a file.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from socialops.errors import UnknownPresetError

__all__ = ["Stream", "get", "names", "register", "streams"]


@dataclass(frozen=True)
class Stream:
    """One kind of record and its import path.

    ``table``: where the records land (``posts``: Parquet parts under ``raw/`` with their keys in
    ``post_keys``); ``key``: the fields that identify a record; ``fields``: the record schema's
    columns; ``on_repeat``: a key imported before is a ``duplicate`` (skipped, counted) or is
    ``update``-d in place; ``bad_rows``: ``quarantine`` (every stream: file, row, reason, raw);
    ``time``: how the stream reads times; ``presets()``: the preset names it knows; ``run``:
    ``run(ws, path, preset=..., **options)`` imports a file and returns its result."""

    name: str
    table: str
    key: tuple[str, ...]
    fields: tuple[str, ...]
    on_repeat: Literal["duplicate", "update"]
    presets: Callable[[], list[str]]
    time: str
    run: Callable[..., Any]
    bad_rows: Literal["quarantine"] = "quarantine"


_REGISTRY: dict[str, Stream] = {}
_loaded = False


def register(stream: Stream) -> Stream:
    """Add ``stream`` (a module of this package calls it when imported)."""
    if stream.name in _REGISTRY and _REGISTRY[stream.name] is not stream:
        raise ValueError(f"two import streams are named {stream.name!r}")
    _REGISTRY[stream.name] = stream
    return stream


def _load() -> None:
    global _loaded
    if _loaded:
        return
    for mod in pkgutil.iter_modules(__path__):
        if not mod.name.startswith("_"):
            importlib.import_module(f"{__name__}.{mod.name}")
    _loaded = True


def streams() -> dict[str, Stream]:
    """Every registered stream by name."""
    _load()
    return dict(_REGISTRY)


def names() -> list[str]:
    return sorted(streams())


def get(name: str) -> Stream:
    """The stream ``name``; :class:`UnknownPresetError` naming the streams when there is none."""
    found = streams().get(name)
    if found is None:
        raise UnknownPresetError(code="sources.unknown_stream", name=name[:60], choices=names())
    return found

"""Moved to :mod:`socialops.sources.presets.posts` (the presets of the ``posts`` stream);
re-exported for the modules that still import it from here."""

from socialops.sources.presets.posts import (
    CANONICAL_FIELDS,
    PRESETS,
    Bound,
    Spec,
    bind,
    get_preset,
    load_mapping_file,
    merge_mapping,
    parse_map_flags,
)

__all__ = [
    "CANONICAL_FIELDS",
    "PRESETS",
    "Bound",
    "Spec",
    "bind",
    "get_preset",
    "load_mapping_file",
    "merge_mapping",
    "parse_map_flags",
]

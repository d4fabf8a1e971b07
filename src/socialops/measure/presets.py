"""Moved to :mod:`socialops.sources.presets.metrics` (the presets of the ``post_metrics`` and
``conversions`` streams); re-exported for the modules that still import it from here."""

from socialops.sources.presets.metrics import PRESETS, Preset, get_preset, preset_list

__all__ = ["PRESETS", "Preset", "get_preset", "preset_list"]

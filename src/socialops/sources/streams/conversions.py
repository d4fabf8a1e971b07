"""The ``conversions`` stream: conversions, revenue and cost per day and UTM source, medium and
campaign (a GA4 or shop export). Key ``(date, utm_source, utm_medium, utm_campaign)``; a key
imported again is updated in place. Times: a local calendar date (``YYYY-MM-DD``, also
``YYYYMMDD`` and ``YYYY.MM.DD``). Bad rows are quarantined (file, row, reason)."""

from __future__ import annotations

from socialops.sources.keyed import CONVERSION_FIELDS, KEYS, import_metrics
from socialops.sources.presets.metrics import PRESETS
from socialops.sources.streams import Stream, register

__all__ = ["STREAM"]

STREAM = register(
    Stream(
        name="conversions",
        table="conversions",
        key=KEYS["conversions"],
        fields=CONVERSION_FIELDS,
        on_repeat="update",
        presets=lambda: [n for n, p in PRESETS.items() if p.kind == "conversions"],
        time="date: a local calendar day, no time zone shift",
        run=import_metrics,
    )
)

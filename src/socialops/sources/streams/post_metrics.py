"""The ``post_metrics`` stream: per-post figures (reach, impressions, engagements...) of a
channel's posts, from a platform's export. Key ``(channel, post_id)``; a key imported again is
updated in place. Times: a published date-time without an offset is read in the import zone
(option ``timezone``, default setting ``timezone``); a date alone or a month alone is kept with
its precision. Bad rows are quarantined (file, row, reason)."""

from __future__ import annotations

from socialops.sources.keyed import KEYS, POST_METRIC_FIELDS, import_metrics
from socialops.sources.presets.metrics import PRESETS
from socialops.sources.streams import Stream, register

__all__ = ["STREAM"]

STREAM = register(
    Stream(
        name="post_metrics",
        table="post_metrics",
        key=KEYS["post_metrics"],
        fields=(*POST_METRIC_FIELDS, "extra"),
        on_repeat="update",
        presets=lambda: [n for n, p in PRESETS.items() if p.kind == "post_metrics"],
        time="published_at: UTC instant of the first moment the precision allows "
        "(minute | day | month); naive times in the import zone",
        run=import_metrics,
    )
)

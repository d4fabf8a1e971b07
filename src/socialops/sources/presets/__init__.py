"""The presets of the import streams: :mod:`.posts` (column mappings of the ``posts`` stream)
and :mod:`.metrics` (the JSON presets of ``post_metrics`` and ``conversions``, in this folder)."""

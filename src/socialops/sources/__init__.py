"""The one import path: every file (and, with the next issues, every platform feed and the
inbox) enters the workspace here.

- :mod:`socialops.sources.readers` — one reader stack: CSV/TSV (also gzip) with encoding and
  delimiter detection (UTF-8, BOM, UTF-16, CP949/EUC-KR), XLSX through the safe opener
  :mod:`socialops.sources.xlsxsafe`, JSONL and Parquet, streamed in batches of
  :class:`~socialops.sources.readers.RawRecord`.
- :mod:`socialops.sources.streams` — the streams (``posts``, ``post_metrics``,
  ``conversions``): record schema, key, presets, time handling, bad-row policy; one module each.
- :mod:`socialops.sources.ledger` — the one imports ledger and the quarantine of bad rows.
- :mod:`socialops.sources.presets` — the presets of each stream (post mappings; metric JSON).
- :mod:`socialops.sources.enrich` — the enrichment runner over the imported posts.
"""

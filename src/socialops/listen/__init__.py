"""Listening: importing posts from files (CSV/TSV, XLSX, JSONL, Parquet) into the workspace.

``readers`` detects the format, encoding and delimiter and streams raw rows; ``presets`` maps a
file's columns onto the canonical post record; ``timeparse`` reads timestamps; ``ingest`` writes
batches into the workspace crash-safely and idempotently. See docs/import.md.
"""

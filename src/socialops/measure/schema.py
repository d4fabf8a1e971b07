"""Tables of imported post metrics and conversions in the workspace database (``workspace.db``).

- ``metric_imports``: one row per finished import (file, sha256, preset, counts, rejections).
- ``post_metrics``: one row per (channel, post_id); a re-import updates the row.
- ``conversions``: one row per (date, utm_source, utm_medium, utm_campaign); a re-import updates.
"""

from __future__ import annotations

import sqlite3

__all__ = ["ensure_tables"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS metric_imports (
    import_id   TEXT PRIMARY KEY,
    file        TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    preset      TEXT NOT NULL,
    kind        TEXT NOT NULL,                -- post_metrics | conversions
    encoding    TEXT NOT NULL,
    delimiter   TEXT NOT NULL,
    options     TEXT NOT NULL DEFAULT '{}',   -- JSON
    rows_read   INTEGER NOT NULL,
    imported    INTEGER NOT NULL,
    updated     INTEGER NOT NULL,
    rejected    INTEGER NOT NULL,
    rejects     TEXT NOT NULL DEFAULT '[]',   -- JSON: the first rejected rows with reasons
    status      TEXT NOT NULL,                -- done (an import that fails writes nothing)
    started_at  TEXT NOT NULL,
    finished_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS post_metrics (
    channel        TEXT NOT NULL,
    post_id        TEXT NOT NULL,
    published_at   TEXT NOT NULL,             -- UTC ISO (first instant the precision allows)
    date_precision TEXT NOT NULL,             -- minute | day | month
    local_day      TEXT,                      -- YYYY-MM-DD in the import zone; NULL for month
    local_month    TEXT NOT NULL,             -- YYYY-MM
    post_type      TEXT,
    paid           INTEGER,
    reach          REAL,
    impressions    REAL,
    engagements    REAL,
    comments       REAL,
    likes          REAL,
    shares         REAL,
    clicks         REAL,
    followers      REAL,
    extra          TEXT NOT NULL DEFAULT '{}',  -- JSON: preset-specific figures
    import_id      TEXT NOT NULL,
    PRIMARY KEY (channel, post_id)
);
CREATE INDEX IF NOT EXISTS post_metrics_month ON post_metrics (local_month);
CREATE TABLE IF NOT EXISTS conversions (
    date          TEXT NOT NULL,              -- local YYYY-MM-DD
    utm_source    TEXT NOT NULL DEFAULT '',
    utm_medium    TEXT NOT NULL DEFAULT '',
    utm_campaign  TEXT NOT NULL,
    conversions   REAL NOT NULL,
    revenue_krw   REAL,
    cost_krw      REAL,
    import_id     TEXT NOT NULL,
    UNIQUE (date, utm_source, utm_medium, utm_campaign)
);
CREATE INDEX IF NOT EXISTS conversions_campaign ON conversions (utm_campaign, date);
"""


def ensure_tables(conn: sqlite3.Connection) -> None:
    """Create the tables when missing (idempotent)."""
    conn.executescript(_SCHEMA)

-- workspace.db as release 0.1 (commit 4df46c1) made it, for the migration tests
CREATE TABLE IF NOT EXISTS imports (
    import_id     TEXT PRIMARY KEY,
    source_path   TEXT NOT NULL,
    source_sha256 TEXT NOT NULL,
    preset        TEXT NOT NULL,
    format        TEXT NOT NULL,
    encoding      TEXT,
    delimiter     TEXT,
    timezone      TEXT NOT NULL,
    topics        TEXT NOT NULL DEFAULT '[]',
    started_at    TEXT NOT NULL,
    finished_at   TEXT,
    status        TEXT NOT NULL,              -- running | done | interrupted | failed
    rows_read     INTEGER NOT NULL DEFAULT 0,
    imported      INTEGER NOT NULL DEFAULT 0,
    duplicates    INTEGER NOT NULL DEFAULT 0,
    quarantined   INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS raw_parts (
    part        TEXT PRIMARY KEY,             -- file name stem under raw/
    import_id   TEXT NOT NULL REFERENCES imports(import_id),
    seq         INTEGER NOT NULL,
    rows        INTEGER NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS post_keys (
    platform TEXT NOT NULL,
    post_id  TEXT NOT NULL,
    part     TEXT NOT NULL,
    PRIMARY KEY (platform, post_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS quarantine (
    source_sha256 TEXT NOT NULL,
    source_row    INTEGER NOT NULL,
    import_id     TEXT NOT NULL,
    source_file   TEXT NOT NULL,
    reason        TEXT NOT NULL,
    detail        TEXT,
    raw           TEXT,
    PRIMARY KEY (source_sha256, source_row)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS enrich_runs (
    run_id       TEXT PRIMARY KEY,
    pipeline     TEXT NOT NULL,               -- component versions that made it
    engine       TEXT NOT NULL,
    files        TEXT NOT NULL,               -- JSON list of paths relative to enriched/
    rows         INTEGER NOT NULL,
    started_at   TEXT NOT NULL,
    finished_at  TEXT NOT NULL,
    zone         TEXT                         -- IANA zone of the local day/hour it wrote
);
CREATE TABLE IF NOT EXISTS topics (
    name        TEXT PRIMARY KEY,
    query       TEXT NOT NULL,
    kind        TEXT NOT NULL,                -- brand | competitor | product | campaign
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS alert_runs (
    run_at      TEXT PRIMARY KEY,             -- when `socialops alerts` ran (UTC ISO)
    since       TEXT,                         -- the period start it looked from
    alerts      TEXT NOT NULL                 -- JSON list of the alert keys it reported
);
CREATE TABLE IF NOT EXISTS enriched_parts (
    raw_part     TEXT PRIMARY KEY REFERENCES raw_parts(part),
    run_id       TEXT NOT NULL REFERENCES enrich_runs(run_id),
    rows         INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS plans (
    plan_id    TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    state      TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date   TEXT NOT NULL,
    version    INTEGER NOT NULL,
    doc        TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

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

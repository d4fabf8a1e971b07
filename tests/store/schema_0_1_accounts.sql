-- accounts.db as release 0.1 (commit 4df46c1) made it, for the migration tests
CREATE TABLE IF NOT EXISTS users (
    id          INTEGER PRIMARY KEY,
    email       TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    password    TEXT NOT NULL,               -- Argon2id hash
    lang        TEXT NOT NULL DEFAULT 'ko',
    tz          TEXT NOT NULL DEFAULT 'Asia/Seoul',
    created_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS workspaces (
    slug        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS members (
    workspace   TEXT NOT NULL REFERENCES workspaces(slug) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role        TEXT NOT NULL,
    PRIMARY KEY (workspace, user_id)
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash  TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS api_tokens (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    last_used   TEXT
);
CREATE TABLE IF NOT EXISTS sign_in_failures (
    key         TEXT NOT NULL,               -- e-mail (lower-case) and client address
    at          TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sign_in_failures_key ON sign_in_failures (key, at);
CREATE TABLE IF NOT EXISTS audit (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    user_id     INTEGER,
    email       TEXT,
    workspace   TEXT,
    action      TEXT NOT NULL,
    target      TEXT,
    detail      TEXT,                        -- JSON
    ip          TEXT
);
CREATE INDEX IF NOT EXISTS audit_workspace ON audit (workspace, id);
CREATE TABLE IF NOT EXISTS invitations (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,        -- SHA-256 of the one-time link's token
    workspace   TEXT NOT NULL REFERENCES workspaces(slug) ON DELETE CASCADE,
    email       TEXT NOT NULL,               -- lower-case; an account need not exist
    role        TEXT NOT NULL,
    invited_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    accepted_at TEXT,
    accepted_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    revoked_at  TEXT
);
CREATE INDEX IF NOT EXISTS invitations_workspace ON invitations (workspace, email);
CREATE INDEX IF NOT EXISTS audit_email ON audit (email, id);

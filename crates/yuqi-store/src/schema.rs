//! The SQLite schema. `log` and the blob tables are append-only (triggers); `messages` and
//! `proposals_confirmed` are derived and may be rebuilt from the log.

pub(crate) const SCHEMA_VERSION: &str = "1";

pub(crate) const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Content of items (records and plain files up to one chunk), by SHA-256 of the plaintext.
CREATE TABLE IF NOT EXISTS blobs (
    sha256  TEXT PRIMARY KEY,
    sm3     TEXT NOT NULL,
    size    INTEGER NOT NULL,
    content BLOB NOT NULL
);

-- Large content (export files, recordings) in 1 MiB chunks.
CREATE TABLE IF NOT EXISTS chunks (
    sha256 TEXT NOT NULL,
    idx    INTEGER NOT NULL,
    data   BLOB NOT NULL,
    PRIMARY KEY (sha256, idx)
);

CREATE TABLE IF NOT EXISTS log (
    seq             INTEGER PRIMARY KEY,
    recorded_at     TEXT NOT NULL,
    kind            TEXT NOT NULL,
    origin          TEXT NOT NULL,
    origin_sha256   TEXT NOT NULL,
    item_key        TEXT NOT NULL UNIQUE,
    blob_sha256     TEXT NOT NULL,
    blob_sm3        TEXT NOT NULL,
    blob_size       INTEGER NOT NULL,
    chunked         INTEGER NOT NULL,
    metadata        BLOB NOT NULL,
    metadata_sha256 TEXT NOT NULL,
    prev_hash       TEXT NOT NULL,
    entry_hash      TEXT NOT NULL
);

-- Derived: the parsed message of each item, for listing and analysis.
CREATE TABLE IF NOT EXISTS messages (
    seq             INTEGER PRIMARY KEY,
    time_ms         INTEGER,
    channel         TEXT NOT NULL,
    direction       TEXT NOT NULL,
    counterpart_key TEXT NOT NULL,
    codes           TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_by_sender ON messages (counterpart_key, time_ms);

CREATE TRIGGER IF NOT EXISTS log_append_only_u BEFORE UPDATE ON log
BEGIN SELECT RAISE(ABORT, 'evidence log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS log_append_only_d BEFORE DELETE ON log
BEGIN SELECT RAISE(ABORT, 'evidence log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS blobs_append_only_u BEFORE UPDATE ON blobs
BEGIN SELECT RAISE(ABORT, 'evidence blobs are append-only'); END;
CREATE TRIGGER IF NOT EXISTS blobs_append_only_d BEFORE DELETE ON blobs
BEGIN SELECT RAISE(ABORT, 'evidence blobs are append-only'); END;
CREATE TRIGGER IF NOT EXISTS chunks_append_only_u BEFORE UPDATE ON chunks
BEGIN SELECT RAISE(ABORT, 'evidence chunks are append-only'); END;
CREATE TRIGGER IF NOT EXISTS chunks_append_only_d BEFORE DELETE ON chunks
BEGIN SELECT RAISE(ABORT, 'evidence chunks are append-only'); END;
"#;

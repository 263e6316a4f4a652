//! The SQLite schema. `log` and the blob tables are append-only (triggers); `messages` and
//! `proposals_confirmed` are derived and may be rebuilt from the log.

pub(crate) const SCHEMA_VERSION: &str = "1";

pub(crate) const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Content of items that are not a slice of a stored file (CSV records, confirmations), by
-- SHA-256 of the plaintext.
CREATE TABLE IF NOT EXISTS blobs (
    sha256  TEXT PRIMARY KEY,
    sm3     TEXT NOT NULL,
    size    INTEGER NOT NULL,
    content BLOB NOT NULL
);

-- Imported files (exports and plain files), kept whole in 1 MiB chunks. An XML or text record
-- is a slice of its file: the log names the file and the offset, so a 1 GB backup is stored
-- once, not twice.
CREATE TABLE IF NOT EXISTS sources (
    id     INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    size   INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sources_by_size ON sources (size);
CREATE TABLE IF NOT EXISTS chunks (
    src  INTEGER NOT NULL,
    idx  INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (src, idx)
) WITHOUT ROWID;

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
    -- Where the content is: NULL = the blobs table; a source id alone = that whole file;
    -- a source id and an offset = blob_size bytes of that file from the offset.
    content_src     INTEGER,
    content_offset  INTEGER,
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

-- (The trusted timestamps' table, TIMESTAMP_SCHEMA below, is created here too.)

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
CREATE TRIGGER IF NOT EXISTS sources_append_only_u BEFORE UPDATE ON sources
BEGIN SELECT RAISE(ABORT, 'evidence sources are append-only'); END;
CREATE TRIGGER IF NOT EXISTS sources_append_only_d BEFORE DELETE ON sources
BEGIN SELECT RAISE(ABORT, 'evidence sources are append-only'); END;
"#;

/// RFC 3161 timestamps over chain heads (see `store/timestamp.rs` for why a table of their own
/// and not log entries): the DER TimeStampResp as the authority sent it, the nonce we sent,
/// and the authority's CA certificates (PEM) when configured. Append-only. Run by `create` and,
/// for stores made before it existed, by the first timestamp: opening an old store writes nothing.
pub(crate) const TIMESTAMP_SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS timestamps (
    head_seq     INTEGER PRIMARY KEY,
    head_hash    TEXT NOT NULL,
    tsa_url      TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    nonce        TEXT NOT NULL,
    response     BLOB NOT NULL,
    certs        BLOB
);
CREATE TRIGGER IF NOT EXISTS timestamps_append_only_u BEFORE UPDATE ON timestamps
BEGIN SELECT RAISE(ABORT, 'evidence timestamps are append-only'); END;
CREATE TRIGGER IF NOT EXISTS timestamps_append_only_d BEFORE DELETE ON timestamps
BEGIN SELECT RAISE(ABORT, 'evidence timestamps are append-only'); END;
"#;

//! Deleting a whole case: the one operation that breaks append-only, itself recorded.

use std::io::Write;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension};

use super::{DB_FILE, StoreError, io_err, now};

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct DeletionRecord {
    pub deleted_at: String,
    pub store: String,
    pub entries: u64,
    pub chain_head: Option<String>,
    pub reason: String,
}

/// Deletes a case's store at the user's request: the one operation that breaks append-only.
/// Only the store's files are removed (and the directory, if that leaves it empty).
/// A record (time, path, entry count, chain head, reason) is appended to
/// `yuqi-deletions.log` in the parent directory first, so the deletion itself is documented.
pub fn delete_case(dir: &Path, reason: &str) -> Result<DeletionRecord, StoreError> {
    let db = dir.join(DB_FILE);
    if !db.exists() {
        return Err(StoreError::Invalid(format!("{} 中没有证据库", dir.display())));
    }
    let (entries, head) = {
        let conn = Connection::open(&db)?;
        let n: i64 = conn.query_row("SELECT COUNT(*) FROM log", [], |r| r.get(0))?;
        let head: Option<String> =
            conn.query_row("SELECT entry_hash FROM log ORDER BY seq DESC LIMIT 1", [], |r| r.get(0)).optional()?;
        (n as u64, head)
    };
    let abs = std::fs::canonicalize(dir).map_err(io_err(dir))?;
    let rec = DeletionRecord {
        deleted_at: now(),
        store: abs.display().to_string(),
        entries,
        chain_head: head,
        reason: reason.to_string(),
    };
    let parent = abs.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
    let log_path = parent.join("yuqi-deletions.log");
    let mut f = std::fs::OpenOptions::new().create(true).append(true).open(&log_path).map_err(io_err(&log_path))?;
    let line = serde_json::to_string(&rec).map_err(|e| StoreError::Invalid(e.to_string()))?;
    writeln!(f, "{line}").map_err(io_err(&log_path))?;
    f.sync_all().map_err(io_err(&log_path))?;
    // Only the store's own files: the directory may hold the user's other documents.
    for f in [DB_FILE, "evidence.sqlite-journal", "evidence.sqlite-wal", "evidence.sqlite-shm"] {
        let p = abs.join(f);
        if p.exists() {
            std::fs::remove_file(&p).map_err(io_err(&p))?;
        }
    }
    // The directory goes too when nothing else is in it.
    let _ = std::fs::remove_dir(&abs);
    Ok(rec)
}

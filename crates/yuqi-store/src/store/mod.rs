//! The store itself, one file per step: opening and the shared storage primitives here;
//! [`import_file`] (one export file in one transaction), [`list`] (reading items back),
//! [`verify`] (recomputing every hash), [`export`] (the evidence package), [`confirm`]
//! (proposed events the user confirms), [`delete`] (removing a whole case) and [`timestamp`]
//! (trusted timestamps over the chain head, with [`tsa`] talking to the authority).

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use chrono::{SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use yuqi_conduct::{Analyzer, Scratch};
use yuqi_evidence::chain::Entry;
use yuqi_evidence::digest::{Digests, Hasher};
use yuqi_evidence::import::{self, ImportError};
use yuqi_evidence::item::ImportedMessage;
use yuqi_evidence::package::PackageError;

use crate::crypt::{self, Cipher, CryptError};
use crate::schema::{SCHEMA, SCHEMA_VERSION, TIMESTAMP_SCHEMA};

mod android_db;
mod confirm;
mod delete;
mod export;
mod import_file;
mod judge;
mod list;
mod media_refs;
mod screenshot;
mod tie;
mod timestamp;
mod tsa;
mod verify;

pub use confirm::Confirmation;
pub use delete::{DeletionRecord, delete_case};
pub use export::{ExportOptions, ExportReport, IndexPdf};
pub use import_file::{ImportOptions, ImportReport};
pub use judge::{Judgment, Verdict};
pub use list::ListedItem;
pub use screenshot::{MachineRead, ScreenshotReport};
pub use tie::Tie;
pub use timestamp::{StampReport, TIMESTAMP_NOTE, TimestampCheck, TimestampError, TsaConfig, verify_package_timestamp};
pub use tsa::{SigCheck, TsaError};
pub use verify::{Problem, VerifyReport};

/// Export files and plain files are stored in chunks of this size.
const CHUNK: usize = 1 << 20;
pub const DB_FILE: &str = "evidence.sqlite";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("证据库（SQLite）错误：{0}")]
    Sql(#[from] rusqlite::Error),
    #[error(transparent)]
    Crypt(#[from] CryptError),
    #[error("导入 {file} 失败：{error}")]
    Import { file: String, error: ImportError },
    #[error("{path}：{}", io_zh(source))]
    Io { path: String, source: std::io::Error },
    #[error(transparent)]
    Package(#[from] PackageError),
    /// The caller's PDF renderer failed (its message, e.g. no Chinese font on this machine).
    #[error("{0}")]
    Render(String),
    #[error("{0}")]
    Invalid(String),
}

/// The common I/O failures in Chinese; others keep the system's message.
fn io_zh(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => "文件或目录不存在".into(),
        PermissionDenied => "没有读写权限".into(),
        IsADirectory => "这是一个目录，请指定其中的文件".into(),
        NotADirectory => "这不是一个目录".into(),
        AlreadyExists => "已经存在".into(),
        StorageFull => "磁盘空间不足".into(),
        _ => format!("读写失败（{e}）"),
    }
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io { path: path.display().to_string(), source }
}

#[derive(Debug)]
pub struct Store {
    conn: Connection,
    dir: PathBuf,
    cipher: Option<Cipher>,
}

fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The metadata kept (and hashed) with an item. Empty parts are left out of the JSON: two
/// million records of a 1 GB backup each carry one.
#[derive(serde::Serialize, serde::Deserialize)]
struct Metadata {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    source_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    position: Option<yuqi_evidence::Position>,
    /// The original fields, for records whose stored content is not the original bytes (CSV
    /// re-encoded as UTF-8); an XML element or text block is stored exactly and needs none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    fields: Vec<(String, String)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    message: Option<ImportedMessage>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    media: Option<yuqi_evidence::MediaInfo>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    attachments: Vec<yuqi_evidence::item::Attachment>,
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    extra: serde_json::Value,
}

impl Metadata {
    fn new(source_name: &str) -> Metadata {
        Metadata {
            source_name: source_name.to_string(),
            position: None,
            fields: Vec::new(),
            message: None,
            media: None,
            attachments: Vec::new(),
            extra: serde_json::Value::Null,
        }
    }
}

/// Where an entry's content is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Location {
    /// The `blobs` table, by SHA-256.
    Blob,
    /// A whole imported file.
    Whole(i64),
    /// `blob_size` bytes of an imported file from an offset.
    Slice(i64, u64),
}

impl Location {
    fn columns(self) -> (Option<i64>, Option<i64>) {
        match self {
            Location::Blob => (None, None),
            Location::Whole(src) => (Some(src), None),
            Location::Slice(src, off) => (Some(src), Some(off as i64)),
        }
    }

    fn from_columns(src: Option<i64>, off: Option<i64>) -> Location {
        match (src, off) {
            (None, _) => Location::Blob,
            (Some(s), None) => Location::Whole(s),
            (Some(s), Some(o)) => Location::Slice(s, o as u64),
        }
    }
}

fn hash_file(path: &Path, size: u64, progress: &mut dyn FnMut(u64, u64)) -> Result<Digests, StoreError> {
    let mut f = BufReader::with_capacity(CHUNK, File::open(path).map_err(io_err(path))?);
    let mut h = Hasher::new();
    loop {
        let buf = f.fill_buf().map_err(io_err(path))?;
        if buf.is_empty() {
            break;
        }
        h.update(buf);
        let n = buf.len();
        f.consume(n);
        progress(h.len(), size);
    }
    Ok(h.finish())
}

/// Reads stored content, keeping the last chunk so that consecutive slices of a file (records
/// in file order) read each chunk once.
struct ChunkCursor<'s> {
    store: &'s Store,
    cached: Option<(i64, i64, Vec<u8>)>,
}

impl<'s> ChunkCursor<'s> {
    fn new(store: &'s Store) -> ChunkCursor<'s> {
        ChunkCursor { store, cached: None }
    }

    fn chunk(&mut self, src: i64, idx: i64) -> Result<Option<&[u8]>, StoreError> {
        if self.cached.as_ref().is_none_or(|(s, i, _)| (*s, *i) != (src, idx)) {
            let data: Option<Vec<u8>> = self
                .store
                .conn
                .prepare_cached("SELECT data FROM chunks WHERE src = ?1 AND idx = ?2")?
                .query_row(params![src, idx], |r| r.get(0))
                .optional()?;
            match data {
                None => return Ok(None),
                Some(d) => {
                    let plain = crypt::unseal(self.store.cipher.as_ref(), d, &crypt::chunk_aad(src, idx))?;
                    self.cached = Some((src, idx, plain));
                }
            }
        }
        Ok(self.cached.as_ref().map(|(_, _, d)| d.as_slice()))
    }

    /// Feeds the content of an entry to `each`; false when some of it is missing.
    fn pieces(&mut self, e: &Entry, loc: Location, each: &mut dyn FnMut(&[u8])) -> Result<bool, StoreError> {
        match loc {
            Location::Blob => {
                let data: Option<Vec<u8>> = self
                    .store
                    .conn
                    .prepare_cached("SELECT content FROM blobs WHERE sha256 = ?1")?
                    .query_row(params![e.blob_sha256], |r| r.get(0))
                    .optional()?;
                match data {
                    Some(d) => each(&crypt::unseal(self.store.cipher.as_ref(), d, &crypt::blob_aad(&e.blob_sha256))?),
                    None => return Ok(false),
                }
            }
            Location::Whole(src) => {
                let mut idx = 0;
                while let Some(c) = self.chunk(src, idx)? {
                    each(c);
                    idx += 1;
                }
            }
            Location::Slice(src, off) => {
                let mut pos = off;
                let mut left = e.blob_size;
                while left > 0 {
                    let idx = (pos / CHUNK as u64) as i64;
                    let inner = (pos % CHUNK as u64) as usize;
                    let Some(c) = self.chunk(src, idx)? else { return Ok(false) };
                    if inner >= c.len() {
                        return Ok(false);
                    }
                    let take = (c.len() - inner).min(left as usize);
                    each(&c[inner..inner + take]);
                    pos += take as u64;
                    left -= take as u64;
                }
            }
        }
        Ok(true)
    }
}

/// What every entry of one import shares.
struct ItemAt<'a> {
    tx: &'a Transaction<'a>,
    cipher: Option<&'a Cipher>,
    recorded_at: &'a str,
}

impl Store {
    /// Creates a new store in `dir` (created if missing; refused if it already holds one).
    pub fn create(dir: &Path, title: &str, passphrase: Option<&str>) -> Result<Store, StoreError> {
        std::fs::create_dir_all(dir).map_err(io_err(dir))?;
        let db = dir.join(DB_FILE);
        if db.exists() {
            return Err(StoreError::Invalid(format!("{} 已经有证据库，不会覆盖", dir.display())));
        }
        let conn = connect(&db)?;
        let (cipher, wrapped) = match passphrase {
            Some(p) => {
                let (c, w) = Cipher::create(p)?;
                (Some(c), Some(w))
            }
            None => (None, None),
        };
        // Schema and settings in one transaction: a kill leaves a complete store or an empty file.
        let tx = conn.unchecked_transaction()?;
        tx.execute_batch(SCHEMA)?;
        tx.execute_batch(TIMESTAMP_SCHEMA)?;
        for (k, v) in [
            ("schema_version", SCHEMA_VERSION.to_string()),
            ("created_at", now()),
            ("title", title.to_string()),
            ("tool_version", env!("CARGO_PKG_VERSION").to_string()),
        ] {
            tx.execute("INSERT INTO meta (key, value) VALUES (?1, ?2)", params![k, v])?;
        }
        if let Some(w) = wrapped {
            tx.execute("INSERT INTO meta (key, value) VALUES ('wrapped_key', ?1)", params![w])?;
        }
        tx.commit()?;
        Ok(Store { conn, dir: dir.to_path_buf(), cipher })
    }

    /// Opens an existing store; an encrypted one needs its passphrase.
    pub fn open(dir: &Path, passphrase: Option<&str>) -> Result<Store, StoreError> {
        let db = dir.join(DB_FILE);
        if !db.exists() {
            return Err(StoreError::Invalid(format!(
                "{} 中没有证据库：先运行 yuqi evidence init --store {}",
                dir.display(),
                dir.display()
            )));
        }
        let conn = connect(&db)?;
        let wrapped: Option<String> =
            conn.query_row("SELECT value FROM meta WHERE key = 'wrapped_key'", [], |r| r.get(0)).optional()?;
        let cipher = match (wrapped, passphrase) {
            (Some(w), Some(p)) => Some(Cipher::open(p, &w)?),
            (Some(_), None) => return Err(CryptError::PassphraseNeeded.into()),
            (None, Some(_)) => {
                return Err(StoreError::Invalid(
                    "这个证据库没有加密，却提供了口令：为防止误把数据写成明文，请去掉口令（YUQI_PASSPHRASE / --passphrase-file）后再试".into(),
                ));
            }
            (None, None) => None,
        };
        Ok(Store { conn, dir: dir.to_path_buf(), cipher })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn encrypted(&self) -> bool {
        self.cipher.is_some()
    }

    pub fn title(&self) -> Result<String, StoreError> {
        Ok(self.conn.query_row("SELECT value FROM meta WHERE key = 'title'", [], |r| r.get(0))?)
    }

    pub fn entry_count(&self) -> Result<u64, StoreError> {
        Ok(self.conn.query_row("SELECT COUNT(*) FROM log", [], |r| r.get::<_, i64>(0))? as u64)
    }

    fn finish_entry(&self, (mut e, meta): (Entry, Vec<u8>)) -> Result<Entry, StoreError> {
        let plain = crypt::unseal(self.cipher.as_ref(), meta, &crypt::meta_aad(&e.item_key))?;
        e.metadata = String::from_utf8(plain).map_err(|_| CryptError::NotText)?;
        Ok(e)
    }

    fn all_entries(&self) -> Result<Vec<(Entry, Location)>, StoreError> {
        self.all_entries_where(None)
    }

    fn all_entries_where(&self, seq: Option<u64>) -> Result<Vec<(Entry, Location)>, StoreError> {
        let mut stmt = self.conn.prepare(&format!("{ENTRY_SELECT} WHERE ?1 IS NULL OR seq = ?1 ORDER BY seq"))?;
        let mut rows = stmt.query(params![seq.map(|s| s as i64)])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let raw = row_to_raw(r)?;
            let loc = row_location(r)?;
            out.push((self.finish_entry(raw)?, loc));
        }
        Ok(out)
    }
}

fn connect(db: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(db)?;
    // Rollback journal: a killed process never leaves a half-applied transaction, and a large
    // import writes its pages once (WAL wrote them twice and read them back: 65 s against 41 s
    // for 1 GiB). FULL sync so that a power loss cannot corrupt the store either.
    // 64 MiB of page cache keeps the growing indexes of a large import in memory.
    conn.execute_batch(
        "PRAGMA journal_mode=TRUNCATE; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000; \
         PRAGMA cache_size=-65536;",
    )?;
    Ok(conn)
}

type RawEntry = (Entry, Vec<u8>);

const ENTRY_SELECT: &str = "SELECT seq, recorded_at, kind, origin, origin_sha256, item_key, blob_sha256, blob_sm3, \
     blob_size, metadata, metadata_sha256, prev_hash, entry_hash, content_src, content_offset FROM log";

fn row_location(r: &rusqlite::Row<'_>) -> rusqlite::Result<Location> {
    Ok(Location::from_columns(r.get(13)?, r.get(14)?))
}

fn row_to_raw(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawEntry> {
    Ok((
        Entry {
            seq: r.get::<_, i64>(0)? as u64,
            recorded_at: r.get(1)?,
            kind: r.get(2)?,
            origin: r.get(3)?,
            origin_sha256: r.get(4)?,
            item_key: r.get(5)?,
            blob_sha256: r.get(6)?,
            blob_sm3: r.get(7)?,
            blob_size: r.get::<_, i64>(8)? as u64,
            metadata: String::new(),
            metadata_sha256: r.get(10)?,
            prev_hash: r.get(11)?,
            entry_hash: r.get(12)?,
        },
        r.get(9)?,
    ))
}

fn last_entry_in(tx: &Transaction<'_>, cipher: Option<&Cipher>) -> Result<Option<Entry>, StoreError> {
    let mut stmt = tx.prepare(
        "SELECT seq, recorded_at, kind, origin, origin_sha256, item_key, blob_sha256, blob_sm3, blob_size, \
         metadata, metadata_sha256, prev_hash, entry_hash FROM log ORDER BY seq DESC LIMIT 1",
    )?;
    let raw = stmt.query_row([], row_to_raw).optional()?;
    match raw {
        None => Ok(None),
        Some((mut e, meta)) => {
            e.metadata = String::from_utf8(crypt::unseal(cipher, meta, &crypt::meta_aad(&e.item_key))?)
                .map_err(|_| CryptError::NotText)?;
            Ok(Some(e))
        }
    }
}

fn decode_meta(cipher: Option<&Cipher>, stored: Vec<u8>, item_key: &str) -> Result<Metadata, StoreError> {
    let plain = crypt::unseal(cipher, stored, &crypt::meta_aad(item_key))?;
    serde_json::from_slice(&plain).map_err(|e| StoreError::Invalid(format!("元数据无法解析：{e}")))
}

fn insert_blob(tx: &Transaction<'_>, cipher: Option<&Cipher>, d: &Digests, content: &[u8]) -> Result<(), StoreError> {
    let exists: Option<i64> = tx
        .prepare_cached("SELECT 1 FROM blobs WHERE sha256 = ?1")?
        .query_row(params![d.sha256], |r| r.get(0))
        .optional()?;
    if exists.is_none() {
        let stored = crypt::seal(cipher, content, &crypt::blob_aad(&d.sha256))?;
        tx.prepare_cached("INSERT INTO blobs (sha256, sm3, size, content) VALUES (?1, ?2, ?3, ?4)")?
            .execute(params![d.sha256, d.sm3, content.len() as i64, stored])?;
    }
    Ok(())
}

fn insert_entry(tx: &Transaction<'_>, e: &Entry, stored_meta: &[u8], loc: Location) -> Result<(), StoreError> {
    let (src, off) = loc.columns();
    tx.prepare_cached(
        "INSERT INTO log (seq, recorded_at, kind, origin, origin_sha256, item_key, blob_sha256, blob_sm3, blob_size, \
         content_src, content_offset, metadata, metadata_sha256, prev_hash, entry_hash) \
         VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)",
    )?
    .execute(params![
        e.seq as i64,
        e.recorded_at,
        e.kind,
        e.origin,
        e.origin_sha256,
        e.item_key,
        e.blob_sha256,
        e.blob_sm3,
        e.blob_size as i64,
        src,
        off,
        stored_meta,
        e.metadata_sha256,
        e.prev_hash,
        e.entry_hash
    ])?;
    Ok(())
}

/// Seals and appends one log entry after `prev`; returns its sequence number.
#[allow(clippy::too_many_arguments)]
fn append(
    at: &ItemAt<'_>,
    prev: &mut Option<Entry>,
    kind: &str,
    origin: &str,
    item_key: &str,
    d: &Digests,
    size: u64,
    loc: Location,
    meta: &Metadata,
) -> Result<u64, StoreError> {
    let metadata = serde_json::to_string(meta).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let e = Entry {
        seq: 0,
        recorded_at: at.recorded_at.to_string(),
        kind: kind.to_string(),
        origin: origin.to_string(),
        origin_sha256: String::new(),
        item_key: item_key.to_string(),
        blob_sha256: d.sha256.clone(),
        blob_sm3: d.sm3.clone(),
        blob_size: size,
        metadata,
        metadata_sha256: String::new(),
        prev_hash: String::new(),
        entry_hash: String::new(),
    }
    .seal(prev.as_ref());
    let stored_meta = crypt::seal(at.cipher, e.metadata.as_bytes(), &crypt::meta_aad(&e.item_key))?;
    insert_entry(at.tx, &e, &stored_meta, loc)?;
    let seq = e.seq;
    *prev = Some(e);
    Ok(seq)
}

/// The conduct codes of a message's text. The debtor's own messages are never flagged (the
/// analyzer knows them by `from`); app notices are not analysed. A message someone else received
/// (`ImportedMessage::to`) is read as sent to them.
fn text_codes(m: &ImportedMessage, analyzer: &Analyzer, scratch: &mut Scratch) -> Vec<String> {
    if m.text.is_empty() || m.direction == yuqi_evidence::Direction::System {
        return Vec::new();
    }
    let out = m.direction == yuqi_evidence::Direction::Out;
    let from = if out { "debtor" } else { "collector" };
    let to = if out { None } else { m.to.as_deref().map(Into::into) };
    let msg = yuqi_conduct::Message { text: m.text.as_str().into(), from: Some(from.into()), to, ..Default::default() };
    analyzer.analyze(&msg, scratch).codes.iter().map(|c| c.as_str().to_string()).collect()
}

fn china_time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.with_timezone(&import::china()).format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
}

//! The store itself: create/open, import, list, verify, export, proposals, deletion.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use chrono::{Datelike, FixedOffset, SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use yuqi_conduct::{Analyzer, Scratch};
use yuqi_evidence::chain::{ChainChecker, Entry};
use yuqi_evidence::digest::{Digests, Hasher};
use yuqi_evidence::import::{self, Format, ImportError, OnBad, Options, Summary, media};
use yuqi_evidence::item::{ImportedMessage, Item, ItemKind};
use yuqi_evidence::package::{self, ChainHead, IndexRow, Manifest, PackageError, PackageWriter};
use yuqi_evidence::phone;
use yuqi_evidence::propose::{Candidate, Proposal, propose};

use crate::crypt::{self, Cipher, CryptError};
use crate::schema::{SCHEMA, SCHEMA_VERSION};

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
    #[error(transparent)]
    Render(#[from] yuqi_render::RenderError),
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

#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// `None`: detect from the name and the first bytes.
    pub format: Option<Format>,
    pub on_bad: OnBad,
    pub zone: FixedOffset,
    pub my_names: Vec<String>,
}

impl Default for ImportOptions {
    fn default() -> Self {
        let o = Options::default();
        ImportOptions { format: None, on_bad: o.on_bad, zone: o.zone, my_names: o.my_names }
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ImportReport {
    pub file: String,
    pub format: String,
    pub sha256: String,
    pub sm3: String,
    pub size: u64,
    /// The same file (same SHA-256) was imported before: nothing was added.
    pub already_imported: bool,
    /// The name it was imported under then.
    pub previous_name: Option<String>,
    /// New records (for an export: its messages and calls; the export file itself is always kept
    /// whole beside them); a plain file counts as one.
    pub new_items: u64,
    /// Records already in the store (from this file or an earlier backup).
    pub duplicates: u64,
    /// Items with at least one conduct code.
    pub flagged: u64,
    pub first_seq: Option<u64>,
    pub last_seq: Option<u64>,
    /// The chain's last entry after this import: kept somewhere else (a message to oneself, a
    /// notary), it later proves that nothing before it was changed or removed.
    pub chain_head: Option<ChainHead>,
    pub summary: Summary,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ListedItem {
    pub seq: u64,
    pub kind: String,
    pub origin: String,
    pub time: Option<String>,
    pub direction: Option<String>,
    /// `sms`, `call`, `wechat`, … for messages.
    pub channel: Option<String>,
    pub counterpart: Option<String>,
    pub codes: Vec<String>,
    pub text: Option<String>,
    /// False for a message that never left the phone (draft, failed, queued).
    pub delivered: Option<bool>,
    pub sha256: String,
}

impl ListedItem {
    /// The item as the conduct analyzer's input line (messages and calls only), with the
    /// debtor as `self` on the right side; `id` reads `证据库第 N 条` in documents.
    pub fn analyzer_message(&self) -> Option<yuqi_conduct::Message<'static>> {
        if self.text.is_none() && self.channel.as_deref() != Some("call") {
            return None;
        }
        let out = self.direction.as_deref() == Some("out");
        let other = self.counterpart.clone().filter(|c| !c.is_empty());
        let me = Some(std::borrow::Cow::Borrowed("self"));
        let other = other.map(std::borrow::Cow::Owned);
        Some(yuqi_conduct::Message {
            id: Some(format!("证据库第 {} 条", self.seq).into()),
            text: self.text.clone().unwrap_or_default().into(),
            time: self.time.clone().map(Into::into),
            from: if out { me.clone() } else { other.clone() },
            to: if out { other } else { me },
            channel: self.channel.clone().map(Into::into),
            ..Default::default()
        })
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Problem {
    pub seq: u64,
    pub kind: String,
    pub origin: String,
    pub what: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "第 {} 条（{}，{}）：{}", self.seq, self.kind, self.origin, self.what)
    }
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct VerifyReport {
    pub entries: u64,
    pub bytes_hashed: u64,
    pub chain_head: Option<ChainHead>,
    pub problems: Vec<Problem>,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// Mask third parties' phone numbers (all numbers except the collectors') in the copies.
    pub redact: bool,
    /// Also write the evidence index as PDF (needs a Chinese font on this machine).
    pub pdf: bool,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions { redact: false, pdf: true }
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ExportReport {
    pub path: String,
    pub files: usize,
    pub entries: u64,
    pub chain_head: Option<ChainHead>,
    pub redacted: bool,
    pub sha256: String,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct DeletionRecord {
    pub deleted_at: String,
    pub store: String,
    pub entries: u64,
    pub chain_head: Option<String>,
    pub reason: String,
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

impl ImportReport {
    fn already(file: String, format: &Format, d: Digests, size: u64) -> ImportReport {
        ImportReport {
            file,
            format: format.label_zh().to_string(),
            sha256: d.sha256,
            sm3: d.sm3,
            size,
            already_imported: true,
            previous_name: None,
            new_items: 0,
            duplicates: 0,
            flagged: 0,
            first_seq: None,
            last_seq: None,
            chain_head: None,
            summary: Summary::default(),
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

fn source_key(format: &Format, sha256: &str) -> String {
    format!("{}|{}", if *format == Format::File { "file" } else { "source" }, sha256)
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

#[derive(Default)]
struct Counts {
    new: u64,
    duplicates: u64,
    flagged: u64,
    first: Option<u64>,
    last: Option<u64>,
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
        e.metadata = String::from_utf8(plain).map_err(|_| CryptError::Corrupt)?;
        Ok(e)
    }

    /// Imports one file in one transaction. `progress(done, total)` is called as bytes are read.
    pub fn import_path(
        &mut self,
        path: &Path,
        opts: &ImportOptions,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<ImportReport, StoreError> {
        let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
        let size = std::fs::metadata(path).map_err(io_err(path))?.len();
        let format = match &opts.format {
            Some(f) => f.clone(),
            None => {
                let mut head = vec![0u8; 8192];
                let mut f = File::open(path).map_err(io_err(path))?;
                let n = read_up_to(&mut f, &mut head).map_err(io_err(path))?;
                import::detect(&name, &head[..n]).ok_or_else(|| StoreError::Import {
                    file: name.clone(),
                    error: ImportError::Unrecognized(format!(
                        "无法自动识别格式，请用 --format 指定（{}）",
                        Format::NAMES.join("、")
                    )),
                })?
            }
        };
        // A file can only be one imported before if a stored file has the same size: then (and
        // only then) hash it first, to answer "already imported" without reading it twice.
        let same_size: Option<i64> = self
            .conn
            .query_row("SELECT id FROM sources WHERE size = ?1 LIMIT 1", params![size as i64], |r| r.get(0))
            .optional()?;
        if same_size.is_some() {
            let d = hash_file(path, size, progress)?;
            // The same bytes, whatever format they were read as and whatever they were called.
            let seen: Option<String> = self
                .conn
                .query_row(
                    "SELECT l.origin FROM sources s JOIN log l ON l.content_src = s.id AND l.content_offset IS NULL \
                     WHERE s.sha256 = ?1",
                    params![d.sha256],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(earlier) = seen {
                let mut report = ImportReport::already(name, &format, d, size);
                report.previous_name = Some(earlier);
                return Ok(report);
            }
        }

        let cipher = self.cipher.as_ref();
        let tx = self.conn.transaction()?;
        let mut prev = last_entry_in(&tx, cipher)?;
        let recorded_at = now();
        let src: i64 = tx.query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM sources", [], |r| r.get(0))?;
        let file = File::open(path).map_err(io_err(path))?;
        let at = ItemAt { tx: &tx, cipher, recorded_at: &recorded_at };

        // Two threads, one pass over the file (at most 64 messages in flight: 64 MiB of chunks). The reader thread reads, parses, hashes and
        // analyses each record and prepares its log entry; this thread hashes and stores the file's
        // chunks and links and writes the entries in order. A bounded channel keeps memory
        // constant. Everything happens inside one transaction, committed only at the end.
        let mut hasher = Hasher::new();
        let mut counts = Counts::default();
        let mut chunk_idx = 0i64;
        let (produced, written) = std::thread::scope(|scope| {
            let (sender, receiver) = std::sync::mpsc::sync_channel::<Msg>(64);
            let iopts = Options {
                on_bad: opts.on_bad,
                zone: opts.zone,
                my_names: opts.my_names.clone(),
                conversation: import::conversation_from_file_name(&name),
            };
            let (format_ref, name_ref, recorded_ref) = (&format, &name, &recorded_at);
            let producer = scope.spawn(move || -> Result<Option<Summary>, StoreError> {
                let mut reader = ChunkSender { inner: file, sender: sender.clone(), buf: Vec::with_capacity(CHUNK) };
                let summary = if *format_ref == Format::File {
                    None
                } else {
                    let analyzer = Analyzer::shared();
                    let mut scratch = Scratch::default();
                    let mut sink = |item: Item| -> Result<(), String> {
                        let p = prepare(item, name_ref, recorded_ref, src, cipher, analyzer, &mut scratch)
                            .map_err(|e| e.to_string())?;
                        sender.send(Msg::Item(Box::new(p))).map_err(|_| "写入线程已停止".to_string())
                    };
                    let r = import::import(
                        format_ref,
                        BufReader::with_capacity(256 * 1024, &mut reader),
                        &iopts,
                        &mut sink,
                    );
                    Some(r.map_err(|error| StoreError::Import { file: name_ref.clone(), error })?)
                };
                // The parser may stop before the end (trailing bytes): the whole file is still kept.
                std::io::copy(&mut reader, &mut std::io::sink()).map_err(io_err(path))?;
                reader.flush_chunk().map_err(io_err(path))?;
                Ok(summary)
            });
            let mut written: Result<(), StoreError> = Ok(());
            let mut done = 0u64;
            while let Ok(msg) = receiver.recv() {
                let step = match msg {
                    Msg::Chunk(data) => {
                        hasher.update(&data);
                        done += data.len() as u64;
                        progress(done.min(size), size);
                        let stored = crypt::seal(cipher, &data, &crypt::chunk_aad(src, chunk_idx));
                        let r = stored.map_err(StoreError::from).and_then(|stored| {
                            tx.prepare_cached("INSERT INTO chunks (src, idx, data) VALUES (?1, ?2, ?3)")?
                                .execute(params![src, chunk_idx, stored])?;
                            Ok(())
                        });
                        chunk_idx += 1;
                        r
                    }
                    Msg::Item(p) => write_item(&at, &mut prev, *p, &mut counts),
                };
                if let Err(e) = step {
                    written = Err(e);
                    break;
                }
            }
            // Stops the reader thread if this one failed.
            drop(receiver);
            let produced = producer.join().unwrap_or_else(|_| Err(StoreError::Invalid("导入线程异常退出".into())));
            (produced, written)
        });
        written?;
        let summary = produced?;
        let mut report =
            ImportReport::already(name.clone(), &format, Digests { sha256: String::new(), sm3: String::new() }, size);
        report.already_imported = false;
        let (kind, meta) = match summary {
            None => {
                let info = media::probe(&name, File::open(path).map_err(io_err(path))?);
                report.new_items = 1;
                ("file", Metadata { media: Some(info), ..Metadata::new(&name) })
            }
            Some(summary) => {
                report.new_items = counts.new;
                report.duplicates = counts.duplicates;
                report.flagged = counts.flagged;
                report.first_seq = counts.first;
                let mut meta = Metadata::new(&name);
                meta.fields = vec![
                    ("format".into(), format.label_zh().into()),
                    ("records".into(), summary.records.to_string()),
                    ("new_items".into(), counts.new.to_string()),
                    ("first_item_seq".into(), counts.first.map(|s| s.to_string()).unwrap_or_default()),
                    ("last_item_seq".into(), counts.last.map(|s| s.to_string()).unwrap_or_default()),
                    ("encoding".into(), summary.encoding.clone()),
                ];
                report.summary = summary;
                ("source", meta)
            }
        };
        // The size is what was read and hashed (the file may have changed since it was measured).
        let size = hasher.len();
        report.size = size;
        let digests = hasher.finish();
        tx.execute(
            "INSERT INTO sources (id, sha256, size) VALUES (?1, ?2, ?3)",
            params![src, digests.sha256, size as i64],
        )?;
        // The file's own entry comes after its records and names their range, so it binds them.
        let key = source_key(&format, &digests.sha256);
        let seq = append(&at, &mut prev, kind, &name, &key, &digests, size, Location::Whole(src), &meta)?;
        report.first_seq.get_or_insert(seq);
        report.last_seq = Some(seq);
        report.chain_head = prev.as_ref().map(|e| ChainHead { seq: e.seq, hash: e.entry_hash.clone() });
        report.sha256 = digests.sha256;
        report.sm3 = digests.sm3;
        tx.commit()?;
        Ok(report)
    }

    /// Items, newest entries last; `code` and `sender` filter messages.
    pub fn list(&self, code: Option<&str>, sender: Option<&str>, limit: usize) -> Result<Vec<ListedItem>, StoreError> {
        let log_codes = self.log_codes()?;
        // Text-level codes are filtered in SQL; a log-level code is known only from `log_codes`.
        let text_level = code.is_none_or(|c| yuqi_conduct::Code::parse(c).is_none_or(|k| k.is_text_level()));
        let mut stmt = self.conn.prepare(
            "SELECT l.seq, l.kind, l.origin, l.metadata, l.blob_sha256, m.codes, l.item_key FROM log l \
             LEFT JOIN messages m ON m.seq = l.seq \
             WHERE (?1 IS NULL OR m.codes LIKE '%\"' || ?1 || '\"%') \
               AND (?2 IS NULL OR m.counterpart_key = ?2) \
             ORDER BY l.seq",
        )?;
        let sender_key = sender.map(phone::normalize);
        let sql_code = if text_level { code } else { None };
        let rows = stmt.query_map(params![sql_code, sender_key], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Vec<u8>>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, String>(6)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (seq, kind, origin, meta, sha256, codes, item_key) = row?;
            let seq = seq as u64;
            let mut codes: Vec<String> = codes.and_then(|c| serde_json::from_str(&c).ok()).unwrap_or_default();
            codes.extend(log_codes.get(&seq).into_iter().flatten().cloned());
            if let Some(c) = code
                && !codes.iter().any(|x| x == c)
            {
                continue;
            }
            let meta: Metadata = decode_meta(self.cipher.as_ref(), meta, &item_key)?;
            let m = meta.message.as_ref();
            out.push(ListedItem {
                seq,
                kind,
                origin,
                time: m
                    .and_then(|m| m.time_ms)
                    .map(china_time)
                    .or_else(|| meta.media.as_ref().and_then(|x| x.captured_at.clone())),
                direction: m.map(|m| m.direction.as_str().to_string()),
                channel: m.map(|m| m.channel.clone()),
                counterpart: m.map(|m| m.counterpart.clone()),
                codes,
                text: m.map(|m| m.text.clone()),
                delivered: m.map(|m| m.delivered),
                sha256,
            });
            if out.len() >= limit {
                break;
            }
        }
        Ok(out)
    }

    /// The chain's last entry as stored (not verified: run [`Store::verify`] for that).
    pub fn head(&self) -> Result<Option<ChainHead>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT seq, entry_hash FROM log ORDER BY seq DESC LIMIT 1", [], |r| {
                Ok(ChainHead { seq: r.get::<_, i64>(0)? as u64, hash: r.get(1)? })
            })
            .optional()?)
    }

    /// The sequence number of the entry with this hash, if the chain contains it (to check a
    /// chain head noted down earlier).
    pub fn find_head(&self, hash: &str) -> Result<Option<u64>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT seq FROM log WHERE entry_hash = ?1", params![hash.trim().to_lowercase()], |r| {
                r.get::<_, i64>(0)
            })
            .optional()?
            .map(|s| s as u64))
    }

    /// Log-level codes over every message in the store (night contact, daily frequency, number
    /// rotation, contact after a stop request), by entry. They depend on the whole conversation,
    /// so they are computed when asked, not stored with each record.
    pub fn log_codes(&self) -> Result<std::collections::HashMap<u64, Vec<String>>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT l.seq, l.metadata, l.item_key FROM log l JOIN messages m ON m.seq = l.seq \
             WHERE m.direction IN ('in', 'out') AND m.time_ms IS NOT NULL ORDER BY m.time_ms, l.seq",
        )?;
        let rows =
            stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?, r.get::<_, String>(2)?)))?;
        let mut seqs = Vec::new();
        let mut msgs: Vec<yuqi_conduct::Message<'static>> = Vec::new();
        for row in rows {
            let (seq, meta, item_key) = row?;
            let Some(m) = decode_meta(self.cipher.as_ref(), meta, &item_key)?.message else { continue };
            let out = m.direction == yuqi_evidence::Direction::Out;
            let time = m
                .time_ms
                .and_then(chrono::DateTime::from_timestamp_millis)
                .map(|t| t.with_timezone(&import::china()).to_rfc3339());
            let (from, to) =
                if out { ("self".to_string(), m.counterpart_key) } else { (m.counterpart_key, "self".to_string()) };
            msgs.push(yuqi_conduct::Message {
                id: Some(seq.to_string().into()),
                // Only the debtor's own words matter here (a request to stop).
                text: if out { m.text.into() } else { String::new().into() },
                time: time.map(Into::into),
                from: Some(from.into()),
                to: Some(to.into()),
                channel: Some(m.channel.into()),
                connected: m.call_status.as_deref().map(|s| s == "answered"),
                duration: m.duration_s,
                ..Default::default()
            });
            seqs.push(seq as u64);
        }
        let hits = Analyzer::shared().analyze_log(&msgs);
        let mut out = std::collections::HashMap::new();
        for (seq, hs) in seqs.into_iter().zip(hits) {
            let mut codes: Vec<String> = hs.iter().map(|h| h.code.as_str().to_string()).collect();
            codes.dedup();
            if !codes.is_empty() {
                out.insert(seq, codes);
            }
        }
        Ok(out)
    }

    /// Recomputes every hash and the chain; names each altered entry.
    pub fn verify(&self, progress: &mut dyn FnMut(u64, u64)) -> Result<VerifyReport, StoreError> {
        let total = self.entry_count()?;
        let mut rep = VerifyReport::default();
        let mut checker = ChainChecker::new(true);
        let mut cursor = ChunkCursor::new(self);
        let mut analyzer_scratch = Scratch::default();
        let mut stmt = self.conn.prepare(&format!("{ENTRY_SELECT} ORDER BY seq"))?;
        let mut rows = stmt.query([])?;
        let mut n = 0u64;
        while let Some(r) = rows.next()? {
            let raw = row_to_raw(r)?;
            let loc = row_location(r)?;
            n += 1;
            let problem =
                |what: String, e: &Entry| Problem { seq: e.seq, kind: e.kind.clone(), origin: e.origin.clone(), what };
            let e = match self.finish_entry(raw.clone()) {
                Ok(e) => e,
                Err(err) => {
                    let e = raw.0;
                    rep.problems.push(problem(format!("元数据无法读取：{err}"), &e));
                    checker.push(&e);
                    continue;
                }
            };
            let before = checker.problems.len();
            checker.push(&e);
            for p in &checker.problems[before..] {
                rep.problems.push(problem(p.what.clone(), &e));
            }
            // The derived message index (codes, sender, time) drives listings, proposals and the
            // evidence index: it must say what the verified record says.
            if let Some(what) = self.check_derived(&e, &mut analyzer_scratch)? {
                rep.problems.push(problem(what, &e));
            }
            let mut h = Hasher::new();
            match cursor.pieces(&e, loc, &mut |piece| h.update(piece)) {
                Ok(true) => {
                    let size = h.len();
                    rep.bytes_hashed += size;
                    let d = h.finish();
                    if d.sha256 != e.blob_sha256 {
                        rep.problems.push(problem("内容被改动：SHA-256 与记录不符".into(), &e));
                    } else if d.sm3 != e.blob_sm3 {
                        rep.problems.push(problem("内容被改动：SM3 与记录不符".into(), &e));
                    } else if size != e.blob_size {
                        rep.problems.push(problem("内容长度与记录不符".into(), &e));
                    }
                }
                Ok(false) => rep.problems.push(problem("内容缺失".into(), &e)),
                Err(err) => rep.problems.push(problem(format!("内容无法读取：{err}"), &e)),
            }
            progress(n, total);
        }
        rep.entries = n;
        rep.chain_head = checker.head().map(|(seq, hash)| ChainHead { seq, hash });
        Ok(rep)
    }

    /// Compares the `messages` row of an entry with its (already hash-checked) metadata.
    fn check_derived(&self, e: &Entry, scratch: &mut Scratch) -> Result<Option<String>, StoreError> {
        let row: Option<(Option<i64>, String, String, String)> = self
            .conn
            .prepare_cached("SELECT time_ms, direction, counterpart_key, codes FROM messages WHERE seq = ?1")?
            .query_row(params![e.seq as i64], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .optional()?;
        let message = serde_json::from_str::<Metadata>(&e.metadata).ok().and_then(|m| m.message);
        let expected = message.map(|m| {
            let codes = text_codes(&m, Analyzer::shared(), scratch);
            (
                m.time_ms,
                m.direction.as_str().to_string(),
                m.counterpart_key,
                serde_json::to_string(&codes).unwrap_or_default(),
            )
        });
        Ok((row != expected).then(|| {
            "派生的消息索引与原始记录不符（违规代码、时间、方向或号码被改动），证据目录和列表会因此出错".into()
        }))
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

    /// One entry and its content (for viewing an item, and for tests that compare stores).
    pub fn item(&self, seq: u64) -> Result<(Entry, Vec<u8>), StoreError> {
        let (e, loc) = self
            .all_entries_where(Some(seq))?
            .into_iter()
            .next()
            .ok_or_else(|| StoreError::Invalid(format!("证据库中没有第 {seq} 条")))?;
        let mut content = Vec::with_capacity(e.blob_size as usize);
        if !ChunkCursor::new(self).pieces(&e, loc, &mut |p| content.extend_from_slice(p))? {
            return Err(StoreError::Invalid(format!("第 {seq} 条的内容缺失")));
        }
        Ok((e, content))
    }

    /// Writes the evidence package to `out` (through a temporary file renamed at the end, so a
    /// failed export leaves no half-written package).
    pub fn export(&self, out: &Path, opts: &ExportOptions) -> Result<ExportReport, StoreError> {
        let title = self.title()?;
        let entries = self.all_entries()?;
        let mut codes_of = self.codes_by_seq()?;
        for (seq, codes) in self.log_codes()? {
            codes_of.entry(seq).or_default().extend(codes);
        }
        let collectors = self.collector_keys()?;
        let tmp = out.with_extension("zip.part");
        let file = File::create(&tmp).map_err(io_err(&tmp))?;
        let mut w = PackageWriter::new(std::io::BufWriter::new(file));
        let mut rows = Vec::new();
        let mut log_entries = Vec::with_capacity(entries.len());
        let mut cursor = ChunkCursor::new(self);
        for (e, loc) in &entries {
            let meta: Metadata =
                serde_json::from_str(&e.metadata).map_err(|err| StoreError::Invalid(err.to_string()))?;
            let safe_name = sanitize(&meta.source_name);
            let mut logged = e.clone();
            let (path, redacted_copy) = match e.kind.as_str() {
                "source" => (format!("originals/sources/{:06}-{safe_name}", e.seq), false),
                "file" => (format!("originals/files/{:06}-{safe_name}", e.seq), false),
                "confirm" => (String::new(), false),
                k => (format!("originals/items/{:06}-{k}", e.seq), opts.redact),
            };
            if opts.redact {
                logged.metadata = redact_metadata(&e.metadata, &collectors);
            }
            log_entries.push(logged);
            if path.is_empty() {
                continue;
            }
            if opts.redact && e.kind == "source" {
                // The export file is full of third parties' numbers: left out of a redacted package.
                continue;
            }
            let (digests, path) = if let Location::Whole(src) = *loc {
                let reader = WholeReader { cursor: ChunkCursor::new(self), src, idx: 0, cur: Vec::new(), pos: 0 };
                (w.add(&path, reader, Some(e.seq), false)?, path)
            } else {
                let mut content = Vec::with_capacity(e.blob_size as usize);
                cursor.pieces(e, *loc, &mut |p| content.extend_from_slice(p))?;
                let path = format!("{path}.{}", item_ext(&content, &meta));
                let d = if redacted_copy {
                    let red = redact_text(&String::from_utf8_lossy(&content), &collectors);
                    w.add(&path, red.as_bytes(), Some(e.seq), true)?
                } else {
                    w.add(&path, content.as_slice(), Some(e.seq), false)?
                };
                (d, path)
            };
            let codes = codes_of.get(&e.seq).cloned().unwrap_or_default();
            if let Some(mut row) = index_row(e, &meta, &codes, &path, &digests.sha256, rows.len() + 1) {
                if opts.redact {
                    row.name = redact_text(&row.name, &collectors);
                    row.proves = redact_text(&row.proves, &collectors);
                }
                rows.push(row);
            }
        }
        let mut checker = ChainChecker::new(false);
        entries.iter().for_each(|(e, _)| checker.push(e));
        let head = checker.head().map(|(seq, hash)| ChainHead { seq, hash });
        let created_at = now();
        // The index shows the time a Chinese reader expects; the manifest keeps UTC.
        let shown_at = format!("{}（北京时间）", china_time(Utc::now().timestamp_millis()));
        let html = package::index_html(&title, &shown_at, head.as_ref(), &rows);
        if opts.pdf {
            let renderer = yuqi_render::Renderer::new()?;
            let now = Utc::now();
            let today = (now.year(), now.month() as u8, now.day() as u8);
            let pdf = renderer.pdf(&package::index_typst(&title, &shown_at, head.as_ref(), &rows), today)?;
            w.add("index.pdf", pdf.as_slice(), None, false)?;
        }
        let manifest = Manifest {
            format: package::FORMAT.into(),
            tool: "yuqi".into(),
            tool_version: env!("CARGO_PKG_VERSION").into(),
            created_at,
            case_title: title,
            entries: entries.len() as u64,
            chain_head: head.clone(),
            redacted: opts.redact,
            hash_algorithms: vec!["SHA-256".into(), "SM3".into()],
            files: Vec::new(),
        };
        let (buf, manifest) = w.finish(&log_entries, manifest, &html)?;
        let file =
            buf.into_inner().map_err(|e| StoreError::Io { path: tmp.display().to_string(), source: e.into_error() })?;
        file.sync_all().map_err(io_err(&tmp))?;
        drop(file);
        std::fs::rename(&tmp, out).map_err(io_err(out))?;
        let size = std::fs::metadata(out).map_err(io_err(out))?.len();
        let sha256 = hash_file(out, size, &mut |_, _| {})?.sha256;
        Ok(ExportReport {
            path: out.display().to_string(),
            files: manifest.files.len() + 1,
            entries: manifest.entries,
            chain_head: head,
            redacted: opts.redact,
            sha256,
        })
    }

    fn codes_by_seq(&self) -> Result<std::collections::HashMap<u64, Vec<String>>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT seq, codes FROM messages WHERE codes != '[]'")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, String>(1)?)))?;
        let mut out = std::collections::HashMap::new();
        for row in rows {
            let (seq, codes) = row?;
            out.insert(seq, serde_json::from_str(&codes).unwrap_or_default());
        }
        Ok(out)
    }

    /// Senders of collection messages (their numbers are not redacted: they are the subject).
    fn collector_keys(&self) -> Result<std::collections::HashSet<String>, StoreError> {
        // The senders of demands. The proposer already leaves out relatives and colleagues who
        // only report being contacted: their numbers are exactly what redaction must hide.
        Ok(self.proposals_all()?.into_iter().map(|p| p.sender_key).collect())
    }

    fn proposals_all(&self) -> Result<Vec<Proposal>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT l.seq, l.metadata, l.item_key FROM log l JOIN messages m ON m.seq = l.seq \
             WHERE m.direction = 'in' ORDER BY l.seq",
        )?;
        let rows =
            stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?, r.get::<_, String>(2)?)))?;
        let mut msgs = Vec::new();
        for row in rows {
            let (seq, meta, item_key) = row?;
            let meta: Metadata = decode_meta(self.cipher.as_ref(), meta, &item_key)?;
            if let Some(m) = meta.message {
                msgs.push((format!("seq:{seq}"), m));
            }
        }
        let cands: Vec<Candidate<'_>> =
            msgs.iter().map(|(id, m)| Candidate { evidence_id: id.clone(), message: m }).collect();
        Ok(propose(&cands, import::china()))
    }

    /// Proposed "creditor demand" events not yet confirmed.
    pub fn proposals(&self) -> Result<Vec<Proposal>, StoreError> {
        let confirmed = self.confirmations()?;
        Ok(self.proposals_all()?.into_iter().filter(|p| !confirmed.iter().any(|c| c.proposal.id == p.id)).collect())
    }

    /// Confirms a proposal for a debt: appends a `confirm` entry to the log.
    pub fn confirm(&mut self, proposal_id: &str, debt_id: &str, note: &str) -> Result<Confirmation, StoreError> {
        let p = self.proposals()?.into_iter().find(|p| p.id == proposal_id).ok_or_else(|| {
            match self.confirmations().ok().and_then(|cs| cs.into_iter().find(|c| c.proposal.id == proposal_id)) {
                Some(c) => {
                    StoreError::Invalid(format!("提议“{proposal_id}”已于 {} 确认，归入借款 {}", c.confirmed_at, c.debt))
                }
                None => {
                    StoreError::Invalid(format!("没有待确认的提议“{proposal_id}”（用 yuqi evidence propose 查看）"))
                }
            }
        })?;
        let c = Confirmation { proposal: p, debt: debt_id.to_string(), note: note.to_string(), confirmed_at: now() };
        let cipher = self.cipher.as_ref();
        let tx = self.conn.transaction()?;
        let mut prev = last_entry_in(&tx, cipher)?;
        let body = serde_json::to_vec(&c).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let digests = Digests::of(&body);
        insert_blob(&tx, cipher, &digests, &body)?;
        let meta = Metadata {
            source_name: "用户确认".into(),
            position: None,
            fields: vec![("debt".into(), debt_id.into()), ("proposal".into(), proposal_id.into())],
            message: None,
            media: None,
            attachments: Vec::new(),
            extra: serde_json::to_value(&c).unwrap_or_default(),
        };
        let key = format!("confirm|{}|{}", debt_id, c.proposal.id);
        let at = ItemAt { tx: &tx, cipher, recorded_at: &c.confirmed_at };
        append(
            &at,
            &mut prev,
            "confirm",
            "用户确认的催收事件",
            &key,
            &digests,
            body.len() as u64,
            Location::Blob,
            &meta,
        )?;
        tx.commit()?;
        Ok(c)
    }

    /// Every confirmed event, in log order.
    pub fn confirmations(&self) -> Result<Vec<Confirmation>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT metadata, item_key FROM log WHERE kind = 'confirm' ORDER BY seq")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (meta, item_key) = row?;
            let meta: Metadata = decode_meta(self.cipher.as_ref(), meta, &item_key)?;
            if let Ok(c) = serde_json::from_value::<Confirmation>(meta.extra) {
                out.push(c);
            }
        }
        Ok(out)
    }
}

/// A proposal the user confirmed, for one debt.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Confirmation {
    pub proposal: Proposal,
    pub debt: String,
    pub note: String,
    pub confirmed_at: String,
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

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        let k = r.read(&mut buf[n..])?;
        if k == 0 {
            break;
        }
        n += k;
    }
    Ok(n)
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
                .map_err(|_| CryptError::Corrupt)?;
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

/// What the reader thread sends to the writing thread, in file order.
enum Msg {
    Chunk(Vec<u8>),
    Item(Box<Prepared>),
}

/// A record ready to be linked into the chain and written.
struct Prepared {
    entry: Entry,
    /// The sealed (encrypted or plain) metadata as stored.
    stored_meta: Vec<u8>,
    loc: Location,
    /// The record's bytes: hashed on the writing thread (which has the lighter load), and kept
    /// in the blobs table when the record is not a slice of the file.
    raw: Vec<u8>,
    /// (time, channel, direction, counterpart key, codes as JSON) for the messages table.
    message: Option<(Option<i64>, String, &'static str, String, String)>,
    flagged: bool,
}

/// The conduct codes of a message's text. The debtor's own messages are never flagged (the
/// analyzer knows them by `from`); app notices are not analysed.
fn text_codes(m: &ImportedMessage, analyzer: &Analyzer, scratch: &mut Scratch) -> Vec<String> {
    if m.text.is_empty() || m.direction == yuqi_evidence::Direction::System {
        return Vec::new();
    }
    let from = if m.direction == yuqi_evidence::Direction::Out { "debtor" } else { "collector" };
    let msg = yuqi_conduct::Message { text: m.text.as_str().into(), from: Some(from.into()), ..Default::default() };
    analyzer.analyze(&msg, scratch).codes.iter().map(|c| c.as_str().to_string()).collect()
}

/// Hashes, analyses and serialises one record (reader thread).
fn prepare(
    item: Item,
    source_name: &str,
    recorded_at: &str,
    src: i64,
    cipher: Option<&Cipher>,
    analyzer: &Analyzer,
    scratch: &mut Scratch,
) -> Result<Prepared, StoreError> {
    let codes: Vec<String> = item.message.as_ref().map(|m| text_codes(m, analyzer, scratch)).unwrap_or_default();
    let origin = format!("{source_name} {}", item.position);
    let loc = if item.slice { Location::Slice(src, item.position.byte) } else { Location::Blob };
    // An exact slice already holds every original field; a re-encoded CSV record keeps them
    // here. The body is in `message.text` either way.
    let fields = if item.slice { Vec::new() } else { item.fields.into_iter().filter(|(k, _)| k != "body").collect() };
    let message = item.message.as_ref().map(|m| {
        (
            m.time_ms,
            m.channel.clone(),
            m.direction.as_str(),
            m.counterpart_key.clone(),
            serde_json::to_string(&codes).unwrap_or_else(|_| "[]".into()),
        )
    });
    let meta = Metadata {
        fields,
        position: Some(item.position),
        message: item.message,
        media: item.media,
        attachments: item.attachments,
        ..Metadata::new("")
    };
    let metadata = serde_json::to_string(&meta).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let stored_meta = crypt::seal(cipher, metadata.as_bytes(), &crypt::meta_aad(&item.key))?;
    let entry = Entry {
        seq: 0,
        recorded_at: recorded_at.to_string(),
        kind: item.kind.as_str().to_string(),
        origin,
        origin_sha256: String::new(),
        item_key: item.key,
        blob_sha256: String::new(),
        blob_sm3: String::new(),
        blob_size: item.raw.len() as u64,
        metadata_sha256: yuqi_evidence::digest::sha256_hex(metadata.as_bytes()),
        metadata,
        prev_hash: String::new(),
        entry_hash: String::new(),
    };
    Ok(Prepared { entry, stored_meta, loc, raw: item.raw, message, flagged: !codes.is_empty() })
}

/// Links a prepared record into the chain and writes it, unless already stored (writer thread).
fn write_item(at: &ItemAt<'_>, prev: &mut Option<Entry>, p: Prepared, counts: &mut Counts) -> Result<(), StoreError> {
    let exists: Option<i64> = at
        .tx
        .prepare_cached("SELECT 1 FROM log WHERE item_key = ?1")?
        .query_row(params![p.entry.item_key], |r| r.get(0))
        .optional()?;
    if exists.is_some() {
        counts.duplicates += 1;
        return Ok(());
    }
    let d = Digests::of(&p.raw);
    if p.loc == Location::Blob {
        insert_blob(at.tx, at.cipher, &d, &p.raw)?;
    }
    let mut e = p.entry;
    e.blob_sha256 = d.sha256;
    e.blob_sm3 = d.sm3;
    let e = e.link(prev.as_ref());
    insert_entry(at.tx, &e, &p.stored_meta, p.loc)?;
    if let Some((time, channel, direction, counterpart, codes)) = &p.message {
        at.tx
            .prepare_cached(
                "INSERT INTO messages (seq, time_ms, channel, direction, counterpart_key, codes) VALUES (?1,?2,?3,?4,?5,?6)",
            )?
            .execute(params![e.seq as i64, time, channel, direction, counterpart, codes])?;
    }
    counts.new += 1;
    counts.flagged += p.flagged as u64;
    counts.first.get_or_insert(e.seq);
    counts.last = Some(e.seq);
    *prev = Some(e);
    Ok(())
}

/// Sends the file to the writing thread in chunks as the parser reads it.
struct ChunkSender {
    inner: File,
    sender: std::sync::mpsc::SyncSender<Msg>,
    buf: Vec<u8>,
}

impl ChunkSender {
    fn flush_chunk(&mut self) -> std::io::Result<()> {
        if !self.buf.is_empty() {
            let chunk = std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK));
            self.sender.send(Msg::Chunk(chunk)).map_err(|_| std::io::Error::other("写入线程已停止"))?;
        }
        Ok(())
    }
}

impl Read for ChunkSender {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(out)?;
        let mut rest = &out[..n];
        while !rest.is_empty() {
            let take = (CHUNK - self.buf.len()).min(rest.len());
            self.buf.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            if self.buf.len() == CHUNK {
                self.flush_chunk()?;
            }
        }
        Ok(n)
    }
}

/// Streams a whole stored file (for packages).
struct WholeReader<'s> {
    cursor: ChunkCursor<'s>,
    src: i64,
    idx: i64,
    cur: Vec<u8>,
    pos: usize,
}

impl Read for WholeReader<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.pos >= self.cur.len() {
            match self.cursor.chunk(self.src, self.idx).map_err(std::io::Error::other)? {
                None => return Ok(0),
                Some(c) => self.cur = c.to_vec(),
            }
            self.idx += 1;
            self.pos = 0;
        }
        let n = (self.cur.len() - self.pos).min(out.len());
        out[..n].copy_from_slice(&self.cur[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

fn china_time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.with_timezone(&import::china()).format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
}

fn sanitize(name: &str) -> String {
    let s: String = name.chars().map(|c| if c == '/' || c == '\\' || c.is_control() { '_' } else { c }).collect();
    if s.is_empty() { "file".into() } else { s }
}

/// An XML element, a re-encoded CSV record (it keeps its fields) or a text block.
fn item_ext(content: &[u8], meta: &Metadata) -> &'static str {
    if content.first() == Some(&b'<') {
        "xml"
    } else if !meta.fields.is_empty() {
        "csv"
    } else {
        "txt"
    }
}

fn redact_text(text: &str, keep: &std::collections::HashSet<String>) -> String {
    // Numbers of the collectors stay; every other phone number is masked.
    phone::redact_in_text(text, &|n| keep.contains(n))
}

fn redact_metadata(meta: &str, keep: &std::collections::HashSet<String>) -> String {
    // Timestamps (13-digit epoch ms) look like numbers too; only masking runs that are not
    // inside the known time fields would be exact, so the whole metadata is masked except for
    // collectors and the `date` values, which are put back.
    let Ok(mut v) = serde_json::from_str::<serde_json::Value>(meta) else { return redact_text(meta, keep) };
    redact_value(&mut v, keep);
    serde_json::to_string(&v).unwrap_or_default()
}

fn redact_value(v: &mut serde_json::Value, keep: &std::collections::HashSet<String>) {
    match v {
        serde_json::Value::String(s) => {
            let looks_like_time = s.len() == 13 && s.chars().all(|c| c.is_ascii_digit()) && s.starts_with('1');
            if !looks_like_time {
                *s = redact_text(s, keep);
            }
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(|x| redact_value(x, keep)),
        serde_json::Value::Object(o) => {
            for (k, x) in o.iter_mut() {
                if k != "time_ms" && !k.ends_with("sha256") && k != "sm3" {
                    redact_value(x, keep);
                }
            }
        }
        _ => {}
    }
}

/// The evidence-index row of an entry (sources, files, flagged messages).
fn index_row(e: &Entry, meta: &Metadata, codes: &[String], path: &str, sha256: &str, no: usize) -> Option<IndexRow> {
    let (name, proves, pages) = match e.kind.as_str() {
        "source" => (
            format!("原始导出文件：{}", meta.source_name),
            "手机导出的原始备份文件，其中每条记录已逐条登记并可核对哈希".to_string(),
            format!("{} 字节", e.blob_size),
        ),
        "file" => {
            let m = meta.media.as_ref();
            let mime = m.map_or("", |m| m.mime.as_str());
            let what = if mime.starts_with("audio/") {
                "录音"
            } else if mime.starts_with("image/") {
                "图片/截图"
            } else if mime == "application/pdf" {
                "PDF 文件"
            } else {
                "文件"
            };
            let mut proves = format!("{what}原件");
            if let Some(t) = m.and_then(|m| m.captured_at.as_deref()) {
                proves.push_str(&format!("；文件内记载的时间 {t}"));
            }
            let pages = match m.and_then(|m| m.duration_ms) {
                Some(d) => format!("时长 {}:{:02}", d / 60_000, (d / 1000) % 60),
                None => "1 份".into(),
            };
            (format!("{what}：{}", meta.source_name), proves, pages)
        }
        _ if !codes.is_empty() => {
            let m = meta.message.as_ref()?;
            let when = m.time_ms.map(china_time).unwrap_or_default();
            let labels: Vec<String> = codes
                .iter()
                .map(|c| match yuqi_conduct::Code::parse(c) {
                    Some(code) => format!("{}（{c}）", code.label_zh()),
                    None => c.clone(),
                })
                .collect();
            (
                format!(
                    "{} {} 来自 {}",
                    ItemKind::parse(&e.kind).map_or("消息", |k| k.label_zh()),
                    when,
                    m.counterpart
                ),
                format!("内容涉及：{}；原文：{}", labels.join("、"), m.text.chars().take(80).collect::<String>()),
                "1 条".into(),
            )
        }
        _ => return None,
    };
    Some(IndexRow {
        no,
        name,
        source: e.origin.clone(),
        proves,
        pages,
        sha256: sha256.to_string(),
        path: path.to_string(),
    })
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

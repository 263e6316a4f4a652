//! The store itself: create/open, import, list, verify, export, proposals, deletion.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use chrono::{FixedOffset, SecondsFormat, Utc};
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
    #[error("{path}：{source}")]
    Io { path: String, source: std::io::Error },
    #[error(transparent)]
    Package(#[from] PackageError),
    #[error("{0}")]
    Invalid(String),
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
    /// New records (for an export: its messages and calls; the export file itself is always kept
    /// whole beside them); a plain file counts as one.
    pub new_items: u64,
    /// Records already in the store (from this file or an earlier backup).
    pub duplicates: u64,
    /// Items with at least one conduct code.
    pub flagged: u64,
    pub first_seq: Option<u64>,
    pub last_seq: Option<u64>,
    pub summary: Summary,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ListedItem {
    pub seq: u64,
    pub kind: String,
    pub origin: String,
    pub time: Option<String>,
    pub direction: Option<String>,
    pub counterpart: Option<String>,
    pub codes: Vec<String>,
    pub text: Option<String>,
    pub sha256: String,
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

#[derive(Debug, Clone, Default)]
pub struct ExportOptions {
    /// Mask third parties' phone numbers (all numbers except the collectors') in the copies.
    pub redact: bool,
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

/// The metadata kept (and hashed) with an item.
#[derive(serde::Serialize, serde::Deserialize)]
struct Metadata {
    source_name: String,
    position: Option<yuqi_evidence::Position>,
    fields: Vec<(String, String)>,
    message: Option<ImportedMessage>,
    media: Option<yuqi_evidence::MediaInfo>,
    attachments: Vec<yuqi_evidence::item::Attachment>,
    #[serde(default)]
    extra: serde_json::Value,
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
        conn.execute_batch(SCHEMA)?;
        let (cipher, wrapped) = match passphrase {
            Some(p) => {
                let (c, w) = Cipher::create(p)?;
                (Some(c), Some(w))
            }
            None => (None, None),
        };
        let tx = conn.unchecked_transaction()?;
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
            (None, _) => None,
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
        let plain = crypt::unseal(self.cipher.as_ref(), meta)?;
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
        // Pass 1: the file's own hashes (and a fast answer when it was imported before).
        let total = size * 2;
        let digests = {
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
                progress(h.len(), total);
            }
            h.finish()
        };
        let mut report = ImportReport {
            file: name.clone(),
            format: format.label_zh().to_string(),
            sha256: digests.sha256.clone(),
            sm3: digests.sm3.clone(),
            size,
            already_imported: false,
            new_items: 0,
            duplicates: 0,
            flagged: 0,
            first_seq: None,
            last_seq: None,
            summary: Summary::default(),
        };
        let source_key = format!("{}|{}", if format == Format::File { "file" } else { "source" }, digests.sha256);
        let seen: Option<i64> = self
            .conn
            .query_row("SELECT seq FROM log WHERE item_key = ?1", params![source_key], |r| r.get(0))
            .optional()?;
        if seen.is_some() {
            report.already_imported = true;
            progress(total, total);
            return Ok(report);
        }

        let cipher = self.cipher.as_ref();
        let tx = self.conn.transaction()?;
        let mut prev = last_entry_in(&tx, cipher)?;
        let recorded_at = now();
        // Pass 2: store the file in chunks while (for exports) parsing it.
        let file = File::open(path).map_err(io_err(path))?;
        let mut tee = Tee {
            inner: file,
            tx: &tx,
            cipher,
            sha: &digests.sha256,
            hasher: Hasher::new(),
            buf: Vec::with_capacity(CHUNK),
            idx: 0,
            done: size,
            total,
            progress,
        };
        if format == Format::File {
            std::io::copy(&mut tee, &mut std::io::sink()).map_err(io_err(path))?;
            tee.flush_chunk().map_err(io_err(path))?;
            check_unchanged(&tee.hasher, &digests, path)?;
            drop(tee);
            let info = media::probe(&name, File::open(path).map_err(io_err(path))?);
            let meta = Metadata {
                source_name: name.clone(),
                position: None,
                fields: Vec::new(),
                message: None,
                media: Some(info),
                attachments: Vec::new(),
                extra: serde_json::Value::Null,
            };
            let e = append(
                &tx,
                cipher,
                &mut prev,
                &recorded_at,
                "file",
                &name,
                "",
                &source_key,
                &digests,
                size,
                true,
                &meta,
            )?;
            report.first_seq = Some(e);
            report.last_seq = Some(e);
            report.new_items = 1;
        } else {
            // The source entry comes first so every item can name it.
            let src_meta = Metadata {
                source_name: name.clone(),
                position: None,
                fields: vec![("format".into(), format.label_zh().into())],
                message: None,
                media: None,
                attachments: Vec::new(),
                extra: serde_json::Value::Null,
            };
            let src_seq = append(
                &tx,
                cipher,
                &mut prev,
                &recorded_at,
                "source",
                &name,
                "",
                &source_key,
                &digests,
                size,
                true,
                &src_meta,
            )?;
            report.first_seq = Some(src_seq);
            let analyzer = Analyzer::shared();
            let mut scratch = Scratch::default();
            let iopts = Options { on_bad: opts.on_bad, zone: opts.zone, my_names: opts.my_names.clone() };
            let mut counts = (0u64, 0u64, 0u64);
            let mut last = src_seq;
            let result = {
                let reader = BufReader::with_capacity(256 * 1024, &mut tee);
                let mut sink = |item: Item| -> Result<(), String> {
                    store_item(
                        &tx,
                        cipher,
                        &mut prev,
                        &recorded_at,
                        &name,
                        &digests.sha256,
                        item,
                        analyzer,
                        &mut scratch,
                        &mut counts,
                        &mut last,
                    )
                    .map_err(|e| e.to_string())
                };
                import::import(&format, reader, &iopts, &mut sink)
            };
            let summary = result.map_err(|error| StoreError::Import { file: name.clone(), error })?;
            // The parser may stop before the end (trailing bytes): the whole file is still kept.
            std::io::copy(&mut tee, &mut std::io::sink()).map_err(io_err(path))?;
            tee.flush_chunk().map_err(io_err(path))?;
            check_unchanged(&tee.hasher, &digests, path)?;
            drop(tee);
            report.summary = summary;
            report.new_items = counts.0;
            report.duplicates = counts.1;
            report.flagged = counts.2;
            report.last_seq = Some(last);
        }
        tx.commit()?;
        Ok(report)
    }

    /// Items, newest entries last; `code` and `sender` filter messages.
    pub fn list(&self, code: Option<&str>, sender: Option<&str>, limit: usize) -> Result<Vec<ListedItem>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT l.seq, l.kind, l.origin, l.metadata, l.blob_sha256, m.codes FROM log l \
             LEFT JOIN messages m ON m.seq = l.seq \
             WHERE (?1 IS NULL OR m.codes LIKE '%\"' || ?1 || '\"%') \
               AND (?2 IS NULL OR m.counterpart_key = ?2) \
             ORDER BY l.seq LIMIT ?3",
        )?;
        let sender_key = sender.map(phone::normalize);
        let rows = stmt.query_map(params![code, sender_key, limit as i64], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Vec<u8>>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (seq, kind, origin, meta, sha256, codes) = row?;
            let meta: Metadata = decode_meta(self.cipher.as_ref(), meta)?;
            let m = meta.message.as_ref();
            out.push(ListedItem {
                seq: seq as u64,
                kind,
                origin,
                time: m.and_then(|m| m.time_ms).map(china_time),
                direction: m.map(|m| m.direction.as_str().to_string()),
                counterpart: m.map(|m| m.counterpart.clone()),
                codes: codes.and_then(|c| serde_json::from_str(&c).ok()).unwrap_or_default(),
                text: m.map(|m| m.text.clone()),
                sha256,
            });
        }
        Ok(out)
    }

    /// Recomputes every hash and the chain; names each altered entry.
    pub fn verify(&self, progress: &mut dyn FnMut(u64, u64)) -> Result<VerifyReport, StoreError> {
        let total = self.entry_count()?;
        let mut rep = VerifyReport::default();
        let mut checker = ChainChecker::new(true);
        let mut stmt = self.conn.prepare(
            "SELECT seq, recorded_at, kind, origin, origin_sha256, item_key, blob_sha256, blob_sm3, blob_size, \
             metadata, metadata_sha256, prev_hash, entry_hash, chunked FROM log ORDER BY seq",
        )?;
        let mut rows = stmt.query([])?;
        let mut n = 0u64;
        while let Some(r) = rows.next()? {
            let raw = row_to_raw(r)?;
            let chunked: bool = r.get::<_, i64>(13)? != 0;
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
            match self.content_digests(&e.blob_sha256, chunked) {
                Ok(Some((d, size))) => {
                    rep.bytes_hashed += size;
                    if d.sha256 != e.blob_sha256 {
                        rep.problems.push(problem("内容被改动：SHA-256 与记录不符".into(), &e));
                    } else if d.sm3 != e.blob_sm3 {
                        rep.problems.push(problem("内容被改动：SM3 与记录不符".into(), &e));
                    } else if size != e.blob_size {
                        rep.problems.push(problem("内容长度与记录不符".into(), &e));
                    }
                }
                Ok(None) => rep.problems.push(problem("内容缺失".into(), &e)),
                Err(err) => rep.problems.push(problem(format!("内容无法读取：{err}"), &e)),
            }
            progress(n, total);
        }
        rep.entries = n;
        rep.chain_head = checker.head().map(|(seq, hash)| ChainHead { seq, hash });
        Ok(rep)
    }

    /// Hashes the stored content named `sha256`.
    fn content_digests(&self, sha256: &str, chunked: bool) -> Result<Option<(Digests, u64)>, StoreError> {
        let mut h = Hasher::new();
        let mut found = false;
        self.for_each_content_piece(sha256, chunked, &mut |piece| {
            found = true;
            h.update(piece);
            Ok(())
        })?;
        // An empty file has no chunks; its hash is the hash of nothing.
        let empty = chunked && sha256 == Digests::of(b"").sha256;
        if !(found || empty) {
            return Ok(None);
        }
        let size = h.len();
        Ok(Some((h.finish(), size)))
    }

    fn for_each_content_piece(
        &self,
        sha256: &str,
        chunked: bool,
        each: &mut dyn FnMut(&[u8]) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let cipher = self.cipher.as_ref();
        if chunked {
            let mut stmt = self.conn.prepare_cached("SELECT data FROM chunks WHERE sha256 = ?1 ORDER BY idx")?;
            let mut rows = stmt.query(params![sha256])?;
            while let Some(r) = rows.next()? {
                let data = crypt::unseal(cipher, r.get(0)?)?;
                each(&data)?;
            }
        } else {
            let mut stmt = self.conn.prepare_cached("SELECT content FROM blobs WHERE sha256 = ?1")?;
            let data: Option<Vec<u8>> = stmt.query_row(params![sha256], |r| r.get(0)).optional()?;
            if let Some(d) = data {
                let d = crypt::unseal(cipher, d)?;
                each(&d)?;
            }
        }
        Ok(())
    }

    /// The content of an entry, whole (for small items and packages).
    fn content(&self, e: &Entry, chunked: bool) -> Result<Vec<u8>, StoreError> {
        let mut out = Vec::with_capacity(e.blob_size as usize);
        self.for_each_content_piece(&e.blob_sha256, chunked, &mut |p| {
            out.extend_from_slice(p);
            Ok(())
        })?;
        Ok(out)
    }

    fn all_entries(&self) -> Result<Vec<(Entry, bool)>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT seq, recorded_at, kind, origin, origin_sha256, item_key, blob_sha256, blob_sm3, blob_size, \
             metadata, metadata_sha256, prev_hash, entry_hash, chunked FROM log ORDER BY seq",
        )?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let raw = row_to_raw(r)?;
            let chunked = r.get::<_, i64>(13)? != 0;
            out.push((self.finish_entry(raw)?, chunked));
        }
        Ok(out)
    }

    /// Writes the evidence package to `out` (through a temporary file renamed at the end, so a
    /// failed export leaves no half-written package).
    pub fn export(&self, out: &Path, opts: &ExportOptions) -> Result<ExportReport, StoreError> {
        let title = self.title()?;
        let entries = self.all_entries()?;
        let codes_of = self.codes_by_seq()?;
        let collectors = self.collector_keys()?;
        let tmp = out.with_extension("zip.part");
        let file = File::create(&tmp).map_err(io_err(&tmp))?;
        let mut w = PackageWriter::new(std::io::BufWriter::new(file));
        let mut rows = Vec::new();
        let mut log_entries = Vec::with_capacity(entries.len());
        for (e, chunked) in &entries {
            let meta: Metadata =
                serde_json::from_str(&e.metadata).map_err(|err| StoreError::Invalid(err.to_string()))?;
            let safe_name = sanitize(&meta.source_name);
            let mut logged = e.clone();
            let (path, redacted_copy) = match e.kind.as_str() {
                "source" => (format!("originals/sources/{:06}-{safe_name}", e.seq), false),
                "file" => (format!("originals/files/{:06}-{safe_name}", e.seq), false),
                "confirm" => (String::new(), false),
                k => (format!("originals/items/{:06}-{k}.{}", e.seq, item_ext(&meta.source_name)), opts.redact),
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
            let digests = if redacted_copy {
                let content = self.content(e, *chunked)?;
                let text = String::from_utf8_lossy(&content);
                let red = redact_text(&text, &collectors);
                w.add(&path, red.as_bytes(), Some(e.seq), true)?
            } else if *chunked {
                let reader = ContentReader::new(self, &e.blob_sha256)?;
                w.add(&path, reader, Some(e.seq), false)?
            } else {
                let content = self.content(e, *chunked)?;
                w.add(&path, content.as_slice(), Some(e.seq), false)?
            };
            let codes = codes_of.get(&e.seq).cloned().unwrap_or_default();
            if let Some(row) = index_row(e, &meta, &codes, &path, &digests.sha256, rows.len() + 1) {
                rows.push(row);
            }
        }
        let mut checker = ChainChecker::new(false);
        entries.iter().for_each(|(e, _)| checker.push(e));
        let head = checker.head().map(|(seq, hash)| ChainHead { seq, hash });
        let created_at = now();
        let html = package::index_html(&title, &created_at, head.as_ref(), &rows);
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
        let sha256 = {
            let mut h = Hasher::new();
            let mut f = BufReader::new(File::open(out).map_err(io_err(out))?);
            loop {
                let b = f.fill_buf().map_err(io_err(out))?;
                if b.is_empty() {
                    break;
                }
                h.update(b);
                let n = b.len();
                f.consume(n);
            }
            h.finish().sha256
        };
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
        let mut out: std::collections::HashSet<String> =
            self.proposals_all()?.into_iter().map(|p| p.sender_key).collect();
        let mut stmt = self
            .conn
            .prepare("SELECT DISTINCT counterpart_key FROM messages WHERE codes != '[]' AND direction = 'in'")?;
        for k in stmt.query_map([], |r| r.get::<_, String>(0))? {
            out.insert(k?);
        }
        Ok(out)
    }

    fn proposals_all(&self) -> Result<Vec<Proposal>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT l.seq, l.metadata FROM log l JOIN messages m ON m.seq = l.seq WHERE m.direction = 'in' ORDER BY l.seq",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)))?;
        let mut msgs = Vec::new();
        for row in rows {
            let (seq, meta) = row?;
            let meta: Metadata = decode_meta(self.cipher.as_ref(), meta)?;
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
            StoreError::Invalid(format!("没有待确认的提议“{proposal_id}”（用 yuqi evidence propose 查看）"))
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
        append(
            &tx,
            cipher,
            &mut prev,
            &c.confirmed_at,
            "confirm",
            "用户确认的催收事件",
            "",
            &key,
            &digests,
            body.len() as u64,
            false,
            &meta,
        )?;
        tx.commit()?;
        Ok(c)
    }

    /// Every confirmed event, in log order.
    pub fn confirmations(&self) -> Result<Vec<Confirmation>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT metadata FROM log WHERE kind = 'confirm' ORDER BY seq")?;
        let rows = stmt.query_map([], |r| r.get::<_, Vec<u8>>(0))?;
        let mut out = Vec::new();
        for row in rows {
            let meta: Metadata = decode_meta(self.cipher.as_ref(), row?)?;
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
    // WAL: a killed process never leaves a half-applied transaction; NORMAL sync is safe against
    // process crashes (power loss may lose the last commits, never corrupt them).
    conn.execute_batch(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;",
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
            e.metadata = String::from_utf8(crypt::unseal(cipher, meta)?).map_err(|_| CryptError::Corrupt)?;
            Ok(Some(e))
        }
    }
}

fn decode_meta(cipher: Option<&Cipher>, stored: Vec<u8>) -> Result<Metadata, StoreError> {
    let plain = crypt::unseal(cipher, stored)?;
    serde_json::from_slice(&plain).map_err(|e| StoreError::Invalid(format!("元数据无法解析：{e}")))
}

fn insert_blob(tx: &Transaction<'_>, cipher: Option<&Cipher>, d: &Digests, content: &[u8]) -> Result<(), StoreError> {
    let exists: Option<i64> = tx
        .prepare_cached("SELECT 1 FROM blobs WHERE sha256 = ?1")?
        .query_row(params![d.sha256], |r| r.get(0))
        .optional()?;
    if exists.is_none() {
        let stored = crypt::seal(cipher, content)?;
        tx.prepare_cached("INSERT INTO blobs (sha256, sm3, size, content) VALUES (?1, ?2, ?3, ?4)")?
            .execute(params![d.sha256, d.sm3, content.len() as i64, stored])?;
    }
    Ok(())
}

/// Seals and appends one log entry after `prev`; returns its sequence number.
#[allow(clippy::too_many_arguments)]
fn append(
    tx: &Transaction<'_>,
    cipher: Option<&Cipher>,
    prev: &mut Option<Entry>,
    recorded_at: &str,
    kind: &str,
    origin: &str,
    origin_sha256: &str,
    item_key: &str,
    d: &Digests,
    size: u64,
    chunked: bool,
    meta: &Metadata,
) -> Result<u64, StoreError> {
    let metadata = serde_json::to_string(meta).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let e = Entry {
        seq: 0,
        recorded_at: recorded_at.to_string(),
        kind: kind.to_string(),
        origin: origin.to_string(),
        origin_sha256: origin_sha256.to_string(),
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
    let stored_meta = crypt::seal(cipher, e.metadata.as_bytes())?;
    tx.prepare_cached(
        "INSERT INTO log (seq, recorded_at, kind, origin, origin_sha256, item_key, blob_sha256, blob_sm3, blob_size, \
         chunked, metadata, metadata_sha256, prev_hash, entry_hash) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)",
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
        chunked as i64,
        stored_meta,
        e.metadata_sha256,
        e.prev_hash,
        e.entry_hash
    ])?;
    let seq = e.seq;
    *prev = Some(e);
    Ok(seq)
}

#[allow(clippy::too_many_arguments)]
fn store_item(
    tx: &Transaction<'_>,
    cipher: Option<&Cipher>,
    prev: &mut Option<Entry>,
    recorded_at: &str,
    source_name: &str,
    source_sha256: &str,
    item: Item,
    analyzer: &Analyzer,
    scratch: &mut Scratch,
    counts: &mut (u64, u64, u64),
    last: &mut u64,
) -> Result<(), StoreError> {
    let exists: Option<i64> = tx
        .prepare_cached("SELECT 1 FROM log WHERE item_key = ?1")?
        .query_row(params![item.key], |r| r.get(0))
        .optional()?;
    if exists.is_some() {
        counts.1 += 1;
        return Ok(());
    }
    let d = Digests::of(&item.raw);
    insert_blob(tx, cipher, &d, &item.raw)?;
    let codes: Vec<String> = match &item.message {
        // The debtor's own messages are never flagged; the analyzer knows by `from`.
        Some(m) if !m.text.is_empty() && m.direction != yuqi_evidence::Direction::System => {
            let from = if m.direction == yuqi_evidence::Direction::Out { Some("debtor") } else { Some("collector") };
            let msg = yuqi_conduct::Message {
                text: m.text.as_str().into(),
                from: from.map(Into::into),
                ..Default::default()
            };
            analyzer.analyze(&msg, scratch).codes.iter().map(|c| c.as_str().to_string()).collect()
        }
        _ => Vec::new(),
    };
    if !codes.is_empty() {
        counts.2 += 1;
    }
    let origin = format!("{source_name} {}", item.position);
    // The body is in the blob and in `message.text`; it is not repeated among the fields.
    let fields = item.fields.into_iter().filter(|(k, _)| k != "body").collect();
    let meta = Metadata {
        source_name: source_name.to_string(),
        position: Some(item.position),
        fields,
        message: item.message,
        media: item.media,
        attachments: item.attachments,
        extra: serde_json::Value::Null,
    };
    let seq = append(
        tx,
        cipher,
        prev,
        recorded_at,
        item.kind.as_str(),
        &origin,
        source_sha256,
        &item.key,
        &d,
        item.raw.len() as u64,
        false,
        &meta,
    )?;
    if let Some(m) = &meta.message {
        tx.prepare_cached(
            "INSERT INTO messages (seq, time_ms, channel, direction, counterpart_key, codes) VALUES (?1,?2,?3,?4,?5,?6)",
        )?
        .execute(params![
            seq as i64,
            m.time_ms,
            m.channel,
            m.direction.as_str(),
            m.counterpart_key,
            serde_json::to_string(&codes).unwrap_or_else(|_| "[]".into())
        ])?;
    }
    counts.0 += 1;
    *last = seq;
    Ok(())
}

/// Reads the file for the parser while storing it in chunks and hashing it again.
struct Tee<'a, 'p> {
    inner: File,
    tx: &'a Transaction<'a>,
    cipher: Option<&'a Cipher>,
    sha: &'a str,
    hasher: Hasher,
    buf: Vec<u8>,
    idx: i64,
    done: u64,
    total: u64,
    progress: &'p mut dyn FnMut(u64, u64),
}

impl Tee<'_, '_> {
    fn flush_chunk(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let stored = crypt::seal(self.cipher, &self.buf).map_err(std::io::Error::other)?;
        self.tx
            .prepare_cached("INSERT INTO chunks (sha256, idx, data) VALUES (?1, ?2, ?3)")
            .and_then(|mut s| s.execute(params![self.sha, self.idx, stored]))
            .map_err(std::io::Error::other)?;
        self.idx += 1;
        self.buf.clear();
        Ok(())
    }
}

impl Read for Tee<'_, '_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(out)?;
        let mut rest = &out[..n];
        self.hasher.update(rest);
        while !rest.is_empty() {
            let take = (CHUNK - self.buf.len()).min(rest.len());
            self.buf.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            if self.buf.len() == CHUNK {
                self.flush_chunk()?;
            }
        }
        self.done += n as u64;
        (self.progress)(self.done.min(self.total), self.total);
        Ok(n)
    }
}

fn check_unchanged(h: &Hasher, d: &Digests, path: &Path) -> Result<(), StoreError> {
    if h.clone().finish().sha256 != d.sha256 {
        return Err(StoreError::Invalid(format!(
            "{} 在导入过程中被改动：已放弃本次导入，没有保存任何内容",
            path.display()
        )));
    }
    Ok(())
}

/// Streams chunked content out of the store (for packages).
struct ContentReader<'s> {
    rows: std::vec::IntoIter<i64>,
    store: &'s Store,
    sha: String,
    cur: Vec<u8>,
    pos: usize,
}

impl<'s> ContentReader<'s> {
    fn new(store: &'s Store, sha: &str) -> Result<ContentReader<'s>, StoreError> {
        let mut stmt = store.conn.prepare_cached("SELECT idx FROM chunks WHERE sha256 = ?1 ORDER BY idx")?;
        let idx: Vec<i64> = stmt.query_map(params![sha], |r| r.get(0))?.collect::<Result<_, _>>()?;
        Ok(ContentReader { rows: idx.into_iter(), store, sha: sha.to_string(), cur: Vec::new(), pos: 0 })
    }
}

impl Read for ContentReader<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.pos >= self.cur.len() {
            let Some(i) = self.rows.next() else { return Ok(0) };
            let data: Vec<u8> = self
                .store
                .conn
                .prepare_cached("SELECT data FROM chunks WHERE sha256 = ?1 AND idx = ?2")
                .and_then(|mut s| s.query_row(params![self.sha, i], |r| r.get(0)))
                .map_err(std::io::Error::other)?;
            self.cur = crypt::unseal(self.store.cipher.as_ref(), data).map_err(std::io::Error::other)?;
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

fn item_ext(source_name: &str) -> &'static str {
    let l = source_name.to_lowercase();
    if l.ends_with(".xml") {
        "xml"
    } else if l.ends_with(".csv") {
        "csv"
    } else {
        "txt"
    }
}

fn redact_text(text: &str, keep: &std::collections::HashSet<String>) -> String {
    // Numbers of the collectors stay; every other phone number is masked.
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        let digits = run.chars().filter(|c| c.is_ascii_digit()).count();
        if digits >= 7 && !keep.contains(&phone::normalize(run)) {
            out.push_str(&phone::redact(run));
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_digit() || (run.is_empty() && c == '+') || (!run.is_empty() && c == '-') {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
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
                format!(
                    "催收方发送的内容涉嫌：{}；原文：{}",
                    labels.join("、"),
                    m.text.chars().take(80).collect::<String>()
                ),
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
    std::fs::remove_dir_all(&abs).map_err(io_err(&abs))?;
    Ok(rec)
}

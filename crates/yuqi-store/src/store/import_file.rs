//! Importing one file: an export (parsed, analysed and chained record by record on two
//! threads) or a plain file (kept whole), in one transaction.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use chrono::FixedOffset;
use rusqlite::{OptionalExtension, params};
use yuqi_conduct::{Analyzer, Scratch};
use yuqi_evidence::chain::Entry;
use yuqi_evidence::digest::{Digests, Hasher};
use yuqi_evidence::import::{self, Format, ImportError, OnBad, Options, Summary, media};
use yuqi_evidence::item::Item;
use yuqi_evidence::package::ChainHead;

use super::screenshot::{self, ScreenshotReport};
use super::{
    CHUNK, ItemAt, Location, Metadata, Store, StoreError, append, hash_file, insert_blob, insert_entry, io_err,
    last_entry_in, now, text_codes,
};
use crate::crypt::{self, Cipher};

#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// `None`: detect from the name and the first bytes.
    pub format: Option<Format>,
    pub on_bad: OnBad,
    pub zone: FixedOffset,
    pub my_names: Vec<String>,
    /// Read the text of images shaped like phone screens (OCR) and store the messages found,
    /// marked machine-read, after the image.
    pub read_screenshots: bool,
    /// The folder whose files an export references (a 留痕 export read from disk); set by
    /// [`Store::import_path`], never for an upload.
    pub media_dir: Option<std::path::PathBuf>,
    /// Pasted text: the day the borrower says the messages reached him
    /// (`yuqi_evidence::import::Options::received_on`).
    pub received_on: Option<chrono::NaiveDate>,
    /// Pasted text: the time of day with `received_on`
    /// (`yuqi_evidence::import::Options::received_at`).
    pub received_at: Option<chrono::NaiveTime>,
    /// Pasted text: where the messages came from
    /// (`yuqi_evidence::import::Options::pasted_channel`).
    pub pasted_channel: Option<yuqi_case::Channel>,
    /// Pasted text: the debt the messages are about
    /// (`yuqi_evidence::import::Options::pasted_debt`).
    pub pasted_debt: Option<String>,
    /// Pasted text: who received the messages when not the borrower
    /// (`yuqi_evidence::import::Options::pasted_to`).
    pub pasted_to: Option<String>,
}

impl Default for ImportOptions {
    fn default() -> Self {
        let o = Options::default();
        ImportOptions {
            format: None,
            on_bad: o.on_bad,
            zone: o.zone,
            my_names: o.my_names,
            read_screenshots: true,
            media_dir: None,
            received_on: o.received_on,
            received_at: o.received_at,
            pasted_channel: o.pasted_channel,
            pasted_debt: o.pasted_debt,
            pasted_to: o.pasted_to,
        }
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
    /// For an image shaped like a phone screen: what reading it gave.
    pub screenshot: Option<ScreenshotReport>,
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
            screenshot: None,
        }
    }
}

fn source_key(format: &Format, sha256: &str) -> String {
    format!("{}|{}", if *format == Format::File { "file" } else { "source" }, sha256)
}

#[derive(Default)]
struct Counts {
    new: u64,
    duplicates: u64,
    flagged: u64,
    first: Option<u64>,
    last: Option<u64>,
}

impl Store {
    /// Imports the file at `path` under its own file name.
    pub fn import_path(
        &mut self,
        path: &Path,
        opts: &ImportOptions,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<ImportReport, StoreError> {
        // A 留痕 export folder is read through its export file, its media stored after it.
        let (path, opts) = &super::media_refs::local_export(path, opts)?;
        let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
        self.import_path_as(path, &name, opts, progress)
    }

    /// Imports the file at `path`, recorded under `name`: an upload is spooled to a temporary
    /// file whose name is the server's, while the evidence keeps the name the user's phone gave
    /// it (which may be longer than a file system allows, or contain anything).
    pub fn import_path_as(
        &mut self,
        path: &Path,
        name: &str,
        opts: &ImportOptions,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<ImportReport, StoreError> {
        let name = name.to_owned();
        let size = std::fs::metadata(path).map_err(io_err(path))?.len();
        let format = match &opts.format {
            Some(f) => f.clone(),
            None => {
                let mut head = vec![0u8; 8192];
                let mut f = File::open(path).map_err(io_err(path))?;
                let n = read_up_to(&mut f, &mut head).map_err(io_err(path))?;
                import::detect_seekable(&name, &head[..n], &mut f).ok_or_else(|| StoreError::Import {
                    file: name.clone(),
                    error: ImportError::Unrecognized(format!(
                        "这是{}，不是认得的手机导出格式；可以用 --format 指定（{}）",
                        yuqi_evidence::sniff::describe(&name, &head[..n]),
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
        let refs = super::media_refs::MediaRefs::new(&format, opts.media_dir.as_deref());
        let (produced, written) = std::thread::scope(|scope| {
            let (sender, receiver) = std::sync::mpsc::sync_channel::<Msg>(64);
            let iopts = Options {
                on_bad: opts.on_bad,
                zone: opts.zone,
                my_names: opts.my_names.clone(),
                conversation: import::conversation_from_file_name(&name),
                media_dir: opts.media_dir.clone(),
                received_on: opts.received_on,
                received_at: opts.received_at,
                pasted_channel: opts.pasted_channel,
                pasted_debt: opts.pasted_debt.clone(),
                pasted_to: opts.pasted_to.clone(),
            };
            let (format_ref, name_ref, recorded_ref, refs_ref) = (&format, &name, &recorded_at, &refs);
            let producer = scope.spawn(move || -> Result<Option<Summary>, StoreError> {
                let mut reader = ChunkSender { inner: file, sender: sender.clone(), buf: Vec::with_capacity(CHUNK) };
                let analyzer = Analyzer::shared();
                let mut scratch = Scratch::default();
                let records = sender.clone();
                let mut sink = |item: Item| -> Result<(), String> {
                    refs_ref.note(&item);
                    let p = prepare(item, name_ref, recorded_ref, src, cipher, analyzer, &mut scratch)
                        .map_err(|e| e.to_string())?;
                    records.send(Msg::Item(Box::new(p))).map_err(|_| "写入线程已停止".to_string())
                };
                let imported = if *format_ref == Format::File {
                    None
                } else if format_ref.needs_seek() {
                    // A container (a zip, its directory at the end) is kept whole first, then
                    // read again from a second handle. What is parsed is what was hashed unless
                    // the file changes during the import; verify would then report the record.
                    std::io::copy(&mut reader, &mut std::io::sink()).map_err(io_err(path))?;
                    reader.flush_chunk().map_err(io_err(path))?;
                    let again = File::open(path).map_err(io_err(path))?;
                    Some(if *format_ref == Format::AndroidSmsDb {
                        super::android_db::import(path, &iopts, &mut sink)
                    } else {
                        import::import_seekable(format_ref, again, &iopts, &mut sink)
                    })
                } else {
                    let input = BufReader::with_capacity(256 * 1024, &mut reader);
                    Some(import::import(format_ref, input, &iopts, &mut sink))
                };
                let summary = match imported {
                    None => None,
                    Some(r) => Some(r.map_err(|error| StoreError::Import { file: name_ref.clone(), error })?),
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
        let mut reading = None;
        let (kind, meta) = match summary {
            None => {
                let mut info = media::probe(&name, File::open(path).map_err(io_err(path))?);
                report.new_items = 1;
                if opts.read_screenshots {
                    match screenshot::read(path, &info) {
                        Some(Ok(r)) => reading = Some(r),
                        Some(Err(why)) => {
                            // The note goes into the hash-chained record and the package a court
                            // reads: why in plain words, not the command to install the engine
                            // (that stays in the import report for the command line).
                            info.notes.push(format!("没能识别截图中的文字：{}", why.user_text));
                            report.screenshot = Some(ScreenshotReport {
                                note: Some(why.note),
                                unread: Some(why.user_text),
                                ..Default::default()
                            });
                        }
                        None => {}
                    }
                }
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
        refs.store(&at, &mut prev, &name, &mut report)?;
        if let (Some(reading), Some(media)) = (&reading, &meta.media) {
            let image = screenshot::Image { name: &name, seq, sha256: &digests.sha256, media, zone: opts.zone };
            let read = screenshot::append_reading(&at, &mut prev, reading, &image)?;
            report.new_items += read.messages;
            report.flagged += read.flagged;
            report.last_seq = prev.as_ref().map(|e| e.seq);
            report.screenshot = Some(read);
        }
        report.chain_head = prev.as_ref().map(|e| ChainHead { seq: e.seq, hash: e.entry_hash.clone() });
        report.sha256 = digests.sha256;
        report.sm3 = digests.sm3;
        tx.commit()?;
        Ok(report)
    }
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

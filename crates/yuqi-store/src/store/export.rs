//! The evidence package: originals, the hash-chained log, the index (HTML, and PDF when the
//! caller renders it), optionally with third parties' numbers masked.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use chrono::{Datelike, Utc};
use yuqi_evidence::chain::{ChainChecker, Entry};
use yuqi_evidence::item::ItemKind;
use yuqi_evidence::package::{self, ChainHead, IndexRow, Manifest, PackageWriter};
use yuqi_evidence::phone;

use super::{ChunkCursor, Location, Metadata, Store, StoreError, china_time, hash_file, io_err, now};

/// Turns the evidence index into PDF bytes: given the index as typst markup and today's date
/// (year, month, day), returns the PDF or a message for the user. The store builds the index;
/// the caller, who links a typesetter (`yuqi-render`), renders it, so the store needs none.
pub type IndexPdf<'a> = &'a (dyn Fn(&str, (i32, u8, u8)) -> Result<Vec<u8>, String> + 'a);

#[derive(Clone, Copy, Default)]
pub struct ExportOptions<'a> {
    /// Mask third parties' phone numbers (all numbers except the collectors') in the copies.
    pub redact: bool,
    /// Also write the evidence index as PDF (`index.pdf`) with this renderer; `None` writes the
    /// HTML index only.
    pub index_pdf: Option<IndexPdf<'a>>,
}

impl std::fmt::Debug for ExportOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExportOptions")
            .field("redact", &self.redact)
            .field("index_pdf", &self.index_pdf.is_some())
            .finish()
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

impl Store {
    /// Writes the evidence package to `out` (through a temporary file renamed at the end, so a
    /// failed export leaves no half-written package).
    pub fn export(&self, out: &Path, opts: &ExportOptions<'_>) -> Result<ExportReport, StoreError> {
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
        if let Some(render) = opts.index_pdf {
            let now = Utc::now();
            let today = (now.year(), now.month() as u8, now.day() as u8);
            let pdf = render(&package::index_typst(&title, &shown_at, head.as_ref(), &rows), today)
                .map_err(StoreError::Render)?;
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

//! The evidence package: originals, the hash-chained log, the index (HTML, and PDF when the
//! caller renders it), optionally with third parties' numbers masked.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use chrono::{Datelike, Utc};
use yuqi_evidence::chain::{ChainChecker, Entry};
use yuqi_evidence::package::{self, ChainHead, Manifest, PackageTimestamp, PackageWriter, tsp};
use yuqi_evidence::phone;

use super::{ChunkCursor, Location, Store, StoreError, hash_file, io_err, now};

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
            let mut logged = e.clone();
            if opts.redact {
                logged.metadata = redact_metadata(&e.metadata, &collectors);
            }
            log_entries.push(logged);
            let logged = log_entries.last().unwrap_or(e);
            // The user's records have no content; a redacted package leaves out the export files,
            // which are full of third parties' numbers.
            if yuqi_evidence::package::is_user_record(&e.kind) || (opts.redact && e.kind == "source") {
                continue;
            }
            let codes = codes_of.get(&e.seq).cloned().unwrap_or_default();
            let redacted_copy = opts.redact && !matches!(e.kind.as_str(), "source" | "file");
            // Paths and index rows come from the entry as the package logs it (redacted metadata
            // in a redacted package), through the same functions the verifier uses.
            let (digests, path) = if let Location::Whole(src) = *loc {
                let path = package::original_path(logged, None).ok_or_else(|| bad_meta(e))?;
                let reader = WholeReader { cursor: ChunkCursor::new(self), src, idx: 0, cur: Vec::new(), pos: 0 };
                (w.add_item(&path, reader, Some(e.seq), false, codes.clone())?, path)
            } else {
                let mut content = Vec::with_capacity(e.blob_size as usize);
                cursor.pieces(e, *loc, &mut |p| content.extend_from_slice(p))?;
                let content = if redacted_copy {
                    redact_text(&String::from_utf8_lossy(&content), &collectors).into_bytes()
                } else {
                    content
                };
                let path = package::original_path(logged, content.first().copied()).ok_or_else(|| bad_meta(e))?;
                (w.add_item(&path, content.as_slice(), Some(e.seq), redacted_copy, codes.clone())?, path)
            };
            if let Some(row) = package::index_row(logged, &codes, &path, &digests.sha256, rows.len() + 1) {
                rows.push(row);
            }
        }
        let mut checker = ChainChecker::new(false);
        entries.iter().for_each(|(e, _)| checker.push(e));
        let head = checker.head().map(|(seq, hash)| ChainHead { seq, hash });
        let created_at = now();
        // The index shows the time a Chinese reader expects; the manifest keeps UTC, and the
        // verifier derives the shown time from it.
        let shown_at = package::shown_time(&created_at);
        let html = package::index_html(&title, &shown_at, head.as_ref(), &rows);
        if let Some(render) = opts.index_pdf {
            let now = Utc::now();
            let today = (now.year(), now.month() as u8, now.day() as u8);
            let pdf = render(&package::index_typst(&title, &shown_at, head.as_ref(), &rows), today)
                .map_err(StoreError::Render)?;
            w.add("index.pdf", pdf.as_slice(), None, false)?;
        }
        // Trusted timestamps: each response as the authority sent it, with its CA certificates.
        let mut timestamps = Vec::new();
        for t in self.stored_timestamps()? {
            let response = tsp::response_path(t.head_seq);
            w.add(&response, t.response.as_slice(), None, false)?;
            let certs = match &t.certs {
                Some(pem) => {
                    let path = tsp::certs_path(t.head_seq);
                    w.add(&path, pem.as_slice(), None, false)?;
                    Some(path)
                }
                None => None,
            };
            timestamps.push(PackageTimestamp {
                head_seq: t.head_seq,
                head_hash: t.head_hash,
                nonce: t.nonce,
                tsa: t.tsa_url,
                response,
                certs,
            });
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
            timestamps,
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

fn bad_meta(e: &Entry) -> StoreError {
    StoreError::Invalid(format!("第 {} 条记录的元数据无法解析，无法导出", e.seq))
}

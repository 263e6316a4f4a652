//! The evidence package: a zip a court, a regulator or the other side can check without yuqi.
//!
//! Layout:
//! * `README.txt` — what is inside and how to check it with `sha256sum -c SHA256SUMS` alone;
//! * `SHA256SUMS` — the SHA-256 of every other file, in `sha256sum` format;
//! * `manifest.json` — tool and version, chain head, every file with SHA-256 and SM3 and the
//!   log entry it belongs to;
//! * `log.jsonl` — the hash-chained log, one entry per line;
//! * `index.html`, `index.pdf` — the evidence index (证据目录);
//! * `verify.py` — recomputes the chain with the Python standard library;
//! * `originals/` — the export files as imported, and every item's own bytes.

use std::io::{Read, Seek, Write};

use yuqi_util::escape_markup;
use zip::ZipWriter;
use zip::write::SimpleFileOptions;

use crate::chain::{ChainChecker, Entry};
use crate::digest::{Digests, Hasher};

pub const FORMAT: &str = "yuqi-evidence-package-v1";

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ManifestFile {
    pub path: String,
    pub sha256: String,
    pub sm3: String,
    pub size: u64,
    /// The log entry this file is the content of (none for README, index, …).
    pub seq: Option<u64>,
    /// True for a redacted copy: its hash differs from the original's in the log by design.
    #[serde(default)]
    pub redacted_copy: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChainHead {
    pub seq: u64,
    pub hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Manifest {
    pub format: String,
    pub tool: String,
    pub tool_version: String,
    pub created_at: String,
    pub case_title: String,
    pub entries: u64,
    pub chain_head: Option<ChainHead>,
    pub redacted: bool,
    pub hash_algorithms: Vec<String>,
    pub files: Vec<ManifestFile>,
}

#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    #[error("写入证据包失败：{0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("写入证据包失败：{0}")]
    Io(#[from] std::io::Error),
}

/// Writes a package file by file; content is hashed while it streams through.
pub struct PackageWriter<W: Write + Seek> {
    zip: ZipWriter<W>,
    files: Vec<ManifestFile>,
}

impl<W: Write + Seek> std::fmt::Debug for PackageWriter<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PackageWriter").field("files", &self.files.len()).finish_non_exhaustive()
    }
}

fn options() -> SimpleFileOptions {
    // A fixed timestamp keeps packages of the same store byte-identical.
    SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .large_file(false)
}

impl<W: Write + Seek> PackageWriter<W> {
    pub fn new(w: W) -> PackageWriter<W> {
        PackageWriter { zip: ZipWriter::new(w), files: Vec::new() }
    }

    /// Adds a file from a stream; returns its digests.
    pub fn add(
        &mut self,
        path: &str,
        mut content: impl Read,
        seq: Option<u64>,
        redacted_copy: bool,
    ) -> Result<Digests, PackageError> {
        let big = seq.is_some();
        self.zip.start_file(path, options().large_file(big))?;
        let mut h = Hasher::new();
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            let n = content.read(&mut buf)?;
            if n == 0 {
                break;
            }
            h.update(&buf[..n]);
            self.zip.write_all(&buf[..n])?;
        }
        let size = h.len();
        let d = h.finish();
        self.files.push(ManifestFile {
            path: path.to_string(),
            sha256: d.sha256.clone(),
            sm3: d.sm3.clone(),
            size,
            seq,
            redacted_copy,
        });
        Ok(d)
    }

    /// Writes the log, index, README, verify script, manifest and checksums, and closes the zip.
    pub fn finish(
        mut self,
        entries: &[Entry],
        mut manifest: Manifest,
        index_html: &str,
    ) -> Result<(W, Manifest), PackageError> {
        let mut log = Vec::new();
        for e in entries {
            serde_json::to_writer(&mut log, e).map_err(std::io::Error::other)?;
            log.push(b'\n');
        }
        self.add("log.jsonl", log.as_slice(), None, false)?;
        self.add("index.html", index_html.as_bytes(), None, false)?;
        self.add("README.txt", readme(&manifest).as_bytes(), None, false)?;
        self.add("verify.py", VERIFY_PY.as_bytes(), None, false)?;
        manifest.files = self.files.clone();
        let manifest_json = serde_json::to_vec_pretty(&manifest).map_err(std::io::Error::other)?;
        self.add("manifest.json", manifest_json.as_slice(), None, false)?;
        let mut sums = String::new();
        for f in &self.files {
            sums.push_str(&format!("{}  {}\n", f.sha256, f.path));
        }
        self.zip.start_file("SHA256SUMS", options())?;
        self.zip.write_all(sums.as_bytes())?;
        let w = self.zip.finish()?;
        Ok((w, manifest))
    }
}

fn readme(m: &Manifest) -> String {
    let head = m.chain_head.as_ref().map_or("（空）".to_string(), |h| format!("第 {} 条，哈希 {}", h.seq, h.hash));
    format!(
        "证据包 / Evidence package — {title}\n\
         由 yuqi {ver} 于 {at} 生成。共 {n} 条记录；哈希链末条：{head}。\n\
         {redacted}\n\
         如何核验（无需安装 yuqi）/ How to check without yuqi:\n\
         1. 解压本压缩包，在解压目录中运行 / unzip, then run in the folder:\n\
         \x20     sha256sum -c SHA256SUMS\n\
         \x20  每个文件都应显示“OK”（确定）。任何文件被改动都会显示 FAILED。\n\
         \x20  Every file must print OK; any altered file prints FAILED.\n\
         2. 核验哈希链 / check the hash chain:\n\
         \x20     python3 verify.py\n\
         \x20  它逐条重算 log.jsonl 中的哈希，并核对 originals/ 中每个文件与日志记录的哈希一致。\n\
         3. 用 yuqi 核验 / with yuqi: yuqi evidence verify-package 本文件.zip\n\n\
         文件说明 / Files:\n\
         - originals/   原始导出文件及逐条记录的原始内容（与日志中的哈希对应）\n\
         - log.jsonl    哈希链日志：每条含序号、记录时间、类型、来源、原始元数据、内容哈希（SHA-256、SM3）、前一条哈希\n\
         - index.html, index.pdf   证据目录\n\
         - manifest.json 清单：工具版本、链头、每个文件的 SHA-256 与 SM3\n\
         - SHA256SUMS   全部文件的 SHA-256\n\n\
         SM3（GB/T 32905-2016）值见 manifest.json；可用 gmssl 等工具核对：gmssl sm3 < 文件。\n\
         说明：本工具不是律师，证据的证明力由法院认定。\n",
        title = m.case_title,
        ver = m.tool_version,
        at = m.created_at,
        n = m.entries,
        redacted = if m.redacted {
            "本包已按要求隐去第三方电话号码：originals/ 中的逐条记录是脱敏副本（其哈希与日志中的原始哈希不同，属预期），原始导出文件未附入。\n"
        } else {
            ""
        },
    )
}

const VERIFY_PY: &str = r#"#!/usr/bin/env python3
"""Checks a yuqi evidence package with the Python standard library only.
Run inside the unzipped package: python3 verify.py"""
import hashlib, json, sys

def sha256(b): return hashlib.sha256(b).hexdigest()

ok = True
manifest = json.load(open("manifest.json", encoding="utf-8"))
prev, expected_seq, entries = "0" * 64, 1, {}
for line in open("log.jsonl", encoding="utf-8"):
    e = json.loads(line)
    canon = json.dumps(["yuqi-log-v1", e["seq"], e["recorded_at"], e["kind"], e["origin"], e["origin_sha256"],
                        e["item_key"], e["blob_sha256"], e["blob_sm3"], e["blob_size"], e["metadata_sha256"],
                        e["prev_hash"]], ensure_ascii=False, separators=(",", ":"))
    problems = []
    if e["seq"] != expected_seq: problems.append("sequence")
    if e["prev_hash"] != prev: problems.append("previous hash")
    if sha256(canon.encode("utf-8")) != e["entry_hash"]: problems.append("entry hash")
    if not manifest["redacted"] and sha256(e["metadata"].encode("utf-8")) != e["metadata_sha256"]: problems.append("metadata")
    if problems:
        ok = False
        print("entry %s: %s" % (e["seq"], ", ".join(problems)))
    prev, expected_seq = e["entry_hash"], e["seq"] + 1
    entries[e["seq"]] = e
files_of = {}
for f in manifest["files"]:
    if f["path"].startswith("originals/") and f.get("seq") is None:
        ok = False
        print("%s: no log entry" % f["path"])
    if f.get("redacted_copy") and not manifest["redacted"]:
        ok = False
        print("%s: redacted copy in a package that is not redacted" % f["path"])
    if f.get("seq") is None: continue
    files_of[f["seq"]] = files_of.get(f["seq"], 0) + 1
    if f.get("redacted_copy"): continue
    data = open(f["path"], "rb").read()
    e = entries.get(f["seq"])
    if e is None or sha256(data) != e["blob_sha256"] or len(data) != e["blob_size"]:
        ok = False
        print("%s: content differs from log entry %s" % (f["path"], f["seq"]))
for seq, e in entries.items():
    needs = e["kind"] in ("sms", "mms", "call", "chat", "file") or (e["kind"] == "source" and not manifest["redacted"])
    if needs and files_of.get(seq, 0) != 1:
        ok = False
        print("entry %s: original missing from the package" % seq)
head = manifest.get("chain_head")
if manifest["redacted"]:
    print("NOTE: redacted package: metadata and redacted copies cannot be compared with the log")
if (head and head["hash"] != prev) or manifest["entries"] != len(entries):
    ok = False
    print("chain head differs from manifest")
print("OK: %d entries, chain head %s" % (len(entries), prev) if ok else "FAILED")
sys.exit(0 if ok else 1)
"#;

/// What checking a package found.
#[derive(Debug, Default, serde::Serialize)]
pub struct PackageReport {
    pub files_checked: u64,
    pub entries_checked: u64,
    pub chain_head: Option<ChainHead>,
    pub redacted: bool,
    /// Redacted copies, whose content cannot be compared with the log (by design).
    pub unverifiable: u64,
    /// Log entries whose metadata cannot be compared with its hash (a redacted package).
    pub unverifiable_metadata: u64,
    /// Each problem names the file or the log entry.
    pub problems: Vec<String>,
}

impl PackageReport {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks a package: every checksum, the manifest, the chain, and that every original file is
/// the content its log entry names.
pub fn verify_package<R: Read + Seek>(r: R) -> PackageReport {
    let mut rep = PackageReport::default();
    let mut zip = match zip::ZipArchive::new(r) {
        Ok(z) => z,
        Err(e) => {
            rep.problems.push(format!("不是完好的 zip 文件：{e}"));
            return rep;
        }
    };
    let read = |zip: &mut zip::ZipArchive<R>, name: &str| -> Result<Vec<u8>, String> {
        let mut f = zip.by_name(name).map_err(|e| format!("{name}：缺失（{e}）"))?;
        let mut v = Vec::new();
        f.read_to_end(&mut v).map_err(|e| format!("{name}：无法读取（{e}），文件可能被改动"))?;
        Ok(v)
    };
    let sums = match read(&mut zip, "SHA256SUMS") {
        Ok(s) => String::from_utf8_lossy(&s).into_owned(),
        Err(e) => {
            rep.problems.push(e);
            return rep;
        }
    };
    let mut listed = std::collections::BTreeMap::new();
    for line in sums.lines().filter(|l| !l.trim().is_empty()) {
        let Some((hash, path)) = line.split_once("  ") else {
            rep.problems.push(format!("SHA256SUMS 行格式错误：{line}"));
            continue;
        };
        listed.insert(path.to_string(), hash.to_string());
    }
    // Hash every listed file by streaming it.
    for (path, expected) in &listed {
        rep.files_checked += 1;
        let mut f = match zip.by_name(path) {
            Ok(f) => f,
            Err(_) => {
                rep.problems.push(format!("{path}：清单中有，压缩包中缺失"));
                continue;
            }
        };
        let mut h = Hasher::new();
        let mut buf = vec![0u8; 256 * 1024];
        let mut failed = false;
        loop {
            match f.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => h.update(&buf[..n]),
                Err(e) => {
                    rep.problems.push(format!("{path}：无法读取（{e}），文件被改动"));
                    failed = true;
                    break;
                }
            }
        }
        if !failed && h.finish().sha256 != *expected {
            rep.problems.push(format!("{path}：SHA-256 与 SHA256SUMS 不符，文件被改动"));
        }
    }
    let names: Vec<String> = zip.file_names().map(str::to_string).collect();
    for n in names {
        if n != "SHA256SUMS" && !listed.contains_key(&n) {
            rep.problems.push(format!("{n}：不在 SHA256SUMS 中（被加入的文件）"));
        }
    }
    let manifest: Manifest = match read(&mut zip, "manifest.json")
        .and_then(|b| serde_json::from_slice(&b).map_err(|e| format!("manifest.json 无法解析：{e}")))
    {
        Ok(m) => m,
        Err(e) => {
            rep.problems.push(e);
            return rep;
        }
    };
    rep.redacted = manifest.redacted;
    let log = match read(&mut zip, "log.jsonl") {
        Ok(l) => l,
        Err(e) => {
            rep.problems.push(e);
            return rep;
        }
    };
    // Metadata of a redacted package cannot match its hashes; that is reported, never hidden.
    let mut checker = ChainChecker::new(!manifest.redacted);
    let mut entries = std::collections::BTreeMap::new();
    for (i, line) in log.split(|&b| b == b'\n').filter(|l| !l.is_empty()).enumerate() {
        match serde_json::from_slice::<Entry>(line) {
            Ok(e) => {
                checker.push(&e);
                entries.insert(e.seq, e);
            }
            Err(err) => rep.problems.push(format!("log.jsonl 第 {} 行无法解析：{err}", i + 1)),
        }
    }
    rep.entries_checked = checker.entries;
    for p in &checker.problems {
        rep.problems.push(format!("日志第 {} 条：{}", p.seq, p.what));
    }
    let head = checker.head().map(|(seq, hash)| ChainHead { seq, hash });
    if head != manifest.chain_head || manifest.entries != checker.entries {
        rep.problems.push("哈希链的条数或末条与 manifest.json 记载的不一致".into());
    }
    rep.chain_head = head;
    let mut files_of: std::collections::BTreeMap<u64, usize> = std::collections::BTreeMap::new();
    for f in &manifest.files {
        if listed.get(&f.path) != Some(&f.sha256) && f.path != "manifest.json" {
            rep.problems.push(format!("{}：manifest.json 与 SHA256SUMS 记载的哈希不一致", f.path));
        }
        if f.path.starts_with("originals/") && f.seq.is_none() {
            rep.problems.push(format!("{}：原件没有对应的日志条目", f.path));
        }
        if f.redacted_copy && !manifest.redacted {
            rep.problems.push(format!("{}：非脱敏证据包中出现“脱敏副本”", f.path));
        }
        let Some(seq) = f.seq else { continue };
        *files_of.entry(seq).or_default() += 1;
        match entries.get(&seq) {
            None => rep.problems.push(format!("{}：日志中没有第 {seq} 条", f.path)),
            Some(_) if f.redacted_copy => rep.unverifiable += 1,
            Some(e) => {
                if e.blob_sha256 != f.sha256 || e.blob_sm3 != f.sm3 || e.blob_size != f.size {
                    rep.problems.push(format!("{}：内容与日志第 {seq} 条记载的哈希或长度不符", f.path));
                }
            }
        }
    }
    // Every item in the log has its original in the package (a redacted package leaves out the
    // export files themselves).
    for e in entries.values() {
        let needs_file = matches!(e.kind.as_str(), "sms" | "mms" | "call" | "chat" | "file")
            || (e.kind == "source" && !manifest.redacted);
        match files_of.get(&e.seq).copied().unwrap_or(0) {
            0 if needs_file => rep.problems.push(format!("日志第 {} 条（{}）的原件不在证据包中", e.seq, e.origin)),
            n if n > 1 => rep.problems.push(format!("日志第 {} 条对应了 {n} 个文件", e.seq)),
            _ => {}
        }
    }
    if manifest.redacted {
        rep.unverifiable_metadata = checker.entries;
    }
    rep
}

/// One row of the evidence index (证据目录).
#[derive(Debug, Clone, serde::Serialize)]
pub struct IndexRow {
    pub no: usize,
    pub name: String,
    pub source: String,
    pub proves: String,
    pub pages: String,
    pub sha256: String,
    pub path: String,
}

/// The evidence index as a self-contained HTML page (no external resources; every value escaped).
pub fn index_html(title: &str, created_at: &str, head: Option<&ChainHead>, rows: &[IndexRow]) -> String {
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>证据目录</title>\n<style>body{font-family:\"Noto Serif CJK SC\",\"Source Han Serif SC\",serif;margin:2em}table{border-collapse:collapse;width:100%}th,td{border:1px solid #444;padding:4px 6px;vertical-align:top;font-size:14px}th{background:#eee}code{font-size:11px;word-break:break-all}</style></head><body>\n");
    h.push_str(&format!(
        "<h1>证据目录</h1>\n<p>{}</p>\n<p>生成时间：{}；",
        escape_markup(title),
        escape_markup(created_at)
    ));
    match head {
        Some(c) => h.push_str(&format!("哈希链共 {} 条，链头 <code>{}</code></p>\n", c.seq, escape_markup(&c.hash))),
        None => h.push_str("哈希链为空</p>\n"),
    }
    h.push_str("<table><thead><tr><th>序号</th><th>证据名称</th><th>来源</th><th>证明目的</th><th>页数/数量</th><th>SHA-256</th></tr></thead><tbody>\n");
    for r in rows {
        h.push_str(&format!(
            "<tr><td>{}</td><td>{}<br><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>\n",
            r.no,
            escape_markup(&r.name),
            escape_markup(&r.path),
            escape_markup(&r.source),
            escape_markup(&r.proves),
            escape_markup(&r.pages),
            escape_markup(&r.sha256)
        ));
    }
    h.push_str("</tbody></table>\n<p>核验方法见 README.txt：<code>sha256sum -c SHA256SUMS</code>。本目录由 yuqi 生成，不构成法律意见。</p>\n</body></html>\n");
    h
}

/// A typst string literal (data is never read as markup).
fn typst_str(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in s.chars() {
        match c {
            '\\' => o.push_str("\\\\"),
            '"' => o.push_str("\\\""),
            '\n' => o.push_str("\\n"),
            '\r' => {}
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

/// A 64-character hash as two lines of 32, so it fits a table cell. (Invisible break characters
/// would be copied along with the hash and make it compare unequal.)
fn breakable(hex: &str) -> String {
    if hex.len() == 64 && hex.is_ascii() { format!("{}\n{}", &hex[..32], &hex[32..]) } else { hex.to_string() }
}

/// The evidence index as typst markup (the PDF twin of [`index_html`]); the font is set by the
/// renderer.
pub fn index_typst(title: &str, created_at: &str, head: Option<&ChainHead>, rows: &[IndexRow]) -> String {
    let mut t = String::new();
    t.push_str("#set page(paper: \"a4\", flipped: true, margin: (x: 1.5cm, y: 1.5cm), numbering: \"1 / 1\")\n");
    t.push_str("#set text(size: 8.5pt)\n#set par(justify: false)\n");
    t.push_str("#align(center, text(size: 16pt, weight: \"bold\")[证据目录])\n\n");
    t.push_str(&format!("#text({})\n\n", typst_str(title)));
    let chain = match head {
        Some(h) => format!("生成时间：{created_at}；哈希链共 {} 条，链头 {}", h.seq, h.hash),
        None => format!("生成时间：{created_at}；哈希链为空"),
    };
    t.push_str(&format!("#text(size: 7.5pt, {})\n\n", typst_str(&chain)));
    t.push_str("#table(columns: (2.2em, 2fr, 2fr, 3fr, 4.5em, 2fr), inset: 4pt, stroke: 0.5pt,\n");
    t.push_str("  table.header([*序号*], [*证据名称*], [*来源*], [*证明目的*], [*页数/数量*], [*SHA-256*]),\n");
    for r in rows {
        t.push_str(&format!(
            "  [{}], [#{}\\ #text(size: 6.5pt, {})], [#{}], [#{}], [#{}], [#text(size: 6.5pt, {})],\n",
            r.no,
            typst_str(&r.name),
            typst_str(&r.path),
            typst_str(&r.source),
            typst_str(&r.proves),
            typst_str(&r.pages),
            typst_str(&breakable(&r.sha256)),
        ));
    }
    t.push_str(")\n\n#text(size: 7.5pt)[核验方法见 README.txt：解压后运行 sha256sum -c SHA256SUMS。本目录由 yuqi 生成，不构成法律意见。]\n");
    t
}

//! The evidence package: a zip a court, a regulator or the other side can check without yuqi.
//!
//! Layout (exactly these entries, each name once; [`verify_package`] refuses anything else):
//! * `README.txt` — what is inside and how to check it with `sha256sum -c SHA256SUMS` alone;
//! * `SHA256SUMS` — the SHA-256 of every other file, in `sha256sum` format;
//! * `manifest.json` — tool and version, chain head, every file with SHA-256 and SM3 and the
//!   log entry it belongs to;
//! * `log.jsonl` — the hash-chained log, one entry per line;
//! * `index.html`, `index.pdf` (optional) — the evidence index (证据目录);
//! * `verify.py` — recomputes the chain with the Python standard library;
//! * `originals/` — the export files as imported, and every item's own bytes, each at the path
//!   [`original_path`] gives its log entry;
//! * `timestamps/` (only when the store has any) — each RFC 3161 timestamp over a chain head as
//!   the authority sent it (`<seq>.tsr`, DER) and the authority's CA certificates when known
//!   (`<seq>-ca.pem`), at the paths [`tsp::response_path`] and [`tsp::certs_path`] give; the
//!   manifest's `timestamps` lists them.

use std::io::{Read, Seek, Write};

use yuqi_util::escape_markup;
use zip::ZipWriter;
use zip::write::SimpleFileOptions;

use crate::chain::Entry;
use crate::digest::{Digests, Hasher};
use crate::item::{ImportedMessage, ItemKind, MediaInfo};

pub mod tsp;
mod verify;
pub use verify::{PackageReport, PackageTimestampSeen, verify_package, verify_package_expecting};

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
    /// The conduct codes the exporting store found for this entry: the index lists them. They
    /// are the tool's analysis, not evidence, so the package states them rather than proving them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub codes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChainHead {
    pub seq: u64,
    pub hash: String,
}

/// One trusted timestamp in a package: over which chain head, with which nonce, from which
/// authority, and where its files are.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PackageTimestamp {
    pub head_seq: u64,
    pub head_hash: String,
    /// The nonce sent with the request, hex.
    pub nonce: String,
    /// The authority's address.
    pub tsa: String,
    /// Path of the DER TimeStampResp.
    pub response: String,
    /// Path of the authority's CA certificates (PEM), when they were configured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certs: Option<String>,
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
    /// Trusted timestamps over chain heads (absent in packages without any, and in packages
    /// written before timestamps existed: those still verify byte for byte).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timestamps: Vec<PackageTimestamp>,
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
        content: impl Read,
        seq: Option<u64>,
        redacted_copy: bool,
    ) -> Result<Digests, PackageError> {
        self.add_item(path, content, seq, redacted_copy, Vec::new())
    }

    /// Adds the content of a log entry together with the conduct codes the index shows for it.
    pub fn add_item(
        &mut self,
        path: &str,
        mut content: impl Read,
        seq: Option<u64>,
        redacted_copy: bool,
        codes: Vec<String>,
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
            codes,
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

pub(crate) fn readme(m: &Manifest) -> String {
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
         3. 用 yuqi 核验 / with yuqi: yuqi evidence verify-package 本文件.zip --expect-head 另行保存的链头\n\
         \x20  证据包只能证明自身前后一致；整条链被重算或末尾被删去，只有与另行保存的链头对照才能发现。\n\
         \x20  A recomputed or truncated chain is caught only by a chain head kept elsewhere.\n\n\
         文件说明 / Files:\n\
         - originals/   原始导出文件及逐条记录的原始内容（与日志中的哈希对应）\n\
         - log.jsonl    哈希链日志：每条含序号、记录时间、类型、来源、原始元数据、内容哈希（SHA-256、SM3）、前一条哈希\n\
         - index.html, index.pdf   证据目录\n\
         - manifest.json 清单：工具版本、链头、每个文件的 SHA-256 与 SM3\n\
         - SHA256SUMS   全部文件的 SHA-256\n\
         {stamp_files}\n\
         SM3（GB/T 32905-2016）值见 manifest.json；可用 gmssl 等工具核对：gmssl sm3 < 文件。\n\
         {stamps}\
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
        stamps = readme_timestamps(m),
        stamp_files = if m.timestamps.is_empty() {
            ""
        } else {
            "- timestamps/  可信时间戳（.tsr）及时间戳服务机构的证书（.pem）\n"
        },
    )
}

/// The README's part on trusted timestamps: only in packages that carry some, so that the
/// README of every older package is rebuilt unchanged.
fn readme_timestamps(m: &Manifest) -> String {
    if m.timestamps.is_empty() {
        return String::new();
    }
    let mut s = String::from(
        "可信时间戳 / Trusted timestamps (timestamps/):\n\
         哈希链本身只能证明记录的先后顺序、以及事后没有被改动；它不能证明记录是什么时候存在的：\n\
         掌握证据库的人可以在任何时候从头重建一条完整的哈希链。把链头另行保存（例如发邮件给自己），\n\
         或请时间戳服务机构对链头盖上可信时间戳，才能把它固定在某个时间点。\n\
         本包中的每个时间戳由时间戳服务机构（TSA，RFC 3161）签名，证明：所盖的链头——因而它之前的每一条记录——\n\
         最晚在机构签名的时间已经存在。这个证明的可信程度，取决于对该机构的信任程度。\n\
         它不涉及所盖链头之后追加的记录，也不证明消息内容属实或何时收到：只证明这些记录最晚在那时已经存在。\n\
         盖章的内容是文字“序号:链头哈希”（例如 12:9f86…）的 SHA-256。\n\
         python3 verify.py 会在本机有 openssl 时用 openssl ts -verify 核对每个时间戳的签名和证书；\n\
         没有 openssl 时它会说明未核对。\n",
    );
    for t in &m.timestamps {
        s.push_str(&format!("- 第 {} 条链头 {}：{}（机构：{}）\n", t.head_seq, t.head_hash, t.response, t.tsa));
    }
    s.push('\n');
    s
}

pub(crate) const VERIFY_PY: &str = r#"#!/usr/bin/env python3
"""Checks a yuqi evidence package with the Python standard library only.
Run inside the unzipped package: python3 verify.py
It checks this folder only. A package whose whole chain was recomputed, or whose last entries
were cut off, is caught only by comparing the chain head with one kept elsewhere."""
import hashlib, json, os, re, shutil, subprocess, sys

LINE_LIMIT = 64 << 20  # longest log line read; a longer one is refused, not loaded

def sha256(b): return hashlib.sha256(b).hexdigest()

def sm3_hasher():
    try: return hashlib.new("sm3")
    except ValueError: return None  # this Python's OpenSSL has no SM3: yuqi checks it

ok = True
def bad(msg):
    global ok
    ok = False
    print(msg)

try:
    manifest = json.load(open("manifest.json", encoding="utf-8"))
except (OSError, ValueError) as err:
    print("manifest.json: unreadable (%s)" % err)
    print("FAILED")
    sys.exit(1)
prev, expected_seq, entries = "0" * 64, 1, {}
with open("log.jsonl", encoding="utf-8") as log:
    while True:
        line = log.readline(LINE_LIMIT)
        if not line: break
        if not line.endswith("\n") and len(line) >= LINE_LIMIT:
            bad("log.jsonl: a line longer than %d bytes" % LINE_LIMIT)
            break
        try:
            e = json.loads(line)
            canon = json.dumps(["yuqi-log-v1", e["seq"], e["recorded_at"], e["kind"], e["origin"], e["origin_sha256"],
                                e["item_key"], e["blob_sha256"], e["blob_sm3"], e["blob_size"], e["metadata_sha256"],
                                e["prev_hash"]], ensure_ascii=False, separators=(",", ":"))
        except (ValueError, KeyError, TypeError):
            bad("log.jsonl: line %d unreadable" % expected_seq)
            break
        problems = []
        if e["seq"] != expected_seq: problems.append("sequence")
        if e["prev_hash"] != prev: problems.append("previous hash")
        if sha256(canon.encode("utf-8")) != e["entry_hash"]: problems.append("entry hash")
        if not manifest["redacted"] and sha256(e["metadata"].encode("utf-8")) != e["metadata_sha256"]: problems.append("metadata")
        if problems: bad("entry %s: %s" % (e["seq"], ", ".join(problems)))
        prev, expected_seq = e["entry_hash"], e["seq"] + 1
        entries[e["seq"]] = {k: e[k] for k in ("kind", "blob_sha256", "blob_size", "entry_hash")}
sums = {}
for line in open("SHA256SUMS", encoding="utf-8"):
    h, _, path = line.rstrip("\n").partition("  ")
    sums[path] = h
expected = {"SHA256SUMS", "manifest.json"}
files_of = {}
for f in manifest["files"]:
    path = f["path"]
    expected.add(path)
    if sums.get(path) != f["sha256"]: bad("%s: SHA256SUMS and manifest.json differ" % path)
    if path.startswith("originals/") and f.get("seq") is None: bad("%s: no log entry" % path)
    if f.get("redacted_copy") and not manifest["redacted"]: bad("%s: redacted copy in a package that is not redacted" % path)
    h, s3, size = hashlib.sha256(), sm3_hasher(), 0
    try:
        with open(path, "rb") as data:
            while size <= f["size"]:
                chunk = data.read(1 << 20)
                if not chunk: break
                h.update(chunk)
                if s3: s3.update(chunk)
                size += len(chunk)
    except OSError:
        bad("%s: missing" % path)
        continue
    if h.hexdigest() != f["sha256"] or size != f["size"] or (s3 and s3.hexdigest() != f["sm3"]):
        bad("%s: content differs from manifest.json" % path)
    if f.get("seq") is None: continue
    files_of[f["seq"]] = files_of.get(f["seq"], 0) + 1
    if f.get("redacted_copy"): continue
    e = entries.get(f["seq"])
    if e is None or h.hexdigest() != e["blob_sha256"] or size != e["blob_size"]:
        bad("%s: content differs from log entry %s" % (path, f["seq"]))
stamps = manifest.get("timestamps") or []
openssl = shutil.which("openssl") if stamps else None
if stamps and not openssl:
    print("NOTE: openssl is not on PATH: the %d timestamp(s) in timestamps/ were not checked (install openssl)" % len(stamps))
for t in stamps:
    seq, head, resp = t["head_seq"], t["head_hash"], t["response"]
    e = entries.get(seq)
    if e is None or e["entry_hash"] != head:
        bad("%s: its chain head (entry %s) is not in the log" % (resp, seq))
        continue
    if not openssl: continue
    # The stamped digest: SHA-256 of the text "<seq>:<entry_hash>".
    cmd = [openssl, "ts", "-verify", "-digest", sha256(("%d:%s" % (seq, head)).encode("ascii")), "-in", resp]
    cmd += ["-CAfile", t["certs"]] if t.get("certs") else ["-CApath", "/etc/ssl/certs"]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0 or "Verification: OK" not in r.stdout:
        bad("%s: timestamp does not verify (signature, certificate or stamped digest)" % resp)
        continue
    text = subprocess.run([openssl, "ts", "-reply", "-in", resp, "-text"], capture_output=True, text=True).stdout
    nonce = re.search(r"Nonce: 0x([0-9A-Fa-f]+)", text)
    if not nonce or int(nonce.group(1), 16) != int(t["nonce"], 16):
        bad("%s: nonce differs from the one requested" % resp)
        continue
    when = re.search(r"Time stamp: (.*)", text)
    print("timestamp: chain head %d existed no later than %s (as signed by %s)" % (seq, when.group(1) if when else "?", t["tsa"]))
if set(sums) != expected - {"SHA256SUMS"}: bad("SHA256SUMS does not list exactly the package's files")
for root, dirs, names in os.walk("."):
    for n in names:
        rel = os.path.relpath(os.path.join(root, n), ".").replace(os.sep, "/")
        if rel not in expected and rel != "verify.py": bad("%s: not part of the package" % rel)
for seq, e in entries.items():
    needs = e["kind"] in ("sms", "mms", "call", "chat", "file") or (e["kind"] == "source" and not manifest["redacted"])
    if needs and files_of.get(seq, 0) != 1: bad("entry %s: original missing from the package" % seq)
head = manifest.get("chain_head")
if manifest["redacted"]:
    print("NOTE: redacted package: metadata and redacted copies cannot be compared with the log")
if (head and head["hash"] != prev) or manifest["entries"] != len(entries):
    bad("chain head differs from manifest")
print("OK: %d entries, chain head %s (compare it with the head you kept elsewhere)" % (len(entries), prev) if ok else "FAILED")
sys.exit(0 if ok else 1)
"#;

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

/// What of an entry's metadata the package needs (its path and index row). The store's own
/// metadata type has more; unknown fields are ignored, so both read the same JSON.
#[derive(Debug, Default, serde::Deserialize)]
struct MetaView {
    #[serde(default)]
    source_name: String,
    #[serde(default)]
    fields: Vec<(String, String)>,
    #[serde(default)]
    message: Option<ImportedMessage>,
    #[serde(default)]
    media: Option<MediaInfo>,
}

fn meta_view(e: &Entry) -> Option<MetaView> {
    serde_json::from_str(&e.metadata).ok()
}

/// A file name as the package stores it: no directory separators, no control characters.
fn sanitize(name: &str) -> String {
    let s: String = name.chars().map(|c| if c == '/' || c == '\\' || c.is_control() { '_' } else { c }).collect();
    if s.is_empty() || s == "." || s == ".." { "file".into() } else { s }
}

/// Log entries that record what the user said (a demand confirmed for a debt, a judgment of a
/// message's findings, the debt a message is tied to) rather than evidence: they have no file of their own in a package, and
/// listings name them by what they record.
pub fn is_user_record(kind: &str) -> bool {
    matches!(kind, "confirm" | "judgment" | "tie")
}

/// Where the content of a log entry lives in a package, given the first byte of that content
/// (an item's extension says what it is: an XML element, a re-encoded CSV record or a text
/// block). `None` for entries that have no content of their own (the user's records) or whose
/// metadata cannot be read. The writer and the verifier both call this: one definition.
pub fn original_path(e: &Entry, first_byte: Option<u8>) -> Option<String> {
    let meta = meta_view(e)?;
    let name = sanitize(&meta.source_name);
    Some(match e.kind.as_str() {
        "source" => format!("originals/sources/{:06}-{name}", e.seq),
        "file" => format!("originals/files/{:06}-{name}", e.seq),
        k if is_user_record(k) => return None,
        k => {
            let ext = if first_byte == Some(b'<') {
                "xml"
            } else if !meta.fields.is_empty() {
                "csv"
            } else {
                "txt"
            };
            format!("originals/items/{:06}-{}.{ext}", e.seq, sanitize(k))
        }
    })
}

/// The export time as the index shows it, from the manifest's UTC time: a reader in China
/// expects Beijing time, and the verifier must arrive at the same text.
pub fn shown_time(created_at: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(created_at) {
        Ok(t) => format!("{}（北京时间）", t.with_timezone(&crate::import::china()).format("%Y-%m-%d %H:%M:%S")),
        Err(_) => created_at.to_string(),
    }
}

fn china_time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.with_timezone(&crate::import::china()).format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
}

/// The evidence-index row of an entry (sources, files, flagged messages), from the entry as it
/// is logged in the package: everything but the codes comes from the log, so the verifier can
/// rebuild the index and a forged quote shows.
pub fn index_row(e: &Entry, codes: &[String], path: &str, sha256: &str, no: usize) -> Option<IndexRow> {
    let meta = meta_view(e)?;
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

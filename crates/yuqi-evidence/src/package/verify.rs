//! Checking a package as a stranger would receive it: nothing in the zip is trusted until it is
//! recomputed. The package is defined exactly (see the module above): every entry must be one
//! the log and the manifest call for, each name once and inside the package; every file is
//! hashed with SHA-256 and SM3 while it streams; README.txt, index.html and verify.py must be
//! what the log and the manifest imply. Every entry is read through a limit derived from the
//! zip's own directory or the manifest, so a small zip that expands hugely (a "zip bomb") is
//! refused as tampering instead of filling memory.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};

use super::{
    ChainHead, FORMAT, IndexRow, Manifest, ManifestFile, PackageTimestamp, VERIFY_PY, index_html, index_row,
    original_path, tsp,
};
use crate::chain::{ChainChecker, Entry};
use crate::digest::{Hasher, sha256_hex};

/// The longest log line read. The longest real line is a message with a very long text
/// (300 000 characters) and its original fields, a few MB; a longer line is refused unread.
const LINE_LIMIT: u64 = 64 << 20;

/// SHA-256 of every `verify.py` a released yuqi has written. When the script changes, the old
/// hash stays here so that older packages still verify.
fn known_verify_py() -> Vec<String> {
    vec![
        sha256_hex(VERIFY_PY.as_bytes()),
        // Before trusted timestamps (yuqi 0.1, packages without timestamps/).
        "ba2bebc96a97279485e29e181047a9714dc96d98edc54a1628f5235d74541300".into(),
    ]
}

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
    /// Where the chain head the user kept elsewhere sits in this package's chain, if asked and found.
    pub expected_head_at: Option<u64>,
    /// The package's trusted timestamps whose structure, digest, nonce and chain head checked
    /// out here. Their signatures and certificates are checked by the caller (the shell that
    /// may run `openssl`), from the bytes kept here.
    pub timestamps: Vec<PackageTimestampSeen>,
    /// Each problem names the file or the log entry.
    pub problems: Vec<String>,
}

/// A timestamp of a package, read and matched with its chain head.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PackageTimestampSeen {
    pub head_seq: u64,
    pub head_hash: String,
    pub tsa: String,
    /// When the authority signed, in China time.
    pub gen_time: String,
    /// The DER TimeStampResp, for the signature check.
    #[serde(skip)]
    pub response: Vec<u8>,
    /// The authority's CA certificates (PEM) the package carries.
    #[serde(skip)]
    pub certs: Option<Vec<u8>>,
}

impl PackageReport {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks a package (see [`verify_package_expecting`]).
pub fn verify_package<R: Read + Seek>(r: R) -> PackageReport {
    verify_package_expecting(r, None)
}

/// Checks a package: its exact contents, every checksum (SHA-256 and SM3), the manifest, the
/// chain, the index and the verify script. With `expect_head` (a chain head the user kept
/// elsewhere), also that the package's chain contains it: only that catches a package whose
/// chain was recomputed from scratch or cut short, since such a package is consistent in itself.
pub fn verify_package_expecting<R: Read + Seek>(mut r: R, expect_head: Option<&str>) -> PackageReport {
    let mut rep = PackageReport::default();
    let names = match central_names(&mut r) {
        Ok(n) => n,
        Err(what) => {
            rep.problems.push(format!("不是完好的 zip 文件：{what}"));
            return rep;
        }
    };
    check_names(&names, &mut rep);
    if r.seek(SeekFrom::Start(0)).is_err() {
        rep.problems.push("证据包无法读取".into());
        return rep;
    }
    let mut zip = match zip::ZipArchive::new(r) {
        Ok(z) => z,
        Err(e) => {
            rep.problems.push(format!("不是完好的 zip 文件：{}", zip_zh(&e)));
            return rep;
        }
    };
    let longest = names.iter().map(|n| n.len() as u64).max().unwrap_or(0);
    let count = names.len() as u64;
    // A checksum line per entry: 64 hex digits, two spaces, the name, a newline.
    let sums_limit = count * (64 + 2 + longest + 1);
    let Some(sums) = read_limited(&mut zip, "SHA256SUMS", sums_limit, &mut rep) else { return rep };
    let listed = parse_sums(&sums, &mut rep);
    // The manifest holds a few hundred bytes per file besides its name (twice for escaping).
    let total_names: u64 = names.iter().map(|n| n.len() as u64).sum();
    let manifest_limit = (1 << 20) + count * 1024 + 2 * total_names;
    let Some(manifest_bytes) = read_limited(&mut zip, "manifest.json", manifest_limit, &mut rep) else { return rep };
    if listed.get("manifest.json") != Some(&sha256_hex(&manifest_bytes)) {
        rep.problems.push("manifest.json：SHA-256 与 SHA256SUMS 不符，文件被改动".into());
    }
    let manifest: Manifest = match serde_json::from_slice(&manifest_bytes) {
        Ok(m) => m,
        Err(_) => {
            rep.problems.push("manifest.json 无法解析：清单被改动或损坏".into());
            return rep;
        }
    };
    drop(manifest_bytes);
    rep.redacted = manifest.redacted;
    if manifest.format != FORMAT || manifest.tool != "yuqi" {
        rep.problems.push(format!("manifest.json 记载的格式“{}”不是 yuqi 的证据包格式", manifest.format));
    }
    let by_path = check_entry_set(&zip, &manifest, &listed, &mut rep);
    // Hash every file while it streams: its SHA-256 and SM3 against SHA256SUMS and the manifest.
    let mut content: HashMap<String, (Option<u8>, bool)> = HashMap::new();
    for f in manifest.files.iter().filter(|f| by_path.get(f.path.as_str()) == Some(&1)) {
        rep.files_checked += 1;
        if let Some(first) = hash_entry(&mut zip, f, &mut rep) {
            content.insert(f.path.clone(), first);
        }
    }
    // A log that did not hash (unreadable, or a bomb) is already named; reading it again would
    // only repeat that, and the index built from it would differ for the same reason.
    let log_read = content.contains_key("log.jsonl");
    let log = if log_read {
        LogCheck::run(&mut zip, &manifest, &content, expect_head, &mut rep)
    } else {
        LogCheck::default()
    };
    rep.chain_head = log.head.clone();
    rep.entries_checked = log.entries;
    if log_read && (rep.chain_head != manifest.chain_head || manifest.entries != log.entries) {
        rep.problems.push("哈希链的条数或末条与 manifest.json 记载的不一致".into());
    }
    if let Some(h) = expect_head {
        match log.expected_at {
            Some(seq) => rep.expected_head_at = Some(seq),
            None => rep.problems.push(format!(
                "之前记下的链头 {} 不在证据包的哈希链中：记录被改写、删除，或整个证据包被替换",
                h.trim()
            )),
        }
    }
    // The generated files must be exactly what the manifest and the log imply.
    let readme = super::readme(&manifest);
    compare_entry(&mut zip, "README.txt", readme.as_bytes(), &mut rep);
    if log_read {
        let shown = super::shown_time(&manifest.created_at);
        let html = index_html(&manifest.case_title, &shown, log.head.as_ref(), &log.rows);
        compare_entry(&mut zip, "index.html", html.as_bytes(), &mut rep);
    }
    match manifest.files.iter().find(|f| f.path == "verify.py") {
        Some(f) if !known_verify_py().contains(&f.sha256) => rep
            .problems
            .push("verify.py 不是 yuqi 生成的核验脚本（被替换或改动）：不要运行它，它的“OK”不能证明什么".into()),
        _ => {}
    }
    if manifest.redacted {
        rep.unverifiable_metadata = log.entries;
    }
    if log_read {
        for t in &manifest.timestamps {
            check_timestamp(&mut zip, &manifest, t, &log.stamped_heads, &content, &mut rep);
        }
    }
    rep
}

/// One timestamp of the package: its response reads, was granted, stamps exactly the chain
/// head it names with the nonce the manifest records, and that head is in the package's chain.
fn check_timestamp<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    manifest: &Manifest,
    t: &PackageTimestamp,
    heads: &HashMap<u64, String>,
    content: &HashMap<String, (Option<u8>, bool)>,
    rep: &mut PackageReport,
) {
    let name = t.response.as_str();
    if heads.get(&t.head_seq) != Some(&t.head_hash) {
        rep.problems.push(format!("{name}：它所盖的链头（第 {} 条）不在证据包的哈希链中", t.head_seq));
        return;
    }
    // Only files that hashed to their manifest entry are read again (the others are named).
    let read = |zip: &mut zip::ZipArchive<R>, path: &str, rep: &mut PackageReport| -> Option<Vec<u8>> {
        let f = manifest.files.iter().find(|f| f.path == path)?;
        if content.get(path).is_none_or(|c| !c.1) {
            return None;
        }
        read_limited(zip, path, f.size, rep)
    };
    let Some(der) = read(zip, name, rep) else { return };
    let certs = match &t.certs {
        Some(p) => match read(zip, p, rep) {
            Some(c) => Some(c),
            None => return,
        },
        None => None,
    };
    let stamp = match tsp::parse_response(&der) {
        Ok(s) => s,
        Err(e) => {
            rep.problems.push(format!("{name}：{e}"));
            return;
        }
    };
    let Some(nonce) = hex::decode(&t.nonce).ok() else {
        rep.problems.push(format!("{name}：manifest.json 记载的随机数（nonce）无法读取"));
        return;
    };
    let found = tsp::check(&stamp, t.head_seq, &t.head_hash, &nonce);
    if !found.is_empty() {
        rep.problems.extend(found.into_iter().map(|w| format!("{name}：{w}")));
        return;
    }
    rep.timestamps.push(PackageTimestampSeen {
        head_seq: t.head_seq,
        head_hash: t.head_hash.clone(),
        tsa: t.tsa.clone(),
        gen_time: stamp.gen_time_china(),
        response: der,
        certs,
    });
}

/// The manifest's timestamps must name exactly the files the package definition gives them.
fn check_timestamp_paths(manifest: &Manifest, rep: &mut PackageReport) -> HashSet<String> {
    let mut paths = HashSet::new();
    let mut heads = HashSet::new();
    for t in &manifest.timestamps {
        if !heads.insert(t.head_seq) {
            rep.problems.push(format!("manifest.json 为第 {} 条链头列了两个时间戳", t.head_seq));
        }
        if t.response != tsp::response_path(t.head_seq) {
            rep.problems.push(format!("{}：不是第 {} 条链头的时间戳应有的文件名", t.response, t.head_seq));
        }
        if t.certs.as_ref().is_some_and(|c| *c != tsp::certs_path(t.head_seq)) {
            rep.problems.push(format!(
                "{}：不是第 {} 条链头的证书应有的文件名",
                t.certs.as_deref().unwrap_or(""),
                t.head_seq
            ));
        }
        for p in std::iter::once(&t.response).chain(t.certs.as_ref()) {
            if !manifest.files.iter().any(|f| &f.path == p) {
                rep.problems.push(format!("{p}：时间戳的文件不在 manifest.json 的文件清单中"));
            }
            paths.insert(p.clone());
        }
    }
    paths
}

/// Reads the zip's central directory itself: the zip library keeps one entry per name, so two
/// entries with the same name (one shown, one extracted) are visible only here.
fn central_names<R: Read + Seek>(r: &mut R) -> Result<Vec<String>, String> {
    let io = |_| "无法读取".to_string();
    let len = r.seek(SeekFrom::End(0)).map_err(io)?;
    let tail_len = len.min(22 + 65_535);
    r.seek(SeekFrom::Start(len - tail_len)).map_err(io)?;
    let mut tail = vec![0u8; tail_len as usize];
    r.read_exact(&mut tail).map_err(io)?;
    let end = (0..tail.len().saturating_sub(21))
        .rev()
        .find(|&i| tail[i..i + 4] == [0x50, 0x4b, 0x05, 0x06])
        .ok_or("找不到目录结尾（文件被截断或不是 zip）")?;
    let u16_at = |b: &[u8], i: usize| u64::from(u16::from_le_bytes([b[i], b[i + 1]]));
    let u32_at = |b: &[u8], i: usize| u64::from(u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]));
    let u64_at = |b: &[u8], i: usize| {
        let mut a = [0u8; 8];
        a.copy_from_slice(&b[i..i + 8]);
        u64::from_le_bytes(a)
    };
    let (mut count, mut size, mut offset) = (u16_at(&tail, end + 10), u32_at(&tail, end + 12), u32_at(&tail, end + 16));
    if count == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
        // ZIP64: the locator just before the end record points at the 64-bit end record.
        let at = (len - tail_len + end as u64).checked_sub(20).ok_or("ZIP64 目录结尾缺失")?;
        let mut loc = [0u8; 20];
        r.seek(SeekFrom::Start(at)).map_err(io)?;
        r.read_exact(&mut loc).map_err(io)?;
        if loc[..4] != [0x50, 0x4b, 0x06, 0x07] {
            return Err("ZIP64 目录结尾缺失".into());
        }
        let mut rec = [0u8; 56];
        r.seek(SeekFrom::Start(u64_at(&loc, 8))).map_err(io)?;
        r.read_exact(&mut rec).map_err(io)?;
        if rec[..4] != [0x50, 0x4b, 0x06, 0x06] {
            return Err("ZIP64 目录结尾损坏".into());
        }
        (count, size, offset) = (u64_at(&rec, 32), u64_at(&rec, 40), u64_at(&rec, 48));
    }
    if offset.checked_add(size).is_none_or(|e| e > len) {
        return Err("目录的位置超出了文件".into());
    }
    // The directory is part of the file, so holding it costs no more than the file's size.
    let mut dir = vec![0u8; size as usize];
    r.seek(SeekFrom::Start(offset)).map_err(io)?;
    r.read_exact(&mut dir).map_err(io)?;
    let mut names = Vec::new();
    let mut p = 0usize;
    while p + 46 <= dir.len() && dir[p..p + 4] == [0x50, 0x4b, 0x01, 0x02] {
        let n = u16_at(&dir, p + 28) as usize;
        let extra = u16_at(&dir, p + 30) as usize + u16_at(&dir, p + 32) as usize;
        let name = dir.get(p + 46..p + 46 + n).ok_or("目录条目被截断")?;
        names.push(String::from_utf8_lossy(name).into_owned());
        p += 46 + n + extra;
    }
    if names.len() as u64 != count {
        return Err(format!("目录记载 {count} 个文件，实际读到 {} 个", names.len()));
    }
    Ok(names)
}

/// Names must be unique and stay inside the folder a package is unpacked into.
fn check_names(names: &[String], rep: &mut PackageReport) {
    let mut seen = HashSet::new();
    let mut reported = HashSet::new();
    for n in names {
        if !seen.insert(n.as_str()) && reported.insert(n.as_str()) {
            rep.problems.push(format!("“{n}”：压缩包中有两个同名文件，解压时一个会覆盖另一个，证据包被改动"));
        }
        let escapes = n.starts_with('/')
            || n.contains('\\')
            || n.split('/').any(|c| c.is_empty() || c == "." || c == "..")
            || n.split('/').next().is_some_and(|c| c.contains(':'))
            || n.chars().any(char::is_control);
        if escapes {
            rep.problems.push(format!("“{n}”：文件名含 ../、绝对路径或特殊字符，解压时会写到证据包以外，证据包被改动"));
        }
    }
}

/// The zip library's errors in Chinese (its own messages are English).
fn zip_zh(e: &zip::result::ZipError) -> String {
    match e {
        zip::result::ZipError::Io(_) => "读取失败".into(),
        zip::result::ZipError::InvalidArchive(_) => "结构无效".into(),
        zip::result::ZipError::UnsupportedArchive(_) => "使用了不支持的压缩方式或加密".into(),
        zip::result::ZipError::FileNotFound => "文件缺失".into(),
        _ => "无法读取".into(),
    }
}

fn bomb(name: &str, limit: u64) -> String {
    format!("{name}：解压后超过应有的大小（上限 {limit} 字节），是“压缩炸弹”或被改动的文件，未再读取")
}

/// Reads a whole entry that must be small, refusing it beyond `limit` bytes.
fn read_limited<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
    limit: u64,
    rep: &mut PackageReport,
) -> Option<Vec<u8>> {
    let f = match zip.by_name(name) {
        Ok(f) => f,
        Err(_) => {
            rep.problems.push(format!("{name}：缺失"));
            return None;
        }
    };
    let mut v = Vec::new();
    match f.take(limit + 1).read_to_end(&mut v) {
        Ok(_) if v.len() as u64 > limit => {
            rep.problems.push(bomb(name, limit));
            None
        }
        Ok(_) => Some(v),
        Err(_) => {
            rep.problems.push(format!("{name}：无法解压或校验码不符，文件被改动"));
            None
        }
    }
}

fn parse_sums(sums: &[u8], rep: &mut PackageReport) -> BTreeMap<String, String> {
    let mut listed = BTreeMap::new();
    for line in String::from_utf8_lossy(sums).lines().filter(|l| !l.trim().is_empty()) {
        let Some((hash, path)) = line.split_once("  ") else {
            rep.problems.push(format!("SHA256SUMS 行格式错误：{line}"));
            continue;
        };
        if listed.insert(path.to_string(), hash.to_string()).is_some() {
            rep.problems.push(format!("SHA256SUMS 把 {path} 列了两次"));
        }
    }
    listed
}

/// Every entry must be one the package calls for: the fixed files, and the files the manifest
/// lists; every one listed in SHA256SUMS and in the manifest with the same hash. Returns how
/// many entries each manifest path has in the zip.
fn check_entry_set<'m, R: Read + Seek>(
    zip: &zip::ZipArchive<R>,
    manifest: &'m Manifest,
    listed: &BTreeMap<String, String>,
    rep: &mut PackageReport,
) -> HashMap<&'m str, usize> {
    let in_zip: HashSet<&str> = zip.file_names().collect();
    let mut by_path: HashMap<&str, usize> = HashMap::new();
    for f in &manifest.files {
        *by_path.entry(f.path.as_str()).or_default() += 1;
    }
    for (path, n) in &by_path {
        if *n > 1 {
            rep.problems.push(format!("{path}：manifest.json 把它列了 {n} 次"));
        }
    }
    let stamp_paths = check_timestamp_paths(manifest, rep);
    let generated = ["README.txt", "log.jsonl", "index.html", "verify.py"];
    for name in generated {
        if !by_path.contains_key(name) {
            rep.problems.push(format!("{name}：manifest.json 中没有，证据包不完整"));
        }
    }
    for f in &manifest.files {
        let fixed = generated.contains(&f.path.as_str()) || f.path == "index.pdf";
        let allowed = if stamp_paths.contains(&f.path) {
            f.seq.is_none()
        } else {
            fixed != f.seq.is_some() && (fixed || f.path.starts_with("originals/"))
        };
        if !allowed {
            rep.problems.push(format!("{}：不是证据包应有的文件", f.path));
        }
        if !in_zip.contains(f.path.as_str()) {
            rep.problems.push(format!("{}：清单中有，压缩包中缺失", f.path));
        }
        if listed.get(&f.path) != Some(&f.sha256) {
            rep.problems.push(format!("{}：manifest.json 与 SHA256SUMS 记载的哈希不一致", f.path));
        }
    }
    for name in &in_zip {
        if *name != "SHA256SUMS" && *name != "manifest.json" && !by_path.contains_key(name) {
            rep.problems.push(format!("{name}：不是证据包应有的文件（被加入的文件）"));
        }
    }
    for path in listed.keys() {
        if path != "manifest.json" && !by_path.contains_key(path.as_str()) && !in_zip.contains(path.as_str()) {
            rep.problems.push(format!("{path}：SHA256SUMS 中有，压缩包中缺失"));
        }
    }
    by_path
}

/// Streams one file through SHA-256 and SM3, stopping one byte past its recorded size. Returns
/// its first byte and whether the content matched, or nothing when it could not be read.
fn hash_entry<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    f: &ManifestFile,
    rep: &mut PackageReport,
) -> Option<(Option<u8>, bool)> {
    let path = &f.path;
    let mut entry = zip.by_name(path).ok()?.take(f.size.saturating_add(1));
    let mut h = Hasher::new();
    let mut first = None;
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        match entry.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                first = first.or(buf.first().copied());
                h.update(&buf[..n]);
            }
            Err(_) => {
                rep.problems.push(format!("{path}：无法解压或校验码不符，文件被改动"));
                return None;
            }
        }
    }
    if h.len() > f.size {
        rep.problems.push(bomb(path, f.size));
        return None;
    }
    let size = h.len();
    let d = h.finish();
    let same = d.sha256 == f.sha256 && d.sm3 == f.sm3 && size == f.size;
    if d.sha256 != f.sha256 {
        rep.problems.push(format!("{path}：SHA-256 与 SHA256SUMS 不符，文件被改动"));
    } else if d.sm3 != f.sm3 {
        rep.problems.push(format!("{path}：SM3 与 manifest.json 记载的不符，文件或清单被改动"));
    } else if size != f.size {
        rep.problems.push(format!("{path}：长度与 manifest.json 记载的不符"));
    }
    Some((first, same))
}

/// Compares an entry with the bytes it must hold, reading no more than those plus one.
fn compare_entry<R: Read + Seek>(zip: &mut zip::ZipArchive<R>, name: &str, want: &[u8], rep: &mut PackageReport) {
    let Ok(f) = zip.by_name(name) else { return };
    let mut got = Vec::new();
    if f.take(want.len() as u64 + 1).read_to_end(&mut got).is_err() {
        return; // already named by the hashing pass
    }
    if got != want {
        rep.problems.push(match name {
            "index.html" => "index.html：证据目录与日志记载的内容不符（名称、来源、原文或哈希被改动）".to_string(),
            _ => format!("{name}：与清单记载的证据包不符，说明文字被改动"),
        });
    }
}

/// The log, read line by line: the chain, each entry against its file, and the index rows the
/// log implies. Only what the index needs is kept, so memory follows the package's files.
#[derive(Default)]
struct LogCheck {
    entries: u64,
    head: Option<ChainHead>,
    expected_at: Option<u64>,
    rows: Vec<IndexRow>,
    /// The entry hash at each sequence number a timestamp names.
    stamped_heads: HashMap<u64, String>,
}

impl LogCheck {
    fn run<R: Read + Seek>(
        zip: &mut zip::ZipArchive<R>,
        manifest: &Manifest,
        content: &HashMap<String, (Option<u8>, bool)>,
        expect_head: Option<&str>,
        rep: &mut PackageReport,
    ) -> LogCheck {
        let mut out = LogCheck::default();
        let Some(log_file) = manifest.files.iter().find(|f| f.path == "log.jsonl") else { return out };
        let Ok(f) = zip.by_name("log.jsonl") else { return out };
        let expect = expect_head.map(|h| h.trim().to_lowercase());
        let mut files_of: BTreeMap<u64, Vec<&ManifestFile>> = BTreeMap::new();
        for f in manifest.files.iter().filter(|f| f.seq.is_some()) {
            files_of.entry(f.seq.unwrap_or_default()).or_default().push(f);
        }
        let mut seen = HashSet::new();
        let stamped: HashSet<u64> = manifest.timestamps.iter().map(|t| t.head_seq).collect();
        // Metadata of a redacted package cannot match its hashes; that is reported, never hidden.
        let mut checker = ChainChecker::new(!manifest.redacted);
        let mut lines = BufReader::new(f.take(log_file.size.saturating_add(1)));
        let mut read = 0u64;
        let mut line = Vec::new();
        loop {
            line.clear();
            match (&mut lines).take(LINE_LIMIT + 1).read_until(b'\n', &mut line) {
                Ok(0) => break,
                Ok(n) => read += n as u64,
                Err(_) => {
                    rep.problems.push("log.jsonl：无法解压或校验码不符，文件被改动".into());
                    break;
                }
            }
            if read > log_file.size {
                rep.problems.push(bomb("log.jsonl", log_file.size));
                break;
            }
            if line.len() as u64 > LINE_LIMIT {
                rep.problems.push(bomb("log.jsonl 的一行", LINE_LIMIT));
                break;
            }
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let e: Entry = match serde_json::from_slice(&line) {
                Ok(e) => e,
                Err(_) => {
                    rep.problems.push(format!("log.jsonl 第 {} 行无法解析，日志被改动", out.entries + 1));
                    break;
                }
            };
            let before = checker.problems.len();
            checker.push(&e);
            for p in &checker.problems[before..] {
                rep.problems.push(format!("日志第 {} 条：{}", p.seq, p.what));
            }
            if expect.as_deref() == Some(e.entry_hash.as_str()) {
                out.expected_at = Some(e.seq);
            }
            seen.insert(e.seq);
            if stamped.contains(&e.seq) {
                out.stamped_heads.insert(e.seq, e.entry_hash.clone());
            }
            out.entry(&e, manifest.redacted, files_of.get(&e.seq).map(Vec::as_slice).unwrap_or(&[]), content, rep);
        }
        for (seq, files) in &files_of {
            if !seen.contains(seq) {
                for f in files {
                    rep.problems.push(format!("{}：日志中没有第 {seq} 条", f.path));
                }
            }
        }
        out.entries = checker.entries;
        out.head = checker.head().map(|(seq, hash)| ChainHead { seq, hash });
        out
    }

    /// One entry against the files the manifest gives it.
    fn entry(
        &mut self,
        e: &Entry,
        redacted: bool,
        files: &[&ManifestFile],
        content: &HashMap<String, (Option<u8>, bool)>,
        rep: &mut PackageReport,
    ) {
        // Every item in the log has its original in the package (a redacted package leaves out
        // the export files themselves).
        let needs_file =
            matches!(e.kind.as_str(), "sms" | "mms" | "call" | "chat" | "file") || (e.kind == "source" && !redacted);
        match files {
            [] if needs_file => rep.problems.push(format!("日志第 {} 条（{}）的原件不在证据包中", e.seq, e.origin)),
            [] => {}
            [f] => {
                let first = content.get(&f.path).and_then(|c| c.0);
                let allowed = e.kind != "source" || !redacted;
                if !allowed || original_path(e, first).as_deref() != Some(f.path.as_str()) {
                    rep.problems
                        .push(format!("{}：不是日志第 {} 条的原件应有的文件名，文件被改名或加入", f.path, e.seq));
                }
                if f.redacted_copy && !redacted {
                    rep.problems.push(format!("{}：非脱敏证据包中出现“脱敏副本”", f.path));
                }
                if f.redacted_copy && redacted {
                    rep.unverifiable += 1;
                } else if e.blob_sha256 != f.sha256 || e.blob_sm3 != f.sm3 || e.blob_size != f.size {
                    rep.problems.push(format!("{}：内容与日志第 {} 条记载的哈希或长度不符", f.path, e.seq));
                }
                if let Some(row) = index_row(e, &f.codes, &f.path, &f.sha256, self.rows.len() + 1) {
                    self.rows.push(row);
                }
            }
            more => rep.problems.push(format!("日志第 {} 条对应了 {} 个文件", e.seq, more.len())),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Write};

    use super::*;

    fn zip_of(names: &[String]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for n in names {
            w.start_file(n.as_str(), zip::write::SimpleFileOptions::default()).unwrap();
            w.write_all(b"x").unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn names_come_from_the_directory_itself_also_in_zip64() {
        // More than 65 535 entries: only the ZIP64 end record holds the count.
        let names: Vec<String> = (0..70_000).map(|i| format!("originals/items/{i:06}-sms.txt")).collect();
        let bytes = zip_of(&names);
        assert!(bytes.windows(4).any(|w| w == [0x50, 0x4b, 0x06, 0x06]), "a ZIP64 end record");
        assert_eq!(central_names(&mut Cursor::new(&bytes)).unwrap(), names);
    }

    #[test]
    fn escaping_and_duplicate_names_are_named() {
        let mut rep = PackageReport::default();
        let names: Vec<String> =
            ["a/../b", "/etc/x", "C:/x", "a\\b", "a//b", "README.txt", "README.txt", "originals/items/000001-sms.xml"]
                .iter()
                .map(|s| s.to_string())
                .collect();
        check_names(&names, &mut rep);
        assert_eq!(rep.problems.len(), 6, "{:#?}", rep.problems);
        assert!(rep.problems.iter().any(|p| p.contains("README.txt") && p.contains("同名")));
    }

    /// An empty package with one timestamp file at `path`, listed in the manifest's timestamps
    /// as `listed` (or not at all).
    fn package_with_stamp(path: &str, listed: Option<&str>) -> Vec<u8> {
        let mut w = super::super::PackageWriter::new(Cursor::new(Vec::new()));
        w.add(path, &[0x30u8, 0x03, 0x02, 0x01, 0x00][..], None, false).unwrap();
        let manifest = Manifest {
            format: FORMAT.into(),
            tool: "yuqi".into(),
            tool_version: "0".into(),
            created_at: "2026-01-01T00:00:00Z".into(),
            case_title: "测试".into(),
            entries: 0,
            chain_head: None,
            redacted: false,
            hash_algorithms: vec!["SHA-256".into(), "SM3".into()],
            files: Vec::new(),
            timestamps: listed
                .map(|p| PackageTimestamp {
                    head_seq: 1,
                    head_hash: "00".repeat(32),
                    nonce: "40".into(),
                    tsa: "http://tsa.example/".into(),
                    response: p.into(),
                    certs: None,
                })
                .into_iter()
                .collect(),
        };
        let html = index_html("测试", &super::super::shown_time(&manifest.created_at), None, &[]);
        w.finish(&[], manifest, &html).unwrap().0.into_inner()
    }

    #[test]
    fn timestamp_files_belong_to_the_exact_package_definition() {
        // Not listed as a timestamp: an added file.
        let rep = verify_package(Cursor::new(package_with_stamp("timestamps/000001.tsr", None)));
        assert!(
            rep.problems.iter().any(|p| p.contains("000001.tsr") && p.contains("不是证据包应有的文件")),
            "{rep:#?}"
        );
        // Listed under a name other than the one its head gives.
        let rep = verify_package(Cursor::new(package_with_stamp("timestamps/x.tsr", Some("timestamps/x.tsr"))));
        assert!(rep.problems.iter().any(|p| p.contains("x.tsr") && p.contains("应有的文件名")), "{rep:#?}");
        // Listed properly, but over a head the (empty) chain does not have.
        let good = "timestamps/000001.tsr";
        let rep = verify_package(Cursor::new(package_with_stamp(good, Some(good))));
        assert_eq!(rep.problems.len(), 1, "{rep:#?}");
        assert!(rep.problems[0].contains("不在证据包的哈希链中"), "{rep:#?}");
        assert!(rep.timestamps.is_empty());
    }

    #[test]
    fn anything_that_is_not_a_package_is_refused_without_a_panic() {
        let good = zip_of(&["README.txt".to_string()]);
        let mut inputs = vec![Vec::new(), vec![0u8; 100], b"PK\x05\x06".to_vec(), good.clone()];
        for cut in [1, 10, 22, 40, good.len() / 2] {
            inputs.push(good[..good.len() - cut].to_vec());
        }
        for (k, bytes) in inputs.iter().enumerate() {
            let rep = verify_package(Cursor::new(bytes));
            assert!(!rep.ok(), "input {k}");
            assert!(rep.problems.iter().all(|p| !p.contains("Invalid") && !p.contains("error")), "{:?}", rep.problems);
        }
    }
}

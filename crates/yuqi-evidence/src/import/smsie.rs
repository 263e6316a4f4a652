//! SMS Import / Export (tmo1/sms-ie, Android), docs/import-formats.md §6.1.
//!
//! * Messages, since version 2.0.0: a zip whose first member `messages.ndjson` holds one JSON
//!   object a line (SMS rows, then MMS rows with `__sender_address`, `__recipient_addresses`
//!   and `__parts`), followed by the MMS parts' files under `data/`.
//! * Messages before 2.0.0, and every call log: one JSON array of objects (`messages-….json`,
//!   `calls-….json`); the old messages carry their pictures inline (`parts[].binary_data`).
//!
//! Every value is a column of Android's own tables copied as text, so each record goes through
//! the shared mapping in [`super::android`].

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Seek};

use base64::Engine as _;
use serde_json::{Map, Value};
use sha2::Digest as _;

use super::android;
use super::jsonrec::{MAX_RECORD, Records};
use super::{Ctx, ImportError, Rejected, excerpt};
use crate::digest::sha256_hex;
use crate::item::{Attachment, ItemKind, Position};

/// The magic of an encrypted export (ENCRYPTION.md of the app): "SSEF", 0x00, 0xFF.
pub(crate) const SSEF_MAGIC: &[u8] = b"SSEF\x00\xFF";

/// Entries a messages zip may have (its directory is read whole): far above any phone's MMS
/// count, far below what would exhaust memory.
const MAX_ENTRIES: usize = 200_000;
/// The most a member may expand to, and the most every attachment together: a zip bomb is
/// refused before it is read to the end.
const MAX_MEMBER: u64 = 8 << 30;
const MAX_ATTACHMENTS_TOTAL: u64 = 64 << 30;
/// Deflate cannot expand more than about 1032 times; a member declaring more is forged.
const MAX_RATIO: u64 = 1100;

/// True when the zip's first member is `messages.ndjson`, which the app always writes first.
pub(crate) fn is_messages_zip(head: &[u8]) -> bool {
    if head.len() < 30 || !head.starts_with(b"PK\x03\x04") {
        return false;
    }
    let len = u16::from_le_bytes([head[26], head[27]]) as usize;
    head.get(30..30 + len) == Some(b"messages.ndjson".as_slice())
}

/// True when a zip (read from its directory at the end) has a `messages.ndjson` member.
pub(crate) fn zip_has_messages<R: Read + Seek>(mut r: R) -> bool {
    if r.seek(std::io::SeekFrom::Start(0)).is_err() {
        return false;
    }
    zip::ZipArchive::new(r).is_ok_and(|z| z.len() <= MAX_ENTRIES && z.index_for_name("messages.ndjson").is_some())
}

/// A JSON array or NDJSON of Android message or call rows (sms-ie's column names).
pub(crate) fn looks_like_json(text: &str) -> bool {
    let t = text.trim_start();
    (t.starts_with('[') || t.starts_with('{'))
        && t.contains("\"date\"")
        && (t.contains("\"thread_id\"") || (t.contains("\"number\"") && t.contains("\"duration\"")))
}

/// The bare JSON or NDJSON: every record is a byte slice of the file.
pub(crate) fn import_json<R: BufRead>(input: R, ctx: &mut Ctx<'_>) -> Result<(), ImportError> {
    let mut records = Records::new(input)?;
    let mut seen = Seen::default();
    while let Some(rec) = records.next()? {
        record(rec, records.count, true, None, ctx, &mut seen)?;
    }
    seen.report(ctx, false);
    Ok(())
}

/// The zip: the attachments under `data/` are hashed first, then `messages.ndjson` is read line
/// by line. Records are not slices of the zip: positions are inside `messages.ndjson`.
pub(crate) fn import_zip<R: Read + Seek>(mut input: R, ctx: &mut Ctx<'_>) -> Result<(), ImportError> {
    let mut magic = [0u8; 6];
    let n = read_up_to(&mut input, &mut magic)?;
    if magic[..n] == *SSEF_MAGIC {
        return Err(ImportError::Unrecognized(
            "这是加密的“短信导入导出”备份：yuqi 不能解密。请在应用的设置中关闭加密后重新导出，再导入新文件".into(),
        ));
    }
    input.seek(std::io::SeekFrom::Start(0))?;
    let mut zip = zip::ZipArchive::new(input)
        .map_err(|e| ImportError::Unrecognized(format!("不是完好的 zip 压缩包：{}", zip_zh(&e))))?;
    if zip.len() > MAX_ENTRIES {
        return Err(ImportError::Unrecognized(format!("压缩包里有 {} 个文件，超过上限 {MAX_ENTRIES}", zip.len())));
    }
    let mut attachments = HashMap::new();
    let mut total = 0u64;
    let mut others = 0u64;
    let mut has_messages = false;
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).map_err(|_| member_error(&format!("（第 {} 个）", i + 1)))?;
        let name = f.name().to_string();
        if name == "messages.ndjson" {
            has_messages = true;
            continue;
        }
        if !name.starts_with("data/") || f.is_dir() {
            others += 1;
            continue;
        }
        let limit = member_limit(&f)?;
        let mut hasher = sha2::Sha256::new();
        let size = copy_limited(&mut f, &mut hasher, limit, &name)?;
        total += size;
        if total > MAX_ATTACHMENTS_TOTAL {
            return Err(bomb("data/", MAX_ATTACHMENTS_TOTAL));
        }
        attachments.insert(name, (size, hex::encode(hasher.finalize())));
    }
    if !has_messages {
        return Err(ImportError::Unrecognized(
            "压缩包中没有 messages.ndjson：不是“短信导入导出”（SMS Import / Export）的短信备份".into(),
        ));
    }
    if others > 0 {
        ctx.warn(format!("压缩包中另有 {others} 个文件不属于短信备份，已忽略（整个压缩包原样保存）"));
    }
    let f = zip.by_name("messages.ndjson").map_err(|_| member_error("messages.ndjson"))?;
    let limit = member_limit(&f)?;
    let reader = Limited { inner: f, left: limit, name: "messages.ndjson" };
    let mut records = Records::new(BufReader::with_capacity(256 * 1024, reader))?;
    let mut seen = Seen::default();
    while let Some(rec) = records.next()? {
        record(rec, records.count, false, Some(&attachments), ctx, &mut seen)?;
    }
    seen.report(ctx, true);
    Ok(())
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

fn zip_zh(e: &zip::result::ZipError) -> &'static str {
    match e {
        zip::result::ZipError::UnsupportedArchive(_) => "使用了不支持的压缩方式或加密",
        zip::result::ZipError::FileNotFound => "文件缺失",
        _ => "文件损坏或不是 zip 格式",
    }
}

/// A member that cannot be inflated (a bad CRC, a truncated stream). The zip crate's own text is
/// English, so it is not passed on.
fn member_error(name: &str) -> ImportError {
    ImportError::Syntax(Rejected {
        position: Position::default(),
        reason: format!("压缩包中的文件 {name} 无法解压（压缩包损坏或被改动）"),
        excerpt: String::new(),
    })
}

fn bomb(name: &str, limit: u64) -> ImportError {
    ImportError::Syntax(Rejected {
        position: Position::default(),
        reason: format!("压缩包中的 {name} 解压后超过上限 {limit} 字节（“压缩炸弹”或损坏的文件），已停止读取"),
        excerpt: String::new(),
    })
}

/// How many bytes a member may expand to: what it declares, if that is plausible.
fn member_limit<R: Read>(f: &zip::read::ZipFile<'_, R>) -> Result<u64, ImportError> {
    let declared = f.size();
    let plausible = f.compressed_size().saturating_mul(MAX_RATIO).saturating_add(4096);
    if declared > MAX_MEMBER || declared > plausible {
        return Err(bomb(f.name(), MAX_MEMBER.min(plausible)));
    }
    Ok(declared)
}

/// A member's reader that fails past its declared size (the declared size was checked).
struct Limited<'a, R: Read> {
    inner: zip::read::ZipFile<'a, R>,
    left: u64,
    name: &'static str,
}

impl<R: Read> Read for Limited<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        // The zip crate's errors (a bad CRC, a broken stream) are English: say it in Chinese.
        let n = self
            .inner
            .read(buf)
            .map_err(|_| std::io::Error::other(format!("{} 无法解压（压缩包损坏或被改动）", self.name)))?;
        if n as u64 > self.left {
            return Err(std::io::Error::other(format!("{} 解压后超过其声明的大小", self.name)));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

fn copy_limited<R: Read>(
    f: &mut zip::read::ZipFile<'_, R>,
    hasher: &mut sha2::Sha256,
    limit: u64,
    name: &str,
) -> Result<u64, ImportError> {
    let mut buf = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = f.read(&mut buf).map_err(|_| member_error(name))?;
        if n == 0 {
            return Ok(size);
        }
        size += n as u64;
        if size > limit {
            return Err(bomb(name, limit));
        }
        hasher.update(&buf[..n]);
    }
}

/// What the records said that the user should hear once, at the end.
#[derive(Default)]
struct Seen {
    /// Attachments named by an MMS part whose data is not in the export.
    missing: u64,
}

impl Seen {
    fn report(&self, ctx: &mut Ctx<'_>, zip: bool) {
        if self.missing > 0 {
            ctx.warn(if zip {
                format!(
                    "有 {} 个彩信附件的数据不在压缩包的 data/ 目录中（导出时未勾选包含彩信数据，或读取失败）",
                    self.missing
                )
            } else {
                format!(
                    "有 {} 个彩信附件的数据不在这个文件中（只有 messages.ndjson，没有原压缩包的 data/ 目录）",
                    self.missing
                )
            });
        }
    }
}

fn record(
    rec: super::jsonrec::Record,
    number: u64,
    slice: bool,
    zip_data: Option<&HashMap<String, (u64, String)>>,
    ctx: &mut Ctx<'_>,
    seen: &mut Seen,
) -> Result<(), ImportError> {
    let position = Position { record: number, line: rec.line, byte: rec.byte };
    if rec.too_long {
        return ctx.reject(Rejected {
            position,
            reason: format!("这条记录超过上限 {} MiB，未读取", MAX_RECORD >> 20),
            excerpt: String::new(),
        });
    }
    let object = match serde_json::from_slice::<Value>(&rec.bytes) {
        Ok(Value::Object(o)) => o,
        Ok(_) => {
            return ctx.reject(Rejected {
                position,
                reason: "记录不是 JSON 对象".into(),
                excerpt: excerpt(&rec.bytes),
            });
        }
        Err(e) => {
            return ctx.reject(Rejected {
                position,
                reason: format!("JSON 格式错误（记录内第 {} 行第 {} 列）", e.line(), e.column()),
                excerpt: excerpt(&rec.bytes),
            });
        }
    };
    match convert(&object, zip_data, seen) {
        Ok((kind, message, attachments)) => {
            let fields = fields_of(&object);
            ctx.emit(android::item(kind, position, rec.bytes, slice, fields, message, attachments))
        }
        Err(reason) => ctx.reject(Rejected { position, reason, excerpt: excerpt(&rec.bytes) }),
    }
}

/// The row's own columns as text (the children the app added are left to the raw record).
fn fields_of(o: &Map<String, Value>) -> Vec<(String, String)> {
    o.iter().filter(|(k, _)| !k.ends_with("__base64__")).filter_map(|(k, v)| text(v).map(|t| (k.clone(), t))).collect()
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A child the app added: `__name` since 2.0.0, `name` before.
fn child<'a>(o: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    o.get(&format!("__{name}")).or_else(|| o.get(name))
}

fn display_name(o: &Map<String, Value>) -> Option<&str> {
    child(o, "display_name").and_then(Value::as_str)
}

type Converted = (ItemKind, crate::item::ImportedMessage, Vec<Attachment>);

fn convert(
    o: &Map<String, Value>,
    zip_data: Option<&HashMap<String, (u64, String)>>,
    seen: &mut Seen,
) -> Result<Converted, String> {
    let fields = fields_of(o);
    let is_mms = child(o, "parts").is_some() || o.contains_key("msg_box") || o.contains_key("m_type");
    if is_mms {
        return mms(o, &fields, zip_data, seen);
    }
    if o.contains_key("number") {
        // Calls: the app names the looked-up contact `display_name`; `name` is Android's cache.
        let name = o.get("display_name").and_then(Value::as_str).or_else(|| android::get(&fields, "name"));
        return Ok((ItemKind::Call, android::call_message(&fields, name)?, Vec::new()));
    }
    if o.contains_key("address") || o.contains_key("body") {
        return Ok((ItemKind::Sms, android::sms_message(&fields, display_name(o))?, Vec::new()));
    }
    Err("无法判断这条记录是短信、彩信还是通话记录（没有 address、number 或 __parts）".into())
}

/// An MMS address object: its number and the contact name the app looked up.
fn addr(a: &Map<String, Value>) -> Option<(&str, Option<&str>)> {
    a.get("address").and_then(Value::as_str).map(|s| (s, display_name(a)))
}

fn mms(
    o: &Map<String, Value>,
    fields: &[(String, String)],
    zip_data: Option<&HashMap<String, (u64, String)>>,
    seen: &mut Seen,
) -> Result<Converted, String> {
    let mut from = child(o, "sender_address").and_then(Value::as_object).and_then(addr);
    let recipients: Vec<&Map<String, Value>> = child(o, "recipient_addresses")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .collect();
    let mut to = recipients
        .iter()
        .find(|a| a.get("type").and_then(Value::as_str) == Some("151"))
        .or(recipients.first())
        .and_then(|a| addr(a));
    // The old layout lists every address in one array, each with its PduHeaders type.
    for a in child(o, "addresses").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_object) {
        match a.get("type").and_then(Value::as_str) {
            Some("137") if from.is_none() => from = addr(a),
            Some("151") if to.is_none() => to = addr(a),
            _ => {}
        }
    }
    let mut parts: Vec<&Map<String, Value>> =
        child(o, "parts").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_object).collect();
    parts.sort_by_key(|p| p.get("seq").and_then(text).and_then(|s| s.trim().parse::<i64>().ok()).unwrap_or(0));
    let mut body = String::new();
    let mut attachments = Vec::new();
    for p in parts {
        let get = |k: &str| p.get(k).and_then(Value::as_str).filter(|v| !v.is_empty() && *v != "null");
        let ct = get("ct").unwrap_or("");
        if ct == "application/smil" || get("seq") == Some("-1") {
            continue;
        }
        if ct.starts_with("text/") && get("text").is_some() {
            if !body.is_empty() {
                body.push('\n');
            }
            body.push_str(get("text").unwrap_or(""));
            continue;
        }
        let name = get("name").or_else(|| get("cl")).map(str::to_string);
        if let Some(data) = get("binary_data") {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(data.trim())
                .map_err(|_| "彩信附件的 base64 数据损坏".to_string())?;
            attachments.push(Attachment {
                content_type: ct.to_string(),
                name,
                size: bytes.len() as u64,
                sha256: sha256_hex(&bytes),
            });
        } else if let Some(path) = get("_data") {
            // The app stores the file as data/<last segment of the part's _data path>.
            let file = path.rsplit('/').next().unwrap_or(path);
            match zip_data.and_then(|m| m.get(&format!("data/{file}"))) {
                Some((size, sha256)) => attachments.push(Attachment {
                    content_type: ct.to_string(),
                    name: name.or_else(|| Some(file.to_string())),
                    size: *size,
                    sha256: sha256.clone(),
                }),
                None => seen.missing += 1,
            }
        }
    }
    let (from_addr, from_name) = from.unzip();
    let (to_addr, to_name) = to.unzip();
    let mut message = android::mms_message(fields, from_addr, to_addr, body, None)?;
    message.contact_name = match message.direction {
        crate::item::Direction::Out => to_name.flatten(),
        _ => from_name.flatten(),
    }
    .map(str::to_string);
    Ok((ItemKind::Mms, message, attachments))
}

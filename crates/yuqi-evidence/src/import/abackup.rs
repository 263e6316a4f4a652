//! Android backups: a plain adb backup (`.ab`, `ANDROID BACKUP`) and a Xiaomi MIUI local backup
//! (`.bak`, MIUI's own header in front of the same thing), docs/import-formats.md §6.4.
//!
//! Layout: the header lines (version, compressed 0|1, encryption), then a tar, zlib-compressed
//! when the flag is 1. The telephony provider backs up its SMS and text MMS as tar members
//! `apps/com.android.providers.telephony/d_f/NNNNNN_sms_backup` (`_mms_backup`), each a
//! zlib-compressed JSON array of objects whose values are the `sms` / `pdu` columns as strings.
//!
//! Everything is read front to back in one pass: the outer zlib stream, a small tar header
//! reader of our own (512-byte headers, octal or base-256 sizes, ustar prefix, GNU long names,
//! pax `path`/`size`), each matching member inflated and split element by element. Every
//! size is bounded (header lines, names, members, inflated bytes and ratio, one element), so a
//! forged file ends in a Chinese error, never a panic or unbounded memory.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read};

use serde_json::{Map, Value};

use super::jsonarray::{ArraySplitter, SplitError};
use super::{Ctx, ImportError, Rejected, android, excerpt, miui};
use crate::item::{ItemKind, Position};

/// The line a plain adb backup begins with.
pub(crate) const MAGIC: &[u8] = b"ANDROID BACKUP\n";

/// Where the telephony provider's backup files sit in the tar.
const SMS_DIR: &str = "apps/com.android.providers.telephony/d_f/";

/// One header line longer than this is not a header.
const MAX_LINE: u64 = 1024;
/// MIUI's header has five lines; allow some more before `ANDROID BACKUP` must appear.
const MAX_MIUI_LINES: usize = 16;
/// A GNU long name or a pax header larger than this is refused (real ones are a few hundred bytes).
const MAX_META: u64 = 64 * 1024;
/// The largest SMS member (compressed) read; 1000 messages a file in AOSP, far below this.
const MAX_MEMBER: u64 = 256 << 20;
/// An SMS member may inflate to at most this many times its size (plus some slack for tiny
/// members), and never past [`MAX_INFLATED`]: JSON text compresses well, but not 200-fold.
const MAX_RATIO: u64 = 200;
const RATIO_SLACK: u64 = 1 << 20;
const MAX_INFLATED: u64 = 1 << 30;
/// The whole tar: the outer stream may inflate this far in total, and at most [`MAX_RATIO`]
/// times what was read of it once past [`RATIO_SLACK`]; otherwise reading would go on for hours
/// on a small forged file (memory stays constant either way).
const MAX_TAR: u64 = 16 << 30;
/// App folders named in the refusal of a backup without SMS.
const MAX_APPS: usize = 20;

/// A decompression bomb, carried through `io::Error` from the reader that noticed it.
#[derive(Debug)]
struct Bomb(String);

impl std::fmt::Display for Bomb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Bomb {}

fn syntax(reason: String) -> ImportError {
    ImportError::Syntax(Rejected { position: Position::default(), reason, excerpt: String::new() })
}

/// A stream error in words: our own bomb message, or a broken or cut-off zlib stream (flate2's
/// text is English, so it is not passed on).
fn stream_error(e: std::io::Error, what: &str) -> ImportError {
    if let Some(b) = e.get_ref().and_then(|x| x.downcast_ref::<Bomb>()) {
        return syntax(b.0.clone());
    }
    match e.kind() {
        std::io::ErrorKind::UnexpectedEof => syntax(format!("{what}在中途结束，文件不完整（可能没有复制完）")),
        _ => syntax(format!("{what}无法解压：数据已损坏或被改动")),
    }
}

/// The three lines of the Android backup header.
struct AbHeader {
    compressed: bool,
    encryption: String,
}

/// Reads one header line (without its `\n`), at most [`MAX_LINE`] bytes.
fn line<R: BufRead>(input: &mut R, head: &mut Vec<u8>) -> Result<Option<String>, ImportError> {
    let mut l = Vec::new();
    input.by_ref().take(MAX_LINE).read_until(b'\n', &mut l)?;
    head.extend_from_slice(&l);
    if l.pop() != Some(b'\n') {
        return Ok(None);
    }
    Ok(Some(String::from_utf8_lossy(&l).trim().to_string()))
}

/// Reads the MIUI header (if any) and the Android backup header, leaving `input` at the payload.
/// `head` receives the header bytes, for MIUI's own refusal text.
fn header<R: BufRead>(input: &mut R, head: &mut Vec<u8>) -> Result<AbHeader, ImportError> {
    let bad = |why: &str| ImportError::Unrecognized(why.to_string());
    let first = line(input, head)?.ok_or_else(|| bad("不是安卓备份：文件开头不完整"))?;
    if first == "MIUI BACKUP" {
        let mut found = false;
        for _ in 0..MAX_MIUI_LINES {
            match line(input, head)? {
                Some(l) if l == "ANDROID BACKUP" => {
                    found = true;
                    break;
                }
                Some(_) => {}
                None => break,
            }
        }
        if !found {
            return Err(bad("小米备份的文件头不完整：找不到其中的安卓备份头（ANDROID BACKUP）"));
        }
    } else if first != "ANDROID BACKUP" {
        return Err(bad("不是安卓备份：文件开头既不是“MIUI BACKUP”也不是“ANDROID BACKUP”"));
    }
    let mut next = |what: &str| -> Result<String, ImportError> {
        line(input, head)?.ok_or_else(|| bad(&format!("安卓备份头不完整：缺少{what}")))
    };
    let version = next("版本号")?;
    if version.parse::<u32>().is_err() {
        return Err(bad(&format!("安卓备份头的版本号无法识别：“{version}”")));
    }
    let compressed = match next("压缩标志")?.as_str() {
        "0" => false,
        "1" => true,
        other => return Err(bad(&format!("安卓备份头的压缩标志无法识别：“{other}”"))),
    };
    let encryption = next("加密方式")?;
    Ok(AbHeader { compressed, encryption })
}

/// The outer payload: the tar, inflated if the header says so, with the bomb bounds.
struct Payload<R: BufRead> {
    inner: PayloadInner<R>,
}

enum PayloadInner<R: BufRead> {
    Plain(R),
    Zlib(flate2::bufread::ZlibDecoder<R>),
}

impl<R: BufRead> Read for Payload<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match &mut self.inner {
            PayloadInner::Plain(r) => r.read(buf),
            PayloadInner::Zlib(z) => {
                let n = z.read(buf)?;
                let (inn, out) = (z.total_in(), z.total_out());
                if out > MAX_TAR || (out > RATIO_SLACK && out / MAX_RATIO > inn) {
                    return Err(std::io::Error::other(Bomb(format!(
                        "备份解压后的数据量与文件大小极不相称（已从 {inn} 字节解出 {out} 字节），疑为“压缩炸弹”或损坏的文件，已停止读取"
                    ))));
                }
                Ok(n)
            }
        }
    }
}

/// A member's inflated bytes, failing once past `limit`.
struct Limited<R: Read> {
    inner: R,
    left: u64,
    limit: u64,
    name: String,
}

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n as u64 > self.left {
            return Err(std::io::Error::other(Bomb(format!(
                "备份中的 {} 解压后超过上限 {} 字节（“压缩炸弹”或损坏的文件），已停止读取",
                self.name, self.limit
            ))));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

/// One tar entry's header, as far as it matters here.
struct Entry {
    name: String,
    size: u64,
    /// The type flag: `0`/NUL regular file, `L` GNU long name, `x` pax header, others skipped.
    kind: u8,
}

/// An octal number field (NUL/space padded), or base-256 when the high bit of the first byte is
/// set (GNU, for sizes of 8 GiB and more).
fn number(field: &[u8]) -> Option<u64> {
    if field.first().is_some_and(|b| b & 0x80 != 0) {
        let mut n: u64 = u64::from(field[0] & 0x7f);
        for &b in &field[1..] {
            n = n.checked_mul(256)?.checked_add(u64::from(b))?;
        }
        return Some(n);
    }
    let text = std::str::from_utf8(field).ok()?;
    let text = text.trim_matches(|c| c == '\0' || c == ' ');
    if text.is_empty() {
        return Some(0);
    }
    u64::from_str_radix(text, 8).ok()
}

fn cstr(field: &[u8]) -> String {
    let end = field.iter().position(|&b| b == 0).unwrap_or(field.len());
    String::from_utf8_lossy(&field[..end]).into_owned()
}

/// Parses one 512-byte header; `None` for an all-zero block (the end of the archive).
fn parse_entry(block: &[u8; 512]) -> Result<Option<Entry>, ImportError> {
    if block.iter().all(|&b| b == 0) {
        return Ok(None);
    }
    let broken = || syntax("备份中的文件目录（tar 结构）已损坏或被改动".to_string());
    let stored = number(&block[148..156]).ok_or_else(broken)?;
    // The checksum is the byte sum of the header with its own field read as spaces.
    let sum: u64 =
        block.iter().enumerate().map(|(i, &b)| if (148..156).contains(&i) { 32 } else { u64::from(b) }).sum();
    if sum != stored {
        return Err(broken());
    }
    let size = number(&block[124..136]).ok_or_else(broken)?;
    let mut name = cstr(&block[0..100]);
    if &block[257..262] == b"ustar" {
        let prefix = cstr(&block[345..500]);
        if !prefix.is_empty() {
            name = format!("{prefix}/{name}");
        }
    }
    Ok(Some(Entry { name, size, kind: block[156] }))
}

/// Reads exactly `buf.len()` bytes; false at a clean end before the first byte.
fn read_block<R: Read>(r: &mut R, buf: &mut [u8]) -> Result<bool, ImportError> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) if n == 0 => return Ok(false),
            Ok(0) => return Err(syntax("备份在文件目录（tar 结构）中途结束，文件不完整".into())),
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(stream_error(e, "备份数据")),
        }
    }
    Ok(true)
}

/// Reads and discards `n` bytes.
fn skip<R: Read>(r: &mut R, n: u64) -> Result<(), ImportError> {
    let copied =
        std::io::copy(&mut r.by_ref().take(n), &mut std::io::sink()).map_err(|e| stream_error(e, "备份数据"))?;
    if copied < n {
        return Err(syntax("备份在某个文件中途结束，文件不完整（可能没有复制完）".into()));
    }
    Ok(())
}

fn padding(size: u64) -> u64 {
    (512 - size % 512) % 512
}

/// A small metadata member (GNU long name, pax header) read whole.
fn read_meta<R: Read>(r: &mut R, size: u64) -> Result<Vec<u8>, ImportError> {
    if size > MAX_META {
        return Err(syntax("备份中的文件目录（tar 结构）有一个过大的文件名记录，文件已损坏或被改动".into()));
    }
    let mut data = vec![0u8; size as usize];
    if !read_block(r, &mut data)? && size > 0 {
        return Err(syntax("备份在文件目录（tar 结构）中途结束，文件不完整".into()));
    }
    skip(r, padding(size))?;
    Ok(data)
}

/// The `path` and `size` records of a pax extended header (`<len> <key>=<value>\n` each).
fn pax(data: &[u8]) -> (Option<String>, Option<u64>) {
    let (mut path, mut size) = (None, None);
    let mut rest = data;
    while !rest.is_empty() {
        let Some(sp) = rest.iter().position(|&b| b == b' ') else { break };
        let Some(len) = std::str::from_utf8(&rest[..sp]).ok().and_then(|s| s.parse::<usize>().ok()) else { break };
        if len <= sp + 1 || len > rest.len() {
            break;
        }
        let record = &rest[sp + 1..len];
        let record = record.strip_suffix(b"\n").unwrap_or(record);
        if let Some(eq) = record.iter().position(|&b| b == b'=') {
            let value = String::from_utf8_lossy(&record[eq + 1..]).into_owned();
            match &record[..eq] {
                b"path" => path = Some(value),
                b"size" => size = value.parse().ok(),
                _ => {}
            }
        }
        rest = &rest[len..];
    }
    (path, size)
}

/// Imports a plain adb backup or a MIUI `.bak`.
pub(crate) fn import<R: BufRead>(mut input: R, ctx: &mut Ctx<'_>) -> Result<(), ImportError> {
    let mut head = Vec::new();
    let h = header(&mut input, &mut head)?;
    let miui = head.starts_with(miui::MAGIC);
    if h.encryption != "none" {
        return Err(ImportError::Unrecognized(if miui {
            miui::refusal(&head)
        } else {
            "这是设了密码的（加密的）安卓备份：yuqi 无法解密。请在备份时不设密码重新备份，或改用“短信导入导出”（SMS Import / Export）或 SMS Backup & Restore 导出短信".into()
        }));
    }
    ctx.summary.encoding = "UTF-8".into();
    let mut tar = Payload {
        inner: if h.compressed {
            PayloadInner::Zlib(flate2::bufread::ZlibDecoder::new(input))
        } else {
            PayloadInner::Plain(input)
        },
    };
    let mut apps = BTreeSet::new();
    let mut more_apps = false;
    let mut members = 0u64;
    let mut long_name: Option<String> = None;
    let mut pax_next: (Option<String>, Option<u64>) = (None, None);
    let mut ended = false;
    let mut block = [0u8; 512];
    while read_block(&mut tar, &mut block)? {
        let Some(mut e) = parse_entry(&block)? else {
            ended = true;
            break;
        };
        match e.kind {
            b'L' => {
                let data = read_meta(&mut tar, e.size)?;
                long_name = Some(cstr(&data));
                continue;
            }
            b'x' => {
                pax_next = pax(&read_meta(&mut tar, e.size)?);
                continue;
            }
            _ => {}
        }
        if let Some(n) = long_name.take() {
            e.name = n;
        }
        let (path, size) = std::mem::take(&mut pax_next);
        if let Some(p) = path {
            e.name = p;
        }
        if let Some(s) = size {
            e.size = s;
        }
        if let Some(app) = e.name.strip_prefix("apps/").and_then(|r| r.split('/').next()).filter(|a| !a.is_empty()) {
            if apps.len() < MAX_APPS {
                apps.insert(app.to_string());
            } else if !apps.contains(app) {
                more_apps = true;
            }
        }
        let regular = matches!(e.kind, b'0' | 0 | b'7');
        let sms = e.name.strip_prefix(SMS_DIR).filter(|rest| !rest.contains('/'));
        let kind = match sms {
            Some(n) if regular && n.ends_with("_sms_backup") => Some(ItemKind::Sms),
            Some(n) if regular && n.ends_with("_mms_backup") => Some(ItemKind::Mms),
            _ => None,
        };
        let Some(kind) = kind else {
            // Links, devices, directories and FIFOs carry no data whatever their size field
            // says; any other entry (other apps' files, unknown types) is passed over whole.
            if !matches!(e.kind, b'1'..=b'6') {
                skip(&mut tar, e.size.saturating_add(padding(e.size)))?;
            }
            continue;
        };
        members += 1;
        if e.size > MAX_MEMBER {
            return Err(syntax(format!(
                "备份中的 {} 有 {} 字节，超过上限 {MAX_MEMBER} 字节，已停止读取",
                e.name, e.size
            )));
        }
        let mut member = (&mut tar).take(e.size);
        read_member(&mut member, &e.name, e.size, kind, ctx)?;
        // What the array reader left (the zlib trailer, trailing bytes) and the tar padding.
        let left = member.limit();
        skip(&mut tar, left + padding(e.size))?;
    }
    if members == 0 {
        let found = if apps.is_empty() {
            "备份中没有任何应用的数据文件夹".to_string()
        } else {
            let list: Vec<&str> = apps.iter().map(String::as_str).collect();
            format!("备份中只有这些应用的文件夹：{}{}", list.join("、"), if more_apps { " 等" } else { "" })
        };
        return Err(ImportError::Unrecognized(format!(
            "这个{}里没有短信：短信应在 {SMS_DIR}*_sms_backup 文件中（安卓系统“电话和短信存储”的备份），{found}。\
             请确认备份时勾选了短信，或改用“短信导入导出”（SMS Import / Export）或 SMS Backup & Restore 导出短信；\
             如需把这个备份文件原样保存为证据，请用 --format file 导入",
            if miui { "小米手机备份" } else { "安卓备份" }
        )));
    }
    if ended {
        // Read on to the end of the stream: zlib checks its checksum only there, so a file cut
        // or altered after the last member is noticed (the bomb bounds still apply).
        std::io::copy(&mut tar, &mut std::io::sink()).map_err(|e| stream_error(e, "备份数据"))?;
    } else {
        ctx.warn("备份末尾缺少结束标记（tar 结尾），文件可能没有复制完整；已读出其中完整的短信".into());
    }
    Ok(())
}

/// One `_sms_backup` / `_mms_backup` member: zlib (or, leniently, plain) JSON array, element by
/// element.
fn read_member<R: Read>(
    member: &mut R,
    name: &str,
    size: u64,
    kind: ItemKind,
    ctx: &mut Ctx<'_>,
) -> Result<(), ImportError> {
    let limit = size.saturating_mul(MAX_RATIO).saturating_add(RATIO_SLACK).min(MAX_INFLATED);
    let mut buffered = BufReader::with_capacity(64 * 1024, member);
    let first = buffered.fill_buf().map_err(|e| stream_error(e, "备份数据"))?.first().copied();
    // AOSP writes through DeflaterOutputStream (a zlib stream, first byte 0x78); a member
    // repacked by hand may be the bare JSON.
    let reader: Box<dyn Read + '_> =
        if first == Some(b'[') { Box::new(buffered) } else { Box::new(flate2::bufread::ZlibDecoder::new(buffered)) };
    let limited = Limited { inner: reader, left: limit, limit, name: name.to_string() };
    let mut split = ArraySplitter::new(BufReader::with_capacity(64 * 1024, limited), 0, 1);
    let what = format!("备份中的 {name} ");
    loop {
        let el = match split.next_element() {
            Ok(Some(el)) => el,
            Ok(None) => return Ok(()),
            Err(SplitError::Io(e)) => return Err(stream_error(e, &what)),
            Err(SplitError::Syntax { position, reason }) => {
                return Err(ImportError::Syntax(Rejected {
                    position: Position { record: position.record, line: 0, byte: 0 },
                    reason: format!("{what}：{reason}"),
                    excerpt: String::new(),
                }));
            }
        };
        // Positions: the element's number inside its member, which the reason names (the
        // records are inside compressed data, so no byte offset of the file applies).
        let position = Position { record: el.position.record, line: 0, byte: 0 };
        let reject = |reason: String, bytes: &[u8]| Rejected {
            position,
            reason: format!("{reason}（备份中的 {name}）"),
            excerpt: excerpt(bytes),
        };
        if el.too_big {
            ctx.reject(reject("这条记录过大，超过上限，未读取".into(), &[]))?;
            continue;
        }
        let object = match serde_json::from_slice::<Value>(&el.bytes) {
            Ok(Value::Object(o)) => o,
            Ok(_) => {
                ctx.reject(reject("记录不是 JSON 对象".into(), &el.bytes))?;
                continue;
            }
            Err(e) => {
                ctx.reject(reject(format!("JSON 格式错误（第 {} 列）", e.column()), &el.bytes))?;
                continue;
            }
        };
        match convert(&object, kind) {
            Ok((fields, message)) => {
                ctx.emit(android::item(kind, position, el.bytes, false, fields, message, Vec::new()))?;
            }
            Err(reason) => ctx.reject(reject(reason, &el.bytes))?,
        }
    }
}

/// The object's scalar values as text (the provider writes every column as a string).
fn fields_of(o: &Map<String, Value>) -> Vec<(String, String)> {
    o.iter()
        .filter_map(|(k, v)| {
            let t = match v {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                _ => return None,
            };
            Some((k.clone(), t))
        })
        .collect()
}

fn convert(
    o: &Map<String, Value>,
    kind: ItemKind,
) -> Result<(Vec<(String, String)>, crate::item::ImportedMessage), String> {
    let mut fields = fields_of(o);
    if kind == ItemKind::Mms {
        // `mms_addresses`: the pdu's addresses with their PduHeaders type (137 from, 151 to).
        let addresses: Vec<&Map<String, Value>> = o
            .get("mms_addresses")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
            .collect();
        let of_type = |t: &str| {
            addresses
                .iter()
                .find(|a| {
                    a.get("type")
                        .and_then(|v| v.as_str().map(str::to_string).or_else(|| v.as_i64().map(|n| n.to_string())))
                        .as_deref()
                        == Some(t)
                })
                .and_then(|a| a.get("address").and_then(Value::as_str))
        };
        let body = o.get("mms_body").and_then(Value::as_str).unwrap_or("").to_string();
        let message = android::mms_message(&fields, of_type("137"), of_type("151"), body, None)?;
        return Ok((fields, message));
    }
    // An SMS row keeps its `address` column; the thread's `recipients` stand in when it is absent.
    if android::get(&fields, "address").is_none()
        && let Some(first) =
            o.get("recipients").and_then(Value::as_array).and_then(|r| r.first()).and_then(Value::as_str)
    {
        fields.retain(|(k, _)| k != "address");
        fields.push(("address".into(), first.to_string()));
    }
    let message = android::sms_message(&fields, None)?;
    Ok((fields, message))
}

//! SMS Backup & Restore XML (`<smses>` with `<sms>`/`<mms>`, and `<calls>` with `<call>`),
//! docs/import-formats.md §1.
//!
//! The file is pulled event by event. A recording wrapper around the input keeps the bytes
//! consumed since the current record began, so each item's `raw` is the record exactly as it
//! appears in the file (not a re-serialisation), and line numbers come from counting the
//! newlines that went past.

use std::io::{BufRead, Read};

use base64::Engine as _;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

// `null` means "no value" in these exports, as in every Android export.
use super::android::{self, get as value};
use super::{Ctx, ImportError, Rejected, excerpt};
use crate::digest::sha256_hex;
use crate::item::{Attachment, Item, ItemKind, Position};
use crate::xmltext::unescape;

/// Keeps every byte the parser consumes, from `base` on.
struct Recording<R> {
    inner: R,
    kept: Vec<u8>,
    base: u64,
    /// Newlines in the bytes before `base`.
    newlines_before_base: u64,
}

impl<R: BufRead> Read for Recording<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.kept.extend_from_slice(&buf[..n]);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Recording<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        if let Ok(buf) = self.inner.fill_buf() {
            let take = amt.min(buf.len());
            self.kept.extend_from_slice(&buf[..take]);
        }
        self.inner.consume(amt);
    }
}

impl<R> Recording<R> {
    /// Forgets the bytes before absolute offset `pos`, counting their newlines.
    fn drop_before(&mut self, pos: u64) {
        let cut = (pos.saturating_sub(self.base) as usize).min(self.kept.len());
        self.newlines_before_base += self.kept[..cut].iter().filter(|&&b| b == b'\n').count() as u64;
        self.kept.drain(..cut);
        self.base += cut as u64;
    }

    /// The bytes from `from` to `to`, forgetting them. When they are all that is kept (a record
    /// just read) the buffer itself is handed over instead of copied: a record of 120 MB is then
    /// held once, not twice.
    fn take(&mut self, from: u64, to: u64) -> Vec<u8> {
        if from == self.base && (to - from) as usize == self.kept.len() {
            self.newlines_before_base += self.kept.iter().filter(|&&b| b == b'\n').count() as u64;
            self.base = to;
            return std::mem::take(&mut self.kept);
        }
        self.slice(from, to).to_vec()
    }

    fn slice(&self, from: u64, to: u64) -> &[u8] {
        let a = (from.saturating_sub(self.base) as usize).min(self.kept.len());
        let b = (to.saturating_sub(self.base) as usize).min(self.kept.len());
        &self.kept[a..b]
    }

    /// 1-based line of absolute offset `pos` (which must not be before `base`).
    fn line_of(&self, pos: u64) -> u64 {
        let upto = (pos.saturating_sub(self.base) as usize).min(self.kept.len());
        1 + self.newlines_before_base + self.kept[..upto].iter().filter(|&&b| b == b'\n').count() as u64
    }
}

/// The record being read (an element and, for MMS, its children).
struct Open {
    kind: ItemKind,
    start: u64,
    position: Position,
    depth: u32,
    fields: Vec<(String, String)>,
    parts: Vec<Vec<(String, String)>>,
    addrs: Vec<Vec<(String, String)>>,
    problem: Option<String>,
}

pub(crate) fn import<R: BufRead>(mut input: R, ctx: &mut Ctx<'_>) -> Result<(), ImportError> {
    // quick-xml skips a UTF-8 BOM without counting it in its positions; take it off here and add
    // it back to every reported offset, so offsets stay offsets in the file.
    let bom: u64 = if input.fill_buf()?.starts_with(&[0xEF, 0xBB, 0xBF]) { 3 } else { 0 };
    input.consume(bom as usize);
    let rec = Recording { inner: input, kept: Vec::new(), base: 0, newlines_before_base: 0 };
    let mut reader = Reader::from_reader(rec);
    reader.config_mut().trim_text(false);
    let mut buf = Vec::new();
    let mut open: Option<Open> = None;
    let mut record_no = 0u64;
    let mut root_seen = false;
    let mut declared_count: Option<u64> = None;
    let mut lone_total = 0u32;
    let mut depth = 0u32;
    // Text and elements outside any record: (how many, the line of the first).
    let mut junk: (u64, u64) = (0, 0);
    loop {
        let before = reader.buffer_position();
        if open.is_none() {
            reader.get_mut().drop_before(before);
        }
        buf.clear();
        let ev = match reader.read_event_into(&mut buf) {
            Ok(ev) => ev,
            Err(e) => {
                let pos = reader.error_position();
                let line = reader.get_ref().line_of(pos);
                let r = Rejected {
                    position: Position { record: record_no + 1, line, byte: pos + bom },
                    reason: format!("XML 语法错误：{e}"),
                    excerpt: String::new(),
                };
                return Err(ImportError::Syntax(r));
            }
        };
        match ev {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let is_empty = matches!(ev, Event::Empty(_));
                let name = e.name().as_ref().as_bytes().to_vec();
                if !is_empty {
                    depth += 1;
                }
                match (name.as_slice(), open.as_mut()) {
                    (b"smses" | b"calls", None) if !root_seen => {
                        root_seen = true;
                        let attrs = attributes(e, &mut lone_total).unwrap_or_default();
                        declared_count =
                            attrs.iter().find(|(k, _)| k == "count").and_then(|(_, v)| v.trim().parse().ok());
                    }
                    (b"sms" | b"mms" | b"call", None) => {
                        record_no += 1;
                        let kind = match name.as_slice() {
                            b"sms" => ItemKind::Sms,
                            b"mms" => ItemKind::Mms,
                            _ => ItemKind::Call,
                        };
                        let line = reader.get_ref().line_of(before);
                        let (fields, problem) = match attributes(e, &mut lone_total) {
                            Ok(f) => (f, None),
                            Err(p) => (Vec::new(), Some(p)),
                        };
                        let o = Open {
                            kind,
                            start: before,
                            position: Position { record: record_no, line, byte: before + bom },
                            depth,
                            fields,
                            parts: Vec::new(),
                            addrs: Vec::new(),
                            problem,
                        };
                        if is_empty {
                            let end = reader.buffer_position();
                            finish(o, &mut reader, end, ctx)?;
                        } else {
                            open = Some(o);
                        }
                    }
                    // Anything else outside a record — an unknown element, a second root —
                    // is not part of a backup.
                    (_, None) => note_junk(&mut junk, reader.get_ref().line_of(before)),
                    (b"part", Some(o)) => match attributes(e, &mut lone_total) {
                        Ok(f) => o.parts.push(f),
                        Err(p) => o.problem = Some(p),
                    },
                    (b"addr", Some(o)) => match attributes(e, &mut lone_total) {
                        Ok(f) => o.addrs.push(f),
                        Err(p) => o.problem = Some(p),
                    },
                    _ => {}
                }
            }
            Event::End(_) => {
                if let Some(o) = open.take_if(|o| o.depth == depth) {
                    let end = reader.buffer_position();
                    finish(o, &mut reader, end, ctx)?;
                }
                depth = depth.saturating_sub(1);
            }
            Event::Text(ref t) if open.is_none() && t.chars().any(|c| !c.is_whitespace()) => {
                note_junk(&mut junk, reader.get_ref().line_of(before));
            }
            Event::CData(_) if open.is_none() => note_junk(&mut junk, reader.get_ref().line_of(before)),
            Event::Eof => {
                if depth > 0 || open.is_some() {
                    let pos = reader.buffer_position();
                    let line = reader.get_ref().line_of(pos);
                    return Err(ImportError::Syntax(Rejected {
                        position: Position { record: record_no, line, byte: pos + bom },
                        reason: "文件在元素结束前意外终止（可能被截断或未完整复制）".into(),
                        excerpt: String::new(),
                    }));
                }
                break;
            }
            _ => {}
        }
    }
    if !root_seen {
        return Err(ImportError::Unrecognized("不是 SMS Backup & Restore 备份：找不到 <smses> 或 <calls>".into()));
    }
    // `<smses>` around nothing but junk used to be accepted as an empty backup: a genuine empty
    // backup is an empty root; a root with other content and no record is not a backup at all.
    let (junk_count, junk_line) = junk;
    if junk_count > 0 && record_no == 0 {
        return Err(ImportError::Unrecognized(format!(
            "不是 SMS Backup & Restore 备份：文件中没有任何短信、彩信或通话记录，只有 {junk_count} 处无法识别的内容（第 {junk_line} 行起）"
        )));
    }
    if junk_count > 0 {
        ctx.warn(format!("记录之外有 {junk_count} 处无法识别的内容（第 {junk_line} 行起），已忽略"));
    }
    if lone_total > 0 {
        ctx.warn(format!("有 {lone_total} 个无法配对的代理字符引用，已替换为 U+FFFD（�）"));
    }
    if let Some(n) = declared_count
        && n != record_no
    {
        ctx.warn(format!("文件声明共 {n} 条记录，实际读到 {record_no} 条"));
    }
    Ok(())
}

fn attributes(e: &BytesStart<'_>, lone_total: &mut u32) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for a in e.attributes().with_checks(false) {
        let a = a.map_err(|err| format!("属性格式错误：{err}"))?;
        let key = a.key.as_ref().to_string();
        let (value, lone) = unescape(a.value.as_bytes()).map_err(|err| format!("属性 {key}：{err}"))?;
        *lone_total += lone;
        out.push((key, value));
    }
    Ok(out)
}

fn note_junk(junk: &mut (u64, u64), line: u64) {
    if junk.0 == 0 {
        junk.1 = line;
    }
    junk.0 += 1;
}

/// The most text one record keeps as its message (and fields): 1 MiB. A real SMS is at most a
/// few kilobytes; a 120 MB body (a corrupt or hostile export) was copied six times over, 2.2 GB.
/// The record's own bytes (`raw`) and the file the store keeps stay whole, so nothing is lost:
/// only the text shown and analysed is cut, and the import says so.
const MAX_TEXT_BYTES: usize = 1 << 20;

/// Cuts `s` to [`MAX_TEXT_BYTES`] at a character boundary, releasing the rest; returns the
/// original length when it cut.
fn cap_text(s: &mut String) -> Option<usize> {
    if s.len() <= MAX_TEXT_BYTES {
        return None;
    }
    let len = s.len();
    let mut at = MAX_TEXT_BYTES;
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    s.truncate(at);
    s.shrink_to_fit();
    Some(len)
}

fn finish<R: BufRead>(
    mut o: Open,
    reader: &mut Reader<Recording<R>>,
    end: u64,
    ctx: &mut Ctx<'_>,
) -> Result<(), ImportError> {
    let raw = reader.get_mut().take(o.start, end);
    if let Some(p) = o.problem {
        return ctx.reject(Rejected { position: o.position, reason: p, excerpt: excerpt(&raw) });
    }
    let mut cut = None;
    for (_, v) in &mut o.fields {
        cut = cut.max(cap_text(v));
    }
    if let Some(len) = cut {
        ctx.warn(format!(
            "第 {} 条记录（第 {} 行）的内容有 {} 字节，超过 {} MiB：只取前 {} MiB 作为文字用于分析和显示；该记录的完整原文仍原样保存（证据原件整体计算哈希）",
            o.position.record,
            o.position.line,
            len,
            MAX_TEXT_BYTES >> 20,
            MAX_TEXT_BYTES >> 20
        ));
    }
    match build(o, raw) {
        Ok(item) => ctx.emit(item),
        Err((reason, position, raw)) => ctx.reject(Rejected { position, reason, excerpt: excerpt(&raw) }),
    }
}

fn build(o: Open, raw: Vec<u8>) -> Result<Item, (String, Position, Vec<u8>)> {
    let f = &o.fields;
    let fail = |msg: String| Err((msg, o.position, raw.clone()));
    // SB&R writes every instant in milliseconds; checked here for its own wording (the attribute),
    // then the shared Android mapping reads the record.
    let Some(date) = value(f, "date") else {
        return fail("缺少 date（时间）属性".into());
    };
    if android::epoch_ms(date).is_none() {
        return fail(format!("date（时间）不是有效的毫秒时间戳：“{date}”"));
    }
    let contact_name = value(f, "contact_name").filter(|n| *n != "(Unknown)");
    let mut attachments = Vec::new();
    let msg = match o.kind {
        ItemKind::Sms => {
            if value(f, "address").is_none() && !f.iter().any(|(k, _)| k == "address") {
                return fail("缺少 address（号码）属性".into());
            }
            android::sms_message(f, contact_name)
        }
        ItemKind::Mms => {
            let addr_of = |ty: &str| {
                o.addrs
                    .iter()
                    .find(|a| value(a, "type") == Some(ty))
                    .and_then(|a| value(a, "address"))
                    .or_else(|| value(f, "address"))
            };
            let mut parts: Vec<&Vec<(String, String)>> = o.parts.iter().collect();
            parts.sort_by_key(|p| value(p, "seq").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0));
            let mut text = String::new();
            for p in parts {
                let ct = value(p, "ct").unwrap_or("");
                if ct == "application/smil" || value(p, "seq") == Some("-1") {
                    continue;
                }
                if ct.starts_with("text/") {
                    if let Some(t) = value(p, "text") {
                        if !text.is_empty() {
                            text.push('\n');
                        }
                        text.push_str(t);
                    }
                } else if let Some(data) = value(p, "data") {
                    let bytes = match base64::engine::general_purpose::STANDARD.decode(data.trim()) {
                        Ok(b) => b,
                        Err(e) => return fail(format!("彩信附件的 base64 数据损坏：{e}")),
                    };
                    attachments.push(Attachment {
                        content_type: ct.to_string(),
                        name: value(p, "name").or_else(|| value(p, "cl")).map(str::to_string),
                        size: bytes.len() as u64,
                        sha256: sha256_hex(&bytes),
                    });
                }
            }
            android::mms_message(f, addr_of("137"), addr_of("151"), text, contact_name)
        }
        _ => android::call_message(f, contact_name),
    };
    let msg = match msg {
        Ok(m) => m,
        Err(reason) => return fail(reason),
    };
    Ok(Item {
        kind: o.kind,
        position: o.position,
        // Two picture messages with the same (empty) text in the same second differ by their pictures.
        key: Item::message_key_with(o.kind, &msg, &attachments.iter().map(|a| a.sha256.as_str()).collect::<Vec<_>>()),
        raw,
        slice: true,
        fields: o.fields,
        message: Some(msg),
        media: None,
        attachments,
    })
}

//! 留痕 / WeChatMsg (MemoTrace, WeChat 4.x) HTML and `.html.json` exports: a JSON array of
//! message objects (`Message.to_json()`), either alone in `<聊天名>.html.json` or embedded in
//! `<聊天名>.html` after `const chatMessages = ` with its string values HTML-escaped. The keys of
//! each message type and the escaping rule are in docs/import-formats.md §3.1.
//!
//! Media (images, voice, video, files) are relative paths into the export folder. They are
//! looked up through a [`MediaSource`] (a folder on disk, or the members of a zip of that
//! folder); each found file becomes an [`Attachment`] with its hash, a missing one a warning,
//! and a path that would leave the folder is refused.

use std::io::BufRead;

use serde_json::{Map, Value};
use yuqi_case::Channel;

use super::jsonarray::{ArraySplitter, Element, SplitError};
use super::{Ctx, ImportError, Options, Rejected, csvfmt, excerpt, message};
use crate::item::{Attachment, Direction, Item, ItemKind, Position};

pub mod mediaref;

pub use mediaref::{FolderMedia, Found, MediaSource};

/// What stands just before the array in the HTML page (the exporter's template splits there).
const HTML_MARKER: &[u8] = b"const chatMessages = ";

/// Type ids of WeChat 4.x messages: `(SubType << 32) | Type` (wxManager/model/message.py).
mod ty {
    pub(super) const TEXT: i64 = 1;
    pub(super) const TEXT2: i64 = 2;
    pub(super) const IMAGE: i64 = 3;
    pub(super) const VOICE: i64 = 34;
    pub(super) const CARD: i64 = 42;
    pub(super) const VIDEO: i64 = 43;
    pub(super) const EMOJI: i64 = 47;
    pub(super) const POSITION: i64 = 48;
    pub(super) const CALL: i64 = 50;
    pub(super) const OPEN_IM_CARD: i64 = 66;
    pub(super) const SYSTEM: i64 = 10000;
    pub(super) const FILE: i64 = 25769803825;
    pub(super) const LINKS: [i64; 5] = [21474836529, 292057776177, 4294967345, 326417514545, 17179869233];
    pub(super) const MUSIC: i64 = 12884901937;
    pub(super) const RED_PACKET: i64 = 8594229559345;
    pub(super) const TRANSFER: i64 = 8589934592049;
    pub(super) const QUOTE: i64 = 244813135921;
    pub(super) const MERGED: i64 = 81604378673;
    pub(super) const APPLETS: [i64; 2] = [141733920817, 154618822705];
    pub(super) const CHANNELS_VIDEO: i64 = 219043332145;
    pub(super) const FAV_NOTE: i64 = 103079215153;
    pub(super) const PAT: i64 = 266287972401;
}

/// The tool's own Chinese name of a type (`MessageType.name`).
fn type_name(t: i64) -> &'static str {
    match t {
        ty::TEXT | ty::TEXT2 => "文本",
        ty::IMAGE => "图片",
        ty::VIDEO => "视频",
        ty::VOICE => "语音",
        ty::EMOJI => "表情包",
        ty::CALL => "音视频通话",
        ty::FILE => "文件",
        ty::POSITION => "位置分享",
        t if ty::LINKS.contains(&t) => "分享链接",
        ty::RED_PACKET => "红包",
        ty::TRANSFER => "转账",
        ty::QUOTE => "引用消息",
        ty::MERGED => "合并转发的聊天记录",
        t if ty::APPLETS.contains(&t) => "小程序",
        ty::CHANNELS_VIDEO => "视频号",
        ty::MUSIC => "音乐分享",
        ty::FAV_NOTE => "收藏笔记",
        ty::CARD => "个人/公众号名片",
        ty::OPEN_IM_CARD => "企业微信名片",
        ty::SYSTEM => "系统消息",
        ty::PAT => "拍一拍",
        _ => "未知类型",
    }
}

/// Where the messages are read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// The `.html.json` sidecar: the bare array, values as they are.
    Json,
    /// The `.html` page: the array after [`HTML_MARKER`], values HTML-escaped.
    Html,
}

/// Does this head look like the start of a 留痕 `.html.json` (an array whose first object has
/// the `to_json` keys, in the tool's order)?
pub(crate) fn looks_like_json(head: &str) -> bool {
    let t = head.trim_start();
    t.starts_with('[')
        && ["\"type\"", "\"is_send\"", "\"timestamp\"", "\"server_id\"", "\"display_name\""]
            .iter()
            .all(|k| t.contains(k))
}

/// Does this head look like the exporter's HTML page? The array itself sits some 400 KB in,
/// after the template's styles and scripts, beyond any head; the template's start is what can
/// be seen. A page that turns out to hold no array is kept whole with a warning.
pub(crate) fn looks_like_html(head: &str) -> bool {
    head.contains("<html lang=\"zh-CN\">") && head.contains("flatpickr-calendar")
        || head.contains("const chatMessages = [")
}

/// Imports one export. `media` answers for referenced files (none: they are not looked at);
/// `slice` says whether each element's bytes are a byte range of the stored file.
pub(crate) fn import<R: BufRead>(
    mut input: R,
    layout: Layout,
    opts: &Options,
    ctx: &mut Ctx<'_>,
    mut media: Option<&mut dyn MediaSource>,
    slice: bool,
) -> Result<(), ImportError> {
    ctx.summary.encoding = "UTF-8".into();
    let (byte, line) = match layout {
        Layout::Json => (0, 1),
        Layout::Html => match find_marker(&mut input)? {
            Some(at) => at,
            None => {
                ctx.warn("这个网页里没有找到留痕导出的聊天记录数据（可能不是留痕导出的网页），只保存了文件本身".into());
                return Ok(());
            }
        },
    };
    let chat = opts.conversation.as_deref().map(|c| c.strip_suffix(".html").unwrap_or(c).to_string());
    let mut split = ArraySplitter::new(input, byte, line);
    loop {
        let el = match split.next_element() {
            Ok(Some(el)) => el,
            Ok(None) => break,
            Err(SplitError::Io(e)) => return Err(ImportError::Io(e)),
            Err(SplitError::Syntax { position, reason }) => {
                return Err(ImportError::Syntax(Rejected { position, reason, excerpt: String::new() }));
            }
        };
        match item_of(&el, layout, chat.as_deref(), ctx, media.as_deref_mut(), slice) {
            Ok(item) => ctx.emit(item)?,
            Err(reason) => ctx.reject(Rejected { position: el.position, reason, excerpt: excerpt(&el.bytes) })?,
        }
    }
    if split.count() == 0 {
        ctx.warn("导出里没有任何消息".into());
    }
    Ok(())
}

/// Skips the page head up to just after [`HTML_MARKER`]; returns the byte offset and line there.
fn find_marker<R: BufRead>(input: &mut R) -> Result<Option<(u64, u64)>, ImportError> {
    let (mut byte, mut line, mut matched) = (0u64, 1u64, 0usize);
    loop {
        let buf = match input.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(ImportError::Io(e)),
        };
        if buf.is_empty() {
            return Ok(None);
        }
        let mut used = 0;
        let mut found = false;
        for &b in buf {
            used += 1;
            if b == b'\n' {
                line += 1;
            }
            // The marker's only self-overlap is its first byte, so a restart there suffices.
            matched = if b == HTML_MARKER[matched] { matched + 1 } else { usize::from(b == HTML_MARKER[0]) };
            if matched == HTML_MARKER.len() {
                found = true;
                break;
            }
        }
        input.consume(used);
        byte += used as u64;
        if found {
            return Ok(Some((byte, line)));
        }
    }
}

/// One element as an item, or why it cannot be read.
fn item_of<'m>(
    el: &Element,
    layout: Layout,
    chat: Option<&str>,
    ctx: &mut Ctx<'_>,
    media: Option<&mut (dyn MediaSource + 'm)>,
    slice: bool,
) -> Result<Item, String> {
    if el.too_big {
        return Err(format!("这条消息过大（超过 {} MiB），无法读取", super::jsonarray::MAX_ELEMENT >> 20));
    }
    let value: Value = serde_json::from_slice(&el.bytes).map_err(|e| {
        format!("这条消息不是有效的 JSON（从这条消息开头算第 {} 行第 {} 列附近）", e.line(), e.column())
    })?;
    let Value::Object(mut obj) = value else {
        return Err("这条记录不是消息对象".into());
    };
    if layout == Layout::Html {
        unescape_object(&mut obj);
    }
    let t = int_of(obj.get("type")).ok_or("缺少消息类型（type）或类型不是数字")?;
    let secs = int_of(obj.get("timestamp")).ok_or("缺少时间戳（timestamp）或时间戳不是数字")?;
    let time_ms = secs.checked_mul(1000).filter(|ms| ms.abs() < 32_503_680_000_000).ok_or("时间戳超出范围")?;
    let sent = match obj.get("is_send") {
        Some(Value::Bool(b)) => Some(*b),
        Some(v) => match int_of(Some(v)) {
            Some(1) => Some(true),
            Some(0) => Some(false),
            _ => None,
        },
        None => None,
    };
    let name = str_of(&obj, "display_name");
    let server_id = obj.get("server_id").map(scalar_text).unwrap_or_default();
    let system = t == ty::SYSTEM || t == ty::PAT;
    let direction = match sent {
        _ if system => Direction::System,
        Some(true) => Direction::Out,
        Some(false) => Direction::In,
        None => Direction::Unknown,
    };
    // A received message names its sender (the other party, or a group member); a sent one is
    // addressed to the chat the export is named after.
    let counterpart = match (direction, chat) {
        (Direction::In, _) if !name.is_empty() => name.clone(),
        (_, Some(c)) => c.to_string(),
        _ => name.clone(),
    };
    let mut attachments = Vec::new();
    let mut missing = Vec::new();
    if let (Some(source), Some(label)) = (media, media_label(t)) {
        let path = str_of(&obj, "path");
        resolve(&path, t == ty::IMAGE, label, el.position, source, ctx, &mut attachments, &mut missing);
    }
    let text = render(t, &obj, 0);
    let m = message((time_ms, false), Channel::Wechat.code(), direction, counterpart, text);
    let mut fields = vec![
        ("yuqi_type".to_string(), type_name(t).to_string()),
        ("type".to_string(), t.to_string()),
        ("server_id".to_string(), server_id.clone()),
        ("display_name".to_string(), name),
    ];
    if let Some(c) = chat {
        fields.push(("chat".into(), c.to_string()));
    }
    for path in missing {
        fields.push(("media_missing".into(), path));
    }
    for (k, v) in &obj {
        if !matches!(k.as_str(), "type" | "server_id" | "display_name" | "avatar_src") {
            fields.push((k.clone(), scalar_text(v)));
        }
    }
    let hashes: Vec<&str> = attachments.iter().map(|a: &Attachment| a.sha256.as_str()).collect();
    let mut extra = vec![server_id.as_str()];
    extra.extend(hashes);
    let key = Item::message_key_with(ItemKind::Chat, &m, &extra);
    Ok(Item {
        kind: ItemKind::Chat,
        position: el.position,
        key,
        raw: el.bytes.clone(),
        slice,
        fields,
        message: Some(m),
        media: None,
        attachments,
    })
}

/// The readable text of a message, as the analyzer scans it. Nested merged records are indented.
fn render(t: i64, obj: &Map<String, Value>, depth: usize) -> String {
    let s = |k: &str| str_of(obj, k);
    let join = |head: &str, parts: &[String]| {
        let mut out = head.to_string();
        for p in parts.iter().filter(|p| !p.is_empty()) {
            out.push('\n');
            out.push_str(p);
        }
        out
    };
    match t {
        ty::TEXT | ty::TEXT2 | ty::SYSTEM | ty::PAT => s("text"),
        ty::IMAGE => "【图片】".into(),
        // The duration's unit is not documented by the tool: it stays in the record only.
        ty::VOICE => join("【语音】", &[s("voice_to_text")]),
        ty::VIDEO => "【视频】".into(),
        ty::EMOJI => format!("【表情包】{}", s("desc")).trim_end().to_string(),
        ty::FILE => format!("【文件】{}", s("file_name")).trim_end().to_string(),
        ty::TRANSFER => {
            let state = obj.get("pay_subtype").map(scalar_text);
            csvfmt::transfer_line(state.as_deref(), &s("fee_desc"), Some(&s("pay_memo")))
        }
        ty::RED_PACKET => format!("【红包】{}", s("text")).trim_end().to_string(),
        ty::CALL => join("【音视频通话】", &[s("display_content")]),
        ty::QUOTE => {
            let quote = s("quote_text");
            if quote.is_empty() { s("text") } else { format!("{}\n引用：{quote}", s("text")) }
        }
        ty::POSITION => join("【位置分享】", &[s("poiname"), s("label")]),
        ty::MUSIC => join("【音乐分享】", &[s("title"), s("description")]),
        ty::CHANNELS_VIDEO => join("【视频号】", &[s("title"), s("publisher_nickname")]),
        ty::FAV_NOTE => join("【笔记】", &[s("text"), s("description")]),
        ty::CARD | ty::OPEN_IM_CARD => join("【名片】", &[s("nickname"), s("alias"), s("open_im_desc")]),
        t if ty::LINKS.contains(&t) => join("【分享链接】", &[s("title"), s("description"), s("url")]),
        t if ty::APPLETS.contains(&t) => join("【小程序】", &[s("title"), s("app_name")]),
        ty::MERGED => {
            let mut out = join("【合并转发的聊天记录】", &[s("title")]);
            let indent = " ".repeat((depth + 1).min(8) * 4);
            for m in obj.get("messages").and_then(Value::as_array).into_iter().flatten() {
                let Some(inner) = m.as_object() else { continue };
                let it = int_of(inner.get("type")).unwrap_or(-1);
                let body = if depth < 8 { render(it, inner, depth + 1) } else { String::new() };
                out.push_str(&format!("\n{indent}- {}: {}", str_of(inner, "display_name"), body.replace('\n', " ")));
            }
            out
        }
        _ => {
            let text = s("text");
            if text.is_empty() { format!("【{}】", type_name(t)) } else { text }
        }
    }
}

/// Which kind of file a message type references in `path` (the exporter copies these).
fn media_label(t: i64) -> Option<&'static str> {
    match t {
        ty::IMAGE => Some("图片"),
        ty::VOICE => Some("语音"),
        ty::VIDEO => Some("视频"),
        ty::FILE => Some("文件"),
        _ => None,
    }
}

/// Image extensions tried for an image path, which the exporter writes without one (the page
/// tries the same list; the decrypted image's type decides the real one).
const IMAGE_EXTS: [&str; 6] = ["jpg", "png", "jpeg", "gif", "bmp", "webp"];

#[allow(clippy::too_many_arguments)]
fn resolve(
    path: &str,
    is_image: bool,
    label: &str,
    at: Position,
    source: &mut dyn MediaSource,
    ctx: &mut Ctx<'_>,
    attachments: &mut Vec<Attachment>,
    missing: &mut Vec<String>,
) {
    let clean = match mediaref::clean_path(path) {
        Ok(Some(clean)) => clean,
        Ok(None) => return,
        Err(mediaref::LeavesFolder) => {
            ctx.warn(format!("{at}：引用的{label}路径 {path} 指向导出文件夹之外，已拒绝读取"));
            return;
        }
    };
    let mut candidates = vec![clean.clone()];
    if is_image {
        candidates.extend(IMAGE_EXTS.iter().map(|e| format!("{clean}.{e}")));
    }
    for c in &candidates {
        match source.find(c) {
            Found::File { size, sha256 } => {
                attachments.push(Attachment {
                    content_type: mediaref::content_type(c).to_string(),
                    name: Some(c.clone()),
                    size,
                    sha256,
                });
                return;
            }
            Found::Outside => {
                ctx.warn(format!("{at}：引用的{label} {c} 指向导出文件夹之外（符号链接），已拒绝读取"));
                return;
            }
            Found::Missing => {}
        }
    }
    ctx.warn(format!("引用的{label} {clean} 不在导出文件夹里（{at}）"));
    missing.push(clean);
}

/// Reverses the exporter's escaping of the HTML page: `html.escape` of every string value of
/// the message and of nested objects, except strings starting with `http`; strings inside
/// arrays (merged records' `messages`) were not escaped and are left as they are.
fn unescape_object(obj: &mut Map<String, Value>) {
    for v in obj.values_mut() {
        match v {
            Value::String(s) if !s.starts_with("http") => *s = unescape(s),
            Value::Object(inner) => unescape_object(inner),
            _ => {}
        }
    }
}

/// Undoes Python's `html.escape` (`&amp; &lt; &gt; &quot; &#x27;`) and numeric references; any
/// other `&` is kept as it is.
pub(crate) fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[1..].find(';').map(|e| e + 1).filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => {
                    let n = name.strip_prefix('#')?;
                    let code = match n.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => n.parse().ok()?,
                    };
                    char::from_u32(code)
                }
            }?;
            Some((c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn int_of(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn str_of(obj: &Map<String, Value>, key: &str) -> String {
    obj.get(key).map(scalar_text).unwrap_or_default()
}

/// A value as text: strings as they are, numbers and booleans written out, null empty, objects
/// and arrays as compact JSON.
fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unescape_reverses_python_html_escape() {
        assert_eq!(unescape("a &amp; b &lt;c&gt; &quot;d&quot; &#x27;e&#x27;"), "a & b <c> \"d\" 'e'");
        assert_eq!(unescape("&amp;amp; &#25105; & &bogus; &"), "&amp; 我 & &bogus; &");
        assert_eq!(unescape("&#xD800;"), "&#xD800;");
    }

    #[test]
    fn types_have_the_tools_names() {
        assert_eq!(type_name(8589934592049), "转账");
        assert_eq!(type_name(6 << 32 | 49), "文件");
        assert_eq!(type_name(57 << 32 | 49), "引用消息");
        assert_eq!(type_name(2001 << 32 | 49), "红包");
    }
}

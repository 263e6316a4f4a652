//! Line-based chat exports: 留痕/WeChatMsg TXT (docs/import-formats.md §3.1) and
//! imessage-exporter TXT (§4.1). A message starts at a line matching the format's header
//! pattern and runs to the next one; bodies may contain blank lines, so splitting on blank lines
//! would be wrong.

use std::io::BufRead;
use std::sync::LazyLock;

use chrono::NaiveDateTime;
use regex::Regex;
use yuqi_case::Channel;

use super::csvfmt::local_ms;
use super::{Ctx, ImportError, Options, Rejected, excerpt, message};
use crate::item::{Direction, Item, ItemKind, Position};

static WECHAT_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})(?: (.*))?$").unwrap_or_else(|e| panic!("{e}"))
});
static IMESSAGE_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([A-Z][a-z]{2} \d{2}, \d{4} +\d{1,2}:\d{2}:\d{2} [AP]M)( \(.*\))?$").unwrap_or_else(|e| panic!("{e}"))
});

pub(crate) fn looks_like_wechat(head: &str) -> bool {
    head.lines().next().is_some_and(|l| WECHAT_HEADER.is_match(l.trim_end()))
}

pub(crate) fn looks_like_imessage(head: &str) -> bool {
    head.lines().next().is_some_and(|l| IMESSAGE_HEADER.is_match(l.trim_end()))
}

/// One message block: its header line, the following lines, and where it began.
struct Block {
    header: String,
    lines: Vec<String>,
    raw: Vec<u8>,
    position: Position,
}

/// Splits the input into blocks at header lines and calls `each` for every block.
fn blocks<R: BufRead>(
    mut input: R,
    is_header: &dyn Fn(&str) -> bool,
    ctx: &mut Ctx<'_>,
    each: &mut dyn FnMut(Block, &mut Ctx<'_>) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    let mut line_buf = Vec::new();
    let mut line_no = 0u64;
    let mut byte = 0u64;
    let mut current: Option<Block> = None;
    let mut record = 0u64;
    loop {
        line_buf.clear();
        let n = input.read_until(b'\n', &mut line_buf)?;
        if n == 0 {
            break;
        }
        line_no += 1;
        let start = byte;
        byte += n as u64;
        let text = match std::str::from_utf8(&line_buf) {
            Ok(t) => t.trim_end_matches(['\n', '\r']).trim_start_matches('\u{feff}').to_string(),
            Err(_) => {
                let r = Rejected {
                    position: Position { record: record + 1, line: line_no, byte: start },
                    reason: "这一行不是有效的 UTF-8 文本".into(),
                    excerpt: excerpt(&line_buf),
                };
                return Err(ImportError::Syntax(r));
            }
        };
        if is_header(&text) {
            if let Some(b) = current.take() {
                each(b, ctx)?;
            }
            record += 1;
            current = Some(Block {
                header: text,
                lines: Vec::new(),
                raw: line_buf.clone(),
                position: Position { record, line: line_no, byte: start },
            });
        } else if let Some(b) = current.as_mut() {
            b.lines.push(text);
            b.raw.extend_from_slice(&line_buf);
        } else if !text.trim().is_empty() {
            let r = Rejected {
                position: Position { record: 0, line: line_no, byte: start },
                reason: "第一条消息之前有无法识别的内容".into(),
                excerpt: excerpt(&line_buf),
            };
            ctx.reject(r)?;
        }
    }
    if let Some(b) = current.take() {
        each(b, ctx)?;
    }
    Ok(())
}

fn trim_blank_tail(lines: &mut Vec<String>) {
    while lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
}

pub(crate) fn import_wechat_txt<R: BufRead>(input: R, opts: &Options, ctx: &mut Ctx<'_>) -> Result<(), ImportError> {
    if opts.my_names.is_empty() {
        ctx.warn("微信 TXT 导出没有“是否我发送”的标记：请用 --me 指定您自己的微信昵称，否则方向记为未知".into());
    }
    ctx.warn("留痕 v1 的 TXT 导出会丢掉转账和通话记录；如有 CSV 导出，请优先导入 CSV".into());
    let is_header = |l: &str| WECHAT_HEADER.is_match(l);
    blocks(input, &is_header, ctx, &mut |mut b, ctx| {
        let Some(caps) = WECHAT_HEADER.captures(&b.header) else { return Ok(()) };
        let when = caps.get(1).map_or("", |m| m.as_str());
        let name = caps.get(2).map_or("", |m| m.as_str()).trim().to_string();
        let Some(time_ms) =
            NaiveDateTime::parse_from_str(when, "%Y-%m-%d %H:%M:%S").ok().and_then(|t| local_ms(t, opts.zone))
        else {
            return ctx.reject(Rejected {
                position: b.position,
                reason: format!("时间无法识别：“{when}”"),
                excerpt: excerpt(&b.raw),
            });
        };
        trim_blank_tail(&mut b.lines);
        let system = b.lines.is_empty();
        let (counterpart, text, direction) = if system {
            // A header with no body is a system notice ("…撤回了一条消息").
            ("系统".to_string(), name.clone(), Direction::System)
        } else {
            let direction = if opts.my_names.is_empty() {
                Direction::Unknown
            } else if opts.my_names.contains(&name) {
                Direction::Out
            } else {
                Direction::In
            };
            // My own messages belong to the conversation (the file), not to my name.
            let counterpart = match (&direction, &opts.conversation) {
                (Direction::Out, Some(c)) => c.clone(),
                _ => name.clone(),
            };
            (counterpart, b.lines.join("\n"), direction)
        };
        let msg = message((time_ms, true), Channel::Wechat.code(), direction, counterpart, text);
        let fields = vec![("time".into(), when.to_string()), ("name".into(), name)];
        ctx.emit(Item::from_message(ItemKind::Chat, b.position, b.raw, true, fields, msg))
    })?;
    ctx.warn(format!("导出的时间是导出电脑的本地时间，已按 {} 理解", opts.zone));
    Ok(())
}

pub(crate) fn import_imessage<R: BufRead>(input: R, opts: &Options, ctx: &mut Ctx<'_>) -> Result<(), ImportError> {
    let is_header = |l: &str| IMESSAGE_HEADER.is_match(l);
    blocks(input, &is_header, ctx, &mut |mut b, ctx| {
        let Some(caps) = IMESSAGE_HEADER.captures(&b.header) else { return Ok(()) };
        let when = caps.get(1).map_or("", |m| m.as_str()).split_whitespace().collect::<Vec<_>>().join(" ");
        let Some(time_ms) =
            NaiveDateTime::parse_from_str(&when, "%b %d, %Y %I:%M:%S %p").ok().and_then(|t| local_ms(t, opts.zone))
        else {
            return ctx.reject(Rejected {
                position: b.position,
                reason: format!("时间无法识别：“{when}”"),
                excerpt: excerpt(&b.raw),
            });
        };
        trim_blank_tail(&mut b.lines);
        if b.lines.is_empty() {
            return ctx.reject(Rejected {
                position: b.position,
                reason: "消息缺少发送人一行".into(),
                excerpt: excerpt(&b.raw),
            });
        }
        let sender = b.lines.remove(0).trim().to_string();
        // Replies are threaded under their parent, indented by four spaces: they are kept in the
        // raw record but are not this message's text.
        // Attachments are written as their file path (or "Attachment missing!"): kept as fields,
        // not as text.
        let is_attachment = |l: &str| {
            l.starts_with("attachments/") || l.starts_with('/') || l.starts_with("~/") || l == "Attachment missing!"
        };
        let body: Vec<&str> =
            b.lines.iter().filter(|l| !l.starts_with("    ") && !is_attachment(l)).map(String::as_str).collect();
        let attachments: Vec<String> = b.lines.iter().filter(|l| is_attachment(l)).cloned().collect();
        let direction = if sender == "Me" { Direction::Out } else { Direction::In };
        // "Me" writes to the conversation the file is about.
        let counterpart = if sender == "Me" { opts.conversation.clone().unwrap_or_default() } else { sender.clone() };
        let msg = message(
            (time_ms, true),
            Channel::IMessage.code(),
            direction,
            counterpart,
            body.join("\n").trim().to_string(),
        );
        let mut fields = vec![("time".into(), when.clone()), ("sender".into(), sender)];
        fields.extend(attachments.into_iter().map(|a| ("attachment".to_string(), a)));
        ctx.emit(Item::from_message(ItemKind::Chat, b.position, b.raw, true, fields, msg))
    })?;
    ctx.warn(format!("导出的时间是 Mac 的本地时间，已按 {} 理解", opts.zone));
    Ok(())
}

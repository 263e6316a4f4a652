//! iMazing's CSV of an iPhone's messages (one file per conversation), docs/import-formats.md
//! §4.2. The vendor does not publish the layout: the columns are matched by name, and only
//! `Chat Session`, `Message Date` and `Type` are required.

use std::io::BufRead;

use yuqi_case::Channel;

use super::csvfmt::{Parsed, csv_error, decoded, drive, reader, time_of};
use super::{Ctx, ImportError, Options, message};
use crate::item::{Direction, ItemKind};

/// A header line of an iMazing messages CSV (comma-separated, a BOM allowed).
pub(crate) fn looks_like(header: &str) -> bool {
    let cols: Vec<&str> = header.trim_start_matches('\u{feff}').split(',').map(str::trim).collect();
    cols.first() == Some(&"Chat Session") && cols.contains(&"Message Date") && cols.contains(&"Type")
}

pub(crate) fn import<R: BufRead>(input: R, opts: &Options, ctx: &mut Ctx<'_>) -> Result<(), ImportError> {
    let mut rdr = reader(decoded(input, ctx)?);
    let raw_headers = rdr.headers().map_err(|e| csv_error(e, 0))?.clone();
    let idx = |name: &str| raw_headers.iter().position(|h| h.trim_start_matches('\u{feff}').trim() == name);
    let (Some(chat_i), Some(date_i), Some(type_i)) = (idx("Chat Session"), idx("Message Date"), idx("Type")) else {
        return Err(ImportError::Unrecognized(format!(
            "iMazing 信息 CSV 需要 Chat Session、Message Date、Type 三列，文件的列是：{}",
            raw_headers.iter().collect::<Vec<_>>().join("、")
        )));
    };
    let cols: Vec<Option<usize>> =
        ["Service", "Sender ID", "Sender Name", "Text", "Subject", "Attachment"].into_iter().map(idx).collect();
    drive(
        rdr,
        &raw_headers,
        opts,
        ctx,
        "iMazing 导出的时间是导出电脑的本地时间，没有写明时区",
        &mut |rec| {
            let get = |i: Option<usize>| i.and_then(|i| rec.get(i)).unwrap_or("");
            let (service, sender_id, sender_name, text, subject, attachment) =
                (get(cols[0]), get(cols[1]), get(cols[2]), get(cols[3]), get(cols[4]), get(cols[5]));
            let chat = get(Some(chat_i)).trim();
            let direction = match get(Some(type_i)).trim() {
                "Incoming" => Direction::In,
                "Outgoing" => Direction::Out,
                // A notice of the Messages app itself ("… named the conversation", encryption notices).
                "Notification" => Direction::System,
                other => {
                    return Err(format!(
                        "Type（收发类型）无法识别：“{other}”，应为 Incoming、Outgoing 或 Notification"
                    ));
                }
            };
            let time = time_of(get(Some(date_i)), opts.zone)?;
            // A received message names its sender; a sent one only its conversation.
            let counterpart = match direction {
                Direction::In => [sender_id, sender_name, chat].into_iter().map(str::trim).find(|s| !s.is_empty()),
                _ => Some(chat).filter(|s| !s.is_empty()),
            }
            .unwrap_or("")
            .to_string();
            let (kind, channel) = match service.trim() {
                "SMS" | "MMS" | "RCS" => (ItemKind::Sms, Channel::Sms),
                _ => (ItemKind::Chat, Channel::IMessage),
            };
            let mut body = text.to_string();
            if !subject.trim().is_empty() {
                body = if body.is_empty() { subject.to_string() } else { format!("{subject}\n{body}") };
            }
            if body.is_empty() && !attachment.trim().is_empty() {
                body = format!("[附件] {}", attachment.trim());
            }
            let mut m = message(time, channel.code(), direction, counterpart, body);
            m.contact_name = match direction {
                Direction::In => Some(sender_name.trim()).filter(|s| !s.is_empty()),
                _ => Some(chat).filter(|s| !s.is_empty()),
            }
            .map(str::to_string);
            Ok(Parsed { kind, message: m, extra: Vec::new() })
        },
    )
}

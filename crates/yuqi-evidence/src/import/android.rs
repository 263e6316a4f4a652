//! Android's own telephony records, shared by every importer that reads them: the `sms` table of
//! the telephony provider (`mmssms.db`, and the rows that SMS Import / Export copies column by
//! column into its JSON), the MMS `pdu` row with its addresses and parts, and the call log.
//!
//! One mapping for all of them (type codes, milliseconds, address normalisation, the key), so
//! the same SMS read from an SMS Backup & Restore XML, an SMS Import / Export zip and the phone's
//! own database is one item in the store. Codes: docs/import-formats.md §6.

use yuqi_case::Channel;

use super::{Ctx, ImportError, Options, Rejected, Summary};
use crate::item::{Attachment, Direction, ImportedMessage, Item, ItemKind, Position};
use crate::phone;

/// A column's value; empty and `null` (how exporters write SQL NULL) mean "no value".
pub(crate) fn get<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).filter(|v| !v.is_empty() && *v != "null")
}

/// Epoch ms; a 10-digit (or shorter) value is seconds, as Android's MMS table stores them.
pub fn epoch_ms(s: &str) -> Option<i64> {
    let n: i64 = s.trim().parse().ok()?;
    if n <= 0 {
        return None;
    }
    Some(if n < 100_000_000_000 { n.checked_mul(1000)? } else { n })
}

fn time_of(fields: &[(String, String)]) -> Result<i64, String> {
    let Some(date) = get(fields, "date") else {
        return Err("缺少 date（时间）".into());
    };
    epoch_ms(date).ok_or_else(|| format!("date（时间）不是有效的时间戳：“{date}”"))
}

/// One row of the `sms` table (`Telephony.TextBasedSmsColumns`): `type` 1 received, 2 sent,
/// 3 draft, 4 outbox, 5 failed, 6 queued (3–6 never reached the other side); `date` in ms;
/// `address` the other party. `contact_name` is the name the exporter looked up, if any.
pub fn sms_message(fields: &[(String, String)], contact_name: Option<&str>) -> Result<ImportedMessage, String> {
    let time_ms = time_of(fields)?;
    let address = fields.iter().find(|(k, _)| k == "address").map(|(_, v)| v.clone()).unwrap_or_default();
    let address = if address == "null" { String::new() } else { address };
    let (direction, delivered) = match get(fields, "type").unwrap_or("1") {
        "1" => (Direction::In, true),
        "2" => (Direction::Out, true),
        "3" | "4" | "5" | "6" => (Direction::Out, false),
        other => return Err(format!("type（短信类型）无法识别：“{other}”")),
    };
    Ok(ImportedMessage {
        time_ms: Some(time_ms),
        zone_assumed: false,
        channel: Channel::Sms.code().into(),
        direction,
        counterpart_key: phone::normalize(&address),
        counterpart: address,
        contact_name: contact_name.filter(|n| !n.is_empty()).map(str::to_string),
        text: get(fields, "body").unwrap_or("").to_string(),
        duration_s: None,
        call_status: None,
        delivered,
        creditor: None,
        to: None,
    })
}

/// An MMS (`Telephony.BaseMmsColumns`): `msg_box` 1 inbox, 2 sent, 3 drafts, 4 outbox,
/// 5 failed; `date` in seconds; `m_type` 130 is a notification whose content never arrived.
/// `from` is the address of type 137 (PduHeaders.FROM), `to` those of type 151 (TO).
pub fn mms_message(
    fields: &[(String, String)],
    from: Option<&str>,
    to: Option<&str>,
    text: String,
    contact_name: Option<&str>,
) -> Result<ImportedMessage, String> {
    let time_ms = time_of(fields)?;
    let direction = match get(fields, "msg_box").unwrap_or("1") {
        "1" => Direction::In,
        "2" | "3" | "4" | "5" => Direction::Out,
        _ => Direction::Unknown,
    };
    let counterpart = match direction {
        Direction::Out => to,
        _ => from,
    }
    .unwrap_or("")
    .to_string();
    Ok(ImportedMessage {
        time_ms: Some(time_ms),
        zone_assumed: false,
        channel: Channel::Mms.code().into(),
        direction,
        counterpart_key: phone::normalize(&counterpart),
        counterpart,
        contact_name: contact_name.filter(|n| !n.is_empty()).map(str::to_string),
        text,
        duration_s: None,
        call_status: None,
        delivered: get(fields, "m_type") != Some("130"),
        creditor: None,
        to: None,
    })
}

/// One call (`CallLog.Calls`): `type` 1 incoming, 2 outgoing, 3 missed, 4 voicemail,
/// 5 rejected, 6 blocked, 7 answered elsewhere; `duration` in seconds; `presentation` other
/// than 1 means the number was withheld.
pub fn call_message(fields: &[(String, String)], contact_name: Option<&str>) -> Result<ImportedMessage, String> {
    let time_ms = time_of(fields)?;
    let number = fields.iter().find(|(k, _)| k == "number").map(|(_, v)| v.clone()).unwrap_or_default();
    let duration: u32 = match get(fields, "duration").map(|d| d.trim().parse::<u32>()) {
        None => 0,
        Some(Ok(d)) => d,
        Some(Err(_)) => return Err("duration（通话时长）不是整数秒".into()),
    };
    let ty = get(fields, "type").unwrap_or("");
    let (direction, status) = match ty {
        "1" => (Direction::In, "answered"),
        "2" => (Direction::Out, if duration > 0 { "answered" } else { "unanswered" }),
        "3" => (Direction::In, "missed"),
        "4" => (Direction::In, "voicemail"),
        "5" => (Direction::In, "rejected"),
        "6" => (Direction::In, "blocked"),
        "7" => (Direction::In, "answered_elsewhere"),
        "" => return Err("缺少 type（通话类型）".into()),
        _ => (Direction::Unknown, ty),
    };
    let hidden = get(fields, "presentation").is_some_and(|p| p != "1");
    Ok(ImportedMessage {
        time_ms: Some(time_ms),
        zone_assumed: false,
        channel: Channel::Call.code().into(),
        direction,
        counterpart_key: if hidden && number.trim().is_empty() { "hidden".into() } else { phone::normalize(&number) },
        counterpart: number,
        contact_name: contact_name.filter(|n| !n.is_empty()).map(str::to_string),
        text: String::new(),
        duration_s: Some(duration),
        call_status: Some(status.to_string()),
        delivered: true,
        creditor: None,
        to: None,
    })
}

/// An item keyed as every other importer keys it: an MMS also by its attachments' hashes (two
/// picture messages with the same empty text in the same second differ by their pictures).
pub fn item(
    kind: ItemKind,
    position: Position,
    raw: Vec<u8>,
    slice: bool,
    fields: Vec<(String, String)>,
    message: ImportedMessage,
    attachments: Vec<Attachment>,
) -> Item {
    let hashes: Vec<&str> = attachments.iter().map(|a| a.sha256.as_str()).collect();
    Item {
        kind,
        position,
        key: Item::message_key_with(kind, &message, &hashes),
        raw,
        slice,
        fields,
        message: Some(message),
        media: None,
        attachments,
    }
}

/// One row of the `sms` table of `mmssms.db`, as the store reads it (column name, value as
/// text; NULL columns left out). The record's bytes are the row as a JSON object, since a row of
/// a database is not a byte range of the file.
pub fn sms_row_item(fields: Vec<(String, String)>, position: Position) -> Result<Item, String> {
    let message = sms_message(&fields, None)?;
    let object: serde_json::Map<String, serde_json::Value> =
        fields.iter().map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone()))).collect();
    let raw = serde_json::to_vec(&object).map_err(|e| e.to_string())?;
    Ok(item(ItemKind::Sms, position, raw, false, fields, message, Vec::new()))
}

/// One row of a database's `sms` table: its `_id` and its columns (NULL ones left out).
pub type SmsRow = (i64, Vec<(String, String)>);

/// Imports the `sms` rows of an Android SMS database, handed over one at a time by `next_row`
/// (the store reads the SQLite file; this side keeps the mapping and the bookkeeping every
/// importer shares). A row's position is its order (`record`) and its `_id` (shown as the row).
pub fn import_sms_rows(
    opts: &Options,
    sink: &mut dyn FnMut(Item) -> Result<(), String>,
    next_row: &mut dyn FnMut() -> Result<Option<SmsRow>, ImportError>,
    notes: &[String],
) -> Result<Summary, ImportError> {
    let mut ctx = Ctx { on_bad: opts.on_bad, summary: Summary::default(), sink };
    ctx.summary.encoding = "SQLite".into();
    let mut n = 0u64;
    while let Some((id, fields)) = next_row()? {
        n += 1;
        let position = Position { record: n, line: id.max(0) as u64, byte: 0 };
        let excerpt =
            fields.iter().find(|(k, _)| k == "body").map(|(_, v)| v.chars().take(40).collect()).unwrap_or_default();
        match sms_row_item(fields, position) {
            Ok(item) => ctx.emit(item)?,
            Err(reason) => ctx.reject(Rejected { position, reason, excerpt })?,
        }
    }
    for note in notes {
        ctx.warn(note.clone());
    }
    Ok(ctx.summary)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn f(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn sms_types_and_times() {
        let m = sms_message(&f(&[("address", "+86 137 1234 5678"), ("date", "1740873900000"), ("type", "2")]), None)
            .unwrap();
        assert_eq!((m.direction, m.delivered, m.time_ms), (Direction::Out, true, Some(1_740_873_900_000)));
        assert_eq!(m.counterpart_key, "13712345678");
        let m = sms_message(&f(&[("address", "10086"), ("date", "1740873900"), ("type", "5")]), None).unwrap();
        assert_eq!((m.direction, m.delivered, m.time_ms), (Direction::Out, false, Some(1_740_873_900_000)));
        assert_eq!(
            sms_message(&f(&[("date", "1"), ("type", "9")]), None).unwrap_err(),
            "type（短信类型）无法识别：“9”"
        );
        assert!(sms_message(&f(&[("type", "1")]), None).unwrap_err().contains("缺少 date"));
        assert!(sms_message(&f(&[("date", "-5")]), None).unwrap_err().contains("不是有效的时间戳"));
        assert!(epoch_ms("99999999999999999").is_some() && epoch_ms("x").is_none());
    }

    #[test]
    fn calls_and_mms() {
        let c =
            call_message(&f(&[("number", ""), ("date", "1740842100000"), ("type", "3"), ("presentation", "2")]), None)
                .unwrap();
        assert_eq!(
            (c.direction, c.call_status.as_deref(), c.counterpart_key.as_str()),
            (Direction::In, Some("missed"), "hidden")
        );
        let c = call_message(
            &f(&[("number", "13712345678"), ("date", "1740842100000"), ("type", "2"), ("duration", "0")]),
            None,
        )
        .unwrap();
        assert_eq!(c.call_status.as_deref(), Some("unanswered"));
        assert!(call_message(&f(&[("date", "1740842100000"), ("type", "1"), ("duration", "x")]), None).is_err());
        let m = mms_message(
            &f(&[("date", "1740900000"), ("msg_box", "2")]),
            Some("me"),
            Some("13712345678"),
            "t".into(),
            None,
        )
        .unwrap();
        assert_eq!(
            (m.direction, m.counterpart.as_str(), m.time_ms),
            (Direction::Out, "13712345678", Some(1_740_900_000_000))
        );
    }

    #[test]
    fn a_row_is_keyed_like_the_same_sms_anywhere() {
        let fields = f(&[("address", "+8613712345678"), ("date", "1740873900000"), ("type", "2"), ("body", "好")]);
        let it = sms_row_item(fields.clone(), Position { record: 1, line: 0, byte: 0 }).unwrap();
        assert!(!it.slice);
        assert_eq!(it.key, Item::message_key(ItemKind::Sms, &sms_message(&fields, Some("王经理")).unwrap()));
        let raw: serde_json::Value = serde_json::from_slice(&it.raw).unwrap();
        assert_eq!(raw["body"], "好");
    }
}

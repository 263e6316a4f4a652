//! What an importer produces: one item per record of an export, or per plain file.

use crate::digest::sha256_hex;

/// The kind of an imported item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// The original export file itself (kept whole, the best evidence of all).
    Source,
    Sms,
    Mms,
    Call,
    /// A chat message (WeChat, iMessage, a generic export).
    Chat,
    /// A plain file: image, recording, PDF, anything else.
    File,
}

impl ItemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Source => "source",
            ItemKind::Sms => "sms",
            ItemKind::Mms => "mms",
            ItemKind::Call => "call",
            ItemKind::Chat => "chat",
            ItemKind::File => "file",
        }
    }

    pub fn parse(s: &str) -> Option<ItemKind> {
        [ItemKind::Source, ItemKind::Sms, ItemKind::Mms, ItemKind::Call, ItemKind::Chat, ItemKind::File]
            .into_iter()
            .find(|k| k.as_str() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ItemKind::Source => "原始导出文件",
            ItemKind::Sms => "短信",
            ItemKind::Mms => "彩信",
            ItemKind::Call => "通话记录",
            ItemKind::Chat => "聊天消息",
            ItemKind::File => "文件",
        }
    }
}

/// Where a record sits in its export: 1-based record number, line of its first byte, and byte
/// offset. Shown in every error and kept with every item, so a reader can find the original.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Position {
    pub record: u64,
    pub line: u64,
    pub byte: u64,
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "第 {} 条记录（第 {} 行，字节偏移 {}）", self.record, self.line, self.byte)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Received by the phone's owner (the debtor).
    In,
    /// Sent by the phone's owner.
    Out,
    /// A notice by the app itself (WeChat "你已添加了…", recall notices).
    System,
    Unknown,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::In => "in",
            Direction::Out => "out",
            Direction::System => "system",
            Direction::Unknown => "unknown",
        }
    }
}

/// A message or call as the analyzer and the timeline see it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ImportedMessage {
    /// The instant, epoch milliseconds (UTC).
    pub time_ms: Option<i64>,
    /// True when the time came from a local string without a zone and the case zone was assumed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub zone_assumed: bool,
    /// `sms`, `mms`, `call`, `wechat`, `imessage` or `other` (docs/law/conduct.md §7 channels).
    pub channel: String,
    pub direction: Direction,
    /// The other party as written in the export (number, handle, wxid or name).
    pub counterpart: String,
    /// The other party's number in a comparable form (see [`crate::phone::normalize`]).
    pub counterpart_key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_name: Option<String>,
    pub text: String,
    /// Calls: seconds of conversation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_s: Option<u32>,
    /// Calls: `answered`, `missed`, `rejected`, `blocked`, `voicemail`, or the raw code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_status: Option<String>,
    /// False for drafts, failed and queued messages (SMS types 3–6): never delivered.
    pub delivered: bool,
    /// The debt the borrower says the message is about (a debt id of his case), when he said
    /// so on pasting it (`import::Options::pasted_debt`); the pipeline ties the message to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creditor: Option<String>,
    /// Who received an incoming message when it was not the borrower, as the analyzer's input
    /// names a recipient (`yuqi_conduct::Message::to`: `relative`, `friend`, `colleague`,
    /// `third_party`); `None` for the borrower himself. Said on pasting
    /// (`import::Options::pasted_to`): his mother's phone is not in the export of his.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

/// Metadata read from a plain file.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MediaInfo {
    pub name: String,
    pub mime: String,
    /// When the content was captured, as written by the device (RFC 3339 when a zone is known,
    /// otherwise a local `YYYY-MM-DDTHH:MM:SS`).
    pub captured_at: Option<String>,
    pub duration_ms: Option<u64>,
    /// What was read and what could not be, in Chinese.
    pub notes: Vec<String>,
}

/// An attachment carried inside a record (an MMS part).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Attachment {
    pub content_type: String,
    pub name: Option<String>,
    pub size: u64,
    pub sha256: String,
}

/// One imported record.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub kind: ItemKind,
    pub position: Position,
    /// The semantic identity used to store a record once across several backups.
    pub key: String,
    /// The record's bytes: exactly as they appear in the export for XML elements and text
    /// blocks (then `slice` is true and they sit at `position.byte` in the file), or the record
    /// re-written as UTF-8 CSV for CSV exports (whose file may be in another encoding).
    pub raw: Vec<u8>,
    pub slice: bool,
    /// The record's original fields, in order (attribute or column name, value).
    pub fields: Vec<(String, String)>,
    pub message: Option<ImportedMessage>,
    pub media: Option<MediaInfo>,
    pub attachments: Vec<Attachment>,
}

impl Item {
    /// The key of a message-like record: kind, other party, instant, direction, and a hash of
    /// the text (so the same SMS in two backups is one item, and two different texts sent in the
    /// same millisecond are two).
    ///
    /// The identity is hashed: the key sits in the log (and in redacted packages), where a third
    /// party's number must not appear in clear. The time stays in front, in clear, so keys of a
    /// backup (written in time order) arrive nearly sorted and the store's unique index grows at
    /// its end instead of at random places.
    pub fn message_key(kind: ItemKind, m: &ImportedMessage) -> String {
        Item::message_key_with(kind, m, &[])
    }

    /// [`Item::message_key`] with more identifying parts (an MMS's attachment hashes). Calls are
    /// keyed to the second: a call log in CSV (seconds) and the same call in XML (milliseconds)
    /// are one call.
    pub fn message_key_with(kind: ItemKind, m: &ImportedMessage, extra: &[&str]) -> String {
        let time = m.time_ms.map(|t| if kind == ItemKind::Call { t.div_euclid(1000) * 1000 } else { t });
        let identity = format!(
            "{}|{}|{}|{}|{}|{}|{}",
            kind.as_str(),
            m.counterpart_key,
            time.map(|t| t.to_string()).unwrap_or_default(),
            m.direction.as_str(),
            m.duration_s.map(|d| d.to_string()).unwrap_or_default(),
            sha256_hex(m.text.as_bytes()),
            extra.join(",")
        );
        // A copy someone else received (his mother's, pasted with its recipient) is another
        // message than his own with the same text and time — collectors send both at once. Only
        // then is the recipient part of the identity, so every key made before it existed stays.
        let identity = match &m.to {
            Some(to) => format!("{identity}|to={to}"),
            None => identity,
        };
        let time = time.map(|t| format!("{t:013}")).unwrap_or_default();
        format!("{}:{time}:{}", kind.as_str(), &sha256_hex(identity.as_bytes())[..32])
    }

    /// A message or call record (no media, no attachments), keyed by [`Item::message_key`].
    pub fn from_message(
        kind: ItemKind,
        position: Position,
        raw: Vec<u8>,
        slice: bool,
        fields: Vec<(String, String)>,
        message: ImportedMessage,
    ) -> Item {
        Item {
            kind,
            position,
            key: Item::message_key(kind, &message),
            raw,
            slice,
            fields,
            message: Some(message),
            media: None,
            attachments: Vec::new(),
        }
    }

    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

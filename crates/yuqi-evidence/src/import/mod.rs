//! Streaming importers. Each reads one export from a `BufRead`, hands every record to the
//! caller's sink as an [`Item`] and keeps nothing itself, so memory stays constant however big
//! the file. What each format looks like, and why each quirk is handled, is in
//! docs/import-formats.md.

pub mod abackup;
pub mod android;
pub mod csvfmt;
pub mod imazing;
mod jsonarray;
mod jsonrec;
pub mod media;
pub mod miui;
pub mod paste;
pub mod sbr;
pub mod smsie;
pub mod textfmt;
pub mod wechatmsg;
mod wechatzip;

use std::io::{BufRead, Read, Seek};

use chrono::FixedOffset;

use crate::item::{Direction, ImportedMessage, Item, Position};

/// The export formats yuqi reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Format {
    /// SMS Backup & Restore `sms-*.xml` (`<smses>` with `<sms>` and `<mms>`).
    SbrMessages,
    /// SMS Backup & Restore `calls-*.xml` (`<calls>` with `<call>`).
    SbrCalls,
    /// A call-log CSV (any exporter; columns matched by alias, docs/import-formats.md §2.1).
    CallLogCsv,
    /// A WeChat CSV by 留痕/WeChatMsg (v1 or v2) or PyWxDump; the variant is read from the header.
    WeChatCsv,
    /// A 留痕/WeChatMsg TXT export.
    WeChatTxt,
    /// An imessage-exporter TXT export.
    IMessageTxt,
    /// 留痕/WeChatMsg (WeChat 4.x) `<聊天名>.html.json`: a JSON array of message objects.
    WeChatMsgJson,
    /// 留痕/WeChatMsg (WeChat 4.x) `<聊天名>.html`: the same array embedded in the page.
    WeChatMsgHtml,
    /// A zip of a 留痕/WeChatMsg export folder: its chats and the media they reference.
    WeChatMsgZip,
    /// Any CSV of messages, with the user's column mapping.
    GenericCsv(csvfmt::ColumnMap),
    /// A plain file (image, recording, PDF, other): stored whole with its metadata.
    File,
    /// SMS Import / Export (Android) messages zip: `messages.ndjson` and the MMS files in `data/`.
    SmsIeZip,
    /// SMS Import / Export JSON: a call log, old (before 2.0.0) messages, or a bare `messages.ndjson`.
    SmsIeJson,
    /// iMazing's CSV of iPhone messages.
    ImazingCsv,
    /// Android's own SMS database `mmssms.db` (SQLite): read by the store, which can open a file.
    AndroidSmsDb,
    /// A Xiaomi MIUI local backup (`.bak`): MIUI's header, then an Android backup ([`abackup`]).
    MiuiBackup,
    /// A plain adb Android backup (`.ab`, `ANDROID BACKUP`): its SMS and text MMS ([`abackup`]).
    AndroidBackup,
    /// Messages copied from a phone's SMS app or WeChat and pasted as text ([`paste`]); never
    /// detected, always chosen by the user.
    PastedText,
}

impl Format {
    pub fn label_zh(&self) -> &'static str {
        match self {
            Format::SbrMessages => "SMS Backup & Restore 短信备份（XML）",
            Format::SbrCalls => "SMS Backup & Restore 通话记录备份（XML）",
            Format::CallLogCsv => "通话记录 CSV",
            Format::WeChatCsv => "微信聊天记录 CSV（留痕/WeChatMsg、PyWxDump）",
            Format::WeChatTxt => "微信聊天记录 TXT（留痕/WeChatMsg）",
            Format::IMessageTxt => "iPhone 信息导出 TXT（imessage-exporter）",
            Format::WeChatMsgJson | Format::WeChatMsgHtml => "微信聊天记录（留痕导出的网页/JSON）",
            Format::WeChatMsgZip => "微信聊天记录（留痕导出文件夹的 ZIP 压缩包）",
            Format::GenericCsv(_) => "通用 CSV（按列映射）",
            Format::File => "普通文件（图片、录音、PDF 等）",
            Format::PastedText => "粘贴的短信或聊天文字",
            Format::SmsIeZip => "安卓“短信导入导出”（SMS Import / Export）短信备份（ZIP）",
            Format::SmsIeJson => "安卓“短信导入导出”（SMS Import / Export）备份（JSON，通话记录或旧版短信）",
            Format::ImazingCsv => "iPhone 信息导出 CSV（iMazing）",
            Format::AndroidSmsDb => "安卓手机短信数据库（mmssms.db）",
            Format::MiuiBackup => "小米手机本地备份（.bak）中的短信",
            Format::AndroidBackup => "安卓手机整机备份（adb 备份，.ab）中的短信",
        }
    }

    /// The names accepted by `yuqi evidence import --format`.
    pub fn parse(name: &str) -> Option<Format> {
        Some(match name {
            "sms-xml" | "sbr" => Format::SbrMessages,
            "calls-xml" => Format::SbrCalls,
            "calllog-csv" => Format::CallLogCsv,
            "wechat-csv" => Format::WeChatCsv,
            "wechat-txt" => Format::WeChatTxt,
            "imessage-txt" => Format::IMessageTxt,
            "wechatmsg-json" => Format::WeChatMsgJson,
            "wechatmsg-html" => Format::WeChatMsgHtml,
            "wechatmsg-zip" => Format::WeChatMsgZip,
            "file" => Format::File,
            "pasted-text" => Format::PastedText,
            "smsie-zip" => Format::SmsIeZip,
            "smsie-json" => Format::SmsIeJson,
            "imazing-csv" => Format::ImazingCsv,
            "android-db" => Format::AndroidSmsDb,
            "miui-bak" => Format::MiuiBackup,
            "android-ab" => Format::AndroidBackup,
            _ => return None,
        })
    }

    /// Formats that cannot be read front to back (a zip, whose directory is at its end): the
    /// store keeps the whole file first and then reads it again through [`import_seekable`].
    pub fn needs_seek(&self) -> bool {
        matches!(self, Format::SmsIeZip | Format::AndroidSmsDb | Format::WeChatMsgZip)
    }

    pub const NAMES: &'static [&'static str] = &[
        "sms-xml",
        "calls-xml",
        "calllog-csv",
        "wechat-csv",
        "wechat-txt",
        "imessage-txt",
        "wechatmsg-json",
        "wechatmsg-html",
        "wechatmsg-zip",
        "generic-csv",
        "file",
        "pasted-text",
        "smsie-zip",
        "smsie-json",
        "imazing-csv",
        "android-db",
        "miui-bak",
        "android-ab",
    ];
}

/// Guesses the format from the file name and its first bytes. Unknown text falls back to
/// `None` (the caller asks the user); unknown binary is a plain [`Format::File`].
pub fn detect(name: &str, head: &[u8]) -> Option<Format> {
    let lower = name.to_lowercase();
    if head.starts_with(miui::MAGIC) {
        return Some(Format::MiuiBackup);
    }
    if head.starts_with(abackup::MAGIC) {
        return Some(Format::AndroidBackup);
    }
    if head.starts_with(b"SQLite format 3\0") {
        return Some(Format::AndroidSmsDb);
    }
    if smsie::is_messages_zip(head) || head.starts_with(smsie::SSEF_MAGIC) {
        return Some(Format::SmsIeZip);
    }
    let text = head_text(&head[..head.len().min(8192)]);
    let text = text.trim_start_matches('\u{feff}');
    if text.contains("<smses") {
        return Some(Format::SbrMessages);
    }
    if text.contains("<calls") {
        return Some(Format::SbrCalls);
    }
    let first_line = text.lines().next().unwrap_or("").trim();
    if smsie::looks_like_json(text) {
        return Some(Format::SmsIeJson);
    }
    if lower.ends_with(".csv") {
        if csvfmt::wechat_variant(first_line).is_some() {
            return Some(Format::WeChatCsv);
        }
        if imazing::looks_like(first_line) {
            return Some(Format::ImazingCsv);
        }
        if csvfmt::looks_like_call_log(first_line) {
            return Some(Format::CallLogCsv);
        }
        return None;
    }
    if lower.ends_with(".txt") {
        if textfmt::looks_like_imessage(text) {
            return Some(Format::IMessageTxt);
        }
        if textfmt::looks_like_wechat(text) {
            return Some(Format::WeChatTxt);
        }
        return None;
    }
    if lower.ends_with(".json") && wechatmsg::looks_like_json(text) {
        return Some(Format::WeChatMsgJson);
    }
    if (lower.ends_with(".html") || lower.ends_with(".htm")) && wechatmsg::looks_like_html(text) {
        return Some(Format::WeChatMsgHtml);
    }
    if lower.ends_with(".xml") || lower.ends_with(".json") {
        return None;
    }
    Some(Format::File)
}

/// [`detect`], then a look inside a zip it took for a plain file: a zip of a 留痕 export folder
/// is read as one; any other zip stays a plain file. `file` is the whole file (read from the
/// end, where a zip keeps its directory).
pub fn detect_seekable<R: Read + Seek>(name: &str, head: &[u8], mut file: R) -> Option<Format> {
    let found = detect(name, head);
    if found == Some(Format::File) && head.starts_with(b"PK\x03\x04") && wechatzip::is_export(&mut file) {
        return Some(Format::WeChatMsgZip);
    }
    // An SMS Import / Export zip re-packed by hand, `messages.ndjson` no longer first.
    if found == Some(Format::File) && head.starts_with(b"PK\x03\x04") && smsie::zip_has_messages(&mut file) {
        return Some(Format::SmsIeZip);
    }
    found
}

/// The first bytes of a file as text, in the encoding the CSV importer would choose
/// (`csvfmt::decoded`): a BOM decides, then UTF-8, else GB18030. Read as lossy UTF-8, a call log
/// saved by Excel on Chinese Windows (GB18030, headers 号码,时间,时长) matched no header and was
/// not recognised.
fn head_text(head: &[u8]) -> std::borrow::Cow<'_, str> {
    use encoding_rs::{GB18030, UTF_16BE, UTF_16LE};
    if head.starts_with(&[0xFF, 0xFE]) {
        return UTF_16LE.decode_with_bom_removal(head).0;
    }
    if head.starts_with(&[0xFE, 0xFF]) {
        return UTF_16BE.decode_with_bom_removal(head).0;
    }
    match std::str::from_utf8(head) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        // A multi-byte character cut by the end of the head is still UTF-8.
        Err(e) if e.error_len().is_none() && head.len() - e.valid_up_to() < 4 => String::from_utf8_lossy(head),
        Err(_) => GB18030.decode_without_bom_handling(head).0,
    }
}

/// What to do with a record that cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnBad {
    /// Report it with its position and go on.
    Skip,
    /// Refuse the whole file: nothing from it is stored.
    #[default]
    Refuse,
}

/// A record that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Rejected {
    pub position: Position,
    pub reason: String,
    /// The first characters of the record, to help find it.
    pub excerpt: String,
}

impl std::fmt::Display for Rejected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}：{}", self.position, self.reason)?;
        if !self.excerpt.is_empty() {
            write!(f, "（内容开头：{}）", self.excerpt)?;
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file is not well-formed (broken XML, truncated file): it cannot be read past this point,
    /// so it is refused whatever [`OnBad`] says.
    #[error("文件格式错误，无法继续读取：{0}")]
    Syntax(Rejected),
    /// A malformed record under [`OnBad::Refuse`].
    #[error("记录无法读取，已拒绝整个文件（未保存任何内容）：{0}")]
    Refused(Rejected),
    #[error("无法识别的格式：{0}")]
    Unrecognized(String),
    #[error("读取失败：{0}")]
    Io(#[from] std::io::Error),
    /// The sink refused an item (for example a storage error).
    #[error("{0}")]
    Sink(String),
}

/// Settings that change how records are read.
#[derive(Debug, Clone)]
pub struct Options {
    pub on_bad: OnBad,
    /// The zone of local time strings without one (exporting PC or phone); default China time.
    pub zone: FixedOffset,
    /// WeChat v2 CSV has no "sent by me" column: the display names that are the user's own.
    pub my_names: Vec<String>,
    /// The conversation, when the export names it only in its file name (留痕 writes one file
    /// per chat, `<备注名>_utf8.csv` / `<备注名>.txt`).
    pub conversation: Option<String>,
    /// The folder an export sits in, when its media files are beside it (a 留痕 export imported
    /// from disk): referenced files are looked up, hashed and recorded there. `None` for an
    /// upload, whose neighbours are not the user's.
    pub media_dir: Option<std::path::PathBuf>,
    /// Pasted text: the day the borrower says the messages reached him. Copied messages often
    /// carry 今天/昨天 or a month and day without the year; with this day they resolve to a
    /// date (kept in each message's fields as `received_on`); without it they stay unknown.
    pub received_on: Option<chrono::NaiveDate>,
    /// Pasted text: with `received_on`, the time of day the borrower says the messages reached
    /// him. A message that carries no time of its own is dated by it (his word, kept in its
    /// fields as `received_at`); without it such a message stays undated.
    pub received_at: Option<chrono::NaiveTime>,
    /// Pasted text: where the borrower says the messages came from (短信, 微信, a call he
    /// noted down, …); an SMS when not said.
    pub pasted_channel: Option<yuqi_case::Channel>,
    /// Pasted text: the debt the borrower says the messages are about (a debt id of his
    /// case), kept as each message's `creditor`; not said when `None`.
    pub pasted_debt: Option<String>,
    /// Pasted text: who received the messages when it was not the borrower, a recipient word
    /// of the analyzer's input (`relative`, `friend`, `colleague`, `third_party`), kept as each
    /// message's `to`; the borrower himself when `None`.
    pub pasted_to: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            on_bad: OnBad::Refuse,
            zone: china(),
            my_names: Vec::new(),
            conversation: None,
            media_dir: None,
            received_on: None,
            received_at: None,
            pasted_channel: None,
            pasted_debt: None,
            pasted_to: None,
        }
    }
}

/// The conversation named by an export's file name: `王经理_utf8.csv` → `王经理`.
pub fn conversation_from_file_name(name: &str) -> Option<String> {
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    let stem = stem.strip_suffix("_utf8").unwrap_or(stem).trim();
    (!stem.is_empty()).then(|| stem.to_string())
}

pub fn china() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| unreachable!("+08:00 is a valid offset"))
}

/// What an import saw.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Summary {
    /// Records read and handed to the sink.
    pub records: u64,
    /// Malformed records skipped (under [`OnBad::Skip`]); at most [`MAX_REPORTED`] are kept.
    pub rejected: Vec<Rejected>,
    pub rejected_total: u64,
    /// Things the user should know (assumed time zone, lone surrogates repaired, count mismatch).
    pub warnings: Vec<String>,
    /// The text encoding that was read (`UTF-8`, `GB18030`, …).
    pub encoding: String,
}

pub const MAX_REPORTED: usize = 1000;

/// The sink an importer feeds, and the bookkeeping every importer shares.
pub(crate) struct Ctx<'a> {
    pub on_bad: OnBad,
    pub summary: Summary,
    pub sink: &'a mut dyn FnMut(Item) -> Result<(), String>,
}

impl Ctx<'_> {
    pub(crate) fn emit(&mut self, item: Item) -> Result<(), ImportError> {
        self.summary.records += 1;
        (self.sink)(item).map_err(ImportError::Sink)
    }

    pub(crate) fn reject(&mut self, r: Rejected) -> Result<(), ImportError> {
        match self.on_bad {
            OnBad::Refuse => Err(ImportError::Refused(r)),
            OnBad::Skip => {
                self.summary.rejected_total += 1;
                if self.summary.rejected.len() < MAX_REPORTED {
                    self.summary.rejected.push(r);
                }
                Ok(())
            }
        }
    }

    pub(crate) fn warn(&mut self, w: String) {
        if !self.summary.warnings.contains(&w) && self.summary.warnings.len() < MAX_REPORTED {
            self.summary.warnings.push(w);
        }
    }
}

/// A message with the fields every importer fills the same way.
pub(crate) fn message(
    time: (i64, bool),
    channel: &str,
    direction: Direction,
    counterpart: String,
    text: String,
) -> ImportedMessage {
    ImportedMessage {
        time_ms: Some(time.0),
        zone_assumed: time.1,
        channel: channel.to_string(),
        direction,
        counterpart_key: crate::phone::normalize(&counterpart),
        counterpart,
        contact_name: None,
        text,
        duration_s: None,
        call_status: None,
        delivered: true,
        creditor: None,
        to: None,
    }
}

pub(crate) fn excerpt(bytes: &[u8]) -> String {
    String::from_utf8_lossy(&bytes[..bytes.len().min(120)]).chars().take(40).collect()
}

/// Imports one export (not a plain file: see [`media::probe`] for those).
pub fn import<R: BufRead>(
    format: &Format,
    input: R,
    opts: &Options,
    sink: &mut dyn FnMut(Item) -> Result<(), String>,
) -> Result<Summary, ImportError> {
    let mut ctx = Ctx { on_bad: opts.on_bad, summary: Summary::default(), sink };
    match format {
        Format::SbrMessages | Format::SbrCalls => sbr::import(input, &mut ctx)?,
        Format::CallLogCsv => csvfmt::import_call_log(input, opts, &mut ctx)?,
        Format::WeChatCsv => csvfmt::import_wechat(input, opts, &mut ctx)?,
        Format::GenericCsv(map) => csvfmt::import_generic(input, map, opts, &mut ctx)?,
        Format::WeChatTxt => textfmt::import_wechat_txt(input, opts, &mut ctx)?,
        Format::IMessageTxt => textfmt::import_imessage(input, opts, &mut ctx)?,
        Format::PastedText => paste::import_pasted(input, opts, &mut ctx)?,
        Format::WeChatMsgJson | Format::WeChatMsgHtml => {
            let layout =
                if *format == Format::WeChatMsgHtml { wechatmsg::Layout::Html } else { wechatmsg::Layout::Json };
            let mut folder = opts.media_dir.as_deref().and_then(|d| wechatmsg::FolderMedia::new(d).ok());
            let media = folder.as_mut().map(|f| f as &mut dyn wechatmsg::MediaSource);
            wechatmsg::import(input, layout, opts, &mut ctx, media, true)?
        }
        Format::SmsIeJson => smsie::import_json(input, &mut ctx)?,
        // Either header is accepted by both: the importer reads what the file starts with.
        Format::MiuiBackup | Format::AndroidBackup => abackup::import(input, &mut ctx)?,
        Format::ImazingCsv => imazing::import(input, opts, &mut ctx)?,
        Format::SmsIeZip | Format::AndroidSmsDb => {
            return Err(ImportError::Unrecognized("这种备份须整个文件保存后再读取，请通过证据库导入".into()));
        }
        Format::WeChatMsgZip => {
            return Err(ImportError::Unrecognized("压缩包须整个文件保存后再读取，请通过证据库导入".into()));
        }
        Format::File => return Err(ImportError::Unrecognized("普通文件请用 media::probe 读取元数据".into())),
    }
    Ok(ctx.summary)
}

/// Imports one export that must be read at any offset ([`Format::needs_seek`]); other formats
/// are read front to back as by [`import`]. A record read from inside a container is not a
/// byte range of the stored file: such importers set `Item::slice` to false (the record's bytes
/// are then kept as a blob) and give positions inside the container's member.
pub fn import_seekable<R: Read + Seek>(
    format: &Format,
    input: R,
    opts: &Options,
    sink: &mut dyn FnMut(Item) -> Result<(), String>,
) -> Result<Summary, ImportError> {
    if *format == Format::SmsIeZip {
        let mut ctx = Ctx { on_bad: opts.on_bad, summary: Summary::default(), sink };
        smsie::import_zip(input, &mut ctx)?;
        return Ok(ctx.summary);
    }
    if *format == Format::WeChatMsgZip {
        let mut ctx = Ctx { on_bad: opts.on_bad, summary: Summary::default(), sink };
        wechatzip::import(input, opts, &mut ctx)?;
        return Ok(ctx.summary);
    }
    import(format, std::io::BufReader::with_capacity(256 * 1024, input), opts, sink)
}

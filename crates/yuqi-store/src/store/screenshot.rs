//! Screenshots read (issue 18): an image shaped like a phone screen is read by OCR
//! (`yuqi-ocr`) when it is imported, and each chat message found is appended after the image as
//! an entry of its own: derived, marked machine-read, pointing at the image and the box where
//! its text lies. The image stays the evidence; the reading is a record, chained like any
//! other, of what the machine read in it and when (a later, better reader adds new entries
//! without touching these).

use std::path::Path;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone};
use rusqlite::{OptionalExtension, params};
use yuqi_case::Channel;
use yuqi_conduct::{Analyzer, Scratch};
use yuqi_evidence::digest::Digests;
use yuqi_evidence::item::{Direction, ImportedMessage, Item, ItemKind, MediaInfo};
use yuqi_ocr::{Day, Stamp};

use super::{ItemAt, Location, Metadata, StoreError, append, insert_blob, text_codes};
use yuqi_evidence::chain::Entry;

/// Phone screens are at least this many pixels wide and this much taller than wide (16:9 is
/// 1.78, 19.5:9 is 2.17; a long scrolling capture more). A camera photo (4:3) or a picture
/// saved from a chat is stored as it is, without a reading that would be mostly noise.
const MIN_WIDTH: u32 = 480;
const MIN_TALLNESS: f64 = 1.6;
/// Messages read with less mean confidence than this are not kept: at that level Tesseract's
/// output is mostly wrong characters, which would put words in a collector's mouth.
const MIN_CONFIDENCE: f32 = 0.45;

/// What reading a screenshot gave, for the import report.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ScreenshotReport {
    /// Messages read and stored (each marked machine-read).
    pub messages: u64,
    /// Of them, with at least one conduct code.
    pub flagged: u64,
    /// Why nothing was read, or what to know about the reading, in Chinese.
    pub note: Option<String>,
    /// The reading failed (the image is kept all the same): why, in words for someone who
    /// cannot install programs — the web app shows this, never `note`'s install command.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unread: Option<String>,
}

/// A screenshot whose text could not be read: the reason for the command line and logs
/// (`note`, naming what to install) and for a borrower (`user_text`, no commands).
pub(super) struct Unreadable {
    pub(super) note: String,
    pub(super) user_text: String,
}

/// How a machine-read message points back at its image; kept in the entry's metadata.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MachineRead {
    /// The image's own entry.
    pub image_seq: u64,
    pub image_sha256: String,
    /// Where the text lies on the image: x, y, width, height in pixels.
    pub rect: [u32; 4],
    /// Mean word confidence, 0–100.
    pub confidence: u8,
    /// The engine and its version ("tesseract 5.3.0").
    pub engine: String,
    /// The time as the screen printed it ("昨天 21:14"), when there was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub printed_time: Option<String>,
}

/// A screenshot read, before it is stored.
pub(super) struct Reading {
    shot: yuqi_ocr::Screenshot,
}

/// Reads the image at `path` if it is shaped like a phone screen. `None`: not a screenshot
/// (not a PNG/JPEG, or another shape); `Err`: a screenshot that could not be read, in Chinese.
pub(super) fn read(path: &Path, media: &MediaInfo) -> Option<Result<Reading, Unreadable>> {
    if !matches!(media.mime.as_str(), "image/png" | "image/jpeg") {
        return None;
    }
    let (w, h) = yuqi_ocr::dimensions(path).ok()?;
    if w < MIN_WIDTH || f64::from(h) < MIN_TALLNESS * f64::from(w) {
        return None;
    }
    Some(match yuqi_ocr::read_screenshot(path) {
        Ok(shot) => Ok(Reading { shot }),
        Err(e) => {
            let note = match &e {
                // The file's path is the server's temporary name: say what failed, not where.
                yuqi_ocr::OcrError::Read { reason, .. } => format!("无法读取截图文件：{reason}"),
                e => e.to_string(),
            };
            Err(Unreadable { note, user_text: e.user_text() })
        }
    })
}

/// The image a reading belongs to, once it is stored.
pub(super) struct Image<'a> {
    pub(super) name: &'a str,
    pub(super) seq: u64,
    pub(super) sha256: &'a str,
    pub(super) media: &'a MediaInfo,
    pub(super) zone: chrono::FixedOffset,
}

/// Appends the messages of `reading` after the image's entry, in the import's transaction.
pub(super) fn append_reading(
    at: &ItemAt<'_>,
    prev: &mut Option<Entry>,
    reading: &Reading,
    image: &Image<'_>,
) -> Result<ScreenshotReport, StoreError> {
    let hints = yuqi_evidence::screenshot::hints(image.name);
    let taken = image
        .media
        .captured_at
        .as_deref()
        .and_then(|t| NaiveDateTime::parse_from_str(t.get(..19).unwrap_or(t), "%Y-%m-%dT%H:%M:%S").ok());
    let analyzer = Analyzer::shared();
    let mut scratch = Scratch::default();
    let mut report = ScreenshotReport::default();
    let mut low = 0u64;
    for (i, m) in reading.shot.messages.iter().enumerate() {
        if m.confidence < MIN_CONFIDENCE || m.text.trim().is_empty() {
            low += 1;
            continue;
        }
        let time = m
            .time
            .and_then(|s| resolve(s, taken.map(|t| t.date())))
            .and_then(|t| image.zone.from_local_datetime(&t).single().map(|t| t.timestamp_millis()));
        let channel = channel_of(hints.app, &m.text);
        let message = ImportedMessage {
            time_ms: time,
            zone_assumed: time.is_some(),
            channel: channel.code().to_string(),
            direction: match m.direction {
                yuqi_ocr::Direction::Received => Direction::In,
                yuqi_ocr::Direction::Sent => Direction::Out,
                yuqi_ocr::Direction::Unknown => Direction::Unknown,
            },
            counterpart: String::new(),
            counterpart_key: String::new(),
            contact_name: None,
            text: m.text.clone(),
            duration_s: None,
            call_status: None,
            delivered: true,
            creditor: None,
            to: None,
        };
        let index = (i + 1).to_string();
        let key = Item::message_key_with(ItemKind::Chat, &message, &[image.sha256, &index]);
        let exists: Option<i64> = at
            .tx
            .prepare_cached("SELECT 1 FROM log WHERE item_key = ?1")?
            .query_row(params![key], |r| r.get(0))
            .optional()?;
        if exists.is_some() {
            continue;
        }
        let codes = text_codes(&message, analyzer, &mut scratch);
        let read = MachineRead {
            image_seq: image.seq,
            image_sha256: image.sha256.to_string(),
            rect: [m.rect.x, m.rect.y, m.rect.width, m.rect.height],
            confidence: (m.confidence * 100.0).round().clamp(0.0, 100.0) as u8,
            engine: reading.shot.engine_version.clone(),
            printed_time: m.time.map(printed),
        };
        let content = message.text.as_bytes().to_vec();
        let digests = Digests::of(&content);
        insert_blob(at.tx, at.cipher, &digests, &content)?;
        let (time_ms, channel_code, direction) = (message.time_ms, message.channel.clone(), message.direction.as_str());
        let meta = Metadata {
            message: Some(message),
            extra: serde_json::json!({ "machine_read": read }),
            ..Metadata::new(image.name)
        };
        let origin = format!("{} 截图中机器识别的第 {index} 条消息", image.name);
        let seq = append(
            at,
            prev,
            ItemKind::Chat.as_str(),
            &origin,
            &key,
            &digests,
            content.len() as u64,
            Location::Blob,
            &meta,
        )?;
        let codes_json = serde_json::to_string(&codes).unwrap_or_else(|_| "[]".into());
        at.tx
            .prepare_cached(
                "INSERT INTO messages (seq, time_ms, channel, direction, counterpart_key, codes) VALUES (?1,?2,?3,?4,?5,?6)",
            )?
            .execute(params![seq as i64, time_ms, channel_code, direction, "", codes_json])?;
        report.messages += 1;
        report.flagged += u64::from(!codes.is_empty());
    }
    report.note = match (report.messages, low) {
        (0, 0) => Some("这张截图里没有读出聊天消息".to_string()),
        (_, 0) => None,
        (_, n) => Some(format!("另有 {n} 处文字看不清，没有记录，请对照截图原图")),
    };
    Ok(report)
}

/// The app the screen shows: the file name's hint, else a call log when the row says so.
fn channel_of(app: Option<Channel>, text: &str) -> Channel {
    app.unwrap_or_else(|| {
        if ["呼入", "呼出", "未接来电", "已拒接"].iter().any(|w| text.contains(w)) {
            Channel::Call
        } else {
            Channel::Other
        }
    })
}

/// The calendar moment a printed time means, given the day the screenshot was taken. A chat
/// app prints a bare clock for today, 昨天/前天, a weekday within the last week, a month and day
/// within the year, and a full date before that. Without the screenshot's day only a full date
/// is a time; a printed time without a clock is no time (the day alone would invent the hour).
pub(crate) fn resolve(stamp: Stamp, taken: Option<NaiveDate>) -> Option<NaiveDateTime> {
    let (hour, minute) = stamp.clock?;
    let day = match (stamp.day, taken) {
        (Day::Date { year, month, day }, _) => {
            NaiveDate::from_ymd_opt(i32::from(year), u32::from(month), u32::from(day))?
        }
        (_, None) => return None,
        (Day::Unstated | Day::Today, Some(t)) => t,
        (Day::Yesterday, Some(t)) => t - Duration::days(1),
        (Day::DayBeforeYesterday, Some(t)) => t - Duration::days(2),
        (Day::Weekday(n), Some(t)) => {
            (1..=7).map(|k| t - Duration::days(k)).find(|d| d.weekday().number_from_monday() == u32::from(n))?
        }
        (Day::MonthDay { month, day }, Some(t)) => {
            let this_year = NaiveDate::from_ymd_opt(t.year(), u32::from(month), u32::from(day));
            match this_year {
                Some(d) if d <= t => d,
                _ => NaiveDate::from_ymd_opt(t.year() - 1, u32::from(month), u32::from(day))?,
            }
        }
    };
    day.and_hms_opt(u32::from(hour), u32::from(minute), 0)
}

/// A printed time as the screen showed it, in the app's words.
fn printed(stamp: Stamp) -> String {
    let day = match stamp.day {
        Day::Unstated => String::new(),
        Day::Today => "今天".into(),
        Day::Yesterday => "昨天".into(),
        Day::DayBeforeYesterday => "前天".into(),
        Day::Weekday(n) => {
            format!("星期{}", ["一", "二", "三", "四", "五", "六", "日"][usize::from(n.clamp(1, 7) - 1)])
        }
        Day::MonthDay { month, day } => format!("{month}月{day}日"),
        Day::Date { year, month, day } => format!("{year}年{month}月{day}日"),
    };
    match stamp.clock {
        Some((h, m)) if day.is_empty() => format!("{h:02}:{m:02}"),
        Some((h, m)) => format!("{day} {h:02}:{m:02}"),
        None => day,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn at(day: Day, clock: Option<(u8, u8)>, taken: Option<&str>) -> Option<String> {
        resolve(Stamp { day, clock }, taken.map(d)).map(|t| t.format("%Y-%m-%d %H:%M").to_string())
    }

    #[test]
    fn printed_times_become_calendar_times_from_the_day_the_screenshot_was_taken() {
        // 2026-11-20 is a Friday.
        let taken = Some("2026-11-20");
        assert_eq!(at(Day::Unstated, Some((21, 14)), taken).as_deref(), Some("2026-11-20 21:14"));
        assert_eq!(at(Day::Yesterday, Some((9, 5)), taken).as_deref(), Some("2026-11-19 09:05"));
        assert_eq!(at(Day::DayBeforeYesterday, Some((9, 5)), taken).as_deref(), Some("2026-11-18 09:05"));
        // The last Monday before a Friday is four days back; a Friday means a week back.
        assert_eq!(at(Day::Weekday(1), Some((8, 0)), taken).as_deref(), Some("2026-11-16 08:00"));
        assert_eq!(at(Day::Weekday(5), Some((8, 0)), taken).as_deref(), Some("2026-11-13 08:00"));
        // A month and day after the screenshot's day are last year's.
        assert_eq!(at(Day::MonthDay { month: 12, day: 24 }, Some((8, 0)), taken).as_deref(), Some("2025-12-24 08:00"));
        assert_eq!(at(Day::MonthDay { month: 3, day: 1 }, Some((8, 0)), taken).as_deref(), Some("2026-03-01 08:00"));
        assert_eq!(at(Day::MonthDay { month: 2, day: 29 }, Some((8, 0)), taken), None);
    }

    #[test]
    fn without_the_screenshot_day_only_full_dates_are_times() {
        assert_eq!(at(Day::Yesterday, Some((9, 5)), None), None);
        assert_eq!(at(Day::Unstated, Some((9, 5)), None), None);
        let full = Day::Date { year: 2026, month: 11, day: 20 };
        assert_eq!(at(full, Some((21, 14)), None).as_deref(), Some("2026-11-20 21:14"));
        // A day without a clock is no time.
        assert_eq!(at(full, None, Some("2026-11-21")), None);
    }

    #[test]
    fn printed_times_keep_the_apps_words() {
        assert_eq!(printed(Stamp { day: Day::Yesterday, clock: Some((21, 4)) }), "昨天 21:04");
        assert_eq!(printed(Stamp { day: Day::Unstated, clock: Some((7, 0)) }), "07:00");
        assert_eq!(printed(Stamp { day: Day::Weekday(7), clock: None }), "星期日");
    }

    #[test]
    fn call_log_rows_are_calls_unless_the_name_says_the_app() {
        assert_eq!(channel_of(None, "张三 呼入 1分20秒"), Channel::Call);
        assert_eq!(channel_of(None, "今天必须还款"), Channel::Other);
        assert_eq!(channel_of(Some(Channel::Wechat), "呼入"), Channel::Wechat);
    }
}

//! Pasted text: collector messages a borrower copied out of his phone's SMS app or WeChat and
//! pasted, one or many, as plain text (format name `pasted-text`; never auto-detected, because
//! any text file would match).
//!
//! Copied text carries no structure of its own, only what the apps put around a message when it
//! is copied or forwarded, so the importer recognises exactly that and keeps everything else as
//! the message's text:
//!
//! * **Splitting.** A line that is a timestamp on its own, or starts with one, starts a new
//!   message; otherwise blank lines separate messages. A header line (a timestamp, a phone number
//!   on its own line, `号码 时间` or `昵称 时间` as WeChat writes a forwarded chat) followed by
//!   more header lines or by blank lines belongs to the same message: the header waits for its
//!   body, so `10690000` / `2026-11-20 21:14` / text is one message, not three.
//! * **Timestamps.** `2026-11-20 21:14(:05)`, `2026/11/20 21:14`, `2026年11月20日 21:14`,
//!   `11月20日 21:14`, `11-20 21:14`, `昨天 21:14`, `今天 21:14`. The importer API carries no
//!   reference date, so a month-day time takes the year of the latest full date written earlier
//!   in the same paste; without one, and always for 昨天/今天, the time is recorded as unknown
//!   (with a warning) rather than guessed: an invented year would put a threat in the wrong
//!   limitation period. The borrower may say on which day the messages reached him
//!   (`Options::received_on`): then 今天 is that day, 昨天 the day before, and a month-day
//!   without a year before it takes the latest year that does not put it after that day; each
//!   message so dated keeps the day as its `received_on` field. A message with no time written
//!   at all stays undated: the day alone is not a time, and a made-up hour could be judged as
//!   night-time collection. The written time is kept as the `time` field either way.
//! * **Sender.** A phone number on a header line (mainland mobile `1[3-9]` + 9 digits, optionally
//!   `+86`; service numbers `106…` and `95…`), else a `【平台名】` signature at the start or the
//!   end of the text (SMS from lenders are signed that way), else a WeChat nickname on the header.
//!   With a time of day as well (`Options::received_at`), a message with no time written is
//!   dated at that day and time — the borrower's word, kept as its `received_at` field.
//! * **Direction and channel.** Every message is incoming (the borrower pastes what he received)
//!   and an SMS, unless the borrower says where it came from (`Options::pasted_channel`: a
//!   WeChat chat, a call he noted down, another channel).
//!
//! Each message is an item whose bytes are exactly its slice of the pasted text, from its first
//! header line to the end of its last non-blank line, so the store's slice invariant holds and
//! slices never overlap. A message without a known time is keyed with its record number too, so
//! a threat sent many times and pasted many times is kept once per paste position, not merged.

use std::io::BufRead;
use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};
use regex::Regex;
use yuqi_case::Channel;

use super::csvfmt::local_ms;
use super::{Ctx, ImportError, Options, Rejected, excerpt};
use crate::item::{Direction, ImportedMessage, Item, ItemKind, Position};

fn re(s: &str) -> Regex {
    Regex::new(s).unwrap_or_else(|e| panic!("{e}"))
}

/// A timestamp at the start of a line, and what follows it.
static TIME: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:(?P<y>\d{4})(?:[-/.](?P<m1>\d{1,2})[-/.](?P<d1>\d{1,2})|年(?P<m2>\d{1,2})月(?P<d2>\d{1,2})日)|(?P<m3>\d{1,2})(?:-(?P<d3>\d{1,2})|月(?P<d4>\d{1,2})日)|(?P<rel>昨天|今天))[ \t\u{3000}]*(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?(?P<rest>.*)$",
    )
});
/// A name written before a timestamp (WeChat: `王经理 2026-11-20 21:14`).
static NAME: LazyLock<Regex> = LazyLock::new(|| re(r"^[^\s，。！？、,.!?:：【】]{1,20}$"));
static PHONE: LazyLock<Regex> = LazyLock::new(|| re(r"^(?:(?:\+?86)?1[3-9]\d{9}|106\d{5,}|95\d{3,5})$"));
static SIGN_START: LazyLock<Regex> = LazyLock::new(|| re(r"^【(?P<n>[^【】\n]{1,20})】"));
static SIGN_END: LazyLock<Regex> = LazyLock::new(|| re(r"【(?P<n>[^【】\n]{1,20})】$"));

/// The number in `s` if `s` is only a phone number (spaces and dashes allowed), normalised.
fn phone(s: &str) -> Option<String> {
    let compact: String = s.chars().filter(|c| !matches!(c, ' ' | '-' | '\u{3000}')).collect();
    PHONE.is_match(&compact).then_some(compact)
}

/// A timestamp as written, and what could be read from it.
#[derive(Debug, Clone, PartialEq)]
struct Stamp {
    written: String,
    /// Year (when written), month, day, time; `None` for 昨天/今天.
    date: Option<(Option<i32>, u32, u32)>,
    /// For 昨天/今天: how many days before the day of copying (1, 0).
    days_back: u32,
    time: NaiveTime,
}

/// A line that starts with a timestamp: the stamp and the rest of the line.
fn stamp(line: &str) -> Option<(Stamp, &str)> {
    let c = TIME.captures(line)?;
    let num = |n: &str| c.name(n).and_then(|m| m.as_str().parse::<u32>().ok());
    let rest = c.name("rest").map_or("", |m| m.as_str());
    // `21:145` is not a time; text must be separated or be Chinese.
    if rest.starts_with(|ch: char| ch.is_ascii_digit() || ch == ':') {
        return None;
    }
    let time = NaiveTime::from_hms_opt(num("h")?, num("mi")?, num("s").unwrap_or(0))?;
    let days_back = u32::from(c.name("rel").is_some_and(|r| r.as_str() == "昨天"));
    let date = if c.name("rel").is_some() {
        None
    } else {
        let y = c.name("y").and_then(|m| m.as_str().parse::<i32>().ok());
        let m = num("m1").or(num("m2")).or(num("m3"))?;
        let d = num("d1").or(num("d2")).or(num("d3")).or(num("d4"))?;
        // Validate month and day (29 February checked against a leap year when no year).
        NaiveDate::from_ymd_opt(y.unwrap_or(2024), m, d)?;
        Some((y, m, d))
    };
    let written = line[..line.len() - rest.len()].trim_end().to_string();
    Some((Stamp { written, date, days_back, time }, rest.trim_start_matches([' ', '\t', '\u{3000}'])))
}

/// What a line is.
enum Line<'a> {
    Blank,
    /// A header only: a stamp and/or a sender.
    Header(Option<Stamp>, Option<String>),
    /// A stamp followed by the first line of text.
    StampedText(Stamp, &'a str),
    Text,
}

fn classify(line: &str) -> Line<'_> {
    let t = line.trim();
    if t.is_empty() {
        return Line::Blank;
    }
    if let Some((s, rest)) = stamp(t) {
        let rest = rest.trim();
        if rest.is_empty() {
            return Line::Header(Some(s), None);
        }
        if let Some(p) = phone(rest) {
            return Line::Header(Some(s), Some(p));
        }
        return Line::StampedText(s, rest);
    }
    if let Some(p) = phone(t) {
        return Line::Header(None, Some(p));
    }
    // `号码 时间` or `昵称 时间`: the stamp ends the line (the number may contain spaces).
    for (i, _) in t.char_indices().filter(|(_, c)| matches!(c, ' ' | '\t' | '\u{3000}')) {
        let (who, when) = (t[..i].trim_end(), t[i..].trim_start());
        if let Some((s, rest)) = stamp(when)
            && rest.trim().is_empty()
        {
            if let Some(p) = phone(who) {
                return Line::Header(Some(s), Some(p));
            }
            if NAME.is_match(who) {
                return Line::Header(Some(s), Some(who.to_string()));
            }
        }
    }
    Line::Text
}

/// One message being collected.
#[derive(Default)]
struct Msg {
    start: usize,
    line: u64,
    /// End of the last non-blank line (line ending excluded).
    end: usize,
    stamp: Option<Stamp>,
    sender: Option<String>,
    header: Vec<String>,
    body: Vec<String>,
}

pub(crate) fn import_pasted<R: BufRead>(mut input: R, opts: &Options, ctx: &mut Ctx<'_>) -> Result<(), ImportError> {
    let mut data = Vec::new();
    input.read_to_end(&mut data)?;
    let text = match std::str::from_utf8(&data) {
        Ok(t) => t,
        Err(e) => {
            let at = e.valid_up_to();
            let line = data[..at].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
            return Err(ImportError::Syntax(Rejected {
                position: Position { record: 0, line, byte: at as u64 },
                reason: "粘贴的文字不是有效的 UTF-8 文本".into(),
                excerpt: excerpt(&data[at..]),
            }));
        }
    };
    if text.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}').is_empty() {
        return Err(ImportError::Unrecognized("粘贴的内容是空的，没有可以保存的消息".into()));
    }
    let mut state = State { opts, record: 0, year: None, current: None, used_received: false };
    let mut byte = 0usize;
    for (i, raw_line) in text.split_inclusive('\n').enumerate() {
        let start = byte;
        byte += raw_line.len();
        let mut content = raw_line.trim_end_matches(['\n', '\r']);
        let mut at = start;
        if start == 0 && content.starts_with('\u{feff}') {
            content = &content['\u{feff}'.len_utf8()..];
            at += '\u{feff}'.len_utf8();
        }
        let end = at + content.len();
        let line_no = i as u64 + 1;
        match classify(content) {
            Line::Blank => {
                if state.current.as_ref().is_some_and(|m| !m.body.is_empty()) {
                    state.flush(text, ctx)?;
                }
            }
            Line::Header(s, p) => {
                let cur = state.begin(at, line_no, ctx, text, s.is_some() || p.is_none())?;
                if s.is_some() {
                    cur.stamp = s;
                }
                if p.is_some() {
                    cur.sender = p;
                }
                cur.header.push(content.trim().to_string());
                cur.end = end;
            }
            Line::StampedText(s, rest) => {
                let cur = state.begin(at, line_no, ctx, text, true)?;
                cur.stamp = Some(s);
                cur.body.push(rest.to_string());
                cur.end = end;
            }
            Line::Text => {
                let cur = state.current.get_or_insert_with(|| Msg { start: at, line: line_no, ..Msg::default() });
                cur.body.push(content.trim_end().to_string());
                cur.end = end;
            }
        }
    }
    state.flush(text, ctx)?;
    ctx.warn(format!("粘贴的时间没有写时区，已按 {} 理解", opts.zone));
    Ok(())
}

struct State<'o> {
    opts: &'o Options,
    record: u64,
    /// The year of the latest full date seen so far.
    year: Option<i32>,
    current: Option<Msg>,
    /// The message being flushed was dated with `Options::received_on`.
    used_received: bool,
}

impl State<'_> {
    /// The message a header line belongs to: the current one while it has no text yet (unless
    /// the line brings a second timestamp to a message that already has one), else a new one.
    fn begin(
        &mut self,
        at: usize,
        line: u64,
        ctx: &mut Ctx<'_>,
        text: &str,
        stamped: bool,
    ) -> Result<&mut Msg, ImportError> {
        let keep = self.current.as_ref().is_some_and(|m| m.body.is_empty() && !(stamped && m.stamp.is_some()));
        if !keep {
            self.flush(text, ctx)?;
        }
        Ok(self.current.get_or_insert_with(|| Msg { start: at, line, ..Msg::default() }))
    }

    fn flush(&mut self, text: &str, ctx: &mut Ctx<'_>) -> Result<(), ImportError> {
        let Some(m) = self.current.take() else { return Ok(()) };
        self.record += 1;
        let position = Position { record: self.record, line: m.line, byte: m.start as u64 };
        let mut body = m.body.join("\n").trim().to_string();
        if body.is_empty() {
            body = m.header.join("\n");
        }
        self.used_received = false;
        // No time written: the day and time the borrower gave, when he gave both.
        let given = match (&m.stamp, self.opts.received_on, self.opts.received_at) {
            (None, Some(on), Some(at)) => local_ms(NaiveDateTime::new(on, at), self.opts.zone),
            _ => None,
        };
        let time_ms = m.stamp.as_ref().and_then(|s| self.instant(s, ctx)).or(given);
        let channel = self.opts.pasted_channel.unwrap_or(Channel::Sms);
        let kind = match channel {
            Channel::Sms => ItemKind::Sms,
            Channel::Mms => ItemKind::Mms,
            Channel::Call => ItemKind::Call,
            _ => ItemKind::Chat,
        };
        let signature = SIGN_START
            .captures(&body)
            .or_else(|| SIGN_END.captures(&body))
            .and_then(|c| c.name("n").map(|n| n.as_str().trim().to_string()))
            .filter(|n| !n.is_empty());
        let counterpart = m.sender.clone().or_else(|| signature.clone()).unwrap_or_default();
        let msg = ImportedMessage {
            time_ms,
            zone_assumed: time_ms.is_some(),
            channel: channel.code().to_string(),
            direction: Direction::In,
            counterpart_key: crate::phone::normalize(&counterpart),
            counterpart,
            contact_name: signature.clone().filter(|_| m.sender.is_some()),
            text: body,
            duration_s: None,
            call_status: None,
            delivered: true,
            // The borrower's word on which debt the messages are about.
            creditor: self.opts.pasted_debt.clone(),
            // And on who received them (his mother, a colleague…): the analyzer reads a
            // collection message to anyone but him as contact with a third party.
            to: self.opts.pasted_to.clone(),
        };
        let mut fields = Vec::new();
        if let Some(s) = &m.stamp {
            fields.push(("time".to_string(), s.written.clone()));
        }
        if let Some(s) = &m.sender {
            fields.push(("sender".to_string(), s.clone()));
        }
        if let Some(s) = signature {
            fields.push(("signature".to_string(), s));
        }
        // The borrower's word, not the phone's: kept beside the message it dated.
        if self.used_received
            && time_ms.is_some()
            && let Some(on) = self.opts.received_on
        {
            fields.push(("received_on".to_string(), on.to_string()));
        }
        if given.is_some()
            && let (Some(on), Some(at)) = (self.opts.received_on, self.opts.received_at)
        {
            fields.push(("received_at".to_string(), format!("{on} {}", at.format("%H:%M"))));
        }
        let raw = text.as_bytes()[m.start..m.end].to_vec();
        let mut item = Item::from_message(kind, position, raw, true, fields, msg);
        // Without a time of its own a message is kept once per paste position: the same threat
        // sent (and pasted) twice is two records, not one.
        if (m.stamp.is_none() || time_ms.is_none())
            && let Some(msg) = &item.message
        {
            item.key = Item::message_key_with(kind, msg, &[&format!("paste#{}", self.record)]);
        }
        ctx.emit(item)
    }

    /// The instant of a stamp, or `None` (with a warning) when its date cannot be known.
    fn instant(&mut self, s: &Stamp, ctx: &mut Ctx<'_>) -> Option<i64> {
        let Some((year, month, day)) = s.date else {
            let Some(on) = self.opts.received_on else {
                ctx.warn(format!("“{}”没有写日期（昨天/今天要看是哪天复制的），这条消息的时间记为未知", s.written));
                return None;
            };
            let date = on.checked_sub_days(chrono::Days::new(u64::from(s.days_back)))?;
            self.used_received = true;
            return local_ms(NaiveDateTime::new(date, s.time), self.opts.zone);
        };
        let year = match year {
            Some(y) => {
                self.year = Some(y);
                y
            }
            None => match (self.year, self.opts.received_on) {
                (Some(y), _) => y,
                // Received on that day: the month-day fell on it or before it.
                (None, Some(on)) => {
                    self.used_received = true;
                    let this_year = NaiveDate::from_ymd_opt(on.year(), month, day);
                    if this_year.is_some_and(|d| d <= on) { on.year() } else { on.year() - 1 }
                }
                (None, None) => {
                    ctx.warn(format!("“{}”没有写年份，前面也没有写了年份的日期，这条消息的时间记为未知", s.written));
                    return None;
                }
            },
        };
        let date = NaiveDate::from_ymd_opt(year, month, day)?;
        local_ms(NaiveDateTime::new(date, s.time), self.opts.zone)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps() {
        for (line, date) in [
            ("2026-11-20 21:14", Some((Some(2026), 11, 20))),
            ("2026-11-20 21:14:05", Some((Some(2026), 11, 20))),
            ("2026/11/20 21:14", Some((Some(2026), 11, 20))),
            ("2026年11月20日 21:14", Some((Some(2026), 11, 20))),
            ("11月20日 21:14", Some((None, 11, 20))),
            ("11-20 21:14", Some((None, 11, 20))),
            ("昨天 21:14", None),
            ("今天 21:14", None),
        ] {
            let (s, rest) = stamp(line).unwrap_or_else(|| panic!("{line}"));
            assert_eq!((s.date, s.written.as_str(), rest), (date, line, ""), "{line}");
        }
        for line in ["2026-13-20 21:14", "11-32 21:14", "2026-11-20 25:14", "21:14", "2026-11-20 21:145", "还款 21:14"]
        {
            assert!(stamp(line).is_none(), "{line}");
        }
        let (s, rest) = stamp("2026-11-20 21:14 你涉嫌诈骗").unwrap_or_else(|| panic!("stamp"));
        assert_eq!((s.written.as_str(), rest), ("2026-11-20 21:14", "你涉嫌诈骗"));
    }

    #[test]
    fn phones() {
        assert_eq!(phone("+86 138-0013-8000").as_deref(), Some("+8613800138000"));
        assert_eq!(phone("10690123456").as_deref(), Some("10690123456"));
        assert_eq!(phone("95188").as_deref(), Some("95188"));
        assert_eq!(phone("12345678901"), None);
        assert_eq!(phone("逾期15天"), None);
    }
}

//! The analyzer's input line (docs/law/conduct.md §7): `{"id", "text", "time", "from",
//! "to", "channel"}`, only `text` required. Extra fields are ignored, so labelled
//! corpus lines and richer importer output can be fed directly.

use std::borrow::Cow;

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone};
use serde::{Deserialize, Deserializer};
use yuqi_case::Channel;

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Message<'a> {
    #[serde(default, borrow, deserialize_with = "string_or_number")]
    pub id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub text: Cow<'a, str>,
    /// RFC 3339 (`2025-05-20T21:30:00+08:00`) or `2025-05-20 21:30:00` (China time).
    #[serde(default, borrow)]
    pub time: Option<Cow<'a, str>>,
    /// Sender: a number, a name, or a role (`self` for the debtor's own messages).
    #[serde(default, borrow)]
    pub from: Option<Cow<'a, str>>,
    /// Recipient: `self` (the debtor) or a third party (`contact`, `relative`, `employer`…).
    #[serde(default, borrow)]
    pub to: Option<Cow<'a, str>>,
    /// `sms`, `call`, `wechat`, `app`, …
    #[serde(default, borrow)]
    pub channel: Option<Cow<'a, str>>,
    /// For calls: was it answered?
    #[serde(default)]
    pub connected: Option<bool>,
    /// For calls: seconds (a positive duration means answered).
    #[serde(default)]
    pub duration: Option<u32>,
    /// The creditor the contact is for (groups a lender with its agents and numbers).
    #[serde(default, borrow)]
    pub creditor: Option<Cow<'a, str>>,
    /// The debtor agreed to be contacted at this time.
    #[serde(default)]
    pub consent: Option<bool>,
}

impl Message<'_> {
    /// The same message owning its text, to keep beyond the buffer it was parsed from.
    pub fn into_owned(self) -> Message<'static> {
        let own = |c: Option<Cow<'_, str>>| c.map(|c| Cow::Owned(c.into_owned()));
        Message {
            id: own(self.id),
            text: Cow::Owned(self.text.into_owned()),
            time: own(self.time),
            from: own(self.from),
            to: own(self.to),
            channel: own(self.channel),
            connected: self.connected,
            duration: self.duration,
            creditor: own(self.creditor),
            consent: self.consent,
        }
    }
}

fn string_or_number<'de, 'a, D>(d: D) -> Result<Option<Cow<'a, str>>, D::Error>
where
    D: Deserializer<'de>,
    'de: 'a,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Id<'a> {
        #[serde(borrow)]
        Str(Cow<'a, str>),
        Int(i64),
        Float(f64),
    }
    Ok(match Option::<Id<'a>>::deserialize(d)? {
        None => None,
        Some(Id::Str(s)) => Some(s),
        Some(Id::Int(i)) => Some(Cow::Owned(i.to_string())),
        Some(Id::Float(f)) => Some(Cow::Owned(f.to_string())),
    })
}

/// China Standard Time, for timestamps without an offset.
pub fn china() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| FixedOffset::east_opt(0).expect("UTC offset"))
}

/// Parses the forms of `time` the importers and users produce.
pub fn parse_time(s: &str) -> Option<DateTime<FixedOffset>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t);
    }
    for fmt in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M"] {
        if let Ok(n) = NaiveDateTime::parse_from_str(s, fmt) {
            return china().from_local_datetime(&n).single();
        }
    }
    // Epoch milliseconds, as SMS backups store them.
    if s.len() >= 12
        && s.chars().all(|c| c.is_ascii_digit())
        && let Ok(ms) = s.parse::<i64>()
    {
        return DateTime::from_timestamp_millis(ms).map(|t| t.with_timezone(&china()));
    }
    None
}

impl Message<'_> {
    pub fn parsed_time(&self) -> Option<DateTime<FixedOffset>> {
        self.time.as_deref().and_then(parse_time)
    }

    pub fn is_call(&self) -> bool {
        self.channel.as_deref().and_then(Channel::from_text) == Some(Channel::Call)
    }

    /// Answered: `connected`, or a positive duration.
    pub fn answered(&self) -> bool {
        self.connected.unwrap_or(self.duration.is_some_and(|d| d > 0))
    }
}

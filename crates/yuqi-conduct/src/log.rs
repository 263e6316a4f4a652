//! Log-level codes: decided from timestamps and counts across a conversation
//! (night contact, frequency, number rotation, contact after a stop request).
//! Parameters are legal data (docs/law/conduct.md §1–§2, §8), looked up by the message date.

use std::cell::RefCell;
use std::collections::HashMap;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Timelike};
use yuqi_law::law;

use crate::code::{Code, basis};
use crate::lexicon::Lexicon;
use crate::message::{Message, china};
use crate::normalize::{Normalized, normalize_into};
use crate::text::Hit;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    All,
    Calls,
    ThirdParty,
}

/// The log-level parameters in force on one day (docs/law/conduct.md §1–§2, §8), as the
/// analyzer uses them. Public so that other engines (the batch scan's SQL) apply
/// exactly the same numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Params {
    /// Night begins at this hour (local time, inclusive).
    pub night_start: u32,
    /// Night ends at this hour (exclusive).
    pub night_end: u32,
    /// The day the night standard took effect; earlier contacts are marked
    /// `night_contact.before_standard`.
    pub night_from: NaiveDate,
    /// Connected calls per creditor per day allowed.
    pub max_connected: usize,
    /// The day that limit took effect (earlier breaches are `….before_standard`).
    pub connected_from: NaiveDate,
    /// Unanswered attempts per creditor and number per day allowed.
    pub max_attempts: usize,
    pub attempts_from: NaiveDate,
    pub rotation_numbers: usize,
    pub rotation_days: i64,
}

impl Params {
    /// The night-contact rule for a contact at `hour` on `day`, if it is at night.
    pub fn night_rule(&self, day: NaiveDate, hour: u32) -> Option<LogRule> {
        (hour >= self.night_start || hour < self.night_end)
            .then(|| if day >= self.night_from { LogRule::NightWindow } else { LogRule::NightBeforeStandard })
    }

    /// The frequency rule broken by the `nth` connected call (or unanswered attempt)
    /// of `day`, if it breaks one. A limit applied to a day before it took effect is
    /// marked `before_standard`: the count is reported, not claimed as a breach of it.
    pub fn frequency_rule(&self, day: NaiveDate, connected: bool, nth: usize) -> Option<LogRule> {
        if connected {
            (nth > self.max_connected).then(|| {
                if day >= self.connected_from { LogRule::ConnectedCalls } else { LogRule::ConnectedCallsBeforeStandard }
            })
        } else {
            (nth > self.max_attempts)
                .then(|| if day >= self.attempts_from { LogRule::Attempts } else { LogRule::AttemptsBeforeStandard })
        }
    }
}

fn as_count(id: &str, on: NaiveDate) -> Option<(usize, NaiveDate)> {
    let l = law();
    let p = l.param_or_first(id, on).ok()?;
    Some((usize::try_from(p.decimal().trunc().mantissa()).ok()?, p.from))
}

thread_local! {
    static PARAMS: RefCell<HashMap<NaiveDate, Option<Params>>> = RefCell::new(HashMap::new());
}

/// The parameters in force on `on` (the earliest ones for days before any took effect).
/// Cached per thread: they change a few times a decade, and a batch scan asks for them at
/// every new (debtor, day) of millions.
pub fn params(on: NaiveDate) -> Option<Params> {
    PARAMS.with(|c| *c.borrow_mut().entry(on).or_insert_with(|| params_uncached(on)))
}

fn params_uncached(on: NaiveDate) -> Option<Params> {
    let (night_start, night_from) = as_count("conduct.night_start_hour", on)?;
    let connected = as_count("conduct.max_connected_calls_per_day", on)?;
    let attempts = as_count("conduct.max_attempts_per_number_per_day", on)?;
    Some(Params {
        night_start: night_start as u32,
        night_end: as_count("conduct.night_end_hour", on)?.0 as u32,
        night_from,
        max_connected: connected.0,
        connected_from: connected.1,
        max_attempts: attempts.0,
        attempts_from: attempts.1,
        rotation_numbers: as_count("conduct.rotation_numbers", on)?.0,
        rotation_days: as_count("conduct.rotation_window_days", on)?.0 as i64,
    })
}

/// One log-level finding on one contact: its code, and whether the standard it
/// measures against was already in force that day (`…before_standard` otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LogRule {
    NightWindow,
    NightBeforeStandard,
    ConnectedCalls,
    ConnectedCallsBeforeStandard,
    Attempts,
    AttemptsBeforeStandard,
    NumberRotation,
    StopIgnored,
}

impl LogRule {
    /// In the order hits are reported for one message.
    pub const ALL: [LogRule; 8] = [
        LogRule::NightWindow,
        LogRule::NightBeforeStandard,
        LogRule::ConnectedCalls,
        LogRule::ConnectedCallsBeforeStandard,
        LogRule::Attempts,
        LogRule::AttemptsBeforeStandard,
        LogRule::NumberRotation,
        LogRule::StopIgnored,
    ];

    pub fn code(self) -> Code {
        match self {
            LogRule::NightWindow | LogRule::NightBeforeStandard => Code::NightContact,
            LogRule::ConnectedCalls
            | LogRule::ConnectedCallsBeforeStandard
            | LogRule::Attempts
            | LogRule::AttemptsBeforeStandard => Code::FrequentContact,
            LogRule::NumberRotation => Code::NumberRotation,
            LogRule::StopIgnored => Code::StopIgnored,
        }
    }

    /// The rule's name, as hits carry it.
    pub fn rule(self) -> &'static str {
        match self {
            LogRule::NightWindow => "night_contact.window",
            LogRule::NightBeforeStandard => "night_contact.before_standard",
            LogRule::ConnectedCalls => "frequent_contact.connected_calls",
            LogRule::ConnectedCallsBeforeStandard => "frequent_contact.connected_calls.before_standard",
            LogRule::Attempts => "frequent_contact.attempts",
            LogRule::AttemptsBeforeStandard => "frequent_contact.attempts.before_standard",
            LogRule::NumberRotation => "number_rotation.window",
            LogRule::StopIgnored => "stop_ignored.after_request",
        }
    }

    /// Judged by a standard that was not yet in force: reported, not claimed as a breach.
    pub fn before_standard(self) -> bool {
        matches!(
            self,
            LogRule::NightBeforeStandard | LogRule::ConnectedCallsBeforeStandard | LogRule::AttemptsBeforeStandard
        )
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// The log rules one contact broke, as a small integer: the batch scan carries it through
/// its plan instead of a list of hits (`bits`/`from_bits` round-trip).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct LogRules(u16);

impl LogRules {
    pub fn bits(self) -> u16 {
        self.0
    }

    /// Unknown bits are dropped.
    pub fn from_bits(bits: u16) -> LogRules {
        LogRules(bits & ((1 << LogRule::ALL.len()) - 1))
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn contains(self, r: LogRule) -> bool {
        self.0 & r.bit() != 0
    }

    fn insert(&mut self, r: LogRule) {
        self.0 |= r.bit();
    }

    /// The rules in reporting order.
    pub fn iter(self) -> impl Iterator<Item = LogRule> {
        LogRule::ALL.into_iter().filter(move |r| self.contains(*r))
    }

    /// The hits these rules give a message of `chars` characters: log-level hits cover
    /// the whole message.
    pub fn hits(self, chars: usize) -> impl Iterator<Item = Hit> {
        self.iter().map(move |r| Hit {
            code: r.code(),
            start: 0,
            end: chars,
            rule: r.rule().to_string(),
            basis: basis(r.code()),
            confidence: 100,
            cues: Vec::new(),
        })
    }
}

/// The log analysis of one debtor's contacts, fed one contact at a time in time order.
///
/// Every log-level code is causal — it depends on the contact and those before it — so
/// a log can be analysed as a stream: the batch scan feeds each debtor's contacts as
/// its engine delivers them, without holding the debtor's history. What the state keeps
/// is bounded by one day (the frequency counts), the rotation window (numbers), the numbers
/// the debtor was contacted from (their creditor) and the debtor's stop requests.
pub struct LogState<'l> {
    lex: &'l Lexicon,
    params: Option<(NaiveDate, Option<Params>)>,
    /// Today's connected calls per creditor, and unanswered attempts per creditor and called
    /// number: a debtor sees few of either in a day, so a short list is enough.
    connected: Vec<((String, String), usize)>,
    attempts: Vec<((String, String), usize)>,
    /// Per creditor, the latest use of each sender number.
    numbers: HashMap<String, HashMap<String, DateTime<FixedOffset>>>,
    stops: Vec<StopRequest>,
    /// The creditor each sender number was last seen collecting for: a request sent to one of
    /// a creditor's numbers binds the creditor, whichever number it calls from next (the
    /// debtor cannot know which of its numbers or agents will call).
    creditor_of: HashMap<String, String>,
    norm: Normalized,
}

/// A written stop request from the debtor: when, what it asks to stop, and whom it was sent to
/// (a number or name, and the creditor behind it when the log shows one).
#[derive(Debug)]
struct StopRequest {
    at: DateTime<FixedOffset>,
    kind: Stop,
    to: Option<String>,
    creditor: Option<String>,
}

impl StopRequest {
    /// Whether the request binds a contact from `from` on behalf of `creditor` (`key` is the
    /// creditor, or the number when the log names none). A request sent to nobody in
    /// particular binds every collector of this debtor.
    fn binds(&self, key: &str, from: Option<&str>, creditor: Option<&str>) -> bool {
        let Some(to) = self.to.as_deref() else { return true };
        to == key || Some(to) == from || (self.creditor.is_some() && self.creditor.as_deref() == creditor)
    }
}

impl std::fmt::Debug for LogState<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogState").field("day", &self.params.map(|(d, _)| d)).field("stops", &self.stops.len()).finish()
    }
}

impl<'l> LogState<'l> {
    pub(crate) fn new(lex: &'l Lexicon) -> LogState<'l> {
        LogState {
            lex,
            params: None,
            connected: Vec::new(),
            attempts: Vec::new(),
            numbers: HashMap::new(),
            stops: Vec::new(),
            creditor_of: HashMap::new(),
            norm: Normalized::default(),
        }
    }

    /// The rules `m`, sent at `t`, breaks given the contacts pushed before it. Contacts
    /// must come in time order (ties in a fixed order); a contact without a time is
    /// never pushed.
    pub fn push(&mut self, m: &Message<'_>, t: DateTime<FixedOffset>) -> LogRules {
        let t = t.with_timezone(&china());
        let day = t.date_naive();
        let mut out = LogRules::default();
        if self.params.is_none_or(|(d, _)| d != day) {
            // A new day: the daily counts start again, and the parameters may differ.
            self.params = Some((day, params(day)));
            self.connected.clear();
            self.attempts.clear();
        }
        let Some((_, Some(p))) = self.params else { return out };
        let lex = self.lex;
        if m.from.as_deref().is_some_and(|f| lex.self_senders.iter().any(|s| s == f)) {
            normalize_into(&m.text, &mut self.norm);
            let text = &self.norm.text;
            let kind = if lex.stop_third_party.iter().any(|s| text.contains(s.as_str())) {
                Some(Stop::ThirdParty)
            } else if lex.stop_calls.iter().any(|s| text.contains(s.as_str())) {
                Some(Stop::Calls)
            } else if lex.stop_all.iter().any(|s| text.contains(s.as_str())) {
                Some(Stop::All)
            } else {
                None
            };
            if let Some(kind) = kind {
                let to = m.to.as_deref().map(str::to_string);
                let creditor = m
                    .creditor
                    .as_deref()
                    .map(str::to_string)
                    .or_else(|| to.as_deref().and_then(|n| self.creditor_of.get(n)).cloned());
                self.stops.push(StopRequest { at: t, kind, to, creditor });
            }
            return out;
        }
        let key = m.creditor.as_deref().or(m.from.as_deref()).unwrap_or("");
        if let (Some(from), Some(creditor)) = (m.from.as_deref(), m.creditor.as_deref())
            && self.creditor_of.get(from).is_none_or(|c| c != creditor)
        {
            self.creditor_of.insert(from.to_string(), creditor.to_string());
        }

        // Night contact, unless the debtor consented.
        if m.consent != Some(true)
            && let Some(rule) = p.night_rule(day, t.hour())
        {
            out.insert(rule);
        }

        // Frequency: connected calls per creditor per day; unanswered attempts per number.
        if m.is_call() {
            let connected = m.answered();
            let n = if connected {
                bump(&mut self.connected, (key, ""))
            } else {
                bump(&mut self.attempts, (key, m.to.as_deref().unwrap_or("self")))
            };
            if let Some(rule) = p.frequency_rule(day, connected, n) {
                out.insert(rule);
            }
        }

        // Number rotation: distinct sender numbers for one creditor within the window. A number
        // is in the window while its latest use is, so the latest use per number is all it takes.
        if let (Some(creditor), Some(from)) = (m.creditor.as_deref(), m.from.as_deref()) {
            if !self.numbers.contains_key(creditor) {
                self.numbers.insert(creditor.to_string(), HashMap::new());
            }
            if let Some(latest) = self.numbers.get_mut(creditor) {
                latest.retain(|_, seen| t - *seen <= Duration::days(p.rotation_days));
                let new_number = !latest.contains_key(from);
                match latest.get_mut(from) {
                    Some(seen) => *seen = t,
                    None => {
                        latest.insert(from.to_string(), t);
                    }
                }
                if new_number && latest.len() >= p.rotation_numbers {
                    out.insert(LogRule::NumberRotation);
                }
            }
        }

        // Contact after a written stop request.
        let to_third = m.to.as_deref().is_some_and(|x| lex.third_party_recipients.iter().any(|r| r == x));
        for stop in &self.stops {
            if stop.at >= t || !stop.binds(key, m.from.as_deref(), m.creditor.as_deref()) {
                continue;
            }
            let applies = match stop.kind {
                Stop::All => true,
                Stop::Calls => m.is_call(),
                Stop::ThirdParty => to_third,
            };
            if applies {
                out.insert(LogRule::StopIgnored);
                break;
            }
        }
        out
    }
}

/// Counts one more contact under `key` (allocating the key only the first time it is seen).
fn bump(counts: &mut Vec<((String, String), usize)>, key: (&str, &str)) -> usize {
    if let Some((_, n)) = counts.iter_mut().find(|((a, b), _)| a == key.0 && b == key.1) {
        *n += 1;
        return *n;
    }
    counts.push(((key.0.to_string(), key.1.to_string()), 1));
    1
}

/// Log-level hits for each message, in input order. Messages without a time are
/// left out of the counts.
pub(crate) fn analyze(lex: &Lexicon, messages: &[Message<'_>]) -> Vec<Vec<Hit>> {
    let mut out: Vec<Vec<Hit>> = vec![Vec::new(); messages.len()];
    let mut order: Vec<(DateTime<FixedOffset>, usize)> = messages
        .iter()
        .enumerate()
        .filter_map(|(i, m)| m.parsed_time().map(|t| (t.with_timezone(&china()), i)))
        .collect();
    order.sort();
    let mut state = LogState::new(lex);
    for (t, i) in order {
        let m = &messages[i];
        out[i].extend(state.push(m, t).hits(m.text.chars().count()));
    }
    out
}

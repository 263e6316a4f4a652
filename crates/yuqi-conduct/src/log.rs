//! Log-level codes: decided from timestamps and counts across a conversation
//! (night contact, frequency, number rotation, contact after a stop request).
//! Parameters are legal data (docs/law/conduct.md §1–§2, §8), looked up by the message date.

use std::collections::{HashMap, HashSet, VecDeque};

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
    pub fn night_rule(&self, day: NaiveDate, hour: u32) -> Option<&'static str> {
        (hour >= self.night_start || hour < self.night_end)
            .then(|| if day >= self.night_from { "night_contact.window" } else { "night_contact.before_standard" })
    }

    /// The frequency rule broken by the `nth` connected call (or unanswered attempt)
    /// of `day`, if it breaks one. A limit applied to a day before it took effect is
    /// marked `before_standard`: the count is reported, not claimed as a breach of it.
    pub fn frequency_rule(&self, day: NaiveDate, connected: bool, nth: usize) -> Option<&'static str> {
        if connected {
            (nth > self.max_connected).then(|| {
                if day >= self.connected_from {
                    "frequent_contact.connected_calls"
                } else {
                    "frequent_contact.connected_calls.before_standard"
                }
            })
        } else {
            (nth > self.max_attempts).then(|| {
                if day >= self.attempts_from {
                    "frequent_contact.attempts"
                } else {
                    "frequent_contact.attempts.before_standard"
                }
            })
        }
    }
}

fn as_count(id: &str, on: NaiveDate) -> Option<(usize, NaiveDate)> {
    let l = law();
    let p = l.param_or_first(id, on).ok()?;
    Some((usize::try_from(p.decimal().trunc().mantissa()).ok()?, p.from))
}

/// The parameters in force on `on` (the earliest ones for days before any took effect).
pub fn params(on: NaiveDate) -> Option<Params> {
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

fn whole(code: Code, rule: &str, text: &str) -> Hit {
    Hit {
        code,
        start: 0,
        end: text.chars().count(),
        rule: rule.to_string(),
        basis: basis(code),
        confidence: 100,
        cues: Vec::new(),
    }
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
    let is_self = |m: &Message<'_>| m.from.as_deref().is_some_and(|f| lex.self_senders.iter().any(|s| s == f));
    let to_third = |m: &Message<'_>| m.to.as_deref().is_some_and(|t| lex.third_party_recipients.iter().any(|r| r == t));

    let mut connected: HashMap<(String, NaiveDate), usize> = HashMap::new();
    let mut attempts: HashMap<(String, NaiveDate), usize> = HashMap::new();
    let mut numbers: HashMap<String, VecDeque<(DateTime<FixedOffset>, String)>> = HashMap::new();
    let mut stops: Vec<(DateTime<FixedOffset>, Stop, Option<String>)> = Vec::new();
    let mut norm = Normalized::default();

    for (t, i) in order {
        let m = &messages[i];
        let Some(p) = params(t.date_naive()) else { continue };
        if is_self(m) {
            normalize_into(&m.text, &mut norm);
            let kind = if lex.stop_third_party.iter().any(|s| norm.text.contains(s.as_str())) {
                Some(Stop::ThirdParty)
            } else if lex.stop_calls.iter().any(|s| norm.text.contains(s.as_str())) {
                Some(Stop::Calls)
            } else if lex.stop_all.iter().any(|s| norm.text.contains(s.as_str())) {
                Some(Stop::All)
            } else {
                None
            };
            if let Some(k) = kind {
                stops.push((t, k, m.to.as_deref().map(str::to_string)));
            }
            continue;
        }
        let key = m.creditor.as_deref().or(m.from.as_deref()).unwrap_or("").to_string();
        let day = t.date_naive();

        // Night contact, unless the debtor consented.
        if m.consent != Some(true)
            && let Some(rule) = p.night_rule(day, t.hour())
        {
            out[i].push(whole(Code::NightContact, rule, &m.text));
        }

        // Frequency: connected calls per creditor per day; unanswered attempts per number.
        if m.is_call() {
            if m.answered() {
                let n = connected.entry((key.clone(), day)).or_default();
                *n += 1;
                if let Some(rule) = p.frequency_rule(day, true, *n) {
                    out[i].push(whole(Code::FrequentContact, rule, &m.text));
                }
            } else {
                let target = m.to.as_deref().unwrap_or("self").to_string();
                let n = attempts.entry((format!("{key}\u{1}{target}"), day)).or_default();
                *n += 1;
                if let Some(rule) = p.frequency_rule(day, false, *n) {
                    out[i].push(whole(Code::FrequentContact, rule, &m.text));
                }
            }
        }

        // Number rotation: distinct sender numbers for one creditor in a window.
        if let (Some(creditor), Some(from)) = (m.creditor.as_deref(), m.from.as_deref()) {
            let window = numbers.entry(creditor.to_string()).or_default();
            while window.front().is_some_and(|(ft, _)| t - *ft > Duration::days(p.rotation_days)) {
                window.pop_front();
            }
            let new_number = !window.iter().any(|(_, n)| n == from);
            window.push_back((t, from.to_string()));
            let distinct: HashSet<&str> = window.iter().map(|(_, n)| n.as_str()).collect();
            if new_number && distinct.len() >= p.rotation_numbers {
                out[i].push(whole(Code::NumberRotation, "number_rotation.window", &m.text));
            }
        }

        // Contact after a written stop request.
        for (st, kind, target) in &stops {
            if *st >= t || target.as_deref().is_some_and(|x| x != key && Some(x) != m.from.as_deref()) {
                continue;
            }
            let applies = match kind {
                Stop::All => true,
                Stop::Calls => m.is_call(),
                Stop::ThirdParty => to_third(m),
            };
            if applies {
                out[i].push(whole(Code::StopIgnored, "stop_ignored.after_request", &m.text));
                break;
            }
        }
    }
    out
}

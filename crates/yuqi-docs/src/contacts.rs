//! Collection contacts and the conduct found in them, gathered from the case file (the notes
//! of demand events) and from imported messages (the evidence store or a messages file, which
//! the shells read and pass in as [`yuqi_conduct::Message`]s).

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use serde::Serialize;
use yuqi_case::{Case, Channel, EventKind};
use yuqi_conduct::{Analyzer, Code, Message, Scratch};
use yuqi_timeline::CaseTimeline;

use crate::doc::Source;

/// One conduct hit, with the quoted span.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContactHit {
    pub code: &'static str,
    pub label: &'static str,
    /// Character offsets into the contact's text; `0..0` for hits on the record as a whole
    /// (night contact, call frequency).
    pub start: usize,
    pub end: usize,
    pub quote: String,
    pub rule: &'static str,
    pub basis: String,
    /// How sure the analyzer is, in percent (`yuqi_conduct::Hit::confidence`).
    pub confidence: u8,
    /// The borrower said so (a suspicion he confirmed, or what the analyzer missed), not the
    /// analyzer alone.
    pub by_user: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contact {
    pub source: Source,
    /// The debt it concerns, when known (case-file events).
    pub debt: Option<String>,
    pub date: Option<NaiveDate>,
    /// China local time, when the record has one.
    pub time: Option<NaiveDateTime>,
    pub channel: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub text: String,
    /// From the collector's side (not the debtor's own message).
    pub incoming: bool,
    /// What the analyzer is sure of (confidence at least `yuqi_conduct::SURE`): what letters,
    /// counts and the dossier use.
    pub hits: Vec<ContactHit>,
    /// What it only suspects: shown apart in the inbox for the borrower to judge, never put in a
    /// letter.
    pub possible: Vec<ContactHit>,
    /// The text was read by OCR off the screenshot that is this evidence entry: the borrower
    /// checks it against the image, and every quotation says so.
    pub read_from_image: Option<u64>,
    /// The message's entry in the evidence store, when it is one (the borrower can judge its
    /// findings there).
    pub evidence_seq: Option<u64>,
    /// Codes the borrower said the message does not show: kept out of letters and counts, and
    /// listed so that he can take it back.
    pub rejected: Vec<&'static str>,
}

impl Contact {
    /// The borrower's judgment of one code: confirmed, it counts as a finding (a suspicion is
    /// promoted with its span; a code the analyzer missed is added for the whole message, with
    /// no span); rejected, it is dropped from both lists. Only text-level codes can be added:
    /// night contact and frequency are counted from times, not judged.
    pub fn judge(&mut self, code: Code, confirmed: bool) {
        let name = code.as_str();
        if !confirmed {
            self.hits.retain(|h| h.code != name);
            self.possible.retain(|h| h.code != name);
            if !self.rejected.contains(&name) {
                self.rejected.push(name);
            }
            return;
        }
        self.rejected.retain(|c| *c != name);
        if self.hits.iter().any(|h| h.code == name) {
            return;
        }
        let promoted: Vec<ContactHit> = self.possible.iter().filter(|h| h.code == name).cloned().collect();
        self.possible.retain(|h| h.code != name);
        if promoted.is_empty() {
            if code.is_text_level() {
                let mut h = hit_of(code, 0, 0, "", code.rule(), 100);
                h.by_user = true;
                self.hits.push(h);
            }
        } else {
            self.hits.extend(promoted.into_iter().map(|h| ContactHit { by_user: true, ..h }));
        }
    }

    pub fn codes(&self) -> Vec<&'static str> {
        let mut c: Vec<&'static str> = self.hits.iter().map(|h| h.code).collect();
        c.sort_unstable();
        c.dedup();
        c
    }

    /// The day it happened (from the time when there is one).
    pub fn day(&self) -> Option<NaiveDate> {
        self.time.map(|t| t.date()).or(self.date)
    }
}

fn hit_of(code: Code, start: usize, end: usize, text: &str, rule: &'static str, confidence: u8) -> ContactHit {
    ContactHit {
        confidence,
        code: code.as_str(),
        label: code.label_zh(),
        start,
        end,
        quote: text.chars().skip(start).take(end.saturating_sub(start)).collect(),
        rule,
        basis: yuqi_conduct::code::basis(code).to_string(),
        by_user: false,
    }
}

/// The analyzer's hits as (sure, possible); a code already sure is not repeated as possible.
fn split(hits: &[yuqi_conduct::Hit], text: &str) -> (Vec<ContactHit>, Vec<ContactHit>) {
    let of = |h: &yuqi_conduct::Hit| hit_of(h.code, h.start, h.end, text, h.code.rule(), h.confidence);
    let sure: Vec<ContactHit> = hits.iter().filter(|h| h.is_sure()).map(of).collect();
    let possible =
        hits.iter().filter(|h| !h.is_sure() && !sure.iter().any(|s| s.code == h.code.as_str())).map(of).collect();
    (sure, possible)
}

/// A recipient word of the messages format (docs/conduct.md: `to`) in Chinese, as a letter or a
/// page names the person the collector wrote to; `None` for a number or a name.
pub fn recipient_zh(to: &str) -> Option<&'static str> {
    Some(match to.trim() {
        "self" => "本人",
        "contact" => "本人通讯录中的联系人",
        "relative" => "本人的亲属",
        "family" => "本人的家人",
        "employer" => "本人的工作单位",
        "colleague" => "本人的同事",
        "friend" => "本人的朋友",
        "neighbour" | "neighbor" => "本人的邻居",
        "landlord" => "本人的房东",
        "school" => "学校",
        "third_party" => "第三人",
        t if !t.is_empty() && t.chars().all(|c| c.is_ascii_alphabetic() || c == '_') => "第三人",
        _ => return None,
    })
}

/// Demand events of the case file that carry a note (what the collector said or did).
pub fn from_case(case: &Case) -> Vec<Contact> {
    let an = Analyzer::shared();
    let mut scratch = Scratch::default();
    let mut out = Vec::new();
    for d in &case.debts {
        for (i, e) in d.events.iter().enumerate() {
            if e.kind != EventKind::Demand || e.note.trim().is_empty() {
                continue;
            }
            let msg = Message {
                text: e.note.as_str().into(),
                from: Some("collector".into()),
                to: Some("self".into()),
                ..Default::default()
            };
            let a = an.analyze(&msg, &mut scratch);
            let (hits, possible) = split(&a.hits, &e.note);
            out.push(Contact {
                source: Source::Case(format!("debt[{}].event[{i}].note", d.id)),
                debt: Some(d.id.clone()),
                date: Some(e.date),
                time: None,
                channel: e.channel.map(|c| c.label_zh().to_string()),
                from: e.by.clone(),
                to: None,
                text: e.note.clone(),
                incoming: true,
                hits,
                possible,
                read_from_image: None,
                evidence_seq: None,
                rejected: Vec::new(),
            });
        }
    }
    out
}

/// The debt a message's `creditor` field names: a debt id, its lender or its platform.
fn debt_of(case: &Case, creditor: Option<&str>) -> Option<String> {
    let c = creditor?.trim();
    if c.is_empty() {
        return None;
    }
    case.debts
        .iter()
        .find(|d| d.id == c)
        .or_else(|| case.debts.iter().find(|d| d.lender == c || d.platform.as_deref() == Some(c)))
        .map(|d| d.id.clone())
}

/// Imported messages (`id` names the evidence entry or file line). Text-level codes per message,
/// then log-level codes (night contact, frequency, number rotation, contact after a stop request)
/// over all of them together. A message whose `creditor` names a debt of `case` is tied to it.
pub fn from_messages(messages: &[Message<'_>], case: &Case) -> Vec<Contact> {
    let an = Analyzer::shared();
    let mut scratch = Scratch::default();
    let log = an.analyze_log(messages);
    messages
        .iter()
        .zip(log)
        .enumerate()
        .map(|(i, (m, log_hits))| {
            let a = an.analyze(m, &mut scratch);
            let (mut hits, possible) = split(&a.hits, &m.text);
            for h in log_hits {
                if !hits.iter().any(|x| x.code == h.code.as_str()) {
                    hits.push(hit_of(h.code, 0, 0, "", h.code.rule(), h.confidence));
                }
            }
            let time = m.parsed_time().map(|t| t.with_timezone(&yuqi_conduct::message::china()).naive_local());
            let own = m.from.as_deref() == Some("self");
            Contact {
                source: Source::Evidence(m.id.as_deref().map_or_else(|| format!("第 {} 条", i + 1), str::to_string)),
                debt: debt_of(case, m.creditor.as_deref()),
                date: time.map(|t| t.date()),
                time,
                channel: m.channel.as_deref().map(|c| Channel::label_of(c).to_string()),
                from: m.from.as_deref().map(str::to_string),
                to: m.to.as_deref().map(str::to_string),
                text: m.text.to_string(),
                incoming: !own,
                hits,
                possible,
                read_from_image: None,
                evidence_seq: None,
                rejected: Vec::new(),
            }
        })
        .collect()
}

/// Collection contacts (the collector's side) by weekday (Monday first) and hour.
pub fn heat(contacts: &[Contact]) -> [[u32; 24]; 7] {
    let mut h = [[0u32; 24]; 7];
    for c in contacts.iter().filter(|c| c.incoming) {
        if let Some(t) = c.time {
            h[t.weekday().num_days_from_monday() as usize][t.hour() as usize] += 1;
        }
    }
    h
}

/// How many contacts carry each code, most frequent first.
pub fn code_counts(contacts: &[Contact]) -> Vec<(&'static str, &'static str, usize)> {
    let mut out: Vec<(&'static str, &'static str, usize)> = Vec::new();
    for c in contacts {
        for code in c.codes() {
            match out.iter_mut().find(|x| x.0 == code) {
                Some(x) => x.2 += 1,
                None => {
                    let label = Code::parse(code).map_or("", Code::label_zh);
                    out.push((code, label, 1));
                }
            }
        }
    }
    out.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(b.0)));
    out
}

/// Collection messages tied to a debt that are later than every event the limitation
/// computation used. They are not in the timeline until the user confirms them (an imported
/// message is a claim about what reached the debtor, which only the debtor can confirm), but a
/// message that did reach the debtor interrupted the period: the date shown could be too early,
/// which is the dangerous direction. One warning per debt, naming the latest such message.
pub fn unrecorded_demands(
    case: &Case,
    timeline: &CaseTimeline,
    contacts: &[Contact],
    only: Option<&str>,
) -> Vec<String> {
    let mut out = Vec::new();
    for d in &case.debts {
        if only.is_some_and(|id| id != d.id) {
            continue;
        }
        // Paired by id: the timeline holds one entry per debt of the case.
        let Some(t) = timeline.debts.iter().find(|t| t.id == d.id) else { continue };
        let last_used = t.limitation.steps.iter().map(|s| s.date).max();
        let latest = contacts
            .iter()
            .filter(|c| c.incoming && c.debt.as_deref() == Some(d.id.as_str()) && !matches!(c.source, Source::Case(_)))
            .filter(|c| !c.text.trim().is_empty())
            .filter_map(|c| c.day().map(|day| (day, c)))
            .filter(|(day, _)| last_used.is_none_or(|u| *day > u) && *day <= timeline.as_of)
            .max_by_key(|(day, _)| *day);
        if let Some((day, c)) = latest {
            let later = day.with_year(day.year() + 3).unwrap_or(day);
            out.push(format!(
                "{}：{} 的催收{}没有计入时效计算。如果它到达了你，时效会从那天重新计算，届满日可能推迟到 {} 前后。在证据库中确认这条催收、把它加入时间线后再算一次。",
                case.debt_name(&d.id),
                day,
                c.channel.as_deref().unwrap_or("记录"),
                later
            ));
        }
    }
    out
}

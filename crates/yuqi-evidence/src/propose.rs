//! From imported messages to proposed timeline events.
//!
//! A collector's message that reached the debtor is a demand (催收) under the SPC limitation
//! provisions (时效规定 art. 8(1)–(2)): it interrupts the limitation period. Because that changes
//! the period, yuqi never adds such an event on its own: it proposes one event per sender and
//! day, with the evidence, and the user confirms (`yuqi evidence confirm`).

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate};
use yuqi_case::Channel;
use yuqi_conduct::{Analyzer, Code, Scratch};

use crate::item::{Direction, ImportedMessage};

/// Words that mark a message as being about a debt (a demand for payment), after the
/// analyzer's codes. A message with neither is not proposed.
const DEMAND_WORDS: &[&str] = &[
    "还款",
    "逾期",
    "欠款",
    "借款",
    "欠费",
    "催收",
    "还清",
    "结清",
    "账单",
    "应还",
    "待还",
    "尽快处理",
    "协商",
    "起诉",
    "诉讼",
    "债务",
    "本金",
    "利息",
    "分期",
    "贷款",
];

/// A message that reports someone else's collection ("催收的人打电话到我们公司了") is not a
/// demand by its sender: a colleague or relative is telling the debtor about it.
const REPORTED: &[&str] =
    &["催收的人", "催收员", "催收打", "催收公司打", "他们打电话", "他们说", "有人打电话", "有人来"];

/// One message as the proposer sees it (the store supplies its evidence id).
#[derive(Debug, Clone)]
pub struct Candidate<'a> {
    pub evidence_id: String,
    pub message: &'a ImportedMessage,
}

/// A proposed "creditor demand" event.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Proposal {
    /// Stable id: sender key and day.
    pub id: String,
    pub date: NaiveDate,
    /// The first message's time that day (China time).
    pub first_time: String,
    /// `sms`, `call`, `wechat`, …
    pub channel: String,
    /// The sender as written in the export, and its comparable key.
    pub sender: String,
    pub sender_key: String,
    pub contact_name: Option<String>,
    /// The messages behind the proposal.
    pub evidence: Vec<String>,
    /// Conduct codes found in those messages.
    pub codes: Vec<String>,
    /// A short quote of the first message.
    pub quote: String,
    /// Why this is proposed, and what confirming it changes.
    pub reason: String,
}

/// Groups incoming, delivered messages that demand payment by sender and day.
pub fn propose(candidates: &[Candidate<'_>], zone: FixedOffset) -> Vec<Proposal> {
    let analyzer = Analyzer::shared();
    let mut scratch = Scratch::default();
    let mut by_key: BTreeMap<(String, NaiveDate), Proposal> = BTreeMap::new();
    for c in candidates {
        let m = c.message;
        if m.direction != Direction::In || !m.delivered || Channel::from_code(&m.channel) == Some(Channel::Call) {
            continue;
        }
        let Some(t) = m.time_ms.and_then(DateTime::from_timestamp_millis) else { continue };
        let local = t.with_timezone(&zone);
        let analysis = analyzer.analyze_text(&m.text, &mut scratch);
        let codes: Vec<Code> = analysis.codes.clone();
        let demand = DEMAND_WORDS.iter().any(|w| m.text.contains(w));
        if (codes.is_empty() && !demand) || REPORTED.iter().any(|w| m.text.contains(w)) {
            continue;
        }
        let key = (m.counterpart_key.clone(), local.date_naive());
        let p = by_key.entry(key).or_insert_with(|| Proposal {
            id: format!("{}@{}", m.counterpart_key, local.date_naive()),
            date: local.date_naive(),
            first_time: local.format("%Y-%m-%d %H:%M").to_string(),
            channel: m.channel.clone(),
            sender: m.counterpart.clone(),
            sender_key: m.counterpart_key.clone(),
            contact_name: m.contact_name.clone(),
            evidence: Vec::new(),
            codes: Vec::new(),
            quote: m.text.chars().take(60).collect(),
            reason: String::new(),
        });
        p.evidence.push(c.evidence_id.clone());
        for code in codes {
            let s = code.as_str().to_string();
            if !p.codes.contains(&s) {
                p.codes.push(s);
            }
        }
    }
    let mut out: Vec<Proposal> = by_key.into_values().collect();
    for p in &mut out {
        p.reason = format!(
            "{} 当天收到 {} 发来的 {} 条催收消息，已送达您的手机。催收送达即构成债权人主张权利，\
             会使诉讼时效中断并重新计算（《最高人民法院关于审理民事案件适用诉讼时效制度若干问题的规定》第八条第（二）项：数据电文到达或者应当到达对方）。\
             请确认消息确实是针对这笔债务的催收，确认后才会加入时间线。",
            p.date,
            p.contact_name.as_deref().unwrap_or(&p.sender),
            p.evidence.len()
        );
    }
    out.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.sender_key.cmp(&b.sender_key)));
    out
}

impl Proposal {
    /// The demand event this proposal becomes once the user confirms it reached them: the same
    /// `Event` a case file would hold, marked as coming from the evidence store.
    pub fn to_event(&self) -> yuqi_case::Event {
        let channel = match Channel::from_code(&self.channel) {
            // A multimedia message is a text message to the law and to the timeline's reader.
            Some(Channel::Sms | Channel::Mms) => Channel::Sms,
            Some(c @ (Channel::Call | Channel::Wechat)) => c,
            // iMessage, other chat apps and unknown importer values: messages inside an app.
            _ => Channel::App,
        };
        yuqi_case::Event {
            date: self.date,
            kind: yuqi_case::EventKind::Demand,
            channel: Some(channel),
            by: Some(self.contact_name.clone().unwrap_or(self.sender.clone())),
            reached: Some(true),
            reached_date: None,
            end: None,
            deadline: None,
            amount: None,
            note: format!("来自证据库：{} 条催收消息（{}）", self.evidence.len(), self.id),
            source: yuqi_case::EventSource::Evidence(self.id.clone()),
        }
    }
}

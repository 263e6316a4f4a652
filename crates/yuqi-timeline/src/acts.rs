//! The legally relevant acts of a debt's history, from every source the case
//! has: events, payments, the current demand and assignment notices.

use chrono::NaiveDate;
use serde::Serialize;
use yuqi_case::{Debt, EventKind, NoticeBy};

/// Who did it, for the limitation rules that depend on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActKind {
    /// A creditor's demand (时效规定 8(1)(2)); interrupts when it reached the debtor.
    Demand,
    /// A financial institution's debit of the debtor's account (8(3)).
    AutoDebit,
    /// A public notice when the debtor cannot be found (8(4)).
    PublicNotice,
    /// An assignment notice reaching the debtor (17), sent by the assignor.
    AssignmentNotice,
    /// The same, sent by the assignee (effect on the assignment is disputed).
    AssignmentNoticeByAssignee,
    /// Suit, payment order, enforcement, preservation, mediation, police report (10–13).
    Proceeding,
    ProceedingEnded,
    Judgment,
    /// The debtor agreeing to perform (14).
    DebtorAgreement,
    /// A payment by the debtor (partial performance, 14).
    Payment,
    Refusal,
    Acceleration,
    CardTerminated,
    Obstacle,
    /// No effect on limitation (credit-report events, blacklists…).
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Act {
    /// The day the act took effect against the debtor (reached date for notices).
    pub date: NaiveDate,
    pub kind: ActKind,
    pub event: Option<EventKind>,
    /// Chinese description for the trace and the timeline.
    pub label: String,
    pub reached: bool,
    pub end: Option<NaiveDate>,
    pub deadline: Option<NaiveDate>,
    /// False for an automatic debit: not a voluntary act of the debtor.
    pub voluntary: bool,
    pub by: Option<String>,
    pub note: String,
}

fn classify(kind: EventKind) -> ActKind {
    match kind {
        EventKind::Demand => ActKind::Demand,
        EventKind::AutoDebit => ActKind::AutoDebit,
        EventKind::PublicNotice => ActKind::PublicNotice,
        EventKind::Acceleration => ActKind::Acceleration,
        EventKind::LawsuitFiled
        | EventKind::PaymentOrder
        | EventKind::EnforcementApplied
        | EventKind::Preservation
        | EventKind::Mediation
        | EventKind::PoliceReport => ActKind::Proceeding,
        EventKind::LawsuitEnded => ActKind::ProceedingEnded,
        EventKind::Judgment => ActKind::Judgment,
        EventKind::CardTerminated => ActKind::CardTerminated,
        EventKind::Refusal => ActKind::Refusal,
        EventKind::Obstacle => ActKind::Obstacle,
        k if k.is_debtor_agreement() => ActKind::DebtorAgreement,
        _ => ActKind::Other,
    }
}

/// Every act of the debt, in date order. `filed` is the case's filing date: a suit, unless an
/// event already records one on or before it.
pub fn collect(debt: &Debt, filed: Option<NaiveDate>) -> Vec<Act> {
    let mut acts = Vec::new();
    if let Some(f) = filed
        && !debt.events.iter().any(|e| e.kind == EventKind::LawsuitFiled && e.effective_date() <= f)
    {
        acts.push(Act {
            date: f,
            kind: ActKind::Proceeding,
            event: Some(EventKind::LawsuitFiled),
            label: "起诉（案件中记录的起诉日）".to_string(),
            reached: true,
            end: None,
            deadline: None,
            voluntary: true,
            by: None,
            note: String::new(),
        });
    }
    for e in &debt.events {
        let kind = classify(e.kind);
        let channel = e.channel.map_or(String::new(), |c| format!("（{}）", c.label_zh()));
        let by = e.by.as_ref().map_or(String::new(), |b| format!("{b}："));
        acts.push(Act {
            date: e.effective_date(),
            kind,
            event: Some(e.kind),
            label: format!("{by}{}{channel}", e.kind.label_zh()),
            reached: e.reached_debtor(),
            end: e.end,
            deadline: e.deadline,
            voluntary: true,
            by: e.by.clone(),
            note: e.note.clone(),
        });
    }
    for p in &debt.payments {
        let to = p.to.as_ref().map_or(String::new(), |t| format!("（付给{t}）"));
        acts.push(Act {
            date: p.date,
            kind: if p.auto_debit { ActKind::AutoDebit } else { ActKind::Payment },
            event: None,
            label: format!(
                "{}{} {} 元{to}",
                if p.auto_debit { "被扣款" } else { "还款" },
                if p.note.is_empty() { String::new() } else { format!("（{}）", p.note) },
                p.amount.to_grouped_string()
            ),
            reached: true,
            end: None,
            deadline: None,
            voluntary: !p.auto_debit,
            by: p.to.clone(),
            note: p.note.clone(),
        });
    }
    if let Some(d) = &debt.demand
        && let Some(date) = d.date
    {
        acts.push(Act {
            date,
            kind: ActKind::Demand,
            event: Some(EventKind::Demand),
            label: format!("{}要求还款 {} 元", d.by.clone().unwrap_or_default(), d.amount.to_grouped_string()),
            reached: true,
            end: None,
            deadline: None,
            voluntary: true,
            by: d.by.clone(),
            note: String::new(),
        });
    }
    for a in &debt.assignments {
        if let Some(reached) = a.notice_reached {
            let kind = match a.notice_by {
                NoticeBy::Assignor => ActKind::AssignmentNotice,
                NoticeBy::Assignee => ActKind::AssignmentNoticeByAssignee,
                NoticeBy::None => continue,
            };
            acts.push(Act {
                date: reached,
                kind,
                event: None,
                label: format!(
                    "债权转让通知到达（{} → {}，{}通知）",
                    a.from,
                    a.to,
                    if a.notice_by == NoticeBy::Assignor { "原债权人" } else { "受让人" }
                ),
                reached: true,
                end: None,
                deadline: None,
                voluntary: true,
                by: Some(a.to.clone()),
                note: a.note.clone(),
            });
        }
    }
    acts.sort_by_key(|a| a.date);
    acts
}

//! Can they still sue me, and who is "they"?
//!
//! From a debt's events (the case model's [`yuqi_case::Event`]s, payments, the
//! current demand and assignment records) and the ledger's audit of it, this
//! crate works out the limitation period step by step, whether each assignment
//! binds the debtor, what happens to the credit record, an honest explanation of
//! lawsuit, enforcement and criminal risk, the likely reasons the collector came
//! back now, and the deadlines that matter, first.
//!
//! Pure: no I/O and no clock; the as-of date comes from the caller.

pub mod acts;
pub mod assignment;
pub mod credit;
pub mod deadlines;
pub mod limitation;
pub mod period;
pub mod risk;
pub mod svg;
pub mod why_now;

use chrono::NaiveDate;
use serde::Serialize;
use yuqi_case::{Case, Debt};
use yuqi_law::LawError;
use yuqi_ledger::trace::TraceStep;
use yuqi_ledger::{CaseAudit, DebtAudit, Finding, Severity};

use crate::acts::Act;
use crate::assignment::AssignmentCheck;
use crate::credit::CreditRecord;
use crate::deadlines::Deadline;
use crate::limitation::{Limitation, Status};
use crate::risk::Statement;
use crate::why_now::Reason;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DebtTimeline {
    pub id: String,
    pub lender: String,
    /// The name the borrower knows the debt by (`Case::debt_name`), for charts and headings.
    pub name: String,
    pub contract_date: NaiveDate,
    pub last_due: NaiveDate,
    pub acts: Vec<Act>,
    /// The primary computation.
    pub limitation: Limitation,
    /// Other starting points where the law is unsettled (acceleration, card termination).
    pub limitation_alternatives: Vec<Limitation>,
    pub assignment: Option<AssignmentCheck>,
    pub credit: CreditRecord,
    pub risk: Vec<Statement>,
    pub why_now: Vec<Reason>,
    pub findings: Vec<Finding>,
    pub trace: Vec<TraceStep>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseTimeline {
    pub as_of: NaiveDate,
    /// Every deadline of every debt, soonest first; passed ones last.
    pub deadlines: Vec<Deadline>,
    pub debts: Vec<DebtTimeline>,
    /// The criminal-risk screen for the whole case.
    pub criminal: Vec<Statement>,
}

/// Every reason [`analyse_case`] would fail on `case` at `as_of` because of the input (beyond
/// what [`yuqi_ledger::validate`] finds for the audit it needs). Limitation and credit
/// look-ups are clamped to dates the law data covers, and the enforcement facts every debt's
/// risk section states describe a judgment still to come (the first value for earlier dates):
/// nothing the timeline needs can be missing today.
pub fn validate(_case: &Case, _as_of: NaiveDate) -> Vec<yuqi_ledger::InputError> {
    Vec::new()
}

/// Analyses every debt of `case`; `audit` is the ledger's audit of the same case.
pub fn analyse_case(case: &Case, audit: &CaseAudit) -> Result<CaseTimeline, LawError> {
    let as_of = audit.as_of;
    // A filing date the case states is a suit on every debt of the case (the case file has one
    // filing date, as the audit applies it to every debt's caps).
    let filed = case.filing_date.filter(|f| *f <= as_of);
    let mut debts =
        case.debts.iter().zip(&audit.debts).map(|(d, a)| analyse(d, a, as_of, filed)).collect::<Result<Vec<_>, _>>()?;
    // Two debts with the same app or lender are told apart only at the case level.
    for d in &mut debts {
        d.name = case.debt_name(&d.id);
    }
    let mut deadlines: Vec<Deadline> = debts
        .iter()
        .flat_map(|d| deadlines::collect(&d.id, &d.limitation, &d.limitation_alternatives, &d.credit, as_of))
        .collect();
    // Upcoming first (soonest at the top), then what has already passed, most recent first.
    deadlines.sort_by_key(|d| if d.days_from_now >= 0 { (0, d.days_from_now) } else { (1, -d.days_from_now) });
    let criminal = risk::criminal_screen(case, &audit.debts, as_of)?;
    Ok(CaseTimeline { as_of, deadlines, debts, criminal })
}

pub fn analyse_debt(debt: &Debt, audit: &DebtAudit, as_of: NaiveDate) -> Result<DebtTimeline, LawError> {
    analyse(debt, audit, as_of, None)
}

fn analyse(
    debt: &Debt,
    audit: &DebtAudit,
    as_of: NaiveDate,
    filed: Option<NaiveDate>,
) -> Result<DebtTimeline, LawError> {
    let acts = acts::collect(debt, filed);
    let last_due = audit.schedule_contract.last().map_or(debt.contract_date, |i| i.due);
    let dates = limitation::Dates {
        last_due,
        first_default: audit.contract_view.overdue_since,
        instalments: audit.schedule_contract.len(),
        as_of,
    };
    let mut all = limitation::analyse(debt, &acts, dates)?;
    let primary = all.remove(0);
    let alternatives = all;
    let assignment = assignment::check(debt, as_of);
    let overdue_amount = debt.credit.as_ref().and_then(|c| c.overdue_amount);
    let credit = credit::analyse(debt, audit.contract_view.overdue_since, overdue_amount, as_of)?;
    let risk = risk::debt_risk(debt, audit, &primary.status, as_of)?;
    let why_now = why_now::reasons(debt, &acts, &primary, as_of);

    let mut findings = Vec::new();
    match &primary.status {
        Status::Expired { expired_on } => findings.push(Finding::new(
            "limitation_expired",
            Severity::Info,
            "limitation_expired_effect",
            "诉讼时效已届满",
            format!("时效已于 {expired_on} 届满：你有权拒绝履行，但被起诉时必须在一审中主动提出。此后不要承诺还款、部分还款或签字确认。"),
        )),
        Status::Lost { forfeited_on, .. } => findings.push(Finding::new(
            "limitation_forfeited",
            Severity::Warning,
            "limitation_waiver",
            "时效届满后的承诺或还款让你失去了时效抗辩",
            format!("{forfeited_on} 的行为发生在时效届满之后，已不能再以时效届满抗辩。"),
        )),
        Status::Running { expires, days_left } if *days_left <= 183 => findings.push(Finding::new(
            "limitation_expiring",
            Severity::Warning,
            "limitation_period",
            "诉讼时效即将届满",
            format!(
                "时效将于 {expires} 届满（还有 {days_left} 天）。在此之前的还款、承诺都会让{}重新计算。",
                yuqi_law::law()
                    .param_prose_zh("limitation.general_years", *expires)
                    .map_or_else(|_| "诉讼时效期间".to_string(), |n| format!("{n}年"))
            ),
        )),
        _ => {}
    }
    // A threat to sue on a time-barred debt (case-level conduct code).
    if let Some(exp) = &primary.expiry {
        let late_threats: Vec<&Act> = acts
            .iter()
            .filter(|a| a.kind == acts::ActKind::Demand && a.date > exp.end && a.date <= as_of)
            .filter(|a| {
                ["起诉", "诉讼", "法院", "律师", "立案"].iter().any(|w| a.note.contains(w) || a.label.contains(w))
            })
            .collect();
        if matches!(primary.status, Status::Expired { .. })
            && let Some(first) = late_threats.first()
        {
            findings.push(Finding::new(
                "time_barred_threat",
                Severity::Warning,
                "limitation_expired_effect",
                "以起诉相威胁，但时效已届满",
                format!("{} 对方以起诉相威胁，而时效已于 {} 届满。", first.date, exp.end),
            ));
        }
    }
    for a in &acts {
        if a.kind == acts::ActKind::Demand && !a.reached {
            findings.push(Finding::new(
                "demand_not_reached",
                Severity::Info,
                "limitation_interruption_demand",
                "有催收没有到达你，不中断时效",
                format!("{}：{}，你记录为未收到。催收需要到达或应当到达你，才中断时效；是否“应当到达”（如发到你仍在使用的号码）由对方举证。", a.date, a.label),
            ));
        }
    }
    if let Some(a) = &assignment {
        findings.extend(a.findings.iter().cloned());
    }
    findings.extend(credit.findings.iter().cloned());

    let mut trace = primary.trace.clone();
    trace.extend(credit.trace.iter().cloned());
    trace.extend(risk::trace_of(&risk));

    Ok(DebtTimeline {
        id: debt.id.clone(),
        lender: debt.lender.clone(),
        name: debt.short_name(),
        contract_date: debt.contract_date,
        last_due,
        acts,
        limitation: primary,
        limitation_alternatives: alternatives,
        assignment,
        credit,
        risk,
        why_now,
        findings,
        trace,
    })
}

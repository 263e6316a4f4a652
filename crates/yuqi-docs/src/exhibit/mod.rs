//! The computation exhibit (计算明细表): per debt, the table a judge writes in a judgment —
//! period by period the principal the charges were computed on, the days, the rate applied and
//! where it comes from, what the contract claims, what the law supports, the payments set
//! against it and what is still unpaid; then every payment and how it was applied, with the
//! running principal; then the totals, which are the audit's own figures.
//!
//! Built once from the primary lawful scenario's ledger run ([`yuqi_ledger::engine::WindowOutcome`],
//! [`yuqi_ledger::engine::Application`]) and written three ways: blocks for the dossier, the CLI's text
//! report and its own document (`blocks.rs`), and sheets for a spreadsheet (`sheets.rs`).
//!
//! Each period is rounded to the fen on its own; the residue against the audit's totals goes
//! to the last period of its kind, so that the columns add up to the figures the audit prints
//! (the rounding rule stated in every report).

mod blocks;
mod sheets;

use chrono::NaiveDate;
use serde::Serialize;
use yuqi_ledger::DebtAudit;
use yuqi_ledger::engine::{Application, Part};
use yuqi_ledger::trace::TraceStep;
use yuqi_money::{Decimal, Money, format_rate_percent};

use crate::Inputs;

pub use blocks::{exhibit_doc, section_blocks};
pub use sheets::{Cell, PAYMENT_COLUMNS, PERIOD_COLUMNS, Sheet, sheets};

/// The exhibit of a whole case.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Exhibit {
    pub title: String,
    pub as_of: NaiveDate,
    pub filing_date: NaiveDate,
    pub filing_assumed: bool,
    pub debts: Vec<DebtExhibit>,
}

/// One debt's exhibit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DebtExhibit {
    pub id: String,
    /// The name the borrower knows the debt by (`Case::debt_name`).
    pub name: String,
    pub lender: String,
    pub kind_label: &'static str,
    pub contract_date: NaiveDate,
    /// What `contract_date` is called: a card has no single loan date, and the case file's
    /// date for it (the interview's stand-in) is only where the computation starts.
    pub contract_date_name: &'static str,
    pub contract_principal: Money,
    pub received: Money,
    pub principal_initial: Money,
    /// Why the principal is what it is: the trace's principal steps, each with its citations.
    pub principal_why: Vec<String>,
    pub stated_rate: String,
    /// What `stated_rate` is called: the contract's, or worked out from the instalments
    /// (`yuqi_ledger::apr::stated_rate_name_zh`).
    pub stated_rate_name: &'static str,
    /// The scenario the table computes (the primary lawful one).
    pub scenario: String,
    pub scenario_disputed: bool,
    pub scenario_why: String,
    /// The cap on the as-of date and its basis sentence.
    pub cap: Option<Decimal>,
    pub cap_basis: String,
    /// How days and rates are counted (the trace's day-count steps).
    pub day_count: Vec<String>,
    pub rows: Vec<Row>,
    /// The legal sources the rows' rates cite; `RateSource::Cap(i)` is `sources[i]`.
    pub sources: Vec<String>,
    pub payments: Vec<Application>,
    pub totals: Totals,
    /// Every other scenario with its total, so a judge sees the offset and no-offset figures.
    pub alternatives: Vec<Alternative>,
}

/// One comparison of charges with the cap: a period and a part.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub from: NaiveDate,
    pub until: NaiveDate,
    pub days: i64,
    /// The principal the charges and the allowance were computed on (计息本金).
    pub base: Money,
    pub part: Part,
    /// A balance a court or the creditor stated (`[debt.opening]`), taken as stated.
    pub stated: bool,
    /// What the contract claims for the period (按合同计).
    pub claimed: Money,
    /// The annual rate the lawful amount corresponds to: the cap where it cut the claim, else
    /// the contract's charges for the period as an annual rate.
    pub rate: Option<Decimal>,
    pub source: RateSource,
    /// What the law supports for the period.
    pub lawful: Money,
    /// Payments set against the period.
    pub paid: Money,
    pub unpaid: Money,
}

/// Where a row's rate comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "from", content = "source", rename_all = "snake_case")]
pub enum RateSource {
    /// The contract's charges, within the cap.
    Contract,
    /// The contract's charges; no cap applied in that period.
    NoCap,
    /// The cap: `DebtExhibit::sources[i]`.
    Cap(usize),
    /// A balance stated on a date, not recomputed.
    Stated,
    /// A judgment's running interest and, after the time to perform, the doubled interest
    /// for late performance (法释〔2014〕8号): the court's order and the law, not the contract.
    Judgment,
    /// A guarantor's recourse: the guarantee agreement's rate, or the payment day's LPR.
    Recourse,
}

/// The totals, as the audit states them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Column sums of the period table.
    pub claimed: Money,
    pub lawful: Money,
    pub paid: Money,
    pub unpaid: Money,
    /// The audit's figures (`DebtAudit`).
    pub principal: Money,
    pub interest: Money,
    pub fees: Money,
    pub overdue: Money,
    pub supported_total: Money,
    /// The audit's second figure: `supported_total` if the over-cap charges already paid are set
    /// against principal (`yuqi_ledger::audit::IfOffset`), printed beside it.
    pub supported_if_offset: Option<Money>,
    pub paid_total: Money,
    pub to_charges: Money,
    pub to_principal: Money,
    pub overpaid: Money,
    /// The lender's own computation (contract principal, no cap).
    pub contract_balance: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alternative {
    pub label: String,
    pub disputed: bool,
    pub supported_total: Money,
}

/// Trace steps that set a cap, in the order tried when a row's cap is looked for.
const CAP_RULES: [&str; 4] = ["financial_combined_cap", "private_rate_cap", "private_old_regime", "unlicensed_void"];
/// Trace steps that say what the principal is.
const PRINCIPAL_RULES: [&str; 3] = ["opening_balance", "kantouxi", "kickback"];
/// Trace steps that say how time is counted.
const DAY_RULES: [&str; 2] = ["day_count", "monthly_rate_whole_months"];

/// The exhibit of every debt of the case, in the case file's order.
pub fn exhibit(inputs: &Inputs<'_>) -> Exhibit {
    let a = inputs.audit;
    Exhibit {
        title: a.title.clone(),
        as_of: a.as_of,
        filing_date: a.filing_date,
        filing_assumed: a.filing_assumed,
        debts: inputs.debts().iter().map(|p| debt_exhibit(inputs, p.debt, p.audit)).collect(),
    }
}

fn step_text(s: &TraceStep) -> String {
    if s.citations.is_empty() {
        s.detail.clone()
    } else {
        format!("{}（依据：{}）", s.detail, s.citations.join("；"))
    }
}

/// One debt's exhibit from its audit (the primary lawful scenario).
pub fn debt_exhibit(inputs: &Inputs<'_>, debt: &yuqi_case::Debt, da: &DebtAudit) -> DebtExhibit {
    let lg = &da.lawful.ledger;
    let dpy = debt.day_count.map_or_else(|| crate::legal::days_per_year(debt.contract_date), Decimal::from);
    let mut sources: Vec<String> = Vec::new();
    let mut rows = Vec::new();

    // A stated balance comes first: its interest and overdue charges stand as stated, and
    // payments cover them before anything later (the ledger's order).
    let mut left = lg.paid_to_charges;
    if let Some(o) = &lg.opening {
        for (part, amount) in [(Part::Term, o.interest), (Part::Overdue, o.overdue)] {
            let paid = amount.min(left);
            left -= paid;
            if amount.is_zero() {
                continue;
            }
            rows.push(Row {
                from: o.date,
                until: o.date,
                days: 0,
                base: o.principal,
                part,
                stated: true,
                claimed: amount,
                rate: None,
                source: RateSource::Stated,
                lawful: amount,
                paid,
                unpaid: amount - paid,
            });
        }
    }
    for w in &lg.windows {
        // The cap cut this window's claim (a monthly rate within the cap as a rate is not cut
        // even where the day-counted allowance is a little lower).
        let cut = w.enforce.is_some() && w.lawful < w.claimed;
        let (rate, source) = match w.enforce {
            Some(cap) if cut => (Some(cap), RateSource::Cap(cap_source(da, cap, w.from, &mut sources))),
            Some(_) => (equivalent(w.claimed, w.base, w.days, dpy), RateSource::Contract),
            None => (
                equivalent(w.claimed, w.base, w.days, dpy),
                match da.lawful.id.as_str() {
                    "judgment" => RateSource::Judgment,
                    "guarantor_recourse" => RateSource::Recourse,
                    _ => RateSource::NoCap,
                },
            ),
        };
        rows.push(Row {
            from: w.from,
            until: w.until,
            days: w.days,
            base: w.base,
            part: w.part,
            stated: false,
            claimed: w.claimed,
            rate,
            source,
            lawful: w.lawful,
            paid: w.paid,
            unpaid: w.unpaid,
        });
    }
    if rows.is_empty() && !lg.claimed.total().is_zero() {
        // A run without cap segments compares nothing: one row with the whole claim.
        rows.push(Row {
            from: da.contract_date.succ_opt().unwrap_or(da.contract_date),
            until: da.as_of,
            days: (da.as_of - da.contract_date).num_days(),
            base: da.principal_initial,
            part: Part::Term,
            stated: false,
            claimed: lg.claimed.total(),
            rate: None,
            source: RateSource::NoCap,
            lawful: lg.allowed,
            paid: lg.paid_to_charges.min(lg.allowed),
            unpaid: lg.unpaid_interest + lg.unpaid_fees + lg.unpaid_overdue,
        });
    }
    settle_residues(&mut rows, lg.claimed.total(), lg.allowed, da);

    let totals = Totals {
        claimed: rows.iter().map(|r| r.claimed).sum(),
        lawful: rows.iter().map(|r| r.lawful).sum(),
        paid: rows.iter().map(|r| r.paid).sum(),
        unpaid: rows.iter().map(|r| r.unpaid).sum(),
        principal: da.principal_lawful,
        interest: da.interest_lawful,
        fees: da.fees_lawful,
        overdue: da.overdue_lawful,
        supported_total: da.supported_total,
        supported_if_offset: da.if_offset.map(|o| o.supported_total),
        paid_total: lg.paid_total,
        to_charges: lg.paid_to_charges,
        to_principal: lg.paid_to_principal,
        overpaid: lg.overpaid,
        contract_balance: da.contract_balance,
    };
    DebtExhibit {
        id: da.id.clone(),
        name: inputs.case.debt_name(&da.id),
        lender: da.lender.clone(),
        kind_label: da.kind_label,
        contract_date: da.contract_date,
        contract_date_name: contract_date_name(debt.kind),
        contract_principal: da.contract_principal,
        received: da.received,
        principal_initial: da.principal_initial,
        principal_why: da.trace.iter().filter(|s| PRINCIPAL_RULES.contains(&s.rule)).map(step_text).collect(),
        stated_rate: da.stated_rate.clone(),
        stated_rate_name: yuqi_ledger::apr::stated_rate_name_zh(da.rate_source),
        scenario: da.lawful.label.clone(),
        scenario_disputed: da.lawful.disputed,
        scenario_why: da.lawful.why.clone(),
        cap: da.cap_rate,
        cap_basis: da.cap_basis.clone(),
        day_count: da.trace.iter().filter(|s| DAY_RULES.contains(&s.rule)).map(step_text).collect(),
        rows,
        sources,
        payments: lg.applications.clone(),
        totals,
        alternatives: da
            .alternatives
            .iter()
            .map(|s| Alternative { label: s.label.clone(), disputed: s.disputed, supported_total: s.supported_total })
            .collect(),
    }
}

/// The contract's charges for a period as an annual rate on the period's principal.
fn equivalent(claimed: Money, base: Money, days: i64, dpy: Decimal) -> Option<Decimal> {
    if base.is_zero() || days <= 0 {
        return None;
    }
    Some(claimed.to_yuan() / base.to_yuan() * dpy / Decimal::from(days))
}

/// The legal source of a cap: the trace step that set it (its rule and the articles it cites,
/// all from the law data), numbered once per debt.
fn cap_source(da: &DebtAudit, cap: Decimal, from: NaiveDate, sources: &mut Vec<String>) -> usize {
    let shown = format_rate_percent(cap, 2);
    let candidates: Vec<&TraceStep> = CAP_RULES
        .iter()
        .flat_map(|rule| da.trace.iter().filter(move |s| s.rule == *rule))
        .filter(|s| if cap.is_zero() { s.rule == "unlicensed_void" } else { s.detail.contains(&shown) })
        .collect();
    // Of several regimes with the same rate, the one in force when the period began.
    let step = candidates
        .iter()
        .filter(|s| s.date.is_none_or(|d| d <= from))
        .max_by_key(|s| s.date)
        .or(candidates.first())
        .copied();
    let text = match step {
        Some(s) if !s.citations.is_empty() => format!("{}：{}", s.rule_title, s.citations.join("；")),
        Some(s) => s.rule_title.to_string(),
        None => da.cap_basis.clone(),
    };
    if let Some(i) = sources.iter().position(|x| *x == text) {
        return i;
    }
    sources.push(text);
    sources.len() - 1
}

/// Rounds the columns to the audit's totals: the residue of rounding each period on its own
/// goes to the last period of its kind (the unpaid parts to the last row of their part).
fn settle_residues(rows: &mut [Row], claimed: Money, lawful: Money, da: &DebtAudit) {
    let Some(last) = rows.len().checked_sub(1) else { return };
    let sum = |rows: &[Row], f: fn(&Row) -> Money, keep: &dyn Fn(&Row) -> bool| -> Money {
        rows.iter().filter(|r| keep(r)).map(f).sum()
    };
    let d = claimed - sum(rows, |r| r.claimed, &|_| true);
    rows[last].claimed += d;
    let d = lawful - sum(rows, |r| r.lawful, &|_| true);
    rows[last].lawful += d;
    for (part, target) in [(Part::Term, da.interest_lawful + da.fees_lawful), (Part::Overdue, da.overdue_lawful)] {
        let d = target - sum(rows, |r| r.unpaid, &|r| r.part == part);
        if d.is_zero() {
            continue;
        }
        let i = rows.iter().rposition(|r| r.part == part).unwrap_or(last);
        rows[i].unpaid += d;
    }
}

/// Category as the table prints it.
pub fn part_label(p: Part) -> &'static str {
    match p {
        Part::Term => "借期内利息和费用",
        Part::Overdue => "逾期利息、罚息等",
    }
}

impl Row {
    /// `2024-06-11至2024-07-10`, or the one day of a stated balance.
    pub fn period(&self) -> String {
        if self.stated { format!("{}（结欠日）", self.from) } else { format!("{}至{}", self.from, self.until) }
    }

    /// The rate as printed: `24.00%`, or `—` when there is none to state.
    pub fn rate_text(&self) -> String {
        self.rate.map_or_else(|| "—".to_string(), |r| format_rate_percent(r, 2))
    }
}

impl DebtExhibit {
    /// A row's source as a short label (`合同约定`, `法定上限①`).
    pub fn source_label(&self, s: RateSource) -> String {
        match s {
            RateSource::Contract => "合同约定（未超过上限）".to_string(),
            RateSource::NoCap => "合同约定（该期间没有上限）".to_string(),
            RateSource::Stated => "结欠时认定的数额".to_string(),
            RateSource::Judgment => "判决确定的此后利息；逾期履行另加倍部分债务利息（法定）".to_string(),
            RateSource::Recourse => "担保合同约定，或代偿时的一年期LPR".to_string(),
            RateSource::Cap(i) => format!("法定上限{}", mark(i)),
        }
    }

    /// A row's source in full (the spreadsheet's column).
    pub fn source_text(&self, s: RateSource) -> String {
        match s {
            RateSource::Cap(i) => format!("法定上限：{}", self.sources.get(i).map_or("", String::as_str)),
            other => self.source_label(other),
        }
    }
}

/// ①, ②, … for the notes under a table.
pub fn mark(i: usize) -> &'static str {
    const MARKS: [&str; 10] = ["①", "②", "③", "④", "⑤", "⑥", "⑦", "⑧", "⑨", "⑩"];
    MARKS.get(i).copied().unwrap_or("＊")
}

/// "合同日期", or for a credit card, which has no single loan date, "计算起点" (the letters
/// state no date for a card either).
fn contract_date_name(kind: yuqi_case::LenderKind) -> &'static str {
    if kind == yuqi_case::LenderKind::CreditCard {
        "计算起点（信用卡没有单笔借款日期）"
    } else {
        "合同日期"
    }
}

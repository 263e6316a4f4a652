//! The checks that decide whether the audit can run on a case at given dates, each naming the
//! value of the case that fails it ([`CaseField`]) so that `yuqi check`, the web form and the
//! audit itself report the same problems, at the same place in the file.
//!
//! Input-caused failures of the audit are of two kinds: an as-of date before a contract, and a
//! date that selects law data the embedded tables do not have (a rule before its first recorded
//! value, an LPR before 2019-08-20). The second kind is checked by making the same look-ups,
//! with the same dates, that the computation makes — so the law data stays the only place that
//! knows from when each rule exists, and no legal date is repeated here.

use std::fmt;

use chrono::NaiveDate;
use yuqi_case::{Case, CaseField, Debt, LenderKind, Repayment};
use yuqi_law::law;

use crate::AuditOptions;

/// One value the computation cannot work with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// The debt whose computation needs the value (the as-of and filing dates are the case's).
    pub debt: Option<String>,
    /// Where the value is (or would be) in the case file.
    pub field: CaseField,
    pub problem: InputProblem,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputProblem {
    /// The as-of date is before a debt's contract date.
    ContractAfterAsOf { contract: NaiveDate, as_of: NaiveDate },
    /// The as-of date is before the date of a stated balance (`[debt.opening]`).
    OpeningAfterAsOf { opening: NaiveDate, as_of: NaiveDate },
    /// An as-of or filing date (from a command-line flag or a web form: the case file's own
    /// dates are bounded when it is parsed) outside the years the computation handles
    /// (`yuqi_case::limits`): 9999-12-31 would make the ledger step month by month for millennia.
    DateOutOfRange { date: NaiveDate },
    /// `date` selects a legal parameter (or the LPR) that has no value before `from`.
    NoLawData {
        date: NaiveDate,
        /// What the law data calls the value ("一年期LPR", a parameter's label).
        label: String,
        from: NaiveDate,
        /// The blamed value stands in for a missing filing date.
        for_filing: bool,
    },
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(debt) = self.debt.as_deref().or(self.field.debt()) {
            write!(f, "借款 {debt}：")?;
        }
        match &self.problem {
            InputProblem::ContractAfterAsOf { contract, as_of } => {
                write!(f, "合同日期 {contract} 晚于计算截止日 {as_of}（未填写计算截止日时按今天计算）；请核对合同日期")
            }
            InputProblem::OpeningAfterAsOf { opening, as_of } => {
                write!(
                    f,
                    "计算截止日 {as_of} 早于结欠日 {opening}（[debt.opening] 的 date）；计算要从结欠日开始，请核对这两个日期"
                )
            }
            InputProblem::DateOutOfRange { date } => {
                write!(
                    f,
                    "{} {date} 超出本工具可处理的范围（{}年至{}年）；请核对日期",
                    self.field.label_zh(),
                    yuqi_case::limits::FIRST_YEAR,
                    yuqi_case::limits::LAST_YEAR
                )
            }
            InputProblem::NoLawData { date, label, from, for_filing } => {
                write!(f, "{} {date}", self.field.label_zh())?;
                if *for_filing {
                    write!(f, "（未填写起诉日，按计算截止日作为起诉日）")?;
                }
                write!(
                    f,
                    " 早于 {from}：计算要用到的“{label}”自 {from} 起才有数据，本工具暂不支持更早的日期；请核对日期，或咨询律师"
                )
            }
        }
    }
}

impl std::error::Error for InputError {}

/// Every problem [`validate`] found, in case order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct InputErrors(pub Vec<InputError>);

impl fmt::Display for InputErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("；")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

/// Every reason [`crate::audit_case`] would refuse `case` with `opts`; empty when it can run.
/// The audit calls this first, so the two cannot disagree.
pub fn validate(case: &Case, opts: AuditOptions) -> Vec<InputError> {
    let filing = opts.filing_date.or(case.filing_date);
    let mut errors = Vec::new();
    for (field, date) in [(CaseField::AsOf, Some(opts.as_of)), (CaseField::FilingDate, filing)] {
        if let Some(date) = date.filter(|d| !yuqi_case::limits::date_in_range(*d)) {
            errors.push(InputError { debt: None, field, problem: InputProblem::DateOutOfRange { date } });
        }
    }
    // Every debt's check would make its look-ups with the out-of-range date.
    if !errors.is_empty() {
        return errors;
    }
    for debt in &case.debts {
        validate_debt(debt, opts.as_of, filing, &mut errors);
    }
    errors
}

/// The checks of one debt. `filing` is the filing date if one was given (the as-of date
/// stands in otherwise, as in the audit).
pub(crate) fn validate_debt(debt: &Debt, as_of: NaiveDate, filing: Option<NaiveDate>, out: &mut Vec<InputError>) {
    let start = out.len();
    check_debt(debt, as_of, filing, out);
    for e in &mut out[start..] {
        e.debt = Some(debt.id.clone());
    }
}

fn check_debt(debt: &Debt, as_of: NaiveDate, filing: Option<NaiveDate>, out: &mut Vec<InputError>) {
    let contract_field = || CaseField::ContractDate { debt: debt.id.clone() };
    if as_of < debt.contract_date {
        out.push(InputError {
            debt: Some(debt.id.clone()),
            field: contract_field(),
            problem: InputProblem::ContractAfterAsOf { contract: debt.contract_date, as_of },
        });
        // Every later date check would blame the same mistake again.
        return;
    }
    // A guarantor's recourse is computed as a balance on the day it paid.
    if let Some(o) = debt
        .opening
        .as_ref()
        .map(|o| o.date)
        .or(debt.recourse.as_ref().map(|r| r.date))
        .or(debt.judgment.as_ref().map(|j| j.effective))
        && o > as_of
    {
        out.push(InputError {
            debt: Some(debt.id.clone()),
            field: CaseField::AsOf,
            problem: InputProblem::OpeningAfterAsOf { opening: o, as_of },
        });
        return;
    }
    let filing_field = if filing.is_some() { CaseField::FilingDate } else { CaseField::AsOf };
    let filing_date = filing.unwrap_or(as_of);
    let for_filing = filing.is_none();
    let first_due_field = || CaseField::FirstDue { debt: debt.id.clone() };
    let first_due = first_due(debt);
    // audit_debt: the day-count base on the contract date.
    param_needed(out, contract_field(), "day_count.days_per_year", debt.contract_date, false);

    // caps::plan: financial lenders get the financial segments, the others and microloans the
    // private ones, and so does a non-AMC assignee of a financial lender (its disputed scenario).
    // A debt a judgment decided needs no cap and no overdue rule: only the doubled interest's
    // rate on the day the time to perform ended (audit::judgment_as_balance) — so an old loan
    // in enforcement is computed even where the caps of its time are not in the law data.
    if let Some(j) = &debt.judgment {
        let deadline = j.deadline.unwrap_or(j.effective);
        param_needed(out, contract_field(), "enforcement.delay_interest_daily_rate", deadline, false);
        return;
    }
    let kind = debt.rate_kind();
    if let Some(r) = debt.recourse.as_ref().filter(|r| r.rate.is_none()) {
        // audit::recourse_as_balance: the LPR of the day the guarantor paid.
        lpr_needed(contract_field(), r.date, false, out);
    }
    let private = kind != LenderKind::Guarantor && !kind.is_financial_institution()
        || kind == LenderKind::Microloan
        || (debt.kind == LenderKind::Assignee && debt.assignee_kind != Some(yuqi_case::AssigneeKind::Amc));
    let later = filing_date.max(debt.contract_date);
    // The blame goes to the filing date (or the as-of date standing in for it) unless the
    // contract date is the later one — then no filing date could help.
    let (later_field, later_for_filing) =
        if filing_date >= debt.contract_date { (filing_field.clone(), for_filing) } else { (contract_field(), false) };
    // (A financial debt sued before the 2017 opinion is computed without a combined cap, as the
    // courts of the time did: nothing to require.)
    if private {
        // The regime is chosen by the filing date (caps::private_segments): before the new rules
        // the old rules for the whole case, after them the split at their first day.
        let new_from = law().param_first("private_lending.new_rules_from").ok().map(|p| p.date());
        // Before the 2015 provisions: the 1991 opinion's four times the benchmark rate of the
        // loan's term on the contract date (caps::private_1991) — the benchmark table, not the
        // 2015 parameters, is what the computation needs.
        let old_from = law().param_first("private_lending.old.enforceable_cap").ok().map(|p| p.from);
        match new_from {
            Some(_) if old_from.is_some_and(|o| filing_date < o) => {
                benchmark_needed(contract_field(), debt.contract_date, out);
                param_needed(out, later_field, "private_lending.1991.bank_rate_multiple", later, later_for_filing);
            }
            Some(n) if filing_date < n => {
                param_needed(out, filing_field, "private_lending.old.enforceable_cap", filing_date, for_filing);
            }
            Some(n) if debt.contract_date >= n => {
                lpr_needed(contract_field(), debt.contract_date, false, out);
                param_needed(out, contract_field(), "private_lending.lpr_multiple", debt.contract_date, false);
            }
            Some(_) => {
                lpr_needed(filing_field.clone(), filing_date, for_filing, out);
                param_needed(out, filing_field, "private_lending.lpr_multiple", filing_date, for_filing);
            }
            None => param_needed(out, later_field, "private_lending.new_rules_from", later, later_for_filing),
        }
    }

    // audit::overdue_rule: the bank markup range, or the statutory overdue rate when no rate
    // was agreed, both chosen by the first due date.
    let o = &debt.overdue;
    if o.rate.is_none() {
        if o.markup.is_some() {
            let on = debt.contract_date.max(first_due);
            param_needed(out, first_due_field(), "bank.penalty_markup_min", on, false);
            param_needed(out, first_due_field(), "bank.penalty_markup_max", on, false);
        } else if debt.rate_missing
            && !kind.is_financial_institution()
            && law().param_first("private_lending.old.enforceable_cap").is_ok_and(|p| filing_date < p.from)
        {
            // steps::overdue_rule: the 1991 opinion's bank rate on the first due date.
            if law().bank_benchmark(first_due, 1).is_err() {
                out.push(InputError {
                    debt: None,
                    field: first_due_field(),
                    problem: InputProblem::NoLawData {
                        date: first_due,
                        label: "人民银行贷款基准利率".to_string(),
                        from: law().bank_benchmark_first(),
                        for_filing: false,
                    },
                });
            }
        } else if debt.rate_missing && !kind.is_financial_institution() {
            let l = law();
            let new_rule = l.lpr(first_due).is_ok()
                && l.param("private_lending.no_rate_overdue_lpr_multiple", first_due.max(debt.contract_date)).is_ok();
            // (Without the LPR rule the 2015 provisions' rate stands, for any earlier overdue
            // date too: a case filed after they took effect is governed by them.)
            if !new_rule && l.param_first("private_lending.old.default_overdue_rate").is_err() {
                param_needed(out, first_due_field(), "private_lending.old.default_overdue_rate", first_due, false);
            }
        }
    }
}

/// The first due date exactly as the audit takes it.
fn first_due(debt: &Debt) -> NaiveDate {
    match &debt.repayment {
        Repayment::Method { first_due, .. } => *first_due,
        Repayment::Explicit(rows) => rows.first().map_or(debt.contract_date, |r| r.due),
    }
}

/// For the checks of the crates after the ledger (timeline, plan): adds the problem, blamed on
/// `field`, when legal parameter `id` has no value on `on`, unless the same one is already there.
pub fn require_param(out: &mut Vec<InputError>, field: CaseField, id: &str, on: NaiveDate) {
    if let Some(problem) = param_missing(id, on, false) {
        let e = InputError { debt: None, field, problem };
        if !out.contains(&e) {
            out.push(e);
        }
    }
}

fn param_needed(out: &mut Vec<InputError>, field: CaseField, id: &str, on: NaiveDate, for_filing: bool) {
    if let Some(problem) = param_missing(id, on, for_filing) {
        out.push(InputError { debt: None, field, problem });
    }
}

/// The problem when parameter `id` has no value on `on`. A parameter missing from the law
/// data altogether is a bug of the program, not of the input: the audit reports it as
/// `AuditError::Law`.
fn param_missing(id: &str, on: NaiveDate, for_filing: bool) -> Option<InputProblem> {
    let l = law();
    if l.param(id, on).is_ok() {
        return None;
    }
    let first = l.param_first(id).ok()?;
    // Labels may go on after a "；" with a note; the name is the part before.
    let label = first.label.split('；').next().unwrap_or(first.label).to_string();
    Some(InputProblem::NoLawData { date: on, label, from: first.from, for_filing })
}

fn lpr_needed(field: CaseField, on: NaiveDate, for_filing: bool, out: &mut Vec<InputError>) {
    let l = law();
    if l.lpr(on).is_ok() {
        return;
    }
    if let Some((from, _, _)) = l.lpr_rows().next() {
        out.push(InputError {
            debt: None,
            field,
            problem: InputProblem::NoLawData { date: on, label: "一年期LPR".to_string(), from, for_filing },
        });
    }
}

fn benchmark_needed(field: CaseField, on: NaiveDate, out: &mut Vec<InputError>) {
    let l = law();
    if l.bank_benchmark(on, 12).is_ok() {
        return;
    }
    out.push(InputError {
        debt: None,
        field,
        problem: InputProblem::NoLawData {
            date: on,
            label: "人民银行贷款基准利率".to_string(),
            from: l.bank_benchmark_first(),
            for_filing: false,
        },
    });
}

//! The credit-report (征信) consequences of a debt (docs/law/credit.md).

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use yuqi_case::{Debt, EventKind};
use yuqi_law::{LawError, law};
use yuqi_ledger::trace::{TraceParam, TraceStep};
use yuqi_ledger::{Finding, Severity};
use yuqi_money::Money;

use crate::period::period_end;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Repair {
    /// Qualifies: the record is not displayed from `hidden_from`.
    Eligible { hidden_from: NaiveDate },
    /// Could still qualify if repaid in full by `repay_by`.
    OpenUntil { repay_by: NaiveDate },
    /// Does not qualify, and why.
    NotEligible { why: String },
    /// Not enough information (e.g. the overdue amount).
    Unknown { missing: String },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CreditRecord {
    pub reported: Option<bool>,
    pub overdue_start: Option<NaiveDate>,
    pub settled: Option<NaiveDate>,
    /// Five years after settlement; `None` while unpaid (the record persists).
    pub record_expires: Option<NaiveDate>,
    pub repair: Repair,
    /// Reply deadlines for objections and complaints already made.
    pub objection_reply_due: Vec<NaiveDate>,
    pub complaint_reply_due: Vec<NaiveDate>,
    pub findings: Vec<Finding>,
    pub trace: Vec<TraceStep>,
}

pub fn analyse(
    debt: &Debt,
    ledger_overdue_start: Option<NaiveDate>,
    overdue_amount: Option<Money>,
    as_of: NaiveDate,
) -> Result<CreditRecord, LawError> {
    let l = law();
    let info = debt.credit.clone().unwrap_or_default();
    let settled = info.settled.or_else(|| debt.events.iter().find(|e| e.kind == EventKind::Settled).map(|e| e.date));
    let overdue_start = info.overdue_start.or(ledger_overdue_start);
    let mut trace = Vec::new();
    let mut findings = Vec::new();
    let on = as_of.max(NaiveDate::from_ymd_opt(2013, 3, 15).unwrap_or(as_of));

    let years = l.param("credit.negative_record_years", on)?;
    let record_expires =
        settled.map(|s| period_end(s, u32::try_from(years.decimal().mantissa()).unwrap_or(5) * 12).raw);
    trace.push(
        TraceStep::new(
            "credit_retention",
            match (settled, record_expires) {
                (Some(s), Some(e)) => format!("{s} 结清，不良记录保存至 {e}（{}年）", years.prose()),
                _ => format!("欠款尚未结清：不良行为尚未终止，{}年保存期还没有开始计算", years.prose()),
            },
        )
        .param(TraceParam::legal(&years, format!("{} 年", years.value), "结清日")),
    );

    // One-time credit repair (PBOC, 2025-12-22).
    let repair = match l
        .param("credit.repair_overdue_from", as_of.max(NaiveDate::from_ymd_opt(2025, 12, 22).unwrap_or(as_of)))
    {
        Err(_) => Repair::NotEligible { why: "一次性信用修复政策在该日期尚未公布".to_string() },
        Ok(from) => {
            let at = from.from;
            let until = l.param("credit.repair_overdue_until", at)?.date();
            let max = l.param("credit.repair_max_amount", at)?.decimal();
            let repay_by = l.param("credit.repair_repaid_by", at)?.date();
            let early = l.param("credit.repair_early_cutoff", at)?.date();
            let early_hidden = l.param("credit.repair_early_hidden_from", at)?.date();
            let repair = match (overdue_start, overdue_amount) {
                (None, _) => Repair::Unknown { missing: "逾期开始日期".to_string() },
                (Some(os), _) if os < from.date() || os > until => {
                    Repair::NotEligible { why: format!("逾期始于 {os}，不在 {}–{until} 之间", from.date()) }
                }
                (_, Some(amount)) if amount.to_yuan() > max => Repair::NotEligible {
                    why: format!("逾期金额 {} 元超过 {} 元", amount.to_grouped_string(), max.normalize()),
                },
                (_, None) => Repair::Unknown {
                    missing: "征信报告上显示的单笔逾期金额（需不超过1万元）".to_string()
                },
                (Some(_), Some(_)) => match settled {
                    Some(s) if s <= early => Repair::Eligible { hidden_from: early_hidden },
                    Some(s) if s <= repay_by => {
                        let next = crate::period::add_months(s, 1);
                        let last =
                            next.with_day(1).and_then(|d| crate::period::add_months(d, 1).pred_opt()).unwrap_or(next);
                        Repair::Eligible { hidden_from: last }
                    }
                    Some(s) => Repair::NotEligible { why: format!("{s} 才还清，晚于 {repay_by}") },
                    None if as_of <= repay_by => Repair::OpenUntil { repay_by },
                    None => Repair::NotEligible { why: format!("未在 {repay_by} 前还清") },
                },
            };
            trace.push(TraceStep::new(
                "credit_repair_2025",
                match &repair {
                    Repair::Eligible { hidden_from } => {
                        format!("符合一次性信用修复条件：该逾期记录自 {hidden_from} 起不予展示（不是删除）")
                    }
                    Repair::OpenUntil { repay_by } => format!("如在 {repay_by} 前全额还清，可适用一次性信用修复"),
                    Repair::NotEligible { why } => format!("不适用一次性信用修复：{why}"),
                    Repair::Unknown { missing } => format!("能否适用一次性信用修复，还需要：{missing}"),
                },
            ));
            repair
        }
    };

    if info.prior_notice == Some(false) {
        findings.push(Finding::new(
            "credit_no_prior_notice",
            Severity::Violation,
            "credit_prior_notice",
            "上报不良信息前没有告知你",
            "信息提供者报送个人不良信息前应当事先告知本人。可以据此提出征信异议，并向人民银行分支机构投诉。",
        ));
    }

    let mut objection_reply_due = Vec::new();
    let mut complaint_reply_due = Vec::new();
    for e in &debt.events {
        let days = |id: &str| -> Result<i64, LawError> {
            Ok(i64::try_from(l.param(id, e.date.max(on))?.decimal().mantissa()).unwrap_or(0))
        };
        match e.kind {
            EventKind::CreditObjection => {
                let due = e.date + chrono::Duration::days(days("credit.objection_reply_days")?);
                objection_reply_due.push(due);
                trace.push(
                    TraceStep::new("credit_objection", format!("{} 提出异议，对方应在 {due} 前书面答复", e.date))
                        .on(e.date),
                );
            }
            EventKind::PbocComplaint => {
                let due = e.date + chrono::Duration::days(days("credit.complaint_reply_days")?);
                complaint_reply_due.push(due);
                trace.push(
                    TraceStep::new(
                        "credit_complaint",
                        format!("{} 向人民银行投诉，应在 {due} 前书面答复（自受理起算）", e.date),
                    )
                    .on(e.date),
                );
            }
            _ => {}
        }
    }
    Ok(CreditRecord {
        reported: info.reported,
        overdue_start,
        settled,
        record_expires,
        repair,
        objection_reply_due,
        complaint_reply_due,
        findings,
        trace,
    })
}

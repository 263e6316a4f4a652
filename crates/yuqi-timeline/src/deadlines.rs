//! The dates that matter, first: every deadline of every debt, sorted.

use chrono::NaiveDate;
use serde::Serialize;

use crate::credit::{CreditRecord, Repair};
use crate::limitation::{Limitation, Status};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deadline {
    pub date: NaiveDate,
    pub debt: String,
    /// Stable code: `limitation_expires`, `limitation_expired`, `limitation_expires_alt`,
    /// `limitation_new_expiry`, `limitation_starts`, `enforcement_deadline`,
    /// `absolute_cutoff`, `record_expires`, `credit_repair_deadline`,
    /// `objection_reply_due`, `complaint_reply_due`.
    pub code: &'static str,
    pub label: String,
    /// Days from the as-of date (negative: already passed).
    pub days_from_now: i64,
    pub rule: &'static str,
    pub disputed: bool,
}

impl Deadline {
    /// What the borrower himself can do by this date, when the date asks anything of him, and
    /// the rule that says he can (not always the date's own: the 20 days an objection waits are
    /// the credit regulation's article 25, what he can do when they pass is its article 26). The
    /// overview's most urgent item is the first of these; the text says it whole, date aside,
    /// so that the overview gives it without the label beside it. The others are the law's or
    /// the other side's dates (a limitation period ending, the creditor's time to apply for
    /// enforcement, a record's retention ending): worth knowing, but nothing for him to do on
    /// the day.
    pub fn action(&self) -> Option<(&'static str, &'static str)> {
        match self.code {
            "credit_repair_deadline" => Some((
                "这天之前全额还清这笔，逾期记录就不再展示（一次性信用修复，自动进行、不收费）",
                "credit_repair_2025",
            )),
            "objection_reply_due" => Some((
                "到这天还没收到对征信异议的书面答复，可以向人民银行的分支机构投诉，也可以直接起诉",
                "credit_complaint",
            )),
            "complaint_reply_due" => {
                Some(("到这天还没收到人民银行对投诉的书面答复，可以打电话催问，也可以直接起诉", "credit_complaint"))
            }
            _ => None,
        }
    }
}

pub fn collect(
    debt: &str,
    primary: &Limitation,
    alternatives: &[Limitation],
    credit: &CreditRecord,
    as_of: NaiveDate,
) -> Vec<Deadline> {
    let mut out = Vec::new();
    let mut add = |date: NaiveDate, code: &'static str, label: String, rule: &'static str, disputed: bool| {
        out.push(Deadline {
            date,
            debt: debt.to_string(),
            code,
            label,
            days_from_now: (date - as_of).num_days(),
            rule,
            disputed,
        });
    };
    match &primary.status {
        Status::Running { expires, .. } => add(
            *expires,
            "limitation_expires",
            "诉讼时效届满（此前的还款、承诺或到达你的催收会让它重新计算）".to_string(),
            "limitation_period",
            false,
        ),
        Status::Expired { expired_on } => add(
            *expired_on,
            "limitation_expired",
            "诉讼时效已届满：被起诉时须在一审提出时效抗辩".to_string(),
            "limitation_expired_effect",
            false,
        ),
        Status::Lost { new_expiry, .. } => add(
            *new_expiry,
            "limitation_new_expiry",
            "放弃时效抗辩后，新的时效期间届满（实践做法）".to_string(),
            "limitation_waiver",
            true,
        ),
        Status::NotStarted { starts: Some(d) } => {
            add(*d, "limitation_starts", "诉讼时效开始计算".to_string(), primary.start_rule, false)
        }
        Status::Judgment { enforcement_deadline, enforcement_applied: None, .. } => add(
            *enforcement_deadline,
            "enforcement_deadline",
            "对方申请强制执行的期限".to_string(),
            "enforcement_period",
            false,
        ),
        _ => {}
    }
    for alt in alternatives {
        if let Some(e) = &alt.expiry
            && matches!(alt.status, Status::Running { .. } | Status::Expired { .. })
        {
            add(e.end, "limitation_expires_alt", format!("{}：时效届满", alt.label), alt.start_rule, true);
        }
    }
    if let Some(cut) = primary.absolute_cutoff
        && (cut - as_of).num_days() < 365 * 3
    {
        let years = yuqi_law::law()
            .param_prose_zh("limitation.absolute_years", cut)
            .map_or_else(|_| "法定".to_string(), |n| format!("{n}年"));
        add(cut, "absolute_cutoff", format!("自首次逾期起{years}的最长保护期届满"), "limitation_absolute", false);
    }
    if let Some(e) = credit.record_expires {
        let years = yuqi_law::law()
            .param_prose("credit.negative_record_years", e)
            .map_or_else(|_| "法定期限".to_string(), |n| format!("{n}年"));
        add(e, "record_expires", format!("征信不良记录保存期满（结清后{years}）"), "credit_retention", false);
    }
    if let Repair::OpenUntil { repay_by } = credit.repair {
        add(
            repay_by,
            "credit_repair_deadline",
            "在此日前全额还清，可适用一次性信用修复".to_string(),
            "credit_repair_2025",
            false,
        );
    }
    // The days in the labels are the law data's, as the credit record counted them.
    let days = |id: &str, on: NaiveDate| {
        yuqi_law::law().param_prose(id, on).map_or_else(|_| String::new(), |n| format!("（{n}日）"))
    };
    for d in &credit.objection_reply_due {
        let label = format!("征信异议的书面答复期限{}", days("credit.objection_reply_days", *d));
        add(*d, "objection_reply_due", label, "credit_objection", false);
    }
    for d in &credit.complaint_reply_due {
        let label = format!("人民银行对投诉的书面答复期限{}", days("credit.complaint_reply_days", *d));
        add(*d, "complaint_reply_due", label, "credit_complaint", false);
    }
    out
}

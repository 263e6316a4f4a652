//! Facts from the case file. A letter states a fact about the case only through
//! [`Facts::get`]: when the field is absent the letter gets a blank for the user to fill in,
//! never a guess. [`case_value`] is also what the tests use to check every stated fact.

use chrono::NaiveDate;
use yuqi_case::{Case, Debt, NoticeBy};
use yuqi_money::Money;

use crate::doc::{Inline, Source};

/// `2026年11月24日`: the form used in Chinese letters (the one helper, shared with the charts).
pub use yuqi_util::date_zh;

/// `18,600.00元`.
pub fn yuan(m: Money) -> String {
    format!("{}元", m.to_grouped_string())
}

fn debt_by_id<'a>(case: &'a Case, id: &str) -> Option<&'a Debt> {
    case.debts.iter().find(|d| d.id == id)
}

/// The value of a case-file field as a letter prints it, or `None` when the case file does not
/// give it. Paths: `person.name`, `debt[ID].demand.amount`, `debt[ID].assignment[0].to`, …
pub fn case_value(case: &Case, path: &str) -> Option<String> {
    let p = &case.person;
    let nonempty = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
    match path {
        "person.name" => return nonempty(&p.name),
        "person.phone" => return p.phone.as_deref().and_then(nonempty),
        "person.city" => return p.city.as_deref().and_then(nonempty),
        "person.address" => return p.address.as_deref().and_then(nonempty),
        "person.id_number" => return p.id_number.as_deref().and_then(nonempty),
        "person.monthly_income" => return p.monthly_income.map(yuan),
        "person.essential_expenses" => return p.essential_expenses.map(yuan),
        "person.savings" => return p.savings.map(yuan),
        "person.dependants" => return p.dependants.map(|n| n.to_string()),
        "person.hardship" => return p.hardship.as_deref().and_then(nonempty),
        _ => {}
    }
    let rest = path.strip_prefix("debt[")?;
    let (id, field) = rest.split_once("].")?;
    let d = debt_by_id(case, id)?;
    let indexed = |field: &str, name: &str| -> Option<(usize, String)> {
        let r = field.strip_prefix(name)?.strip_prefix('[')?;
        let (i, f) = r.split_once("].")?;
        Some((i.parse().ok()?, f.to_string()))
    };
    if let Some((i, f)) = indexed(field, "assignment") {
        let a = d.assignments.get(i)?;
        return match f.as_str() {
            "date" => Some(date_zh(a.date)),
            "from" => nonempty(&a.from),
            "to" => nonempty(&a.to),
            "notice_reached" => a.notice_reached.map(date_zh),
            "notice_by" => match a.notice_by {
                NoticeBy::None => Some("未通知".to_string()),
                NoticeBy::Assignor => Some("原债权人通知".to_string()),
                NoticeBy::Assignee => Some("受让人通知".to_string()),
            },
            _ => None,
        };
    }
    if let Some((i, f)) = indexed(field, "event") {
        let e = d.events.get(i)?;
        return match f.as_str() {
            "date" => Some(date_zh(e.date)),
            "note" => nonempty(&e.note),
            "by" => e.by.as_deref().and_then(nonempty),
            "channel" => e.channel.map(|c| c.label_zh().to_string()),
            "kind" => Some(e.kind.label_zh().to_string()),
            _ => None,
        };
    }
    if let Some((i, f)) = indexed(field, "payment") {
        let pay = d.payments.get(i)?;
        return match f.as_str() {
            "date" => Some(date_zh(pay.date)),
            "amount" => Some(yuan(pay.amount)),
            _ => None,
        };
    }
    match field {
        "id" => Some(d.id.clone()),
        "lender" => nonempty(&d.lender),
        "platform" => d.platform.as_deref().and_then(nonempty),
        "original_lender" => d.original_lender.as_deref().and_then(nonempty),
        "kind" => Some(d.kind.label_zh().to_string()),
        "contract_date" => Some(date_zh(d.contract_date)),
        "principal" => Some(yuan(d.principal)),
        "received" => Some(yuan(d.received)),
        "rate" => (!d.rate_missing).then(|| d.rate.to_string()),
        "paid_total" => (!d.payments.is_empty()).then(|| yuan(d.total_paid())),
        "demand.amount" => d.demand.as_ref().map(|x| yuan(x.amount)),
        "demand.date" => d.demand.as_ref()?.date.map(date_zh),
        "demand.by" => d.demand.as_ref()?.by.as_deref().and_then(nonempty),
        // A balance stated on a day (a card's from the bank's app, a creditor's statement).
        "opening.date" => d.opening.as_ref().map(|o| date_zh(o.date)),
        "opening.amount" => d.opening.as_ref().map(|o| yuan(o.principal + o.interest + o.overdue)),
        "credit.overdue_amount" => d.credit.as_ref()?.overdue_amount.map(yuan),
        "credit.overdue_start" => d.credit.as_ref()?.overdue_start.map(date_zh),
        "credit.settled" => d.credit.as_ref()?.settled.map(date_zh),
        _ => None,
    }
}

/// Reads facts for one document.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    pub case: &'a Case,
}

impl<'a> Facts<'a> {
    pub fn new(case: &'a Case) -> Facts<'a> {
        Facts { case }
    }

    /// The field as a fact, or a blank asking for it.
    pub fn get(&self, path: &str, prompt: &str) -> Inline {
        match case_value(self.case, path) {
            Some(v) => Inline::fact(v, Source::Case(path.to_string())),
            None => Inline::blank(prompt),
        }
    }

    /// The field as a fact, if the case file gives it.
    pub fn opt(&self, path: &str) -> Option<Inline> {
        case_value(self.case, path).map(|v| Inline::fact(v, Source::Case(path.to_string())))
    }

    pub fn has(&self, path: &str) -> bool {
        case_value(self.case, path).is_some()
    }

    pub fn debt_path(debt: &Debt, field: &str) -> String {
        format!("debt[{}].{field}", debt.id)
    }

    pub fn debt(&self, debt: &Debt, field: &str, prompt: &str) -> Inline {
        self.get(&Self::debt_path(debt, field), prompt)
    }

    pub fn debt_opt(&self, debt: &Debt, field: &str) -> Option<Inline> {
        self.opt(&Self::debt_path(debt, field))
    }

    /// "好借点App（某某网络小额贷款有限公司）": how a letter names the loan.
    pub fn loan_name(&self, debt: &Debt) -> Vec<Inline> {
        let mut out = Vec::new();
        match (self.debt_opt(debt, "platform"), self.debt_opt(debt, "lender")) {
            (Some(p), Some(l)) => {
                out.push(Inline::text("通过"));
                out.push(p);
                out.push(Inline::text("向"));
                out.push(l);
            }
            (Some(p), None) => {
                out.push(Inline::text("通过"));
                out.push(p);
            }
            (None, Some(l)) => {
                out.push(Inline::text("向"));
                out.push(l);
            }
            (None, None) => {
                out.push(Inline::text("向"));
                out.push(Inline::blank("出借人名称"));
            }
        }
        out
    }
}

/// A computed figure (ledger, timeline, plan), stated with the rule that produced it.
pub fn computed(text: impl Into<String>, rule: &'static str) -> Inline {
    Inline::fact(text, Source::Computed(rule))
}

pub fn today(d: NaiveDate) -> Inline {
    Inline::fact(date_zh(d), Source::Today)
}

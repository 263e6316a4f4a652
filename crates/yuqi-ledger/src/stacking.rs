//! Loan stacking (以贷养贷): a new loan taken to pay an old one.
//!
//! This is a pattern in the borrower's own data, not a legal finding. The
//! thresholds below are product heuristics chosen to catch the usual shape (a
//! new app loan disbursed in the days before another loan's due date, for a
//! comparable amount); they are not legal parameters and do not come from the law data.

use chrono::NaiveDate;
use serde::Serialize;
use yuqi_case::Debt;

use crate::schedule::Installment;
use yuqi_money::{Decimal, Money};

/// A new loan disbursed this many days before (or on) a payment or due date of
/// another loan is a candidate source of that payment.
const WINDOW_DAYS: i64 = 7;
/// The new loan must be at least this fraction of the payment it may have funded.
const MIN_COVER: Decimal = Decimal::from_parts(5, 0, 0, false, 1); // 0.5
/// This many loans disbursed within `CLUSTER_DAYS` are reported as a burst.
const CLUSTER_SIZE: usize = 3;
const CLUSTER_DAYS: i64 = 30;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StackingLink {
    /// `new_debt` was disbursed shortly before `old_debt` was paid or fell due.
    Refinanced {
        new_debt: String,
        new_date: NaiveDate,
        new_received: Money,
        old_debt: String,
        old_date: NaiveDate,
        old_amount: Money,
        /// True when `old_date` is an actual payment, false when it is a due date.
        paid: bool,
    },
    /// Several loans taken within a short time.
    Burst { debts: Vec<String>, from: NaiveDate, to: NaiveDate },
}

/// Whether two debts come from the same lender (or the same app). One lender's successive loans
/// (a bank's monthly consumer loans, a card's instalments) fall due near each other by design:
/// that is not evidence that one paid the other.
fn same_lender(a: &Debt, b: &Debt) -> bool {
    let norm = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    norm(&a.lender) == norm(&b.lender)
        || matches!((&a.platform, &b.platform), (Some(x), Some(y)) if norm(x) == norm(y) && !norm(x).is_empty())
}

/// Finds stacking patterns; each debt comes with its contract schedule (for due
/// dates and instalment amounts). Only loans from different lenders are linked, and a burst
/// needs as many different lenders as loans it reports.
pub fn detect_stacking(debts: &[(&Debt, &[Installment])]) -> Vec<StackingLink> {
    let mut links = Vec::new();
    for (new, _) in debts {
        for (old, old_schedule) in debts {
            if old.id == new.id || old.contract_date >= new.contract_date || same_lender(old, new) {
                continue;
            }
            let near = |date: NaiveDate| {
                let gap = (date - new.contract_date).num_days();
                (0..=WINDOW_DAYS).contains(&gap)
            };
            let covers = |amount: Money| new.received.to_yuan() >= amount.to_yuan() * MIN_COVER;
            let paid = old.payments.iter().find(|p| near(p.date) && covers(p.amount));
            let link = if let Some(p) = paid {
                Some((p.date, p.amount, true))
            } else {
                old_schedule.iter().find(|i| near(i.due) && covers(i.total())).map(|i| (i.due, i.total(), false))
            };
            if let Some((old_date, old_amount, paid)) = link {
                links.push(StackingLink::Refinanced {
                    new_debt: new.id.clone(),
                    new_date: new.contract_date,
                    new_received: new.received,
                    old_debt: old.id.clone(),
                    old_date,
                    old_amount,
                    paid,
                });
            }
        }
    }
    let mut by_date: Vec<&Debt> = debts.iter().map(|(d, _)| *d).collect();
    by_date.sort_by_key(|d| d.contract_date);
    let mut i = 0;
    while i < by_date.len() {
        let mut j = i;
        while j + 1 < by_date.len()
            && (by_date[j + 1].contract_date - by_date[i].contract_date).num_days() <= CLUSTER_DAYS
        {
            j += 1;
        }
        let lenders = {
            let mut seen: Vec<&Debt> = Vec::new();
            for d in &by_date[i..=j] {
                if !seen.iter().any(|s| same_lender(s, d)) {
                    seen.push(d);
                }
            }
            seen.len()
        };
        if lenders >= CLUSTER_SIZE {
            links.push(StackingLink::Burst {
                debts: by_date[i..=j].iter().map(|d| d.id.clone()).collect(),
                from: by_date[i].contract_date,
                to: by_date[j].contract_date,
            });
            i = j + 1;
        } else {
            i += 1;
        }
    }
    links
}

#[cfg(test)]
mod tests {
    use super::*;

    fn debt(id: &str, lender: &str, date: &str) -> Debt {
        let src = format!(
            "[[debt]]\nid = \"{id}\"\nlender = \"{lender}\"\nkind = \"bank\"\ncontract_date = {date}\nprincipal = 5000\nrate = \"年化12%\"\nmethod = \"等额本息\"\nperiods = 12\n"
        );
        yuqi_case::parse_case(&src, "t").expect("case").debts.remove(0)
    }

    fn links(debts: &[Debt]) -> Vec<StackingLink> {
        let schedules: Vec<Vec<Installment>> =
            debts.iter().map(|d| crate::schedule::contract_schedule(d, Decimal::from(365))).collect();
        let pairs: Vec<(&Debt, &[Installment])> =
            debts.iter().zip(&schedules).map(|(d, s)| (d, s.as_slice())).collect();
        detect_stacking(&pairs)
    }

    /// Five consumer loans from one bank, a month apart: each falls due the day the next is
    /// taken, and nothing says one paid the other.
    #[test]
    fn one_lenders_successive_loans_are_not_stacking() {
        let ds: Vec<Debt> = ["2024-01-10", "2024-02-10", "2024-03-10", "2024-03-20", "2024-03-30"]
            .iter()
            .enumerate()
            .map(|(i, d)| debt(&format!("b{i}"), "某某银行股份有限公司", d))
            .collect();
        assert_eq!(links(&ds), Vec::new());
    }

    /// The same shape across different lenders is the pattern the heuristic is for.
    #[test]
    fn different_lenders_in_a_burst_are_reported() {
        let ds: Vec<Debt> = ["2024-01-10", "2024-01-20", "2024-01-30"]
            .iter()
            .enumerate()
            .map(|(i, d)| debt(&format!("d{i}"), &format!("第{i}家小贷公司"), d))
            .collect();
        assert!(links(&ds).iter().any(|l| matches!(l, StackingLink::Burst { debts, .. } if debts.len() == 3)));
    }
}

//! The answers as typed, and how one step's form sets them (with the checks a form needs).

use std::collections::BTreeMap;

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use yuqi_case::{Period, add_period};
use yuqi_money::{Money, RateInput};

use super::steps::{Q, Step};

/// The answer "I don't remember". Stored as the answer, so that a step answered with it is
/// not asked again and the results can say what it prevented.
pub const UNKNOWN: &str = "不记得";

/// Everything the borrower answered. Answers are kept as typed (a returning borrower sees his
/// own words); `None` is "not asked yet".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Answers {
    pub debts: Vec<DebtAnswers>,
    /// The borrower said there is no other loan.
    pub no_more: bool,
    pub income: Option<String>,
    pub expenses: Option<String>,
    pub available: Option<String>,
    /// `yes`, `no` or `unsure`.
    pub court: Option<String>,
    /// Which debt the court papers are about (its position, from 0).
    pub court_debt: Option<String>,
    pub court_date: Option<String>,
    /// `saved` or `skipped`: the messages themselves go to the evidence store.
    pub messages: Option<String>,
    /// What the triage already learnt: offered as the answer, never taken as one.
    pub hints: Hints,
}

/// The triage's answers, carried into a new case's interview.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Hints {
    pub available: Option<String>,
    pub court: Option<String>,
    /// The borrower said the collectors threaten jail or the police.
    pub threatened_jail: bool,
}

/// One loan, as the borrower knows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DebtAnswers {
    pub app: Option<String>,
    pub kind: Option<String>,
    pub lender: Option<String>,
    pub date: Option<String>,
    pub principal: Option<String>,
    pub received: Option<String>,
    /// `installments`, `once` or [`UNKNOWN`].
    pub repay: Option<String>,
    /// Per instalment: amount, count, period (`month`, `week`, `14d`).
    pub amount: Option<String>,
    pub count: Option<String>,
    pub period: Option<String>,
    /// One repayment: days until due, and the amount due then.
    pub days: Option<String>,
    pub due_amount: Option<String>,
    /// One repayment rolled over (展期): how many times, and the fee paid each time.
    pub rollovers: Option<String>,
    pub rollover_fee: Option<String>,
    pub rate: Option<String>,
    /// Instalments paid (instalment loans) or money paid in total (one repayment).
    pub paid: Option<String>,
    /// The day the first payment was missed; for a credit card, the first missed due date.
    pub stopped: Option<String>,
    pub demand: Option<String>,
    /// A credit card: what is owed now or on the last statement, as the bank's app shows it.
    pub balance: Option<String>,
    /// The day the balance was given (`2026-12-07`): the balance is as of that day, and a case
    /// file rebuilt later must not move it.
    pub balance_on: Option<String>,
    /// A credit card: the day of the last payment after the default, [`NONE_PAID`] when there
    /// was none, or [`UNKNOWN`]; and its amount.
    pub last_paid: Option<String>,
    pub last_amount: Option<String>,
}

/// The answer "nothing paid since the default" (a credit card's last-payment screen left empty).
pub const NONE_PAID: &str = "没还过";

impl DebtAnswers {
    /// The borrower said this debt is a credit card: it is asked what a cardholder knows (the
    /// balance, the missed due date), not a loan's contract questions.
    pub fn is_card(&self) -> bool {
        self.kind.as_deref() == Some("card")
    }

    /// How often a loan due at once was rolled over (展期), when it was at least once. Only a
    /// loan he says is due at once has rollovers: the answers stay when he switches it to
    /// instalments (he may switch back), but they count for nothing there.
    pub(super) fn rolled_over(&self) -> Option<u32> {
        (self.repay.as_deref() == Some("once")).then(|| count(&self.rollovers)).flatten().filter(|n| *n > 0)
    }
}

pub(super) fn known(v: &Option<String>) -> Option<&str> {
    v.as_deref().filter(|s| *s != UNKNOWN && !s.trim().is_empty())
}

pub(super) fn money(v: &Option<String>) -> Option<Money> {
    known(v).and_then(|s| s.trim().parse::<Money>().ok())
}

pub(super) fn count(v: &Option<String>) -> Option<u32> {
    known(v).and_then(whole)
}

/// A whole number as a borrower types it on a phone, the unit of the question included ("12期",
/// "7天", "3 期"): refusing "12期" for 一共几期 only made him type it again.
fn whole(s: &str) -> Option<u32> {
    let t = s.trim();
    let t = ["个月", "期", "天", "次"].iter().find_map(|u| t.strip_suffix(u)).unwrap_or(t);
    t.trim().parse::<u32>().ok()
}

/// A day, or a month when only the month is remembered (then the 1st, flagged).
pub(super) fn day_or_month(s: &str) -> Option<(NaiveDate, bool)> {
    let t: String = s.trim().replace(['年', '月', '/', '.'], "-").replace('日', "");
    let parts: Vec<&str> = t.trim_end_matches('-').split('-').collect();
    let num = |i: usize| parts.get(i).and_then(|p| p.trim().parse::<u32>().ok());
    match parts.len() {
        3 => NaiveDate::from_ymd_opt(num(0)? as i32, num(1)?, num(2)?).map(|d| (d, false)),
        2 => NaiveDate::from_ymd_opt(num(0)? as i32, num(1)?, 1).map(|d| (d, true)),
        _ => None,
    }
}

/// The last day of `d`'s month.
pub(super) fn month_end(d: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(d.year(), d.month(), 1)
        .and_then(|first| first.checked_add_months(Months::new(1)))
        .and_then(|next| next.pred_opt())
        .unwrap_or(d)
}

pub(super) fn date(v: &Option<String>) -> Option<(NaiveDate, bool)> {
    known(v).and_then(day_or_month)
}

type Form = BTreeMap<String, String>;

fn field<'a>(form: &'a Form, name: &str) -> &'a str {
    form.get(name).map_or("", |s| s.trim())
}

impl Answers {
    /// Sets one step's answer from its form. `unknown` in the form is the "不记得" button.
    /// Errors are in Chinese, one per problem, and nothing is set when there is one.
    pub fn set(&mut self, step: Step, form: &Form, today: NaiveDate) -> Result<(), Vec<String>> {
        let unknown = !field(form, "unknown").is_empty();
        let value = field(form, "value");
        let single = |check: &dyn Fn(&str) -> Result<(), String>| -> Result<Option<String>, Vec<String>> {
            if unknown {
                return Ok(Some(UNKNOWN.to_string()));
            }
            if value.is_empty() {
                return Err(vec!["请填写，或者点“不记得”".to_string()]);
            }
            check(value).map_err(|e| vec![e])?;
            Ok(Some(value.to_string()))
        };
        let money_check = |s: &str| check_money(s, false);
        let day_check = |s: &str| check_day(s, today);
        match step {
            Step::Debt(i, q) => {
                if self.debts.is_empty() && i == 0 {
                    self.debts.push(DebtAnswers::default());
                }
                let principal = self.debts.get(i).and_then(|d| money(&d.principal));
                let installments = self.debts.get(i).and_then(|d| count(&d.count));
                let repay = self.debts.get(i).and_then(|d| d.repay.clone());
                let Some(d) = self.debts.get_mut(i) else {
                    return Err(vec!["没有这笔借款".to_string()]);
                };
                let before = d.clone();
                match q {
                    Q::App => d.app = single(&|s| check_text(s, 40))?,
                    Q::Lender => d.lender = single(&|s| check_text(s, 80))?,
                    Q::Kind => {
                        d.kind = single(&|s| check_choice(s, &["app", "cf", "bank", "card", "short", "private"]))?
                    }
                    Q::Date => d.date = single(&day_check)?,
                    Q::Principal => d.principal = single(&|s| check_money(s, true))?,
                    Q::Received => {
                        d.received = single(&|s| {
                            check_money(s, true)?;
                            match (s.parse::<Money>(), principal) {
                                (Ok(r), Some(p)) if r > p => Err(format!(
                                    "到手的钱（{} 元）比合同金额（{} 元）还多，请核对",
                                    r.to_grouped_string(),
                                    p.to_grouped_string()
                                )),
                                _ => Ok(()),
                            }
                        })?
                    }
                    Q::Repay => {
                        let was = d.repay.clone();
                        d.repay = single(&|s| check_choice(s, &["installments", "once"]))?;
                        // 已还 is a count of instalments for one and a sum of money for the other:
                        // "900" (元) would become 900 instalments paid. Asked again in its new form.
                        let instalments = |r: &Option<String>| r.as_deref() == Some("installments");
                        if was.is_some() && instalments(&was) != instalments(&d.repay) {
                            d.paid = None;
                        }
                    }
                    Q::Installments => {
                        let (amount, n, period) = (field(form, "amount"), field(form, "count"), field(form, "period"));
                        let mut errs = Vec::new();
                        if !unknown {
                            if !amount.is_empty()
                                && let Err(e) = check_money(amount, true)
                            {
                                errs.push(format!("每期金额：{e}"));
                            }
                            if !n.is_empty()
                                && let Err(e) = check_count(n, 1, 600)
                            {
                                errs.push(format!("期数：{e}"));
                            }
                            if let (Ok(a), Some(c), Some(p)) =
                                (amount.parse::<Money>(), whole(n).map(i64::from), principal)
                                && a.fen().saturating_mul(c) < p.fen()
                            {
                                errs.push(format!(
                                    "每期 {} 元 × {} 期还不到借款金额 {} 元，请核对",
                                    a.to_grouped_string(),
                                    c,
                                    p.to_grouped_string()
                                ));
                            }
                        }
                        if !errs.is_empty() {
                            return Err(errs);
                        }
                        d.amount = part(amount, unknown);
                        d.count = part(n, unknown);
                        d.period = Some(match period {
                            "week" | "14d" => period.to_string(),
                            _ => "month".to_string(),
                        });
                    }
                    Q::Once => {
                        let (days, due) = (field(form, "days"), field(form, "due_amount"));
                        let mut errs = Vec::new();
                        if !unknown {
                            if !days.is_empty()
                                && let Err(e) = check_count(days, 1, 366)
                            {
                                errs.push(format!("天数：{e}"));
                            }
                            if !due.is_empty() {
                                if let Err(e) = check_money(due, true) {
                                    errs.push(format!("到期要还：{e}"));
                                } else if let (Ok(x), Some(p)) = (due.parse::<Money>(), principal)
                                    && x < p
                                {
                                    errs.push("到期要还的钱比借款金额还少，请核对".to_string());
                                }
                            }
                        }
                        if !errs.is_empty() {
                            return Err(errs);
                        }
                        d.days = part(days, unknown);
                        d.due_amount = part(due, unknown);
                    }
                    Q::Rollover => {
                        let (n, fee) = (field(form, "count"), field(form, "fee"));
                        let mut errs = Vec::new();
                        if !unknown {
                            if !n.is_empty()
                                && let Err(e) = check_count(n, 0, 100)
                            {
                                errs.push(format!("展期了几次：{e}"));
                            }
                            if !fee.is_empty()
                                && let Err(e) = check_money(fee, true)
                            {
                                errs.push(format!("每次的展期费：{e}"));
                            }
                        }
                        if !errs.is_empty() {
                            return Err(errs);
                        }
                        let none = !unknown && whole(n) == Some(0);
                        d.rollovers = part(n, unknown);
                        // No rollover, no fee to ask about.
                        d.rollover_fee = if none { None } else { part(fee, unknown) };
                    }
                    Q::Rate => {
                        d.rate = single(&|s| {
                            s.parse::<RateInput>().map(|_| ()).map_err(|_| {
                                "看不懂这个利率。可以写“年化24%”“日息万分之五”“月息2分”，或者点“不记得”".to_string()
                            })
                        })?
                    }
                    Q::Paid => {
                        d.paid = if repay.as_deref() == Some("installments") {
                            single(&|s| check_count(s, 0, installments.unwrap_or(600)))?
                        } else {
                            single(&money_check)?
                        }
                    }
                    Q::Stopped => d.stopped = single(&day_check)?,
                    Q::Balance => {
                        d.balance = single(&|s| check_money(s, true))?;
                        // The balance is as of today; an unknown one has no day.
                        d.balance_on = known(&d.balance).map(|_| today.to_string());
                    }
                    Q::LastPaid => {
                        let (on, amount) = (field(form, "date"), field(form, "amount"));
                        let (paid, how_much) = if unknown {
                            (UNKNOWN.to_string(), UNKNOWN.to_string())
                        } else if on.is_empty() && amount.is_empty() {
                            (NONE_PAID.to_string(), String::new())
                        } else {
                            let mut errs = Vec::new();
                            match on {
                                "" => errs.push("还款日期：请写上是哪天还的；不记得日期就点“不记得”".to_string()),
                                _ => {
                                    if let Err(e) = check_day(on, today) {
                                        errs.push(format!("还款日期：{e}"));
                                    }
                                }
                            }
                            match amount {
                                "" => errs.push(
                                    "还了多少：也请写上（银行App的“还款记录”里有；记不清就写个大概的数，只用来记下这次还款）"
                                        .to_string(),
                                ),
                                _ => {
                                    if let Err(e) = check_money(amount, true) {
                                        errs.push(format!("还了多少：{e}"));
                                    }
                                }
                            }
                            if !errs.is_empty() {
                                return Err(errs);
                            }
                            (on.to_string(), amount.to_string())
                        };
                        d.last_paid = Some(paid);
                        d.last_amount = (!how_much.is_empty()).then_some(how_much);
                    }
                    Q::Demand => d.demand = single(&money_check)?,
                }
                // The loan's answers checked together after every change, whichever screen it
                // was on: a check made only on the 已还 screen let a later change of the rollover
                // screen (5 times instead of 3) slip past it. What disagreed before this change
                // is not held against it (he may be fixing one side of it now).
                let old = conflicts(&before);
                let new: Vec<String> = conflicts(d).into_iter().filter(|e| !old.contains(e)).collect();
                if !new.is_empty() {
                    *d = before;
                    return Err(new);
                }
            }
            Step::More => match value {
                "yes" => {
                    self.no_more = false;
                    self.debts.push(DebtAnswers::default());
                }
                "no" => self.no_more = true,
                _ => return Err(vec!["请选择“还有”或“没有了”".to_string()]),
            },
            Step::Income => self.income = single(&money_check)?,
            Step::Expenses => self.expenses = single(&money_check)?,
            Step::Available => self.available = single(&money_check)?,
            Step::Court => self.court = single(&|s| check_choice(s, &["yes", "no", "unsure"]))?,
            Step::CourtDebt => {
                let n = self.debts.len();
                self.court_debt = single(&|s| match s.parse::<usize>() {
                    Ok(i) if i < n => Ok(()),
                    _ => Err("请选择是哪一笔借款".to_string()),
                })?
            }
            Step::CourtDate => self.court_date = single(&day_check)?,
            Step::Messages => self.messages = Some(if value == "saved" { "saved" } else { "skipped" }.to_string()),
            Step::Review => {}
        }
        Ok(())
    }

    /// Removes a debt (from the review screen); a court answer about it goes with it.
    pub fn remove_debt(&mut self, i: usize) {
        if i < self.debts.len() {
            self.debts.remove(i);
            match self.court_debt.as_deref().and_then(|s| s.parse::<usize>().ok()) {
                Some(j) if j == i => self.court_debt = None,
                Some(j) if j > i => self.court_debt = Some((j - 1).to_string()),
                _ => {}
            }
        }
    }

    /// Another debt, from the review screen.
    pub fn add_debt(&mut self) {
        self.debts.push(DebtAnswers::default());
        self.no_more = false;
    }
}

/// Where one loan's answers contradict each other, in Chinese, each naming the screen it is
/// about: what he paid in all must cover the 展期费 he listed, and a loan rolled over cannot
/// have gone unpaid on or before its original due date (he paid a fee that day instead; a
/// month alone counts as any day of it).
fn conflicts(d: &DebtAnswers) -> Vec<String> {
    let mut out = Vec::new();
    let Some(n) = d.rolled_over() else {
        return out;
    };
    if let Some(paid) = money(&d.paid) {
        match money(&d.rollover_fee) {
            Some(f) if paid.fen() < f.fen().saturating_mul(i64::from(n)) => out.push(format!(
                "已经还过的钱：你说展期了 {n} 次、每次交 {} 元，已经还过的钱（展期费也算）至少是 {} 元，请核对已还的钱，或者展期的次数和展期费",
                f.to_grouped_string(),
                Money::from_fen(f.fen().saturating_mul(i64::from(n))).to_grouped_string()
            )),
            None if paid.is_zero() => out.push(format!(
                "已经还过的钱：你说展期了 {n} 次，每次都交了展期费，已经还过的钱不会是 0，请核对已还的钱，或者展期的次数"
            )),
            _ => {}
        }
    }
    // Only when the day of the loan and its term are known: a month alone, or a term not
    // remembered, leaves the original due date unsure (the case file then says what it took).
    if let (Some((contract, false)), Some(days), Some((stop, month_only))) =
        (date(&d.date), count(&d.days), date(&d.stopped))
    {
        let first = add_period(contract, Period::Days(days), 1);
        let latest = if month_only { month_end(stop) } else { stop };
        if latest <= first {
            let said = if month_only { format!("{}年{}月", stop.year(), stop.month()) } else { stop.to_string() };
            out.push(format!(
                "开始没还上的日期：你说展期了 {n} 次，最初的还款日是 {first}，开始没还上应该在这之后，你填的是 {said}；请核对这个日期，或者借款日期、借几天、展期的次数"
            ));
        }
    }
    out
}

/// One field of a screen with several: what was typed, or 不记得 when it was left empty or the
/// whole screen was answered 不记得.
fn part(s: &str, unknown: bool) -> Option<String> {
    Some(if s.is_empty() || unknown { UNKNOWN.to_string() } else { s.to_string() })
}

fn check_text(s: &str, max: usize) -> Result<(), String> {
    if s.chars().count() > max { Err(format!("太长了：最多 {max} 个字")) } else { Ok(()) }
}

fn check_choice(s: &str, allowed: &[&str]) -> Result<(), String> {
    if allowed.contains(&s) { Ok(()) } else { Err("请从下面选一项".to_string()) }
}

fn check_money(s: &str, positive: bool) -> Result<(), String> {
    match s.parse::<Money>() {
        Ok(m) if m.is_negative() => Err("金额不能是负数".to_string()),
        Ok(m) if positive && m.is_zero() => Err("金额要大于 0".to_string()),
        Ok(m) if m > Money::from_yuan(100_000_000) => Err("金额太大了，请核对（单位是元）".to_string()),
        Ok(_) => Ok(()),
        Err(_) => Err("请填写金额，例如 10000 或 9,000.50（单位：元）".to_string()),
    }
}

fn check_count(s: &str, min: u32, max: u32) -> Result<(), String> {
    match whole(s) {
        Some(n) if (min..=max).contains(&n) => Ok(()),
        _ => Err(format!("请填写 {min} 到 {max} 之间的整数")),
    }
}

fn check_day(s: &str, today: NaiveDate) -> Result<(), String> {
    match day_or_month(s) {
        Some((d, _)) if d > today => Err("这个日期还没到，请核对".to_string()),
        Some((d, _)) if d.year_ce().1 < 1980 => Err("日期太早了，请核对".to_string()),
        Some(_) => Ok(()),
        None => Err("日期写成 2024-06-10；只记得月份就写 2024-06".to_string()),
    }
}

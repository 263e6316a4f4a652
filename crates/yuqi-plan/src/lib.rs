//! What do I do now? The negotiation planner.
//!
//! From the ledger's lawful balances, the timeline's limitation status and the budget the
//! borrower entered (monthly income, essential expenses, savings), this crate proposes, per
//! debt and overall: instalments the borrower can afford, a lump-sum offer anchored on the
//! lawful balance, a credit-card personalised instalment plan (商业银行信用卡业务监督管理办法
//! art. 70, maximum read from the law data by date), an interest-suspension request, and the
//! order in which to deal with the debts, each with its reasons. Every option that involves
//! promising or paying says what it does to the limitation period: it restarts a running one
//! (民法典 195) and forfeits an expired one (时效规定 19).
//!
//! Pure: no I/O and no clock. Money is exact (fen); the only division rounds up to the fen so
//! that a plan never falls short of the balance it is meant to clear.

mod options;

use chrono::NaiveDate;
use serde::Serialize;
use yuqi_case::{Case, Debt, LenderKind};
use yuqi_law::LawError;
use yuqi_ledger::trace::{TraceParam, TraceStep};
use yuqi_ledger::{CaseAudit, DebtAudit};
use yuqi_money::{Decimal, Money};
use yuqi_timeline::limitation::Status;
use yuqi_timeline::{CaseTimeline, DebtTimeline};

pub use options::{OptionKind, PlanOption};

/// Share of the monthly surplus kept back for emergencies (a yuqi policy, not law: a plan
/// that uses every last yuan fails at the first unexpected bill, and a failed plan costs more
/// than a slower one).
pub const RESERVE_PERCENT: i64 = 10;

/// What the borrower can put towards debts each month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Budget {
    pub monthly_income: Option<Money>,
    pub essential_expenses: Option<Money>,
    pub dependants: Option<u32>,
    pub savings: Option<Money>,
    /// The borrower's own figure for what they can pay each month (`[person].monthly_available`).
    pub available: Option<Money>,
    /// Income minus essential expenses (may be negative).
    pub surplus: Option<Money>,
    /// Kept back from a positive surplus ([`RESERVE_PERCENT`]).
    pub reserve: Money,
    /// What the plan spends on debts each month: surplus minus reserve, never negative.
    pub for_debts: Option<Money>,
    /// What the contracts ask each month (all instalments), for comparison.
    pub contract_monthly_due: Money,
    /// What the plan's instalments need each month in total.
    pub planned_monthly: Money,
}

/// Where a debt stands, in the words that matter for negotiating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// A judgment or enforcement: pay or settle under the court's eye first.
    Judgment,
    /// Sued: answer the court; negotiation continues alongside.
    InLitigation,
    /// The limitation period is running (or not yet started): the creditor can sue.
    Enforceable,
    /// Expired: the borrower has a defence; any promise or payment throws it away.
    Expired,
    /// Beyond the twenty-year cut-off.
    BeyondTwentyYears,
}

impl Standing {
    pub fn label_zh(self) -> &'static str {
        match self {
            Standing::Judgment => "已有生效裁判",
            Standing::InLitigation => "已被起诉",
            Standing::Enforceable => "可以被起诉",
            Standing::Expired => "诉讼时效已届满",
            // Static label: the number of years is stated where a date is known (the status).
            Standing::BeyondTwentyYears => "超过最长保护期",
        }
    }

    fn rank(self) -> u8 {
        match self {
            Standing::Judgment => 0,
            Standing::InLitigation => 1,
            Standing::Enforceable => 2,
            Standing::Expired => 3,
            Standing::BeyondTwentyYears => 4,
        }
    }

    fn of(status: &Status) -> Standing {
        match status {
            Status::Judgment { .. } => Standing::Judgment,
            Status::InLitigation { .. } => Standing::InLitigation,
            Status::Expired { .. } => Standing::Expired,
            Status::BeyondTwentyYears { .. } => Standing::BeyondTwentyYears,
            Status::NotStarted { .. } | Status::Running { .. } | Status::Lost { .. } | Status::Suspended { .. } => {
                Standing::Enforceable
            }
        }
    }

    /// Time-barred: the plan does not put money towards it.
    pub fn barred(self) -> bool {
        matches!(self, Standing::Expired | Standing::BeyondTwentyYears)
    }
}

/// The plan for one debt.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DebtPlan {
    pub id: String,
    pub lender: String,
    pub platform: Option<String>,
    /// Whom the borrower owes now, as far as the borrower is bound (an unnotified assignment
    /// leaves the original lender in place).
    pub creditor: String,
    /// 1 = deal with this one first.
    pub priority: u32,
    /// One line: why this debt comes where it does in the order (set by `plan_case_with`,
    /// which orders the debts, from the same key).
    pub why_here: String,
    pub priority_reasons: Vec<String>,
    pub standing: Standing,
    pub standing_label: String,
    /// The legal interest cap that applies (annual fraction), if any.
    pub cap_rate: Option<Decimal>,
    /// Principal still owed, counted from what was actually received.
    pub principal_lawful: Money,
    /// The most a court would support today (principal, interest, overdue charges, fees).
    pub lawful_total: Money,
    /// The same under the reading most favourable to the borrower, where the law is unsettled.
    pub lawful_low: Money,
    /// `lawful_total` if the over-cap charges already paid are set against principal
    /// (disputed): stated beside it wherever the plan is shown, as the summary and letters do.
    pub lawful_if_offset: Option<yuqi_ledger::audit::IfOffset>,
    pub demanded: Option<Money>,
    /// The day of the demand, and what the law supported that day: the demand is compared with
    /// that, not with today's `lawful_total` (interest runs in between).
    pub demand_date: Option<chrono::NaiveDate>,
    pub lawful_at_demand: Option<Money>,
    /// How much the demand exceeds what the law supported on its day.
    pub excess: Option<Money>,
    /// This debt's share of the monthly budget.
    pub monthly_share: Option<Money>,
    pub options: Vec<PlanOption>,
    pub warnings: Vec<String>,
}

/// One step of the overall plan, in the order to take them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    pub title: String,
    /// For a debt's step: why it comes where it does in the order ([`DebtPlan::why_here`]).
    pub why: Option<String>,
    pub detail: String,
    /// A `yuqi` command that carries the step out, when there is one.
    pub command: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    pub as_of: NaiveDate,
    pub budget: Budget,
    /// Debts in the order to deal with them.
    pub debts: Vec<DebtPlan>,
    pub steps: Vec<Step>,
    /// Warnings for the whole case, most serious first.
    pub warnings: Vec<String>,
    /// What the plan assumed and what it cannot judge.
    pub assumptions: Vec<String>,
    pub trace: Vec<TraceStep>,
}

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("案例、核算和时间线不一致：{0}")]
    Mismatch(String),
    #[error(transparent)]
    Law(#[from] LawError),
}

/// Every reason [`plan_case`] could fail on `case` at `as_of` because of the input, beyond what
/// the audit's and the timeline's `validate` find. A credit card's instalment option looks up
/// its legal maximum term on the as-of date; it is checked for every card debt, although a
/// barred or settled debt gets no such option.
pub fn validate(case: &Case, as_of: NaiveDate) -> Vec<yuqi_ledger::InputError> {
    let mut out = Vec::new();
    if case.debts.iter().any(|d| d.kind == LenderKind::CreditCard) {
        yuqi_ledger::validate::require_param(
            &mut out,
            yuqi_case::CaseField::AsOf,
            "credit_card.personalised_installment_max_years",
            as_of,
        );
    }
    out
}

/// Plans a whole case. `audit` and `timeline` must be of the same `case` (same debts, same order).
pub fn plan_case(case: &Case, audit: &CaseAudit, timeline: &CaseTimeline) -> Result<Plan, PlanError> {
    plan_case_with(case, audit, timeline, false)
}

/// [`plan_case`], told whether the analyzer found rule-breaking collection in the case's contacts
/// (the evidence store's messages, pasted ones): that brings the step to keep evidence and
/// complain, as notes in the case file do.
pub fn plan_case_with(
    case: &Case,
    audit: &CaseAudit,
    timeline: &CaseTimeline,
    rule_breaking_messages: bool,
) -> Result<Plan, PlanError> {
    if case.debts.len() != audit.debts.len() || case.debts.len() != timeline.debts.len() {
        return Err(PlanError::Mismatch(format!(
            "{} 笔借款、{} 笔核算、{} 条时间线",
            case.debts.len(),
            audit.debts.len(),
            timeline.debts.len()
        )));
    }
    for ((d, a), t) in case.debts.iter().zip(&audit.debts).zip(&timeline.debts) {
        if d.id != a.id || d.id != t.id {
            return Err(PlanError::Mismatch(format!("借款 {} 与 {} / {} 的顺序不同", d.id, a.id, t.id)));
        }
    }
    let as_of = audit.as_of;
    let mut trace = Vec::new();
    let mut budget = budget(case, audit, &mut trace);

    // Order the debts.
    let mut order: Vec<usize> = (0..case.debts.len()).collect();
    let key = |i: usize| OrderKey::of(&timeline.debts[i], &audit.debts[i], i);
    order.sort_by_key(|&i| key(i));
    let keys: Vec<OrderKey> = order.iter().map(|&i| key(i)).collect();

    let active_total: Money = order
        .iter()
        .filter(|&&i| !Standing::of(&timeline.debts[i].limitation.status).barred())
        .map(|&i| audit.debts[i].supported_total)
        .sum();
    let mut debts = Vec::new();
    for (rank, &i) in order.iter().enumerate() {
        let share = match budget.for_debts {
            Some(f) if f.is_positive() && active_total.is_positive() => {
                let standing = Standing::of(&timeline.debts[i].limitation.status);
                (!standing.barred()).then(|| share_of(f, audit.debts[i].supported_total, active_total))
            }
            _ => None,
        };
        debts.push(debt_plan(
            &case.debts[i],
            &audit.debts[i],
            &timeline.debts[i],
            rank as u32 + 1,
            share,
            &budget,
            as_of,
        )?);
    }
    let why = why_here(case, &debts, &keys);
    for (d, w) in debts.iter_mut().zip(why) {
        d.why_here = w;
    }
    budget.planned_monthly =
        debts.iter().filter_map(|d| d.options.iter().find(|o| o.kind == OptionKind::Instalments)?.monthly).sum();
    trace.push(
        TraceStep::new(
            "plan_priority",
            format!(
                "处理顺序：{}",
                debts
                    .iter()
                    .map(|d| format!("{}. {}", d.priority, case.debt_name(&d.id)))
                    .collect::<Vec<_>>()
                    .join("；")
            ),
        )
        .on(as_of),
    );

    let warnings = case_warnings(&debts, &budget, audit);
    let steps = steps(case, &debts, timeline, rule_breaking_messages);
    let assumptions = vec![
        format!(
            "每月可还金额按你填写的收入和必要开支计算，并预留 {RESERVE_PERCENT}% 作应急；收入不稳定时请按最低月份填写。"
        ),
        "分期金额按“依法最多支持的金额”平均摊还、还款期间不再计息（即请求停息挂账）计算；对方若坚持继续计息，另列了按法定上限计息时的月供。".to_string(),
        "对方是否同意减免、分期或停息，由双方协商；除信用卡个性化分期（银行“可以”协商）外，法律没有规定对方必须同意。".to_string(),
        "本计划不是律师意见。已被起诉、已有判决或金额较大时，请咨询律师或当地法律援助机构（12348 公共法律服务热线）。".to_string(),
    ];
    Ok(Plan { as_of, budget, debts, steps, warnings, assumptions, trace })
}

/// The order of the debts, decided here and nowhere else: the standing first (judgment,
/// lawsuit, running, time-barred), then the higher lawful interest cap (avalanche), then the
/// smaller lawful total (a debt cleared sooner stops its collection sooner), then the case
/// file's order. [`why_here`] says which of these parts put a debt where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct OrderKey {
    standing: u8,
    cap: std::cmp::Reverse<Decimal>,
    total: Money,
    index: usize,
}

/// The part of the order that tells two debts apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decided {
    Standing,
    Cap,
    Total,
    FileOrder,
}

impl OrderKey {
    fn of(timeline: &DebtTimeline, audit: &DebtAudit, index: usize) -> OrderKey {
        OrderKey {
            standing: Standing::of(&timeline.limitation.status).rank(),
            cap: std::cmp::Reverse(audit.cap_rate.unwrap_or(Decimal::ZERO)),
            total: audit.supported_total,
            index,
        }
    }

    /// The first part of the key on which `self` and `other` differ.
    fn decided(&self, other: &OrderKey) -> Decided {
        if self.standing != other.standing {
            Decided::Standing
        } else if self.cap != other.cap {
            Decided::Cap
        } else if self.total != other.total {
            Decided::Total
        } else {
            Decided::FileOrder
        }
    }
}

/// The law data's citations of `rules`, as the sentence after the claim that rests on them
/// (after it, not in parentheses: a citation may carry a parenthesis of its own).
fn basis_of(rules: &[&str]) -> String {
    if rules.is_empty() {
        return String::new();
    }
    format!("依据：{}。", rules.iter().map(|r| options::citation(r)).collect::<Vec<_>>().join("；"))
}

/// Why each debt (in plan order, `keys` its order keys) comes where it does, in one line: the
/// part of the order key on which it differs from its neighbour — the next debt, or for the
/// last the one before it. A legal claim in it is followed by the citation of the law data's
/// rule that makes it; the caps compared are the audit's, whose basis the report gives.
fn why_here(case: &Case, debts: &[DebtPlan], keys: &[OrderKey]) -> Vec<String> {
    let name = |d: &DebtPlan| case.debt_name(&d.id);
    let pct = |k: &OrderKey| yuqi_money::format_rate_percent(k.cap.0, 2);
    // What makes a standing come first, and the rules that say so.
    let standing_first = |d: &DebtPlan| -> (&'static str, &'static [&'static str]) {
        match d.standing {
            Standing::Judgment => (
                "已有生效判决：不按判决还，要加倍付迟延履行期间的利息；有能力而拒不履行的，还会被列入失信名单",
                &["delay_interest", "shixin_conditions"],
            ),
            Standing::InLitigation => ("已经被起诉，先按法院文书上的期限应诉", &[]),
            _ => ("诉讼时效还在进行，对方可以起诉你", &["limitation_period"]),
        }
    };
    let active = |d: &DebtPlan| !d.standing.barred() && d.lawful_total.is_positive();
    debts
        .iter()
        .zip(keys)
        .enumerate()
        .map(|(i, (d, k))| {
            if d.standing.barred() {
                return format!(
                    "诉讼时效已经届满：你可以拒绝还款，不主动处理，排在最后。{}",
                    basis_of(&["limitation_expired_effect"])
                );
            }
            if !d.lawful_total.is_positive() {
                return "依法计算已经不欠钱了，不用再为它安排还款。".to_string();
            }
            let next = debts.iter().zip(keys).skip(i + 1).find(|(e, _)| active(e));
            let prev = debts.iter().zip(keys).take(i).rev().find(|(e, _)| active(e));
            match (prev, next) {
                (_, Some((n, nk))) => match k.decided(nk) {
                    Decided::Standing => {
                        let (claim, rules) = standing_first(d);
                        format!("{claim}，所以排在{}前面。{}", name(n), basis_of(rules))
                    }
                    Decided::Cap => format!(
                        "利率上限（见核算报告）年化 {}，比{}的 {} 高：同样的钱先还这笔，省下的利息最多。",
                        pct(k),
                        name(n),
                        pct(nk)
                    ),
                    Decided::Total => {
                        format!("利率上限和{}一样，这笔依法应还的钱更少，先还清就少一家催收。", name(n))
                    }
                    Decided::FileOrder => format!("和{}条件相同，按录入的顺序排。", name(n)),
                },
                (Some((p, pk)), None) => match pk.decided(k) {
                    Decided::Standing => {
                        let (claim, rules) = standing_first(p);
                        format!("{}的情况更急：{claim}。先处理它，再处理这笔。{}", name(p), basis_of(rules))
                    }
                    Decided::Cap => format!(
                        "利率上限（见核算报告）年化 {}，比{}的 {} 低，所以放在它后面。",
                        pct(k),
                        name(p),
                        pct(pk)
                    ),
                    Decided::Total => {
                        format!("利率上限和{}一样，这笔依法应还的钱更多，先还清小的那笔，再还这笔。", name(p))
                    }
                    Decided::FileOrder => format!("和{}条件相同，按录入的顺序排。", name(p)),
                },
                (None, None) => "要还的只有这一笔。".to_string(),
            }
        })
        .collect()
}

fn budget(case: &Case, audit: &CaseAudit, trace: &mut Vec<TraceStep>) -> Budget {
    let p = &case.person;
    let surplus = match (p.monthly_income, p.essential_expenses) {
        (Some(i), Some(e)) => Some(i - e),
        (Some(i), None) => Some(i),
        _ => None,
    };
    let reserve = surplus.filter(|s| s.is_positive()).map_or(Money::ZERO, |s| percent_floor(s, RESERVE_PERCENT));
    let from_income = surplus.map(|s| (s - reserve).max(Money::ZERO));
    // The borrower's own figure is a ceiling: a plan above what they say they can pay fails.
    let for_debts = match (from_income, p.monthly_available) {
        (Some(f), Some(a)) => Some(f.min(a.max(Money::ZERO))),
        (None, Some(a)) => Some(a.max(Money::ZERO)),
        (f, None) => f,
    };
    let mut step = TraceStep::new(
        "plan_budget",
        match (surplus, for_debts) {
            (Some(s), Some(f)) => format!(
                "月结余 {} 元，预留 {} 元，每月可用于还款 {} 元",
                s.to_grouped_string(),
                reserve.to_grouped_string(),
                f.to_grouped_string()
            ),
            (None, Some(f)) => format!("借款人自己估计每月能拿出 {} 元还款", f.to_grouped_string()),
            _ => "案例文件没有填写月收入：无法计算每月能还多少".to_string(),
        },
    );
    if let Some(i) = p.monthly_income {
        step = step.param(TraceParam::plain("月收入", format!("{} 元", i.to_grouped_string())));
    }
    if let Some(e) = p.essential_expenses {
        step = step.param(TraceParam::plain("必要开支", format!("{} 元", e.to_grouped_string())));
    }
    if let Some(a) = p.monthly_available {
        step = step
            .param(TraceParam::plain("自己估计每月能拿出", format!("{} 元（不超过这个数）", a.to_grouped_string())));
    }
    step = step.param(TraceParam::plain("应急预留比例", format!("{RESERVE_PERCENT}%（yuqi 的做法）")));
    trace.push(step.on(audit.as_of));
    Budget {
        monthly_income: p.monthly_income,
        essential_expenses: p.essential_expenses,
        dependants: p.dependants,
        savings: p.savings,
        available: p.monthly_available,
        surplus,
        reserve,
        for_debts,
        contract_monthly_due: audit.totals.monthly_due,
        planned_monthly: Money::ZERO,
    }
}

/// `m × pct / 100`, rounded down to the fen (the reserve never exceeds its share).
fn percent_floor(m: Money, pct: i64) -> Money {
    Money::from_fen(m.fen() * pct / 100)
}

/// `total × part / whole` rounded down to the fen; shares never add up to more than `total`.
fn share_of(total: Money, part: Money, whole: Money) -> Money {
    let fen = (i128::from(total.fen()) * i128::from(part.fen())) / i128::from(whole.fen());
    Money::from_fen(fen as i64)
}

/// `ceil(a / b)` for positive money amounts.
pub(crate) fn months_to_clear(balance: Money, monthly: Money) -> u32 {
    if !monthly.is_positive() || !balance.is_positive() {
        return 0;
    }
    let m = (balance.fen() + monthly.fen() - 1) / monthly.fen();
    u32::try_from(m).unwrap_or(u32::MAX)
}

/// `ceil(a / n)` to the fen: equal instalments that clear the balance (the last may be smaller).
pub(crate) fn per_month(balance: Money, months: u32) -> Money {
    if months == 0 {
        return balance;
    }
    let n = i64::from(months);
    Money::from_fen((balance.fen() + n - 1) / n)
}

/// A balance paid in equal instalments: `count − 1` of `each`, then `last`, which is what is left
/// (`0 < last ≤ each`), so that the figures a reader sees add up to the balance exactly, in fen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Instalments {
    pub count: u32,
    pub each: Money,
    pub last: Money,
}

impl Instalments {
    /// `balance` over at most `months`: each instalment is `balance ÷ count` rounded up to the
    /// fen ([`per_month`]), the last one pays the rest. Rounding up can make the last instalment
    /// unnecessary for a balance of a few fen over many months; then there are fewer of them,
    /// each again the balance divided by their number, so the rule printed stays true.
    pub fn of(balance: Money, months: u32) -> Instalments {
        if !balance.is_positive() || months == 0 {
            return Instalments { count: 1, each: balance, last: balance };
        }
        let mut count = months;
        let mut each = per_month(balance, count);
        // Strictly decreasing and at least 1: ends within `months` steps (in practice one).
        while months_to_clear(balance, each) < count {
            count = months_to_clear(balance, each);
            each = per_month(balance, count);
        }
        let last = balance - Money::from_fen(each.fen() * (i64::from(count) - 1));
        Instalments { count, each, last }
    }

    /// The sum of the instalments, which is the balance.
    pub fn total(&self) -> Money {
        Money::from_fen(self.each.fen() * (i64::from(self.count) - 1)) + self.last
    }

    /// `每月 801.04 元`, and `，最后一期 801.00 元` when the last one differs.
    pub fn amounts_zh(&self) -> String {
        format!("每月 {} 元{}", self.each.to_grouped_string(), self.last_zh())
    }

    /// `，最后一期 801.00 元` when the last instalment differs, else nothing.
    pub fn last_zh(&self) -> String {
        if self.last == self.each {
            String::new()
        } else {
            format!("，最后一期 {} 元", self.last.to_grouped_string())
        }
    }

    /// Why the last instalment differs, with the rounding rule, so that the figures add up for
    /// the reader; `None` when every instalment is the same.
    pub fn remainder_zh(&self, balance: Money) -> Option<String> {
        (self.last != self.each).then(|| {
            format!(
                "每月金额是 {} 元除以 {} 期、不足一分按一分算，所以最后一期只还余下的 {} 元：{} 元 × {} 期 + {} 元 = {} 元",
                balance.to_grouped_string(),
                self.count,
                self.last.to_grouped_string(),
                self.each.to_grouped_string(),
                self.count - 1,
                self.last.to_grouped_string(),
                self.total().to_grouped_string()
            )
        })
    }
}

fn debt_plan(
    debt: &Debt,
    audit: &DebtAudit,
    timeline: &DebtTimeline,
    priority: u32,
    share: Option<Money>,
    budget: &Budget,
    as_of: NaiveDate,
) -> Result<DebtPlan, PlanError> {
    let standing = Standing::of(&timeline.limitation.status);
    let lawful_low = audit.alternatives.iter().map(|s| s.supported_total).fold(audit.supported_total, |a, b| a.min(b));
    let creditor = timeline
        .assignment
        .as_ref()
        .map(|a| a.creditor_for_debtor.clone())
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| debt.lender.clone());

    let mut reasons = Vec::new();
    match standing {
        Standing::Judgment => reasons.push(
            "已有生效裁判：逾期不履行要加倍支付迟延履行期间的利息，并可能被列入失信名单、限制高消费（民事诉讼法第264条；失信规定第1条）。".to_string(),
        ),
        Standing::InLitigation => {
            reasons.push("已被起诉：先按传票和应诉通知书上的期限应诉，和解可以同时进行。".to_string())
        }
        Standing::Enforceable if !audit.supported_total.is_positive() => {
            reasons.push("依法计算已无欠款，不需要再安排还款。".to_string())
        }
        Standing::Enforceable => {
            if let Some(cap) = audit.cap_rate.filter(|c| c.is_sign_positive() && !c.is_zero()) {
                reasons.push(format!(
                    "时效仍在进行，对方可以起诉；依法利率上限为年化 {}，越早结清成本越低。",
                    yuqi_money::format_rate_percent(cap, 2)
                ));
            } else {
                reasons.push("时效仍在进行，对方可以起诉。".to_string());
            }
        }
        Standing::Expired => reasons.push(format!(
            "{}：你有拒绝履行的抗辩权，排在最后；不要主动承诺或还款（民法典第192条；时效规定第19条）。",
            timeline.limitation.status.label_zh()
        )),
        Standing::BeyondTwentyYears => {
            reasons.push(format!("{}，法院一般不予保护。", timeline.limitation.status.label_zh()))
        }
    }
    if matches!(debt.kind, LenderKind::Bank | LenderKind::CreditCard | LenderKind::ConsumerFinance)
        && !standing.barred()
    {
        reasons.push(format!(
            "持牌金融机构的逾期会报送征信；结清后不良记录保存{}后删除（征信业管理条例第16条）。",
            yuqi_law::law()
                .param_prose("credit.negative_record_years", audit.as_of)
                .map_or_else(|_| "法定期限".to_string(), |n| format!("{n}年"))
        ));
    }
    if matches!(debt.kind, LenderKind::Unlicensed) {
        // The claim is rule unlicensed_void's; its citation is the law data's. After the
        // sentence, not in parentheses: the citation carries a parenthesis of its own.
        let basis = options::citation("unlicensed_void");
        reasons.push(if debt.kind_presumed {
            format!(
                "从借款期限和费用看，出借人像是没有放贷资格：如果是这样，借款合同无效，只需返还实际到手的本金。依据：{basis}，见核算报告。"
            )
        } else {
            format!("出借人无放贷资格：借款合同无效，只需返还实际到手的本金。依据：{basis}，见核算报告。")
        });
    }

    let mut warnings = Vec::new();
    if let Some(x) = audit.excess.filter(|x| x.is_positive()) {
        warnings.push(format!(
            "对方主张的金额比依法最多支持的多 {} 元：先发《债务核实函》，要求逐项列明计算方式，不要按对方的数字还款。",
            x.to_grouped_string()
        ));
    }
    if let Some(a) = &timeline.assignment
        && !a.creditor_for_debtor.is_empty()
        && a.chain.iter().any(|l| matches!(l.binding, yuqi_timeline::assignment::Binding::NotBinding))
    {
        let unnotified: Vec<&str> = a
            .chain
            .iter()
            .filter(|l| matches!(l.binding, yuqi_timeline::assignment::Binding::NotBinding))
            .map(|l| l.to.as_str())
            .collect();
        warnings.push(format!(
            "向 {} 的债权转让没有通知你，对你不发生效力：目前只向 {} 还款才算数；向未通知你的受让人付款，可能不能消灭你的债务（民法典第546条）。",
            unnotified.join("、"),
            a.creditor_for_debtor
        ));
    }
    if let Some(a) = &timeline.assignment
        && let Some(l) =
            a.chain.iter().rev().find(|l| matches!(l.binding, yuqi_timeline::assignment::Binding::Disputed { .. }))
    {
        warnings.push(format!(
            "向 {} 的债权转让只由受让人通知，效力有争议（民法典第546条）：在受让人出示转让协议或原债权人书面确认之前，暂不向任何一方付款；确需付款的，只付到原债权人 {} 的对公账户。",
            l.to, l.from
        ));
    }
    warnings.push(
        "只向合同约定的或对方书面确认的对公账户还款，并保留凭证；不要转账到催收员的个人账户或二维码。".to_string(),
    );

    let options = options::for_debt(debt, audit, timeline, standing, share, budget, as_of)?;
    Ok(DebtPlan {
        id: debt.id.clone(),
        lender: debt.lender.clone(),
        platform: debt.platform.clone(),
        creditor,
        priority,
        why_here: String::new(),
        priority_reasons: reasons,
        standing,
        standing_label: timeline.limitation.status.label_zh(),
        cap_rate: audit.cap_rate,
        principal_lawful: audit.principal_lawful,
        lawful_total: audit.supported_total,
        lawful_low,
        lawful_if_offset: audit.if_offset,
        demanded: audit.demanded_total,
        demand_date: audit.demand_date,
        lawful_at_demand: audit.supported_at_demand,
        excess: audit.excess,
        monthly_share: share,
        options,
        warnings,
    })
}

fn case_warnings(debts: &[DebtPlan], budget: &Budget, audit: &CaseAudit) -> Vec<String> {
    let mut out = Vec::new();
    if debts.iter().any(|d| d.standing == Standing::Judgment) {
        out.push("有生效裁判的欠款：先联系法院执行部门或申请人协商执行和解，不要回避法院的通知。".to_string());
    }
    if let Some(f) = budget.for_debts
        && !f.is_positive()
    {
        out.push(
            "按你填写的收入和开支，每月没有余钱还款：先申请停息挂账和延期，说明困难；不要借新还旧（以贷养贷只会让总额变大）。"
                .to_string(),
        );
    }
    if !audit.stacking.is_empty() {
        out.push("有的借款借入时间与另一笔的还款时间相近，可能是借新还旧（以贷养贷）。计划只用你的收入还款，请不要再借新贷。".to_string());
    }
    if debts.iter().any(|d| d.standing.barred()) {
        out.push(
            "有时效已届满的欠款：任何还款承诺、部分还款、在催收通知上签字，都会让你失去时效抗辩（时效规定第19条）。和对方沟通时只说“请出示材料”，不要说“我会还”。"
                .to_string(),
        );
    }
    if budget.for_debts.is_none() {
        out.push("还没有填写月收入和必要开支：无法算出你每月能还多少，分期方案只列出了法定金额。".to_string());
    }
    out
}

fn steps(case: &Case, debts: &[DebtPlan], timeline: &CaseTimeline, rule_breaking_messages: bool) -> Vec<Step> {
    let mut steps = vec![Step {
        why: None,
        title: "今晚：不转账到个人账户，不签字，不承诺".to_string(),
        detail:
            "接到催收电话时可以说：“请把欠款明细和合同书面发给我，我核实后书面答复。”然后挂断。保留短信、录音和截图。"
                .to_string(),
        command: Some("yuqi evidence import 证据库目录 手机导出文件".to_string()),
    }];
    let need_verify: Vec<&DebtPlan> = debts
        .iter()
        .filter(|d| !d.standing.barred() && d.lawful_total.is_positive())
        .filter(|d| {
            d.excess.is_some_and(|x| x.is_positive())
                || d.creditor != d.lender
                || !d.warnings.iter().all(|w| w.starts_with("只向"))
        })
        .collect();
    if !need_verify.is_empty() {
        steps.push(Step {
            why: None,
            title: "要求核实债务".to_string(),
            detail: format!(
                "对 {} 发《债务核实函》：要求出示借款合同、放款凭证、债权转让通知和逐项计算。这封信不承认欠款，也不会让时效重新计算。",
                need_verify.iter().map(|d| case.debt_name(&d.id)).collect::<Vec<_>>().join("、")
            ),
            command: need_verify
                .first()
                .map(|d| format!("yuqi letter verification 案例文件 --debt {} --out 核实函.pdf", d.id)),
        });
    }
    let conduct = rule_breaking_messages
        || timeline.debts.iter().any(|d| d.findings.iter().any(|f| f.code == "time_barred_threat"))
        || case.debts.iter().any(|d| d.events.iter().any(|e| !e.note.trim().is_empty()));
    if conduct {
        steps.push(Step {
            why: None,
            title: "违规催收：留证、投诉".to_string(),
            detail: "威胁、辱骂、冒充公检法、联系家人同事的催收，可以向金融监管部门、互联网金融协会投诉；威胁人身安全、冒充国家机关的，可以向公安机关报案。".to_string(),
            command: Some("yuqi letter regulator 案例文件 --out 投诉书.pdf".to_string()),
        });
    }
    for d in debts.iter().filter(|d| !d.standing.barred()) {
        let best = d.options.iter().find(|o| o.recommended).or_else(|| d.options.first());
        let Some(o) = best else { continue };
        if o.kind == OptionKind::NothingOwed {
            steps.push(Step {
                why: None,
                title: format!("{}：不要再付款", case.debt_name(&d.id)),
                detail: o.detail.clone(),
                command: None,
            });
            continue;
        }
        let first = if need_verify.iter().any(|v| v.id == d.id) {
            "先寄核实函，收到书面答复（或寄出15日后仍无答复）再决定是否协商。"
        } else {
            ""
        };
        steps.push(Step {
            why: Some(d.why_here.clone()),
            title: format!("第 {} 优先：{}（{}）", d.priority, case.debt_name(&d.id), d.creditor),
            detail: format!("{first}{}", o.title),
            command: Some(format!("yuqi letter proposal 案例文件 --debt {} --out 协商申请.pdf", d.id)),
        });
    }
    for d in debts.iter().filter(|d| d.standing.barred()) {
        steps.push(Step {
            why: None,
            title: format!("{}：时效已届满，不主动处理", case.debt_name(&d.id)),
            detail: "不联系、不还款、不承诺、不在催收通知上签字；如对方起诉，在一审答辩中提出诉讼时效抗辩。"
                .to_string(),
            command: Some(format!("yuqi letter limitation 案例文件 --debt {} --out 时效抗辩.pdf", d.id)),
        });
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_never_exceed_the_total() {
        let total = Money::from_fen(100_001);
        let parts = [Money::from_fen(333), Money::from_fen(333), Money::from_fen(334)];
        let whole: Money = parts.iter().copied().sum();
        let sum: Money = parts.iter().map(|&p| share_of(total, p, whole)).sum();
        assert!(sum <= total);
        assert!(total - sum < Money::from_fen(3), "rounding loses at most a fen per share");
    }

    #[test]
    fn months_round_up() {
        assert_eq!(months_to_clear(Money::from_yuan(1000), Money::from_yuan(300)), 4);
        assert_eq!(months_to_clear(Money::from_yuan(900), Money::from_yuan(300)), 3);
        assert_eq!(per_month(Money::from_fen(1000), 3), Money::from_fen(334));
    }

    #[test]
    fn the_last_instalment_is_the_remainder_and_all_add_up() {
        // 11,214.50 over 14: 801.04 rounded up, 13 × 801.04 = 10,413.52, the last 800.98.
        let b = Money::from_fen(1_121_450);
        let i = Instalments::of(b, 14);
        assert_eq!(i, Instalments { count: 14, each: Money::from_fen(80_104), last: Money::from_fen(80_098) });
        assert_eq!(i.total(), b);
        assert_eq!(i.amounts_zh(), "每月 801.04 元，最后一期 800.98 元");
        let why = i.remainder_zh(b).expect("a remainder");
        assert!(why.contains("11,214.50 元除以 14 期、不足一分按一分算"), "{why}");
        assert!(why.ends_with("801.04 元 × 13 期 + 800.98 元 = 11,214.50 元"), "{why}");
        // An even split says nothing more.
        let even = Instalments::of(Money::from_yuan(1_200), 12);
        assert_eq!(
            (even.each, even.last, even.total()),
            (Money::from_yuan(100), Money::from_yuan(100), Money::from_yuan(1_200))
        );
        assert_eq!(even.amounts_zh(), "每月 100.00 元");
        assert_eq!(even.remainder_zh(Money::from_yuan(1_200)), None);
        // 5 fen over 4 months: 2 fen each would leave nothing for a fourth; three instalments.
        let tiny = Instalments::of(Money::from_fen(5), 4);
        assert_eq!(tiny, Instalments { count: 3, each: Money::from_fen(2), last: Money::from_fen(1) });
    }

    proptest::proptest! {
        /// The instalments add up to the balance exactly, the last is the only one that may
        /// differ and is positive and not larger, and each is the balance divided by their
        /// number rounded up to the fen — the rule the plan prints.
        #[test]
        fn instalments_add_up(fen in 1i64..100_000_000, months in 1u32..120) {
            let b = Money::from_fen(fen);
            let i = Instalments::of(b, months);
            proptest::prop_assert_eq!(i.total(), b);
            proptest::prop_assert!(i.count >= 1 && i.count <= months);
            proptest::prop_assert!(i.last.is_positive() && i.last <= i.each);
            proptest::prop_assert_eq!(i.each, per_month(b, i.count));
        }
    }
}

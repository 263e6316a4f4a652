//! Repayment schedules for every method a Chinese loan contract uses.
//!
//! Amounts are computed in decimals and rounded to the fen per instalment
//! (half away from zero); the last instalment absorbs the rounding residue so
//! that principal parts always add up to the principal exactly.

use chrono::NaiveDate;
use serde::Serialize;
use yuqi_case::{Debt, FeeTiming, Method, Period, Repayment, add_period};
use yuqi_money::{Decimal, Money, RatePer};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Installment {
    /// 1-based.
    pub index: u32,
    pub due: NaiveDate,
    pub principal: Money,
    pub interest: Money,
    pub fees: Money,
    /// Principal still owed after this instalment is paid.
    pub balance_after: Money,
}

impl Installment {
    pub fn total(&self) -> Money {
        self.principal + self.interest + self.fees
    }
}

/// The rate applied per repayment period, and how it was derived (for the trace).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeriodicRate {
    pub rate: Decimal,
    pub explanation: String,
}

/// The contractual rate per period of `period`.
pub fn periodic_rate(debt: &Debt, period: Period, days_per_year: Decimal) -> PeriodicRate {
    let r = &debt.rate;
    match period {
        Period::Month => {
            let rate = r.monthly_equivalent(days_per_year);
            let explanation = match r.per {
                RatePer::Month => format!("月利率 {}", pct(rate)),
                RatePer::Year => format!("年利率 {} ÷ 12 = 月利率 {}", pct(r.value), pct(rate)),
                RatePer::Day => format!("日利率 {} × {} ÷ 12 = 月利率 {}", pct(r.value), days_per_year, pct(rate)),
            };
            PeriodicRate { rate, explanation }
        }
        Period::Days(n) => {
            let rate = r.annual_equivalent(days_per_year) * Decimal::from(n) / days_per_year;
            PeriodicRate {
                rate,
                explanation: format!(
                    "年化 {} × {n} ÷ {days_per_year} = 每期利率 {}",
                    pct(r.annual_equivalent(days_per_year)),
                    pct(rate)
                ),
            }
        }
    }
}

fn pct(d: Decimal) -> String {
    yuqi_money::format_rate_percent(d, 4)
}

/// Periods per year for annualising a periodic rate (12 for months, 365/n for n days).
pub fn periods_per_year(period: Period, days_per_year: Decimal) -> Decimal {
    match period {
        Period::Month => Decimal::from(12),
        Period::Days(n) => days_per_year / Decimal::from(n),
    }
}

/// Per-period fees of a debt (charged with every instalment).
pub fn per_period_fees(debt: &Debt) -> Money {
    debt.fees.iter().filter(|f| f.timing == FeeTiming::PerPeriod).map(|f| debt.fee_amount(f)).sum()
}

/// The schedule the contract itself prescribes (on the contract principal).
pub fn contract_schedule(debt: &Debt, days_per_year: Decimal) -> Vec<Installment> {
    schedule_for_principal(debt, debt.principal, days_per_year)
}

/// The same repayment terms applied to another principal — e.g. the amount the
/// borrower actually received (民法典 670: interest computed on the actual amount).
pub fn schedule_for_principal(debt: &Debt, principal: Money, days_per_year: Decimal) -> Vec<Installment> {
    let fees = per_period_fees(debt);
    match &debt.repayment {
        Repayment::Method { method: Method::Bullet, period, first_due, .. } => {
            vec![bullet(debt, principal, *period, *first_due, fees, days_per_year)]
        }
        Repayment::Method { method, periods, period, first_due } => {
            let dues: Vec<NaiveDate> = (0..*periods).map(|k| add_period(*first_due, *period, k)).collect();
            let rate = periodic_rate(debt, *period, days_per_year).rate;
            generate(*method, principal, rate, &dues, fees)
        }
        Repayment::Explicit(rows) => scale_explicit(rows, debt.principal, principal),
    }
}

fn generate(method: Method, principal: Money, rate: Decimal, dues: &[NaiveDate], fees: Money) -> Vec<Installment> {
    let n = dues.len();
    let p = principal.to_yuan();
    let mut out = Vec::with_capacity(n);
    let mut balance = principal;
    let mut push = |i: usize, prin: Money, int: Money, balance: Money| {
        out.push(Installment {
            index: i as u32 + 1,
            due: dues[i],
            principal: prin,
            interest: int,
            fees,
            balance_after: balance,
        });
    };
    match method {
        Method::EqualInstallment => {
            let payment = if rate.is_zero() {
                Money::round_from_yuan(p / Decimal::from(n as u64))
            } else {
                Money::round_from_yuan(annuity_payment(p, rate, n))
            };
            for i in 0..n {
                let interest = Money::round_from_yuan(balance.to_yuan() * rate);
                let prin = if i + 1 == n { balance } else { (payment - interest).min(balance) };
                balance -= prin;
                push(i, prin, interest, balance);
            }
        }
        Method::EqualPrincipal | Method::Flat => {
            let part = Money::round_from_yuan(p / Decimal::from(n as u64));
            for i in 0..n {
                // 等本等息 charges every period on the original principal.
                let base = if method == Method::Flat { principal } else { balance };
                let interest = Money::round_from_yuan(base.to_yuan() * rate);
                let prin = if i + 1 == n { balance } else { part.min(balance) };
                balance -= prin;
                push(i, prin, interest, balance);
            }
        }
        Method::InterestFirst | Method::Bullet => {
            for i in 0..n {
                let interest = Money::round_from_yuan(balance.to_yuan() * rate);
                let prin = if i + 1 == n { balance } else { Money::ZERO };
                balance -= prin;
                push(i, prin, interest, balance);
            }
        }
    }
    out
}

/// The level payment of 等额本息: p·r·g / (g − 1) with g = (1 + r)ⁿ. At a very high rate g
/// leaves the range of a `Decimal` (年化100000% over 12 months once panicked here); g / (g − 1)
/// is then 1 to far below a fen, so the payment is the interest alone, p·r — what the formula
/// tends to. Ordinary rates keep the exact original order of operations (and so their fen).
fn annuity_payment(p: Decimal, rate: Decimal, n: usize) -> Decimal {
    let mut growth = Some(Decimal::ONE);
    for _ in 0..n {
        growth = growth.and_then(|g| g.checked_mul(Decimal::ONE + rate));
    }
    let exact = growth.and_then(|g| p.checked_mul(rate)?.checked_mul(g)?.checked_div(g - Decimal::ONE));
    exact.unwrap_or_else(|| p.saturating_mul(rate))
}

/// Whole months from `from` to `to` when `to` is exactly that many months later
/// (same day of month, or month-end clamping); `None` otherwise.
pub fn whole_months(from: NaiveDate, to: NaiveDate) -> Option<u32> {
    (1..=1200u32)
        .take_while(|m| add_period(from, Period::Month, *m) <= to)
        .find(|m| add_period(from, Period::Month, *m) == to)
}

/// One repayment of principal and interest at maturity. A term of whole months
/// earns the monthly rate per month (how contracts state it), a monthly rate over any other
/// term whole months and then days; any other rate the annual rate per day on the legal
/// day-count basis.
fn bullet(
    debt: &Debt,
    principal: Money,
    period: Period,
    maturity: NaiveDate,
    fees: Money,
    days_per_year: Decimal,
) -> Installment {
    let p = principal.to_yuan();
    let interest = match (period, whole_months(debt.contract_date, maturity)) {
        (Period::Month, Some(m)) => p * debt.rate.monthly_equivalent(days_per_year) * Decimal::from(m),
        // A monthly rate counts whole months, then the days left over (as the ledger does).
        _ if debt.rate.per == RatePer::Month => {
            p * debt.rate.annual_equivalent(days_per_year)
                * crate::engine::month_time(debt.contract_date, maturity, days_per_year)
        }
        _ => {
            let days = (maturity - debt.contract_date).num_days();
            p * debt.rate.annual_equivalent(days_per_year) * Decimal::from(days) / days_per_year
        }
    };
    Installment {
        index: 1,
        due: maturity,
        principal,
        interest: Money::round_from_yuan(interest),
        fees,
        balance_after: Money::ZERO,
    }
}

fn scale_explicit(rows: &[yuqi_case::ScheduleRow], contract: Money, actual: Money) -> Vec<Installment> {
    let ratio = if contract.is_zero() { Decimal::ONE } else { actual.to_yuan() / contract.to_yuan() };
    let scale = |m: Money| if actual == contract { m } else { Money::round_from_yuan(m.to_yuan() * ratio) };
    let total_principal: Money = rows.iter().map(|r| r.principal).sum();
    let target = if actual == contract { total_principal } else { scale(total_principal) };
    let mut balance = target;
    let n = rows.len();
    rows.iter()
        .enumerate()
        .map(|(i, r)| {
            let prin = if i + 1 == n { balance } else { scale(r.principal).min(balance) };
            balance -= prin;
            Installment {
                index: i as u32 + 1,
                due: r.due,
                principal: prin,
                interest: scale(r.interest),
                fees: r.fees,
                balance_after: balance,
            }
        })
        .collect()
}

//! A debt's contract terms: how it is repaid, what fees it carries and what it charges once
//! overdue. These are what the contract says, before any cap is applied.

use chrono::NaiveDate;
use yuqi_money::{Decimal, Money, RateInput};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// 等额本息
    EqualInstallment,
    /// 等额本金
    EqualPrincipal,
    /// 先息后本
    InterestFirst,
    /// 到期一次还本付息
    Bullet,
    /// 等本等息：每期利息按初始本金×每期费率
    Flat,
}

impl Method {
    pub fn code(self) -> &'static str {
        match self {
            Method::EqualInstallment => "equal_installment",
            Method::EqualPrincipal => "equal_principal",
            Method::InterestFirst => "interest_first",
            Method::Bullet => "bullet",
            Method::Flat => "flat",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Method::EqualInstallment => "等额本息",
            Method::EqualPrincipal => "等额本金",
            Method::InterestFirst => "先息后本",
            Method::Bullet => "到期一次还本付息",
            Method::Flat => "等本等息",
        }
    }

    pub fn from_text(s: &str) -> Option<Method> {
        let s = s.trim();
        [Method::EqualInstallment, Method::EqualPrincipal, Method::InterestFirst, Method::Bullet, Method::Flat]
            .into_iter()
            .find(|m| m.code() == s || m.label_zh() == s)
            .or(match s {
                "一次性还本付息" | "到期还本付息" | "一次还本付息" => Some(Method::Bullet),
                "先息后本（按月付息到期还本）" | "按月付息到期还本" => {
                    Some(Method::InterestFirst)
                }
                _ => None,
            })
    }
}

/// Length of one repayment period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    Month,
    Days(u32),
}

impl Period {
    pub fn label_zh(self) -> String {
        match self {
            Period::Month => "月".to_string(),
            Period::Days(7) => "周".to_string(),
            Period::Days(n) => format!("{n}天"),
        }
    }
}

/// How the contract says the loan is repaid.
#[derive(Debug, Clone, PartialEq)]
pub enum Repayment {
    /// A standard method; due dates every `period` from `first_due`. For a bullet
    /// loan `first_due` is the maturity date and the only due date.
    Method { method: Method, periods: u32, period: Period, first_due: NaiveDate },
    /// The schedule printed in the contract or the app.
    Explicit(Vec<ScheduleRow>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleRow {
    pub due: NaiveDate,
    pub principal: Money,
    pub interest: Money,
    /// Service/guarantee/other fees due with this instalment.
    pub fees: Money,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeeKind {
    Service,
    Guarantee,
    Membership,
    Insurance,
    Other,
}

impl FeeKind {
    pub fn label_zh(self) -> &'static str {
        match self {
            FeeKind::Service => "服务费",
            FeeKind::Guarantee => "担保费",
            FeeKind::Membership => "会员费",
            FeeKind::Insurance => "保险费",
            FeeKind::Other => "其他费用",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeeAmount {
    Fixed(Money),
    /// Fraction of the contract principal (0.01 = 1%).
    PercentOfPrincipal(Decimal),
}

impl FeeAmount {
    /// The fee in money on a loan of `principal` (a percentage rounded by the one rounding policy).
    pub fn on(self, principal: Money) -> Money {
        match self {
            FeeAmount::Fixed(m) => m,
            FeeAmount::PercentOfPrincipal(p) => Money::round_from_yuan(principal.to_yuan() * p),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeeTiming {
    /// Taken out of the loan before the money reached the borrower (砍头息).
    Deducted,
    /// Paid by the borrower on the day of disbursement.
    Upfront,
    /// Charged with every instalment.
    PerPeriod,
    /// Paid back to the lender (or someone it named) a few days after the money arrived —
    /// a kickback, which takes from the loan what a deduction would have.
    Kickback(chrono::NaiveDate),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Payee {
    Lender,
    /// A company related to the lender or designated by it.
    Affiliate,
    /// An independent guarantor or insurer.
    ThirdParty,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fee {
    pub name: String,
    pub kind: FeeKind,
    pub amount: FeeAmount,
    pub timing: FeeTiming,
    pub payee: Payee,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Penalty {
    /// A fixed 违约金 for each overdue instalment.
    Once(Money),
    /// A fraction of each overdue instalment, once.
    OncePercent(Decimal),
    /// A fraction of each overdue instalment, once, and at least this much ("5%，最低30元").
    OncePercentMin(Decimal, Money),
    /// A fraction of the overdue amount per day.
    DailyPercent(Decimal),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LateFee {
    PerDay(Money),
    /// Each period (month) an instalment stays overdue.
    PerPeriod(Money),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct OverdueTerms {
    /// The agreed overdue (penalty) interest rate.
    pub rate: Option<RateInput>,
    /// Bank style: contract rate plus this fraction (0.5 = +50%).
    pub markup: Option<Decimal>,
    /// Interest on unpaid interest at the overdue rate (复利).
    pub compound: bool,
    pub penalty: Option<Penalty>,
    pub late_fee: Option<LateFee>,
}

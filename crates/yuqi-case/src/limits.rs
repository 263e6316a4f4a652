//! The bounds every value of a case must keep so that the computation can always finish.
//!
//! These are not legal numbers (those live in the law data): they are the edges of what the
//! arithmetic can carry exactly. Money is an `i64` of fen and rates are `rust_decimal`s (at most
//! about 7.9 × 10²⁸); a case file that states a rate of 年化100000% or an amount of 10¹⁸ yuan once
//! made the audit panic on an overflow. Each bound is far beyond anything a real loan contains, so
//! a usurious contract — 1000 % a year, 日息1% — is still audited: that is exactly the borrower's
//! case. A value outside a bound is refused as an input error at its place in the file.

use chrono::NaiveDate;
use yuqi_money::{Decimal, Money, RateInput};

/// The largest amount a case may state: 1000亿元 (10¹¹ yuan, 10¹³ fen). No personal debt comes
/// near it, and it keeps every sum the ledger forms (all the payments of 80 000 debts; a century
/// of interest at [`MAX_ANNUAL_RATE_PERCENT`]) well inside an `i64` of fen (9.2 × 10¹⁸).
pub const MAX_AMOUNT_YUAN: i64 = 100_000_000_000;

/// The highest rate a case may state, per year: 10000 %. The worst contracts seen in practice
/// (砍头息 apps, 714 loans) quote at most a few thousand per cent a year; 10000 % lets all of them
/// through while keeping the compounding of a schedule (at most 600 periods) and a century of
/// simple interest on [`MAX_AMOUNT_YUAN`] inside a `Decimal`.
pub const MAX_ANNUAL_RATE_PERCENT: i64 = 10_000;

/// The longest year any day-count basis uses; a daily rate is annualised with it for the bound,
/// so that the bound holds whatever basis the law data later applies.
const LONGEST_YEAR_DAYS: i64 = 366;

/// The first and last dates a case may contain: 1800-01-01 to 2199-12-31. From when each rule
/// exists is the law data's to say (a contract of 1899 is refused by its look-ups, at the
/// contract date); this bound catches what no look-up sees — a typed 0001-01-01 or 9999-12-31 in
/// any date of the file. A date centuries ahead would also make the ledger step month by month
/// through millennia; 2199 leaves every real contract, judgment and limitation period room.
pub const FIRST_YEAR: i32 = 1800;
/// See [`FIRST_YEAR`].
pub const LAST_YEAR: i32 = 2199;

/// The largest amount as [`Money`].
pub fn max_amount() -> Money {
    Money::from_yuan(MAX_AMOUNT_YUAN)
}

/// The rate bound as a fraction per year (100 = 10000 %).
pub fn max_annual_rate() -> Decimal {
    Decimal::from(MAX_ANNUAL_RATE_PERCENT) / Decimal::ONE_HUNDRED
}

/// Whether `rate`, annualised on the longest year, exceeds [`MAX_ANNUAL_RATE_PERCENT`].
pub fn rate_too_high(rate: &RateInput) -> bool {
    rate.value
        .checked_mul(match rate.per {
            yuqi_money::RatePer::Year => Decimal::ONE,
            yuqi_money::RatePer::Month => Decimal::from(12),
            yuqi_money::RatePer::Day => Decimal::from(LONGEST_YEAR_DAYS),
        })
        .is_none_or(|annual| annual > max_annual_rate())
}

/// Whether `date` lies within [`FIRST_YEAR`]..=[`LAST_YEAR`].
pub fn date_in_range(date: NaiveDate) -> bool {
    use chrono::Datelike;
    (FIRST_YEAR..=LAST_YEAR).contains(&date.year())
}

/// The message for an amount above [`MAX_AMOUNT_YUAN`].
pub fn amount_message() -> String {
    "金额超过 1000亿元，超出本工具可计算的范围；请核对是否多写了位数".to_string()
}

/// The message for a rate above [`MAX_ANNUAL_RATE_PERCENT`].
pub fn rate_message() -> String {
    format!(
        "利率折合年化超过 {MAX_ANNUAL_RATE_PERCENT}%，超出本工具可计算的范围；请核对是否多写了位数（年化1000%这样的高利率仍可计算）"
    )
}

/// The message for a date outside [`FIRST_YEAR`]..=[`LAST_YEAR`].
pub fn date_message(date: NaiveDate) -> String {
    format!("日期 {date} 超出本工具可处理的范围（{FIRST_YEAR}年至{LAST_YEAR}年）；请核对日期")
}

//! Exact money and interest rates.
//!
//! Money is an integer number of fen (分, 0.01 yuan). Nothing in yuqi stores or
//! compares money as a float. Intermediate accruals that need more precision
//! are carried as [`rust_decimal::Decimal`] and brought back to fen only through
//! [`Money::round_from_yuan`], which applies the one rounding policy the reports
//! print ([`ROUNDING_POLICY_ZH`]).
//!
//! Rates are kept in the form the user met them (annual, monthly, daily,
//! flat per period) together with the original text, because the legal caps are
//! annual and the conversion from a daily rate depends on a day-count basis
//! that is itself a legal parameter (docs/law/open-questions.md Q5), not a constant of this
//! crate.

mod money;
mod rate;

pub use money::{Money, MoneyError, ROUNDING_POLICY_EN, ROUNDING_POLICY_ZH};
pub use rate::{RateError, RateInput, RatePer, format_rate_percent};
pub use rust_decimal::{Decimal, RoundingStrategy};

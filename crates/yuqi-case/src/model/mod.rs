//! The case model. Plain data: no parsing, no I/O, no computation.
//!
//! This file holds the case itself, the person and the risk screen; each debt's parts live in
//! their own files (`debt`, `terms`, `events`, `lender`) and are re-exported here, so callers
//! name every type as `yuqi_case::X`.

mod debt;
mod events;
mod lender;
mod terms;

pub use debt::*;
pub use events::*;
pub use lender::*;
pub use terms::*;

use chrono::NaiveDate;
use yuqi_money::Money;

#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub title: String,
    /// Date the figures are computed for; `None` means "today", decided by the caller.
    pub as_of: Option<NaiveDate>,
    /// The (real or hypothetical) date a suit is filed. Private-lending rules pick the
    /// LPR "at the time of filing" for old contracts (规定 31).
    pub filing_date: Option<NaiveDate>,
    pub person: Person,
    pub screen: Screen,
    pub debts: Vec<Debt>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    pub city: Option<String>,
    pub phone: Option<String>,
    pub monthly_income: Option<Money>,
    pub essential_expenses: Option<Money>,
    pub dependants: Option<u32>,
    /// Money that could go to a one-off settlement now (存款、可借到的亲友资金不算).
    pub savings: Option<Money>,
    /// Postal address for letters.
    pub address: Option<String>,
    /// 身份证号, only for letters that institutions cannot process without it.
    pub id_number: Option<String>,
    /// The borrower's own account of the hardship, quoted in a repayment proposal.
    pub hardship: Option<String>,
}

/// The borrower's answers to the criminal-risk screen (docs/law/enforcement.md §1, §5). `None` =
/// not answered; the explanation then says what would matter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Screen {
    pub false_identity: Option<bool>,
    pub fake_documents: Option<bool>,
    pub absconded: Option<bool>,
    pub hid_assets: Option<bool>,
}

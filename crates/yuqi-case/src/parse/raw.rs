//! The case file as serde reads it: every leaf is a spanned TOML value, so the TOML parser
//! reports syntax errors, unknown keys and wrong nesting with positions before any checks run.

use serde::Deserialize;
use toml::{Spanned, Value};

pub(super) type Field = Option<Spanned<Value>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFile {
    pub(super) version: Field,
    pub(super) case: Option<Spanned<RawCase>>,
    pub(super) person: Option<Spanned<RawPerson>>,
    pub(super) screen: Option<Spanned<RawScreen>>,
    #[serde(default)]
    pub(super) debt: Vec<Spanned<RawDebt>>,
    #[serde(default)]
    pub(super) unknown_balance: Vec<Spanned<RawUnknownBalance>>,
}

/// A debt whose amount the borrower does not know yet (`[[unknown_balance]]`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawUnknownBalance {
    pub(super) id: Field,
    pub(super) lender: Field,
    pub(super) kind: Field,
    pub(super) platform: Field,
    pub(super) note: Field,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawScreen {
    pub(super) false_identity: Field,
    pub(super) fake_documents: Field,
    pub(super) absconded: Field,
    pub(super) hid_assets: Field,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEvent {
    pub(super) date: Field,
    pub(super) kind: Field,
    pub(super) channel: Field,
    pub(super) by: Field,
    pub(super) reached: Field,
    pub(super) reached_date: Field,
    pub(super) end: Field,
    pub(super) deadline: Field,
    pub(super) amount: Field,
    pub(super) note: Field,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAssignment {
    pub(super) date: Field,
    pub(super) from: Field,
    pub(super) to: Field,
    pub(super) to_kind: Field,
    pub(super) notice_by: Field,
    pub(super) notice_reached: Field,
    pub(super) notice_channel: Field,
    pub(super) pilot: Field,
    pub(super) note: Field,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOpening {
    pub(super) date: Field,
    pub(super) principal: Field,
    pub(super) interest: Field,
    pub(super) overdue: Field,
    pub(super) by: Field,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCredit {
    pub(super) reported: Field,
    pub(super) prior_notice: Field,
    pub(super) settled: Field,
    pub(super) overdue_start: Field,
    pub(super) overdue_amount: Field,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCase {
    pub(super) title: Field,
    pub(super) as_of: Field,
    pub(super) filing_date: Field,
    pub(super) note: Field,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPerson {
    pub(super) name: Field,
    pub(super) city: Field,
    pub(super) phone: Field,
    pub(super) monthly_income: Field,
    pub(super) essential_expenses: Field,
    pub(super) dependants: Field,
    pub(super) savings: Field,
    pub(super) monthly_available: Field,
    pub(super) address: Field,
    pub(super) id_number: Field,
    pub(super) hardship: Field,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDebt {
    pub(super) id: Field,
    pub(super) lender: Field,
    pub(super) kind: Field,
    pub(super) platform: Field,
    pub(super) original_lender: Field,
    pub(super) original_kind: Field,
    pub(super) assignee_kind: Field,
    pub(super) contract_date: Field,
    pub(super) principal: Field,
    pub(super) received: Field,
    pub(super) rate: Field,
    pub(super) rate_source: Field,
    pub(super) interest_total: Field,
    pub(super) disbursed: Field,
    pub(super) method: Field,
    pub(super) periods: Field,
    pub(super) period: Field,
    pub(super) first_due: Field,
    pub(super) no_term: Field,
    pub(super) kind_presumed: Field,
    pub(super) day_count: Field,
    pub(super) note: Field,
    #[serde(default)]
    pub(super) schedule: Vec<Spanned<RawScheduleRow>>,
    #[serde(default)]
    pub(super) event: Vec<Spanned<RawEvent>>,
    #[serde(default)]
    pub(super) assignment: Vec<Spanned<RawAssignment>>,
    pub(super) credit: Option<Spanned<RawCredit>>,
    pub(super) opening: Option<Spanned<RawOpening>>,
    pub(super) recourse: Option<Spanned<RawRecourse>>,
    pub(super) claim: Option<Spanned<RawClaim>>,
    pub(super) judgment: Option<Spanned<RawJudgment>>,
    #[serde(default)]
    pub(super) fee: Vec<Spanned<RawFee>>,
    pub(super) overdue: Option<Spanned<RawOverdue>>,
    #[serde(default)]
    pub(super) payment: Vec<Spanned<RawPayment>>,
    pub(super) demand: Option<Spanned<RawDemand>>,
    pub(super) card: Option<Spanned<RawCard>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawScheduleRow {
    pub(super) due: Field,
    pub(super) principal: Field,
    pub(super) interest: Field,
    pub(super) fees: Field,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawJudgment {
    pub(super) effective: Field,
    pub(super) deadline: Field,
    pub(super) principal: Field,
    pub(super) interest: Field,
    pub(super) costs: Field,
    pub(super) rate: Field,
    pub(super) base: Field,
    pub(super) from: Field,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawClaim {
    pub(super) rate: Field,
    pub(super) overdue_rate: Field,
    pub(super) markup: Field,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRecourse {
    pub(super) date: Field,
    pub(super) paid: Field,
    pub(super) principal: Field,
    pub(super) rate: Field,
    pub(super) owed: Field,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFee {
    pub(super) date: Field,
    pub(super) name: Field,
    pub(super) kind: Field,
    pub(super) amount: Field,
    pub(super) percent: Field,
    pub(super) timing: Field,
    pub(super) payee: Field,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOverdue {
    pub(super) rate: Field,
    pub(super) markup: Field,
    pub(super) compound: Field,
    pub(super) penalty: Field,
    pub(super) late_fee: Field,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPayment {
    pub(super) date: Field,
    pub(super) amount: Field,
    pub(super) note: Field,
    pub(super) to: Field,
    pub(super) auto_debit: Field,
    pub(super) applies_to: Field,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDemand {
    pub(super) date: Field,
    pub(super) amount: Field,
    pub(super) by: Field,
    pub(super) principal: Field,
    pub(super) interest: Field,
    pub(super) overdue: Field,
    pub(super) fees: Field,
    pub(super) other: Field,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCard {
    pub(super) interest_on_fees: Field,
    pub(super) installment_months: Field,
}

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
    /// Debts the borrower has but cannot yet say how much he owes on (a credit card whose
    /// balance he has not looked up): nothing can be computed for them, so they are not among
    /// `debts`, but every report lists them, so that none is left out in silence.
    pub unknown_balance: Vec<UnknownBalance>,
}

/// A debt whose balance is not known (`[[unknown_balance]]`): who it is owed to, and what to
/// look up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownBalance {
    pub id: String,
    pub lender: String,
    pub kind: LenderKind,
    pub platform: Option<String>,
    /// Where the balance can be found, in the borrower's words.
    pub note: Option<String>,
}

impl UnknownBalance {
    /// The name the borrower knows it by (the app's, else the lender's), as for a debt.
    pub fn name(&self) -> String {
        match self.platform.as_deref().map(str::trim) {
            Some(p) if !p.is_empty() => p.to_string(),
            _ => self.lender.clone(),
        }
    }
}

impl Case {
    /// The name a borrower knows a debt by: the app's name if the case gives one, else the
    /// lender's; when two debts would share a name, each gets its place among them ("（第2笔）").
    /// Ids are the case file's keys and never shown on borrower pages. An unknown id is
    /// returned as it is.
    pub fn debt_name(&self, id: &str) -> String {
        let Some(debt) = self.debts.iter().find(|d| d.id == id) else {
            return id.to_string();
        };
        let base = debt.short_name();
        let same: Vec<&Debt> = self.debts.iter().filter(|d| d.short_name() == base).collect();
        if same.len() < 2 {
            return base;
        }
        let n = same.iter().position(|d| d.id == id).map_or(1, |i| i + 1);
        format!("{base}（第{n}笔）")
    }
}

/// What the guided interview writes as the lender when the borrower cannot name it ("极速贷的
/// 出借方", "第1笔借款的出借方"): a stand-in, not a name. Letters leave the lender blank for it
/// instead of quoting it as what was recorded.
pub fn stand_in_lender(whose: &str) -> String {
    format!("{whose}{STAND_IN}")
}

/// Whether a lender's name is the interview's stand-in (see [`stand_in_lender`]).
pub fn is_stand_in_lender(name: &str) -> bool {
    name.trim().ends_with(STAND_IN)
}

const STAND_IN: &str = "的出借方";

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
    /// What the borrower says they can put towards debts each month, when they cannot say their
    /// income and expenses (the triage and the interview ask it in these words).
    pub monthly_available: Option<Money>,
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

#[cfg(test)]
mod tests {
    use crate::parse_case;

    #[test]
    fn debts_are_named_as_the_borrower_knows_them() {
        let src = "version = 1\n\
            [[debt]]\nid = \"a\"\nlender = \"某科技\"\nplatform = \"极速钱包\"\nkind = \"unlicensed\"\ncontract_date = 2026-08-01\nprincipal = 3000\nmethod = \"bullet\"\nperiods = 1\n\
            [[debt]]\nid = \"b\"\nlender = \"某银行\"\nkind = \"bank\"\ncontract_date = 2025-01-01\nprincipal = 1000\nrate = \"年化10%\"\nmethod = \"bullet\"\nperiods = 1\n\
            [[debt]]\nid = \"c\"\nlender = \"某银行\"\nkind = \"bank\"\ncontract_date = 2025-02-01\nprincipal = 2000\nrate = \"年化10%\"\nmethod = \"bullet\"\nperiods = 1\n";
        let case = parse_case(src, "t.toml").expect("case");
        assert_eq!(case.debt_name("a"), "极速钱包");
        assert_eq!(case.debt_name("b"), "某银行（第1笔）");
        assert_eq!(case.debt_name("c"), "某银行（第2笔）");
        assert_eq!(case.debt_name("zz"), "zz");
    }
}

//! The second figure beside "依法最多支持": what is left if the charges already paid above the
//! cap are set against principal. Under the 2020 private-lending rules, and for financial
//! lenders, whether a court offsets them or leaves them paid is not settled
//! (docs/law/open-questions.md Q4, rule `over_cap_paid_offset`). The summary, the timeline's risk
//! line, the plan, the letters and the exhibit all take this figure and its words from here, so
//! that the same two amounts are called the same thing everywhere.

use serde::Serialize;
use yuqi_money::Money;

use super::ScenarioResult;

/// The headline's name for the primary lawful total.
pub const SUPPORTED_ZH: &str = "依法最多支持";
/// The condition under which the second figure holds, as the borrower reads it.
pub const IF_OFFSET_ZH: &str = "若已多付的利息、费用抵作本金";
/// Why both are shown.
pub const UNSETTLED_ZH: &str = "法院做法不一";

/// The primary result keeps over-cap charges already paid; this is the result that offsets them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct IfOffset {
    /// Charges paid above the cap that the primary result leaves paid.
    pub over_cap_paid: Money,
    /// The lawful total when they are set against principal.
    pub supported_total: Money,
}

impl IfOffset {
    /// The primary's offsetting twin (`financial_24` → `financial_24_offset`), when the primary
    /// keeps some over-cap payment and the twin comes out lower. A primary that already offsets
    /// (private lending) has none; neither has the 2015 band a borrower may not reclaim, which is
    /// the law there, not a dispute.
    pub fn of(lawful: &ScenarioResult, alternatives: &[ScenarioResult]) -> Option<IfOffset> {
        if !lawful.ledger.over_cap_paid.is_positive() {
            return None;
        }
        let twin = format!("{}_offset", lawful.id);
        alternatives
            .iter()
            .find(|s| s.id == twin)
            .filter(|s| s.supported_total < lawful.supported_total)
            .map(|s| IfOffset { over_cap_paid: lawful.ledger.over_cap_paid, supported_total: s.supported_total })
    }

    /// "若已多付的利息、费用抵作本金，最多为 1,234.00 元；法院做法不一" — the clause the
    /// borrower's own reports set beside the primary figure, with `amount` as the text shows
    /// amounts (spaced ` 1,234.00 元`).
    pub fn clause_zh(amount: &str) -> String {
        format!("{IF_OFFSET_ZH}，最多为{amount}；{UNSETTLED_ZH}")
    }

    /// The same condition and figure as a letter to a court or a creditor states it: without
    /// "法院做法不一", which would argue against the borrower's own request.
    pub fn letter_zh(amount: &str) -> String {
        format!("{IF_OFFSET_ZH}，最多为{amount}")
    }

    /// The same clause with this figure, spaced as reports write amounts (` x 元`).
    pub fn clause(&self) -> String {
        Self::clause_zh(&format!(" {} 元", self.supported_total.to_grouped_string()))
    }

    /// A table row's name for the second figure in the exhibit, which goes to court.
    pub fn row_zh_court() -> String {
        IF_OFFSET_ZH.to_string()
    }

    /// A table row's name for the second figure in his own reports (the overview, the audit);
    /// the exhibit, which goes to court with the defence that asks for the offset, uses
    /// [`IfOffset::row_zh_court`], without "法院做法不一".
    pub fn row_zh() -> String {
        format!("{IF_OFFSET_ZH}（{UNSETTLED_ZH}）")
    }
}

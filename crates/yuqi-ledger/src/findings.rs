//! Findings: what the audit found worth telling the borrower, each with a stable
//! code, its legal basis and whether the point is disputed.

use serde::Serialize;
use yuqi_law::{RuleKind, law};
use yuqi_money::Money;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Context the reader should know.
    Info,
    /// Something to check or act on.
    Warning,
    /// The lender claims or charged more than the law supports.
    Violation,
}

impl Severity {
    pub fn label_zh(self) -> &'static str {
        match self {
            Severity::Info => "提示",
            Severity::Warning => "注意",
            Severity::Violation => "超出法律支持",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Stable identifier (snake_case), see docs/findings.md.
    pub code: &'static str,
    pub severity: Severity,
    pub title: String,
    pub detail: String,
    /// The rule applied.
    pub rule: &'static str,
    /// Human-readable citations of the rule's articles.
    pub basis: Vec<String>,
    /// The point is unsettled in court practice.
    pub disputed: bool,
    pub amount: Option<Money>,
}

impl Finding {
    pub fn new(
        code: &'static str,
        severity: Severity,
        rule: &'static str,
        title: impl Into<String>,
        detail: impl Into<String>,
    ) -> Finding {
        let r = law().rule(rule).unwrap_or_else(|e| panic!("finding names a rule missing from rules.toml: {e}"));
        Finding {
            code,
            severity,
            title: title.into(),
            detail: detail.into(),
            rule: r.id,
            basis: law().citation_labels_grouped(&r.cites),
            disputed: r.kind == RuleKind::Practice,
            amount: None,
        }
    }

    pub fn amount(mut self, m: Money) -> Finding {
        self.amount = Some(m);
        self
    }

    pub fn disputed(mut self, yes: bool) -> Finding {
        self.disputed = yes;
        self
    }
}

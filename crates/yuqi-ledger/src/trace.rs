//! The explanation that comes with every number: which rule, which parameter,
//! which date, which citation.

use chrono::NaiveDate;
use serde::Serialize;
use yuqi_law::{Citation, ParamAt, law};
use yuqi_money::Money;

/// A parameter value used by a step.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TraceParam {
    pub name: String,
    pub value: String,
    /// The date that selected the value (contract date, filing date…), if any.
    pub chosen_by: Option<String>,
    pub citation: Option<Citation>,
    pub citation_label: Option<String>,
}

impl TraceParam {
    pub fn plain(name: impl Into<String>, value: impl Into<String>) -> TraceParam {
        TraceParam { name: name.into(), value: value.into(), chosen_by: None, citation: None, citation_label: None }
    }

    /// A legal parameter looked up in the law data, with why that date was used.
    pub fn legal(p: &ParamAt, shown: impl Into<String>, chosen_by: impl Into<String>) -> TraceParam {
        TraceParam {
            name: p.label.to_string(),
            value: shown.into(),
            chosen_by: Some(chosen_by.into()),
            citation_label: Some(p.citation.label()),
            citation: Some(p.citation.clone()),
        }
    }

    pub fn cited(
        name: impl Into<String>,
        value: impl Into<String>,
        chosen_by: Option<String>,
        citation: Citation,
    ) -> TraceParam {
        TraceParam {
            name: name.into(),
            value: value.into(),
            chosen_by,
            citation_label: Some(citation.label()),
            citation: Some(citation),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TraceStep {
    /// Rule id from `rules.toml`.
    pub rule: &'static str,
    pub rule_title: &'static str,
    /// What was done, in Chinese.
    pub detail: String,
    pub date: Option<NaiveDate>,
    pub params: Vec<TraceParam>,
    pub amount: Option<Money>,
    pub citations: Vec<String>,
}

impl TraceStep {
    /// A step applying `rule` (which must exist in the law data).
    pub fn new(rule: &'static str, detail: impl Into<String>) -> TraceStep {
        let r = law().rule(rule).unwrap_or_else(|e| panic!("trace names a rule missing from rules.toml: {e}"));
        TraceStep {
            rule: r.id,
            rule_title: r.title,
            detail: detail.into(),
            date: None,
            params: Vec::new(),
            amount: None,
            citations: law().citation_labels_grouped(&r.cites),
        }
    }

    pub fn on(mut self, date: NaiveDate) -> TraceStep {
        self.date = Some(date);
        self
    }

    pub fn param(mut self, p: TraceParam) -> TraceStep {
        self.params.push(p);
        self
    }

    pub fn amount(mut self, m: Money) -> TraceStep {
        self.amount = Some(m);
        self
    }
}

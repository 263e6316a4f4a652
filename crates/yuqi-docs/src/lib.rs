//! Letters and the case dossier.
//!
//! Everything here builds a [`doc::Doc`]: a format-neutral document (headings, paragraphs of
//! typed inlines, tables, SVG figures). The shells write it as PDF (typst), DOCX, Markdown or
//! HTML (`yuqi-render`). An inline that states something about the case is a
//! [`doc::Inline::Fact`] naming its [`doc::Source`]: a case-file field, a computation rule, an
//! evidence item or the date of writing. A fact the case file does not give becomes a
//! [`doc::Inline::Blank`] for the user, never a guess: that is the invariant the letter tests
//! check.
//!
//! Pure: no I/O and no clock; the caller passes the date of writing and whatever it read from
//! the evidence store.

pub mod channels;
pub mod charts;
pub mod contacts;
pub mod doc;
pub mod dossier;
pub mod exhibit;
pub mod facts;
pub mod glossary;
pub mod legal;
pub mod letters;
pub mod rates;
pub mod reassure;
pub mod scope;
pub mod sections;

use chrono::NaiveDate;
use serde::Serialize;
use yuqi_case::Case;
use yuqi_ledger::CaseAudit;
use yuqi_plan::Plan;
use yuqi_timeline::CaseTimeline;

pub use contacts::Contact;
pub use doc::{Block, Doc, Inline, Source};
pub use letters::{LetterError, LetterKind, LetterOptions, letter};
pub use sections::{Section, SectionOptions};

/// One row of the evidence index (read from the store by the shell).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvidenceRow {
    pub seq: u64,
    pub kind: String,
    pub time: Option<String>,
    pub counterpart: Option<String>,
    pub codes: Vec<String>,
    pub sha256: String,
}

/// What the evidence store holds, as far as a document needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvidenceIndex {
    pub total: u64,
    pub chain_head: Option<String>,
    /// The result of verifying the store just before, when the shell ran it.
    pub verified: Option<bool>,
    pub rows: Vec<EvidenceRow>,
}

/// Everything a letter or the dossier is built from.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    pub case: &'a Case,
    pub audit: &'a CaseAudit,
    pub timeline: &'a CaseTimeline,
    pub plan: &'a Plan,
    /// Collection contacts with their conduct hits (case-file notes and imported messages).
    pub contacts: &'a [Contact],
    pub evidence: Option<&'a EvidenceIndex>,
    /// The date the document is written (printed under the signature).
    pub today: NaiveDate,
}

/// One debt with its audit, timeline and plan, found by the debt's id.
#[derive(Debug, Clone, Copy)]
pub struct DebtParts<'a> {
    pub debt: &'a yuqi_case::Debt,
    pub audit: &'a yuqi_ledger::DebtAudit,
    pub timeline: &'a yuqi_timeline::DebtTimeline,
    /// Every debt the planner saw has a plan; `None` only if the plan was computed for another
    /// case.
    pub plan: Option<&'a yuqi_plan::DebtPlan>,
}

impl<'a> Inputs<'a> {
    /// Every debt of the case with its results, in the case file's order. The audit and the
    /// timeline are computed per debt from the case, so each debt has both; they are paired by
    /// id, not by position, so that a reordering anywhere cannot mix two debts' figures.
    pub fn debts(&self) -> Vec<DebtParts<'a>> {
        self.case.debts.iter().filter_map(|d| self.parts(d)).collect()
    }

    /// One debt's results by id.
    pub fn debt(&self, id: &str) -> Option<DebtParts<'a>> {
        self.case.debts.iter().find(|d| d.id == id).and_then(|d| self.parts(d))
    }

    fn parts(&self, debt: &'a yuqi_case::Debt) -> Option<DebtParts<'a>> {
        Some(DebtParts {
            debt,
            audit: self.audit.debts.iter().find(|a| a.id == debt.id)?,
            timeline: self.timeline.debts.iter().find(|t| t.id == debt.id)?,
            plan: self.plan.debts.iter().find(|p| p.id == debt.id),
        })
    }
}

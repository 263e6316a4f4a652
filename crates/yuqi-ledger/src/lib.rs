//! What a borrower really owes.
//!
//! Given a [`yuqi_case::Case`] and the law data of [`yuqi_law`], this crate
//! generates repayment schedules, computes the real annual cost of each loan
//! (IRR and XIRR over every fee), decides which interest caps apply on which
//! dates (with the alternatives where the law is unsettled), runs a day-count
//! ledger of what the contract claims against what the law allows, applies
//! payments in the lawful order, and compares the result with what the collector
//! demands. Every figure comes with a [`trace::TraceStep`] trail naming rule,
//! parameter, date and citation.
//!
//! Pure: no I/O, no clock. The caller supplies the as-of date.

pub mod apr;
pub mod audit;
pub mod caps;
pub mod engine;
pub mod findings;
pub mod irr;
pub mod schedule;
pub mod stacking;
pub mod synth;
pub mod trace;
pub mod validate;

pub use audit::{AuditError, AuditOptions, CaseAudit, DebtAudit, ScenarioResult, audit_case, audit_debt};
pub use findings::{Finding, Severity};
pub use validate::{InputError, InputErrors, InputProblem, validate};

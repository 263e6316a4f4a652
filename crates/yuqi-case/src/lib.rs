//! The yuqi case file: who the borrower is, what they borrowed, what they paid and
//! what the collector now demands.
//!
//! [`parse_case`] reads the TOML format documented in `docs/case-file.md` into the
//! plain [`Case`] model. Every error names the file, line and column (counted in
//! characters, as editors show them) and all problems are reported together, so a
//! user fixes a file in one pass. The model knows nothing about TOML: later
//! importers (evidence, web forms) build the same types.

mod channel;
mod error;
pub mod limits;
mod model;
mod parse;

pub use channel::Channel;
pub use error::{CaseError, CaseErrors, CaseField, CaseSpans};
pub use model::*;
pub use parse::{add_period, parse_case, parse_case_file, parse_case_spanned, read_case_file};

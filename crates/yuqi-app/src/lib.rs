//! The case pipeline, written once for every shell.
//!
//! "Merge the confirmed demands → audit → timeline → plan → collection contacts → evidence
//! index" used to be written out in the CLI, the web app and three test harnesses, and the
//! copies drifted apart. Here it is one function, [`compute`], from a [`CaseInput`] and explicit
//! [`Dates`] to a [`Computed`] case. Nothing in it reads a file or the clock: the shells read
//! the case, the evidence store and message files through a [`World`] (in the spirit of typst's
//! `World`), decide what "today" is, and call [`run`].
//!
//! Debts are paired with their audit, timeline and plan by id ([`Computed::debts`]), never by
//! position in parallel vectors.

mod dates;
mod error;
pub mod interview;
mod pipeline;
mod world;

pub use dates::Dates;
pub use error::AppError;
pub use pipeline::{CaseInput, Computed, DebtResult, compute, run, validate};
pub use world::{Confirmed, EvidenceSnapshot, StoreWorld, StoredAt, World, WorldError, snapshot};

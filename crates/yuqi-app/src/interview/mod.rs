//! The guided interview: what a borrower knows, asked one question at a time in the words he
//! knows, and the case file it makes.
//!
//! Pure: the web app stores [`Answers`] (as JSON beside the case) and shows the [`Question`]s;
//! [`build`] turns the answers into a case file. Every question may be answered "不记得": the
//! case file is built from what is known, and [`Built`] says what could not be computed because
//! of an unknown and what was assumed instead, so the results can say it too.

mod answers;
mod build;
mod card;
mod questions;
mod steps;

pub use answers::{Answers, DebtAnswers, Hints, NONE_PAID, UNKNOWN};
pub use build::{Built, build};
pub use questions::{Choice, Field, FieldKind, Question};
pub use steps::{Q, Step};

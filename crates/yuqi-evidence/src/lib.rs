//! Keep the evidence: the pure part of the evidence store.
//!
//! * [`import`] — streaming importers for real phone exports (SMS Backup & Restore XML,
//!   call-log CSV, WeChat exports, imessage-exporter text, generic CSV) and plain files
//!   (images, recordings, PDFs) with their metadata. Importers read from any `BufRead`, hand
//!   each record to a callback and keep nothing, so memory stays constant.
//! * [`digest`] — SHA-256 and SM3 (SF/T 0076-2020 practice) of every item.
//! * [`chain`] — the hash-chained log entry: its canonical bytes and hash.
//! * [`package`] — the evidence package (zip): writing it and checking it.
//! * [`screenshot`] — what a screenshot's file name says (when, which app).
//! * [`sniff`] — what an unrecognised file looks like, for the refusal.
//! * [`propose`] — collector messages turned into proposed timeline events for the user to
//!   confirm.
//!
//! No file system, no clock: the store (`yuqi-store`) and the CLI do the I/O.

pub mod chain;
pub mod digest;
#[doc(hidden)]
pub mod fuzzing;
pub mod import;
pub mod item;
pub mod package;
pub mod phone;
pub mod propose;
pub mod screenshot;
pub mod sniff;
mod xmltext;

pub use digest::Digests;
pub use import::{Format, ImportError, OnBad, Rejected};
pub use item::{Direction, ImportedMessage, Item, ItemKind, MediaInfo, Position};

//! The evidence store of one case: a directory holding `evidence.sqlite`.
//!
//! * Every item's bytes are a content-addressed blob (SHA-256 key, SM3 beside it); an export
//!   file itself is kept whole as 1 MiB chunks under its own hashes.
//! * Every item is one entry of an append-only, hash-chained log ([`yuqi_evidence::chain`]).
//!   SQLite triggers refuse UPDATE and DELETE on the log and the blobs.
//! * One export file is imported in one transaction: a crash or a kill at any moment leaves the
//!   whole file or nothing of it, and the chain valid (SQLite's WAL journal guarantees the rest).
//! * The only operation that breaks append-only is deleting the whole case at the user's request
//!   ([`delete_case`]); it is recorded in a deletion log outside the case directory.
//!
//! The store is a shell around the pure `yuqi-evidence` crate: it owns the file system, the clock
//! and SQLite.

mod crypt;
mod schema;
mod store;

pub use crypt::CryptError;
pub use store::{
    Confirmation, DB_FILE, DeletionRecord, ExportOptions, ExportReport, ImportOptions, ImportReport, IndexPdf,
    Judgment, ListedItem, MachineRead, Problem, ScreenshotReport, SigCheck, StampReport, Store, StoreError,
    TIMESTAMP_NOTE, Tie, TimestampCheck, TimestampError, TsaConfig, TsaError, Verdict, VerifyReport, delete_case,
    verify_package_timestamp,
};

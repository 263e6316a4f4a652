//! The CLI's side of the case pipeline (`yuqi-app`): the case it already parsed, the evidence
//! store named by `--evidence`, a messages file named by `--messages`, and the dates from the
//! flags and the clock.

use std::path::{Path, PathBuf};

use anyhow::Result;
use chrono::NaiveDate;
use yuqi_app::{AppError, Computed, Dates, EvidenceSnapshot, StoreWorld, World, WorldError};

use crate::evidence_cmd::{StoreArgs, Usage};

/// What a command asked for.
#[derive(Debug, Default)]
pub(crate) struct Request<'a> {
    pub(crate) as_of: Option<NaiveDate>,
    pub(crate) filing_date: Option<NaiveDate>,
    pub(crate) written: Option<NaiveDate>,
    pub(crate) evidence: Option<&'a Path>,
    pub(crate) passphrase_file: Option<PathBuf>,
    pub(crate) messages: Option<&'a Path>,
    pub(crate) verify_evidence: bool,
}

struct CliWorld<'a> {
    case: &'a yuqi_case::Case,
    store: Option<StoreWorld>,
    messages: Option<&'a Path>,
}

impl World for CliWorld<'_> {
    fn case(&self) -> Result<yuqi_case::Case, AppError> {
        Ok(self.case.clone())
    }

    fn evidence(&self) -> Result<Option<EvidenceSnapshot>, WorldError> {
        self.store.as_ref().map_or(Ok(None), StoreWorld::evidence)
    }

    fn messages(&self) -> Result<Vec<yuqi_conduct::Message<'static>>, WorldError> {
        match self.messages {
            None => Ok(Vec::new()),
            Some(p) => crate::docs_cmd::read_messages(p)
                .map(|v| v.into_iter().map(crate::scan::OwnedMessage::into_message).collect())
                .map_err(|e| WorldError::Input(format!("{e:#}"))),
        }
    }
}

/// Runs the pipeline on a parsed case. The user's mistakes (a date before the contract, a
/// confirmation for a debt the file no longer has, a malformed messages file) come back as
/// [`Usage`] errors, which exit with code 2.
pub(crate) fn compute(case: &yuqi_case::Case, req: &Request<'_>) -> Result<Computed> {
    let store = match req.evidence {
        None => None,
        Some(dir) => {
            let args = StoreArgs { store: Some(dir.to_path_buf()), passphrase_file: req.passphrase_file.clone() };
            Some(StoreWorld {
                dir: dir.to_path_buf(),
                passphrase: args.passphrase()?,
                verify: req.verify_evidence,
                required: true,
            })
        }
    };
    let world = CliWorld { case, store, messages: req.messages };
    let dates =
        Dates { today: yuqi_util::china_today(), as_of: req.as_of, filing_date: req.filing_date, written: req.written };
    yuqi_app::run(&world, dates)
        .map_err(|e| if e.is_user_error() { anyhow::Error::new(Usage(e.to_string())) } else { anyhow::Error::new(e) })
}

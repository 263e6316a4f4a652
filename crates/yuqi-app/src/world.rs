//! Where the pipeline's input comes from. The shells implement [`World`] (the CLI over files,
//! the web app over its database); reading the evidence store is the same for both, so it is
//! here once, as [`snapshot`] and [`StoreWorld`].

use std::path::{Path, PathBuf};

use yuqi_conduct::Message;
use yuqi_docs::{EvidenceIndex, EvidenceRow};

/// A demand the user confirmed in the evidence store: which debt it belongs to and the event it
/// becomes.
#[derive(Debug, Clone)]
pub struct Confirmed {
    /// The proposal's id, named in errors.
    pub proposal: String,
    pub debt: String,
    pub event: yuqi_case::Event,
}

/// What the evidence store holds, as far as the pipeline needs it.
#[derive(Debug, Clone, Default)]
pub struct EvidenceSnapshot {
    pub confirmed: Vec<Confirmed>,
    /// The borrower's judgments of the findings on stored messages, those in force.
    pub judgments: Vec<yuqi_store::Judgment>,
    /// Listed items, oldest first (the web inbox shows them); a message's `creditor` is the debt
    /// the borrower's latest tie gives (`yuqi_store::Store::tie`), which the pipeline ties it to.
    pub items: Vec<yuqi_store::ListedItem>,
    /// Entries in the log (imports, records, confirmations).
    pub total: u64,
    pub chain_head: Option<String>,
    /// The result of verifying the store first, when the shell asked for it.
    pub verified: Option<bool>,
}

impl EvidenceSnapshot {
    /// The evidence index a document prints.
    pub fn index(&self) -> EvidenceIndex {
        EvidenceIndex {
            total: self.total,
            chain_head: self.chain_head.clone(),
            verified: self.verified,
            rows: self
                .items
                .iter()
                .map(|i| EvidenceRow {
                    seq: i.seq,
                    kind: i.kind_zh(),
                    time: i.time.clone(),
                    counterpart: i.counterpart.clone(),
                    codes: i.codes.clone(),
                    sha256: i.sha256.clone(),
                })
                .collect(),
        }
    }

    /// The stored messages (and calls) as the conduct analyzer reads them, each with its own
    /// entry and the screenshot entry its text was machine-read from, if it was.
    pub fn messages(&self) -> (Vec<Message<'static>>, Vec<StoredAt>) {
        self.items
            .iter()
            .filter_map(|i| {
                let at = StoredAt { seq: i.seq, image: i.machine_read.as_ref().map(|m| m.image_seq) };
                Some((i.analyzer_message()?, at))
            })
            .unzip()
    }
}

/// Where a stored message is: its entry, and the screenshot its text was read from.
#[derive(Debug, Clone, Copy)]
pub struct StoredAt {
    pub seq: u64,
    pub image: Option<u64>,
}

/// Failure to read the pipeline's input.
#[derive(Debug, thiserror::Error)]
pub enum WorldError {
    // Boxed: a store error is large, and every pipeline result carries this type.
    #[error("无法打开证据库 {dir}：{source}")]
    OpenStore { dir: PathBuf, source: Box<yuqi_store::StoreError> },
    #[error("读取证据库失败：{0}")]
    Store(Box<yuqi_store::StoreError>),
    /// A messages file or other input the user named is unreadable or malformed; the message
    /// says where.
    #[error("{0}")]
    Input(String),
}

impl From<yuqi_store::StoreError> for WorldError {
    fn from(e: yuqi_store::StoreError) -> WorldError {
        WorldError::Store(Box::new(e))
    }
}

impl WorldError {
    pub fn is_user_error(&self) -> bool {
        matches!(self, WorldError::Input(_))
    }
}

/// The shell's side of the pipeline: the parsed case, the evidence store's snapshot (if the case
/// has a store) and messages from elsewhere (a messages file).
pub trait World {
    fn case(&self) -> Result<yuqi_case::Case, crate::AppError>;
    fn evidence(&self) -> Result<Option<EvidenceSnapshot>, WorldError>;
    fn messages(&self) -> Result<Vec<Message<'static>>, WorldError> {
        Ok(Vec::new())
    }
}

/// Reads an open store: confirmations, listed items, size and chain head, verifying first when
/// asked (slow on a large store).
pub fn snapshot(store: &yuqi_store::Store, verify: bool) -> Result<EvidenceSnapshot, WorldError> {
    let confirmed = store
        .confirmations()?
        .into_iter()
        .map(|c| Confirmed { event: c.proposal.to_event(), proposal: c.proposal.id, debt: c.debt })
        .collect();
    let verified = if verify { Some(store.verify(&mut |_, _| {})?.ok()) } else { None };
    Ok(EvidenceSnapshot {
        confirmed,
        judgments: store.judgments()?,
        items: store.list(None, None, usize::MAX)?,
        total: store.entry_count()?,
        chain_head: store.head()?.map(|h| h.hash),
        verified,
    })
}

/// An evidence store directory as the evidence half of a [`World`]. A directory without a store
/// in it means "no evidence yet" (the web app creates stores on the first upload).
#[derive(Debug, Clone)]
pub struct StoreWorld {
    pub dir: PathBuf,
    pub passphrase: Option<String>,
    pub verify: bool,
    /// Whether a missing store is an error (the user named it) or just no evidence.
    pub required: bool,
}

impl StoreWorld {
    pub fn new(dir: &Path) -> StoreWorld {
        StoreWorld { dir: dir.to_path_buf(), passphrase: None, verify: false, required: false }
    }

    pub fn evidence(&self) -> Result<Option<EvidenceSnapshot>, WorldError> {
        if !self.required && !self.dir.join("evidence.sqlite").exists() {
            return Ok(None);
        }
        let store = yuqi_store::Store::open(&self.dir, self.passphrase.as_deref())
            .map_err(|source| WorldError::OpenStore { dir: self.dir.clone(), source: Box::new(source) })?;
        snapshot(&store, self.verify).map(Some)
    }
}

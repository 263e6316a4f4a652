//! From a stored case to everything the pages show: the parsed case (with the evidence store's
//! confirmed demands merged), audit, timeline, plan, collection contacts and the evidence index.

use std::path::Path;

use chrono::NaiveDate;
use yuqi_docs::{Contact, EvidenceIndex, EvidenceRow, Inputs};

use crate::error::WebError;

pub(crate) struct Computed {
    pub(crate) case: yuqi_case::Case,
    pub(crate) audit: yuqi_ledger::CaseAudit,
    pub(crate) timeline: yuqi_timeline::CaseTimeline,
    pub(crate) plan: yuqi_plan::Plan,
    pub(crate) contacts: Vec<Contact>,
    pub(crate) evidence: Option<EvidenceIndex>,
    /// Listed evidence items (for the inbox), newest last.
    pub(crate) items: Vec<yuqi_store::ListedItem>,
    pub(crate) today: NaiveDate,
}

impl Computed {
    pub(crate) fn inputs(&self) -> Inputs<'_> {
        Inputs {
            case: &self.case,
            audit: &self.audit,
            timeline: &self.timeline,
            plan: &self.plan,
            contacts: &self.contacts,
            evidence: self.evidence.as_ref(),
            today: self.today,
        }
    }
}

/// Today in China (UTC+8).
pub(crate) fn today() -> NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

/// Parses a case file's text; errors carry line and column.
pub(crate) fn parse(toml: &str) -> Result<yuqi_case::Case, WebError> {
    yuqi_case::parse_case(toml, "case.toml").map_err(|e| WebError::Case(e.to_string()))
}

pub(crate) fn compute(toml: &str, evidence_dir: &Path) -> Result<Computed, WebError> {
    let mut case = parse(toml)?;
    let store = if evidence_dir.join("evidence.sqlite").exists() {
        Some(yuqi_store::Store::open(evidence_dir, None).map_err(|e| WebError::Io(e.to_string()))?)
    } else {
        None
    };
    let mut items = Vec::new();
    if let Some(st) = &store {
        for c in st.confirmations().map_err(|e| WebError::Io(e.to_string()))? {
            if let Some(d) = case.debts.iter_mut().find(|d| d.id == c.debt) {
                d.events.push(c.proposal.to_event());
            }
        }
        items = st.list(None, None, usize::MAX).map_err(|e| WebError::Io(e.to_string()))?;
    }
    let as_of = case.as_of.unwrap_or_else(today);
    let audit = yuqi_ledger::audit_case(&case, yuqi_ledger::AuditOptions { as_of, filing_date: None })
        .map_err(|e| WebError::Compute(e.to_string()))?;
    let timeline = yuqi_timeline::analyse_case(&case, &audit).map_err(|e| WebError::Compute(e.to_string()))?;
    let plan = yuqi_plan::plan_case(&case, &audit, &timeline).map_err(|e| WebError::Compute(e.to_string()))?;
    let mut contacts = yuqi_docs::contacts::from_case(&case);
    let mut evidence = None;
    if let Some(st) = &store {
        let msgs: Vec<yuqi_conduct::Message<'static>> =
            items.iter().filter_map(yuqi_store::ListedItem::analyzer_message).collect();
        contacts.extend(yuqi_docs::contacts::from_messages(&msgs, &case));
        evidence = Some(EvidenceIndex {
            total: st.entry_count().map_err(|e| WebError::Io(e.to_string()))?,
            chain_head: st.head().map_err(|e| WebError::Io(e.to_string()))?.map(|h| h.hash),
            verified: None,
            rows: items
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
        });
    }
    Ok(Computed { case, audit, timeline, plan, contacts, evidence, items, today: today() })
}

/// Runs the core on a stored case (in a blocking thread: the audit is CPU work).
pub(crate) async fn for_record(
    state: &crate::state::AppState,
    rec: &yuqi_db::CaseRecord,
) -> Result<Computed, WebError> {
    let dir = state.evidence_dir(&rec.id);
    let toml = rec.toml.clone();
    tokio::task::spawn_blocking(move || compute(&toml, &dir)).await.map_err(|e| WebError::Io(e.to_string()))?
}

/// Reads a case the viewer may see and runs the core on it.
pub(crate) async fn load(
    state: &crate::state::AppState,
    v: &crate::auth::Viewer,
    id: &str,
) -> Result<(yuqi_db::CaseRecord, Computed), WebError> {
    let rec = state.db.get_case(&v.user_id, &crate::state::case_id(id)?).await?;
    let c = for_record(state, &rec).await?;
    Ok((rec, c))
}

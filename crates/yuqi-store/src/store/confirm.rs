//! Proposed "creditor demand" events and the user's confirmations of them.

use yuqi_evidence::digest::Digests;
use yuqi_evidence::import;
use yuqi_evidence::propose::{Candidate, Proposal, propose};

use super::{ItemAt, Location, Metadata, Store, StoreError, append, decode_meta, insert_blob, last_entry_in, now};

impl Store {
    pub(super) fn proposals_all(&self) -> Result<Vec<Proposal>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT l.seq, l.metadata, l.item_key FROM log l JOIN messages m ON m.seq = l.seq \
             WHERE m.direction = 'in' ORDER BY l.seq",
        )?;
        let rows =
            stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?, r.get::<_, String>(2)?)))?;
        let mut msgs = Vec::new();
        for row in rows {
            let (seq, meta, item_key) = row?;
            let meta: Metadata = decode_meta(self.cipher.as_ref(), meta, &item_key)?;
            if let Some(m) = meta.message {
                msgs.push((format!("seq:{seq}"), m));
            }
        }
        let cands: Vec<Candidate<'_>> =
            msgs.iter().map(|(id, m)| Candidate { evidence_id: id.clone(), message: m }).collect();
        Ok(propose(&cands, import::china()))
    }

    /// Proposed "creditor demand" events not yet confirmed.
    pub fn proposals(&self) -> Result<Vec<Proposal>, StoreError> {
        let confirmed = self.confirmations()?;
        Ok(self.proposals_all()?.into_iter().filter(|p| !confirmed.iter().any(|c| c.proposal.id == p.id)).collect())
    }

    /// Confirms a proposal for a debt: appends a `confirm` entry to the log.
    pub fn confirm(&mut self, proposal_id: &str, debt_id: &str, note: &str) -> Result<Confirmation, StoreError> {
        let p = self.proposals()?.into_iter().find(|p| p.id == proposal_id).ok_or_else(|| {
            match self.confirmations().ok().and_then(|cs| cs.into_iter().find(|c| c.proposal.id == proposal_id)) {
                Some(c) => {
                    StoreError::Invalid(format!("提议“{proposal_id}”已于 {} 确认，归入借款 {}", c.confirmed_at, c.debt))
                }
                None => {
                    StoreError::Invalid(format!("没有待确认的提议“{proposal_id}”（用 yuqi evidence propose 查看）"))
                }
            }
        })?;
        let c = Confirmation { proposal: p, debt: debt_id.to_string(), note: note.to_string(), confirmed_at: now() };
        let cipher = self.cipher.as_ref();
        let tx = self.conn.transaction()?;
        let mut prev = last_entry_in(&tx, cipher)?;
        let body = serde_json::to_vec(&c).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let digests = Digests::of(&body);
        insert_blob(&tx, cipher, &digests, &body)?;
        let meta = Metadata {
            source_name: "用户确认".into(),
            position: None,
            fields: vec![("debt".into(), debt_id.into()), ("proposal".into(), proposal_id.into())],
            message: None,
            media: None,
            attachments: Vec::new(),
            extra: serde_json::to_value(&c).unwrap_or_default(),
        };
        let key = format!("confirm|{}|{}", debt_id, c.proposal.id);
        let at = ItemAt { tx: &tx, cipher, recorded_at: &c.confirmed_at };
        append(
            &at,
            &mut prev,
            "confirm",
            "用户确认的催收事件",
            &key,
            &digests,
            body.len() as u64,
            Location::Blob,
            &meta,
        )?;
        tx.commit()?;
        Ok(c)
    }

    /// Every confirmed event, in log order.
    pub fn confirmations(&self) -> Result<Vec<Confirmation>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT metadata, item_key FROM log WHERE kind = 'confirm' ORDER BY seq")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (meta, item_key) = row?;
            let meta: Metadata = decode_meta(self.cipher.as_ref(), meta, &item_key)?;
            if let Ok(c) = serde_json::from_value::<Confirmation>(meta.extra) {
                out.push(c);
            }
        }
        Ok(out)
    }
}

/// A proposal the user confirmed, for one debt.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Confirmation {
    pub proposal: Proposal,
    pub debt: String,
    pub note: String,
    pub confirmed_at: String,
}

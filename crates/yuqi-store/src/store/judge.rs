//! The borrower's own judgment of what the analyzer found in a stored message: "yes, this is a
//! threat", "no, it is not", or "back to what the analyzer says". The analyzer misses real
//! violations and suspects lawful words; only the person who received the message can settle
//! it, and letters then carry what he confirmed. Each judgment is a log entry (kind
//! `judgment`), so the package a court reads shows which findings are the borrower's own; the
//! latest judgment of a message and code is the one in force.

use std::collections::BTreeMap;

use yuqi_evidence::digest::Digests;

use super::{ItemAt, Location, Metadata, Store, StoreError, append, decode_meta, insert_blob, last_entry_in, now};

/// The log entry kind of a judgment.
pub(crate) const KIND: &str = "judgment";

/// What the borrower said about one code on one message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The message does show it (a suspicion confirmed, or a violation the analyzer missed).
    Confirmed,
    /// It does not (the analyzer was wrong).
    Rejected,
    /// Withdrawn: the analyzer's own finding stands again.
    Cleared,
}

impl Verdict {
    pub fn parse(s: &str) -> Option<Verdict> {
        match s.trim() {
            "confirmed" => Some(Verdict::Confirmed),
            "rejected" => Some(Verdict::Rejected),
            "cleared" => Some(Verdict::Cleared),
            _ => None,
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Verdict::Confirmed => "本人确认有此问题",
            Verdict::Rejected => "本人认为没有此问题",
            Verdict::Cleared => "本人撤回判断",
        }
    }
}

/// One judgment as logged.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Judgment {
    /// The message's entry in the log.
    pub item: u64,
    /// A conduct code (`yuqi_conduct::Code::as_str`).
    pub code: String,
    pub verdict: Verdict,
    pub judged_at: String,
}

impl Store {
    /// Records the borrower's judgment of `code` on the message logged as entry `item`.
    /// Refused, with nothing written, when the entry is not a message or the code is unknown.
    pub fn judge(&mut self, item: u64, code: &str, verdict: Verdict) -> Result<Judgment, StoreError> {
        let Some(parsed) = yuqi_conduct::Code::parse(code) else {
            return Err(StoreError::Invalid(format!("没有“{code}”这种问题类型")));
        };
        let is_message: bool = self
            .conn
            .query_row("SELECT COUNT(*) FROM messages WHERE seq = ?1", [item as i64], |r| r.get::<_, i64>(0))
            .map(|n| n > 0)?;
        if !is_message {
            return Err(StoreError::Invalid(format!("证据库第 {item} 条不是一条消息或通话记录，不能对它作判断")));
        }
        let j = Judgment { item, code: parsed.as_str().to_string(), verdict, judged_at: now() };
        let cipher = self.cipher.as_ref();
        let tx = self.conn.transaction()?;
        let mut prev = last_entry_in(&tx, cipher)?;
        let body = serde_json::to_vec(&j).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let digests = Digests::of(&body);
        insert_blob(&tx, cipher, &digests, &body)?;
        let mut meta = Metadata::new("用户判断");
        meta.fields = vec![("item".into(), item.to_string()), ("code".into(), j.code.clone())];
        meta.extra = serde_json::to_value(&j).unwrap_or_default();
        // Unique per entry: the same judgment may be made, withdrawn and made again.
        let count: i64 = tx.query_row("SELECT COUNT(*) FROM log", [], |r| r.get(0))?;
        let key = format!("{KIND}|{item}|{}|{count}", j.code);
        let at = ItemAt { tx: &tx, cipher, recorded_at: &j.judged_at };
        append(&at, &mut prev, KIND, verdict.label_zh(), &key, &digests, body.len() as u64, Location::Blob, &meta)?;
        tx.commit()?;
        Ok(j)
    }

    /// The judgments in force: the latest per message and code, withdrawn ones left out, in the
    /// order of the messages.
    pub fn judgments(&self) -> Result<Vec<Judgment>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT metadata, item_key FROM log WHERE kind = ?1 ORDER BY seq")?;
        let rows = stmt.query_map([KIND], |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, String>(1)?)))?;
        let mut latest: BTreeMap<(u64, String), Judgment> = BTreeMap::new();
        for row in rows {
            let (meta, item_key) = row?;
            let meta: Metadata = decode_meta(self.cipher.as_ref(), meta, &item_key)?;
            if let Ok(j) = serde_json::from_value::<Judgment>(meta.extra) {
                latest.insert((j.item, j.code.clone()), j);
            }
        }
        Ok(latest.into_values().filter(|j| j.verdict != Verdict::Cleared).collect())
    }
}

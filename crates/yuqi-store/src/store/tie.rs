//! The borrower's word on which debt a stored message is about, said after it was saved. A
//! message pasted with 不确定, or imported from a phone's export, is tied to no debt, and letters
//! about one debt quote only the messages tied to it; pasting it again changes nothing (the
//! store keeps each message once). Each tie is a log entry (kind `tie`), so the package shows
//! which ties are the borrower's own and when he made them; the latest tie of a message is the
//! one in force, over what he said on pasting it. Nothing already logged is rewritten.

use std::collections::BTreeMap;

use yuqi_evidence::digest::Digests;

use super::{ItemAt, Location, Metadata, Store, StoreError, append, decode_meta, insert_blob, last_entry_in, now};

/// The log entry kind of a tie.
pub(crate) const KIND: &str = "tie";

/// One tie as logged.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Tie {
    /// The message's entry in the log.
    pub item: u64,
    /// The debt (an id of the case's debts); `None`: untied, about no debt he can name.
    pub debt: Option<String>,
    pub tied_at: String,
}

impl Store {
    /// Ties the messages logged as entries `items` to `debt`, one of the case's debts
    /// (`known`), or unties them (`None`): one entry each, all in one transaction. Refused, with
    /// nothing written, when an entry is not a message or the debt is not one of `known`.
    pub fn tie(&mut self, items: &[u64], debt: Option<&str>, known: &[&str]) -> Result<Vec<Tie>, StoreError> {
        if items.is_empty() {
            return Err(StoreError::Invalid("没有选任何消息".into()));
        }
        if let Some(d) = debt
            && !known.contains(&d)
        {
            return Err(StoreError::Invalid(format!("这个案例里没有借款“{d}”")));
        }
        for &item in items {
            let is_message: bool = self
                .conn
                .query_row("SELECT COUNT(*) FROM messages WHERE seq = ?1", [item as i64], |r| r.get::<_, i64>(0))
                .map(|n| n > 0)?;
            if !is_message {
                return Err(StoreError::Invalid(format!("证据库第 {item} 条不是一条消息或通话记录，不能把它归到借款")));
            }
        }
        let tied_at = now();
        let cipher = self.cipher.as_ref();
        let tx = self.conn.transaction()?;
        let mut prev = last_entry_in(&tx, cipher)?;
        let mut out = Vec::with_capacity(items.len());
        for &item in items {
            let t = Tie { item, debt: debt.map(str::to_string), tied_at: tied_at.clone() };
            let body = serde_json::to_vec(&t).map_err(|e| StoreError::Invalid(e.to_string()))?;
            let digests = Digests::of(&body);
            insert_blob(&tx, cipher, &digests, &body)?;
            let mut meta = Metadata::new("用户归属");
            meta.fields = vec![("item".into(), item.to_string()), ("debt".into(), t.debt.clone().unwrap_or_default())];
            meta.extra = serde_json::to_value(&t).unwrap_or_default();
            // Unique per entry: a message may be tied, untied and tied again.
            let count: i64 = tx.query_row("SELECT COUNT(*) FROM log", [], |r| r.get(0))?;
            let key = format!("{KIND}|{item}|{count}");
            let origin = if t.debt.is_some() {
                "本人说明消息是哪笔借款的"
            } else {
                "本人撤回消息的借款归属"
            };
            let at = ItemAt { tx: &tx, cipher, recorded_at: &t.tied_at };
            append(&at, &mut prev, KIND, origin, &key, &digests, body.len() as u64, Location::Blob, &meta)?;
            out.push(t);
        }
        tx.commit()?;
        Ok(out)
    }

    /// The ties in force: the latest per message (`None` for one untied), by entry.
    pub fn ties(&self) -> Result<BTreeMap<u64, Option<String>>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT metadata, item_key FROM log WHERE kind = ?1 ORDER BY seq")?;
        let rows = stmt.query_map([KIND], |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, String>(1)?)))?;
        let mut latest = BTreeMap::new();
        for row in rows {
            let (meta, item_key) = row?;
            let meta: Metadata = decode_meta(self.cipher.as_ref(), meta, &item_key)?;
            if let Ok(t) = serde_json::from_value::<Tie>(meta.extra) {
                latest.insert(t.item, t.debt);
            }
        }
        Ok(latest)
    }
}

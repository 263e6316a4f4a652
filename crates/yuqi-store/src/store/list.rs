//! Reading the store back: listings, the chain head, log-level codes, one item.

use rusqlite::{OptionalExtension, params};
use yuqi_case::Channel;
use yuqi_conduct::Analyzer;
use yuqi_evidence::chain::Entry;
use yuqi_evidence::import;
use yuqi_evidence::item::ItemKind;
use yuqi_evidence::package::ChainHead;
use yuqi_evidence::phone;

use super::{ChunkCursor, MachineRead, Metadata, Store, StoreError, china_time, decode_meta};

#[derive(Debug, Clone, serde::Serialize)]
pub struct ListedItem {
    pub seq: u64,
    pub kind: String,
    pub origin: String,
    pub time: Option<String>,
    pub direction: Option<String>,
    /// `sms`, `call`, `wechat`, … for messages.
    pub channel: Option<String>,
    pub counterpart: Option<String>,
    pub codes: Vec<String>,
    pub text: Option<String>,
    /// False for a message that never left the phone (draft, failed, queued).
    pub delivered: Option<bool>,
    pub sha256: String,
    /// The debt the message is about, a debt id: the borrower's latest tie (`Store::tie`), or
    /// without one what he said on pasting it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creditor: Option<String>,
    /// Who received an incoming message when it was not the borrower (`relative`, `friend`,
    /// …: `yuqi_evidence::ImportedMessage::to`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// A message read by OCR off a screenshot: the image it came from and where.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub machine_read: Option<MachineRead>,
}

impl ListedItem {
    /// The item as the conduct analyzer's input line (messages and calls only), with the
    /// debtor as `self` on the right side; `id` reads `证据库第 N 条` in documents.
    pub fn analyzer_message(&self) -> Option<yuqi_conduct::Message<'static>> {
        if self.text.is_none() && self.channel.as_deref().and_then(Channel::from_code) != Some(Channel::Call) {
            return None;
        }
        let out = self.direction.as_deref() == Some("out");
        let other = self.counterpart.clone().filter(|c| !c.is_empty());
        let me = Some(std::borrow::Cow::Borrowed("self"));
        let other = other.map(std::borrow::Cow::Owned);
        // A message his mother or a colleague received is sent to them, not to him: the
        // analyzer reads that as contact with a third party.
        let received_by = self.to.clone().filter(|t| !t.is_empty()).map(std::borrow::Cow::Owned).or(me.clone());
        Some(yuqi_conduct::Message {
            id: Some(format!("证据库第 {} 条", self.seq).into()),
            text: self.text.clone().unwrap_or_default().into(),
            time: self.time.clone().map(Into::into),
            from: if out { me } else { other.clone() },
            to: if out { other } else { received_by },
            channel: self.channel.clone().map(Into::into),
            creditor: self.creditor.clone().map(Into::into),
            ..Default::default()
        })
    }

    /// What the item is, in Chinese: the channel for messages and calls (短信, 微信, …), else
    /// the kind of record (原始导出文件, 文件, …).
    pub fn kind_zh(&self) -> String {
        if self.machine_read.is_some() {
            return match self.channel.as_deref().and_then(Channel::from_code) {
                Some(Channel::Other) | None => "截图中的消息（机器识别）".to_string(),
                Some(c) => format!("截图中的{}（机器识别）", c.label_zh()),
            };
        }
        match (&self.channel, ItemKind::parse(&self.kind)) {
            (Some(c), _) => Channel::label_of(c).to_string(),
            (None, Some(k)) => k.label_zh().to_string(),
            (None, None) if self.kind == "confirm" => "用户确认的催收事件".to_string(),
            (None, None) if self.kind == super::judge::KIND => "用户对消息的判断".to_string(),
            (None, None) if self.kind == super::tie::KIND => "用户说明的借款归属".to_string(),
            (None, None) => self.kind.clone(),
        }
    }
}

impl Store {
    /// Items, newest entries last; `code` and `sender` filter messages.
    pub fn list(&self, code: Option<&str>, sender: Option<&str>, limit: usize) -> Result<Vec<ListedItem>, StoreError> {
        let log_codes = self.log_codes()?;
        // The borrower's ties in force: over what a message said on pasting, never rewriting it.
        let ties = self.ties()?;
        // Text-level codes are filtered in SQL; a log-level code is known only from `log_codes`.
        let text_level = code.is_none_or(|c| yuqi_conduct::Code::parse(c).is_none_or(|k| k.is_text_level()));
        let mut stmt = self.conn.prepare(
            "SELECT l.seq, l.kind, l.origin, l.metadata, l.blob_sha256, m.codes, l.item_key FROM log l \
             LEFT JOIN messages m ON m.seq = l.seq \
             WHERE (?1 IS NULL OR m.codes LIKE '%\"' || ?1 || '\"%') \
               AND (?2 IS NULL OR m.counterpart_key = ?2) \
             ORDER BY l.seq",
        )?;
        let sender_key = sender.map(phone::normalize);
        let sql_code = if text_level { code } else { None };
        let rows = stmt.query_map(params![sql_code, sender_key], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Vec<u8>>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, String>(6)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (seq, kind, origin, meta, sha256, codes, item_key) = row?;
            let seq = seq as u64;
            let mut codes: Vec<String> = codes.and_then(|c| serde_json::from_str(&c).ok()).unwrap_or_default();
            codes.extend(log_codes.get(&seq).into_iter().flatten().cloned());
            if let Some(c) = code
                && !codes.iter().any(|x| x == c)
            {
                continue;
            }
            let meta: Metadata = decode_meta(self.cipher.as_ref(), meta, &item_key)?;
            let m = meta.message.as_ref();
            out.push(ListedItem {
                seq,
                kind,
                origin,
                time: m
                    .and_then(|m| m.time_ms)
                    .map(china_time)
                    .or_else(|| meta.media.as_ref().and_then(|x| x.captured_at.clone())),
                direction: m.map(|m| m.direction.as_str().to_string()),
                channel: m.map(|m| m.channel.clone()),
                counterpart: m.map(|m| m.counterpart.clone()),
                codes,
                text: m.map(|m| m.text.clone()),
                delivered: m.map(|m| m.delivered),
                sha256,
                creditor: match (m, ties.get(&seq)) {
                    (Some(_), Some(tied)) => tied.clone(),
                    (m, _) => m.and_then(|m| m.creditor.clone()),
                },
                to: m.and_then(|m| m.to.clone()),
                machine_read: meta.extra.get("machine_read").and_then(|v| serde_json::from_value(v.clone()).ok()),
            });
            if out.len() >= limit {
                break;
            }
        }
        Ok(out)
    }

    /// The chain's last entry as stored (not verified: run [`Store::verify`] for that).
    pub fn head(&self) -> Result<Option<ChainHead>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT seq, entry_hash FROM log ORDER BY seq DESC LIMIT 1", [], |r| {
                Ok(ChainHead { seq: r.get::<_, i64>(0)? as u64, hash: r.get(1)? })
            })
            .optional()?)
    }

    /// The sequence number of the entry with this hash, if the chain contains it (to check a
    /// chain head noted down earlier).
    pub fn find_head(&self, hash: &str) -> Result<Option<u64>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT seq FROM log WHERE entry_hash = ?1", params![hash.trim().to_lowercase()], |r| {
                r.get::<_, i64>(0)
            })
            .optional()?
            .map(|s| s as u64))
    }

    /// Log-level codes over every message in the store (night contact, daily frequency, number
    /// rotation, contact after a stop request), by entry. They depend on the whole conversation,
    /// so they are computed when asked, not stored with each record.
    pub fn log_codes(&self) -> Result<std::collections::HashMap<u64, Vec<String>>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT l.seq, l.metadata, l.item_key FROM log l JOIN messages m ON m.seq = l.seq \
             WHERE m.direction IN ('in', 'out') AND m.time_ms IS NOT NULL ORDER BY m.time_ms, l.seq",
        )?;
        let rows =
            stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?, r.get::<_, String>(2)?)))?;
        let mut seqs = Vec::new();
        let mut msgs: Vec<yuqi_conduct::Message<'static>> = Vec::new();
        for row in rows {
            let (seq, meta, item_key) = row?;
            let Some(m) = decode_meta(self.cipher.as_ref(), meta, &item_key)?.message else { continue };
            let out = m.direction == yuqi_evidence::Direction::Out;
            let time = m
                .time_ms
                .and_then(chrono::DateTime::from_timestamp_millis)
                .map(|t| t.with_timezone(&import::china()).to_rfc3339());
            // A message someone else received is to them (a stop request for third parties binds).
            let received_by = m.to.clone().filter(|t| !t.is_empty()).unwrap_or_else(|| "self".to_string());
            let (from, to) =
                if out { ("self".to_string(), m.counterpart_key) } else { (m.counterpart_key, received_by) };
            msgs.push(yuqi_conduct::Message {
                id: Some(seq.to_string().into()),
                // Only the debtor's own words matter here (a request to stop).
                text: if out { m.text.into() } else { String::new().into() },
                time: time.map(Into::into),
                from: Some(from.into()),
                to: Some(to.into()),
                channel: Some(m.channel.into()),
                connected: m.call_status.as_deref().map(|s| s == "answered"),
                duration: m.duration_s,
                ..Default::default()
            });
            seqs.push(seq as u64);
        }
        let hits = Analyzer::shared().analyze_log(&msgs);
        let mut out = std::collections::HashMap::new();
        for (seq, hs) in seqs.into_iter().zip(hits) {
            let mut codes: Vec<String> = hs.iter().map(|h| h.code.as_str().to_string()).collect();
            codes.dedup();
            if !codes.is_empty() {
                out.insert(seq, codes);
            }
        }
        Ok(out)
    }

    /// One entry and its content (for viewing an item, and for tests that compare stores).
    pub fn item(&self, seq: u64) -> Result<(Entry, Vec<u8>), StoreError> {
        let (e, loc) = self
            .all_entries_where(Some(seq))?
            .into_iter()
            .next()
            .ok_or_else(|| StoreError::Invalid(format!("证据库中没有第 {seq} 条")))?;
        let mut content = Vec::with_capacity(e.blob_size as usize);
        if !ChunkCursor::new(self).pieces(&e, loc, &mut |p| content.extend_from_slice(p))? {
            return Err(StoreError::Invalid(format!("第 {seq} 条的内容缺失")));
        }
        Ok((e, content))
    }
}

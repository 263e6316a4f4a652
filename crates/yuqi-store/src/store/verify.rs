//! Verification: every hash and the chain recomputed, and the derived message index
//! compared with the records it was derived from.

use rusqlite::{OptionalExtension, params};
use yuqi_conduct::{Analyzer, Scratch};
use yuqi_evidence::chain::{ChainChecker, Entry};
use yuqi_evidence::digest::Hasher;
use yuqi_evidence::package::ChainHead;

use super::{ChunkCursor, ENTRY_SELECT, Metadata, Store, StoreError, row_location, row_to_raw, text_codes};

#[derive(Debug, Clone, serde::Serialize)]
pub struct Problem {
    pub seq: u64,
    pub kind: String,
    pub origin: String,
    pub what: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "第 {} 条（{}，{}）：{}", self.seq, self.kind, self.origin, self.what)
    }
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct VerifyReport {
    pub entries: u64,
    pub bytes_hashed: u64,
    pub chain_head: Option<ChainHead>,
    pub problems: Vec<Problem>,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

impl Store {
    /// Recomputes every hash and the chain; names each altered entry.
    pub fn verify(&self, progress: &mut dyn FnMut(u64, u64)) -> Result<VerifyReport, StoreError> {
        let total = self.entry_count()?;
        let mut rep = VerifyReport::default();
        let mut checker = ChainChecker::new(true);
        let mut cursor = ChunkCursor::new(self);
        let mut analyzer_scratch = Scratch::default();
        let mut stmt = self.conn.prepare(&format!("{ENTRY_SELECT} ORDER BY seq"))?;
        let mut rows = stmt.query([])?;
        let mut n = 0u64;
        while let Some(r) = rows.next()? {
            let raw = row_to_raw(r)?;
            let loc = row_location(r)?;
            n += 1;
            let problem =
                |what: String, e: &Entry| Problem { seq: e.seq, kind: e.kind.clone(), origin: e.origin.clone(), what };
            let e = match self.finish_entry(raw.clone()) {
                Ok(e) => e,
                Err(err) => {
                    let e = raw.0;
                    rep.problems.push(problem(format!("元数据无法读取：{err}"), &e));
                    checker.push(&e);
                    continue;
                }
            };
            let before = checker.problems.len();
            checker.push(&e);
            for p in &checker.problems[before..] {
                rep.problems.push(problem(p.what.clone(), &e));
            }
            // The derived message index (codes, sender, time) drives listings, proposals and the
            // evidence index: it must say what the verified record says.
            if let Some(what) = self.check_derived(&e, &mut analyzer_scratch)? {
                rep.problems.push(problem(what, &e));
            }
            let mut h = Hasher::new();
            match cursor.pieces(&e, loc, &mut |piece| h.update(piece)) {
                Ok(true) => {
                    let size = h.len();
                    rep.bytes_hashed += size;
                    let d = h.finish();
                    if d.sha256 != e.blob_sha256 {
                        rep.problems.push(problem("内容被改动：SHA-256 与记录不符".into(), &e));
                    } else if d.sm3 != e.blob_sm3 {
                        rep.problems.push(problem("内容被改动：SM3 与记录不符".into(), &e));
                    } else if size != e.blob_size {
                        rep.problems.push(problem("内容长度与记录不符".into(), &e));
                    }
                }
                Ok(false) => rep.problems.push(problem("内容缺失".into(), &e)),
                Err(err) => rep.problems.push(problem(format!("内容无法读取：{err}"), &e)),
            }
            progress(n, total);
        }
        rep.entries = n;
        rep.chain_head = checker.head().map(|(seq, hash)| ChainHead { seq, hash });
        Ok(rep)
    }

    /// Compares the `messages` row of an entry with its (already hash-checked) metadata.
    fn check_derived(&self, e: &Entry, scratch: &mut Scratch) -> Result<Option<String>, StoreError> {
        let row: Option<(Option<i64>, String, String, String)> = self
            .conn
            .prepare_cached("SELECT time_ms, direction, counterpart_key, codes FROM messages WHERE seq = ?1")?
            .query_row(params![e.seq as i64], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .optional()?;
        let message = serde_json::from_str::<Metadata>(&e.metadata).ok().and_then(|m| m.message);
        let expected = message.map(|m| {
            let codes = text_codes(&m, Analyzer::shared(), scratch);
            (
                m.time_ms,
                m.direction.as_str().to_string(),
                m.counterpart_key,
                serde_json::to_string(&codes).unwrap_or_default(),
            )
        });
        Ok((row != expected).then(|| {
            "派生的消息索引与原始记录不符（违规代码、时间、方向或号码被改动），证据目录和列表会因此出错".into()
        }))
    }
}

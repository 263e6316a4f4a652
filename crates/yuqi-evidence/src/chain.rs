//! The hash-chained log. Every stored item (and every act on the store, such as confirming a
//! proposed event) is one entry; each entry's hash covers the previous entry's hash, so changing,
//! removing or reordering any entry breaks every hash after it.
//!
//! The hashed form is deliberately simple so a reviewer can recompute it without yuqi (the
//! evidence package ships a 30-line Python script doing exactly this): the SHA-256 of the
//! compact JSON array
//! `["yuqi-log-v1", seq, recorded_at, kind, origin, origin_sha256, item_key, blob_sha256,
//!   blob_sm3, blob_size, metadata_sha256, prev_hash]`.
//! The metadata enters by its hash so a redacted copy of it can still be placed in the chain.

use crate::digest::sha256_hex;

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One log entry.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Entry {
    /// 1, 2, 3, … without gaps.
    pub seq: u64,
    /// When the entry was recorded, RFC 3339 UTC.
    pub recorded_at: String,
    /// `source`, `sms`, `mms`, `call`, `chat`, `file`, `confirm`, …
    pub kind: String,
    /// Where the item came from: file name and record position.
    pub origin: String,
    /// SHA-256 of the export file the item was read from (empty for the file itself).
    pub origin_sha256: String,
    /// The semantic identity (see `Item::message_key`); unique in a store.
    pub item_key: String,
    pub blob_sha256: String,
    pub blob_sm3: String,
    pub blob_size: u64,
    /// The original metadata (fields, parsed message, media info) as JSON.
    pub metadata: String,
    pub metadata_sha256: String,
    pub prev_hash: String,
    pub entry_hash: String,
}

impl Entry {
    /// The bytes that are hashed.
    pub fn canonical(&self) -> Vec<u8> {
        let v = serde_json::json!([
            "yuqi-log-v1",
            self.seq,
            self.recorded_at,
            self.kind,
            self.origin,
            self.origin_sha256,
            self.item_key,
            self.blob_sha256,
            self.blob_sm3,
            self.blob_size,
            self.metadata_sha256,
            self.prev_hash
        ]);
        serde_json::to_vec(&v).unwrap_or_default()
    }

    pub fn compute_hash(&self) -> String {
        sha256_hex(&self.canonical())
    }

    /// Fills `metadata_sha256`, `prev_hash` and `entry_hash` for a new entry after `prev`.
    pub fn seal(mut self, prev: Option<&Entry>) -> Entry {
        self.metadata_sha256 = sha256_hex(self.metadata.as_bytes());
        self.link(prev)
    }

    /// Like [`Entry::seal`] for an entry whose `metadata_sha256` is already set (computed on
    /// another thread).
    pub fn link(mut self, prev: Option<&Entry>) -> Entry {
        self.seq = prev.map_or(1, |p| p.seq + 1);
        self.prev_hash = prev.map_or_else(|| GENESIS.to_string(), |p| p.entry_hash.clone());
        self.entry_hash = self.compute_hash();
        self
    }
}

/// Something wrong with the chain, naming the entry.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChainProblem {
    pub seq: u64,
    pub what: String,
}

/// Checks sequence, links and hashes, entry by entry. `check_metadata` is false for a redacted
/// copy, whose metadata no longer matches its recorded hash by design.
#[derive(Debug, Default)]
pub struct ChainChecker {
    prev: Option<(u64, String)>,
    pub entries: u64,
    pub problems: Vec<ChainProblem>,
    pub check_metadata: bool,
}

impl ChainChecker {
    pub fn new(check_metadata: bool) -> ChainChecker {
        ChainChecker { check_metadata, ..ChainChecker::default() }
    }

    pub fn push(&mut self, e: &Entry) {
        self.entries += 1;
        let expected_seq = self.prev.as_ref().map_or(1, |(s, _)| s + 1);
        let mut bad = |what: String| self.problems.push(ChainProblem { seq: e.seq, what });
        if e.seq != expected_seq {
            bad(format!("序号应为 {expected_seq}，实际为 {}（记录被删除、插入或调换）", e.seq));
        }
        let expected_prev = self.prev.as_ref().map_or(GENESIS, |(_, h)| h.as_str());
        if e.prev_hash != expected_prev {
            bad("前一条的哈希对不上（前面的记录被改动、删除或调换）".into());
        }
        if self.check_metadata && sha256_hex(e.metadata.as_bytes()) != e.metadata_sha256 {
            bad("元数据（原始字段、时间、号码、内容）被改动".into());
        }
        if e.compute_hash() != e.entry_hash {
            bad("本条记录的哈希不符（记录内容被改动）".into());
        }
        self.prev = Some((e.seq, e.entry_hash.clone()));
    }

    /// The last entry's sequence number and hash.
    pub fn head(&self) -> Option<(u64, String)> {
        self.prev.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(n: u64) -> Entry {
        Entry {
            seq: 0,
            recorded_at: "2026-01-01T00:00:00Z".into(),
            kind: "sms".into(),
            origin: format!("sms.xml 第 {n} 条"),
            origin_sha256: String::new(),
            item_key: format!("k{n}"),
            blob_sha256: sha256_hex(&[n as u8]),
            blob_sm3: String::new(),
            blob_size: 1,
            metadata: format!("{{\"n\":{n}}}"),
            metadata_sha256: String::new(),
            prev_hash: String::new(),
            entry_hash: String::new(),
        }
    }

    fn chain(n: u64) -> Vec<Entry> {
        let mut out: Vec<Entry> = Vec::new();
        for i in 1..=n {
            let e = entry(i).seal(out.last());
            out.push(e);
        }
        out
    }

    fn check(entries: &[Entry]) -> Vec<ChainProblem> {
        let mut c = ChainChecker::new(true);
        entries.iter().for_each(|e| c.push(e));
        c.problems
    }

    #[test]
    fn intact_chain_verifies() {
        let c = chain(5);
        assert!(check(&c).is_empty());
        assert_eq!(c[0].prev_hash, GENESIS);
    }

    #[test]
    fn each_kind_of_tampering_is_named() {
        let mut c = chain(5);
        c[2].metadata = "{\"n\":99}".into();
        let p = check(&c);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].seq, 3);

        let mut c = chain(5);
        c[1].blob_sha256 = sha256_hex(b"other");
        let p = check(&c);
        assert_eq!(p.iter().map(|p| p.seq).collect::<Vec<_>>(), vec![2]);

        let mut c = chain(5);
        c.remove(2);
        let p = check(&c);
        assert!(p.iter().any(|p| p.seq == 4));
    }
}

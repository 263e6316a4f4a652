//! Verification: every hash and the chain recomputed, and the derived message index
//! compared with the records it was derived from. Whatever cannot be read — a damaged database
//! file, a row whose columns no longer decode, a key that does not open — is a finding named in
//! Chinese, never an error: a store that cannot be read is not a store that verified.

use std::path::Path;

use rusqlite::{OptionalExtension, params};
use yuqi_conduct::{Analyzer, Scratch};
use yuqi_evidence::chain::{ChainChecker, Entry};
use yuqi_evidence::digest::Hasher;
use yuqi_evidence::package::ChainHead;

use super::{ChunkCursor, ENTRY_SELECT, Metadata, Store, StoreError, row_location, row_to_raw, text_codes};
use crate::crypt::{self, CryptError};

#[derive(Debug, Clone, serde::Serialize)]
pub struct Problem {
    /// The entry, or 0 for a problem of the store as a whole (its file, its key, a chain head).
    pub seq: u64,
    pub kind: String,
    pub origin: String,
    pub what: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.seq == 0 {
            write!(f, "{}：{}", self.origin, self.what)
        } else {
            write!(f, "第 {} 条（{}，{}）：{}", self.seq, self.kind, self.origin, self.what)
        }
    }
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct VerifyReport {
    pub entries: u64,
    pub bytes_hashed: u64,
    pub chain_head: Option<ChainHead>,
    /// Where the chain head the user kept elsewhere sits in the chain, if asked and found.
    pub expected_head_at: Option<u64>,
    /// The trusted timestamps that checked out (a failing one is a problem instead).
    pub timestamps: Vec<super::TimestampCheck>,
    pub problems: Vec<Problem>,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }

    fn store_problem(&mut self, what: String) {
        self.problems.push(Problem { seq: 0, kind: "store".into(), origin: "证据库文件".into(), what });
    }
}

/// SQLite's failures in Chinese, saying what could not be read (its own messages are English).
pub(crate) fn sql_zh(e: &rusqlite::Error) -> String {
    use rusqlite::ErrorCode::*;
    match e {
        rusqlite::Error::SqliteFailure(f, _) => match f.code {
            DatabaseCorrupt => "数据库文件已损坏（其结构被改动）".into(),
            NotADatabase => "不是证据库文件，或文件开头被改动".into(),
            CannotOpen => "无法打开数据库文件".into(),
            PermissionDenied | ReadOnly => "没有读取权限".into(),
            DatabaseBusy | DatabaseLocked => "证据库正被其他程序使用，请稍后再试".into(),
            SystemIoFailure => "读取磁盘失败".into(),
            OutOfMemory => "内存不足".into(),
            TooBig => "一条记录大得不合理（数据被改动）".into(),
            _ => format!("数据库无法读取（SQLite 错误代码 {}）", f.extended_code),
        },
        rusqlite::Error::FromSqlConversionFailure(..)
        | rusqlite::Error::InvalidColumnType(..)
        | rusqlite::Error::IntegralValueOutOfRange(..)
        | rusqlite::Error::Utf8Error(..) => "记录中有一栏的类型或编码不对（数据被改动）".into(),
        rusqlite::Error::QueryReturnedNoRows => "缺少应有的数据".into(),
        _ => "数据库无法读取".into(),
    }
}

/// A store error as a finding: SQLite's in Chinese, ours are Chinese already.
fn finding(e: &StoreError) -> String {
    match e {
        StoreError::Sql(e) => sql_zh(e),
        e => e.to_string(),
    }
}

impl Store {
    /// Opens the store in `dir` and verifies it. A database file that does not open, or a key that
    /// does not open with the passphrase, is a finding; only a missing store, a missing passphrase
    /// or a passphrase given for a store that has none are errors (the user can fix those).
    pub fn verify_dir(
        dir: &Path,
        passphrase: Option<&str>,
        expect_head: Option<&str>,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<VerifyReport, StoreError> {
        Store::verify_dir_trusting(dir, passphrase, expect_head, None, progress)
    }

    /// Like [`Store::verify_dir`], checking trusted timestamps against `tsa_ca` (the
    /// authority's CA certificates, PEM) instead of the certificates stored with them.
    pub fn verify_dir_trusting(
        dir: &Path,
        passphrase: Option<&str>,
        expect_head: Option<&str>,
        tsa_ca: Option<&[u8]>,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<VerifyReport, StoreError> {
        let mut rep = VerifyReport::default();
        match Store::open(dir, passphrase) {
            Ok(st) => return st.verify_expecting_trusting(expect_head, tsa_ca, progress),
            Err(StoreError::Sql(e)) => rep.store_problem(format!("无法打开：{}", sql_zh(&e))),
            Err(StoreError::Crypt(CryptError::WrongPassphrase)) => {
                rep.store_problem("密钥数据无法用所给的口令打开：口令不正确，或密钥数据被改动".into())
            }
            Err(e) => return Err(e),
        }
        Ok(rep)
    }

    /// Recomputes every hash and the chain; names each altered entry.
    pub fn verify(&self, progress: &mut dyn FnMut(u64, u64)) -> Result<VerifyReport, StoreError> {
        self.verify_expecting(None, progress)
    }

    /// Like [`Store::verify`], and checks that `expect_head` (a chain head noted down earlier)
    /// is still in the chain: that proves nothing before it was rewritten or removed. Never
    /// fails on a damaged store: what cannot be read is reported as a problem.
    pub fn verify_expecting(
        &self,
        expect_head: Option<&str>,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<VerifyReport, StoreError> {
        self.verify_expecting_trusting(expect_head, None, progress)
    }

    /// Like [`Store::verify_expecting`]; trusted timestamps are checked against `tsa_ca` when
    /// given (see [`Store::verify_dir_trusting`]).
    pub fn verify_expecting_trusting(
        &self,
        expect_head: Option<&str>,
        tsa_ca: Option<&[u8]>,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<VerifyReport, StoreError> {
        let mut rep = VerifyReport::default();
        // SQLite's own check finds damage to the file's structure that no query may touch.
        match self.conn.query_row("PRAGMA quick_check(20)", [], |r| r.get::<_, String>(0)) {
            Ok(s) if s == "ok" => {}
            Ok(_) => rep.store_problem("数据库文件的结构被改动或损坏（SQLite 自检未通过）".into()),
            Err(e) => rep.store_problem(format!("自检无法完成：{}", sql_zh(&e))),
        }
        let total = match self.entry_count() {
            Ok(n) => n,
            Err(e) => {
                rep.store_problem(format!("记录数无法读取：{}", finding(&e)));
                0
            }
        };
        let expect = expect_head.map(|h| h.trim().to_lowercase());
        let mut checker = ChainChecker::new(true);
        let mut stmt = match self.conn.prepare(&format!("{ENTRY_SELECT} ORDER BY seq")) {
            Ok(s) => s,
            Err(e) => {
                rep.store_problem(format!("日志无法读取：{}", sql_zh(&e)));
                return Ok(rep);
            }
        };
        let mut rows = match stmt.query([]) {
            Ok(r) => r,
            Err(e) => {
                rep.store_problem(format!("日志无法读取：{}", sql_zh(&e)));
                return Ok(rep);
            }
        };
        let mut cursor = ChunkCursor::new(self);
        let mut analyzer_scratch = Scratch::default();
        let mut n = 0u64;
        loop {
            let r = match rows.next() {
                Ok(Some(r)) => r,
                Ok(None) => break,
                Err(e) => {
                    rep.store_problem(format!("日志第 {} 条起无法读取：{}", n + 1, sql_zh(&e)));
                    break;
                }
            };
            n += 1;
            let (raw, loc) = match row_to_raw(r).and_then(|raw| Ok((raw, row_location(r)?))) {
                Ok(x) => x,
                Err(e) => {
                    let seq = r.get::<_, i64>(0).map_or(n, |s| s as u64);
                    rep.problems.push(Problem {
                        seq,
                        kind: "?".into(),
                        origin: "日志".into(),
                        what: format!("这条记录无法读取：{}", sql_zh(&e)),
                    });
                    continue;
                }
            };
            let problem =
                |what: String, e: &Entry| Problem { seq: e.seq, kind: e.kind.clone(), origin: e.origin.clone(), what };
            let (mut e, stored) = raw;
            if let Err(what) = self.open_metadata(&mut e, stored) {
                rep.problems.push(problem(format!("元数据无法读取：{what}"), &e));
                checker.push(&e);
                continue;
            }
            let before = checker.problems.len();
            checker.push(&e);
            for p in &checker.problems[before..] {
                rep.problems.push(problem(p.what.clone(), &e));
            }
            if expect.as_deref() == Some(e.entry_hash.as_str()) {
                rep.expected_head_at = Some(e.seq);
            }
            // The derived message index (codes, sender, time) drives listings, proposals and the
            // evidence index: it must say what the verified record says.
            match self.check_derived(&e, &mut analyzer_scratch) {
                Ok(None) => {}
                Ok(Some(what)) => rep.problems.push(problem(what, &e)),
                Err(err) => rep.problems.push(problem(format!("派生的消息索引无法读取：{}", finding(&err)), &e)),
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
                Err(err) => rep.problems.push(problem(format!("内容无法读取：{}", finding(&err)), &e)),
            }
            progress(n, total);
        }
        rep.entries = n;
        rep.chain_head = checker.head().map(|(seq, hash)| ChainHead { seq, hash });
        if let (Some(h), None) = (expect_head, rep.expected_head_at) {
            rep.problems.push(Problem {
                seq: 0,
                kind: "chain".into(),
                origin: "另行保存的链头".into(),
                what: format!("{} 不在链中：记录被改写、删除或整个证据库被替换", h.trim()),
            });
        }
        self.verify_timestamps(tsa_ca, &mut rep);
        Ok(rep)
    }

    /// Opens an entry's stored metadata. Unlike reading for a listing, it says what went wrong
    /// in words that fit the store: an unencrypted store has nothing to decrypt, so text that is
    /// not UTF-8 there is damaged text, not a failed decryption.
    fn open_metadata(&self, e: &mut Entry, stored: Vec<u8>) -> Result<(), String> {
        let plain = crypt::unseal(self.cipher.as_ref(), stored, &crypt::meta_aad(&e.item_key))
            .map_err(|err| err.to_string())?;
        e.metadata = String::from_utf8(plain).map_err(|_| "不是有效的文字（UTF-8），数据被改动或损坏".to_string())?;
        Ok(())
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

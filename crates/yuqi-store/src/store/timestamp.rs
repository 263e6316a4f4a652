//! Trusted time: an RFC 3161 timestamp over the chain head, asked for after an import when the
//! user configured a time-stamping authority (off by default: the store is local-first and
//! sends nothing unless asked).
//!
//! The hash chain proves order and integrity, not time: whoever holds the store could rebuild a
//! whole chain at any moment. A timestamp fixes a head — hence every entry before it — in time.
//!
//! Timestamps live in their own append-only table, `timestamps`, not in the log: an entry of its
//! own would move the head it stamps (so no head would ever be stamped), would show up among the
//! items in listings, exports and analysis, and the response cannot sit inside the entry it
//! certifies. A timestamp needs no chain to protect it: it is signed by the authority and names
//! its head by hash, so a timestamp removed or altered is simply one that no longer verifies.
//! It is stored in the clear even in an encrypted store: it holds a hash, a time and public
//! certificates, nothing personal.

use rusqlite::{OptionalExtension, params};
use yuqi_evidence::package::tsp;

use super::tsa::{self, SigCheck, TsaError};
use super::verify::{Problem, VerifyReport};
use super::{Store, StoreError, now};
use crate::schema::TIMESTAMP_SCHEMA;

/// Where to ask for timestamps.
#[derive(Debug, Clone, Default)]
pub struct TsaConfig {
    /// The authority's address (`http://…`).
    pub url: String,
    /// The authority's CA certificates (PEM): stored with each timestamp and used as the trust
    /// anchor when verifying. Without it, verification uses the system's trust store.
    pub ca_pem: Option<Vec<u8>>,
}

#[derive(Debug, thiserror::Error)]
pub enum TimestampError {
    #[error(transparent)]
    Tsa(#[from] TsaError),
    #[error("时间戳服务 {url} 的回应不能用：{why}")]
    Refused { url: String, why: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Marks the one-line note [`Store::stamp_after_import`] gives, so a shell can pick it out.
pub const TIMESTAMP_NOTE: &str = "可信时间戳：";

impl TsaConfig {
    /// The authority from the environment: `YUQI_TSA` (its address) and `YUQI_TSA_CA` (a PEM
    /// file of its CA certificates). `Ok(None)` when `YUQI_TSA` is unset: timestamps are off.
    /// For the web app (`yuqi serve`), which has no per-import flags.
    pub fn from_env() -> Result<Option<TsaConfig>, String> {
        TsaConfig::from_vars(std::env::var("YUQI_TSA").ok(), std::env::var_os("YUQI_TSA_CA"))
    }

    /// [`TsaConfig::from_env`] from the two values given.
    pub fn from_vars(url: Option<String>, ca: Option<std::ffi::OsString>) -> Result<Option<TsaConfig>, String> {
        let Some(url) = url.filter(|u| !u.trim().is_empty()) else { return Ok(None) };
        let ca_pem = match ca.filter(|v| !v.is_empty()) {
            Some(p) => Some(std::fs::read(&p).map_err(|_| {
                format!("无法读取时间戳机构的根证书 {}（环境变量 YUQI_TSA_CA）", std::path::Path::new(&p).display())
            })?),
            None => None,
        };
        Ok(Some(TsaConfig { url: url.trim().to_string(), ca_pem }))
    }
}

/// A timestamp obtained and stored.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StampReport {
    pub head_seq: u64,
    pub head_hash: String,
    pub tsa: String,
    /// When the authority signed, in China time.
    pub gen_time: String,
}

/// A stored timestamp, checked.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TimestampCheck {
    pub head_seq: u64,
    pub head_hash: String,
    pub tsa: String,
    /// When the authority signed, in China time (empty when the response does not read).
    pub gen_time: String,
    /// Whether the signature and the certificate chain were checked and held.
    pub signature_verified: bool,
    /// Why the signature was not checked (no openssl), when it was not.
    pub not_checked: Option<String>,
}

/// One row of the `timestamps` table.
pub(crate) struct StoredStamp {
    pub(crate) head_seq: u64,
    pub(crate) head_hash: String,
    pub(crate) tsa_url: String,
    pub(crate) nonce: String,
    pub(crate) response: Vec<u8>,
    pub(crate) certs: Option<Vec<u8>>,
}

impl Store {
    fn has_timestamp_table(&self) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'timestamps'", [], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// Every stored timestamp, by head. A store made before timestamps existed has none.
    pub(crate) fn stored_timestamps(&self) -> Result<Vec<StoredStamp>, StoreError> {
        if !self.has_timestamp_table()? {
            return Ok(Vec::new());
        }
        let mut stmt = self
            .conn
            .prepare("SELECT head_seq, head_hash, tsa_url, nonce, response, certs FROM timestamps ORDER BY head_seq")?;
        let rows = stmt.query_map([], |r| {
            Ok(StoredStamp {
                head_seq: r.get::<_, i64>(0)? as u64,
                head_hash: r.get(1)?,
                tsa_url: r.get(2)?,
                nonce: r.get(3)?,
                response: r.get(4)?,
                certs: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Asks the authority for a timestamp over the current chain head and stores it. `None` when
    /// the chain is empty or its head already has one. Nothing of the store changes on failure.
    pub fn timestamp_head(&self, cfg: &TsaConfig) -> Result<Option<StampReport>, TimestampError> {
        let head: Option<(i64, String)> = self
            .conn
            .query_row("SELECT seq, entry_hash FROM log ORDER BY seq DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .map_err(StoreError::from)?;
        let Some((seq, hash)) = head else { return Ok(None) };
        let seq = seq as u64;
        if self.stored_timestamps()?.iter().any(|t| t.head_seq == seq) {
            return Ok(None);
        }
        let mut nonce = [0u8; 8];
        getrandom::fill(&mut nonce).map_err(|e| StoreError::Invalid(format!("无法生成随机数：{e}")))?;
        let nonce = tsp::fix_nonce(nonce);
        let req = tsp::request_der(&tsp::head_imprint(seq, &hash), &nonce);
        let requested_at = now();
        let der = tsa::post(&cfg.url, &req)?;
        let refused = |why: String| TimestampError::Refused { url: cfg.url.clone(), why };
        let stamp = tsp::parse_response(&der).map_err(|e| refused(e.to_string()))?;
        if let Some(why) = tsp::check(&stamp, seq, &hash, &nonce).into_iter().next() {
            return Err(refused(why));
        }
        let tx = self.conn.unchecked_transaction().map_err(StoreError::from)?;
        tx.execute_batch(TIMESTAMP_SCHEMA).map_err(StoreError::from)?;
        tx.execute(
            "INSERT INTO timestamps (head_seq, head_hash, tsa_url, requested_at, nonce, response, certs) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![seq as i64, hash, cfg.url, requested_at, hex_encode(nonce), der, cfg.ca_pem],
        )
        .map_err(StoreError::from)?;
        tx.commit().map_err(StoreError::from)?;
        Ok(Some(StampReport { head_seq: seq, head_hash: hash, tsa: cfg.url.clone(), gen_time: stamp.gen_time_china() }))
    }

    /// After an import that added entries: asks the authority configured in the environment
    /// ([`TsaConfig::from_env`]) for a timestamp over the new head. Returns one Chinese line for
    /// the user starting with [`TIMESTAMP_NOTE`] — the time obtained, or why none was (the
    /// import stays saved either way) — or `None` when timestamps are off or nothing was needed.
    pub fn stamp_after_import(&self) -> Option<String> {
        self.stamp_note(TsaConfig::from_env())
    }

    /// [`Store::stamp_after_import`] with the configuration given.
    pub fn stamp_note(&self, cfg: Result<Option<TsaConfig>, String>) -> Option<String> {
        let cfg = match cfg {
            Ok(Some(c)) => c,
            Ok(None) => return None,
            Err(why) => return Some(format!("{TIMESTAMP_NOTE}未能取得：{why}；证据已导入并保存。")),
        };
        match self.timestamp_head(&cfg) {
            Ok(Some(r)) => Some(format!(
                "{TIMESTAMP_NOTE}第 {} 条链头最晚在 {}已经存在（由 {} 签名）。",
                r.head_seq, r.gen_time, r.tsa
            )),
            Ok(None) => None,
            Err(e) => Some(format!("{TIMESTAMP_NOTE}未能取得（{e}）；证据已导入并保存。")),
        }
    }

    /// Checks every stored timestamp: the response reads and was granted, it stamps the head it
    /// claims with the nonce sent, that head is in the log, and its signature and certificate
    /// chain hold (against `trust_ca` when given, else the certificates stored with it, else the
    /// system's trust store). Findings go to `rep`.
    pub(crate) fn verify_timestamps(&self, trust_ca: Option<&[u8]>, rep: &mut VerifyReport) {
        let stamps = match self.stored_timestamps() {
            Ok(s) => s,
            Err(e) => {
                rep.problems.push(stamp_problem(0, format!("时间戳无法读取：{e}")));
                return;
            }
        };
        for t in stamps {
            let problem = |what: String| stamp_problem(t.head_seq, what);
            let in_log: Option<String> = self
                .conn
                .query_row("SELECT entry_hash FROM log WHERE seq = ?1", params![t.head_seq as i64], |r| r.get(0))
                .optional()
                .unwrap_or(None);
            if in_log.as_deref() != Some(t.head_hash.as_str()) {
                rep.problems.push(problem("它所盖的链头不在哈希链中：记录被改写或删除".into()));
                continue;
            }
            let stamp = match tsp::parse_response(&t.response) {
                Ok(s) => s,
                Err(e) => {
                    rep.problems.push(problem(e.to_string()));
                    continue;
                }
            };
            let nonce = hex_decode(&t.nonce).unwrap_or_default();
            let found = tsp::check(&stamp, t.head_seq, &t.head_hash, &nonce);
            if !found.is_empty() {
                rep.problems.extend(found.into_iter().map(problem));
                continue;
            }
            let imprint = hex_encode(tsp::head_imprint(t.head_seq, &t.head_hash));
            let (signature_verified, not_checked) =
                match tsa::openssl_verify(&t.response, &imprint, trust_ca.or(t.certs.as_deref())) {
                    SigCheck::Verified => (true, None),
                    SigCheck::NotChecked(why) => (false, Some(why)),
                    SigCheck::Failed(why) => {
                        rep.problems.push(problem(why));
                        continue;
                    }
                };
            rep.timestamps.push(TimestampCheck {
                head_seq: t.head_seq,
                head_hash: t.head_hash,
                tsa: t.tsa_url,
                gen_time: stamp.gen_time_china(),
                signature_verified,
                not_checked,
            });
        }
    }
}

fn hex_encode(b: impl AsRef<[u8]>) -> String {
    b.as_ref().iter().map(|x| format!("{x:02x}")).collect()
}

fn hex_decode(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.is_ascii() {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok()).collect()
}

fn stamp_problem(head_seq: u64, what: String) -> Problem {
    Problem { seq: 0, kind: "timestamp".into(), origin: format!("第 {head_seq} 条链头的可信时间戳"), what }
}

/// Checks the signature and certificates of a timestamp carried by an evidence package (see
/// `yuqi_evidence::package::PackageTimestampSeen`, whose other checks the package verifier made).
pub fn verify_package_timestamp(head_seq: u64, head_hash: &str, response: &[u8], certs: Option<&[u8]>) -> SigCheck {
    tsa::openssl_verify(response, &hex_encode(tsp::head_imprint(head_seq, head_hash)), certs)
}

//! RFC 3161 trusted timestamps over a chain head: the request we send and the parts of the
//! answer we check without cryptography. Pure: no network, no clock, no process.
//!
//! What is stamped is the SHA-256 of the ASCII text `"<seq>:<entry_hash>"` of the head (for
//! example `12:9f86d0…`): [`head_message`]. The entry hash alone would do (it covers the
//! sequence number), but the text form lets a reader recompute the stamped digest by hand with
//! `printf '%s' '12:9f86…' | sha256sum`.
//!
//! The DER is written and read here by hand: the workspace has no CMS or X.509 crate, and the
//! few structures involved (TimeStampReq, TimeStampResp down to TSTInfo) are small and fixed.
//! Only definite-length DER is read; a response in BER with indefinite lengths is refused. The
//! CMS signature and the certificate path are checked by the shells (with `openssl ts -verify`),
//! not here.

use sha2::{Digest as _, Sha256};

/// OID 2.16.840.1.101.3.4.2.1 (SHA-256), DER content bytes.
const OID_SHA256: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01];
/// OID 1.2.840.113549.1.7.2 (CMS SignedData).
const OID_SIGNED_DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02];
/// OID 1.2.840.113549.1.9.16.1.4 (id-ct-TSTInfo).
const OID_TST_INFO: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x10, 0x01, 0x04];

/// The text whose SHA-256 is stamped for a chain head.
pub fn head_message(seq: u64, entry_hash: &str) -> String {
    format!("{seq}:{entry_hash}")
}

/// The SHA-256 that a timestamp over this head must carry as its message imprint.
pub fn head_imprint(seq: u64, entry_hash: &str) -> [u8; 32] {
    Sha256::digest(head_message(seq, entry_hash).as_bytes()).into()
}

/// Path of a timestamp response in a package.
pub fn response_path(head_seq: u64) -> String {
    format!("timestamps/{head_seq:06}.tsr")
}

/// Path of the authority's certificates (PEM) for a timestamp in a package.
pub fn certs_path(head_seq: u64) -> String {
    format!("timestamps/{head_seq:06}-ca.pem")
}

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = content.len();
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let bytes = n.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}

/// Makes a nonce a positive, minimally encoded DER INTEGER: first byte in 0x40..=0x7f.
pub fn fix_nonce(mut nonce: [u8; 8]) -> [u8; 8] {
    nonce[0] = (nonce[0] & 0x7f) | 0x40;
    nonce
}

/// A DER TimeStampReq (RFC 3161 §2.4.1): version 1, SHA-256 imprint, the nonce (as from
/// [`fix_nonce`]), certReq TRUE so the authority includes its certificate.
pub fn request_der(imprint: &[u8; 32], nonce: &[u8; 8]) -> Vec<u8> {
    let alg = tlv(0x30, &[tlv(0x06, OID_SHA256), vec![0x05, 0x00]].concat());
    let imprint = tlv(0x30, &[alg, tlv(0x04, imprint)].concat());
    let body = [tlv(0x02, &[1]), imprint, tlv(0x02, nonce), vec![0x01, 0x01, 0xff]].concat();
    tlv(0x30, &body)
}

/// What a TimeStampResp says, read without checking its signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    /// PKIStatus: 0 granted, 1 granted with modifications, 2 rejection, …
    pub status: i64,
    /// Whether the imprint's algorithm is SHA-256.
    pub sha256: bool,
    pub imprint: Vec<u8>,
    /// The nonce's INTEGER content bytes, leading zero bytes removed.
    pub nonce: Option<Vec<u8>>,
    /// genTime as written (GeneralizedTime, UTC).
    pub gen_time_raw: String,
    pub gen_time: Option<chrono::DateTime<chrono::Utc>>,
}

impl Stamp {
    pub fn granted(&self) -> bool {
        self.status == 0 || self.status == 1
    }

    /// genTime in China time, as a reader there expects it.
    pub fn gen_time_china(&self) -> String {
        match self.gen_time {
            Some(t) => format!("{}（北京时间）", t.with_timezone(&crate::import::china()).format("%Y-%m-%d %H:%M:%S")),
            None => self.gen_time_raw.clone(),
        }
    }
}

/// Why a response could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TspError {
    #[error("时间戳回应不是有效的 DER 数据（{0}）")]
    Der(&'static str),
    #[error("时间戳回应的结构不对（{0}）")]
    Shape(&'static str),
}

/// A minimal DER reader over a byte slice.
struct Der<'a> {
    b: &'a [u8],
}

impl<'a> Der<'a> {
    fn new(b: &'a [u8]) -> Der<'a> {
        Der { b }
    }

    fn is_empty(&self) -> bool {
        self.b.is_empty()
    }

    fn peek_tag(&self) -> Option<u8> {
        self.b.first().copied()
    }

    /// The next element: its tag and content.
    fn next(&mut self) -> Result<(u8, &'a [u8]), TspError> {
        let tag = *self.b.first().ok_or(TspError::Der("数据提前结束"))?;
        if tag & 0x1f == 0x1f {
            return Err(TspError::Der("不支持的多字节标签"));
        }
        let first = *self.b.get(1).ok_or(TspError::Der("数据提前结束"))?;
        let (len, head) = if first < 0x80 {
            (first as usize, 2)
        } else if first == 0x80 {
            return Err(TspError::Der("不定长编码（BER），不是 DER"));
        } else {
            let n = (first & 0x7f) as usize;
            if n > 4 {
                return Err(TspError::Der("长度过大"));
            }
            let bytes = self.b.get(2..2 + n).ok_or(TspError::Der("数据提前结束"))?;
            (bytes.iter().fold(0usize, |acc, b| (acc << 8) | *b as usize), 2 + n)
        };
        let end = head.checked_add(len).ok_or(TspError::Der("长度过大"))?;
        let content = self.b.get(head..end).ok_or(TspError::Der("长度超出数据"))?;
        self.b = &self.b[end..];
        Ok((tag, content))
    }

    fn expect(&mut self, tag: u8, what: &'static str) -> Result<&'a [u8], TspError> {
        match self.next()? {
            (t, c) if t == tag => Ok(c),
            _ => Err(TspError::Shape(what)),
        }
    }
}

fn integer(c: &[u8]) -> Result<i64, TspError> {
    if c.is_empty() || c.len() > 8 {
        return Err(TspError::Shape("状态值"));
    }
    let mut v: i64 = if c[0] & 0x80 != 0 { -1 } else { 0 };
    for b in c {
        v = (v << 8) | *b as i64;
    }
    Ok(v)
}

fn strip_zeros(c: &[u8]) -> Vec<u8> {
    let skip = c.iter().take_while(|b| **b == 0).count().min(c.len().saturating_sub(1));
    c[skip..].to_vec()
}

fn generalized_time(raw: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    // YYYYMMDDHHMMSS[.fff]Z (RFC 3161 requires UTC, "Z").
    let body = raw.strip_suffix('Z')?;
    let (main, frac) = body.split_once('.').unwrap_or((body, ""));
    let t = chrono::NaiveDateTime::parse_from_str(main, "%Y%m%d%H%M%S").ok()?;
    let mut t = t.and_utc();
    if !frac.is_empty() {
        let digits: String = frac.chars().take(9).collect();
        let nanos: i64 = format!("{digits:0<9}").parse().ok()?;
        t += chrono::Duration::nanoseconds(nanos);
    }
    Some(t)
}

/// Reads a DER TimeStampResp. A response without a token (a rejection) has status ≥ 2 and
/// empty imprint; everything else must be complete.
pub fn parse_response(der: &[u8]) -> Result<Stamp, TspError> {
    let mut top = Der::new(der);
    let resp = top.expect(0x30, "TimeStampResp")?;
    if !top.is_empty() {
        return Err(TspError::Der("末尾有多余数据"));
    }
    let mut resp = Der::new(resp);
    let mut status_info = Der::new(resp.expect(0x30, "PKIStatusInfo")?);
    let status = integer(status_info.expect(0x02, "PKIStatus")?)?;
    let mut stamp =
        Stamp { status, sha256: false, imprint: Vec::new(), nonce: None, gen_time_raw: String::new(), gen_time: None };
    if resp.is_empty() {
        return Ok(stamp);
    }
    // ContentInfo { contentType signedData, content [0] EXPLICIT SignedData }
    let mut ci = Der::new(resp.expect(0x30, "ContentInfo")?);
    if ci.expect(0x06, "contentType")? != OID_SIGNED_DATA {
        return Err(TspError::Shape("不是 CMS SignedData"));
    }
    let mut wrapped = Der::new(ci.expect(0xa0, "content")?);
    let mut sd = Der::new(wrapped.expect(0x30, "SignedData")?);
    sd.expect(0x02, "SignedData.version")?;
    sd.expect(0x31, "digestAlgorithms")?;
    let mut eci = Der::new(sd.expect(0x30, "encapContentInfo")?);
    if eci.expect(0x06, "eContentType")? != OID_TST_INFO {
        return Err(TspError::Shape("签名内容不是 TSTInfo"));
    }
    let mut econtent = Der::new(eci.expect(0xa0, "eContent")?);
    let tst = econtent.expect(0x04, "eContent OCTET STRING")?;
    let mut tst = Der::new(Der::new(tst).expect(0x30, "TSTInfo")?);
    tst.expect(0x02, "TSTInfo.version")?;
    tst.expect(0x06, "policy")?;
    let mut mi = Der::new(tst.expect(0x30, "messageImprint")?);
    let mut alg = Der::new(mi.expect(0x30, "hashAlgorithm")?);
    stamp.sha256 = alg.expect(0x06, "hashAlgorithm OID")? == OID_SHA256;
    stamp.imprint = mi.expect(0x04, "hashedMessage")?.to_vec();
    tst.expect(0x02, "serialNumber")?;
    let gt = tst.expect(0x18, "genTime")?;
    stamp.gen_time_raw = String::from_utf8_lossy(gt).into_owned();
    stamp.gen_time = generalized_time(&stamp.gen_time_raw);
    if stamp.gen_time.is_none() {
        return Err(TspError::Shape("genTime"));
    }
    // accuracy SEQUENCE OPTIONAL, ordering BOOLEAN DEFAULT FALSE, nonce INTEGER OPTIONAL, …
    while let Some(tag) = tst.peek_tag() {
        let (tag2, c) = tst.next()?;
        debug_assert_eq!(tag, tag2);
        if tag == 0x02 {
            stamp.nonce = Some(strip_zeros(c));
            break;
        }
        if tag != 0x30 && tag != 0x01 {
            break;
        }
    }
    Ok(stamp)
}

/// The checks that need no cryptography, for a timestamp that claims to be over `(seq, hash)`
/// with the nonce we sent: each failure in Chinese. Empty when all pass.
pub fn check(stamp: &Stamp, seq: u64, entry_hash: &str, nonce: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    if !stamp.granted() {
        out.push(format!("时间戳服务机构拒绝了请求（状态 {}），回应中没有时间戳", stamp.status));
        return out;
    }
    if !stamp.sha256 {
        out.push("时间戳使用的摘要算法不是 SHA-256".into());
    }
    if stamp.imprint != head_imprint(seq, entry_hash) {
        out.push(format!("时间戳所盖的摘要与第 {seq} 条链头不符：时间戳属于别的数据，或链头被改动"));
    }
    if stamp.nonce.as_deref() != Some(strip_zeros(nonce).as_slice()) {
        out.push("时间戳中的随机数（nonce）与请求时发送的不符：回应可能是重放或被替换".into());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_is_der_with_imprint_nonce_and_cert_req() {
        let imprint = head_imprint(3, "ab");
        let nonce = fix_nonce([0xff; 8]);
        let req = request_der(&imprint, &nonce);
        assert_eq!(req[0], 0x30);
        assert_eq!(req[1] as usize, req.len() - 2);
        assert!(req.windows(32).any(|w| w == imprint));
        assert!(req.ends_with(&[0x02, 0x08, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x01, 0xff]));
    }

    #[test]
    fn long_lengths_encode_in_long_form() {
        let t = tlv(0x04, &[0u8; 300]);
        assert_eq!(&t[..4], &[0x04, 0x82, 0x01, 0x2c]);
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for bytes in [&[][..], &[0x30], &[0x30, 0x80], &[0x30, 0x85, 1, 1, 1, 1, 1], &[0x30, 0x05, 0x30], &[0xff; 10]] {
            assert!(parse_response(bytes).is_err(), "{bytes:?}");
        }
        // A rejection: status 2 and no token.
        let s = parse_response(&[0x30, 0x05, 0x30, 0x03, 0x02, 0x01, 0x02]).unwrap();
        assert!(!s.granted());
        assert_eq!(check(&s, 1, "x", &[1]).len(), 1);
    }

    #[test]
    fn generalized_time_reads_fractions() {
        let t = generalized_time("20261205214502.5Z").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-12-05T21:45:02.500+00:00");
        assert!(generalized_time("20261205214502").is_none());
    }
}

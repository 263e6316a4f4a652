//! Talking to a time-stamping authority (RFC 3161 over HTTP, RFC 3161 §3.4) and checking its
//! signature with `openssl ts -verify`.
//!
//! The HTTP client is a few lines over `std::net`: one POST, `Connection: close`, the answer
//! read up to a fixed bound. The workspace's HTTP stack (hyper) is async and lives in the web
//! app; linking it and a runtime into the store for one request would be heavy. Only `http://`
//! is spoken: the response is signed by the authority, so TLS adds no integrity, and only a
//! hash leaves the machine (no personal data).
//!
//! The CMS signature and the certificate path are checked by `openssl ts -verify`, not in Rust:
//! the workspace has no CMS/X.509 crate, and hand-written certificate-path validation is a
//! classic source of security bugs. OpenSSL is the reference implementation of RFC 3161 on
//! Debian. Without it the check is reported as not done, never as passed.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::process::Command;
use std::time::Duration;

/// The longest answer read from an authority (a response with a few certificates is < 10 KiB).
const MAX_RESPONSE: u64 = 1 << 20;
const TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Debug, thiserror::Error)]
pub enum TsaError {
    #[error("时间戳服务地址“{0}”无效：应为 http://主机[:端口]/路径 的形式（时间戳回应本身带有机构签名，不需要 https）")]
    BadUrl(String),
    #[error("无法连接时间戳服务 {url}：{why}")]
    Unreachable { url: String, why: String },
    #[error("时间戳服务 {url} 回应出错（HTTP {code}）")]
    Http { url: String, code: u16 },
    #[error("时间戳服务 {url} 的回应无效：{why}")]
    BadResponse { url: String, why: String },
}

fn io_zh(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        ConnectionRefused => "连接被拒绝（服务没有运行或地址有误）".into(),
        TimedOut | WouldBlock => "等待超时".into(),
        ConnectionReset | ConnectionAborted | UnexpectedEof => "连接中断".into(),
        NotFound => "找不到这个主机".into(),
        _ => "网络不通或地址有误".into(),
    }
}

/// Host, port and path of an `http://` address.
fn split_url(url: &str) -> Option<(String, u16, String)> {
    let rest = url.strip_prefix("http://")?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], rest[i..].to_string()),
        None => (rest, "/".to_string()),
    };
    if authority.is_empty() || authority.contains('@') || path.chars().any(|c| c.is_control() || c == ' ') {
        return None;
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || h.starts_with('[') => (h.to_string(), p.parse().ok()?),
        _ => (authority.to_string(), 80),
    };
    Some((host.trim_start_matches('[').trim_end_matches(']').to_string(), port, path))
}

/// POSTs a TimeStampReq and returns the body of the answer (a DER TimeStampResp).
pub(crate) fn post(url: &str, body: &[u8]) -> Result<Vec<u8>, TsaError> {
    let (host, port, path) = split_url(url).ok_or_else(|| TsaError::BadUrl(url.to_string()))?;
    let unreachable = |why: String| TsaError::Unreachable { url: url.to_string(), why };
    let bad = |why: &str| TsaError::BadResponse { url: url.to_string(), why: why.to_string() };
    let addrs: Vec<_> =
        (host.as_str(), port).to_socket_addrs().map_err(|_| unreachable("找不到这个主机".into()))?.collect();
    let mut last = None;
    let mut stream = None;
    for a in addrs {
        match TcpStream::connect_timeout(&a, TIMEOUT) {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(e) => last = Some(e),
        }
    }
    let mut s = stream.ok_or_else(|| unreachable(last.as_ref().map_or("找不到这个主机".into(), io_zh)))?;
    let io = |e: std::io::Error| unreachable(io_zh(&e));
    s.set_read_timeout(Some(TIMEOUT)).map_err(io)?;
    s.set_write_timeout(Some(TIMEOUT)).map_err(io)?;
    let host_header = if port == 80 { host.clone() } else { format!("{host}:{port}") };
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {host_header}\r\nContent-Type: application/timestamp-query\r\n\
         Accept: application/timestamp-reply\r\nContent-Length: {}\r\nConnection: close\r\nUser-Agent: yuqi\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).map_err(io)?;
    s.write_all(body).map_err(io)?;
    s.flush().map_err(io)?;
    let raw = read_answer(&mut s).map_err(io)?;
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").ok_or_else(|| bad("不是 HTTP 回应"))?;
    let headers = String::from_utf8_lossy(&raw[..end]).to_string();
    let mut rest = raw[end + 4..].to_vec();
    let mut lines = headers.lines();
    let status = lines.next().unwrap_or_default();
    let code: u16 = status
        .strip_prefix("HTTP/1.")
        .and_then(|s| s.get(2..5))
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| bad("不是 HTTP 回应"))?;
    if code != 200 {
        return Err(TsaError::Http { url: url.to_string(), code });
    }
    let mut chunked = false;
    let mut length = None;
    for l in lines {
        let Some((k, v)) = l.split_once(':') else { continue };
        let (k, v) = (k.trim().to_ascii_lowercase(), v.trim());
        if k == "transfer-encoding" && v.to_ascii_lowercase().contains("chunked") {
            chunked = true;
        } else if k == "content-length" {
            length = v.parse::<usize>().ok();
        }
    }
    if chunked {
        rest = dechunk(&rest).ok_or_else(|| bad("分块编码不完整"))?;
    } else if let Some(n) = length {
        if rest.len() < n {
            return Err(bad("回应被截断"));
        }
        rest.truncate(n);
    }
    if rest.len() as u64 > MAX_RESPONSE {
        return Err(bad("回应过大"));
    }
    Ok(rest)
}

/// Reads the answer until the server closes the connection or, for a server that keeps it open
/// despite `Connection: close`, until the body its Content-Length announces is complete (waiting
/// for the close would only run into the timeout). Never more than the bound.
fn read_answer(s: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    let limit = (MAX_RESPONSE + 16 * 1024) as usize;
    let mut raw = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        let n = s.read(&mut buf)?;
        if n == 0 {
            return Ok(raw);
        }
        raw.extend_from_slice(&buf[..n]);
        if raw.len() >= limit {
            return Ok(raw);
        }
        let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") else { continue };
        let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
        let length =
            head.lines().find_map(|l| l.strip_prefix("content-length:").and_then(|v| v.trim().parse::<usize>().ok()));
        match length {
            Some(len) if raw.len() >= end + 4 + len => return Ok(raw),
            None if head.contains("chunked") && raw.ends_with(b"0\r\n\r\n") => return Ok(raw),
            _ => {}
        }
    }
}

fn dechunk(mut b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let eol = b.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&b[..eol]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        b = &b[eol + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(b.get(..size)?);
        b = b.get(size + 2..)?;
    }
}

/// How a timestamp's signature check went (each reason in Chinese).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SigCheck {
    Verified,
    Failed(String),
    /// openssl could not be run: nothing was checked.
    NotChecked(String),
}

/// The openssl binary: `YUQI_OPENSSL` when set, else `openssl` on PATH.
fn openssl() -> std::ffi::OsString {
    std::env::var_os("YUQI_OPENSSL").filter(|v| !v.is_empty()).unwrap_or_else(|| "openssl".into())
}

/// Checks a DER TimeStampResp with `openssl ts -verify`: the CMS signature, that it stamps
/// `imprint_hex`, and that the signer's certificate chains to `ca_pem` (or, without one, to the
/// system's trust store in /etc/ssl/certs).
pub(crate) fn openssl_verify(der: &[u8], imprint_hex: &str, ca_pem: Option<&[u8]>) -> SigCheck {
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let dir = std::env::temp_dir().join(format!("yuqi-ts-{}-{nanos}-{n}", std::process::id()));
    if std::fs::create_dir(&dir).is_err() {
        return SigCheck::NotChecked("无法创建临时目录".into());
    }
    let result = (|| {
        let resp = dir.join("resp.tsr");
        std::fs::write(&resp, der).map_err(|_| SigCheck::NotChecked("无法写入临时文件".into()))?;
        let mut cmd = Command::new(openssl());
        cmd.args(["ts", "-verify", "-digest", imprint_hex, "-in"]).arg(&resp);
        match ca_pem {
            Some(pem) => {
                let ca = dir.join("ca.pem");
                std::fs::write(&ca, pem).map_err(|_| SigCheck::NotChecked("无法写入临时文件".into()))?;
                cmd.arg("-CAfile").arg(&ca);
            }
            None => {
                cmd.args(["-CApath", "/etc/ssl/certs"]);
            }
        }
        let out = cmd.output().map_err(|e| {
            SigCheck::NotChecked(if e.kind() == std::io::ErrorKind::NotFound {
                "本机没有 openssl，签名和证书未核对（安装 openssl 后再运行核验）".into()
            } else {
                "无法运行 openssl，签名和证书未核对".into()
            })
        })?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        if out.status.success() && stdout.contains("Verification: OK") {
            return Ok(());
        }
        let err = String::from_utf8_lossy(&out.stderr);
        Err(SigCheck::Failed(if err.contains("imprint mismatch") {
            "签名所盖的摘要与链头不符".into()
        } else if err.contains("certificate verify error") {
            "机构的证书无法追溯到信任的根证书（证书链不对、证书过期，或没有配置该机构的根证书）".into()
        } else if err.contains("signature failure") || err.contains("signature") {
            "签名无效：时间戳被改动或伪造".into()
        } else {
            "签名或证书核对未通过：时间戳被改动、伪造，或不是该机构签发".into()
        }))
    })();
    let _ = std::fs::remove_dir_all(&dir);
    match result {
        Ok(()) => SigCheck::Verified,
        Err(e) => e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_split_into_host_port_and_path() {
        assert_eq!(split_url("http://tsa.example/ts"), Some(("tsa.example".into(), 80, "/ts".into())));
        assert_eq!(split_url("http://127.0.0.1:3180"), Some(("127.0.0.1".into(), 3180, "/".into())));
        assert_eq!(split_url("http://[::1]:8080/x"), Some(("::1".into(), 8080, "/x".into())));
        for bad in ["https://tsa.example/", "ftp://x", "http://", "http://u@h/", "http://h/a b", "http://h:port/"] {
            assert_eq!(split_url(bad), None, "{bad}");
        }
    }

    #[test]
    fn chunked_bodies_are_joined() {
        assert_eq!(dechunk(b"3\r\nabc\r\n2;x\r\nde\r\n0\r\n\r\n").as_deref(), Some(&b"abcde"[..]));
        assert_eq!(dechunk(b"5\r\nab"), None);
    }
}

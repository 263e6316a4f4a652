//! Trusted timestamps (RFC 3161) end to end, against a time-stamping authority the test runs
//! itself: a throwaway CA and TSA certificate made with openssl in a temporary directory, and a
//! tiny HTTP server that pipes each request through `openssl ts -reply`.
//!
//! Without openssl the tests print why and pass, except under CI, which must run them.

#![allow(clippy::unwrap_used)] // helpers outside #[test] functions

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_yuqi"));
    c.env_remove("YUQI_STORE")
        .env_remove("YUQI_PASSPHRASE")
        .env_remove("YUQI_TSA")
        .env_remove("YUQI_TSA_CA")
        .env_remove("YUQI_OPENSSL");
    c
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().unwrap()
}

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/evidence").join(name).display().to_string()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

#[allow(clippy::print_stderr)] // the notice of a skipped test
fn have_openssl() -> bool {
    let ok = Command::new("openssl").arg("version").output().is_ok_and(|o| o.status.success());
    if !ok {
        assert!(std::env::var_os("CI").is_none(), "CI must run the timestamp tests: install openssl");
        eprintln!("SKIP: openssl is not installed; the trusted-timestamp tests need it as the test authority");
    }
    ok
}

/// How the test authority answers.
const HONEST: u8 = 0;
/// A response whose signature was altered after signing.
const TAMPER: u8 = 1;
/// The previous response again, whatever was asked (a replay: wrong head, wrong nonce).
const REPLAY: u8 = 2;
/// An honest answer on a connection the server then keeps open (despite `Connection: close`).
const KEEP_OPEN: u8 = 3;

struct Authority {
    url: String,
    ca: PathBuf,
    mode: Arc<AtomicU8>,
}

fn openssl(dir: &Path, args: &[&str]) {
    let o = Command::new("openssl").args(args).current_dir(dir).output().unwrap();
    assert!(o.status.success(), "openssl {args:?}: {}", out(&o));
}

/// A CA, a TSA certificate (extendedKeyUsage critical timeStamping) and a server on a free port.
fn authority(dir: &Path) -> Authority {
    std::fs::create_dir_all(dir).unwrap();
    let d = s(dir);
    std::fs::write(
        dir.join("tsa.cnf"),
        format!(
            "[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = Test CA\n\
             [v3_ca]\nbasicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\nsubjectKeyIdentifier = hash\n\
             [v3_tsa]\nbasicConstraints = critical,CA:FALSE\nextendedKeyUsage = critical,timeStamping\n\
             keyUsage = critical,digitalSignature\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n\
             [tsa]\ndefault_tsa = tsa1\n[tsa1]\ndir = {d}\nserial = {d}/serial\nsigner_cert = {d}/tsa.crt\n\
             signer_key = {d}/tsa.key\ncerts = {d}/ca.crt\nsigner_digest = sha256\ndefault_policy = 1.2.3.4.1\n\
             digests = sha256\naccuracy = secs:1\nordering = no\ntsa_name = no\ness_cert_id_chain = no\n\
             ess_cert_id_alg = sha256\n"
        ),
    )
    .unwrap();
    std::fs::write(dir.join("serial"), "01\n").unwrap();
    let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
    let mut a = vec!["req", "-x509"];
    a.extend(ec);
    a.extend(["-keyout", "ca.key", "-out", "ca.crt", "-days", "30", "-config", "tsa.cnf", "-extensions", "v3_ca"]);
    openssl(dir, &a);
    let mut a = vec!["req", "-new"];
    a.extend(ec);
    a.extend(["-keyout", "tsa.key", "-out", "tsa.csr", "-subj", "/CN=Test TSA"]);
    openssl(dir, &a);
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "tsa.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "tsa.crt",
            "-days",
            "30",
            "-extfile",
            "tsa.cnf",
            "-extensions",
            "v3_tsa",
        ],
    );
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/tsa", listener.local_addr().unwrap());
    let mode = Arc::new(AtomicU8::new(HONEST));
    let (m, dir2) = (mode.clone(), dir.to_path_buf());
    let last: Arc<Mutex<Vec<u8>>> = Arc::default();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut c) = conn else { continue };
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            let body = loop {
                let n = c.read(&mut chunk).unwrap_or(0);
                if n == 0 {
                    break None;
                }
                buf.extend_from_slice(&chunk[..n]);
                if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    let head = String::from_utf8_lossy(&buf[..end]).to_lowercase();
                    let len: usize = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:").map(|v| v.trim().parse().unwrap_or(0)))
                        .unwrap_or(0);
                    if buf.len() >= end + 4 + len {
                        break Some(buf[end + 4..end + 4 + len].to_vec());
                    }
                }
            };
            let Some(body) = body else { continue };
            std::fs::write(dir2.join("q.tsq"), &body).unwrap();
            let o = Command::new("openssl")
                .args(["ts", "-reply", "-queryfile", "q.tsq", "-config", "tsa.cnf", "-out", "r.tsr"])
                .current_dir(&dir2)
                .output()
                .unwrap();
            let mut resp = if o.status.success() { std::fs::read(dir2.join("r.tsr")).unwrap() } else { Vec::new() };
            let mut prev = last.lock().unwrap();
            match m.load(Ordering::SeqCst) {
                TAMPER => {
                    // The last bytes are the signature value.
                    let n = resp.len();
                    resp[n - 3] ^= 0x55;
                }
                REPLAY if !prev.is_empty() => resp = prev.clone(),
                _ => {}
            }
            *prev = resp.clone();
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/timestamp-reply\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                resp.len()
            );
            let _ = c.write_all(head.as_bytes());
            let _ = c.write_all(&resp);
            if m.load(Ordering::SeqCst) == KEEP_OPEN {
                std::thread::spawn(move || {
                    std::thread::sleep(std::time::Duration::from_secs(60));
                    drop(c);
                });
            }
        }
    });
    Authority { url, ca: dir.join("ca.crt"), mode }
}

fn entries(store: &str) -> u64 {
    let o = run(&["evidence", "verify", "--store", store, "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    v["entries"].as_u64().unwrap()
}

fn unzip_and_run_verify_py(pkg: &str, dir: &Path) -> Output {
    let unzip = Command::new("python3").args(["-m", "zipfile", "-e", pkg, &s(dir)]).status().unwrap();
    assert!(unzip.success());
    Command::new("python3").arg("verify.py").current_dir(dir).output().unwrap()
}

#[test]
fn a_timestamp_after_each_import_verifies_in_the_store_and_in_the_package() {
    if !have_openssl() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let tsa = authority(&tmp.path().join("tsa"));
    let store = s(&tmp.path().join("case"));
    assert!(run(&["evidence", "init", "--store", &store]).status.success());

    // Off by default: an import without --tsa or YUQI_TSA asks nobody.
    let o = run(&["evidence", "import", "--store", &store, &fixture("calls.xml")]);
    assert!(o.status.success() && !out(&o).contains("时间戳"), "{}", out(&o));

    let ca = s(&tsa.ca);
    let o =
        run(&["evidence", "import", "--store", &store, "--tsa", &tsa.url, "--tsa-ca", &ca, &fixture("sms-basic.xml")]);
    assert!(o.status.success(), "{}", out(&o));
    assert!(out(&o).contains("已取得可信时间戳") && out(&o).contains("北京时间"), "{}", out(&o));
    let first_head = entries(&store);

    // The environment variables work as the flags do; the older head's timestamp stays valid.
    let o = bin()
        .args(["evidence", "import", "--store", &store, &fixture("calllog.csv")])
        .env("YUQI_TSA", &tsa.url)
        .env("YUQI_TSA_CA", &ca)
        .output()
        .unwrap();
    assert!(o.status.success() && out(&o).contains("已取得可信时间戳"), "{}", out(&o));
    let second_head = entries(&store);
    assert!(second_head > first_head);

    // Nothing new imported: no new timestamp asked for.
    let o = run(&["evidence", "import", "--store", &store, "--tsa", &tsa.url, &fixture("calllog.csv")]);
    assert!(o.status.success() && !out(&o).contains("已取得可信时间戳"), "{}", out(&o));

    let o = run(&["evidence", "verify", "--store", &store]);
    let text = out(&o);
    assert!(o.status.success() && text.contains("核验通过"), "{text}");
    for head in [first_head, second_head] {
        assert!(text.contains(&format!("第 {head} 条链头最晚在")) && text.contains("签名和证书已核对"), "{text}");
    }
    // A trust anchor that did not issue the authority's certificate fails the check.
    let other = authority(&tmp.path().join("other"));
    let o = run(&["evidence", "verify", "--store", &store, "--tsa-ca", &s(&other.ca)]);
    assert_eq!(o.status.code(), Some(3), "{}", out(&o));
    assert!(out(&o).contains("无法追溯到信任的根证书"), "{}", out(&o));
    // Without openssl the signature is reported as not checked, never as verified.
    let o = bin()
        .args(["evidence", "verify", "--store", &store])
        .env("YUQI_OPENSSL", "/nonexistent/openssl")
        .output()
        .unwrap();
    assert!(o.status.success() && out(&o).contains("本机没有 openssl"), "{}", out(&o));
    assert!(!out(&o).contains("签名和证书已核对"), "{}", out(&o));

    let pkg = s(&tmp.path().join("pkg.zip"));
    let o = run(&["evidence", "export", "--store", &store, "--out", &pkg, "--no-pdf"]);
    assert!(o.status.success(), "{}", out(&o));
    let o = run(&["evidence", "verify-package", &pkg]);
    let text = out(&o);
    assert!(o.status.success() && text.contains("证据包核验通过"), "{text}");
    assert!(text.contains(&format!("第 {second_head} 条链头最晚在")) && text.contains("签名和证书已核对"), "{text}");

    let dir = tmp.path().join("unzipped");
    let py = unzip_and_run_verify_py(&pkg, &dir);
    let text = out(&py);
    assert!(py.status.success() && text.contains("OK:"), "{text}");
    assert!(text.contains(&format!("timestamp: chain head {first_head} existed no later than")), "{text}");
    let readme = std::fs::read_to_string(dir.join("README.txt")).unwrap();
    assert!(readme.contains("可信时间戳") && readme.contains("最晚在机构签名的时间已经存在"), "{readme}");
    assert!(dir.join(format!("timestamps/{second_head:06}.tsr")).exists());
    assert!(dir.join(format!("timestamps/{second_head:06}-ca.pem")).exists());

    // A timestamp file altered in the unpacked package: verify.py names it.
    let tsr = dir.join(format!("timestamps/{first_head:06}.tsr"));
    let mut bytes = std::fs::read(&tsr).unwrap();
    let n = bytes.len();
    bytes[n - 3] ^= 1;
    std::fs::write(&tsr, bytes).unwrap();
    let py = Command::new("python3").arg("verify.py").current_dir(&dir).output().unwrap();
    assert!(!py.status.success() && out(&py).contains(&format!("{first_head:06}.tsr")), "{}", out(&py));
}

#[test]
fn a_bad_or_missing_authority_never_loses_the_import() {
    if !have_openssl() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let tsa = authority(&tmp.path().join("tsa"));
    let store = s(&tmp.path().join("case"));
    assert!(run(&["evidence", "init", "--store", &store]).status.success());

    // Down: a port nobody listens on. The import is kept; the warning says what to do.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let down = format!("http://{}/", closed.local_addr().unwrap());
    drop(closed);
    let o = run(&["evidence", "import", "--store", &store, "--tsa", &down, &fixture("calls.xml")]);
    assert!(o.status.success(), "{}", out(&o));
    assert!(out(&o).contains("证据已导入并保存，但未能取得可信时间戳") && out(&o).contains("无法连接"), "{}", out(&o));
    let after_first = entries(&store);
    assert!(after_first > 0);
    // An https address is refused with the reason, the import kept.
    let o = run(&["evidence", "import", "--store", &store, "--tsa", "https://tsa.example/", &fixture("calllog.csv")]);
    assert!(o.status.success() && out(&o).contains("不需要 https"), "{}", out(&o));

    // The timestamp can be asked for later (from a server that keeps the connection open: the
    // answer is complete at its Content-Length, long before the 20 s timeout).
    tsa.mode.store(KEEP_OPEN, Ordering::SeqCst);
    let started = std::time::Instant::now();
    let o = run(&["evidence", "timestamp", "--store", &store, "--tsa", &tsa.url, "--tsa-ca", &s(&tsa.ca)]);
    assert!(o.status.success() && out(&o).contains("已取得可信时间戳"), "{}", out(&o));
    assert!(started.elapsed().as_secs() < 10, "waited for the server to close: {:?}", started.elapsed());
    tsa.mode.store(HONEST, Ordering::SeqCst);
    let o = run(&["evidence", "timestamp", "--store", &store, "--tsa", &tsa.url]);
    assert!(o.status.success() && out(&o).contains("已有可信时间戳"), "{}", out(&o));

    // A replayed response (an older head's, with its nonce): refused, the import kept.
    tsa.mode.store(REPLAY, Ordering::SeqCst);
    let before = entries(&store);
    let o = run(&["evidence", "import", "--store", &store, "--tsa", &tsa.url, &fixture("sms-basic.xml")]);
    assert!(o.status.success(), "{}", out(&o));
    assert!(out(&o).contains("未能取得可信时间戳") && out(&o).contains("链头不符"), "{}", out(&o));
    assert!(entries(&store) > before);

    // A response altered after signing is stored as received, and verification names it.
    tsa.mode.store(TAMPER, Ordering::SeqCst);
    let o = run(&[
        "evidence",
        "import",
        "--store",
        &store,
        "--tsa",
        &tsa.url,
        "--tsa-ca",
        &s(&tsa.ca),
        &fixture("imessage.txt"),
    ]);
    assert!(o.status.success(), "{}", out(&o));
    let o = run(&["evidence", "verify", "--store", &store]);
    assert_eq!(o.status.code(), Some(3), "{}", out(&o));
    assert!(out(&o).contains("可信时间戳") && out(&o).contains("签名"), "{}", out(&o));

    // The package carries it, and both verifiers refuse it.
    let pkg = s(&tmp.path().join("pkg.zip"));
    assert!(run(&["evidence", "export", "--store", &store, "--out", &pkg, "--no-pdf"]).status.success());
    let o = run(&["evidence", "verify-package", &pkg]);
    assert_eq!(o.status.code(), Some(3), "{}", out(&o));
    assert!(out(&o).contains(".tsr"), "{}", out(&o));
    let py = unzip_and_run_verify_py(&pkg, &tmp.path().join("unzipped"));
    assert!(!py.status.success() && out(&py).contains("timestamp does not verify"), "{}", out(&py));
}

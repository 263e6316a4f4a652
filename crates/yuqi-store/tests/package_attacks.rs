//! Evidence packages under attack (issue 19 items 3 and 4): a real package exported by the
//! store, tampered with the way a forger would — re-zipped with the zip crate, checksums and
//! manifest fixed — must be refused with a finding that says what was done. The package's own
//! `verify.py` must still run on every tampered copy.

#![allow(clippy::unwrap_used)] // helpers outside #[test] functions

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use yuqi_evidence::digest::{Digests, sha256_hex};
use yuqi_evidence::package::{PackageReport, verify_package};
use yuqi_store::{ExportOptions, ImportOptions, Store};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/evidence").join(name)
}

/// A package of a store with messages, calls, chats and plain files.
fn package(dir: &Path) -> PathBuf {
    let mut st = Store::create(&dir.join("store"), "测试案件", None).unwrap();
    for f in ["sms-basic.xml", "calls.xml", "pywxdump.csv", "photo.jpg"] {
        st.import_path(&fixture(f), &ImportOptions::default(), &mut |_, _| {}).unwrap();
    }
    let pkg = dir.join("good.zip");
    st.export(&pkg, &ExportOptions::default()).unwrap();
    pkg
}

fn entries(path: &Path) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut v = Vec::new();
            f.read_to_end(&mut v).unwrap();
            (f.name().to_string(), v)
        })
        .collect()
}

fn write_zip(out: &Path, files: &[(String, Vec<u8>)]) {
    let mut w = zip::ZipWriter::new(std::fs::File::create(out).unwrap());
    for (name, data) in files {
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        w.start_file(name.as_str(), opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap();
}

fn get<'a>(files: &'a mut [(String, Vec<u8>)], name: &str) -> &'a mut Vec<u8> {
    &mut files.iter_mut().find(|(n, _)| n == name).unwrap().1
}

/// What a careful forger does after changing files: the manifest's SHA-256, SM3 and size of
/// each changed file, then SHA256SUMS for everything, so `sha256sum -c` passes.
fn fix_sums(files: &mut [(String, Vec<u8>)], changed: &[&str]) {
    let mut manifest: serde_json::Value = serde_json::from_slice(get(files, "manifest.json")).unwrap();
    for name in changed {
        let data = files.iter().find(|(n, _)| n == name).unwrap().1.clone();
        let d = Digests::of(&data);
        for f in manifest["files"].as_array_mut().unwrap() {
            if f["path"] == *name {
                f["sha256"] = d.sha256.clone().into();
                f["sm3"] = d.sm3.clone().into();
                f["size"] = data.len().into();
            }
        }
    }
    *get(files, "manifest.json") = serde_json::to_vec_pretty(&manifest).unwrap();
    let sums: String =
        files.iter().filter(|(n, _)| n != "SHA256SUMS").map(|(n, d)| format!("{}  {n}\n", sha256_hex(d))).collect();
    *get(files, "SHA256SUMS") = sums.into_bytes();
}

/// Verifies a tampered package, requires a finding containing `finding`, and runs the
/// package's own verify.py on it (it must run; `python_fails` says whether it must fail).
fn refused(dir: &Path, name: &str, files: &[(String, Vec<u8>)], finding: &str, python_fails: bool) -> PackageReport {
    let path = dir.join(format!("{name}.zip"));
    write_zip(&path, files);
    refused_zip(&path, finding, python_fails)
}

fn refused_zip(path: &Path, finding: &str, python_fails: bool) -> PackageReport {
    let rep = verify_package(std::fs::File::open(path).unwrap());
    assert!(!rep.ok(), "{}: passed", path.display());
    assert!(
        rep.problems.iter().any(|p| p.contains(finding)),
        "{}: {finding} not in {:#?}",
        path.display(),
        rep.problems
    );
    run_verify_py(path, Some(python_fails));
    rep
}

/// Unzips with Python's zipfile and runs verify.py in the folder: it must finish without a
/// traceback (exit 0 = OK, 1 = FAILED). Skipped where python3 is not installed.
fn run_verify_py(pkg: &Path, must_fail: Option<bool>) {
    let dir = pkg.with_extension("unzipped");
    let unzip = Command::new("python3").args(["-m", "zipfile", "-e"]).arg(pkg).arg(&dir).output();
    let Ok(unzip) = unzip else { return };
    assert!(unzip.status.success(), "{}", String::from_utf8_lossy(&unzip.stderr));
    let o = Command::new("python3").arg("verify.py").current_dir(&dir).output().unwrap();
    let text = String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
    assert!(!text.contains("Traceback") && matches!(o.status.code(), Some(0 | 1)), "{}: {text}", pkg.display());
    if let Some(fails) = must_fail {
        assert_eq!(o.status.code() == Some(1), fails, "{}: {text}", pkg.display());
    }
}

#[test]
fn a_good_package_verifies_here_and_with_python() {
    let tmp = tempfile::tempdir().unwrap();
    let pkg = package(tmp.path());
    let rep = verify_package(std::fs::File::open(&pkg).unwrap());
    assert!(rep.ok(), "{:#?}", rep.problems);
    assert!(rep.chain_head.is_some() && rep.entries_checked > 0);
    run_verify_py(&pkg, Some(false));

    // A file with a Chinese name, spaces and a colon keeps its name in the package and verifies,
    // plain and redacted.
    let mut st = Store::open(&tmp.path().join("store"), None).unwrap();
    let named = tmp.path().join("借条 照片:2025.jpg");
    st.import_path(&fixture("notice.pdf"), &ImportOptions::default(), &mut |_, _| {}).unwrap();
    // One byte more than photo.jpg, so it is a new file rather than one already imported.
    std::fs::write(&named, [std::fs::read(fixture("photo.jpg")).unwrap(), b"x".to_vec()].concat()).unwrap();
    st.import_path(&named, &ImportOptions::default(), &mut |_, _| {}).unwrap();
    for (name, redact) in [("named.zip", false), ("named-redacted.zip", true)] {
        let pkg = tmp.path().join(name);
        st.export(&pkg, &ExportOptions { redact, ..ExportOptions::default() }).unwrap();
        let rep = verify_package(std::fs::File::open(&pkg).unwrap());
        assert!(rep.ok(), "{name}: {:#?}", rep.problems);
        assert!(entries(&pkg).iter().any(|(n, _)| n.ends_with("-借条 照片:2025.jpg")), "{name}");
        run_verify_py(&pkg, Some(false));
    }
}

#[test]
fn added_files_are_refused_even_with_their_checksums() {
    let tmp = tempfile::tempdir().unwrap();
    let good = entries(&package(tmp.path()));

    // An extra original with its SHA256SUMS line.
    let mut files = good.clone();
    files.push(("originals/items/999999-sms.txt".into(), "您已被起诉".as_bytes().to_vec()));
    fix_sums(&mut files, &[]);
    refused(tmp.path(), "extra-original", &files, "originals/items/999999-sms.txt：不是证据包应有的文件", true);

    // The same, also written into the manifest as a second file of an existing message.
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&good.iter().find(|f| f.0 == "manifest.json").unwrap().1).unwrap();
    let seq = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"].as_str().unwrap().starts_with("originals/items/"))
        .unwrap()["seq"]
        .clone();
    let d = Digests::of("您已被起诉".as_bytes());
    manifest["files"].as_array_mut().unwrap().push(serde_json::json!({
        "path": "originals/items/999999-sms.txt", "sha256": d.sha256, "sm3": d.sm3, "size": 15, "seq": seq
    }));
    let mut files = good.clone();
    *get(&mut files, "manifest.json") = serde_json::to_vec_pretty(&manifest).unwrap();
    files.push(("originals/items/999999-sms.txt".into(), "您已被起诉".as_bytes().to_vec()));
    fix_sums(&mut files, &[]);
    refused(tmp.path(), "extra-in-manifest", &files, "对应了 2 个文件", true);

    // A file outside originals/.
    let mut files = good.clone();
    files.push(("说明.txt".into(), "此证据包已经公证".as_bytes().to_vec()));
    fix_sums(&mut files, &[]);
    refused(tmp.path(), "outside", &files, "说明.txt：不是证据包应有的文件", true);
}

#[test]
fn duplicate_and_escaping_names_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let good = entries(&package(tmp.path()));

    // Two entries named index.html: one is shown, the other extracted over it. The zip crate
    // refuses to write a duplicate, so the second is written under a name of the same length
    // and renamed in the bytes (stored, so the name occurs only in the headers).
    let mut files = good.clone();
    files.push(("index.htmX".into(), "<p>伪造的证据目录</p>".as_bytes().to_vec()));
    let path = tmp.path().join("duplicate.zip");
    write_zip(&path, &files);
    let mut bytes = std::fs::read(&path).unwrap();
    let (from, to) = (b"index.htmX", b"index.html");
    let mut i = 0;
    while i + from.len() <= bytes.len() {
        if &bytes[i..i + from.len()] == from {
            bytes[i..i + from.len()].copy_from_slice(to);
        }
        i += 1;
    }
    std::fs::write(&path, &bytes).unwrap();
    refused_zip(&path, "两个同名文件", true);

    for (name, evil) in
        [("dotdot", "../../.bashrc"), ("absolute", "/tmp/yuqi-evil.txt"), ("inner", "originals/../x.txt")]
    {
        let mut files = good.clone();
        files.push((evil.into(), b"echo pwned\n".to_vec()));
        fix_sums(&mut files, &[]);
        refused(tmp.path(), name, &files, "含 ../、绝对路径", true);
    }
}

#[test]
fn a_forged_quote_in_the_index_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let good = entries(&package(tmp.path()));
    let mut files = good.clone();
    let html = String::from_utf8(get(&mut files, "index.html").clone()).unwrap();
    let at = html.find("原文：").expect("a flagged message is quoted in the index");
    let end = at + html[at..].find("</td>").unwrap();
    let forged = format!("{}原文：不还钱就杀了你全家{}", &html[..at], &html[end..]);
    *get(&mut files, "index.html") = forged.into_bytes();
    fix_sums(&mut files, &["index.html"]);
    let rep = refused(tmp.path(), "forged-index", &files, "index.html：证据目录与日志记载的内容不符", false);
    assert_eq!(rep.problems.len(), 1, "{:#?}", rep.problems);

    // The README's instructions are checked the same way.
    let mut files = good.clone();
    let readme = String::from_utf8(get(&mut files, "README.txt").clone()).unwrap();
    *get(&mut files, "README.txt") = readme.replace("python3 verify.py", "无需核验").into_bytes();
    fix_sums(&mut files, &["README.txt"]);
    refused(tmp.path(), "forged-readme", &files, "README.txt：与清单记载的证据包不符", false);
}

#[test]
fn a_replaced_verify_script_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let mut files = entries(&package(tmp.path()));
    *get(&mut files, "verify.py") = b"print('OK: all entries verified')\n".to_vec();
    fix_sums(&mut files, &["verify.py"]);
    // The replaced script itself prints OK: that is the attack.
    refused(tmp.path(), "fake-verify", &files, "verify.py 不是 yuqi 生成的核验脚本", false);
}

#[test]
fn a_wrong_sm3_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let mut files = entries(&package(tmp.path()));
    let mut manifest: serde_json::Value = serde_json::from_slice(get(&mut files, "manifest.json")).unwrap();
    let target = {
        let f = manifest["files"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|f| f["path"].as_str().unwrap().starts_with("originals/"))
            .unwrap();
        f["sm3"] = "0".repeat(64).into();
        f["path"].as_str().unwrap().to_string()
    };
    *get(&mut files, "manifest.json") = serde_json::to_vec_pretty(&manifest).unwrap();
    fix_sums(&mut files, &[]);
    // Python's OpenSSL may lack SM3; verify.py then cannot see it and only has to run.
    let rep = verify_package(std::io::Cursor::new({
        let p = tmp.path().join("sm3.zip");
        write_zip(&p, &files);
        std::fs::read(&p).unwrap()
    }));
    assert!(
        rep.problems.iter().any(|p| p.contains(&format!("{target}：SM3 与 manifest.json 记载的不符"))),
        "{:#?}",
        rep.problems
    );
    run_verify_py(&tmp.path().join("sm3.zip"), None);
}

/// Writes `name` as its real content followed by zeros up to `size` bytes, streaming: nothing
/// of it is held in memory, and it deflates about a thousandfold.
fn bomb_entry(w: &mut zip::ZipWriter<std::fs::File>, name: &str, head: &[u8], size: u64) {
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(size > u32::MAX as u64);
    w.start_file(name, opts).unwrap();
    w.write_all(head).unwrap();
    let block = vec![b'0'; 1 << 20];
    let mut left = size - head.len() as u64;
    while left > 0 {
        let n = (block.len() as u64).min(left) as usize;
        w.write_all(&block[..n]).unwrap();
        left -= n as u64;
    }
}

fn bomb_size() -> u64 {
    // 2 GiB by default; YUQI_BOMB_MB makes it smaller on a slow machine (the limit the
    // verifier applies does not depend on it).
    std::env::var("YUQI_BOMB_MB").ok().and_then(|v| v.parse::<u64>().ok()).unwrap_or(2048) << 20
}

#[test]
fn a_zip_bomb_is_refused_as_tampering() {
    let tmp = tempfile::tempdir().unwrap();
    let good = entries(&package(tmp.path()));
    for target in ["SHA256SUMS", "log.jsonl"] {
        let path = tmp.path().join(format!("bomb-{target}.zip"));
        let mut w = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
        for (name, data) in &good {
            if name == target {
                // The log bomb is a quarter of the size: the same limit catches it, and the
                // test spends less time deflating.
                let size = if target == "log.jsonl" { bomb_size() / 4 } else { bomb_size() };
                bomb_entry(&mut w, name, data, size);
            } else {
                w.start_file(name.as_str(), zip::write::SimpleFileOptions::default()).unwrap();
                w.write_all(data).unwrap();
            }
        }
        w.finish().unwrap();
        let small = std::fs::metadata(&path).unwrap().len();
        assert!(small < bomb_size() / 400, "the bomb is a small file ({small} bytes)");
        let rep = verify_package(std::fs::File::open(&path).unwrap());
        assert!(
            rep.problems
                .iter()
                .any(|p| p.contains(&format!("{target}：解压后超过应有的大小")) && p.contains("压缩炸弹")),
            "{target}: {:#?}",
            rep.problems
        );
        if std::env::var_os("YUQI_KEEP_BOMB").is_some() {
            std::fs::copy(&path, std::env::temp_dir().join(format!("yuqi-bomb-{target}.zip"))).unwrap();
        }
    }
}

#[test]
fn a_chain_head_kept_elsewhere_is_looked_for() {
    let tmp = tempfile::tempdir().unwrap();
    let pkg = package(tmp.path());
    let rep = verify_package(std::fs::File::open(&pkg).unwrap());
    let head = rep.chain_head.unwrap();
    let found = yuqi_evidence::package::verify_package_expecting(
        std::fs::File::open(&pkg).unwrap(),
        Some(&head.hash.to_uppercase()),
    );
    assert!(found.ok() && found.expected_head_at == Some(head.seq), "{:#?}", found.problems);
    let missing =
        yuqi_evidence::package::verify_package_expecting(std::fs::File::open(&pkg).unwrap(), Some(&"ab".repeat(32)));
    assert!(missing.problems.iter().any(|p| p.contains("不在证据包的哈希链中")), "{:#?}", missing.problems);
}

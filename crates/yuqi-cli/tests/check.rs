//! `yuqi check` finds, with file, line and column, every problem of a case file that stops
//! `yuqi audit`; a file `check` accepts, `audit` computes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn yuqi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_yuqi")).args(args).current_dir(workspace()).output().expect("run yuqi")
}

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn debt(kind: &str, contract: &str, extra: &str) -> String {
    format!(
        "[[debt]]\nid = \"a\"\nlender = \"某公司\"\nkind = \"{kind}\"\ncontract_date = {contract}\nprincipal = 10000\nrate = \"年化18%\"\nmethod = \"等额本息\"\nperiods = 6\n{extra}"
    )
}

/// `(name, file text, line of the blamed value, words the message must contain)`.
fn bad_files() -> Vec<(&'static str, String, usize, &'static str)> {
    vec![
        // No as_of: the audit computes as of today, and this contract is in the future.
        ("future-contract", format!("version = 1\n{}", debt("bank", "2099-01-01", "")), 6, "晚于计算截止日"),
        // A private loan of May 1991 computed as of 1991-06 with no filing date: a case filed
        // then came before the 1991 opinion, the first rule in the law data. The as-of date
        // (line 3) stands in for the filing date.
        (
            "private-before-1991",
            format!("version = 1\n[case]\nas_of = 1991-06-01\n{}", debt("private", "1991-05-01", "")),
            3,
            "计算截止日 1991-06-01",
        ),
        // The same loan with a filing date before the opinion: the filing date is blamed.
        (
            "private-filed-1991",
            format!(
                "version = 1\n[case]\nas_of = 2026-11-24\nfiling_date = 1991-07-01\n{}",
                debt("private", "1991-05-01", "")
            ),
            4,
            "起诉日 1991-07-01",
        ),
        // A bank penalty markup before the central bank's 2004 rule.
        (
            "markup-2003",
            format!(
                "version = 1\n{}first_due = 2003-07-01\n[debt.overdue]\nmarkup = \"50%\"\n",
                debt("bank", "2003-06-01", "")
            ),
            11,
            "首期还款日 2003-07-01",
        ),
    ]
}

#[test]
fn check_rejects_with_a_position_every_file_the_audit_rejects() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text, line, words) in bad_files() {
        let path = dir.path().join(format!("{name}.toml"));
        std::fs::write(&path, &text).expect("write");
        let p = path.to_str().expect("path");
        let audit = yuqi(&["audit", p]);
        assert!(!audit.status.success(), "{name}: the audit should refuse this file");
        let check = yuqi(&["check", p]);
        let err = stderr(&check);
        assert_eq!(check.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains(&format!("{name}.toml:{line}:")), "{name}: expected line {line}\n{err}");
        assert!(err.contains(words), "{name}: expected “{words}”\n{err}");
        // The message is for the borrower: Chinese, no parameter ids.
        assert!(!err.contains("param") && !err.contains("private_lending"), "{name}: {err}");
    }
}

#[test]
fn every_example_passes_check_and_audit() {
    let mut n = 0;
    for entry in std::fs::read_dir(workspace().join("examples")).expect("examples") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|x| x != "toml") {
            continue;
        }
        let p = path.strip_prefix(workspace()).unwrap_or(&path).to_str().expect("path").to_string();
        let check = yuqi(&["check", &p]);
        assert!(check.status.success(), "{p}: {}", stderr(&check));
        assert!(yuqi(&["audit", &p, "--json"]).status.success(), "{p}");
        n += 1;
    }
    assert!(n >= 6);
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write");
    path.to_str().expect("path").to_string()
}

#[test]
fn a_file_that_is_not_utf8_is_reported_at_its_first_bad_byte() {
    let dir = tempfile::tempdir().expect("tempdir");
    // "林" in GBK (0xC1 0xD6) on line 4, after `title = "` (9 characters).
    let mut bytes = b"version = 1\n# \xE6\xB3\xA8\n[case]\ntitle = \"".to_vec();
    let offset = bytes.len();
    bytes.extend_from_slice(b"\xC1\xD6\"\n");
    let p = write(dir.path(), "gbk.toml", &bytes);
    for cmd in ["check", "audit"] {
        let out = yuqi(&[cmd, &p]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{cmd}: {err}");
        assert!(err.contains("gbk.toml:4:10:"), "{cmd}: {err}");
        assert!(err.contains("不是 UTF-8 编码"), "{cmd}: {err}");
        assert!(err.contains(&format!("第 {} 个字节", offset + 1)), "{cmd}: {err}");
    }
}

#[test]
fn a_missing_file_is_reported_in_chinese() {
    let out = yuqi(&["check", "no/such/file.toml"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("无法读取案例文件：文件不存在"), "{err}");
}

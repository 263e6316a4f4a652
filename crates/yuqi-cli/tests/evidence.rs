//! End-to-end tests of `yuqi evidence …` on the real binary: the whole path from import to a
//! checked package, confirmed events changing the limitation period, and kills during import.

#![allow(clippy::unwrap_used)] // helpers outside #[test] functions

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_yuqi"));
    c.env_remove("YUQI_STORE").env_remove("YUQI_PASSPHRASE");
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

#[test]
fn import_verify_export_and_check_a_package() {
    let tmp = tempfile::tempdir().unwrap();
    let store = s(&tmp.path().join("case"));
    assert!(run(&["evidence", "init", "--store", &store, "--title", "王某诉速借宝"]).status.success());
    let files: Vec<String> = [
        "sms-basic.xml",
        "calls.xml",
        "calllog.csv",
        "pywxdump.csv",
        "imessage.txt",
        "photo.jpg",
        "call.amr",
        "notice.pdf",
    ]
    .iter()
    .map(|f| fixture(f))
    .collect();
    let mut args = vec!["evidence", "import", "--store", &store];
    args.extend(files.iter().map(String::as_str));
    let o = run(&args);
    assert!(o.status.success(), "{}", out(&o));
    assert!(out(&o).contains("重复 1 条未再保存"), "{}", out(&o));

    let o = run(&["evidence", "verify", "--store", &store]);
    assert!(o.status.success() && out(&o).contains("核验通过"), "{}", out(&o));

    // A chain head noted down after an import is checked later.
    let o = run(&[
        "evidence",
        "import",
        "--store",
        &store,
        "--json",
        &fixture("generic.csv"),
        "--columns",
        "time=发送时间,from=对方号码,text=内容,direction=方向",
    ]);
    let reports: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let head = reports[0]["chain_head"]["hash"].as_str().unwrap().to_string();
    let o = run(&["evidence", "verify", "--store", &store, "--expect-head", &head]);
    assert!(o.status.success() && out(&o).contains("之前记下的链头在链中"), "{}", out(&o));
    let o = run(&["evidence", "verify", "--store", &store, "--expect-head", &"0".repeat(64)]);
    assert_eq!(o.status.code(), Some(3), "{}", out(&o));

    let o = run(&["evidence", "list", "--store", &store, "--code", "contact_third_party", "--json"]);
    let items: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(!items.as_array().unwrap().is_empty());
    assert!(
        items.as_array().unwrap().iter().all(|i| i["codes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "contact_third_party"))
    );

    let pkg = s(&tmp.path().join("证据包.zip"));
    let o = run(&["evidence", "export", "--store", &store, "--out", &pkg]);
    assert!(o.status.success(), "{}", out(&o));
    let o = run(&["evidence", "verify-package", &pkg]);
    assert!(o.status.success() && out(&o).contains("核验通过"), "{}", out(&o));

    // The package checks with standard tools alone.
    let dir = tmp.path().join("unzipped");
    std::fs::create_dir_all(&dir).unwrap();
    let unzip = Command::new("python3").args(["-m", "zipfile", "-e", &pkg, &s(&dir)]).status();
    if unzip.is_ok_and(|s| s.success()) {
        let sums = Command::new("sha256sum").args(["-c", "SHA256SUMS"]).current_dir(&dir).output().unwrap();
        assert!(sums.status.success(), "{}", out(&sums));
        let py = Command::new("python3").arg("verify.py").current_dir(&dir).output().unwrap();
        assert!(py.status.success() && out(&py).starts_with("OK"), "{}", out(&py));
    }

    // A damaged package is refused with exit code 3.
    let mut bytes = std::fs::read(&pkg).unwrap();
    let n = bytes.len();
    bytes.truncate(n - 100);
    let bad = s(&tmp.path().join("bad.zip"));
    std::fs::write(&bad, &bytes).unwrap();
    let o = run(&["evidence", "verify-package", &bad]);
    assert_eq!(o.status.code(), Some(3), "{}", out(&o));
}

#[test]
fn malformed_records_are_refused_or_skipped_as_asked() {
    let tmp = tempfile::tempdir().unwrap();
    let store = s(&tmp.path().join("case"));
    run(&["evidence", "init", "--store", &store]);
    let o = run(&["evidence", "import", "--store", &store, &fixture("sms-broken-record.xml")]);
    assert_eq!(o.status.code(), Some(2), "{}", out(&o));
    assert!(out(&o).contains("第 3 条记录（第 7 行"), "{}", out(&o));
    let o = run(&["evidence", "import", "--store", &store, "--on-bad", "skip", &fixture("sms-broken-record.xml")]);
    assert!(o.status.success(), "{}", out(&o));
    assert!(out(&o).contains("新增 4 条记录") && out(&o).contains("跳过 1 条"), "{}", out(&o));
    let o = run(&["evidence", "import", "--store", &store, "--on-bad", "skip", &fixture("sms-truncated.xml")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(out(&o).contains("第 9 行"), "{}", out(&o));
}

const CASE: &str = r#"
version = 1
[case]
title = "证据与时效"
as_of = 2026-11-24
[person]
name = "李明"
[[debt]]
id = "D1"
lender = "王某（个人）"
kind = "private"
contract_date = 2022-03-01
principal = 10000
rate = "年化10%"
method = "bullet"
periods = 12
"#;

fn limitation_state(case: &str, evidence: Option<&str>) -> (String, String) {
    let mut args = vec!["timeline", case, "--json"];
    if let Some(e) = evidence {
        args.extend(["--evidence", e]);
    }
    let o = run(&args);
    assert!(o.status.success(), "{}", out(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let l = &v["debts"][0]["limitation"];
    (l["status"]["state"].as_str().unwrap().to_string(), l["expiry"]["end"].as_str().unwrap_or("").to_string())
}

#[test]
fn a_confirmed_collector_message_interrupts_the_limitation_period() {
    let tmp = tempfile::tempdir().unwrap();
    let store = s(&tmp.path().join("case"));
    let case = tmp.path().join("case.toml");
    std::fs::write(&case, CASE).unwrap();
    let case = s(&case);
    run(&["evidence", "init", "--store", &store]);
    assert!(run(&["evidence", "import", "--store", &store, &fixture("sms-basic.xml")]).status.success());

    // Due 2023-03-01: without evidence the period ended on 2026-03-02 (2026-03-01 is a Sunday).
    let (state, end) = limitation_state(&case, None);
    assert_eq!((state.as_str(), end.as_str()), ("expired", "2026-03-02"));

    let o = run(&["evidence", "propose", "--store", &store, "--json"]);
    let ps: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let p =
        ps.as_array().unwrap().iter().find(|p| p["sender_key"] == "13712345678" && p["date"] == "2025-03-01").unwrap();
    let id = p["id"].as_str().unwrap();
    // Nothing changes until the user confirms.
    assert_eq!(limitation_state(&case, Some(&store)).0, "expired");
    let o = run(&["evidence", "confirm", "--store", &store, id, "--debt", "D1"]);
    assert!(o.status.success(), "{}", out(&o));
    // A demand that reached the debtor on 2025-03-01 restarts three years (时效规定 8(2)).
    let (state, end) = limitation_state(&case, Some(&store));
    assert_eq!((state.as_str(), end.as_str()), ("running", "2028-03-01"));

    let o = run(&["evidence", "confirm", "--store", &store, id, "--debt", "NOPE"]);
    assert!(!o.status.success());
}

#[test]
fn an_encrypted_store_needs_its_passphrase() {
    let tmp = tempfile::tempdir().unwrap();
    let store = s(&tmp.path().join("case"));
    let pass = tmp.path().join("pass.txt");
    std::fs::write(&pass, "一个很长的口令 correct horse\n").unwrap();
    let pass = s(&pass);
    let o = run(&["evidence", "init", "--store", &store, "--encrypt", "--passphrase-file", &pass]);
    assert!(o.status.success(), "{}", out(&o));
    assert!(
        run(&["evidence", "import", "--store", &store, "--passphrase-file", &pass, &fixture("calls.xml")])
            .status
            .success()
    );
    let o = run(&["evidence", "verify", "--store", &store]);
    assert!(!o.status.success() && out(&o).contains("口令"), "{}", out(&o));
    let o = bin()
        .args(["evidence", "verify", "--store", &store])
        .env("YUQI_PASSPHRASE", "一个很长的口令 correct horse")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", out(&o));
}

/// A large SMS Backup & Restore file written here, so the test needs no generator.
fn big_backup(path: &Path, records: usize) {
    let mut s = String::with_capacity(records * 400);
    s.push_str("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count=\"");
    s.push_str(&records.to_string());
    s.push_str("\">\n");
    for i in 0..records {
        s.push_str(&format!(
            "  <sms protocol=\"0\" address=\"1069{:08}\" date=\"{}\" type=\"1\" subject=\"null\" body=\"【某贷】第{}号提醒：您的借款已逾期，请尽快还款。今晚不还就联系你的紧急联系人。{}\" read=\"1\" status=\"-1\" />\n",
            i % 500,
            1_700_000_000_000u64 + i as u64 * 61_000,
            i,
            "详".repeat(i % 200)
        ));
    }
    s.push_str("</smses>\n");
    std::fs::write(path, s).unwrap();
}

fn entries(store: &str) -> u64 {
    let o = run(&["evidence", "verify", "--store", store, "--json"]);
    assert!(o.status.success(), "verification failed after a kill: {}", out(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["problems"].as_array().unwrap().is_empty());
    v["entries"].as_u64().unwrap()
}

#[test]
fn a_killed_import_leaves_all_or_nothing_and_a_valid_chain() {
    let tmp = tempfile::tempdir().unwrap();
    let store = s(&tmp.path().join("case"));
    run(&["evidence", "init", "--store", &store]);
    assert!(run(&["evidence", "import", "--store", &store, &fixture("calls.xml")]).status.success());
    let base = entries(&store);
    let records = 60_000;
    let big = tmp.path().join("sms-big.xml");
    big_backup(&big, records);
    let full = base + records as u64 + 1;
    // Kill at different moments, repeatedly; each time the store must verify and hold either
    // nothing of the file or all of it.
    let mut interrupted = 0;
    for delay_ms in [30u64, 150, 400, 900, 1500, 60, 700] {
        let mut child = bin()
            .args(["evidence", "import", "--store", &store, &s(&big)])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let n = entries(&store);
        assert!(n == base || n == full, "after a kill at {delay_ms} ms: {n} entries (expected {base} or {full})");
        interrupted += (n == base) as u32;
    }
    // The point of the test: some kills landed while the import was running.
    assert!(interrupted > 0, "no kill interrupted an import");
    let o = run(&["evidence", "import", "--store", &store, &s(&big)]);
    assert!(o.status.success(), "{}", out(&o));
    assert_eq!(entries(&store), full);
}

#[test]
fn the_same_file_under_another_name_is_recognised() {
    let tmp = tempfile::tempdir().unwrap();
    let store = s(&tmp.path().join("case"));
    run(&["evidence", "init", "--store", &store]);
    assert!(run(&["evidence", "import", "--store", &store, &fixture("calls.xml")]).status.success());
    let copy = tmp.path().join("通话 备份.xml");
    std::fs::copy(fixture("calls.xml"), &copy).unwrap();
    let o = run(&["evidence", "import", "--store", &store, &s(&copy)]);
    assert!(o.status.success() && out(&o).contains("当时的文件名：calls.xml"), "{}", out(&o));
    // A folder is not a package: a usage mistake (exit 2) with the right advice.
    let o = run(&["evidence", "verify-package", &s(tmp.path())]);
    assert_eq!(o.status.code(), Some(2), "{}", out(&o));
    assert!(out(&o).contains("sha256sum -c SHA256SUMS"), "{}", out(&o));
}

#[test]
fn paste_three_messages_from_a_file_and_from_standard_input() {
    let tmp = tempfile::tempdir().unwrap();
    let store = s(&tmp.path().join("case"));
    assert!(run(&["evidence", "init", "--store", &store]).status.success());
    let pasted = tmp.path().join("粘贴.txt");
    std::fs::write(
        &pasted,
        "【某某花】您的借款已逾期15天，今日18点前不处理将移交法务并联系您的紧急联系人。\n\n\
         2026-11-20 21:14 13800138000\n你涉嫌诈骗，已经立案，等着被拘留吧\n\n\
         11月21日 08:00 再不还钱就把你的事发到你单位和通讯录所有人\n",
    )
    .unwrap();
    let o = run(&["evidence", "paste", "--store", &store, &s(&pasted)]);
    assert!(o.status.success(), "{}", out(&o));
    assert!(out(&o).contains("已保存 3 条消息，其中"), "{}", out(&o));

    let o = run(&["evidence", "list", "--store", &store, "--json"]);
    let items: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let sms: Vec<&serde_json::Value> = items.as_array().unwrap().iter().filter(|i| i["kind"] == "sms").collect();
    assert_eq!(sms.len(), 3, "{items:#}");
    assert!(sms.iter().any(|i| i["counterpart"] == "某某花"), "{items:#}");
    assert!(sms.iter().any(|i| i["counterpart"] == "13800138000"), "{items:#}");
    assert!(sms.iter().any(|i| !i["codes"].as_array().unwrap().is_empty()), "threats are flagged: {items:#}");

    let o = run(&["evidence", "verify", "--store", &store]);
    assert!(o.status.success() && out(&o).contains("核验通过"), "{}", out(&o));

    // Standard input; an empty paste is refused in Chinese and stores nothing.
    let paste = |text: &str| {
        let mut child = bin()
            .args(["evidence", "paste", "--store", &store])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), text.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let o = paste("明天上门找你家人\n");
    assert!(o.status.success() && out(&o).contains("已保存 1 条消息"), "{}", out(&o));
    let o = paste("");
    assert_eq!(o.status.code(), Some(2), "{}", out(&o));
    assert!(out(&o).contains("粘贴的内容是空的"), "{}", out(&o));
    let o = run(&["evidence", "verify", "--store", &store]);
    assert!(o.status.success(), "{}", out(&o));
}

#[test]
fn verify_package_checks_a_head_kept_elsewhere_and_prints_its_own() {
    let tmp = tempfile::tempdir().unwrap();
    let store = s(&tmp.path().join("case"));
    run(&["evidence", "init", "--store", &store]);
    assert!(run(&["evidence", "import", "--store", &store, &fixture("sms-basic.xml")]).status.success());
    let pkg = s(&tmp.path().join("证据包.zip"));
    assert!(run(&["evidence", "export", "--store", &store, "--out", &pkg, "--no-pdf"]).status.success());
    let o = run(&["evidence", "verify-package", &pkg, "--json"]);
    let rep: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let head = rep["chain_head"]["hash"].as_str().unwrap().to_string();

    // Without a head: the head is printed, with what only a head kept elsewhere can prove.
    let o = run(&["evidence", "verify-package", &pkg]);
    assert!(o.status.success(), "{}", out(&o));
    assert!(out(&o).contains(&format!("链头：第 14 条 {head}")) && out(&o).contains("--expect-head"), "{}", out(&o));
    let o = run(&["evidence", "verify-package", &pkg, "--expect-head", &head]);
    assert!(o.status.success() && out(&o).contains("另行保存的链头在证据包的链中（第 14 条）"), "{}", out(&o));
    // A head this package does not contain: a re-chained or truncated package, exit code 3.
    let o = run(&["evidence", "verify-package", &pkg, "--expect-head", &"ab".repeat(32)]);
    assert_eq!(o.status.code(), Some(3), "{}", out(&o));
    assert!(out(&o).contains("不在证据包的哈希链中") && out(&o).contains(&head), "{}", out(&o));
}

/// Runs of three or more Latin letters that are not names a Chinese reader meets anyway.
fn english_words(text: &str) -> Vec<String> {
    const ALLOWED: [&str; 3] = ["SHA", "SQLite", "UTF"];
    text.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 3 && !ALLOWED.contains(w))
        .map(str::to_string)
        .collect()
}

#[test]
fn a_damaged_store_is_a_finding_in_chinese_never_a_failure() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("base");
    let store = s(&base);
    run(&["evidence", "init", "--store", &store]);
    let o = run(&["evidence", "import", "--store", &store, &fixture("sms-basic.xml"), &fixture("calls.xml")]);
    assert!(o.status.success(), "{}", out(&o));
    let bytes = std::fs::read(base.join("evidence.sqlite")).unwrap();
    let flipped = tmp.path().join("flipped");
    std::fs::create_dir_all(&flipped).unwrap();
    let mut found = 0;
    // 50 positions, one in each fiftieth of the file, the same on every run.
    for k in 0..50 {
        let pos = (k * bytes.len() / 50 + (k * 7919) % (bytes.len() / 50)).min(bytes.len() - 1);
        let mut b = bytes.clone();
        b[pos] ^= 0x5A;
        std::fs::write(flipped.join("evidence.sqlite"), &b).unwrap();
        let o = run(&["evidence", "verify", "--store", &s(&flipped), "--json"]);
        assert!(matches!(o.status.code(), Some(0 | 3)), "flip at {pos}: exit {:?}: {}", o.status.code(), out(&o));
        let rep: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        for p in rep["problems"].as_array().unwrap() {
            let what = p["what"].as_str().unwrap();
            assert!(english_words(what).is_empty() && !what.contains("解密"), "flip at {pos}: {what}");
        }
        found += usize::from(o.status.code() == Some(3));
        // The human report says it without an error message (every fifth flip: each run loads
        // the analyzer).
        if k % 5 == 0 {
            let o = run(&["evidence", "verify", "--store", &s(&flipped)]);
            assert!(o.stderr.is_empty(), "flip at {pos}: {}", out(&o));
        }
    }
    assert!(found > 0);
    // Not a database at all: exit 3 and says so.
    std::fs::write(flipped.join("evidence.sqlite"), vec![0x42u8; 4096]).unwrap();
    let o = run(&["evidence", "verify", "--store", &s(&flipped)]);
    assert_eq!(o.status.code(), Some(3), "{}", out(&o));
    assert!(out(&o).contains("不是证据库文件"), "{}", out(&o));
}

/// `yuqi evidence judge`: the borrower marks what the analyzer missed on a stored message and
/// the letter made from the store quotes it; a rejection takes it out again; a number that is
/// not a message, or an unknown verdict, is refused in Chinese (exit 2) with nothing recorded.
#[test]
fn a_judgment_on_a_stored_message_decides_what_the_letter_quotes() {
    let tmp = tempfile::tempdir().unwrap();
    let store = s(&tmp.path().join("case"));
    let case = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/microloan-kantouxi.toml");
    let case = s(&case);
    assert!(run(&["evidence", "init", "--store", &store]).status.success());
    let pasted = tmp.path().join("粘贴.txt");
    let plain = "你自己掂量掂量";
    std::fs::write(&pasted, format!("2026-11-21 11:00 13800138000\n{plain}\n")).unwrap();
    assert!(run(&["evidence", "paste", "--store", &store, &s(&pasted)]).status.success());
    let o = run(&["evidence", "list", "--store", &store, "--json"]);
    let items: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let seq = items.as_array().unwrap().iter().find(|i| i["text"] == plain).expect("the message is listed")["seq"]
        .as_u64()
        .unwrap()
        .to_string();
    let letter = || {
        let o = run(&["letter", "regulator", &case, "--evidence", &store, "-o", "-"]);
        assert!(o.status.success(), "{}", out(&o));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    assert!(!letter().contains(plain), "the premise: the analyzer alone does not quote it");

    let o = run(&["evidence", "judge", "--store", &store, &seq, "intimidation", "确认"]);
    assert!(o.status.success(), "{}", out(&o));
    assert!(out(&o).contains("已记下"), "{}", out(&o));
    assert!(letter().contains(plain), "confirmed, it is quoted");
    let o = run(&["evidence", "judge", "--store", &store, &seq, "intimidation", "否认"]);
    assert!(o.status.success(), "{}", out(&o));
    assert!(!letter().contains(plain), "rejected, it is not");

    let before = run(&["evidence", "verify", "--store", &store]);
    for (args, why) in [
        (vec![seq.as_str(), "intimidation", "也许"], "判断应为"),
        (vec!["999", "intimidation", "确认"], "不是一条消息"),
        (vec![seq.as_str(), "no_such_code", "确认"], "不认识的问题类型"),
    ] {
        let mut all = vec!["evidence", "judge", "--store", &store];
        all.extend(args);
        let o = run(&all);
        assert_eq!(o.status.code(), Some(2), "{}", out(&o));
        assert!(out(&o).contains(why), "{}", out(&o));
    }
    let after = run(&["evidence", "verify", "--store", &store]);
    assert!(after.status.success());
    assert_eq!(out(&before), out(&after), "nothing was recorded by the refusals");
}

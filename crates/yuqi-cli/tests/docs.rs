//! End-to-end tests of `yuqi plan`, `yuqi letter` and `yuqi report` on the real binary.

use std::path::PathBuf;
use std::process::{Command, Output};

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn yuqi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_yuqi")).args(args).current_dir(workspace()).output().expect("run yuqi")
}

fn out(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8")
}

fn err(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("utf-8")
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn plan_prints_the_budget_the_order_and_the_limitation_effect() {
    let o = yuqi(&["plan", "examples/demo.toml"]);
    assert!(o.status.success(), "{}", err(&o));
    let s = out(&o);
    // 4,800 − 3,300 = 1,500; a tenth kept back leaves 1,350.
    assert!(s.contains("每月可用于还款 1,350.00 元"), "{s}");
    // Debts are named as the borrower knows them; the command line adds the case file's key.
    assert!(s.contains("第 1 优先：某某花（编号 zr）"), "{s}");
    assert!(s.contains("重新计算三年"), "{s}");
    assert!(s.contains("yuqi letter verification"), "{s}");
    let j = yuqi(&["plan", "examples/demo.toml", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&j.stdout).expect("json");
    assert_eq!(v["budget"]["for_debts"], "1350.00");
    assert_eq!(v["debts"].as_array().map(Vec::len), Some(3));

    let old = out(&yuqi(&["plan", "examples/private-2019.toml"]));
    assert!(old.contains("提出时效抗辩"), "{old}");
    assert!(old.contains("时效规定第19条"), "{old}");
}

#[test]
fn letters_in_every_format() {
    let dir = tempfile::tempdir().expect("tmp");
    for ext in ["pdf", "docx", "md", "html"] {
        let path = dir.path().join(format!("核实函.{ext}"));
        let p = path.to_str().expect("utf-8 path");
        let o = yuqi(&[
            "letter",
            "verification",
            "examples/demo.toml",
            "--debt",
            "hjd",
            "--out",
            p,
            "--date",
            "2026-11-24",
        ]);
        assert!(o.status.success(), "{ext}: {}", err(&o));
        let bytes = std::fs::read(&path).expect("written");
        assert!(!path.with_extension(format!("{ext}.part")).exists(), "no temporary file is left");
        match ext {
            "pdf" => {
                assert!(bytes.starts_with(b"%PDF-"));
                let t = Command::new("pdftotext").arg(&path).arg("-").output().expect("pdftotext");
                let text = squeeze(&String::from_utf8_lossy(&t.stdout));
                assert!(text.contains("18,600.00元"), "{text}");
                assert!(text.contains("2026年11月24日"), "{text}");
            }
            "docx" => assert!(bytes.starts_with(b"PK")),
            "md" => assert!(String::from_utf8(bytes).expect("utf-8").starts_with("# 债务核实函")),
            _ => assert!(String::from_utf8(bytes).expect("utf-8").contains("<h1>债务核实函</h1>")),
        }
        // The user is told what to fill in and what the letter does not do.
        assert!(err(&o).contains("需要你自己填写"), "{}", err(&o));
        assert!(err(&o).contains("不会让诉讼时效重新计算"), "{}", err(&o));
    }
}

#[test]
fn mistakes_get_a_clear_message_and_exit_2() {
    // Which debt?
    let o = yuqi(&["letter", "verification", "examples/demo.toml", "--out", "-"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("--debt") && err(&o).contains("hjd"), "{}", err(&o));
    // An unknown kind lists the kinds.
    let o = yuqi(&["letter", "apology", "examples/demo.toml", "--out", "-"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("credit-objection"), "{}", err(&o));
    // An unknown format.
    let o = yuqi(&["letter", "verification", "examples/demo.toml", "--debt", "hjd", "--out", "x.txt"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains(".pdf"), "{}", err(&o));
    // A limitation statement while the period runs.
    let o = yuqi(&["letter", "limitation", "examples/demo.toml", "--debt", "hjd", "--out", "-"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("不能提出时效抗辩"), "{}", err(&o));
    // A repayment proposal on a time-barred debt needs the user's explicit consent.
    let o = yuqi(&["letter", "proposal", "examples/private-2019.toml", "--out", "-"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("--accept-limitation-effect"), "{}", err(&o));
    let o = yuqi(&["letter", "proposal", "examples/private-2019.toml", "--out", "-", "--accept-limitation-effect"]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(out(&o).contains("协商还款申请书"));
    // A broken messages file names file, line and column; nothing is written.
    let dir = tempfile::tempdir().expect("tmp");
    let bad = dir.path().join("m.jsonl");
    std::fs::write(&bad, "{\"text\": \"ok\"}\n{\"text\": 3}\n").expect("write");
    let pdf = dir.path().join("r.pdf");
    let o = yuqi(&[
        "report",
        "examples/demo.toml",
        "--messages",
        bad.to_str().expect("path"),
        "--out",
        pdf.to_str().expect("path"),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    assert!(err(&o).contains("m.jsonl:2:"), "{}", err(&o));
    assert!(!pdf.exists());
    // A broken case file keeps its file:line:col errors.
    let case = dir.path().join("c.toml");
    std::fs::write(&case, "version = 1\n[[debt]]\nid = \"x\"\nprincipal = \"很多\"\n").expect("write");
    let o = yuqi(&["plan", case.to_str().expect("path")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("c.toml:"), "{}", err(&o));
}

#[test]
fn the_dossier_uses_the_evidence_store() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = dir.path().join("store");
    let s = store.to_str().expect("path");
    assert!(yuqi(&["evidence", "init", "--store", s]).status.success());
    let fixture = workspace().join("tests/data/evidence/sms-basic.xml");
    let o = yuqi(&["evidence", "import", "--store", s, fixture.to_str().expect("path")]);
    assert!(o.status.success(), "{}", err(&o));
    let pdf = dir.path().join("dossier.pdf");
    let o = yuqi(&[
        "report",
        "examples/demo.toml",
        "--evidence",
        s,
        "--verify-evidence",
        "--messages",
        "examples/demo-messages.jsonl",
        "--out",
        pdf.to_str().expect("path"),
        "--date",
        "2026-11-24",
    ]);
    assert!(o.status.success(), "{}", err(&o));
    let t = Command::new("pdftotext").arg(&pdf).arg("-").output().expect("pdftotext");
    let text = squeeze(&String::from_utf8_lossy(&t.stdout));
    assert!(text.contains("证据库共"), "the evidence index is in the dossier");
    assert!(text.contains("生成本材料前已核验"), "verification result is stated");
    assert!(text.contains("全部记录的核验码"), "the chain head is printed");
    assert!(text.contains("九、本工具不能判断的事项"));
    let html = dir.path().join("dossier.html");
    let o = yuqi(&["report", "examples/demo.toml", "--out", html.to_str().expect("path")]);
    assert!(o.status.success(), "{}", err(&o));
    let h = std::fs::read_to_string(&html).expect("html");
    assert!(h.contains("<svg"), "charts are inline SVG");
    assert!(!h.contains("http://") || !h.contains("src=\"http"), "no external resources");
}

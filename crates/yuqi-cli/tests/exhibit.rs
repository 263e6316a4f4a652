//! `yuqi exhibit` and `yuqi audit --exhibit` on the real binary: the computation exhibit
//! (计算明细表) written in every format, and shown in the terminal report on request.

use std::path::PathBuf;
use std::process::{Command, Output};

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn yuqi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_yuqi")).args(args).current_dir(workspace()).output().expect("run yuqi")
}

fn err(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("utf-8")
}

fn out(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8")
}

/// The demo's lawful totals, from `yuqi audit --json`.
fn demo_totals() -> Vec<String> {
    let o = yuqi(&["audit", "examples/demo.toml", "--json"]);
    assert!(o.status.success(), "{}", err(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    v["debts"]
        .as_array()
        .expect("debts")
        .iter()
        .map(|d| d["supported_total"].as_str().expect("amount").to_string())
        .collect()
}

#[test]
fn exhibit_writes_every_format() {
    let dir = tempfile::tempdir().expect("tmp");
    let totals = demo_totals();
    for (ext, magic) in
        [("pdf", &b"%PDF"[..]), ("docx", b"PK"), ("xlsx", b"PK"), ("csv", b"\xEF\xBB\xBF"), ("md", b"# ")]
    {
        let path = dir.path().join(format!("明细.{ext}"));
        let o = yuqi(&["exhibit", "examples/demo.toml", "-o", path.to_str().expect("path")]);
        assert!(o.status.success(), "{ext}: {}", err(&o));
        assert!(err(&o).contains("已生成计算明细表"), "{}", err(&o));
        let bytes = std::fs::read(&path).expect("written");
        assert!(bytes.starts_with(magic), "{ext}");
        assert!(!dir.path().join(format!("明细.{ext}.part")).exists());
        if ext == "csv" || ext == "md" {
            let text = String::from_utf8(bytes).expect("utf-8");
            for t in &totals {
                // CSV amounts are plain decimals; Markdown groups thousands.
                let shown = if ext == "csv" {
                    t.clone()
                } else {
                    t.parse::<yuqi_money::Money>().expect("amount").to_grouped_string()
                };
                assert!(text.contains(&shown), "{ext} lacks {shown}");
            }
        }
    }
    // --format wins over the extension; "-" is the screen.
    let o = yuqi(&["exhibit", "examples/demo.toml", "-o", "-", "--format", "csv"]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(o.stdout.starts_with(b"\xEF\xBB\xBF"));
    let o = yuqi(&["exhibit", "examples/demo.toml", "-o", "明细.txt"]);
    assert_eq!(o.status.code(), Some(2), "an unknown format is a usage error");
    assert!(err(&o).contains(".xlsx"), "{}", err(&o));
}

#[test]
fn audit_shows_the_exhibit_on_request() {
    let plain = out(&yuqi(&["audit", "examples/demo.toml"]));
    assert!(!plain.contains("计算明细表"), "not without --exhibit");
    let o = yuqi(&["audit", "examples/demo.toml", "--exhibit"]);
    assert!(o.status.success(), "{}", err(&o));
    let s = out(&o);
    assert!(s.contains("计算明细表"), "{s}");
    assert!(s.contains("还款及冲抵") && s.contains("计息本金") && s.contains("2024-06-11至2024-07-10"), "{s}");
    for t in demo_totals() {
        assert!(s.contains(&t.parse::<yuqi_money::Money>().expect("amount").to_grouped_string()), "{t}");
    }
}

//! `yuqi evidence import <folder>`: a 留痕 / WeChatMsg export folder imported by naming the
//! folder, its media stored with it.

#![allow(clippy::unwrap_used)] // helpers outside #[test] functions

use std::path::PathBuf;
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_yuqi"));
    c.env_remove("YUQI_STORE").env_remove("YUQI_PASSPHRASE");
    c.args(args).output().unwrap()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
}

#[test]
fn a_wechatmsg_folder_is_imported_by_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("case").display().to_string();
    assert!(run(&["evidence", "init", "--store", &store, "--title", "王某诉速借宝"]).status.success());
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/evidence/wechatmsg");
    let o = run(&["evidence", "import", "--store", &store, "--json", &folder.display().to_string()]);
    assert!(o.status.success(), "{}", out(&o));
    let reports: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(reports[0]["file"], "王经理.html.json");
    assert_eq!(reports[0]["new_items"], 21, "17 messages and 4 media files");
    let warnings = reports[0]["summary"]["warnings"].as_array().unwrap();
    assert!(warnings.iter().any(|w| w.as_str().unwrap().contains("不在导出文件夹里")));

    let o = run(&["evidence", "verify", "--store", &store]);
    assert!(o.status.success() && out(&o).contains("核验通过"), "{}", out(&o));
}

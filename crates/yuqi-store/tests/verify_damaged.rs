//! Verifying a damaged store (issue 19 item 10): single bytes flipped across `evidence.sqlite`,
//! plain and encrypted. Whatever cannot be read must be a finding in Chinese — never an error
//! carrying SQLite's English, and never "decryption failed" for a store that is not encrypted.

#![allow(clippy::unwrap_used)] // helpers outside #[test] functions

use std::path::{Path, PathBuf};

use yuqi_store::{DB_FILE, ImportOptions, Store};

const PASS: &str = "一个很长的口令 correct horse";

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/evidence").join(name)
}

fn populated(dir: &Path, passphrase: Option<&str>) {
    let mut st = Store::create(dir, "测试案件", passphrase).unwrap();
    for f in ["sms-basic.xml", "calls.xml", "pywxdump.csv", "photo.jpg"] {
        st.import_path(&fixture(f), &ImportOptions::default(), &mut |_, _| {}).unwrap();
    }
}

/// Runs of three or more Latin letters that are not names a Chinese reader meets anyway.
fn english_words(text: &str) -> Vec<String> {
    const ALLOWED: [&str; 3] = ["SHA", "SQLite", "UTF"];
    text.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 3 && !ALLOWED.contains(w))
        .map(str::to_string)
        .collect()
}

/// 50 positions spread over the file, the same on every run.
fn positions(len: usize) -> Vec<usize> {
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    (0..50)
        .map(|k| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Every 50th of the file, moved within its stretch: both the header and the data.
            (k * len / 50 + (x as usize) % (len / 50).max(1)).min(len - 1)
        })
        .collect()
}

fn flips(passphrase: Option<&str>) {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("base");
    populated(&base, passphrase);
    let bytes = std::fs::read(base.join(DB_FILE)).unwrap();
    let mut found = 0;
    for (k, pos) in positions(bytes.len()).into_iter().enumerate() {
        let dir = tmp.path().join(format!("flip-{k}"));
        std::fs::create_dir_all(&dir).unwrap();
        let mut b = bytes.clone();
        b[pos] ^= 0x5A;
        std::fs::write(dir.join(DB_FILE), &b).unwrap();
        let rep = Store::verify_dir(&dir, passphrase, None, &mut |_, _| {})
            .unwrap_or_else(|e| panic!("flip at byte {pos}: an error instead of a finding: {e}"));
        for p in &rep.problems {
            let what = p.to_string();
            assert!(english_words(&p.what).is_empty(), "flip at byte {pos}: English in “{what}”");
            if passphrase.is_none() {
                assert!(!what.contains("解密"), "flip at byte {pos}: a plain store said “{what}”");
            }
        }
        found += usize::from(!rep.ok());
        std::fs::remove_dir_all(&dir).unwrap();
    }
    // Most of the file is evidence or its structure; a flip in free space changes nothing.
    assert!(found > 0);
}

#[test]
fn single_byte_flips_in_a_plain_store_are_findings_in_chinese() {
    flips(None);
}

#[test]
fn single_byte_flips_in_an_encrypted_store_are_findings_in_chinese() {
    flips(Some(PASS));
}

#[test]
fn a_file_that_is_not_a_database_is_a_finding() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join(DB_FILE), vec![0x42u8; 8192]).unwrap();
    let rep = Store::verify_dir(tmp.path(), None, None, &mut |_, _| {}).unwrap();
    assert!(!rep.ok());
    assert!(rep.problems[0].to_string().contains("不是证据库文件"), "{:?}", rep.problems);
}

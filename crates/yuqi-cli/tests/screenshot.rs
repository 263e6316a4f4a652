//! `yuqi evidence import` of a chat screenshot, through the real binary: what was read is
//! reported and listed as machine-read; without the OCR engine the image is still kept, and the
//! borrower is told in Chinese what to install.

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::process::{Command, Output};

const SHOT: &str = "Screenshot_20261120-211400_com.tencent.mm.png";

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_yuqi"));
    c.env_remove("YUQI_STORE").env_remove("YUQI_PASSPHRASE").env_remove("YUQI_TSA");
    c
}

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/evidence").join(name).display().to_string()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
}

#[allow(clippy::print_stderr)] // the notice of a skipped test
fn engine_present() -> bool {
    let ok = Command::new("tesseract")
        .arg("--list-langs")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).lines().any(|l| l.trim() == "chi_sim"));
    if !ok {
        let note = "SKIP CLI screenshot test: needs tesseract-ocr with tesseract-ocr-chi-sim";
        assert!(std::env::var_os("CI").is_none(), "{note} (required under CI)");
        eprintln!("{note}");
    }
    ok
}

#[test]
fn a_screenshot_is_read_and_listed_as_machine_read() {
    if !engine_present() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("s").display().to_string();
    assert!(bin().args(["evidence", "init", "--store", &store, "--title", "截图"]).output().unwrap().status.success());
    let o = bin().args(["evidence", "import", "--store", &store, &fixture(SHOT)]).output().unwrap();
    let text = out(&o);
    assert!(o.status.success(), "{text}");
    assert!(text.contains("截图：机器从截图里认出"), "{text}");
    let o = bin().args(["evidence", "list", "--store", &store]).output().unwrap();
    let text = out(&o);
    assert!(text.contains("（机器从第 1 条截图中识别，请对照原图）"), "{text}");
    assert!(text.contains("大字报"), "{text}");
}

#[test]
fn without_the_engine_the_image_is_kept_and_the_reason_given() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("s").display().to_string();
    assert!(bin().args(["evidence", "init", "--store", &store, "--title", "截图"]).output().unwrap().status.success());
    let o = bin()
        .env("YUQI_TESSERACT", tmp.path().join("没有这个程序"))
        .args(["evidence", "import", "--store", &store, &fixture(SHOT)])
        .output()
        .unwrap();
    let text = out(&o);
    assert!(o.status.success(), "the image itself is imported: {text}");
    assert!(text.contains("新增 1 条记录"), "{text}");
    assert!(text.contains("截图：") && text.contains("apt-get install tesseract-ocr"), "{text}");
    // The record kept with the image, which the package a court reads carries in its log,
    // says why in plain words, without the install command meant for whoever runs the program.
    let pkg = tmp.path().join("证据包.zip");
    let o = bin().args(["evidence", "export", "--store", &store, "--out"]).arg(&pkg).output().unwrap();
    assert!(o.status.success(), "{}", out(&o));
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&pkg).unwrap()).unwrap();
    let mut log = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("log.jsonl").unwrap(), &mut log).unwrap();
    assert!(log.contains("没能识别截图中的文字：这台电脑上没有装识别截图文字的功能"), "{log}");
    assert!(!log.contains("apt-get"), "{log}");
    let o = bin().args(["evidence", "verify", "--store", &store]).output().unwrap();
    assert!(o.status.success(), "{}", out(&o));
}

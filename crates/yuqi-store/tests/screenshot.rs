//! A chat screenshot imported: the image kept whole, the messages Tesseract reads in it stored
//! after it as machine-read entries pointing back at the image, analysed, verified and exported
//! like any others. The fixture is a WeChat screen rendered from known text
//! (tests/data/evidence/README.md); what OCR gets right on such screens is measured in
//! crates/yuqi-ocr/tests/rendered.rs, so this test checks the wiring with room for a misread
//! character.

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use yuqi_store::{ImportOptions, Store};

const SHOT: &str = "Screenshot_20261120-211400_com.tencent.mm.png";

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/evidence").join(name)
}

/// Skips (with a note) where Tesseract with chi_sim is missing; CI installs it and fails here
/// instead.
#[allow(clippy::print_stderr)] // the notice of a skipped test
fn engine_present() -> bool {
    let ok = yuqi_ocr::tesseract::Engine::locate().is_ok();
    if !ok {
        let note = "SKIP screenshot tests: needs tesseract-ocr with tesseract-ocr-chi-sim";
        assert!(std::env::var_os("CI").is_none(), "{note} (required under CI)");
        eprintln!("{note}");
    }
    ok
}

#[test]
fn a_screenshots_messages_are_stored_machine_read_beside_the_image() {
    if !engine_present() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let mut st = Store::create(tmp.path(), "截图", None).unwrap();
    let r = st.import_path(&fixture(SHOT), &ImportOptions::default(), &mut |_, _| {}).unwrap();
    let shot = r.screenshot.as_ref().expect("a phone-shaped PNG is read");
    assert!(shot.messages >= 3, "{shot:?}");
    assert_eq!(r.new_items, 1 + shot.messages, "the image and its messages");
    assert!(shot.flagged >= 1, "the threat to put up posters at home is flagged: {shot:?}");

    let items = st.list(None, None, 100).unwrap();
    let image = &items[0];
    assert_eq!(image.kind, "file");
    assert!(image.machine_read.is_none());
    let read: Vec<_> = items.iter().filter(|i| i.machine_read.is_some()).collect();
    assert_eq!(read.len() as u64, shot.messages);
    for m in &read {
        let mr = m.machine_read.as_ref().unwrap();
        assert_eq!(mr.image_seq, image.seq, "each message names its image");
        assert_eq!(mr.image_sha256, image.sha256);
        assert!(mr.rect[0] + mr.rect[2] <= 1170 && mr.rect[1] + mr.rect[3] <= 2532, "{mr:?}");
        assert!(mr.engine.to_lowercase().contains("tesseract"), "{mr:?}");
        // The file name says WeChat.
        assert_eq!(m.channel.as_deref(), Some("wechat"));
        assert_eq!(m.kind_zh(), "截图中的微信（机器识别）");
    }
    let threat = read.iter().find(|m| m.text.as_deref().is_some_and(|t| t.contains("大字报"))).expect("threat read");
    assert_eq!(threat.direction.as_deref(), Some("in"), "left bubble: received");
    assert!(!threat.codes.is_empty(), "{:?}", threat.codes);
    // A bare clock on a screenshot taken on 2026-11-20 (the file name) is that day.
    assert_eq!(threat.time.as_deref(), Some("2026-11-20 06:33:00"));
    let reply = read.iter().find(|m| m.text.as_deref() == Some("好的")).expect("reply read");
    assert_eq!(reply.direction.as_deref(), Some("out"), "right bubble: sent");
    assert_eq!(reply.time.as_deref(), Some("2026-02-07 05:49:00"), "a full printed date");
    assert_eq!(reply.machine_read.as_ref().unwrap().printed_time.as_deref(), Some("2026年2月7日 05:49"));

    // Chained, verifiable and exported like any record.
    let v = st.verify(&mut |_, _| {}).unwrap();
    assert!(v.ok(), "{:?}", v.problems);
    let pkg = tmp.path().join("包.zip");
    st.export(&pkg, &yuqi_store::ExportOptions { redact: false, index_pdf: None }).unwrap();
    let rep = yuqi_evidence::package::verify_package(std::fs::File::open(&pkg).unwrap());
    assert!(rep.problems.is_empty(), "{:?}", rep.problems);
    assert_eq!(rep.entries_checked, 1 + shot.messages);
}

#[test]
fn reading_can_be_turned_off_and_other_images_are_not_read() {
    let tmp = tempfile::tempdir().unwrap();
    let mut st = Store::create(tmp.path(), "截图", None).unwrap();
    let off = ImportOptions { read_screenshots: false, ..Default::default() };
    let r = st.import_path(&fixture(SHOT), &off, &mut |_, _| {}).unwrap();
    assert!(r.screenshot.is_none());
    assert_eq!(r.new_items, 1);
    // A 16×16 photo is not shaped like a phone screen: kept, not read.
    let r = st.import_path(&fixture("photo.jpg"), &ImportOptions::default(), &mut |_, _| {}).unwrap();
    assert!(r.screenshot.is_none());
    assert_eq!(st.entry_count().unwrap(), 2);
    // The screenshot's time comes from its name (screenshots carry no EXIF).
    let items = st.list(None, None, 10).unwrap();
    assert_eq!(items[0].time.as_deref(), Some("2026-11-20T21:14:00"));
}

//! The Android and iPhone exports of issue 18 through `Store::import_path`: detected without
//! --format, the same SMS stored once across an XML backup, an SMS Import / Export zip and the
//! phone's own mmssms.db, the database left untouched, and a refused file leaving nothing.

#![allow(clippy::unwrap_used)] // helpers outside #[test] functions

use std::path::{Path, PathBuf};

use yuqi_evidence::digest::sha256_hex;
use yuqi_evidence::import::{ImportError, OnBad};
use yuqi_store::{ImportOptions, ImportReport, Store, StoreError};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/evidence").join(name)
}

fn try_import(st: &mut Store, path: &Path) -> Result<ImportReport, StoreError> {
    st.import_path(path, &ImportOptions::default(), &mut |_, _| {})
}

fn import(st: &mut Store, name: &str) -> ImportReport {
    try_import(st, &fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn new_store(dir: &Path) -> Store {
    Store::create(dir, "测试案件", None).unwrap()
}

#[test]
fn each_format_is_detected_and_the_same_sms_is_stored_once() {
    let tmp = tempfile::tempdir().unwrap();
    let mut st = new_store(&tmp.path().join("case"));
    let xml = import(&mut st, "sms-basic.xml");
    assert_eq!(xml.new_items, 13);

    let zip = import(&mut st, "smsie-messages.zip");
    assert!(zip.format.contains("短信导入导出"), "{}", zip.format);
    assert_eq!(
        (zip.summary.records, zip.new_items, zip.duplicates),
        (5, 3, 2),
        "lines 1 and 2 are lines 7 and 9 of the XML"
    );

    // The phone's own database: its copies of line 2 and line 3 are duplicates too, and the file
    // is untouched.
    let db = fixture("mmssms.db");
    let before = sha256_hex(&std::fs::read(&db).unwrap());
    let r = import(&mut st, "mmssms.db");
    assert!(r.format.contains("mmssms.db"), "{}", r.format);
    assert_eq!((r.summary.records, r.new_items, r.duplicates), (4, 2, 2));
    assert_eq!(sha256_hex(&std::fs::read(&db).unwrap()), before, "the database was opened read-only");
    let dir_entries: Vec<String> = std::fs::read_dir(db.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("mmssms.db") && n != "mmssms.db")
        .collect();
    assert!(dir_entries.is_empty(), "no journal or WAL beside the user's file: {dir_entries:?}");

    let calls = import(&mut st, "smsie-calls.json");
    assert_eq!((calls.summary.records, calls.new_items), (4, 4));
    let old = import(&mut st, "smsie-messages-v1.json");
    assert_eq!((old.new_items, old.duplicates), (1, 1), "its MMS is the zip's MMS");
    let imazing = import(&mut st, "imazing.csv");
    assert_eq!(imazing.new_items, 5);
    assert!(imazing.format.contains("iMazing"));

    let listed = st.list(None, None, 1000).unwrap();
    let shared: Vec<_> =
        listed.iter().filter(|i| i.text.as_deref() == Some("求求你们别再打我家人电话了🙏 我会还的")).collect();
    assert_eq!(shared.len(), 1, "one item for the same SMS in three formats");
    assert!(st.verify(&mut |_, _| {}).unwrap().ok());
}

#[test]
fn sms_inside_android_and_xiaomi_backups_are_read_without_a_format() {
    let tmp = tempfile::tempdir().unwrap();
    let mut st = new_store(&tmp.path().join("case"));
    let xml = import(&mut st, "sms-basic.xml");
    assert_eq!(xml.new_items, 13);
    let ab = import(&mut st, "android-sms.ab");
    assert!(ab.format.contains(".ab") && ab.format.contains("短信"), "{}", ab.format);
    assert_eq!(
        (ab.summary.records, ab.new_items, ab.duplicates),
        (5, 3, 2),
        "its first and third SMS are lines 7 and 9 of the XML"
    );
    // The MIUI backup holds the same messages: all duplicates, the file itself kept once more.
    let bak = import(&mut st, "miui-sms.bak");
    assert!(bak.format.contains("小米"), "{}", bak.format);
    assert_eq!((bak.summary.records, bak.new_items, bak.duplicates), (5, 0, 5));
    assert!(st.verify(&mut |_, _| {}).unwrap().ok());
}

#[test]
fn a_refused_file_leaves_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let mut st = new_store(&tmp.path().join("case"));
    let before = st.entry_count().unwrap();

    // Not an SMS database: refused, naming what was expected and what was found.
    match try_import(&mut st, &fixture("not-sms.db")) {
        Err(StoreError::Import { error: ImportError::Unrecognized(m), .. }) => {
            assert!(m.contains("sms") && m.contains("contacts") && m.contains("--format file"), "{m}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(st.entry_count().unwrap(), before);

    // A bare messages.ndjson with a broken line: refused whole by default, not even its first record kept.
    match try_import(&mut st, &fixture("smsie-broken.ndjson")) {
        Err(StoreError::Import { error: ImportError::Refused(rej), .. }) => assert_eq!(rej.position.line, 2),
        other => panic!("{other:?}"),
    }
    assert_eq!(st.entry_count().unwrap(), before);

    // A zip that is not the app's (first member something else) is kept as a plain file.
    let other = tmp.path().join("photos.zip");
    let mut data = Vec::new();
    {
        use std::io::Write;
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(&mut data));
        w.start_file("a.jpg", zip::write::SimpleFileOptions::default()).unwrap();
        w.write_all(b"not a backup").unwrap();
        w.finish().unwrap();
    }
    std::fs::write(&other, &data).unwrap();
    let r = try_import(&mut st, &other).unwrap();
    assert!(r.format.contains("普通文件"), "{}", r.format);

    // Skipping goes on past the broken line and keeps the rest.
    let opts = ImportOptions { on_bad: OnBad::Skip, ..ImportOptions::default() };
    let r = st.import_path(&fixture("smsie-broken.ndjson"), &opts, &mut |_, _| {}).unwrap();
    assert_eq!((r.new_items, r.summary.rejected_total), (2, 1));
}

#[test]
fn mutated_databases_never_panic_or_hang() {
    let tmp = tempfile::tempdir().unwrap();
    let mut st = new_store(&tmp.path().join("case"));
    let seed = std::fs::read(fixture("mmssms.db")).unwrap();
    let mut state = 0x00DB_5EED_0000_0001u64;
    let mut next = || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    };
    let started = std::time::Instant::now();
    let path = tmp.path().join("mmssms.db");
    let opts = ImportOptions { on_bad: OnBad::Skip, ..ImportOptions::default() };
    for round in 0..150 {
        let mut d = seed.clone();
        for _ in 0..1 + next() % 6 {
            let at = (next() as usize) % d.len();
            match next() % 3 {
                0 => d[at] ^= 1 << (next() % 8),
                1 => d[at] = next() as u8,
                _ => d.truncate(at.max(100)),
            }
        }
        // Keep the header magic on most rounds so the database reader, not detection, is tested.
        if round % 5 != 0 {
            d[..16].copy_from_slice(b"SQLite format 3\0");
        }
        std::fs::write(&path, &d).unwrap();
        if let Err(e) = st.import_path(&path, &opts, &mut |_, _| {}) {
            // Refused in Chinese: SQLite's English text does not reach the borrower.
            let text = e.to_string();
            assert!(
                !["malformed", "database disk", "not a database", "error"].iter().any(|w| text.contains(w)),
                "round {round}: {text}"
            );
        }
    }
    assert!(started.elapsed().as_secs() < 120, "mutated databases took {:?}", started.elapsed());
    assert!(st.verify(&mut |_, _| {}).unwrap().ok());
}

//! Trusted timestamps at the store's level, without an authority: the configuration the web
//! app reads from its environment, an authority that is down (the import stays), and a store made before the
//! `timestamps` table existed. The full round trip against a real (openssl) authority is in
//! crates/yuqi-cli/tests/timestamp.rs.

use std::path::PathBuf;

use rusqlite::Connection;
use yuqi_store::{DB_FILE, ExportOptions, ImportOptions, Store, TIMESTAMP_NOTE, TsaConfig};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/evidence").join(name)
}

#[test]
fn the_environment_switches_timestamps_on_and_a_dead_authority_loses_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("case");
    let mut st = Store::create(&dir, "测试", None).unwrap();
    let rep = st.import_path(&fixture("calls.xml"), &ImportOptions::default(), &mut |_, _| {}).unwrap();
    assert!(rep.new_items > 0);

    // Off unless asked.
    assert!(TsaConfig::from_vars(None, None).unwrap().is_none());
    assert!(TsaConfig::from_vars(Some(" ".into()), None).unwrap().is_none());
    assert_eq!(st.stamp_note(Ok(None)), None);

    // An authority nobody answers for: a Chinese note, the entries still there.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", closed.local_addr().unwrap());
    drop(closed);
    let note = st.stamp_note(TsaConfig::from_vars(Some(url.clone()), None)).unwrap();
    assert!(
        note.starts_with(TIMESTAMP_NOTE) && note.contains("未能取得") && note.contains("证据已导入并保存"),
        "{note}"
    );
    assert_eq!(st.entry_count().unwrap(), rep.chain_head.as_ref().unwrap().seq);
    let v = st.verify(&mut |_, _| {}).unwrap();
    assert!(v.ok() && v.timestamps.is_empty(), "{:?}", v.problems);

    // A CA file that cannot be read is named, not ignored.
    let bad = TsaConfig::from_vars(Some(url), Some(tmp.path().join("missing.pem").into()));
    assert!(bad.as_ref().unwrap_err().contains("YUQI_TSA_CA"));
    let note = st.stamp_note(bad).unwrap();
    assert!(note.starts_with(TIMESTAMP_NOTE) && note.contains("证据已导入并保存"), "{note}");

    // A store made before timestamps existed (no table) opens, verifies and exports as before.
    drop(st);
    let c = Connection::open(dir.join(DB_FILE)).unwrap();
    c.execute_batch("DROP TABLE timestamps").unwrap();
    drop(c);
    let st = Store::open(&dir, None).unwrap();
    let v = st.verify(&mut |_, _| {}).unwrap();
    assert!(v.ok(), "{:?}", v.problems);
    let pkg = tmp.path().join("p.zip");
    st.export(&pkg, &ExportOptions::default()).unwrap();
    let r = yuqi_evidence::package::verify_package(std::fs::File::open(&pkg).unwrap());
    assert!(r.ok() && r.timestamps.is_empty(), "{:?}", r.problems);
    let c = Connection::open(dir.join(DB_FILE)).unwrap();
    let tables: i64 =
        c.query_row("SELECT COUNT(*) FROM sqlite_master WHERE name = 'timestamps'", [], |r| r.get(0)).unwrap();
    assert_eq!(tables, 0, "opening, verifying and exporting an old store writes nothing");
}

#[test]
fn forged_timestamps_are_named_in_the_store_and_in_the_package() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("case");
    let mut st = Store::create(&dir, "测试", None).unwrap();
    st.import_path(&fixture("calls.xml"), &ImportOptions::default(), &mut |_, _| {}).unwrap();
    let (seq, hash): (i64, String) = Connection::open(dir.join(DB_FILE))
        .unwrap()
        .query_row("SELECT seq, entry_hash FROM log ORDER BY seq LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    // One over a head that is not in the chain, one over a real head that is not DER, both
    // written straight into the table as someone holding the file could.
    let c = Connection::open(dir.join(DB_FILE)).unwrap();
    let insert = "INSERT INTO timestamps (head_seq, head_hash, tsa_url, requested_at, nonce, response, certs) \
                  VALUES (?1, ?2, 'http://tsa.example/', '2026-01-01T00:00:00Z', '4001020304050607', ?3, NULL)";
    c.execute(insert, rusqlite::params![seq + 1, "00".repeat(32), vec![0x30u8, 0x00]]).unwrap();
    c.execute(insert, rusqlite::params![seq, hash, vec![0x30u8, 0x80, 0x00, 0x00]]).unwrap();
    // The table is append-only.
    assert!(c.execute("DELETE FROM timestamps", []).is_err());
    drop(c);
    let v = st.verify(&mut |_, _| {}).unwrap();
    assert_eq!(v.problems.len(), 2, "{:?}", v.problems);
    assert!(v.problems.iter().any(|p| p.to_string().contains("不在哈希链中")), "{:?}", v.problems);
    assert!(v.problems.iter().any(|p| p.to_string().contains("不是有效的 DER")), "{:?}", v.problems);
    assert!(v.problems.iter().all(|p| p.to_string().starts_with("第 ")), "{:?}", v.problems);

    let pkg = tmp.path().join("p.zip");
    st.export(&pkg, &ExportOptions::default()).unwrap();
    let r = yuqi_evidence::package::verify_package(std::fs::File::open(&pkg).unwrap());
    assert_eq!(r.problems.len(), 2, "{:?}", r.problems);
    assert!(
        r.problems.iter().any(|p| p.contains(&format!("{:06}.tsr", seq + 1)) && p.contains("不在证据包的哈希链中"))
    );
    assert!(r.problems.iter().any(|p| p.contains(&format!("{seq:06}.tsr")) && p.contains("DER")));
}

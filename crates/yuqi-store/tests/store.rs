//! The evidence store against real fixtures: dedup, all-or-nothing imports, tamper detection
//! naming the altered entry, encryption at rest, packages, redaction, proposals, deletion.

#![allow(clippy::unwrap_used)] // helpers outside #[test] functions

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use rusqlite::Connection;
use yuqi_evidence::import::OnBad;
use yuqi_store::{CryptError, DB_FILE, ExportOptions, ImportOptions, Store, StoreError};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/evidence").join(name)
}

fn import(st: &mut Store, name: &str) -> yuqi_store::ImportReport {
    st.import_path(&fixture(name), &ImportOptions::default(), &mut |_, _| {}).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The PDF renderer the CLI hands to `export` (the store itself links no typesetter).
fn render_pdf(markup: &str, today: (i32, u8, u8)) -> Result<Vec<u8>, String> {
    yuqi_render::Renderer::new().and_then(|r| r.pdf(markup, today)).map_err(|e| e.to_string())
}

fn with_pdf() -> ExportOptions<'static> {
    ExportOptions { redact: false, index_pdf: Some(&render_pdf) }
}

fn new_store(dir: &Path) -> Store {
    Store::create(dir, "测试案件", None).unwrap()
}

/// A store with messages, calls, chats and plain files.
fn populated(dir: &Path) -> Store {
    let mut st = new_store(dir);
    for f in ["sms-basic.xml", "calls.xml", "pywxdump.csv", "photo.jpg", "call.amr"] {
        import(&mut st, f);
    }
    st
}

#[test]
fn the_same_item_is_stored_once() {
    let tmp = tempfile::tempdir().unwrap();
    let mut st = new_store(tmp.path());
    let r = import(&mut st, "sms-basic.xml");
    assert_eq!((r.new_items, r.duplicates), (13, 1), "record 12 repeats record 3");
    let n = st.entry_count().unwrap();
    assert_eq!(n, 14, "13 records and the export file itself");

    let again = import(&mut st, "sms-basic.xml");
    assert!(again.already_imported);
    assert_eq!(st.entry_count().unwrap(), n);

    // The same calls, re-encoded in GB18030 under other headers: new file, no new items.
    import(&mut st, "calllog.csv");
    let before = st.entry_count().unwrap();
    let gb = import(&mut st, "calllog-gb18030.csv");
    assert_eq!((gb.new_items, gb.duplicates), (0, 10));
    assert_eq!(st.entry_count().unwrap(), before + 1, "only the new export file itself");
    assert!(st.verify(&mut |_, _| {}).unwrap().ok());
}

#[test]
fn a_refused_or_broken_file_stores_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let mut st = new_store(tmp.path());
    import(&mut st, "calls.xml");
    let before = st.entry_count().unwrap();

    let refused = st.import_path(&fixture("sms-broken-record.xml"), &ImportOptions::default(), &mut |_, _| {});
    assert!(matches!(refused, Err(StoreError::Import { .. })), "{refused:?}");
    assert_eq!(st.entry_count().unwrap(), before);

    let skip = ImportOptions { on_bad: OnBad::Skip, ..ImportOptions::default() };
    for _ in 0..2 {
        let truncated = st.import_path(&fixture("sms-truncated.xml"), &skip, &mut |_, _| {});
        let msg = truncated.unwrap_err().to_string();
        assert!(msg.contains("第 9 行"), "{msg}");
        assert_eq!(st.entry_count().unwrap(), before, "records before the break are not kept");
    }

    let r = st.import_path(&fixture("sms-broken-record.xml"), &skip, &mut |_, _| {}).unwrap();
    assert_eq!(r.new_items, 4);
    assert_eq!(r.summary.rejected[0].position.record, 3);
    assert_eq!(r.summary.rejected[0].position.line, 7);
    assert!(st.verify(&mut |_, _| {}).unwrap().ok());
}

/// Runs SQL on the store's database with the append-only triggers removed (what an attacker
/// with file access could do), then returns what `verify` names.
fn tamper(dir: &Path, sql: &str) -> Vec<u64> {
    {
        let c = Connection::open(dir.join(DB_FILE)).unwrap();
        for t in [
            "log_append_only_u",
            "log_append_only_d",
            "blobs_append_only_u",
            "blobs_append_only_d",
            "chunks_append_only_u",
            "chunks_append_only_d",
        ] {
            c.execute_batch(&format!("DROP TRIGGER IF EXISTS {t};")).unwrap();
        }
        c.execute_batch(sql).unwrap();
    }
    let st = Store::open(dir, None).unwrap();
    let rep = st.verify(&mut |_, _| {}).unwrap();
    let mut seqs: Vec<u64> = rep.problems.iter().map(|p| p.seq).collect();
    seqs.dedup();
    seqs
}

fn copy_store(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    std::fs::copy(from.join(DB_FILE), to.join(DB_FILE)).unwrap();
}

#[test]
fn any_altered_entry_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("base");
    let n = {
        let st = populated(&base);
        assert!(st.verify(&mut |_, _| {}).unwrap().ok());
        st.entry_count().unwrap()
    };
    let c = Connection::open(base.join(DB_FILE)).unwrap();
    // (seq, sha256, source id, offset): where each entry's content lives.
    let entries: Vec<(u64, String, Option<i64>, Option<i64>)> = c
        .prepare("SELECT seq, blob_sha256, content_src, content_offset FROM log ORDER BY seq")
        .unwrap()
        .query_map([], |r| Ok((r.get::<_, i64>(0)? as u64, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    // The entry of each stored file, by source id.
    let whole: std::collections::HashMap<i64, u64> =
        entries.iter().filter(|e| e.2.is_some() && e.3.is_none()).map(|e| (e.2.unwrap(), e.0)).collect();
    drop(c);
    assert_eq!(entries.len() as u64, n);
    let chunk = 1i64 << 20;
    for (i, (seq, sha, src, off)) in entries.iter().enumerate() {
        // One byte of the content changed.
        let d = tmp.path().join(format!("content-{seq}"));
        copy_store(&base, &d);
        let (sql, mut expect) = match (src, off) {
            (None, _) => (
                format!(
                    "UPDATE blobs SET content = CAST(substr(content, 1, 0) AS BLOB) || X'00' || substr(content, 2) WHERE sha256 = '{sha}';"
                ),
                vec![*seq],
            ),
            (Some(s), o) => {
                // The byte at the item's offset in its file: a record changed in the original
                // export changes the record and the file that holds it.
                let at = o.unwrap_or(0);
                let (idx, pos) = (at / chunk, at % chunk + 1);
                let sql = format!(
                    "UPDATE chunks SET data = CAST(substr(data, 1, {p0}) || X'00' || substr(data, {p1}) AS BLOB) WHERE src = {s} AND idx = {idx};",
                    p0 = pos - 1,
                    p1 = pos + 1
                );
                let mut expect = vec![*seq, whole[s]];
                expect.sort();
                expect.dedup();
                (sql, expect)
            }
        };
        expect.sort();
        assert_eq!(tamper(&d, &sql), expect, "content of entry {seq}");

        // One character of the recorded metadata changed.
        let d = tmp.path().join(format!("meta-{seq}"));
        copy_store(&base, &d);
        let sql = format!(
            "UPDATE log SET metadata = CAST(replace(CAST(metadata AS TEXT), '\"', '''') AS BLOB) WHERE seq = {seq};"
        );
        assert_eq!(tamper(&d, &sql), vec![*seq], "metadata of entry {seq}");

        // An entry removed: the next one no longer links (the last one: the chain is shorter,
        // which only a known head can show, so it is checked against the package below).
        if i + 1 < entries.len() {
            let d = tmp.path().join(format!("del-{seq}"));
            copy_store(&base, &d);
            let named = tamper(&d, &format!("DELETE FROM log WHERE seq = {seq};"));
            assert!(named.contains(&(seq + 1)), "deleting entry {seq} names {named:?}");
        }
    }
}

#[test]
fn random_byte_flips_in_the_database_never_pass_silently() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("base");
    let (originals, n) = {
        let st = populated(&base);
        let n = st.entry_count().unwrap();
        ((1..=n).map(|s| st.item(s).unwrap()).collect::<Vec<_>>(), n)
    };
    let bytes = std::fs::read(base.join(DB_FILE)).unwrap();
    // Deterministic positions spread over the whole file.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut detected = 0;
    for k in 0..60 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let pos = (x as usize) % bytes.len();
        let d = tmp.path().join(format!("flip-{k}"));
        std::fs::create_dir_all(&d).unwrap();
        let mut b = bytes.clone();
        b[pos] ^= 0x5A;
        std::fs::write(d.join(DB_FILE), &b).unwrap();
        let outcome = Store::open(&d, None).and_then(|st| {
            let rep = st.verify(&mut |_, _| {})?;
            let same = rep.ok()
                && st.entry_count()? == n
                && (1..=n).all(|s| st.item(s).ok().as_ref() == Some(&originals[s as usize - 1]));
            Ok((rep.ok(), same))
        });
        match outcome {
            // Verification passed: then nothing of the evidence may differ.
            Ok((true, same)) => assert!(same, "flip at byte {pos} passed verification but changed evidence"),
            Ok((false, _)) | Err(_) => detected += 1,
        }
    }
    // Most of the file is evidence; a flip in free space or an index changes nothing.
    assert!(detected > 0);
}

#[test]
fn encryption_at_rest() {
    let tmp = tempfile::tempdir().unwrap();
    let plain_dir = tmp.path().join("plain");
    let enc_dir = tmp.path().join("enc");
    let mut plain = new_store(&plain_dir);
    import(&mut plain, "sms-basic.xml");
    let mut enc = Store::create(&enc_dir, "加密案件", Some("正确的口令 horse")).unwrap();
    import(&mut enc, "sms-basic.xml");
    assert!(enc.verify(&mut |_, _| {}).unwrap().ok());
    // Same evidence, same hashes.
    assert_eq!(plain.item(2).unwrap().0.blob_sha256, enc.item(2).unwrap().0.blob_sha256);
    assert_eq!(plain.item(2).unwrap().1, enc.item(2).unwrap().1);
    drop((plain, enc));

    let needle = "紧急联系人".as_bytes();
    let has = |dir: &Path| {
        let mut all = Vec::new();
        for f in std::fs::read_dir(dir).unwrap() {
            std::fs::File::open(f.unwrap().path()).unwrap().read_to_end(&mut all).unwrap();
        }
        all.windows(needle.len()).any(|w| w == needle)
    };
    assert!(has(&plain_dir), "the plain store holds the text");
    assert!(!has(&enc_dir), "the encrypted store must not");

    assert!(matches!(Store::open(&enc_dir, None), Err(StoreError::Crypt(CryptError::PassphraseNeeded))));
    assert!(matches!(Store::open(&enc_dir, Some("错误")), Err(StoreError::Crypt(CryptError::WrongPassphrase))));
    assert!(Store::open(&enc_dir, Some("正确的口令 horse")).unwrap().verify(&mut |_, _| {}).unwrap().ok());

    // Sealed values are bound to their row: metadata swapped between two entries does not open.
    {
        let c = Connection::open(enc_dir.join(DB_FILE)).unwrap();
        c.execute_batch(
            "DROP TRIGGER log_append_only_u; \
             UPDATE log SET metadata = (SELECT metadata FROM log WHERE seq = 3) WHERE seq = 2;",
        )
        .unwrap();
    }
    let rep = Store::open(&enc_dir, Some("正确的口令 horse")).unwrap().verify(&mut |_, _| {}).unwrap();
    assert!(rep.problems.iter().any(|p| p.seq == 2 && p.what.contains("无法读取")), "{:?}", rep.problems);
    // A passphrase for a store that has none is refused rather than silently ignored.
    assert!(Store::open(&plain_dir, Some("x")).is_err());
}

fn zip_files(path: &Path) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut v = Vec::new();
            f.read_to_end(&mut v).unwrap();
            (f.name().to_string(), v)
        })
        .collect()
}

fn rewrite_zip(path: &Path, out: &Path, change: &dyn Fn(&str, &mut Vec<u8>)) {
    let files = zip_files(path);
    let mut w = zip::ZipWriter::new(std::fs::File::create(out).unwrap());
    for (name, mut data) in files {
        change(&name, &mut data);
        w.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        w.write_all(&data).unwrap();
    }
    w.finish().unwrap();
}

fn verify_zip(path: &Path) -> yuqi_evidence::package::PackageReport {
    yuqi_evidence::package::verify_package(std::fs::File::open(path).unwrap())
}

#[test]
fn packages_verify_and_name_what_was_altered() {
    let tmp = tempfile::tempdir().unwrap();
    let st = populated(&tmp.path().join("s"));
    let pkg = tmp.path().join("证据包.zip");
    let rep = st.export(&pkg, &with_pdf()).unwrap();
    assert_eq!(rep.entries, st.entry_count().unwrap());
    let ok = verify_zip(&pkg);
    assert!(ok.ok(), "{:?}", ok.problems);
    assert_eq!(ok.entries_checked, rep.entries);

    let files = zip_files(&pkg);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    for must in ["README.txt", "SHA256SUMS", "manifest.json", "log.jsonl", "index.html", "index.pdf", "verify.py"] {
        assert!(names.contains(&must), "{must} missing from {names:?}");
    }
    let index = String::from_utf8(files.iter().find(|(n, _)| n == "index.html").unwrap().1.clone()).unwrap();
    assert!(index.contains("证据目录") && index.contains("原始导出文件：sms-basic.xml"));
    assert!(index.contains("联系第三人") || index.contains("contact_third_party"), "flagged messages are listed");

    // The PDF index is a real PDF with the Chinese text and the fonts embedded (poppler-utils).
    let pdf_path = tmp.path().join("index.pdf");
    std::fs::write(&pdf_path, &files.iter().find(|(n, _)| n == "index.pdf").unwrap().1).unwrap();
    let text = std::process::Command::new("pdftotext")
        .args([pdf_path.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) is needed to check PDFs; .ci/run installs it");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("证据目录") && text.contains("sms-basic.xml") && text.contains("call.amr"), "{text}");
    let fonts = std::process::Command::new("pdffonts").arg(&pdf_path).output().unwrap();
    let fonts = String::from_utf8_lossy(&fonts.stdout);
    assert!(fonts.contains("CJK") && fonts.lines().skip(2).all(|l| l.contains(" yes ")), "fonts not embedded: {fonts}");

    // One byte of one original changed (and SHA256SUMS left alone): that file is named.
    for target in names.iter().filter(|n| n.starts_with("originals/")).take(8) {
        let bad = tmp.path().join("bad.zip");
        rewrite_zip(&pkg, &bad, &|name, data| {
            if name == *target {
                data[0] ^= 1;
            }
        });
        let r = verify_zip(&bad);
        assert!(r.problems.iter().any(|p| p.contains(target)), "{target}: {:?}", r.problems);
    }
    // A forger who also fixes SHA256SUMS is caught by the log's hash.
    let target = names.iter().find(|n| n.starts_with("originals/items/")).unwrap().to_string();
    let bad = tmp.path().join("bad2.zip");
    let t2 = target.clone();
    rewrite_zip(&pkg, &bad, &move |name, data| {
        if name == t2 {
            data[1] ^= 1;
        }
    });
    let forged_sum = {
        let f = zip_files(&bad);
        let new = &f.iter().find(|(n, _)| *n == target).unwrap().1;
        yuqi_evidence::digest::sha256_hex(new)
    };
    let bad3 = tmp.path().join("bad3.zip");
    let t3 = target.clone();
    rewrite_zip(&bad, &bad3, &move |name, data| {
        if name == "SHA256SUMS" {
            let s = String::from_utf8(data.clone()).unwrap();
            let fixed: String =
                s.lines()
                    .map(|l| {
                        if l.ends_with(&format!("  {t3}")) { format!("{forged_sum}  {t3}\n") } else { format!("{l}\n") }
                    })
                    .collect();
            *data = fixed.into_bytes();
        }
    });
    let r = verify_zip(&bad3);
    assert!(r.problems.iter().any(|p| p.contains(&target)), "{:?}", r.problems);

    // Claiming the package is redacted switches off no check silently: it is reported.
    let claimed = tmp.path().join("claimed.zip");
    rewrite_zip(&pkg, &claimed, &|name, data| {
        if name == "manifest.json" {
            *data = String::from_utf8(data.clone())
                .unwrap()
                .replace("\"redacted\": false", "\"redacted\": true")
                .into_bytes();
        }
    });
    let fixed_manifest = zip_files(&claimed).into_iter().find(|(n, _)| n == "manifest.json").unwrap().1;
    let manifest_sum = yuqi_evidence::digest::sha256_hex(&fixed_manifest);
    let sums_fixed = tmp.path().join("claimed2.zip");
    rewrite_zip(&claimed, &sums_fixed, &move |name, data| {
        if name == "SHA256SUMS" {
            let s = String::from_utf8(data.clone()).unwrap();
            *data = s
                .lines()
                .map(|l| {
                    if l.ends_with("  manifest.json") {
                        format!("{manifest_sum}  manifest.json\n")
                    } else {
                        format!("{l}\n")
                    }
                })
                .collect::<String>()
                .into_bytes();
        }
    });
    let r = verify_zip(&sums_fixed);
    assert!(r.redacted && r.entries_checked > 0 && r.unverifiable_metadata == r.entries_checked, "{r:?}");

    // An original removed together with its lines in SHA256SUMS and the manifest: the log names it.
    let victim = names.iter().find(|n| n.starts_with("originals/items/")).unwrap().to_string();
    let removed = tmp.path().join("removed.zip");
    {
        let mut w = zip::ZipWriter::new(std::fs::File::create(&removed).unwrap());
        for (name, data) in zip_files(&pkg) {
            if name == victim {
                continue;
            }
            let data = if name == "SHA256SUMS" {
                let kept: String = String::from_utf8(data)
                    .unwrap()
                    .lines()
                    .filter(|l| !l.ends_with(&victim))
                    .map(|l| format!("{l}\n"))
                    .collect();
                kept.into_bytes()
            } else if name == "manifest.json" {
                let mut m: serde_json::Value = serde_json::from_slice(&data).unwrap();
                m["files"].as_array_mut().unwrap().retain(|f| f["path"] != victim.as_str());
                serde_json::to_vec_pretty(&m).unwrap()
            } else {
                data
            };
            w.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
            w.write_all(&data).unwrap();
        }
        w.finish().unwrap();
    }
    let r = verify_zip(&removed);
    assert!(r.problems.iter().any(|p| p.contains("原件不在证据包中")), "{:?}", r.problems);

    // Raw byte flips anywhere in the zip: either detected, or no file's content changed.
    let raw = std::fs::read(&pkg).unwrap();
    let original = zip_files(&pkg);
    for k in 0..40 {
        let pos = (k * 7919 + 13) % raw.len();
        let mut b = raw.clone();
        b[pos] ^= 0x20;
        let p = tmp.path().join("flip.zip");
        std::fs::write(&p, &b).unwrap();
        let r = yuqi_evidence::package::verify_package(std::io::Cursor::new(&b));
        if r.ok() {
            assert_eq!(zip_files(&p), original, "flip at {pos} changed content but verified");
        }
    }
}

#[test]
fn the_pdf_index_is_written_only_by_the_callers_renderer() {
    let tmp = tempfile::tempdir().unwrap();
    let mut st = new_store(&tmp.path().join("s"));
    import(&mut st, "sms-basic.xml");

    // No renderer: the package is complete and verifies, with the HTML index only.
    let plain = tmp.path().join("plain.zip");
    st.export(&plain, &ExportOptions::default()).unwrap();
    assert!(verify_zip(&plain).ok());
    let names: Vec<String> = zip_files(&plain).into_iter().map(|(n, _)| n).collect();
    assert!(names.iter().any(|n| n == "index.html") && !names.iter().any(|n| n == "index.pdf"), "{names:?}");

    // The renderer receives the index markup; its failure is the export's error, and no
    // half-written package is left behind.
    let seen = std::cell::RefCell::new(String::new());
    let failing = |markup: &str, _today: (i32, u8, u8)| -> Result<Vec<u8>, String> {
        *seen.borrow_mut() = markup.to_string();
        Err("找不到中文字体".to_string())
    };
    let out = tmp.path().join("failed.zip");
    let err = st.export(&out, &ExportOptions { redact: false, index_pdf: Some(&failing) }).unwrap_err();
    assert!(matches!(&err, StoreError::Render(m) if m == "找不到中文字体"), "{err:?}");
    assert!(seen.borrow().contains("证据目录"), "the renderer was given the index");
    assert!(!out.exists());
}

#[test]
fn redacted_packages_hide_third_party_numbers() {
    let tmp = tempfile::tempdir().unwrap();
    let mut st = new_store(&tmp.path().join("s"));
    import(&mut st, "sms-basic.xml");
    let pkg = tmp.path().join("r.zip");
    st.export(&pkg, &ExportOptions { redact: true, ..with_pdf() }).unwrap();
    let r = verify_zip(&pkg);
    assert!(r.ok() && r.redacted, "{:?}", r.problems);
    let all: Vec<u8> = zip_files(&pkg).into_iter().filter(|(n, _)| n != "verify.py").flat_map(|(_, d)| d).collect();
    let text = String::from_utf8_lossy(&all);
    // 张华 is a colleague who reported being called: a third party.
    assert!(!text.contains("13912345678") && !text.contains("139 1234 5678"), "third-party number left in the package");
    // The collector's number stays: it is the subject of the evidence.
    assert!(text.contains("13712345678"));
    assert!(!zip_files(&pkg).iter().any(|(n, _)| n.starts_with("originals/sources/")), "the raw export is left out");
}

#[test]
fn proposals_are_confirmed_into_the_log() {
    let tmp = tempfile::tempdir().unwrap();
    let mut st = new_store(tmp.path());
    import(&mut st, "sms-basic.xml");
    let ps = st.proposals().unwrap();
    assert!(!ps.is_empty());
    // Only incoming, delivered messages from the other side; never the colleague's report.
    assert!(ps.iter().all(|p| p.sender_key != "13912345678"), "{ps:#?}");
    assert!(ps.iter().any(|p| p.sender_key == "13712345678" && p.codes.contains(&"contact_third_party".to_string())));
    let id = ps[0].id.clone();
    let before = st.entry_count().unwrap();
    let c = st.confirm(&id, "D1", "确认").unwrap();
    assert_eq!(c.debt, "D1");
    assert_eq!(st.entry_count().unwrap(), before + 1);
    assert!(st.proposals().unwrap().iter().all(|p| p.id != id));
    assert_eq!(st.confirmations().unwrap().len(), 1);
    assert!(st.confirm(&id, "D1", "").is_err(), "a proposal is confirmed once");
    assert!(st.verify(&mut |_, _| {}).unwrap().ok());
}

#[test]
fn the_borrowers_judgments_are_logged_and_the_latest_is_in_force() {
    use yuqi_store::Verdict;
    let tmp = tempfile::tempdir().unwrap();
    let mut st = new_store(&tmp.path().join("s"));
    import(&mut st, "sms-basic.xml");
    let msg = st.list(None, None, usize::MAX).unwrap().into_iter().find(|i| i.text.is_some()).unwrap().seq;
    let before = st.entry_count().unwrap();
    st.judge(msg, "insult", Verdict::Confirmed).unwrap();
    st.judge(msg, "contact_third_party", Verdict::Rejected).unwrap();
    st.judge(msg, "insult", Verdict::Cleared).unwrap();
    st.judge(msg, "intimidation", Verdict::Rejected).unwrap();
    st.judge(msg, "intimidation", Verdict::Confirmed).unwrap();
    assert_eq!(st.entry_count().unwrap(), before + 5, "every judgment is an entry of the chain");
    let now: Vec<(u64, String, Verdict)> =
        st.judgments().unwrap().into_iter().map(|j| (j.item, j.code, j.verdict)).collect();
    assert_eq!(
        now,
        vec![
            (msg, "contact_third_party".to_string(), Verdict::Rejected),
            (msg, "intimidation".to_string(), Verdict::Confirmed)
        ],
        "the latest per code; a withdrawn one is gone"
    );
    // Refused, with nothing written: an unknown code, an entry that is not a message.
    let n = st.entry_count().unwrap();
    let e = st.judge(msg, "rudeness", Verdict::Confirmed).unwrap_err().to_string();
    assert!(e.contains("rudeness") && e.contains("问题类型"), "{e}");
    let source = st.list(None, None, usize::MAX).unwrap().into_iter().find(|i| i.kind == "source").unwrap().seq;
    let e = st.judge(source, "insult", Verdict::Confirmed).unwrap_err().to_string();
    assert!(e.contains("不是一条消息"), "{e}");
    assert_eq!(st.entry_count().unwrap(), n);
    // Listed by what they record, and a package with them verifies (they have no file of their own).
    let listed = st.list(None, None, usize::MAX).unwrap();
    assert!(listed.iter().filter(|i| i.kind == "judgment").all(|i| i.kind_zh() == "用户对消息的判断"));
    assert!(st.verify(&mut |_, _| {}).unwrap().ok());
    let pkg = tmp.path().join("p.zip");
    st.export(&pkg, &with_pdf()).unwrap();
    let r = verify_zip(&pkg);
    assert!(r.ok(), "{:?}", r.problems);
    let log = zip_files(&pkg).into_iter().find(|(n, _)| n == "log.jsonl").unwrap().1;
    assert!(String::from_utf8_lossy(&log).contains("本人确认有此问题"), "the package's log shows the judgments");
}

#[test]
fn deleting_a_case_is_logged_outside_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("case");
    drop(populated(&dir));
    let rec = yuqi_store::delete_case(&dir, "用户要求").unwrap();
    assert!(!dir.exists(), "an emptied store directory goes too");
    // A store kept in a folder with the user's own files: only the store is deleted.
    let shared = tmp.path().join("文档");
    drop(populated(&shared));
    std::fs::write(shared.join("合同.pdf"), b"%PDF-1.4").unwrap();
    yuqi_store::delete_case(&shared, "用户要求").unwrap();
    assert!(shared.join("合同.pdf").exists() && !shared.join(DB_FILE).exists());
    let log = std::fs::read_to_string(tmp.path().join("yuqi-deletions.log")).unwrap();
    assert!(log.contains("用户要求") && log.contains(&rec.chain_head.unwrap()));
    assert!(rec.entries > 0);
}

#[test]
fn a_plain_file_keeps_its_metadata() {
    let tmp = tempfile::tempdir().unwrap();
    let mut st = new_store(tmp.path());
    import(&mut st, "photo.jpg");
    let (e, content) = st.item(1).unwrap();
    assert_eq!(content, std::fs::read(fixture("photo.jpg")).unwrap());
    assert!(e.metadata.contains("2025-03-02T23:41:05+08:00"), "{}", e.metadata);
    assert_eq!(e.kind, "file");
}

#[test]
fn a_changed_derived_index_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("s");
    drop(populated(&dir));
    let seq: i64 = Connection::open(dir.join(DB_FILE))
        .unwrap()
        .query_row("SELECT seq FROM messages WHERE codes = '[]' AND direction = 'in' LIMIT 1", [], |r| r.get(0))
        .unwrap();
    // An ordinary reminder relabelled as intimidation would put it in the evidence index.
    let named = tamper(&dir, &format!("UPDATE messages SET codes = '[\"intimidation\"]' WHERE seq = {seq};"));
    assert_eq!(named, vec![seq as u64]);
}

#[test]
fn night_contact_is_found_across_the_whole_log() {
    let tmp = tempfile::tempdir().unwrap();
    let mut st = new_store(tmp.path());
    import(&mut st, "sms-basic.xml");
    import(&mut st, "calls.xml");
    // calls.xml rings at 02:14 and 02:15 China time; the window and its legal basis come from
    // the law data (docs/law/conduct.md §1–§2), not from this test.
    let night = st.list(Some("night_contact"), None, 100).unwrap();
    let times: Vec<&str> = night.iter().filter_map(|i| i.time.as_deref()).collect();
    assert!(times.contains(&"2025-03-02 02:14:30") && times.contains(&"2025-03-02 02:15:10"), "{times:?}");
    assert!(night.iter().all(|i| i.direction.as_deref() == Some("in")));
    // A daytime reminder is not flagged.
    assert!(!times.contains(&"2025-03-01 09:00:05"));
}

/// Pasted text imported with `opts` (the paste box's answers) into `st`.
fn import_paste(st: &mut Store, dir: &Path, text: &str, opts: ImportOptions) -> yuqi_store::ImportReport {
    let file = dir.join("粘贴的文字.txt");
    std::fs::write(&file, text).unwrap();
    let opts = ImportOptions { format: Some(yuqi_evidence::import::Format::PastedText), ..opts };
    st.import_path(&file, &opts, &mut |_, _| {}).unwrap()
}

#[test]
fn a_message_someone_else_received_is_stored_and_read_as_sent_to_them() {
    let tmp = tempfile::tempdir().unwrap();
    let mut st = new_store(&tmp.path().join("s"));
    let notice = "李明在我司的借款已逾期90天，请尽快处理，否则后果自负。";
    import_paste(&mut st, tmp.path(), &format!("2026-11-20 10:00 17311112222\n{notice}\n"), ImportOptions::default());
    let to_mother = ImportOptions { pasted_to: Some("relative".into()), ..ImportOptions::default() };
    // The same text at the same minute: collectors send the debtor's and his mother's copy at
    // once. (Her paste carries one more message, so the pasted text as a whole is new; the very
    // same bytes pasted again are recognised as an earlier paste, whoever is said to receive them.)
    import_paste(
        &mut st,
        tmp.path(),
        &format!("2026-11-20 10:00 17311112222\n{notice}\n\n2026-11-20 10:05 17311112222\n请转告他尽快还款\n"),
        to_mother,
    );
    let listed: Vec<_> =
        st.list(None, None, usize::MAX).unwrap().into_iter().filter(|i| i.text.as_deref() == Some(notice)).collect();
    assert_eq!(listed.len(), 2, "his copy and hers are two messages");
    let (his, hers) = (&listed[0], &listed[1]);
    assert_eq!((his.to.as_deref(), hers.to.as_deref()), (None, Some("relative")));
    // The analyzer reads the one his mother received as sent to her: contact with a third party.
    assert_eq!(hers.analyzer_message().unwrap().to.as_deref(), Some("relative"));
    assert_eq!(his.analyzer_message().unwrap().to.as_deref(), Some("self"));
    assert!(hers.codes.iter().any(|c| c == "contact_third_party"), "{:?}", hers.codes);
    assert!(!his.codes.iter().any(|c| c == "contact_third_party"), "{:?}", his.codes);
    let third: Vec<u64> =
        st.list(Some("contact_third_party"), None, usize::MAX).unwrap().into_iter().map(|i| i.seq).collect();
    assert!(third.contains(&hers.seq) && !third.contains(&his.seq), "{third:?}");
    assert!(st.verify(&mut |_, _| {}).unwrap().ok());
}

#[test]
fn a_message_is_tied_to_a_debt_after_saving_and_the_latest_tie_is_in_force() {
    let tmp = tempfile::tempdir().unwrap();
    let mut st = new_store(&tmp.path().join("s"));
    let said_a = ImportOptions { pasted_debt: Some("a".into()), ..ImportOptions::default() };
    import_paste(&mut st, tmp.path(), "2026-11-20 10:00 17311112222\n今天不还就上门\n", said_a);
    import(&mut st, "sms-basic.xml");
    let messages: Vec<u64> =
        st.list(None, None, usize::MAX).unwrap().into_iter().filter(|i| i.text.is_some()).map(|i| i.seq).collect();
    let (pasted, other) = (messages[0], messages[1]);
    let creditor = |st: &Store, seq: u64| {
        st.list(None, None, usize::MAX).unwrap().into_iter().find(|i| i.seq == seq).unwrap().creditor
    };
    assert_eq!(creditor(&st, pasted).as_deref(), Some("a"), "what he said on pasting");
    let known = ["a", "b", "c"];
    let before = st.entry_count().unwrap();
    st.tie(&[pasted, other], Some("b"), &known).unwrap();
    st.tie(&[other], Some("c"), &known).unwrap();
    st.tie(&[pasted], None, &known).unwrap();
    assert_eq!(st.entry_count().unwrap(), before + 4, "every tie is an entry of the chain");
    let now = st.ties().unwrap();
    assert_eq!(now.get(&pasted), Some(&None), "untied at last");
    assert_eq!(now.get(&other), Some(&Some("c".to_string())));
    // The listing (and so the analyzer's input and the pipeline) carries the tie in force, over
    // what was said on pasting; the message's own record is unchanged.
    assert_eq!(creditor(&st, pasted), None);
    assert_eq!(creditor(&st, other).as_deref(), Some("c"));
    assert_eq!(
        st.list(None, None, usize::MAX)
            .unwrap()
            .into_iter()
            .find(|i| i.seq == other)
            .unwrap()
            .analyzer_message()
            .unwrap()
            .creditor
            .as_deref(),
        Some("c")
    );
    // Refused, with nothing written: an unknown debt, an entry that is not a message, no message.
    let n = st.entry_count().unwrap();
    let e = st.tie(&[pasted], Some("zz"), &known).unwrap_err().to_string();
    assert!(e.contains("没有借款“zz”"), "{e}");
    let source = st.list(None, None, usize::MAX).unwrap().into_iter().find(|i| i.kind == "source").unwrap().seq;
    let e = st.tie(&[pasted, source], Some("a"), &known).unwrap_err().to_string();
    assert!(e.contains("不是一条消息"), "{e}");
    assert!(st.tie(&[], Some("a"), &known).is_err());
    assert_eq!(st.entry_count().unwrap(), n);
    // Listed by what they record; the chain and a package with them verify.
    let listed = st.list(None, None, usize::MAX).unwrap();
    assert!(listed.iter().filter(|i| i.kind == "tie").all(|i| i.kind_zh() == "用户说明的借款归属"));
    assert!(st.verify(&mut |_, _| {}).unwrap().ok());
    let pkg = tmp.path().join("p.zip");
    st.export(&pkg, &with_pdf()).unwrap();
    let r = verify_zip(&pkg);
    assert!(r.ok(), "{:?}", r.problems);
}

//! The Android and iPhone exports of issue 18 against their fixtures (written by
//! tests/data/evidence/make_android_fixtures.py): SMS Import / Export (zip and JSON), iMazing CSV,
//! and the pure row conversion behind mmssms.db. Also: detection from content, cross-format keys,
//! refusal vs skip with positions, and mutated zips that must never panic or hang.

#![allow(clippy::unwrap_used)] // helpers outside #[test] functions

use std::io::{BufReader, Cursor, Write};
use std::path::PathBuf;

use yuqi_evidence::digest::sha256_hex;
use yuqi_evidence::import::{self, Format, ImportError, OnBad, Options, Summary};
use yuqi_evidence::item::{Direction, Item, ItemKind, Position};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/evidence")
}

fn read(file: &str) -> Vec<u8> {
    std::fs::read(dir().join(file)).unwrap()
}

fn run_bytes(format: &Format, data: &[u8], on_bad: OnBad) -> (Vec<Item>, Result<Summary, ImportError>) {
    let opts = Options { on_bad, ..Options::default() };
    let mut items = Vec::new();
    let mut sink = |i: Item| {
        items.push(i);
        Ok(())
    };
    let r = if format.needs_seek() {
        import::import_seekable(format, Cursor::new(data), &opts, &mut sink)
    } else {
        import::import(format, BufReader::new(data), &opts, &mut sink)
    };
    (items, r)
}

fn ok(file: &str, format: Format) -> (Vec<Item>, Summary) {
    let (items, r) = run_bytes(&format, &read(file), OnBad::Refuse);
    (items, r.unwrap_or_else(|e| panic!("{file}: {e}")))
}

fn detect(file: &str) -> Option<Format> {
    let data = read(file);
    import::detect(file, &data[..data.len().min(8192)])
}

/// 2025-03-01 23:15:00 in China (UTC+8) is 15:15:00 UTC.
const CHINA_2315: i64 = 1_740_842_100_000;

#[test]
fn formats_are_detected_from_content() {
    assert_eq!(detect("smsie-messages.zip"), Some(Format::SmsIeZip));
    assert_eq!(detect("smsie-calls.json"), Some(Format::SmsIeJson));
    assert_eq!(detect("smsie-messages-v1.json"), Some(Format::SmsIeJson));
    assert_eq!(detect("smsie-broken.ndjson"), Some(Format::SmsIeJson));
    assert_eq!(detect("imazing.csv"), Some(Format::ImazingCsv));
    assert_eq!(detect("mmssms.db"), Some(Format::AndroidSmsDb));
    // Content decides, not the name.
    let zip = read("smsie-messages.zip");
    assert_eq!(import::detect("backup.bin", &zip), Some(Format::SmsIeZip));
    // Any other zip (here: one whose first member is something else) stays a plain file.
    let mut other = Vec::new();
    {
        let mut w = zip::ZipWriter::new(Cursor::new(&mut other));
        w.start_file("photos/a.jpg", zip::write::SimpleFileOptions::default()).unwrap();
        w.write_all(b"not a backup").unwrap();
        w.start_file("messages.ndjson", zip::write::SimpleFileOptions::default()).unwrap();
        w.write_all(b"{}\n").unwrap();
        w.finish().unwrap();
    }
    assert_eq!(import::detect("other.zip", &other), Some(Format::File));
    // Looking into the directory finds the messages of a zip re-packed by hand.
    assert_eq!(import::detect_seekable("other.zip", &other, Cursor::new(&other)), Some(Format::SmsIeZip));
    let mut photos = Vec::new();
    {
        let mut w = zip::ZipWriter::new(Cursor::new(&mut photos));
        w.start_file("a.jpg", zip::write::SimpleFileOptions::default()).unwrap();
        w.write_all(b"not a backup").unwrap();
        w.finish().unwrap();
    }
    assert_eq!(import::detect_seekable("photos.zip", &photos, Cursor::new(&photos)), Some(Format::File));
    // An encrypted export of the app ("SSEF" magic) is recognised, then refused in Chinese.
    let ssef = b"SSEF\x00\xFF\x00\x01rest of an encrypted file";
    assert_eq!(import::detect("messages-2025-03-06.zip.ssef", ssef), Some(Format::SmsIeZip));
    let (items, r) = run_bytes(&Format::SmsIeZip, ssef, OnBad::Skip);
    assert!(items.is_empty());
    assert!(matches!(r, Err(ImportError::Unrecognized(ref m)) if m.contains("加密")), "{r:?}");
    for name in ["smsie-zip", "smsie-json", "imazing-csv", "android-db"] {
        assert!(Format::parse(name).is_some() && Format::NAMES.contains(&name), "{name}");
    }
    assert!(Format::SmsIeZip.needs_seek() && !Format::SmsIeJson.needs_seek());
}

#[test]
fn sms_import_export_zip() {
    let (items, summary) = ok("smsie-messages.zip", Format::SmsIeZip);
    assert!(summary.warnings.is_empty(), "{:?}", summary.warnings);
    let kinds: Vec<ItemKind> = items.iter().map(|i| i.kind).collect();
    assert_eq!(kinds, [ItemKind::Sms, ItemKind::Sms, ItemKind::Sms, ItemKind::Mms, ItemKind::Mms]);
    // Positions are inside messages.ndjson: one record a line; not slices of the zip.
    let ndjson = {
        let mut z = zip::ZipArchive::new(Cursor::new(read("smsie-messages.zip"))).unwrap();
        let mut s = String::new();
        std::io::Read::read_to_string(&mut z.by_name("messages.ndjson").unwrap(), &mut s).unwrap();
        s
    };
    for (n, item) in items.iter().enumerate() {
        assert!(!item.slice);
        assert_eq!((item.position.record, item.position.line), (n as u64 + 1, n as u64 + 1));
        let at = item.position.byte as usize;
        assert_eq!(&ndjson.as_bytes()[at..at + item.raw.len()], &item.raw[..], "record {}", n + 1);
    }
    let m = items[0].message.as_ref().unwrap();
    assert_eq!((m.time_ms, m.direction, m.channel.as_str()), (Some(CHINA_2315), Direction::In, "sms"));
    assert_eq!((m.counterpart_key.as_str(), m.contact_name.as_deref()), ("13712345678", Some("王经理")));
    assert_eq!(m.text, "还款金额<500元不予受理 & 今晚12点前不还就联系你的\"紧急联系人\"。");
    assert_eq!(items[0].field("service_center"), Some("+8613800755500"));
    let failed = items[2].message.as_ref().unwrap();
    assert_eq!((failed.direction, failed.delivered), (Direction::Out, false));
    // The incoming MMS: seconds become ms, text parts in `seq` order, the picture hashed from data/.
    let mms = items[3].message.as_ref().unwrap();
    assert_eq!((mms.time_ms, mms.direction, mms.channel.as_str()), (Some(1_740_900_000_000), Direction::In, "mms"));
    assert_eq!((mms.counterpart.as_str(), mms.text.as_str()), ("+8613712345678", "这是你家门口的照片"));
    let picture: Vec<u8> = [&b"\xff\xd8\xff\xe0"[..], &(0u8..64).collect::<Vec<u8>>(), b"\xff\xd9"].concat();
    assert_eq!(items[3].attachments.len(), 1);
    let a = &items[3].attachments[0];
    assert_eq!(
        (a.content_type.as_str(), a.name.as_deref(), a.size, a.sha256.as_str()),
        ("image/jpeg", Some("IMG_0001.jpg"), picture.len() as u64, sha256_hex(&picture).as_str())
    );
    let out = items[4].message.as_ref().unwrap();
    assert_eq!(
        (out.direction, out.counterpart_key.as_str(), out.text.as_str()),
        (Direction::Out, "13712345678", "请不要再发了")
    );
    assert_eq!(out.contact_name.as_deref(), Some("王经理"));
}

#[test]
fn the_same_sms_from_an_xml_backup_a_zip_and_the_phone_database_has_one_key() {
    let (xml, _) = {
        let f = std::fs::File::open(dir().join("sms-basic.xml")).unwrap();
        let mut items = Vec::new();
        let s = import::import(&Format::SbrMessages, BufReader::new(f), &Options::default(), &mut |i| {
            items.push(i);
            Ok(())
        })
        .unwrap();
        (items, s)
    };
    let (zip, _) = ok("smsie-messages.zip", Format::SmsIeZip);
    let shared = &zip[1];
    assert_eq!(shared.message.as_ref().unwrap().text, "求求你们别再打我家人电话了🙏 我会还的");
    let in_xml = xml.iter().find(|i| i.message.as_ref().unwrap().time_ms == Some(1_740_873_900_000)).unwrap();
    assert_eq!(in_xml.position.line, 9);
    assert_eq!(in_xml.key, shared.key, "line 9 of sms-basic.xml and line 2 of messages.ndjson");
    let row = vec![
        ("_id".to_string(), "2".to_string()),
        ("address".into(), "+8613712345678".into()),
        ("date".into(), "1740873900000".into()),
        ("type".into(), "2".into()),
        ("body".into(), "求求你们别再打我家人电话了🙏 我会还的".into()),
    ];
    let db = import::android::sms_row_item(row, Position { record: 2, line: 0, byte: 0 }).unwrap();
    assert_eq!(db.key, shared.key);
    // A different text at the same instant is another message.
    let other = zip.iter().filter(|i| i.key == shared.key).count();
    assert_eq!(other, 1);
}

#[test]
fn sms_import_export_call_log_json() {
    let (items, summary) = ok("smsie-calls.json", Format::SmsIeJson);
    assert!(summary.warnings.is_empty());
    let data = read("smsie-calls.json");
    let got: Vec<(Direction, Option<&str>, Option<u32>, &str)> = items
        .iter()
        .map(|i| {
            let m = i.message.as_ref().unwrap();
            (m.direction, m.call_status.as_deref(), m.duration_s, m.counterpart_key.as_str())
        })
        .collect();
    assert_eq!(
        got,
        [
            (Direction::In, Some("answered"), Some(95), "13712345678"),
            (Direction::In, Some("missed"), Some(0), "13700001234"),
            (Direction::Out, Some("unanswered"), Some(0), "13712345678"),
            (Direction::In, Some("rejected"), Some(0), "hidden"),
        ]
    );
    assert_eq!(items[0].message.as_ref().unwrap().contact_name.as_deref(), Some("王经理"));
    assert_eq!(items[2].message.as_ref().unwrap().time_ms, Some(1_740_849_600_123));
    for (n, item) in items.iter().enumerate() {
        assert_eq!(item.kind, ItemKind::Call);
        assert!(item.slice, "a bare JSON record is a slice of the file");
        let at = item.position.byte as usize;
        assert_eq!(&data[at..at + item.raw.len()], &item.raw[..]);
        assert_eq!(item.position.record, n as u64 + 1);
    }
    assert_eq!((items[0].position.line, items[1].position.line), (2, 14));
}

#[test]
fn sms_import_export_old_json_messages() {
    let (items, _) = ok("smsie-messages-v1.json", Format::SmsIeJson);
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].message.as_ref().unwrap().contact_name.as_deref(), Some("王经理"));
    let mms = &items[1];
    let m = mms.message.as_ref().unwrap();
    assert_eq!((mms.kind, m.direction, m.counterpart_key.as_str()), (ItemKind::Mms, Direction::In, "13712345678"));
    assert_eq!(m.text, "这是你家门口的照片");
    // The picture inline in base64 hashes like the same picture in the zip's data/.
    let (zip, _) = ok("smsie-messages.zip", Format::SmsIeZip);
    assert_eq!(mms.attachments[0].sha256, zip[3].attachments[0].sha256);
    assert_eq!(mms.key, zip[3].key, "the same MMS in the old and the new layout");
}

#[test]
fn a_broken_ndjson_line_is_refused_or_skipped_with_its_position() {
    let data = read("smsie-broken.ndjson");
    let second_line = data.iter().position(|&b| b == b'\n').unwrap() as u64 + 1;
    let (items, r) = run_bytes(&Format::SmsIeJson, &data, OnBad::Refuse);
    match r {
        Err(ImportError::Refused(rej)) => {
            assert_eq!((rej.position.record, rej.position.line, rej.position.byte), (2, 2, second_line));
            assert!(rej.reason.contains("JSON 格式错误"), "{}", rej.reason);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(items.len(), 1, "the sink saw the first record; the store discards it on refusal");
    let (items, r) = run_bytes(&Format::SmsIeJson, &data, OnBad::Skip);
    let summary = r.unwrap();
    assert_eq!((items.len(), summary.rejected_total), (2, 1));
    assert_eq!(summary.rejected[0].position.line, 2);
    assert_eq!(items[1].position, Position { record: 3, line: 3, byte: items[1].position.byte });
    // Without the zip, the MMS pictures are not there: said once.
    let full = {
        let mut z = zip::ZipArchive::new(Cursor::new(read("smsie-messages.zip"))).unwrap();
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut z.by_name("messages.ndjson").unwrap(), &mut v).unwrap();
        v
    };
    let (items, r) = run_bytes(&Format::SmsIeJson, &full, OnBad::Refuse);
    let summary = r.unwrap();
    assert_eq!(items.len(), 5);
    assert!(items[3].attachments.is_empty());
    assert!(summary.warnings.iter().any(|w| w.contains("1 个彩信附件")), "{:?}", summary.warnings);
}

#[test]
fn a_truncated_json_array_is_a_syntax_error_with_its_position() {
    let data = read("smsie-calls.json");
    let cut = &data[..data.len() / 2];
    let (_, r) = run_bytes(&Format::SmsIeJson, cut, OnBad::Skip);
    match r {
        Err(ImportError::Syntax(rej)) => assert!(rej.reason.contains("意外终止") && rej.position.line > 1, "{rej}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn imazing_csv() {
    let (items, summary) = ok("imazing.csv", Format::ImazingCsv);
    assert!(summary.warnings.iter().any(|w| w.contains("+08:00")), "{:?}", summary.warnings);
    let got: Vec<(ItemKind, Direction, &str, &str, i64)> = items
        .iter()
        .map(|i| {
            let m = i.message.as_ref().unwrap();
            (i.kind, m.direction, m.channel.as_str(), m.counterpart_key.as_str(), m.time_ms.unwrap())
        })
        .collect();
    assert_eq!(
        got,
        [
            (ItemKind::Sms, Direction::In, "sms", "13712345678", CHINA_2315),
            (ItemKind::Sms, Direction::Out, "sms", "王经理", CHINA_2315 + 330_000),
            (ItemKind::Chat, Direction::In, "imessage", "13712345678", 1_740_873_900_000),
            (ItemKind::Chat, Direction::System, "imessage", "王经理", 1_740_873_960_000),
            (ItemKind::Chat, Direction::In, "imessage", "13712345678", 1_740_877_200_000),
        ]
    );
    assert!(items.iter().all(|i| i.message.as_ref().unwrap().zone_assumed));
    assert_eq!(items[2].message.as_ref().unwrap().text, "第一行\n第二行，\"引号\"");
    assert_eq!(items[4].message.as_ref().unwrap().text, "[附件] IMG_0002.jpeg");
    assert_eq!(items[2].position.line, 4);
    assert_eq!(items[3].position.line, 6);
    // The zone is the user's choice.
    let opts = Options { zone: chrono::FixedOffset::east_opt(0).unwrap(), ..Options::default() };
    let mut first = None;
    import::import(&Format::ImazingCsv, BufReader::new(&read("imazing.csv")[..]), &opts, &mut |i| {
        first.get_or_insert(i.message.unwrap().time_ms);
        Ok(())
    })
    .unwrap();
    assert_eq!(first, Some(Some(CHINA_2315 + 8 * 3_600_000)));
}

#[test]
fn imazing_bad_type_is_refused_or_skipped() {
    let text = "Chat Session,Message Date,Service,Type,Sender ID,Sender Name,Text\n\
                A,2025-03-01 23:15:00,SMS,Incoming,10086,,hi\n\
                A,2025-03-01 23:16:00,SMS,Sideways,10086,,hi\n";
    let (_, r) = run_bytes(&Format::ImazingCsv, text.as_bytes(), OnBad::Refuse);
    match r {
        Err(ImportError::Refused(rej)) => {
            assert_eq!((rej.position.record, rej.position.line), (2, 3));
            assert!(rej.reason.contains("Sideways"));
        }
        other => panic!("{other:?}"),
    }
    let (items, r) = run_bytes(&Format::ImazingCsv, text.as_bytes(), OnBad::Skip);
    assert_eq!((items.len(), r.unwrap().rejected_total), (1, 1));
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

#[test]
fn mutated_zips_never_panic_or_hang() {
    let seed = read("smsie-messages.zip");
    let mut rng = Rng(0x0005_1E5E_ED00_0001);
    let started = std::time::Instant::now();
    for round in 0..1500 {
        let mut d = seed.clone();
        for _ in 0..1 + rng.next() % 4 {
            let at = (rng.next() as usize) % d.len();
            match rng.next() % 4 {
                0 => d[at] ^= 1 << (rng.next() % 8),
                1 => d[at] = rng.next() as u8,
                2 => d.truncate(at.max(1)),
                _ => {
                    let bytes: Vec<u8> = (0..rng.next() % 9).map(|_| rng.next() as u8).collect();
                    d.splice(at..at, bytes);
                }
            }
        }
        let _ = import::detect("x.zip", &d);
        for on_bad in [OnBad::Refuse, OnBad::Skip] {
            let (items, r) = run_bytes(&Format::SmsIeZip, &d, on_bad);
            if let Err(ImportError::Refused(rej) | ImportError::Syntax(rej)) = &r {
                assert!(rej.position.byte <= 1 << 20, "round {round}: {rej}");
            }
            assert!(items.len() <= 5, "round {round}");
            // What the borrower reads is Chinese: no English text of the zip crate leaks through.
            if let Err(e) = &r {
                let text = e.to_string();
                assert!(
                    !["invalid", "Invalid", "checksum", "EOF", "end of file", "failed"]
                        .iter()
                        .any(|w| text.contains(w)),
                    "round {round}: {text}"
                );
            }
        }
    }
    assert!(started.elapsed().as_secs() < 120, "mutated zips took {:?}", started.elapsed());
}

#[test]
fn a_zip_bomb_is_refused_before_it_is_read() {
    // messages.ndjson claims 8 GiB more than its compressed bytes could ever hold.
    let mut data = Vec::new();
    {
        let mut w = zip::ZipWriter::new(Cursor::new(&mut data));
        let o = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        w.start_file("messages.ndjson", o).unwrap();
        let line = b"{\"address\":\"1\",\"date\":\"1740842100000\",\"type\":\"1\",\"body\":\"x\"}\n";
        for _ in 0..20_000 {
            w.write_all(line).unwrap();
        }
        w.start_file("data/big", o).unwrap();
        w.write_all(&vec![0u8; 4 << 20]).unwrap();
        w.finish().unwrap();
    }
    // Forge data/big's declared size in the central directory (the local header is not read
    // for sizes): 16 GiB.
    let name = b"data/big";
    let cd = data.windows(4).rposition(|w| w == b"PK\x01\x02").unwrap();
    assert_eq!(&data[cd + 46..cd + 46 + name.len()], name);
    data[cd + 24..cd + 28].copy_from_slice(&u32::MAX.to_le_bytes());
    let (items, r) = run_bytes(&Format::SmsIeZip, &data, OnBad::Skip);
    assert!(items.is_empty());
    match r {
        Err(ImportError::Syntax(rej)) => assert!(rej.reason.contains("压缩炸弹"), "{rej}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_xiaomi_backup_is_recognised_and_refused_with_what_to_do() {
    // The header layout of MIUI's local backups (docs/import-formats.md §6.4); an invented tar.
    let mut bak =
        b"MIUI BACKUP\n2\ncom.android.mms \xe7\x9f\xad\xe4\xbf\xa1\n-1\n0\nANDROID BACKUP\n5\n0\nnone\n".to_vec();
    bak.extend_from_slice(&[0u8; 1024]);
    assert_eq!(import::detect("短信(com.android.mms).bak", &bak), Some(Format::MiuiBackup));
    assert_eq!(Format::parse("miui-bak"), Some(Format::MiuiBackup));
    let (items, r) = run_bytes(&Format::MiuiBackup, &bak, OnBad::Skip);
    assert!(items.is_empty());
    match r {
        Err(ImportError::Unrecognized(m)) => {
            assert!(m.contains("小米") && m.contains("短信") && m.contains("--format file"), "{m}")
        }
        other => panic!("{other:?}"),
    }
    let enc = b"MIUI BACKUP\n2\ncom.android.mms \xe7\x9f\xad\xe4\xbf\xa1\n-1\n0\nANDROID BACKUP\n5\n1\nAES-256\n00ff\n";
    match run_bytes(&Format::MiuiBackup, enc, OnBad::Skip).1 {
        Err(ImportError::Unrecognized(m)) => assert!(m.contains("加密"), "{m}"),
        other => panic!("{other:?}"),
    }
}

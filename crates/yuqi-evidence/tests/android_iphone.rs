//! The Android and iPhone exports of issue 18 against their fixtures (written by
//! tests/data/evidence/make_android_fixtures.py): SMS Import / Export (zip and JSON), iMazing CSV,
//! and the pure row conversion behind mmssms.db. Also: detection from content, cross-format keys,
//! refusal vs skip with positions, and mutated zips that must never panic or hang.

#![allow(clippy::unwrap_used)] // helpers outside #[test] functions

use std::io::{BufReader, Cursor, Read, Write};
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
        Err(ImportError::Syntax(rej)) => assert!(rej.reason.contains("不完整") && rej.position.line > 1, "{rej}"),
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

/// One tar entry (ustar header, data, padding), as a backup's tar holds it.
fn tar_entry(name: &str, kind: u8, data: &[u8]) -> Vec<u8> {
    let mut h = [0u8; 512];
    h[..name.len()].copy_from_slice(name.as_bytes());
    h[100..108].copy_from_slice(b"0000600\0");
    h[124..136].copy_from_slice(format!("{:011o}\0", data.len()).as_bytes());
    h[136..148].copy_from_slice(b"14766041400\0");
    h[156] = kind;
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    h[148..156].copy_from_slice(b"        ");
    let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
    h[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    let mut out = h.to_vec();
    out.extend_from_slice(data);
    out.resize(out.len().div_ceil(512) * 512, 0);
    out
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(data).unwrap();
    z.finish().unwrap()
}

/// A plain adb backup of these tar entries, the tar zlib-compressed or not.
fn ab(entries: &[Vec<u8>], compressed: bool) -> Vec<u8> {
    let mut tar: Vec<u8> = entries.concat();
    tar.extend_from_slice(&[0u8; 1024]);
    let mut out = format!("ANDROID BACKUP\n5\n{}\nnone\n", u8::from(compressed)).into_bytes();
    out.extend_from_slice(&if compressed { zlib(&tar) } else { tar });
    out
}

const SMS_DIR: &str = "apps/com.android.providers.telephony/d_f/";

#[test]
fn android_and_xiaomi_backups_give_their_sms_and_text_mms() {
    assert_eq!(detect("android-sms.ab"), Some(Format::AndroidBackup));
    assert_eq!(detect("miui-sms.bak"), Some(Format::MiuiBackup));
    for name in ["miui-bak", "android-ab"] {
        assert!(Format::parse(name).is_some() && Format::NAMES.contains(&name), "{name}");
    }
    assert!(!Format::AndroidBackup.needs_seek() && !Format::MiuiBackup.needs_seek());
    let (ab_items, summary) = ok("android-sms.ab", Format::AndroidBackup);
    assert!(summary.warnings.is_empty() && summary.rejected.is_empty(), "{summary:?}");
    let (bak_items, summary) = ok("miui-sms.bak", Format::MiuiBackup);
    assert!(summary.warnings.is_empty() && summary.rejected.is_empty(), "{summary:?}");
    for items in [&ab_items, &bak_items] {
        let got: Vec<(ItemKind, Direction, bool, i64, &str, u64)> = items
            .iter()
            .map(|i| {
                let m = i.message.as_ref().unwrap();
                (i.kind, m.direction, m.delivered, m.time_ms.unwrap(), m.counterpart_key.as_str(), i.position.record)
            })
            .collect();
        assert_eq!(
            got,
            [
                (ItemKind::Sms, Direction::In, true, CHINA_2315, "13712345678", 1),
                (ItemKind::Sms, Direction::In, true, 1_740_880_800_000, "1069012345678", 2),
                (ItemKind::Sms, Direction::Out, true, 1_740_873_900_000, "13712345678", 3),
                // A draft (type 3): never sent.
                (ItemKind::Sms, Direction::Out, false, 1_740_889_800_000, "13712345678", 1),
                // MMS dates are seconds; the sender is the address of type 137.
                (ItemKind::Mms, Direction::In, true, 1_740_900_600_000, "13712345678", 1),
            ]
        );
        let texts: Vec<&str> = items.iter().map(|i| i.message.as_ref().unwrap().text.as_str()).collect();
        assert_eq!(texts[0], "还款金额<500元不予受理 & 今晚12点前不还就联系你的\"紧急联系人\"。");
        assert_eq!(texts[3], "我下周一先还500");
        assert_eq!(texts[4], "最后通牒：明天上午10点前还款，否则通知你单位");
        for i in items.iter() {
            // Records inside a compressed container: kept as their own bytes, not file slices.
            assert!(!i.slice && i.position.line == 0 && i.position.byte == 0);
            assert!(serde_json::from_slice::<serde_json::Value>(&i.raw).unwrap().is_object());
            assert!(i.fields.iter().any(|(k, v)| k == "self_phone" && v == "+8613900001111"));
        }
        assert_eq!(items[0].message.as_ref().unwrap().counterpart, "+8613712345678");
    }
    let keys = |items: &[Item]| items.iter().map(|i| i.key.clone()).collect::<Vec<_>>();
    assert_eq!(keys(&ab_items), keys(&bak_items), "the same messages whatever the wrapper");
    // The same SMS as in an SMS Backup & Restore XML and an SMS Import / Export zip: one key.
    let (xml, _) = ok("sms-basic.xml", Format::SbrMessages);
    let (zip, _) = ok("smsie-messages.zip", Format::SmsIeZip);
    for at in [0, 2] {
        let key = &ab_items[at].key;
        assert!(xml.iter().any(|i| &i.key == key), "item {at} not found in sms-basic.xml");
        if at == 2 {
            assert!(zip.iter().any(|i| &i.key == key));
        }
    }
    assert_eq!(Format::AndroidBackup.label_zh(), "安卓手机整机备份（adb 备份，.ab）中的短信");
}

#[test]
fn a_bad_record_in_a_backup_is_refused_or_skipped_with_its_member_and_number() {
    let rows = br#"[{"address":"13712345678","date":"1740842100000","type":"1","body":"ok"},
        {"address":"13712345678","date":"1740842100000","type":"9","body":"bad type"},
        "not an object",
        {"address":"13712345678","date":"1740842160000","type":"2","body":"last"}]"#;
    for compressed in [true, false] {
        let data = ab(&[tar_entry(&format!("{SMS_DIR}000000_sms_backup"), b'0', &zlib(rows))], compressed);
        let (items, r) = run_bytes(&Format::AndroidBackup, &data, OnBad::Refuse);
        match r {
            Err(ImportError::Refused(rej)) => {
                assert_eq!(rej.position, Position { record: 2, line: 0, byte: 0 });
                assert!(rej.reason.contains("type") && rej.reason.contains("000000_sms_backup"), "{rej}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(items.len(), 1);
        let (items, r) = run_bytes(&Format::AndroidBackup, &data, OnBad::Skip);
        let summary = r.unwrap();
        assert_eq!((items.len(), summary.records, summary.rejected_total), (2, 2, 2));
        let records: Vec<u64> = summary.rejected.iter().map(|r| r.position.record).collect();
        assert_eq!(records, [2, 3]);
        assert!(summary.rejected[1].reason.contains("不是 JSON 对象"));
        assert_eq!(items[1].position.record, 4);
    }
    // A member that is bare JSON (repacked by hand) is read too.
    let data = ab(&[tar_entry(&format!("{SMS_DIR}000000_sms_backup"), b'0', &rows[..])], true);
    assert_eq!(run_bytes(&Format::AndroidBackup, &data, OnBad::Skip).0.len(), 2);
}

#[test]
fn truncated_and_broken_backups_are_refused_in_chinese() {
    let full = read("android-sms.ab");
    let header = b"ANDROID BACKUP\n5\n1\nnone\n".len();
    for cut in [header + 1, header + 10, full.len() / 2, full.len() - 5] {
        let (_, r) = run_bytes(&Format::AndroidBackup, &full[..cut], OnBad::Skip);
        match r {
            Err(ImportError::Syntax(rej)) => assert!(rej.reason.contains("不完整"), "{cut}: {rej}"),
            other => panic!("{cut}: {other:?}"),
        }
    }
    // An uncompressed tar cut in an SMS member's data.
    let member = tar_entry(&format!("{SMS_DIR}000000_sms_backup"), b'0', &zlib(b"[{\"date\":\"1\"}]"));
    let data = ab(&[member], false);
    let cut = b"ANDROID BACKUP\n5\n0\nnone\n".len() + 512 + 4;
    match run_bytes(&Format::AndroidBackup, &data[..cut], OnBad::Skip).1 {
        Err(ImportError::Syntax(rej)) => assert!(rej.reason.contains("000000_sms_backup"), "{rej}"),
        other => panic!("{other:?}"),
    }
    // A corrupted header checksum.
    let mut bad = ab(&[tar_entry("apps/x/_manifest", b'0', b"1")], false);
    let at = b"ANDROID BACKUP\n5\n0\nnone\n".len() + 3;
    bad[at] ^= 1;
    match run_bytes(&Format::AndroidBackup, &bad, OnBad::Skip).1 {
        Err(ImportError::Syntax(rej)) => assert!(rej.reason.contains("tar"), "{rej}"),
        other => panic!("{other:?}"),
    }
    for head in [&b"ANDROID BACKUP\n5\n7\nnone\n"[..], b"ANDROID BACKUP\nx\n1\nnone\n", b"ANDROID BACKUP\n5\n"] {
        assert!(matches!(run_bytes(&Format::AndroidBackup, head, OnBad::Skip).1, Err(ImportError::Unrecognized(_))));
    }
}

#[test]
fn compression_bombs_stop_early() {
    // An SMS member inflating hundreds of times its size.
    let mut json = b"[".to_vec();
    json.resize(8 << 20, b' ');
    json.push(b']');
    let member = zlib(&json);
    assert!(member.len() < 16 << 10);
    let data = ab(&[tar_entry(&format!("{SMS_DIR}000000_sms_backup"), b'0', &member)], true);
    match run_bytes(&Format::AndroidBackup, &data, OnBad::Skip).1 {
        Err(ImportError::Syntax(rej)) => assert!(rej.reason.contains("压缩炸弹"), "{rej}"),
        other => panic!("{other:?}"),
    }
    // The whole tar inflating far beyond the file: another app's huge run of zeros.
    let data = ab(&[tar_entry("apps/com.example/f/zeros", b'0', &vec![0u8; 64 << 20])], true);
    assert!(data.len() < 256 << 10);
    match run_bytes(&Format::AndroidBackup, &data, OnBad::Skip).1 {
        Err(ImportError::Syntax(rej)) => assert!(rej.reason.contains("压缩炸弹"), "{rej}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_backup_without_sms_or_with_a_password_is_refused_with_what_to_do() {
    let data = ab(
        &[
            tar_entry("apps/com.android.mms/_manifest", b'0', b"1\n"),
            tar_entry("apps/com.android.mms/db/", b'5', b""),
            tar_entry("apps/com.miui.notes/f/a.txt", b'0', b"x"),
        ],
        true,
    );
    let (items, r) = run_bytes(&Format::AndroidBackup, &data, OnBad::Skip);
    assert!(items.is_empty());
    match r {
        Err(ImportError::Unrecognized(m)) => {
            assert!(m.contains("apps/com.android.providers.telephony/d_f/*_sms_backup"), "{m}");
            assert!(m.contains("com.android.mms、com.miui.notes") && m.contains("没有短信"), "{m}");
        }
        other => panic!("{other:?}"),
    }
    let mut bak = b"MIUI BACKUP\n2\ncom.android.mms \xe7\x9f\xad\xe4\xbf\xa1\n-1\n0\n".to_vec();
    bak.extend_from_slice(&data);
    assert_eq!(import::detect("短信(com.android.mms).bak", &bak), Some(Format::MiuiBackup));
    match run_bytes(&Format::MiuiBackup, &bak, OnBad::Skip).1 {
        Err(ImportError::Unrecognized(m)) => assert!(m.contains("小米手机备份") && m.contains("--format file"), "{m}"),
        other => panic!("{other:?}"),
    }
    let enc = b"MIUI BACKUP\n2\ncom.android.mms \xe7\x9f\xad\xe4\xbf\xa1\n-1\n0\nANDROID BACKUP\n5\n1\nAES-256\n00ff\n";
    match run_bytes(&Format::MiuiBackup, enc, OnBad::Skip).1 {
        Err(ImportError::Unrecognized(m)) => assert!(m.contains("加密") && m.contains("小米"), "{m}"),
        other => panic!("{other:?}"),
    }
    let enc = b"ANDROID BACKUP\n5\n1\nAES-256\n00ff\n";
    match run_bytes(&Format::AndroidBackup, enc, OnBad::Skip).1 {
        Err(ImportError::Unrecognized(m)) => assert!(m.contains("加密"), "{m}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn mutated_backups_never_panic() {
    // The fixtures, and the same tar uncompressed so that mutations reach the tar and JSON readers.
    let mut seeds = vec![read("android-sms.ab"), read("miui-sms.bak")];
    let ab_file = read("android-sms.ab");
    let header = b"ANDROID BACKUP\n5\n1\nnone\n".len();
    let mut tar = Vec::new();
    flate2::read::ZlibDecoder::new(&ab_file[header..]).read_to_end(&mut tar).unwrap();
    let mut plain = b"ANDROID BACKUP\n5\n0\nnone\n".to_vec();
    plain.extend_from_slice(&tar);
    let (items, _) = run_bytes(&Format::AndroidBackup, &plain, OnBad::Refuse);
    assert_eq!(items.len(), 5);
    seeds.push(plain);
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for round in 0..600 {
        let seed = &seeds[round % seeds.len()];
        let mut d = seed.clone();
        for _ in 0..1 + next() % 4 {
            let at = (next() % (d.len() as u64 + 1)) as usize;
            match next() % 4 {
                0 if !d.is_empty() => {
                    let i = at.min(d.len() - 1);
                    d[i] ^= 1 << (next() % 8);
                }
                1 => d.truncate(at),
                2 => d.splice(at..at, (0..next() % 16).map(|_| next() as u8)).for_each(drop),
                _ => {
                    let end = (at + (next() % 600) as usize).min(d.len());
                    d.drain(at..end);
                }
            }
        }
        for format in [Format::AndroidBackup, Format::MiuiBackup] {
            yuqi_evidence::fuzzing::check(&format, &d);
        }
    }
}

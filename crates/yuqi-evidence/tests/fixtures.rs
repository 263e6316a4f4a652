//! Every importer against the real-format fixtures in tests/data/evidence/, whose expected
//! values (written independently by tests/data/evidence/make_fixtures.py) are in expected.json.

#![allow(clippy::unwrap_used)] // helpers outside #[test] functions

use std::io::BufReader;
use std::path::PathBuf;

use serde_json::Value;
use yuqi_evidence::import::{self, Format, ImportError, OnBad, Options, csvfmt::ColumnMap, media};
use yuqi_evidence::item::{Direction, Item};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/evidence")
}

fn expected(file: &str) -> Value {
    let all: Value = serde_json::from_str(&std::fs::read_to_string(dir().join("expected.json")).unwrap()).unwrap();
    all["files"][file].clone()
}

fn run(file: &str, format: Format, opts: &Options) -> (Vec<Item>, Result<import::Summary, ImportError>) {
    let f = std::fs::File::open(dir().join(file)).unwrap();
    let mut items = Vec::new();
    let r = import::import(&format, BufReader::new(f), opts, &mut |i| {
        items.push(i);
        Ok(())
    });
    (items, r)
}

fn ok(file: &str, format: Format, opts: &Options) -> (Vec<Item>, import::Summary) {
    let (items, r) = run(file, format, opts);
    (items, r.unwrap_or_else(|e| panic!("{file}: {e}")))
}

/// in / out / missed / rejected / blocked / other, as expected.json names call outcomes.
fn call_direction(i: &Item) -> String {
    let m = i.message.as_ref().unwrap();
    match (m.direction, m.call_status.as_deref()) {
        (_, Some(s @ ("missed" | "rejected" | "blocked"))) => s.to_string(),
        (Direction::Unknown, _) => "other".into(),
        (d, _) => d.as_str().to_string(),
    }
}

fn check_times_and_text(file: &str, items: &[Item], list: &str, text_key: &str) {
    let exp = expected(file);
    let msgs = exp[list].as_array().unwrap();
    assert_eq!(items.len(), msgs.len(), "{file}: record count");
    for (i, (item, e)) in items.iter().zip(msgs).enumerate() {
        let m = item.message.as_ref().unwrap();
        assert_eq!(m.time_ms, e["time"]["epoch_ms"].as_i64(), "{file} record {}: time", i + 1);
        if let Some(line) = e["line"].as_u64() {
            assert_eq!(item.position.line, line, "{file} record {}: line", i + 1);
        }
        if let Some(t) = e[text_key].as_str() {
            assert_eq!(m.text, t, "{file} record {}: text", i + 1);
        }
    }
}

#[test]
fn sms_backup_restore_messages() {
    let (items, summary) = ok("sms-basic.xml", Format::SbrMessages, &Options::default());
    let exp = expected("sms-basic.xml");
    assert_eq!(items.len() as u64, exp["records"]["total"].as_u64().unwrap());
    assert_eq!(
        items.iter().filter(|i| i.kind.as_str() == "mms").count() as u64,
        exp["records"]["mms"].as_u64().unwrap()
    );
    for (item, e) in items.iter().zip(exp["messages"].as_array().unwrap()) {
        let m = item.message.as_ref().unwrap();
        let n = item.position.record;
        assert_eq!(n, e["index"].as_u64().unwrap());
        assert_eq!(item.position.line, e["line"].as_u64().unwrap(), "record {n}: line");
        assert_eq!(m.time_ms, e["time"]["epoch_ms"].as_i64(), "record {n}: time");
        assert_eq!(m.direction.as_str(), e["direction"].as_str().unwrap(), "record {n}: direction");
        let text = e["body"].as_str().or(e["text"].as_str()).unwrap();
        assert_eq!(m.text, text, "record {n}: text (entities and surrogate pairs decoded)");
        if let Some(cps) = e["astral_code_points"].as_array() {
            for cp in cps {
                let cp = u32::from_str_radix(cp.as_str().unwrap().trim_start_matches("U+"), 16).unwrap();
                assert!(m.text.contains(char::from_u32(cp).unwrap()), "record {n}: emoji U+{cp:X}");
            }
        }
        if let Some(atts) = e["attachments"].as_array() {
            let got: Vec<&str> = item.attachments.iter().map(|a| a.sha256.as_str()).collect();
            let want: Vec<&str> = atts.iter().map(|a| a["sha256"].as_str().unwrap()).collect();
            assert_eq!(got, want, "record {n}: MMS attachments");
        }
        // The raw bytes are the element exactly as in the file.
        let raw = String::from_utf8(item.raw.clone()).unwrap();
        assert!(
            raw.starts_with(&format!("<{}", item.kind.as_str())) && raw.trim_end().ends_with('>'),
            "record {n}: {raw}"
        );
    }
    // Record 12 is a byte-identical copy of record 3: same key (stored once by the store).
    let dup = &exp["duplicates"][0];
    let (a, b) = (dup["index"].as_u64().unwrap() as usize, dup["duplicate_of_index"].as_u64().unwrap() as usize);
    assert_eq!(items[a - 1].key, items[b - 1].key);
    assert_eq!(items[a - 1].raw, items[b - 1].raw);
    let keys: std::collections::HashSet<&String> = items.iter().map(|i| &i.key).collect();
    assert_eq!(keys.len() as u64, exp["unique_records"].as_u64().unwrap());
    assert!(summary.warnings.is_empty(), "{:?}", summary.warnings);
}

#[test]
fn huge_bodies_stream_through() {
    let (items, _) = ok("sms-huge-body.xml", Format::SbrMessages, &Options::default());
    assert_eq!(items.len(), 3);
    assert_eq!(items[1].message.as_ref().unwrap().text.chars().count(), 300_000);
    check_times_and_text("sms-huge-body.xml", &items, "messages", "body");
}

#[test]
fn a_malformed_record_is_refused_or_skipped_with_its_position() {
    let exp = expected("sms-broken-record.xml");
    let bad = &exp["malformed"][0];
    let (idx, line) = (bad["index"].as_u64().unwrap(), bad["line"].as_u64().unwrap());

    let (_, r) = run("sms-broken-record.xml", Format::SbrMessages, &Options::default());
    match r {
        Err(ImportError::Refused(rej)) => {
            assert_eq!((rej.position.record, rej.position.line), (idx, line));
            assert!(rej.reason.contains("abc"), "{}", rej.reason);
        }
        other => panic!("expected refusal, got {other:?}"),
    }

    let skip = Options { on_bad: OnBad::Skip, ..Options::default() };
    let (items, summary) = ok("sms-broken-record.xml", Format::SbrMessages, &skip);
    assert_eq!(items.len() as u64, exp["valid_records"].as_u64().unwrap());
    assert_eq!(summary.rejected_total, 1);
    assert_eq!((summary.rejected[0].position.record, summary.rejected[0].position.line), (idx, line));
}

#[test]
fn broken_xml_is_refused_in_both_modes() {
    let exp = expected("sms-truncated.xml");
    let t = &exp["truncation"];
    for on_bad in [OnBad::Refuse, OnBad::Skip] {
        let (items, r) = run("sms-truncated.xml", Format::SbrMessages, &Options { on_bad, ..Options::default() });
        match r {
            Err(ImportError::Syntax(rej)) => {
                assert_eq!(rej.position.line, t["partial_record_line"].as_u64().unwrap(), "{rej}");
                assert_eq!(rej.position.record, t["partial_record_index"].as_u64().unwrap(), "{rej}");
            }
            other => panic!("expected a syntax error, got {other:?}"),
        }
        // What came before the break was read, but the caller must discard it (the store does).
        assert_eq!(items.len() as u64, t["last_complete_record_index"].as_u64().unwrap());
    }
}

#[test]
fn sms_backup_restore_calls() {
    let (items, _) = ok("calls.xml", Format::SbrCalls, &Options::default());
    let exp = expected("calls.xml");
    for (item, e) in items.iter().zip(exp["calls"].as_array().unwrap()) {
        let m = item.message.as_ref().unwrap();
        assert_eq!(call_direction(item), e["direction"].as_str().unwrap(), "call {}", e["index"]);
        assert_eq!(m.duration_s, e["duration_s"].as_u64().map(|d| d as u32));
        assert_eq!(m.time_ms, e["time"]["epoch_ms"].as_i64());
        assert_eq!(m.counterpart_key == "hidden", e["hidden_caller"].as_bool().unwrap());
    }
    assert_eq!(items.len(), 9);
}

#[test]
fn call_log_csv_in_utf8_and_gb18030() {
    let (a, sa) = ok("calllog.csv", Format::CallLogCsv, &Options::default());
    let (b, sb) = ok("calllog-gb18030.csv", Format::CallLogCsv, &Options::default());
    assert_eq!(sa.encoding, "UTF-8");
    assert_eq!(sb.encoding, "gb18030");
    for (file, items) in [("calllog.csv", &a), ("calllog-gb18030.csv", &b)] {
        let exp = expected(file);
        let calls = exp["calls"].as_array().unwrap();
        assert_eq!(items.len(), calls.len());
        for (item, e) in items.iter().zip(calls) {
            assert_eq!(call_direction(item), e["direction"].as_str().unwrap(), "{file} row {}", e["row"]);
            assert_eq!(
                item.message.as_ref().unwrap().duration_s,
                e["duration_s"].as_u64().map(|d| d as u32),
                "{file} row {}",
                e["row"]
            );
            assert_eq!(
                item.message.as_ref().unwrap().time_ms,
                e["time"]["epoch_ms"].as_i64(),
                "{file} row {}",
                e["row"]
            );
            assert_eq!(item.position.line, e["line"].as_u64().unwrap());
        }
    }
    // The same calls in two encodings are the same items.
    assert_eq!(a.iter().map(|i| &i.key).collect::<Vec<_>>(), b.iter().map(|i| &i.key).collect::<Vec<_>>());
}

#[test]
fn wechat_exports_three_variants() {
    let me = Options { my_names: vec!["李明".into()], ..Options::default() };
    for (file, text_key) in [("wechatmsg-v1.csv", "content"), ("wechatmsg-v2.csv", "content"), ("pywxdump.csv", "msg")]
    {
        let (items, _) = ok(file, Format::WeChatCsv, &me);
        let exp = expected(file);
        let msgs = exp["messages"].as_array().unwrap();
        assert_eq!(items.len(), msgs.len(), "{file}");
        for (item, e) in items.iter().zip(msgs) {
            let m = item.message.as_ref().unwrap();
            assert_eq!(m.direction.as_str(), e["direction"].as_str().unwrap(), "{file} message {}", e["index"]);
            assert_eq!(m.time_ms, e["time"]["epoch_ms"].as_i64(), "{file} message {}", e["index"]);
            let expected = e[text_key].as_str().unwrap();
            if expected.starts_with("<msg>") {
                // A transfer's XML is rendered readable; the XML stays in the record's fields.
                assert_eq!(m.text, "【发起转账】¥500.00 备注：先还一部分", "{file} message {}", e["index"]);
                assert!(item.fields.iter().any(|(_, v)| v == expected));
            } else {
                assert_eq!(m.text, expected, "{file} message {}", e["index"]);
            }
        }
    }
}

#[test]
fn a_private_wechat_chat_is_named_by_its_file() {
    let opts =
        Options { conversation: import::conversation_from_file_name("王经理_utf8.csv"), ..Options::default() };
    let (items, _) = ok("wechatmsg-v1.csv", Format::WeChatCsv, &opts);
    assert!(items.iter().all(|i| i.message.as_ref().unwrap().counterpart == "王经理"));
    assert_eq!(import::conversation_from_file_name("王经理.txt").as_deref(), Some("王经理"));
}

#[test]
fn imessage_exporter_text() {
    let (items, _) = ok("imessage.txt", Format::IMessageTxt, &Options::default());
    check_times_and_text("imessage.txt", &items, "messages", "text");
    let exp = expected("imessage.txt");
    for (item, e) in items.iter().zip(exp["messages"].as_array().unwrap()) {
        assert_eq!(item.message.as_ref().unwrap().direction.as_str(), e["direction"].as_str().unwrap());
    }
}

#[test]
fn generic_csv_with_a_column_map() {
    let map = ColumnMap::parse("time=发送时间,from=对方号码,text=内容,direction=方向,channel=sms").unwrap();
    let (items, _) = ok("generic.csv", Format::GenericCsv(map), &Options::default());
    check_times_and_text("generic.csv", &items, "messages", "text");
    let exp = expected("generic.csv");
    for (item, e) in items.iter().zip(exp["messages"].as_array().unwrap()) {
        assert_eq!(item.message.as_ref().unwrap().direction.as_str(), e["direction"].as_str().unwrap());
    }
    let bad = ColumnMap::parse("time=时间,from=对方号码,text=内容").unwrap();
    let (_, r) = run("generic.csv", Format::GenericCsv(bad), &Options::default());
    assert!(matches!(r, Err(ImportError::Unrecognized(ref m)) if m.contains("时间")), "{r:?}");
}

#[test]
fn formats_are_detected_from_name_and_content() {
    let cases = [
        ("sms-basic.xml", Some(Format::SbrMessages)),
        ("calls.xml", Some(Format::SbrCalls)),
        ("calllog.csv", Some(Format::CallLogCsv)),
        ("wechatmsg-v1.csv", Some(Format::WeChatCsv)),
        ("wechatmsg-v2.csv", Some(Format::WeChatCsv)),
        ("pywxdump.csv", Some(Format::WeChatCsv)),
        ("imessage.txt", Some(Format::IMessageTxt)),
        ("photo.jpg", Some(Format::File)),
        ("generic.csv", None),
    ];
    for (file, want) in cases {
        let bytes = std::fs::read(dir().join(file)).unwrap();
        assert_eq!(import::detect(file, &bytes[..bytes.len().min(8192)]), want, "{file}");
    }
}

#[test]
fn media_metadata() {
    for file in ["photo.jpg", "call.wav", "call.amr", "call-dtx.amr", "recording.m4a", "notice.pdf", "recording.mp3"] {
        let exp = expected(file);
        let info = media::probe(file, std::fs::File::open(dir().join(file)).unwrap());
        if let Some(d) = exp["durations_ms"].as_u64() {
            let tol = exp["duration_tolerance_ms"].as_u64().unwrap_or(0);
            let got = info.duration_ms.unwrap_or_else(|| panic!("{file}: no duration ({:?})", info.notes));
            assert!(got.abs_diff(d) <= tol, "{file}: duration {got} ms, expected {d} ±{tol}");
        }
        if let Some(c) = exp["captured_at"].as_str() {
            assert_eq!(info.captured_at.as_deref(), Some(c), "{file}: {:?}", info.notes);
        }
    }
}

#[test]
fn a_byte_order_mark_keeps_offsets_in_the_file() {
    let plain = std::fs::read(dir().join("calls.xml")).unwrap();
    let mut with_bom = vec![0xEF, 0xBB, 0xBF];
    with_bom.extend_from_slice(&plain);
    let mut items = Vec::new();
    import::import(&Format::SbrCalls, with_bom.as_slice(), &Options::default(), &mut |i| {
        items.push(i);
        Ok(())
    })
    .unwrap();
    assert_eq!(items.len(), 9);
    for i in &items {
        let at = i.position.byte as usize;
        assert_eq!(&with_bom[at..at + i.raw.len()], &i.raw[..]);
        assert!(i.raw.starts_with(b"<call"));
    }
}

#[test]
fn a_call_in_xml_milliseconds_and_csv_seconds_is_one_call() {
    let xml = r#"<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>
<calls count="1"><call number="+86 137 1234 5678" duration="65" date="1740794531123" type="1" presentation="1" /></calls>"#;
    let csv = "号码,类型,时间,时长\n13712345678,呼入,2025-03-01 10:02:11,65\n";
    let key = |format: Format, data: &str| {
        let mut keys = Vec::new();
        import::import(&format, data.as_bytes(), &Options::default(), &mut |i| {
            keys.push(i.key);
            Ok(())
        })
        .unwrap();
        keys
    };
    assert_eq!(key(Format::SbrCalls, xml), key(Format::CallLogCsv, csv));
}

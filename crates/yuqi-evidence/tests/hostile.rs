//! Hostile exports (issue 19, item 8): junk is refused with a Chinese reason instead of being
//! taken for an empty backup, a GB18030 call log is recognised and decoded, and a huge SMS body
//! keeps its record whole while only the text used for analysis is cut (and the import says so).

use std::io::BufReader;

use yuqi_evidence::import::{self, Format, ImportError, Options, Summary};
use yuqi_evidence::item::Item;

fn import(format: Format, bytes: &[u8]) -> (Vec<Item>, Result<Summary, ImportError>) {
    let mut items = Vec::new();
    let r = import::import(&format, BufReader::new(bytes), &Options::default(), &mut |i| {
        items.push(i);
        Ok(())
    });
    (items, r)
}

#[test]
fn junk_in_an_sms_root_is_refused_and_an_empty_backup_is_not() {
    let junk: [&[u8]; 4] = [
        b"<smses>garbage</smses>",
        b"<smses><foo/><bar>x</bar></smses>",
        b"<?xml version='1.0'?>\n<smses count=\"2\">\n\x3c![CDATA[zz]]></smses>",
        b"<calls>\nnot a call\n</calls>",
    ];
    for bytes in junk {
        let (items, r) = import(Format::SbrMessages, bytes);
        match r {
            Err(ImportError::Unrecognized(m)) => {
                assert!(m.contains("没有任何短信、彩信或通话记录"), "{m}");
            }
            other => panic!("{:?}: {other:?}", String::from_utf8_lossy(bytes)),
        }
        assert!(items.is_empty());
    }
    for empty in [&b"<smses count=\"0\"/>"[..], b"<?xml version='1.0'?>\n<smses count=\"0\">\n</smses>\n"] {
        let (items, r) = import(Format::SbrMessages, empty);
        assert!(r.is_ok() && items.is_empty(), "{r:?}");
    }
    // Junk beside real records: the records are kept, the junk named.
    let mixed =
        b"<smses>\n<sms address=\"10690000\" date=\"1700000000000\" type=\"1\" body=\"hi\"/>\nstray text\n</smses>";
    let (items, r) = import(Format::SbrMessages, mixed);
    let summary = r.expect("imported");
    assert_eq!(items.len(), 1);
    assert!(summary.warnings.iter().any(|w| w.contains("无法识别的内容（第 2 行起）")), "{:?}", summary.warnings);
}

#[test]
fn a_gb18030_call_log_with_chinese_headers_is_detected_and_decoded() {
    let text = "号码,姓名,类型,通话时间,通话时长\n13712345678,王经理,呼入,2025-03-01 10:02:11,65\n";
    let (bytes, _, unmappable) = encoding_rs::GB18030.encode(text);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&bytes).is_err(), "really not UTF-8");
    assert_eq!(import::detect("通话记录.csv", &bytes), Some(Format::CallLogCsv));
    let (items, r) = import(Format::CallLogCsv, &bytes);
    let summary = r.expect("imported");
    assert_eq!(summary.encoding, "gb18030");
    let m = items[0].message.as_ref().expect("message");
    assert_eq!(
        (m.counterpart.as_str(), m.contact_name.as_deref(), m.duration_s),
        ("13712345678", Some("王经理"), Some(65))
    );
}

#[test]
fn a_huge_sms_body_is_cut_for_analysis_and_kept_whole_in_the_record() {
    let body = "还钱".repeat(1 << 20); // 6 MiB of text
    let record = format!("<sms address=\"10690000\" date=\"1700000000000\" type=\"1\" body=\"{body}\"/>");
    let file = format!("<smses count=\"1\">\n{record}\n</smses>\n");
    let (items, r) = import(Format::SbrMessages, file.as_bytes());
    let summary = r.expect("imported");
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].raw, record.as_bytes(), "the record's bytes stay whole");
    let text = &items[0].message.as_ref().expect("message").text;
    assert!(text.len() <= 1 << 20 && text.len() > (1 << 20) - 4, "{}", text.len());
    assert!(body.starts_with(text.as_str()));
    assert!(
        summary.warnings.iter().any(|w| w.contains("第 1 条记录（第 2 行）") && w.contains("完整原文仍原样保存")),
        "{:?}",
        summary.warnings
    );
}

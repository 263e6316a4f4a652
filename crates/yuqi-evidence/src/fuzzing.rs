//! The invariants every importer must keep on any input, shared by the libFuzzer targets in
//! `fuzz/` (nightly, `cargo fuzz run import`) and the deterministic mutation run in
//! `tests/fuzz.rs` (stable, part of every CI run).

use std::io::Cursor;

use crate::import::csvfmt::ColumnMap;
use crate::import::{self, Format, ImportError, OnBad, Options, media};

/// Every importer, in a fixed order (the fuzz input's first byte picks one).
pub fn formats() -> Vec<Format> {
    vec![
        Format::SbrMessages,
        Format::SbrCalls,
        Format::CallLogCsv,
        Format::WeChatCsv,
        Format::WeChatTxt,
        Format::IMessageTxt,
        Format::GenericCsv(ColumnMap {
            time: "时间".into(),
            counterpart: "号码".into(),
            text: "内容".into(),
            direction: Some("方向".into()),
            channel: "sms".into(),
        }),
        Format::PastedText,
        Format::WeChatMsgJson,
        Format::WeChatMsgHtml,
        Format::SmsIeJson,
        Format::ImazingCsv,
        Format::MiuiBackup,
        Format::AndroidBackup,
    ]
}

/// Runs one importer (and format detection and the media probe) on `data` under both bad-record
/// policies and panics if an invariant breaks:
/// * no panic inside an importer;
/// * every error names a position inside the input;
/// * a record whose bytes are said to be a slice of the file is exactly that slice;
/// * the policy only decides between skipping and refusing: with `Skip`, at least as many
///   records come out as with `Refuse`.
pub fn check(format: &Format, data: &[u8]) {
    let _ = import::detect("x.csv", data);
    let _ = import::detect("x.txt", data);
    let _ = media::probe("x.bin", Cursor::new(data));
    // Line ends: LF, CRLF, or a lone CR (the csv crate counts that as a line end too).
    let lone_cr = data.windows(2).filter(|w| w[0] == b'\r' && w[1] != b'\n').count() + data.ends_with(b"\r") as usize;
    let lines = (data.iter().filter(|&&b| b == b'\n').count() + lone_cr) as u64 + 1;
    // Transcoded CSV (not UTF-8) reports offsets in the UTF-8 text, which may be longer.
    let transcoded = matches!(format, Format::CallLogCsv | Format::WeChatCsv | Format::GenericCsv(_))
        && std::str::from_utf8(data).is_err();
    let max_byte = if transcoded { u64::MAX } else { data.len() as u64 };
    let mut counts = Vec::new();
    for on_bad in [OnBad::Refuse, OnBad::Skip] {
        let opts = Options { on_bad, my_names: vec!["我".into()], ..Options::default() };
        let mut n = 0u64;
        let r = import::import(format, Cursor::new(data), &opts, &mut |item| {
            n += 1;
            assert!(!item.key.is_empty(), "empty key");
            if item.slice {
                let at = item.position.byte as usize;
                let end = at + item.raw.len();
                assert!(
                    end <= data.len() && data[at..end] == item.raw[..],
                    "record {} is not the slice it claims",
                    item.position
                );
            }
            Ok(())
        });
        match r {
            Ok(summary) => {
                for rej in &summary.rejected {
                    assert!(
                        rej.position.line <= lines && rej.position.byte <= max_byte,
                        "{rej} (lines {lines}, bytes {}, format {format:?})",
                        data.len()
                    );
                }
            }
            Err(ImportError::Syntax(rej) | ImportError::Refused(rej)) => {
                assert!(rej.position.line <= lines + 1 && rej.position.byte <= max_byte, "{rej}");
            }
            Err(_) => {}
        }
        counts.push(n);
    }
    assert!(counts[1] >= counts[0], "skipping produced fewer records than refusing");
}

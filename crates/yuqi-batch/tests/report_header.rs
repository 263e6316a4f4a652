//! What the report's header says beyond the rates: the build that made it, the time the scan
//! took, messages with text and calls without, the flagged rate over texted messages, the
//! frequency breach days reconciled across dimensions; the rates per 1,000 in report.parquet;
//! and the provenance as plain Parquet key-value metadata in the file's footer.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use arrow::array::{Array, AsArray};
use arrow::datatypes::{Float64Type, Int64Type};
use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use yuqi_batch::cluster::local_context;
use yuqi_batch::scan::{ScanOptions, scan};

fn line(id: &str, from: &str, time: &str, text: &str, call: Option<bool>) -> serde_json::Value {
    let mut v = serde_json::json!({"id": id, "debtor": "B", "creditor": "P", "agency": "X", "from": from,
        "time": time, "text": text, "channel": if call.is_some() { "call" } else { "sms" }});
    if let Some(c) = call {
        v["connected"] = serde_json::json!(c);
        v["duration"] = serde_json::json!(if c { 30 } else { 0 });
    }
    v
}

/// A log whose figures are known by construction:
/// * texted: t1 (threat, flagged), t2 (plain), t3 (plain, at night: flagged), o1 (the
///   debtor's own message, not a contact);
/// * calls without text: five connected calls to B on one day from three numbers (two, two,
///   one) — the fourth and fifth break the limit of three a day per creditor: one breach day
///   for the creditor and the agency, one under each of the two numbers that made them — and
///   one unanswered attempt at night (flagged). Four numbers in all, under the five that
///   would make number rotation.
fn log(dir: &Path) -> std::path::PathBuf {
    let mut lines = vec![
        line("t1", "1069", "2025-06-01T10:00:00+08:00", "再不还钱就弄死你", None),
        line("t2", "1069", "2025-06-01T11:00:00+08:00", "提醒还款", None),
        line("t3", "1069", "2025-06-01T23:00:00+08:00", "提醒还款", None),
        line("o1", "self", "2025-06-01T12:00:00+08:00", "好的", None),
        line("a1", "1069", "2025-06-02T23:30:00+08:00", "", Some(false)),
    ];
    for (i, number) in [1, 1, 2, 2, 3].into_iter().enumerate() {
        let (id, from, time) = (format!("c{i}"), format!("1380000000{number}"), format!("2025-06-05T1{i}:00:00+08:00"));
        lines.push(line(&id, &from, &time, "", Some(true)));
    }
    let p = dir.join("log.jsonl");
    std::fs::write(&p, lines.iter().map(|l| format!("{l}\n")).collect::<String>()).unwrap();
    p
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_header_tells_reports_apart_and_splits_messages_by_channel() {
    let tmp = tempfile::tempdir().unwrap();
    let input = log(tmp.path());
    let out = tmp.path().join("out");
    let ctx = local_context(Some(2)).unwrap();
    let opts = ScanOptions::new(input, &out, "test");
    let (summary, report) = scan(&ctx, &opts).await.unwrap();
    let c = &report.counts;
    assert_eq!((c.contacts, c.texted, c.calls_without_text), (9, 3, 6));
    assert_eq!((c.flagged, c.flagged_texted), (5, 2), "t1, t3, a1, c3, c4; of the texted t1 and t3");
    assert_eq!(report.breach_days("creditor"), 1);
    assert_eq!(report.breach_days("agency"), 1);
    assert_eq!(report.breach_days("sender"), 2);

    // The build: the linker's build ID of this process's executable, read independently
    // with readelf (the tool an auditor would use); without it, the file's SHA-256.
    let exe = std::env::current_exe().unwrap();
    let notes = std::process::Command::new("readelf").arg("-n").arg(&exe).output().unwrap();
    let notes = String::from_utf8(notes.stdout).unwrap();
    let id = notes
        .lines()
        .find_map(|l| l.trim().strip_prefix("Build ID: "))
        .expect("the test binary has a build ID")
        .to_string();
    assert_eq!(summary.build.build_id.as_deref(), Some(id.as_str()));
    assert_eq!(summary.build.executable_sha256, None, "not hashed when it has a build ID");
    assert_eq!(summary.build.executable_bytes, std::fs::metadata(&exe).unwrap().len());
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(json["build"]["build_id"], id.as_str());

    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    for text in [&md, &html] {
        assert!(text.contains(&format!("程序的构建标识（build ID）{id}")), "build identity");
        assert!(text.contains("用时："), "the scan's wall time");
        assert!(text.contains("有文字的 3 条"), "texted messages");
        assert!(text.contains("没有文字的电话 6 条"), "calls without text");
        assert!(text.contains("有问题的催收消息：5 条，每千条 555.6"), "flagged over all contacts");
        assert!(text.contains("只看有文字的催收消息：有问题 2 条，每千条 666.7"), "flagged over texted");
        assert!(text.contains("超频（人·天）合计 1 个"), "breach days reconciled");
        assert!(
            text.contains("按发送号码相加为 2 个") && text.contains("在每个号码下各计一次"),
            "why senders sum more"
        );
        // Night contact per 1,000 in the group tables: t3 and a1 of 9 contacts.
        assert!(text.contains("222.2"), "night per 1,000");
    }

    // report.parquet: every rate per 1,000; no fraction beside them.
    let file = std::fs::File::open(out.join("report.parquet")).unwrap();
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).unwrap();
    // Provenance as plain key-value pairs in the Parquet footer, not only inside the
    // encoded Arrow schema.
    let kv: std::collections::HashMap<String, String> = builder
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .unwrap()
        .iter()
        .map(|kv| (kv.key.clone(), kv.value.clone().unwrap_or_default()))
        .collect();
    for key in [
        "yuqi.engine",
        "yuqi.input_sha256",
        "yuqi.input_bytes",
        "yuqi.input_rows",
        "yuqi.input_files",
        "yuqi.contacts",
        "yuqi.flagged",
        "yuqi.held_for_confirmation",
        "yuqi.analyzer",
        "yuqi.build",
    ] {
        assert!(kv.contains_key(key), "{key} missing from the Parquet key-value metadata");
    }
    assert_eq!(kv["yuqi.input_sha256"], summary.input.digest.sha256);
    assert_eq!(kv["yuqi.contacts"], "9");
    let build: serde_json::Value = serde_json::from_str(&kv["yuqi.build"]).unwrap();
    assert_eq!(build["build_id"], id.as_str());

    let schema = builder.schema().clone();
    assert!(schema.field_with_name("night_rate").is_err(), "the fraction is gone");
    let batches: Vec<_> = builder.build().unwrap().map(|b| b.unwrap()).collect();
    let b = &batches[0];
    let dims = arrow::compute::cast(b.column_by_name("dimension").unwrap(), &arrow::datatypes::DataType::Utf8).unwrap();
    let row = (0..b.num_rows()).find(|&i| dims.as_string::<i32>().value(i) == "creditor").unwrap();
    let int = |name: &str| b.column_by_name(name).unwrap().as_primitive::<Int64Type>().value(row);
    let float = |name: &str| b.column_by_name(name).unwrap().as_primitive::<Float64Type>().value(row);
    assert_eq!((int("messages"), int("night_contact"), int("frequency_breach_days")), (9, 2, 1));
    assert_eq!((int("texted"), int("flagged_texted")), (3, 2));
    assert!((float("flagged_per_1000_texted") - 2000.0 / 3.0).abs() < 1e-9);
    assert!((float("night_contact_per_1000") - 2000.0 / 9.0).abs() < 1e-9);
    assert!(!b.column_by_name("night_contact_per_1000").unwrap().is_null(row));
}

//! Bad input is refused with a Chinese message that names the file and, where it is known,
//! the line or rows; the engine's English messages do not reach the user. An input with a
//! header and no records is a valid, empty log.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use yuqi_batch::cluster::local_context;
use yuqi_batch::scan::{ScanOptions, scan};
use yuqi_batch::{BatchError, Place};

type Scanned = yuqi_batch::Result<(yuqi_batch::scan::ScanSummary, yuqi_batch::report::Report)>;

async fn run(input: &Path, output: &Path) -> Scanned {
    let ctx = local_context(Some(2)).unwrap();
    let opts = ScanOptions::new(input, output, "test");
    scan(&ctx, &opts).await
}

/// The error a bad input gives: its file, place and reason, and its whole message, which
/// must be Chinese apart from the path, column names and the names of formats.
async fn refused(input: &Path) -> (PathBuf, Option<Place>, String, String) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let err = run(input, &out).await.unwrap_err();
    assert!(!out.exists() && !tmp.path().join("out.part").exists(), "nothing written for {}", input.display());
    let message = err.to_string();
    let BatchError::BadInput { path, place, reason } = err else { panic!("not a bad-input error: {message}") };
    assert!(message.starts_with("输入文件 "), "{message}");
    assert!(message.contains(&path.display().to_string()), "{message} names the file");
    // File names (this one's path, another file's name) are the user's, not English.
    let mut without_path = message.replace(&path.display().to_string(), "");
    for ext in [".parquet", ".csv", ".jsonl"] {
        while let Some(end) = without_path.find(ext) {
            let start = without_path[..end].rfind(|c: char| !(c.is_ascii_alphanumeric() || "-_.".contains(c)));
            let start = start.map_or(0, |i| i + without_path[i..].chars().next().map_or(1, char::len_utf8));
            without_path.replace_range(start..end + ext.len(), "");
        }
    }
    let allowed = ["JSON", "CSV", "UTF", "GBK", "Parquet", "true", "false", "text", "connected"];
    for word in without_path.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| w.len() >= 3) {
        assert!(allowed.contains(&word), "English {word:?} in: {message}");
    }
    (path, place, reason, message)
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_or_empty_file_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("没有这个文件.csv");
    let (path, place, reason, message) = refused(&missing).await;
    assert_eq!((path, place), (missing.clone(), None));
    assert!(reason.contains("不存在"), "{message}");
    assert!(!message.contains("os error"), "{message}");

    for name in ["empty.csv", "empty.jsonl", "empty.parquet"] {
        let p = write(tmp.path(), name, b"");
        let (path, place, reason, message) = refused(&p).await;
        assert_eq!((path, place), (p.clone(), None));
        assert!(reason.starts_with("文件是空的（0 字节）"), "{message}");
    }
    // In a directory, the empty file among good ones is the one named.
    let dir = tmp.path().join("dir");
    std::fs::create_dir(&dir).unwrap();
    write(&dir, "a.csv", "id,debtor,text\n1,A,你好\n");
    let empty = write(&dir, "b.csv", b"");
    let (path, _, reason, _) = refused(&dir).await;
    assert_eq!(path, empty);
    assert!(reason.contains("至少要有一行表头"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_csv_with_only_a_header_gives_an_empty_report() {
    let tmp = tempfile::tempdir().unwrap();
    let input = write(tmp.path(), "header.csv", "id,debtor,creditor,from,time,text\n");
    let out = tmp.path().join("out");
    let (summary, report) = run(&input, &out).await.unwrap();
    assert_eq!((summary.rows, summary.contacts, summary.flagged), (0, 0, 0));
    assert!(report.groups.0.iter().all(|d| d.groups == 0));
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("记录：0 条"), "{md}");
    // Rates over no messages are 0, not NaN (the report's one per-1,000 formula, for its totals
    // as for its rows).
    assert!(md.contains("有问题的催收消息：0 条，每千条 0.0"), "{md}");
    assert!(md.contains("只看有文字的催收消息：有问题 0 条，每千条 0.0"), "{md}");
    assert!(!md.contains("NaN"), "{md}");
    assert!(out.join("report.html").exists() && out.join("summary.json").exists());
    let file = std::fs::File::open(out.join("report.parquet")).unwrap();
    let reader = datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(reader.map(|b| b.unwrap().num_rows()).sum::<usize>(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_csv_record_with_the_wrong_number_of_fields_is_named_by_line() {
    let tmp = tempfile::tempdir().unwrap();
    let p = write(tmp.path(), "log.csv", "id,debtor,text\n1,A,你好\n2,A\n3,A,再见\n");
    let (path, place, reason, message) = refused(&p).await;
    assert_eq!((path, place), (p.clone(), Some(Place::Line(3))));
    assert!(reason.starts_with("有 2 个字段，而表头有 3 个"), "{message}");
    assert!(message.contains("第 3 行"), "{message}");

    // Text that is not UTF-8 (a GBK export): "你好" in GBK on line 2.
    let mut bytes = b"id,debtor,text\n1,A,".to_vec();
    bytes.extend_from_slice(&[0xc4, 0xe3, 0xba, 0xc3]);
    bytes.extend_from_slice(b"\n");
    let p = write(tmp.path(), "gbk.csv", bytes);
    let (_, place, reason, message) = refused(&p).await;
    assert_eq!(place, Some(Place::Line(2)), "{message}");
    assert!(reason.contains("不是 UTF-8 编码"), "{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_json_line_is_named_by_line() {
    let tmp = tempfile::tempdir().unwrap();
    // Within the lines the column types are inferred from…
    let p = write(
        tmp.path(),
        "cut.jsonl",
        "{\"id\": \"1\", \"debtor\": \"A\", \"text\": \"a\"}\n{\"id\": \"2\", \"text\": \n",
    );
    let (path, place, reason, message) = refused(&p).await;
    assert_eq!((path, place), (p.clone(), Some(Place::Line(2))));
    assert!(reason.starts_with("JSON 不完整"), "{message}");
    // …and after them, where the engine fails while scanning.
    let mut text: String =
        (0..10_001).map(|i| format!("{{\"id\": \"{i}\", \"debtor\": \"A\", \"text\": \"提醒还款\"}}\n")).collect();
    text.push_str("{\"id\": \"x\", \"debtor\": \"A\", \"text\": \"提醒还款\"]\n");
    let p = write(tmp.path(), "late.jsonl", text);
    let (_, place, reason, message) = refused(&p).await;
    assert_eq!(place, Some(Place::Line(10_002)), "{message}");
    assert!(reason.starts_with("不是有效的 JSON"), "{message}");
    // A line that is JSON but not a record.
    let p = write(tmp.path(), "array.jsonl", "{\"id\": \"1\", \"debtor\": \"A\", \"text\": \"a\"}\n[1, 2]\n");
    let (_, place, reason, _) = refused(&p).await;
    assert_eq!(place, Some(Place::Line(2)));
    assert!(reason.starts_with("不是一个 JSON 对象"), "{reason}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_column_type_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    // JSON lines: `connected` is true/false in the lines the types are inferred from, then text.
    let mut text: String = (0..10_000)
        .map(|i| {
            format!(
                "{{\"id\": \"{i}\", \"debtor\": \"A\", \"channel\": \"call\", \"connected\": true, \"text\": \"\"}}\n"
            )
        })
        .collect();
    text.push_str(
        "{\"id\": \"y\", \"debtor\": \"A\", \"channel\": \"call\", \"connected\": \"yes\", \"text\": \"\"}\n",
    );
    let p = write(tmp.path(), "types.jsonl", text);
    let (path, place, reason, message) = refused(&p).await;
    assert_eq!((path, place), (p.clone(), Some(Place::Line(10_001))));
    assert!(reason.starts_with("列 connected 的值是文本，但这一列按文件前 10000 行被读作布尔值"), "{message}");

    // A column that is null in every inferred line takes its known type, not the null type
    // (whose reader refuses any later value).
    let mut text: String = (0..10_000)
        .map(|i| format!("{{\"id\": \"{i}\", \"debtor\": \"A\", \"consent\": null, \"text\": \"提醒还款\"}}\n"))
        .collect();
    text.push_str("{\"id\": \"late\", \"debtor\": \"A\", \"consent\": true, \"time\": \"2025-06-01T23:30:00+08:00\", \"text\": \"提醒还款\"}\n");
    let p = write(tmp.path(), "nulls.jsonl", text);
    let (summary, _) = run(&p, &tmp.path().join("nulls-out")).await.unwrap();
    assert_eq!(summary.rows, 10_001);

    // Parquet: `text` holding lists.
    use arrow::array::{Array, ListBuilder, RecordBatch, StringArray, StringBuilder};
    use arrow::datatypes::{DataType, Field, Schema};
    let mut texts = ListBuilder::new(StringBuilder::new());
    texts.values().append_value("你好");
    texts.append(true);
    let texts = texts.finish();
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Utf8, false),
        Field::new("debtor", DataType::Utf8, false),
        Field::new("text", texts.data_type().clone(), true),
    ]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![Arc::new(StringArray::from(vec!["1"])), Arc::new(StringArray::from(vec!["A"])), Arc::new(texts)],
    )
    .unwrap();
    let p = tmp.path().join("list.parquet");
    let mut w =
        datafusion::parquet::arrow::ArrowWriter::try_new(std::fs::File::create(&p).unwrap(), schema, None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    let (path, place, reason, message) = refused(&p).await;
    assert_eq!((path, place), (p.clone(), None));
    assert_eq!(reason, "列 text 的类型是列表（数组），应为文本或数字", "{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_that_is_not_parquet_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let p = write(tmp.path(), "log.parquet", "id,debtor,text\n1,A,你好\n");
    let (path, place, reason, message) = refused(&p).await;
    assert_eq!((path, place), (p.clone(), None));
    assert!(reason.starts_with("不是有效的 Parquet 文件"), "{message}");
}

/// A Parquet file of `n` rows whose texts are `text(i)` (row i from 1), written with `props`.
fn parquet_log(
    n: usize,
    text: impl Fn(usize) -> String,
    props: datafusion::parquet::file::properties::WriterProperties,
) -> Vec<u8> {
    use arrow::array::{RecordBatch, StringArray};
    use arrow::datatypes::{DataType, Field, Schema};
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Utf8, false),
        Field::new("debtor", DataType::Utf8, false),
        Field::new("text", DataType::Utf8, false),
    ]));
    let ids: Vec<String> = (1..=n).map(|i| format!("m{i}")).collect();
    let texts: Vec<String> = (1..=n).map(text).collect();
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(StringArray::from(ids)),
            Arc::new(StringArray::from(vec!["A"; n])),
            Arc::new(StringArray::from(texts)),
        ],
    )
    .unwrap();
    let mut bytes = Vec::new();
    let mut w = datafusion::parquet::arrow::ArrowWriter::try_new(&mut bytes, schema, Some(props)).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    bytes
}

/// Plain, uncompressed strings: each is its length (4 bytes, little-endian) and its bytes; no
/// statistics, so that a text appears only in the data.
fn plain_props() -> datafusion::parquet::file::properties::WriterProperties {
    use datafusion::parquet::basic::Compression;
    use datafusion::parquet::file::properties::{EnabledStatistics, WriterProperties};
    WriterProperties::builder()
        .set_compression(Compression::UNCOMPRESSED)
        .set_dictionary_enabled(false)
        .set_statistics_enabled(EnabledStatistics::None)
        .build()
}

/// Corrupts the length of the (unique) text `needle` so that it runs past its page: the
/// footer is intact, that value cannot be decoded.
fn break_text(bytes: &mut [u8], needle: &str) {
    let needle = needle.as_bytes();
    let at = bytes.windows(needle.len()).position(|w| w == needle).unwrap();
    bytes[at - 4..at].copy_from_slice(&0x7fff_fff0u32.to_le_bytes());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parquet_data_that_cannot_be_decoded_is_named_by_its_row() {
    let tmp = tempfile::tempdir().unwrap();
    // The first row of a small file.
    let mut bytes = parquet_log(10, |_| "独一无二的提醒文字".into(), plain_props());
    break_text(&mut bytes, "独一无二的提醒文字");
    let p = write(tmp.path(), "broken.parquet", bytes);
    let (path, place, reason, message) = refused(&p).await;
    assert_eq!((path, place), (p.clone(), Some(Place::Rows { first: 1, last: 1 })), "{message}");
    assert!(reason.starts_with("数据无法解码"), "{message}");
    assert!(message.contains("broken.parquet 第 1 行："), "{message}");

    // A row in the middle of the reader's third batch of 1,024 rows: named exactly, not by
    // its batch (2,049–3,072).
    let mut bytes = parquet_log(5_000, |i| format!("第{i:05}条独一无二的提醒"), plain_props());
    break_text(&mut bytes, "第02500条独一无二的提醒");
    let p = write(tmp.path(), "middle.parquet", bytes);
    let (path, place, reason, message) = refused(&p).await;
    assert_eq!((path, place), (p.clone(), Some(Place::Rows { first: 2_500, last: 2_500 })), "{message}");
    assert!(reason.starts_with("数据无法解码"), "{message}");
    assert!(message.contains("middle.parquet 第 2500 行："), "{message}");
    assert!(!message.contains("之间"), "{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_parquet_page_that_cannot_be_read_is_named_by_its_rows_and_said_so() {
    use datafusion::parquet::arrow::arrow_reader::{ArrowReaderOptions, ParquetRecordBatchReaderBuilder};
    use datafusion::parquet::basic::Compression;
    use datafusion::parquet::file::metadata::PageIndexPolicy;
    use datafusion::parquet::file::properties::WriterProperties;
    let tmp = tempfile::tempdir().unwrap();
    // Pages of 100 rows, compressed.
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_dictionary_enabled(false)
        .set_data_page_row_count_limit(100)
        .set_write_batch_size(100)
        .build();
    let mut bytes = parquet_log(1_000, |i| format!("第{i:05}条提醒还款"), props);
    // The header of the text column's third page (rows 201-300), where the offset index says
    // it is, overwritten: that page cannot be read at all.
    let intact = write(tmp.path(), "intact.parquet", &bytes);
    let meta = ParquetRecordBatchReaderBuilder::try_new_with_options(
        std::fs::File::open(intact).unwrap(),
        ArrowReaderOptions::new().with_page_index_policy(PageIndexPolicy::Optional),
    )
    .unwrap()
    .metadata()
    .clone();
    let pages = meta.offset_index().unwrap()[0][2].page_locations();
    assert!(pages.len() >= 4, "pages of 100 rows: {}", pages.len());
    assert_eq!((pages[2].first_row_index, pages[3].first_row_index), (200, 300));
    let at = usize::try_from(pages[2].offset).unwrap();
    bytes[at..at + 8].copy_from_slice(&[0xff; 8]);
    let p = write(tmp.path(), "page.parquet", bytes);
    let (path, place, reason, message) = refused(&p).await;
    assert_eq!((path, place), (p.clone(), Some(Place::Rows { first: 201, last: 300 })), "{message}");
    assert!(reason.contains("列 text 从第 201 行起的一页数据整体损坏"), "{message}");
    assert!(reason.contains("不能确定损坏的是这一页中的哪一行"), "{message}");
    assert!(message.contains("第 201–300 行之间"), "{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parquet_files_of_one_directory_with_different_column_types_are_named() {
    use arrow::array::{ArrayRef, Int64Array, RecordBatch, StringArray};
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("months");
    std::fs::create_dir(&dir).unwrap();
    let parquet = |name: &str, id: ArrayRef| {
        let text: ArrayRef = Arc::new(StringArray::from(vec!["提醒还款"]));
        let debtor: ArrayRef = Arc::new(StringArray::from(vec!["A"]));
        let batch = RecordBatch::try_from_iter([("id", id), ("debtor", debtor), ("text", text)]).unwrap();
        let p = dir.join(name);
        let mut w =
            datafusion::parquet::arrow::ArrowWriter::try_new(std::fs::File::create(&p).unwrap(), batch.schema(), None)
                .unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
        p
    };
    parquet("2026-10.parquet", Arc::new(StringArray::from(vec!["a1"])));
    let second = parquet("2026-11.parquet", Arc::new(Int64Array::from(vec![7])));
    let (path, place, reason, message) = refused(&dir).await;
    assert_eq!((path, place), (second, None), "{message}");
    assert!(reason.starts_with("列 id 的类型是整数，而同一目录中的 2026-10.parquet 里这一列是文本"), "{message}");
}

/// An output directory whose parent is a file: the system says only "already exists"; the
/// command names the file, in Chinese, exits with 2 (the user can fix it) and writes nothing.
#[test]
fn an_output_under_a_file_names_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("log.csv");
    std::fs::write(&input, "id,debtor,text\n1,A,提醒还款\n").unwrap();
    let file = tmp.path().join("report-file");
    std::fs::write(&file, "x").unwrap();
    // With the default budget (a spill directory beside the output is made first), without one,
    // and two levels below the file: the same message from the same check.
    for (output, budget) in
        [(file.join("out"), None), (file.join("out"), Some("unlimited")), (file.join("a").join("out"), Some("512M"))]
    {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_yuqi-batch"));
        cmd.args(["scan", "--input"]).arg(&input).arg("--output").arg(&output);
        if let Some(b) = budget {
            cmd.args(["--memory-limit", b]);
        }
        let out = cmd.output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{budget:?}: {err}");
        assert!(err.contains(&format!("{} 是一个文件，不是目录", file.display())), "{budget:?}: {err}");
        assert!(!err.contains("已经存在") && !err.contains("不是目录：") && !err.contains("Not a directory"), "{err}");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
    }
}

/// The binary's hint about a cluster's split needs the input's files before the engine reads
/// them: `scan_with` hands over the files the scan itself reads, once, and nothing when the
/// input cannot be a log.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_input_is_located_once_before_the_engine_reads_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("log");
    std::fs::create_dir(&dir).unwrap();
    let line = r#"{"id":"1","debtor":"d","time":"2024-03-01 10:00:00","from":"c","to":"self","text":"请按时还款"}"#;
    let b = write(&dir, "b.jsonl", format!("{line}\n"));
    let a = write(&dir, "a.jsonl", format!("{}\n", line.replace(r#""id":"1""#, r#""id":"2""#)));
    write(&dir, "readme.txt", "not a log");
    let ctx = local_context(Some(2)).unwrap();
    let mut seen = Vec::new();
    let (summary, _) =
        yuqi_batch::scan::scan_with(&ctx, &ScanOptions::new(&dir, tmp.path().join("out"), "test"), |l| {
            seen.push(l.files.clone())
        })
        .await
        .unwrap();
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap();
    assert_eq!(seen, [vec![canonical(&a), canonical(&b)]]);
    assert_eq!(summary.rows, 2);

    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let mut called = false;
    let scanned = yuqi_batch::scan::scan_with(&ctx, &ScanOptions::new(&empty, tmp.path().join("out2"), "test"), |_| {
        called = true
    })
    .await;
    assert!(matches!(scanned, Err(BatchError::NoInput { .. })), "{:?}", scanned.err());
    assert!(!called);
}

//! Why the engine could not read the input, said so that a user can find and fix it.
//!
//! The engine's readers fail with English messages that name neither the file nor, for a
//! directory or a split file, the line (`incorrect number of fields for line 3`, `Json error:
//! Not valid JSON`, a Parquet decoding error). Rather than parse those messages, the input is
//! read again the plain way — one file after another, one record after another — and the
//! first record that cannot be read is described in Chinese with its file and line. This runs
//! only after a failure, so a valid input costs nothing.

use std::io::BufRead;
use std::path::Path;

use arrow::datatypes::{DataType, Schema};

use crate::input::{INFERRED_LINES, InputFormat, Located, type_zh};
use crate::{BatchError, Place, io_zh};

/// The first record of the input that cannot be read, as a [`BatchError::BadInput`]; `None`
/// when every record reads (the failure was not the input's). `schema` is the table the
/// engine read (for JSON lines, the column types inferred from the first lines), when the
/// input got that far.
pub fn first_bad_record(located: &Located, schema: Option<&Schema>) -> Option<BatchError> {
    if located.format == InputFormat::Parquet
        && let Some(e) = parquet_types_differ(&located.files)
    {
        return Some(e);
    }
    located.files.iter().find_map(|f| match located.format {
        InputFormat::Csv => csv_file(f),
        InputFormat::Jsonl => jsonl_file(f, schema),
        InputFormat::Parquet => parquet_file(f),
    })
}

/// Whether a failed scan should be explained by reading the input again: not when the
/// engine ran out of its memory budget or of spill space, nor when the cluster cannot be
/// reached (the input is not the cause, and reading it again is long). A system I/O error
/// is checked: it may be the input's (a file unreadable) as well as the output's.
pub fn worth_diagnosing(e: &BatchError) -> bool {
    use crate::engine_error::{EngineTrouble, classify};
    match e {
        BatchError::Engine(d) => !matches!(
            classify(d),
            EngineTrouble::MemoryBudget | EngineTrouble::SpillLimit | EngineTrouble::ClusterUnreachable
        ),
        BatchError::Arrow(_) | BatchError::Parquet(_) => true,
        _ => false,
    }
}

fn bad(path: &Path, place: Option<Place>, reason: impl Into<String>) -> Option<BatchError> {
    Some(BatchError::BadInput { path: path.to_path_buf(), place, reason: reason.into() })
}

/// What is wrong with a CSV record, in Chinese.
pub(crate) fn csv_reason(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => format!(
            "有 {len} 个字段，而表头有 {expected_len} 个（可能少了或多了逗号，或者文字中的逗号、换行没有用英文双引号括起来）"
        ),
        csv::ErrorKind::Utf8 { .. } => "不是 UTF-8 编码的文字（可能是 GBK 等其他编码，请另存为 UTF-8）".into(),
        csv::ErrorKind::Io(io) => io_zh(io),
        _ => "无法按 CSV 格式读取".into(),
    }
}

fn csv_place(e: &csv::Error) -> Option<Place> {
    let pos = match e.kind() {
        csv::ErrorKind::UnequalLengths { pos, .. } => pos.as_ref(),
        csv::ErrorKind::Utf8 { pos, .. } => pos.as_ref(),
        _ => e.position(),
    };
    pos.map(|p| Place::Line(p.line()))
}

fn csv_file(path: &Path) -> Option<BatchError> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => return bad(path, None, io_zh(&e)),
    };
    // Not flexible: every record must have the header's number of fields, as the engine
    // requires. Records, not lines: a quoted field may span lines, and the place given is
    // the line where the record starts.
    let mut r = csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(file);
    let mut record = csv::ByteRecord::new();
    loop {
        match r.read_byte_record(&mut record) {
            // Checked here rather than by reading string records, whose UTF-8 error gives
            // the header's position instead of the record's.
            Ok(true) if record.iter().any(|f| std::str::from_utf8(f).is_err()) => {
                let place = record.position().map(|p| Place::Line(p.line()));
                return bad(path, place, "不是 UTF-8 编码的文字（可能是 GBK 等其他编码，请另存为 UTF-8）");
            }
            Ok(true) => {}
            Ok(false) => return None,
            Err(e) => return bad(path, csv_place(&e), csv_reason(&e)),
        }
    }
}

fn jsonl_file(path: &Path, schema: Option<&Schema>) -> Option<BatchError> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => return bad(path, None, io_zh(&e)),
    };
    let mut reader = std::io::BufReader::new(file);
    let mut line = Vec::new();
    let mut n = 0u64;
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => return None,
            Ok(_) => n += 1,
            Err(e) => return bad(path, Some(Place::Line(n + 1)), io_zh(&e)),
        }
        if let Some(reason) = json_line(&line, schema) {
            return bad(path, Some(Place::Line(n)), reason);
        }
    }
}

/// What is wrong with one JSON line, if anything.
fn json_line(bytes: &[u8], schema: Option<&Schema>) -> Option<String> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Some("不是 UTF-8 编码的文字（可能是 GBK 等其他编码，请另存为 UTF-8）".into());
    };
    // The engine reads a stream of JSON values; blank lines are nothing.
    for value in serde_json::Deserializer::from_str(text).into_iter::<serde_json::Value>() {
        let value = match value {
            Ok(v) => v,
            Err(e) if e.is_eof() => {
                return Some(format!("JSON 不完整，在第 {} 个字符处意外结束（这一行可能被截断了）", e.column()));
            }
            Err(e) => return Some(format!("不是有效的 JSON（第 {} 个字符附近有格式错误）", e.column())),
        };
        let serde_json::Value::Object(fields) = value else {
            return Some("不是一个 JSON 对象（每行应是一条用 {…} 括起来的记录）".into());
        };
        let Some(schema) = schema else { continue };
        for (key, v) in &fields {
            let Ok(field) = schema.field_with_name(key) else { continue };
            if !json_fits(field.data_type(), v) {
                return Some(format!(
                    "列 {key} 的值是{}，但这一列按文件前 {} 行被读作{}；同一列的值必须是同一种类型（例如都写成文本，或都写成 true/false）",
                    json_kind_zh(v),
                    INFERRED_LINES,
                    type_zh(field.data_type())
                ));
            }
        }
    }
    None
}

/// Whether the engine's JSON reader accepts `v` in a column of type `t` (arrow-json without
/// coercion of numbers and booleans to text: a string column takes only strings; a number
/// column takes numbers and strings that parse as numbers; a boolean column only booleans).
fn json_fits(t: &DataType, v: &serde_json::Value) -> bool {
    use serde_json::Value;
    let text = matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View);
    match (t, v) {
        (_, Value::Null) => true,
        (_, Value::String(_)) if text => true,
        (DataType::Boolean, Value::Bool(_)) => true,
        (t, Value::Number(_)) if t.is_numeric() => true,
        (t, Value::String(s)) if t.is_numeric() => s.trim().parse::<f64>().is_ok(),
        (DataType::List(_) | DataType::LargeList(_), Value::Array(_)) => true,
        (DataType::Struct(_), Value::Object(_)) => true,
        (t, _) if text || t.is_numeric() || t.is_nested() || matches!(t, DataType::Boolean | DataType::Null) => false,
        // Types inference does not give (timestamps, maps…): not judged here.
        _ => true,
    }
}

fn json_kind_zh(v: &serde_json::Value) -> &'static str {
    use serde_json::Value;
    match v {
        Value::Null => "空值",
        Value::Bool(_) => "布尔值（true/false）",
        Value::Number(_) => "数字",
        Value::String(_) => "文本",
        Value::Array(_) => "列表（数组）",
        Value::Object(_) => "对象（嵌套结构）",
    }
}

const NOT_PARQUET: &str = "不是有效的 Parquet 文件（文件尾部的结构信息缺失或损坏，文件可能不完整）";

/// The rows the Parquet reader decodes at a time (its default batch size).
const BATCH: u64 = 1024;

/// A directory of Parquet files whose columns of the same name have different types: the
/// engine cannot merge their schemas, and says so without naming the files.
fn parquet_types_differ(files: &[std::path::PathBuf]) -> Option<BatchError> {
    use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let mut seen: Vec<(String, DataType, &std::path::PathBuf)> = Vec::new();
    for f in files {
        let Ok(builder) = std::fs::File::open(f)
            .map_err(|_| ())
            .and_then(|file| ParquetRecordBatchReaderBuilder::try_new(file).map_err(|_| ()))
        else {
            continue;
        };
        for field in builder.schema().fields() {
            match seen.iter().find(|(name, _, _)| name == field.name()) {
                // Differences of representation only (two kinds of text) are not what a user
                // can see or fix; they are left to the engine's message.
                Some((name, t, first)) if type_zh(t) != type_zh(field.data_type()) => {
                    let first_name = first.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
                    return bad(
                        f,
                        None,
                        format!(
                            "列 {name} 的类型是{}，而同一目录中的 {first_name} 里这一列是{}；同一目录中的文件，同名的列类型必须相同",
                            type_zh(field.data_type()),
                            type_zh(t)
                        ),
                    );
                }
                Some(_) => {}
                None => seen.push((field.name().clone(), field.data_type().clone(), f)),
            }
        }
    }
    None
}

fn parquet_file(path: &Path) -> Option<BatchError> {
    use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => return bad(path, None, io_zh(&e)),
    };
    let Ok(builder) = ParquetRecordBatchReaderBuilder::try_new(file) else {
        return bad(path, None, NOT_PARQUET);
    };
    let total = u64::try_from(builder.metadata().file_metadata().num_rows()).unwrap_or(0);
    let Ok(reader) = builder.build() else {
        return bad(path, None, NOT_PARQUET);
    };
    let mut rows = 0u64;
    for batch in reader {
        match batch {
            Ok(b) => rows += b.num_rows() as u64,
            // The reader decodes a batch of rows at a time: the batch after the last good one
            // holds the bad row, which reading that batch again row by row finds.
            Err(_) => {
                return Some(match parquet_bad_rows(path, rows) {
                    Some(BadRows::Row(row)) => BatchError::BadInput {
                        path: path.to_path_buf(),
                        place: Some(Place::Rows { first: row, last: row }),
                        reason: UNDECODABLE.into(),
                    },
                    Some(BadRows::Page { first, last, column }) => BatchError::BadInput {
                        path: path.to_path_buf(),
                        place: Some(Place::Rows { first, last }),
                        reason: format!(
                            "数据无法解码：列 {column} 从第 {first} 行起的一页数据整体损坏（无法解压或读取），所以不能确定损坏的是这一页中的哪一行；第 {first} 行之前的行都能读取"
                        ),
                    },
                    // Not found again (should not happen): the batch, as the reader saw it.
                    None => BatchError::BadInput {
                        path: path.to_path_buf(),
                        place: Some(Place::Rows { first: rows + 1, last: (rows + BATCH).min(total.max(rows + 1)) }),
                        reason: UNDECODABLE.into(),
                    },
                });
            }
        }
    }
    None
}

const UNDECODABLE: &str = "数据无法解码（文件损坏，或不是用标准方式写出的 Parquet 文件）";

/// Where a Parquet file stops decoding, found row by row.
#[derive(Debug, PartialEq, Eq)]
enum BadRows {
    /// The exact row (from 1): a value that cannot be decoded.
    Row(u64),
    /// A page of `column` that cannot be read at all (its header or its compressed bytes are
    /// broken): no row of it can be decoded, so the row cannot be told; its rows, from 1.
    Page { first: u64, last: u64, column: String },
}

/// The first row after the `good` rows that were read that cannot be decoded: its row group
/// is read again from there one row at a time (a batch size of 1), which a value-level
/// corruption stops at exactly. When that row is the first of a page that cannot be read at
/// all, the page is what is named. Runs only after a failure.
fn parquet_bad_rows(path: &Path, good: u64) -> Option<BadRows> {
    use datafusion::parquet::arrow::arrow_reader::{
        ArrowReaderOptions, ParquetRecordBatchReaderBuilder, RowSelection, RowSelector,
    };
    use datafusion::parquet::file::metadata::PageIndexPolicy;
    let file = std::fs::File::open(path).ok()?;
    // The offset index (where each page starts, by row) when the writer wrote one.
    let options = ArrowReaderOptions::new().with_page_index_policy(PageIndexPolicy::Optional);
    let builder = ParquetRecordBatchReaderBuilder::try_new_with_options(file.try_clone().ok()?, options)
        .or_else(|_| ParquetRecordBatchReaderBuilder::try_new(file))
        .ok()?;
    let meta = builder.metadata().clone();
    // The row group holding row `good + 1`, and the rows before it.
    let mut start = 0u64;
    let (group, group_rows) = meta.row_groups().iter().enumerate().find_map(|(i, g)| {
        let n = u64::try_from(g.num_rows()).unwrap_or(0);
        if good < start + n {
            Some((i, n))
        } else {
            start += n;
            None
        }
    })?;
    let skip = usize::try_from(good - start).ok()?;
    let rest = usize::try_from(group_rows - (good - start)).ok()?;
    let mut selectors = Vec::new();
    if skip > 0 {
        selectors.push(RowSelector::skip(skip));
    }
    selectors.push(RowSelector::select(rest));
    let reader = builder
        .with_row_groups(vec![group])
        .with_row_selection(RowSelection::from(selectors))
        .with_batch_size(1)
        .build()
        .ok()?;
    let mut read = good;
    let mut failed = false;
    for batch in reader {
        match batch {
            Ok(b) => read += b.num_rows() as u64,
            Err(_) => {
                failed = true;
                break;
            }
        }
    }
    if !failed {
        return None;
    }
    // `read` rows decoded; the next, counted within the row group from 0, is the bad one.
    let bad_in_group = read - start;
    if let Some((first, last, column)) = broken_page(path, &meta, group, group_rows)
        && first <= bad_in_group
    {
        return Some(BadRows::Page { first: start + first + 1, last: start + last + 1, column });
    }
    Some(BadRows::Row(read + 1))
}

/// The first page of row group `group` that cannot be read at all, in any column: its first
/// and last row within the group (from 0) and its column. Pages are read without decoding
/// their values, so a page whose header or compression is intact is not reported here.
fn broken_page(
    path: &Path,
    meta: &datafusion::parquet::file::metadata::ParquetMetaData,
    group: usize,
    group_rows: u64,
) -> Option<(u64, u64, String)> {
    use datafusion::parquet::column::page::Page;
    use datafusion::parquet::file::reader::{FileReader, SerializedFileReader};
    let reader = SerializedFileReader::new(std::fs::File::open(path).ok()?).ok()?;
    let rg = reader.get_row_group(group).ok()?;
    let columns = meta.row_group(group).columns();
    let mut found: Option<(u64, u64, String)> = None;
    for (c, column) in columns.iter().enumerate() {
        let name = column.column_path().string();
        // Where the data pages start, by row, from the offset index when there is one.
        let starts: Option<Vec<u64>> = meta
            .offset_index()
            .and_then(|o| o.get(group))
            .and_then(|g| g.get(c))
            .map(|i| i.page_locations().iter().map(|p| u64::try_from(p.first_row_index).unwrap_or(0)).collect());
        let (mut rows, mut page) = (0u64, 0usize);
        let pages = match rg.get_column_page_reader(c) {
            Ok(p) => p,
            Err(_) => {
                found = earlier(found, (0, group_rows.saturating_sub(1), name));
                continue;
            }
        };
        for p in pages {
            match p {
                Ok(Page::DictionaryPage { .. }) => {}
                Ok(p) => {
                    rows += u64::from(match &p {
                        Page::DataPageV2 { num_rows, .. } => *num_rows,
                        other => other.num_values(),
                    });
                    page += 1;
                }
                Err(_) => {
                    let first = starts.as_ref().and_then(|s| s.get(page).copied()).unwrap_or(rows);
                    let last = starts
                        .as_ref()
                        .and_then(|s| s.get(page + 1).copied())
                        .unwrap_or(group_rows)
                        .saturating_sub(1)
                        .max(first);
                    found = earlier(found, (first, last, name));
                    break;
                }
            }
        }
    }
    found
}

fn earlier(a: Option<(u64, u64, String)>, b: (u64, u64, String)) -> Option<(u64, u64, String)> {
    match a {
        Some(a) if a.0 <= b.0 => Some(a),
        _ => Some(b),
    }
}

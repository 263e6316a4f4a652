//! Reading a message log (CSV, JSON lines or Parquet; one file or a directory of
//! them) into the view `input` with the columns the scan expects.
//!
//! The columns are the analyzer's input line (docs/law/conduct.md §7) plus what a batch
//! needs to group by: `id` and `text` are required; `debtor` (whose log it is),
//! `creditor`, `agency` (the collection company), `from`, `to`, `channel`, `time`,
//! `connected`, `duration` and `consent` are optional. Missing optional columns
//! become NULL. Phone numbers and ids are read as text, never as numbers (a
//! leading zero is part of a number).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::datatypes::{DataType, Field, Schema};
use datafusion::prelude::{CsvReadOptions, JsonReadOptions, ParquetReadOptions, SessionContext};

use crate::{BatchError, Result, input_io};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InputFormat {
    Csv,
    Jsonl,
    Parquet,
}

impl InputFormat {
    fn from_extension(ext: &str) -> Option<InputFormat> {
        match ext.to_ascii_lowercase().as_str() {
            "csv" => Some(InputFormat::Csv),
            "jsonl" | "ndjson" | "json" => Some(InputFormat::Jsonl),
            "parquet" | "pq" => Some(InputFormat::Parquet),
            _ => None,
        }
    }
}

/// The optional columns and the type each is read as.
const OPTIONAL: [(&str, DataType); 10] = [
    ("debtor", DataType::Utf8),
    ("creditor", DataType::Utf8),
    ("agency", DataType::Utf8),
    ("from", DataType::Utf8),
    ("to", DataType::Utf8),
    ("channel", DataType::Utf8),
    ("time", DataType::Utf8),
    ("connected", DataType::Boolean),
    ("duration", DataType::Int64),
    ("consent", DataType::Boolean),
];

/// What was found in the input, for the summary.
#[derive(Debug, Clone, serde::Serialize)]
pub struct InputInfo {
    pub path: PathBuf,
    pub format: &'static str,
    pub files: usize,
    pub columns: Vec<String>,
    /// Optional columns that were absent (read as NULL).
    pub missing_optional: Vec<String>,
    /// Rows read (filled in when the scan has counted them).
    pub rows: u64,
    /// SHA-256 of the files read (filled in by the scan, which hashes while it runs).
    pub digest: crate::provenance::InputDigest,
    /// The data files the engine reads, in name order.
    #[serde(skip)]
    pub data_files: Vec<PathBuf>,
}

/// The input as found on disk: its data files and their format.
#[derive(Debug, Clone)]
pub struct Located {
    /// What the user named (a file or a directory).
    pub path: PathBuf,
    /// The data files the engine reads, in name order: the file itself, or the directory's
    /// files with the first file's extension.
    pub files: Vec<PathBuf>,
    pub format: InputFormat,
    /// The data files' extension with its dot (`.csv`), what the engine lists by.
    dotted: String,
}

/// Finds the data files under `path` (itself, or the files of a directory, sorted) and their
/// format, and refuses before the engine sees them what cannot be a log: a path that does not
/// exist, a directory without data files, an empty file (the engine's own messages for these
/// are English and name no file).
pub fn locate(path: &Path, format: Option<InputFormat>) -> Result<Located> {
    let meta = std::fs::metadata(path).map_err(input_io(path))?;
    let all: Vec<PathBuf> = if meta.is_file() {
        vec![path.to_path_buf()]
    } else {
        let mut out: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(input_io(path))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.is_file() && p.extension().and_then(|e| e.to_str()).and_then(InputFormat::from_extension).is_some()
            })
            .collect();
        out.sort();
        out
    };
    let Some(first) = all.first() else {
        return Err(BatchError::NoInput { path: path.to_path_buf() });
    };
    let ext = first.extension().and_then(|e| e.to_str()).unwrap_or("").to_string();
    let format = format
        .or_else(|| InputFormat::from_extension(&ext))
        .ok_or_else(|| BatchError::UnknownFormat { path: path.to_path_buf() })?;
    let dotted = format!(".{ext}");
    let files: Vec<PathBuf> = all.into_iter().filter(|p| p.to_string_lossy().ends_with(&dotted)).collect();
    for f in &files {
        if std::fs::metadata(f).map_err(input_io(f))?.len() == 0 {
            let reason = match format {
                InputFormat::Csv => "文件是空的（0 字节）：CSV 文件至少要有一行表头",
                InputFormat::Jsonl => "文件是空的（0 字节），没有任何记录",
                InputFormat::Parquet => "文件是空的（0 字节），不是 Parquet 文件",
            };
            return Err(BatchError::BadInput { path: f.clone(), place: None, reason: reason.into() });
        }
    }
    Ok(Located { path: path.to_path_buf(), files, format, dotted })
}

/// The header of a CSV file, read with the csv crate's quoting rules.
fn csv_header(path: &Path) -> Result<Vec<String>> {
    let file = std::fs::File::open(path).map_err(input_io(path))?;
    let mut r = csv::ReaderBuilder::new().has_headers(true).from_reader(file);
    let h = r.headers().map_err(|e| BatchError::BadInput {
        path: path.to_path_buf(),
        place: Some(crate::Place::Line(1)),
        reason: format!("表头无法读取：{}", crate::diagnose::csv_reason(&e)),
    })?;
    Ok(h.iter().map(|s| s.trim_start_matches('\u{feff}').to_string()).collect())
}

/// How a column name is matched: trimmed, case-insensitive (`From`, ` TEXT`).
fn canonical(name: &str) -> String {
    name.trim().trim_start_matches('\u{feff}').to_lowercase()
}

/// Registers `path` as the table `input_raw` and the normalised view `input`.
///
/// Without a `debtor` column every row would be one person's log, and counts
/// per day would mix debtors; that is only right for a single debtor's phone,
/// so it must be asked for (`single_debtor`).
pub async fn register(ctx: &SessionContext, located: &Located, single_debtor: bool) -> Result<InputInfo> {
    let (path, all, format, dotted) = (&located.path, &located.files, located.format, &located.dotted);
    let first = &all[0];
    let location = path.to_string_lossy().to_string();
    let mut added = Vec::new();
    match format {
        InputFormat::Csv => {
            // An explicit all-text schema: inference would read phone numbers and ids as
            // integers. Columns are taken by position, so every file must have the same header.
            let header = csv_header(first)?;
            for other in &all[1..] {
                let h = csv_header(other)?;
                if h.iter().map(|x| canonical(x)).ne(header.iter().map(|x| canonical(x))) {
                    return Err(BatchError::BadInput {
                        path: other.clone(),
                        place: Some(crate::Place::Line(1)),
                        reason: format!(
                            "表头与 {} 不同（{} ≠ {}）；同一目录中的 CSV 文件必须有相同的列",
                            first.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default(),
                            h.join(","),
                            header.join(",")
                        ),
                    });
                }
            }
            let fields: Vec<Field> =
                header.iter().map(|name| Field::new(canonical(name), DataType::Utf8, true)).collect();
            let schema = Schema::new(fields);
            let opts =
                CsvReadOptions::new().has_header(true).schema(&schema).file_extension(dotted).newlines_in_values(true);
            ctx.register_csv("input_raw", &location, opts).await?;
        }
        InputFormat::Jsonl => {
            let opts = JsonReadOptions::default().file_extension(dotted).schema_infer_max_records(INFERRED_LINES);
            ctx.register_json("input_raw", &location, opts).await?;
            // A column first seen after the inferred sample would be dropped silently:
            // declare the known ones that inference did not see, with their types. A column
            // that is null in every sampled line is inferred as the null type, whose reader
            // refuses any later value: give it its known type (text when unknown).
            let inferred = ctx.table("input_raw").await?.schema().as_arrow().clone();
            let known = |name: &str| OPTIONAL.iter().find(|(n, _)| canonical(name) == *n).map(|(_, t)| t.clone());
            let mut retyped = false;
            let mut fields: Vec<Field> = inferred
                .fields()
                .iter()
                .map(|f| {
                    if *f.data_type() == DataType::Null {
                        retyped = true;
                        Field::new(f.name(), known(f.name()).unwrap_or(DataType::Utf8), true)
                    } else {
                        f.as_ref().clone()
                    }
                })
                .collect();
            for (name, t) in OPTIONAL.iter() {
                if !fields.iter().any(|f| canonical(f.name()) == *name) {
                    fields.push(Field::new(*name, t.clone(), true));
                    added.push(name.to_string());
                }
            }
            if !added.is_empty() || retyped {
                let schema = Schema::new(fields);
                ctx.deregister_table("input_raw")?;
                let opts = JsonReadOptions::default().file_extension(dotted).schema(&schema);
                ctx.register_json("input_raw", &location, opts).await?;
            }
        }
        InputFormat::Parquet => {
            let opts = ParquetReadOptions::default().file_extension(dotted);
            ctx.register_parquet("input_raw", &location, opts).await?;
        }
    }
    let schema: Arc<Schema> = Arc::new(ctx.table("input_raw").await?.schema().as_arrow().clone());
    let columns: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
    let find = |name: &str| {
        schema.fields().iter().find(|f| canonical(f.name()) == name).map(|f| f.name().replace('"', "\"\""))
    };
    let mut missing: Vec<&str> = ["id", "text"].into_iter().filter(|c| find(c).is_none()).collect();
    let declared_only = |name: &str| added.iter().any(|a| a == name);
    if (find("debtor").is_none() || declared_only("debtor")) && !single_debtor {
        missing.push("debtor（若整份记录属于同一名债务人，加 --single-debtor）");
    }
    if !missing.is_empty() {
        return Err(BatchError::MissingColumn {
            path: first.clone(),
            missing: missing.join("、"),
            found: columns.join(","),
        });
    }
    for name in ["id", "text"].into_iter().chain(OPTIONAL.iter().map(|(n, _)| *n)) {
        let Some(field) = schema.fields().iter().find(|f| canonical(f.name()) == name) else { continue };
        if declared_only(name) || fits(name, field.data_type()) {
            continue;
        }
        return Err(BatchError::BadInput {
            path: path.clone(),
            place: None,
            reason: format!(
                "列 {} 的类型是{}，应为{}",
                field.name(),
                type_zh(field.data_type()),
                match name {
                    "time" => "文本形式的时间、整数时间戳（秒或毫秒）或时间戳类型",
                    "connected" | "consent" => "true/false、1/0 或文本（是/否）",
                    _ => "文本或数字",
                }
            ),
        });
    }

    // A string column stays the string type it was read as: Parquet's strings arrive as views,
    // and casting them to plain strings copied every text once more (a tenth of the scan's time).
    let is_string = |c: &str| {
        schema
            .field_with_name(&c.replace("\"\"", "\""))
            .is_ok_and(|f| matches!(f.data_type(), DataType::Utf8 | DataType::Utf8View | DataType::LargeUtf8))
    };
    let as_text = |c: &str| if is_string(c) { format!("\"{c}\"") } else { format!("CAST(\"{c}\" AS VARCHAR)") };
    let text_of = |c: &str| format!("NULLIF(TRIM({}), '')", as_text(c));
    let mut select = vec![
        format!("{} AS id", text_of(&find("id").unwrap_or_default())),
        format!("{} AS text", as_text(&find("text").unwrap_or_default())),
    ];
    let mut missing_optional = Vec::new();
    for (name, t) in OPTIONAL.iter() {
        let alias = match *name {
            "from" => "sender",
            "to" => "recipient",
            n => n,
        };
        let present = find(name).filter(|_| !added.iter().any(|a| a == name));
        if present.is_none() {
            missing_optional.push(name.to_string());
        }
        let expr = match (find(name), t, *name) {
            (None, _, "debtor") => "''".to_string(),
            (None, DataType::Boolean, _) => "CAST(NULL AS BOOLEAN)".to_string(),
            (None, DataType::Int64, _) => "CAST(NULL AS BIGINT)".to_string(),
            (None, _, _) => "CAST(NULL AS VARCHAR)".to_string(),
            // Time keeps its type: yuqi_time_ms reads strings, epoch numbers and timestamps.
            (Some(c), _, "time") => format!("\"{c}\""),
            (Some(c), _, "debtor") => format!("COALESCE({}, '')", text_of(&c)),
            (Some(c), DataType::Boolean, _) => format!("yuqi_bool(\"{c}\")"),
            (Some(c), DataType::Int64, _) => format!("TRY_CAST(TRIM({}) AS BIGINT)", as_text(&c)),
            (Some(c), _, _) => text_of(&c),
        };
        select.push(format!("{expr} AS {alias}"));
    }
    ctx.sql(&format!("CREATE OR REPLACE VIEW input AS SELECT {} FROM input_raw", select.join(", "))).await?;
    Ok(InputInfo {
        path: path.to_path_buf(),
        format: match format {
            InputFormat::Csv => "csv",
            InputFormat::Jsonl => "jsonl",
            InputFormat::Parquet => "parquet",
        },
        files: all.len(),
        columns,
        missing_optional,
        rows: 0,
        digest: Default::default(),
        data_files: all.clone(),
    })
}

/// How many JSON lines the column types are inferred from.
pub const INFERRED_LINES: usize = 10_000;

/// Whether a column of this type can be read as the known column `name` (what the view
/// `input` and the functions accept): text and numbers for names and ids, and for the time
/// also timestamps; nested values (lists, objects) for none.
fn fits(name: &str, t: &DataType) -> bool {
    let text = matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Null);
    match name {
        "time" => text || t.is_integer() || matches!(t, DataType::Timestamp(..)),
        "connected" | "consent" => text || t.is_integer() || *t == DataType::Boolean,
        _ => {
            text || t.is_integer()
                || t.is_floating()
                || matches!(t, DataType::Boolean | DataType::Decimal128(..) | DataType::Decimal256(..))
        }
    }
}

/// A column type as a user would name it.
pub(crate) fn type_zh(t: &DataType) -> &'static str {
    match t {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => "文本",
        t if t.is_integer() => "整数",
        t if t.is_floating() => "小数",
        DataType::Decimal128(..) | DataType::Decimal256(..) => "小数",
        DataType::Boolean => "布尔值（true/false）",
        DataType::Null => "空值",
        DataType::Timestamp(..) => "时间戳",
        DataType::Date32 | DataType::Date64 => "日期",
        DataType::List(_) | DataType::LargeList(_) | DataType::FixedSizeList(..) | DataType::ListView(_) => {
            "列表（数组）"
        }
        DataType::Struct(_) => "对象（嵌套结构）",
        DataType::Map(..) => "键值映射",
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView | DataType::FixedSizeBinary(_) => "二进制数据",
        _ => "其他类型",
    }
}

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

use crate::{BatchError, Result, io_err};

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

/// The data files under `path` (itself, or the files of a directory, sorted).
fn files(path: &Path) -> Result<Vec<PathBuf>> {
    let meta = std::fs::metadata(path).map_err(io_err(path))?;
    if meta.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut out: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(io_err(path))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file() && p.extension().and_then(|e| e.to_str()).and_then(InputFormat::from_extension).is_some()
        })
        .collect();
    out.sort();
    if out.is_empty() {
        return Err(BatchError::NoInput { path: path.to_path_buf() });
    }
    Ok(out)
}

/// The header of a CSV file, read with the csv crate's quoting rules.
fn csv_header(path: &Path) -> Result<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(path)
        .map_err(|e| BatchError::Invalid(format!("{}：{e}", path.display())))?;
    let h = r.headers().map_err(|e| BatchError::Invalid(format!("{}：第 1 行（表头）{e}", path.display())))?;
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
pub async fn register(
    ctx: &SessionContext,
    path: &Path,
    format: Option<InputFormat>,
    single_debtor: bool,
) -> Result<InputInfo> {
    let all = files(path)?;
    let first = &all[0];
    let ext = first.extension().and_then(|e| e.to_str()).unwrap_or("").to_string();
    let format = format
        .or_else(|| InputFormat::from_extension(&ext))
        .ok_or_else(|| BatchError::UnknownFormat { path: path.to_path_buf() })?;
    let dotted = format!(".{ext}");
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
                    return Err(BatchError::Invalid(format!(
                        "{}：表头与 {} 不同（{} ≠ {}）；同一目录中的 CSV 文件必须有相同的列",
                        other.display(),
                        first.display(),
                        h.join(","),
                        header.join(",")
                    )));
                }
            }
            let fields: Vec<Field> =
                header.iter().map(|name| Field::new(canonical(name), DataType::Utf8, true)).collect();
            let schema = Schema::new(fields);
            let opts =
                CsvReadOptions::new().has_header(true).schema(&schema).file_extension(&dotted).newlines_in_values(true);
            ctx.register_csv("input_raw", &location, opts).await?;
        }
        InputFormat::Jsonl => {
            let opts = JsonReadOptions::default().file_extension(&dotted).schema_infer_max_records(10_000);
            ctx.register_json("input_raw", &location, opts).await?;
            // A column first seen after the inferred sample would be dropped silently:
            // declare the known ones that inference did not see, with their types.
            let inferred = ctx.table("input_raw").await?.schema().as_arrow().clone();
            let mut fields: Vec<Field> = inferred.fields().iter().map(|f| f.as_ref().clone()).collect();
            for (name, t) in OPTIONAL.iter() {
                if !fields.iter().any(|f| canonical(f.name()) == *name) {
                    fields.push(Field::new(*name, t.clone(), true));
                    added.push(name.to_string());
                }
            }
            if !added.is_empty() {
                let schema = Schema::new(fields);
                ctx.deregister_table("input_raw")?;
                let opts = JsonReadOptions::default().file_extension(&dotted).schema(&schema);
                ctx.register_json("input_raw", &location, opts).await?;
            }
        }
        InputFormat::Parquet => {
            let opts = ParquetReadOptions::default().file_extension(&dotted);
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
        // What the engine lists: the files with the first file's extension.
        data_files: all.iter().filter(|p| p.to_string_lossy().ends_with(&dotted)).cloned().collect(),
    })
}

//! Reading a message log (CSV, JSON lines or Parquet; one file or a directory of
//! them) into the view `input` with the columns the scan expects.
//!
//! The columns are the analyzer's input line (conduct-codes.md) plus what a batch
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

/// Registers `path` as the table `input_raw` and the normalised view `input`.
pub async fn register(ctx: &SessionContext, path: &Path, format: Option<InputFormat>) -> Result<InputInfo> {
    let all = files(path)?;
    let first = &all[0];
    let ext = first.extension().and_then(|e| e.to_str()).unwrap_or("").to_string();
    let format = format
        .or_else(|| InputFormat::from_extension(&ext))
        .ok_or_else(|| BatchError::UnknownFormat { path: path.to_path_buf() })?;
    let dotted = format!(".{ext}");
    let location = path.to_string_lossy().to_string();
    match format {
        InputFormat::Csv => {
            // An explicit schema: inference would read phone numbers and ids as integers.
            let header = csv_header(first)?;
            let fields: Vec<Field> = header
                .iter()
                .map(|name| {
                    let t = OPTIONAL.iter().find(|(n, _)| n == name).map_or(DataType::Utf8, |(_, t)| t.clone());
                    Field::new(name, t, true)
                })
                .collect();
            let schema = Schema::new(fields);
            let opts =
                CsvReadOptions::new().has_header(true).schema(&schema).file_extension(&dotted).newlines_in_values(true);
            ctx.register_csv("input_raw", &location, opts).await?;
        }
        InputFormat::Jsonl => {
            let opts = JsonReadOptions::default().file_extension(&dotted).schema_infer_max_records(10_000);
            ctx.register_json("input_raw", &location, opts).await?;
        }
        InputFormat::Parquet => {
            let opts = ParquetReadOptions::default().file_extension(&dotted);
            ctx.register_parquet("input_raw", &location, opts).await?;
        }
    }
    let schema: Arc<Schema> = Arc::new(ctx.table("input_raw").await?.schema().as_arrow().clone());
    let columns: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
    let missing: Vec<&str> = ["id", "text"].into_iter().filter(|c| !columns.iter().any(|x| x == c)).collect();
    if !missing.is_empty() {
        return Err(BatchError::MissingColumn {
            path: first.clone(),
            missing: missing.join("、"),
            found: columns.join(","),
        });
    }

    let mut select = vec!["CAST(\"id\" AS VARCHAR) AS id".to_string(), "CAST(\"text\" AS VARCHAR) AS text".to_string()];
    let mut missing_optional = Vec::new();
    for (name, t) in OPTIONAL.iter() {
        let alias = match *name {
            "from" => "sender",
            "to" => "recipient",
            n => n,
        };
        let sql_type = match t {
            DataType::Boolean => "BOOLEAN",
            DataType::Int64 => "BIGINT",
            _ => "VARCHAR",
        };
        match schema.field_with_name(name) {
            // Time keeps its type: yuqi_time_ms reads strings, epoch milliseconds and timestamps.
            Ok(_) if *name == "time" => select.push("\"time\" AS time".to_string()),
            Ok(_) => select.push(format!("CAST(\"{name}\" AS {sql_type}) AS {alias}")),
            Err(_) => {
                missing_optional.push(name.to_string());
                select.push(format!("CAST(NULL AS {sql_type}) AS {alias}"));
            }
        }
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
    })
}

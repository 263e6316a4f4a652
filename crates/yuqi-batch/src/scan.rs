//! The batch scan: every message's codes and spans, then the aggregate report.
//!
//! Stages, each timed for the summary:
//! 1. **messages**: read the input, run the text analyzer per row, the log-level
//!    windows per debtor, write `messages/` (Parquet, one row per input row);
//! 2. **aggregate**: group the written rows by creditor, agency and sender number;
//! 3. **report**: write `report.parquet`, `report.html`, `report.md`, the charts
//!    and `summary.json`.
//!
//! The same plan runs on a local `SessionContext` and on a Ballista one: the
//! caller chooses the context ([`crate::cluster::context`]). Output is written to
//! `OUTPUT.part` and renamed when complete, so a failed run never leaves a
//! half-written report where a complete one is expected.

use std::path::{Path, PathBuf};
use std::time::Instant;

use datafusion::dataframe::DataFrameWriteOptions;
use datafusion::prelude::{ParquetReadOptions, SessionContext};
use serde::Serialize;

use crate::input::{InputFormat, InputInfo};
use crate::report::{self, Report};
use crate::{BatchError, Result, io_err};

/// Per-message codes, spans and log-level windows (see the module docs).
///
/// Night contact and daily frequency are SQL windows over yuqi functions; the
/// partition keys reproduce yuqi-conduct's log analysis exactly: frequency
/// counts per debtor, creditor (or sender) and China-local day, connected calls
/// apart from unanswered attempts, attempts per called number; ties in time are
/// broken by id.
pub const MESSAGES_SQL: &str = r#"
WITH base AS (
  SELECT id, debtor, creditor, agency, sender, recipient, channel, text, consent,
         yuqi_time_ms(time) AS ms,
         yuqi_contact_kind(sender, channel, connected, duration) AS kind
  FROM input
),
dated AS (
  SELECT *,
         yuqi_local_day(ms) AS day,
         COALESCE(creditor, sender, '') AS frequency_key,
         CASE WHEN kind = 'attempt' THEN COALESCE(recipient, 'self') ELSE '' END AS frequency_target
  FROM base
),
windowed AS (
  SELECT *,
         ROW_NUMBER() OVER (PARTITION BY debtor, frequency_key, frequency_target, day, kind ORDER BY ms, id) AS nth_of_day,
         yuqi_sequence_hits(ms, sender, recipient, creditor, channel, text)
           OVER (PARTITION BY debtor ORDER BY ms, id) AS sequence_hits
  FROM dated
),
ruled AS (
  SELECT *,
         CASE WHEN ms IS NOT NULL AND kind <> 'self' AND consent IS NOT TRUE
              THEN yuqi_night_rule(ms) END AS night_rule,
         CASE WHEN ms IS NULL THEN NULL
              WHEN kind = 'connected_call' AND nth_of_day > yuqi_limit('connected', ms)
                THEN 'frequent_contact.connected_calls'
              WHEN kind = 'attempt' AND nth_of_day > yuqi_limit('attempts', ms)
                THEN 'frequent_contact.attempts' END AS frequency_rule
  FROM windowed
),
hit AS (
  SELECT id, debtor, creditor, agency, sender, recipient, channel, kind, ms AS time_ms, day,
         array_concat(yuqi_text_hits(text, sender, recipient),
                      yuqi_log_hits(text, night_rule, frequency_rule, sequence_hits)) AS hits
  FROM ruled
)
SELECT id, debtor, creditor, agency, sender, recipient, channel, kind, time_ms, day, hits, yuqi_codes(hits) AS codes
FROM hit
"#;

#[derive(Debug, Clone)]
pub struct ScanOptions {
    pub input: PathBuf,
    pub format: Option<InputFormat>,
    pub output: PathBuf,
    pub overwrite: bool,
    /// Where the run happened, for the report (`DataFusion（本机）` or the cluster URL).
    pub engine: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Stage {
    pub name: &'static str,
    pub seconds: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScanSummary {
    pub engine: String,
    pub input: InputInfo,
    pub output: PathBuf,
    pub rows: u64,
    /// Rows from collectors (the debtor's own messages are left out of the rates).
    pub contacts: u64,
    pub flagged: u64,
    /// Rows whose time could not be read: analysed for text, left out of the log-level codes.
    pub unreadable_time: u64,
    pub stages: Vec<Stage>,
    pub messages_per_second: f64,
}

fn prepare_output(out: &Path, overwrite: bool) -> Result<PathBuf> {
    if out.exists() && !overwrite && std::fs::read_dir(out).map(|mut d| d.next().is_some()).unwrap_or(true) {
        return Err(BatchError::OutputExists(out.to_path_buf()));
    }
    let mut part = out.as_os_str().to_owned();
    part.push(".part");
    let part = PathBuf::from(part);
    if part.exists() {
        std::fs::remove_dir_all(&part).map_err(io_err(&part))?;
    }
    std::fs::create_dir_all(&part).map_err(io_err(&part))?;
    // Engines on other processes (Ballista executors) need absolute paths.
    std::fs::canonicalize(&part).map_err(io_err(&part))
}

fn finish_output(part: &Path, out: &Path) -> Result<()> {
    if out.exists() {
        std::fs::remove_dir_all(out).map_err(io_err(out))?;
    }
    std::fs::rename(part, out).map_err(io_err(out))
}

/// Runs the whole scan on `ctx`, which must have yuqi's functions registered.
pub async fn scan(ctx: &SessionContext, opts: &ScanOptions) -> Result<(ScanSummary, Report)> {
    let started = Instant::now();
    let mut stages = Vec::new();
    let input = std::fs::canonicalize(&opts.input).map_err(io_err(&opts.input))?;
    let part = prepare_output(&opts.output, opts.overwrite)?;
    let result = run(ctx, opts, &input, &part, &mut stages).await;
    let (mut summary, report) = match result {
        Ok(r) => r,
        Err(e) => {
            // Leave nothing that looks like output.
            let _ = std::fs::remove_dir_all(&part);
            return Err(e);
        }
    };
    let t = Instant::now();
    finish_output(&part, &opts.output)?;
    stages.push(Stage { name: "finish", seconds: t.elapsed().as_secs_f64() });
    let total = started.elapsed().as_secs_f64();
    summary.stages = stages;
    summary.stages.push(Stage { name: "total", seconds: total });
    summary.messages_per_second = if total > 0.0 { summary.rows as f64 / total } else { 0.0 };
    summary.output = opts.output.clone();
    // summary.json is written last, into the final directory, with the full timings.
    let path = opts.output.join("summary.json");
    let json = serde_json::to_vec_pretty(&summary).map_err(|e| BatchError::Invalid(e.to_string()))?;
    std::fs::write(&path, json).map_err(io_err(&path))?;
    Ok((summary, report))
}

async fn run(
    ctx: &SessionContext,
    opts: &ScanOptions,
    input: &Path,
    part: &Path,
    stages: &mut Vec<Stage>,
) -> Result<(ScanSummary, Report)> {
    let t = Instant::now();
    let info = crate::input::register(ctx, input, opts.format).await?;
    let messages_dir = part.join("messages");
    let df = ctx.sql(MESSAGES_SQL).await?;
    df.write_parquet(&format!("{}/", messages_dir.display()), DataFrameWriteOptions::new(), None).await?;
    stages.push(Stage { name: "messages", seconds: t.elapsed().as_secs_f64() });

    let t = Instant::now();
    ctx.register_parquet("results", messages_dir.to_string_lossy().as_ref(), ParquetReadOptions::default()).await?;
    let counts = report::counts(ctx).await?;
    let rows = report::aggregate(ctx).await?;
    stages.push(Stage { name: "aggregate", seconds: t.elapsed().as_secs_f64() });

    let t = Instant::now();
    let report = Report { engine: opts.engine.clone(), counts: counts.clone(), rows };
    report::write(&report, part)?;
    stages.push(Stage { name: "report", seconds: t.elapsed().as_secs_f64() });

    Ok((
        ScanSummary {
            engine: opts.engine.clone(),
            input: info,
            output: opts.output.clone(),
            rows: counts.rows,
            contacts: counts.contacts,
            flagged: counts.flagged,
            unreadable_time: counts.unreadable_time,
            stages: Vec::new(),
            messages_per_second: 0.0,
        },
        report,
    ))
}

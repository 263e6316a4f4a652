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
use crate::{BatchError, Result, input_io, io_err};

/// Per-message codes, spans and log-level rules (see the module docs).
///
/// One pass in two steps. Each row's text is analysed first (hits, the court-notice hold and
/// a mask of its codes, from one analysis), so that what is sorted and buffered afterwards is
/// small: hits, the length, and only the debtor's own texts. Then one window,
/// `yuqi_log_rules OVER (PARTITION BY debtor ORDER BY ms, id)`, judges every log-level rule
/// (night, daily frequency, number rotation, stop requests) as a stream over the rows sorted
/// once; it reproduces yuqi-conduct's log analysis exactly, because it *is* that analysis
/// fed one contact at a time. Ties in time are broken by id (a batch has no single input
/// order: files and partitions are read in parallel), so a log's order is (time, id)
/// everywhere in the batch. Codes come from the masks; the hits list is read back once, to
/// merge in the log rules' whole-message hits. A second window over the same order,
/// `yuqi_report_marks`, marks the row where the report meets each debtor first under a
/// creditor, agency or sender number (and each day's first frequency breach), so the report's
/// aggregation is plain sums (`report::aggregate`); it needs no sort of its own.
pub const MESSAGES_SQL: &str = r#"
WITH typed AS (
  SELECT *, yuqi_contact_kind(sender, channel, connected, duration) AS kind FROM input
),
analysed AS (
  SELECT id, debtor, creditor, agency, sender, recipient, channel, consent, kind,
         yuqi_time_ms(time) AS ms,
         yuqi_text_analysis(text, sender, recipient) AS text_analysis,
         COALESCE(character_length(text), 0) AS text_len,
         CASE WHEN kind = 'self' THEN text END AS own_text
  FROM typed
),
base AS (
  SELECT id, debtor, creditor, agency, sender, recipient, channel, consent, kind, ms, yuqi_local_day(ms) AS day,
         text_len, own_text,
         get_field(text_analysis, 'hits') AS text_hits,
         get_field(text_analysis, 'codes') AS text_codes,
         get_field(text_analysis, 'needs_confirmation') AS held_for_confirmation
  FROM analysed
),
judged AS (
  SELECT id, debtor, creditor, agency, sender, recipient, channel, kind, ms, day, text_len, text_hits, text_codes,
         held_for_confirmation,
         yuqi_log_rules(ms, kind, sender, recipient, creditor, consent, own_text)
           OVER (PARTITION BY debtor ORDER BY ms, id) AS log_rules
  FROM base
),
marked AS (
  SELECT *,
         yuqi_report_marks(kind, creditor, agency, sender, day, text_codes, log_rules)
           OVER (PARTITION BY debtor ORDER BY ms, id) AS report_marks
  FROM judged
)
SELECT id, debtor, creditor, agency, sender, recipient, channel, kind, text_len AS text_chars,
       ms AS time_ms, day,
       yuqi_message_hits(text_hits, log_rules, text_len) AS hits,
       yuqi_codes(text_codes, log_rules) AS codes, yuqi_codes_in_force(text_codes, log_rules) AS codes_in_force,
       yuqi_before_standard(log_rules) AS before_standard, held_for_confirmation, report_marks
FROM marked
"#;

#[derive(Debug, Clone)]
pub struct ScanOptions {
    pub input: PathBuf,
    pub format: Option<InputFormat>,
    pub output: PathBuf,
    pub overwrite: bool,
    /// The input has no `debtor` column because it is one debtor's log.
    pub single_debtor: bool,
    /// Where the run happened, for the report (`DataFusion（本机）` or the cluster URL).
    pub engine: String,
}

impl ScanOptions {
    /// A scan of `input` into a new `output` directory, the format told by the file names, a
    /// `debtor` column expected.
    pub fn new(input: impl Into<PathBuf>, output: impl Into<PathBuf>, engine: impl Into<String>) -> ScanOptions {
        ScanOptions {
            input: input.into(),
            format: None,
            output: output.into(),
            overwrite: false,
            single_debtor: false,
            engine: engine.into(),
        }
    }
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
    /// Collectors' messages the analyzer held back as possible genuine court notices
    /// (court-related codes withheld until confirmed with the court, 12368): not in `flagged`.
    pub held_for_confirmation: u64,
    /// The analyzer that judged every message, with its held-out figures.
    pub analyzer: crate::provenance::AnalyzerInfo,
    /// The program that ran the scan: version and the linker's build ID.
    pub build: crate::build_id::BuildInfo,
    pub stages: Vec<Stage>,
    pub messages_per_second: f64,
    /// This process's engine memory: its budget (`--memory-limit`; none when unbounded),
    /// the most its operators held reserved at once and the most data they had spilled
    /// to disk at once (sampled every 5 ms). On a cluster the executors' engines do
    /// the work and these describe only the client.
    pub memory: MemoryUse,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct MemoryUse {
    pub limit_bytes: Option<u64>,
    pub peak_reserved_bytes: u64,
    pub peak_spilled_bytes: u64,
}

/// Samples the session's memory pool and spill files until [`MemorySampler::finish`].
///
/// On its own thread, every 5 ms: as a task of the engine's runtime it waited behind the
/// engine's own tasks while both workers were busy, and a small scan's spill files could come
/// and go between two samples (a test saw "nothing spilled" one run in three).
struct MemorySampler {
    peak: std::sync::Arc<[std::sync::atomic::AtomicU64; 2]>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
    limit_bytes: Option<u64>,
}

impl MemorySampler {
    fn start(ctx: &SessionContext) -> MemorySampler {
        use std::sync::atomic::Ordering::Relaxed;
        let runtime = ctx.runtime_env();
        let limit_bytes = match runtime.memory_pool.memory_limit() {
            datafusion::execution::memory_pool::MemoryLimit::Finite(n) => Some(n as u64),
            _ => None,
        };
        let peak = std::sync::Arc::new([std::sync::atomic::AtomicU64::new(0), std::sync::atomic::AtomicU64::new(0)]);
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (p, halt) = (peak.clone(), stop.clone());
        // Weak: the disk manager owns the spill directory, which must go when the session
        // does, not when this sampler happens to stop.
        let (pool, disk) =
            (std::sync::Arc::downgrade(&runtime.memory_pool), std::sync::Arc::downgrade(&runtime.disk_manager));
        drop(runtime);
        let thread = std::thread::Builder::new()
            .name("yuqi-memory-sampler".into())
            .spawn(move || {
                while !halt.load(Relaxed) {
                    let (Some(pool), Some(disk)) = (pool.upgrade(), disk.upgrade()) else { break };
                    p[0].fetch_max(pool.reserved() as u64, Relaxed);
                    p[1].fetch_max(disk.spilling_progress().current_bytes, Relaxed);
                    drop((pool, disk));
                    std::thread::sleep(std::time::Duration::from_millis(5));
                }
            })
            .ok();
        MemorySampler { peak, stop, thread, limit_bytes }
    }

    fn finish(mut self) -> MemoryUse {
        use std::sync::atomic::Ordering::Relaxed;
        self.stop.store(true, Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        MemoryUse {
            limit_bytes: self.limit_bytes,
            peak_reserved_bytes: self.peak[0].load(Relaxed),
            peak_spilled_bytes: self.peak[1].load(Relaxed),
        }
    }
}

impl Drop for MemorySampler {
    // A scan dropped before it finished (cancelled) stops its sampler too.
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Where a local run with a memory budget spills: `OUTPUT.spill`, beside the output on
/// the disk the user chose for it (the OS temporary directory may be small, or in memory).
/// The caller removes it after the run.
pub fn spill_dir(output: &Path) -> Result<PathBuf> {
    let (out, _) = output_paths(output)?;
    let name = out.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    Ok(out.with_file_name(format!("{name}.spill")))
}

/// The output directory without a trailing separator, and its `.part` sibling. Refuses an
/// output whose path passes through a regular file, naming that file, before anything is
/// created beside it (the spill directory, `.part`).
fn output_paths(out: &Path) -> Result<(PathBuf, PathBuf)> {
    let out: PathBuf = out.components().collect();
    let name = out
        .file_name()
        .ok_or_else(|| BatchError::Invalid(format!("输出目录 {} 不是一个目录名", out.display())))?
        .to_string_lossy()
        .to_string();
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty())
        && let Some(file) = parent.ancestors().find(|a| a.exists()).filter(|a| !a.is_dir())
    {
        return Err(BatchError::OutputUnderFile { parent: parent.to_path_buf(), file: file.to_path_buf() });
    }
    let part = out.with_file_name(format!("{name}.part"));
    Ok((out, part))
}

fn prepare_output(out: &Path, part: &Path, overwrite: bool) -> Result<PathBuf> {
    if out.exists() && !overwrite && std::fs::read_dir(out).map(|mut d| d.next().is_some()).unwrap_or(true) {
        return Err(BatchError::OutputExists(out.to_path_buf()));
    }
    if part.exists() {
        std::fs::remove_dir_all(part).map_err(io_err(part))?;
    }
    std::fs::create_dir_all(part).map_err(io_err(part))?;
    // Engines on other processes (Ballista executors) need absolute paths.
    std::fs::canonicalize(part).map_err(io_err(part))
}

/// Puts the complete `part` in place of `out`; an older output is moved aside
/// first and removed only after the new one is in place.
fn finish_output(part: &Path, out: &Path) -> Result<()> {
    let old = out.with_file_name(format!("{}.old", out.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()));
    let had_old = out.exists();
    if had_old {
        if old.exists() {
            std::fs::remove_dir_all(&old).map_err(io_err(&old))?;
        }
        std::fs::rename(out, &old).map_err(io_err(out))?;
    }
    std::fs::rename(part, out).map_err(io_err(out))?;
    if had_old {
        std::fs::remove_dir_all(&old).map_err(io_err(&old))?;
    }
    Ok(())
}

/// Runs the whole scan on `ctx`, which must have yuqi's functions registered.
pub async fn scan(ctx: &SessionContext, opts: &ScanOptions) -> Result<(ScanSummary, Report)> {
    scan_with(ctx, opts, |_| {}).await
}

/// [`scan`], calling `located` with the input's files once they are found and before the
/// engine reads them: the binary's hint about a cluster's uneven split needs the same files,
/// and finding them again would list the directory a second time.
pub async fn scan_with(
    ctx: &SessionContext,
    opts: &ScanOptions,
    located: impl FnOnce(&crate::input::Located),
) -> Result<(ScanSummary, Report)> {
    let started = Instant::now();
    let mut stages = Vec::new();
    let input = std::fs::canonicalize(&opts.input).map_err(input_io(&opts.input))?;
    let (out, part) = output_paths(&opts.output)?;
    let part = prepare_output(&out, &part, opts.overwrite)?;
    let sampler = MemorySampler::start(ctx);
    let result = async {
        let ran = run(ctx, opts, &input, &part, &mut stages, started, located).await;
        let memory = sampler.finish();
        let (mut summary, report) = ran?;
        summary.memory = memory;
        let total = started.elapsed().as_secs_f64();
        summary.stages = stages;
        summary.stages.push(Stage { name: "total", seconds: total });
        summary.messages_per_second = if total > 0.0 { summary.rows as f64 / total } else { 0.0 };
        summary.output = out.clone();
        let path = part.join("summary.json");
        let json = serde_json::to_vec_pretty(&summary).map_err(|e| BatchError::Invalid(e.to_string()))?;
        std::fs::write(&path, json).map_err(io_err(&path))?;
        finish_output(&part, &out)?;
        Ok((summary, report))
    }
    .await;
    if result.is_err() {
        // Leave nothing that looks like output.
        let _ = std::fs::remove_dir_all(&part);
    }
    result
}

async fn run(
    ctx: &SessionContext,
    opts: &ScanOptions,
    input: &Path,
    part: &Path,
    stages: &mut Vec<Stage>,
    started: Instant,
    on_located: impl FnOnce(&crate::input::Located),
) -> Result<(ScanSummary, Report)> {
    let t = Instant::now();
    // The executable is hashed on a blocking thread while the engine works (once per process).
    let build = tokio::task::spawn_blocking(crate::build_id::build);
    let located = crate::input::locate(input, opts.format)?;
    on_located(&located);
    // The input's SHA-256, read on a blocking thread while the engine scans the same files
    // (the page cache serves the second reader).
    let (files, single) = (located.files.clone(), input.is_file());
    let digest = tokio::task::spawn_blocking(move || crate::provenance::digest(&files, single));
    let messages_dir = part.join("messages");
    let mut info = match read_and_judge(ctx, opts, &located, &messages_dir).await {
        Ok(info) => info,
        Err(e) if crate::diagnose::worth_diagnosing(&e) => {
            // The engine's reader failed with a message that names neither file nor line: find
            // the first record that cannot be read, reading the input again the plain way.
            let schema = match ctx.table("input_raw").await {
                Ok(t) => Some(t.schema().as_arrow().clone()),
                Err(_) => None,
            };
            let l = located.clone();
            let found = tokio::task::spawn_blocking(move || crate::diagnose::first_bad_record(&l, schema.as_ref()))
                .await
                .ok()
                .flatten();
            return Err(found.unwrap_or(e));
        }
        Err(e) => return Err(e),
    };
    stages.push(Stage { name: "messages", seconds: t.elapsed().as_secs_f64() });

    let t = Instant::now();
    ctx.register_parquet("results", messages_dir.to_string_lossy().as_ref(), ParquetReadOptions::default()).await?;
    let counts = report::counts(ctx).await?;
    info.rows = counts.rows;
    info.digest = digest.await.map_err(|e| BatchError::Invalid(format!("计算输入文件的 SHA-256 失败：{e}")))??;
    // Like the input's digest, the executable's is waited for here, so that the report stage is
    // the report's own time (in a debug build the hash takes longer than a small scan). Both
    // are in report.parquet's metadata, which its writer needs before the first row.
    let build = build.await.map_err(|e| BatchError::Invalid(format!("读取程序文件时内部出错（{e}）")))?;
    let analyzer = crate::provenance::analyzer();
    let mut report = Report {
        engine: opts.engine.clone(),
        input: info.clone(),
        analyzer: analyzer.clone(),
        build: build.clone(),
        wall_seconds: 0.0,
        counts: counts.clone(),
        groups: report::Groups::default(),
    };
    let mut file = report::ReportFile::create(part, report::metadata(&report)?)?;
    report.groups = report::aggregate(ctx, &mut file).await?;
    file.close()?;
    stages.push(Stage { name: "aggregate", seconds: t.elapsed().as_secs_f64() });

    let t = Instant::now();
    // Reading, judging and aggregating: all but rendering the report itself (milliseconds).
    report.wall_seconds = started.elapsed().as_secs_f64();
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
            held_for_confirmation: counts.held_for_confirmation,
            analyzer,
            build,
            stages: Vec::new(),
            messages_per_second: 0.0,
            memory: MemoryUse::default(),
        },
        report,
    ))
}

/// Registers the input and writes every message's judgement into `messages_dir`.
async fn read_and_judge(
    ctx: &SessionContext,
    opts: &ScanOptions,
    located: &crate::input::Located,
    messages_dir: &Path,
) -> Result<InputInfo> {
    let info = crate::input::register(ctx, located, opts.single_debtor).await?;
    let df = ctx.sql(MESSAGES_SQL).await?;
    let schema = df.schema().as_arrow().clone();
    // Each partition writes its own files, in the task that judged it (crate::sink).
    df.write_parquet(&format!("{}/", messages_dir.display()), DataFrameWriteOptions::new(), None).await?;
    // An input with a header and no records is a valid, empty log: the engine then writes no
    // file at all, and the report's queries need a table to read. One empty file with the
    // messages' columns makes the empty report.
    let written = std::fs::read_dir(messages_dir).map(|d| d.count()).unwrap_or(0);
    if written == 0 {
        std::fs::create_dir_all(messages_dir).map_err(io_err(messages_dir))?;
        let path = messages_dir.join("empty.parquet");
        let file = std::fs::File::create(&path).map_err(io_err(&path))?;
        datafusion::parquet::arrow::ArrowWriter::try_new(file, std::sync::Arc::new(schema), None)?.close()?;
    }
    Ok(info)
}

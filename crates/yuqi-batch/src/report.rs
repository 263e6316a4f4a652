//! The aggregate report: per creditor, collection agency and sender number, how
//! many messages carried each code, per 1,000 messages (night contact among them);
//! and on how many (debtor, day) pairs the daily frequency limit was broken.
//!
//! Written as `report.parquet` (every group, for further analysis), and as
//! `report.html` / `report.md` for people: totals, charts, the worst groups, the
//! parameters applied with their sources, and what the numbers do not show.
//!
//! Counts are exact integers from SQL; rates are computed here from them as
//! `count × 1000 / messages` in binary floating point, and printed with one decimal.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Float64Array, Int64Array, RecordBatch, StringArray};
use arrow::datatypes::{DataType, Field, Int64Type, Schema, SchemaRef};
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::prelude::SessionContext;
use futures::StreamExt;
use serde::Serialize;
use yuqi_conduct::Code;

use crate::functions::{FIRST_BREACH_OF_DAY, FIRST_CONTACT, FIRST_ROW, code_bit};
use crate::{BatchError, Result, io_err};

/// The codes a message log can show (text level and log level; case-level codes
/// need a ledger and are not part of a batch).
pub fn report_codes() -> Vec<Code> {
    Code::ALL
        .into_iter()
        .filter(|c| !matches!(c, Code::WrongAmount | Code::UnnotifiedAssignment | Code::TimeBarredThreat))
        .collect()
}

/// The dimensions a report groups by, with their Chinese names.
pub const DIMENSIONS: [(&str, &str, &str); 3] =
    [("creditor", "creditor", "债权人/平台"), ("agency", "agency", "催收机构"), ("sender", "sender", "发送号码")];

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Counts {
    pub rows: u64,
    /// First and last China-local day of the contacts with a readable time.
    pub first_day: Option<String>,
    pub last_day: Option<String>,
    /// Rows with no debtor (counted as one unnamed debtor).
    pub no_debtor: u64,
    /// Contacts with a night or frequency hit on a day before that standard took
    /// effect: shown apart, not in the rates.
    pub before_standard: u64,
    /// Rows from collectors, not the debtor's own messages.
    pub contacts: u64,
    pub flagged: u64,
    /// Contacts with text (messages, chats, transcribed calls): the only ones the text rules
    /// can flag. Calls without text are in every rate's denominator all the same.
    pub texted: u64,
    /// Of `texted`, those flagged (by any rule, text or log).
    pub flagged_texted: u64,
    /// Calls (connected or not) without text: only the log rules (night, frequency,
    /// rotation, stop requests) can flag them.
    pub calls_without_text: u64,
    /// Contacts held back as possible genuine court notices (to be confirmed with the
    /// court): no court-related code, so not in `flagged`; counted apart.
    pub held_for_confirmation: u64,
    pub unreadable_time: u64,
    pub debtors: u64,
    /// Messages carrying each code, in [`report_codes`] order.
    pub by_code: Vec<(String, u64)>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ReportRow {
    pub dimension: String,
    pub key: String,
    pub messages: i64,
    pub debtors: i64,
    pub flagged: i64,
    /// Messages held back as possible genuine court notices (see [`Counts`]).
    pub held_for_confirmation: i64,
    /// Messages with text, and of them those flagged (see [`Counts::texted`]).
    pub texted: i64,
    pub flagged_texted: i64,
    /// Messages carrying each code, in [`report_codes`] order.
    pub codes: Vec<i64>,
    /// (debtor, day) pairs with at least one frequent-contact breach.
    pub frequency_breach_days: i64,
}

/// `count` per 1,000 of `of` (0 when `of` is 0): every rate in the report.
pub(crate) fn per_1000(count: i64, of: i64) -> f64 {
    if of == 0 { 0.0 } else { count as f64 * 1000.0 / of as f64 }
}

impl ReportRow {
    pub fn per_1000(&self, count: i64) -> f64 {
        per_1000(count, self.messages)
    }

    /// Flagged messages per 1,000 messages with text (0 when the group has none).
    pub fn flagged_per_1000_texted(&self) -> f64 {
        per_1000(self.flagged_texted, self.texted)
    }

    /// Messages with `code`, per 1,000 messages.
    pub fn code_per_1000(&self, code: Code) -> f64 {
        let i = report_codes().iter().position(|c| *c == code);
        i.map_or(0.0, |i| self.per_1000(self.codes[i]))
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub engine: String,
    pub input: crate::input::InputInfo,
    pub analyzer: crate::provenance::AnalyzerInfo,
    /// The program that made the report.
    pub build: crate::build_id::BuildInfo,
    /// Seconds from the start of the scan to the report (reading, judging, aggregating).
    pub wall_seconds: f64,
    pub counts: Counts,
    /// What the rendered report shows of the groups; every group is in `report.parquet`.
    pub groups: Groups,
}

impl Report {
    /// The (debtor, day) pairs with a frequency breach, summed over the groups of one
    /// dimension. Over creditors this is the total (frequency is counted per creditor); a
    /// pair is counted once under each sender and each agency that made a breaching contact
    /// that day, so those sums can be larger.
    pub fn breach_days(&self, dimension: &str) -> i64 {
        self.groups.get(dimension).map_or(0, |d| d.breach_days)
    }
}

/// Groups smaller than this are not ranked by rate (a rate over three messages says little);
/// they are all in report.parquet.
pub const MIN_RANKED_MESSAGES: i64 = 100;
/// How many groups each table and chart of the rendered report lists.
pub const TOP: usize = 20;

/// One dimension's groups in brief: their totals and the few the rendered report lists.
/// Built row by row while the rows stream into report.parquet, so that a report with
/// millions of groups (one per sender number) holds only these in memory.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct DimensionSummary {
    pub dimension: String,
    pub groups: u64,
    /// Groups with at least [`MIN_RANKED_MESSAGES`] messages, and their messages.
    pub ranked: u64,
    pub ranked_messages: i64,
    pub messages: i64,
    pub breach_days: i64,
    /// The ranked groups with the highest flagged rate, worst first, at most [`TOP`].
    pub worst: Vec<ReportRow>,
    /// The groups with the most flagged messages, whatever their size, at most [`TOP`].
    pub most_flagged: Vec<ReportRow>,
}

/// Worst flagged rate first; ties by size, then name, so the order is the same every run.
fn by_rate(a: &ReportRow, b: &ReportRow) -> std::cmp::Ordering {
    b.per_1000(b.flagged).total_cmp(&a.per_1000(a.flagged)).then(b.messages.cmp(&a.messages)).then(a.key.cmp(&b.key))
}

fn by_flagged(a: &ReportRow, b: &ReportRow) -> std::cmp::Ordering {
    b.flagged.cmp(&a.flagged).then(b.messages.cmp(&a.messages)).then(a.key.cmp(&b.key))
}

/// Keeps the first [`TOP`] of `v` in `order`; sorting only when `v` has grown to a few
/// times that keeps the work per row constant.
fn keep_top(v: &mut Vec<ReportRow>, order: fn(&ReportRow, &ReportRow) -> std::cmp::Ordering, slack: usize) {
    if v.len() > TOP * slack {
        v.sort_by(order);
        v.truncate(TOP);
    }
}

/// The [`DimensionSummary`] of every dimension, in [`DIMENSIONS`] order.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Groups(pub Vec<DimensionSummary>);

impl Default for Groups {
    fn default() -> Self {
        Groups(
            DIMENSIONS
                .iter()
                .map(|(d, _, _)| DimensionSummary { dimension: d.to_string(), ..DimensionSummary::default() })
                .collect(),
        )
    }
}

impl Groups {
    pub fn from_rows<'a>(rows: impl IntoIterator<Item = &'a ReportRow>) -> Groups {
        let mut g = Groups::default();
        for r in rows {
            g.push(r);
        }
        g.finish();
        g
    }

    pub fn get(&self, dimension: &str) -> Option<&DimensionSummary> {
        self.0.iter().find(|d| d.dimension == dimension)
    }

    fn push(&mut self, r: &ReportRow) {
        let Some(d) = self.0.iter_mut().find(|d| d.dimension == r.dimension) else { return };
        d.groups += 1;
        d.messages += r.messages;
        d.breach_days += r.frequency_breach_days;
        if r.messages >= MIN_RANKED_MESSAGES {
            d.ranked += 1;
            d.ranked_messages += r.messages;
            d.worst.push(r.clone());
            keep_top(&mut d.worst, by_rate, 8);
        }
        if r.flagged > 0 {
            d.most_flagged.push(r.clone());
            keep_top(&mut d.most_flagged, by_flagged, 8);
        }
    }

    fn finish(&mut self) {
        for d in &mut self.0 {
            keep_top(&mut d.worst, by_rate, 0);
            keep_top(&mut d.most_flagged, by_flagged, 0);
            d.worst.sort_by(by_rate);
            d.most_flagged.sort_by(by_flagged);
        }
    }
}

/// Reports count the codes judged by standards in force at the time: `codes_in_force`, read
/// once per row as a mask (`yuqi_code_mask`, bits as [`code_bit`]) by [`WITH_MASK`].
fn has(code: Code) -> String {
    let k = code_bit(code).unwrap_or(0);
    format!("((code_mask >> {k}) & 1) = 1")
}

/// One bit of the row's `report_marks` (`functions::marks`) as 0 or 1, to be summed.
fn mark(bit: u8) -> String {
    format!("CAST((report_marks >> {bit}) & 1 AS BIGINT)")
}

/// The written rows with their codes in force as a mask.
const WITH_MASK: &str = "(SELECT *, yuqi_code_mask(codes_in_force) AS code_mask FROM results)";

fn i64_col<'a>(b: &'a RecordBatch, name: &str) -> Result<&'a Int64Array> {
    let c = b.column_by_name(name).ok_or_else(|| BatchError::Invalid(format!("report query lost column {name}")))?;
    c.as_primitive_opt::<Int64Type>().ok_or_else(|| BatchError::Invalid(format!("column {name} is {}", c.data_type())))
}

/// A column as plain strings (cast once per batch: casting per row made collecting the report
/// quadratic in the batch size). Null is the empty string.
fn str_col(b: &RecordBatch, name: &str) -> Result<Vec<String>> {
    let c = b.column_by_name(name).ok_or_else(|| BatchError::Invalid(format!("report query lost column {name}")))?;
    let c = arrow::compute::cast(c, &DataType::Utf8)?;
    let s = c.as_string::<i32>();
    Ok(s.iter().map(|v| v.unwrap_or_default().to_string()).collect())
}

/// Totals over the table `results` (the written per-message rows).
pub async fn counts(ctx: &SessionContext) -> Result<Counts> {
    let codes = report_codes();
    let mut sql = format!(
        "SELECT CAST(COUNT(*) AS BIGINT) AS n_rows, \
         CAST(SUM(CASE WHEN kind <> 'self' THEN 1 ELSE 0 END) AS BIGINT) AS n_contacts, \
         CAST(SUM(CASE WHEN kind <> 'self' AND code_mask <> 0 THEN 1 ELSE 0 END) AS BIGINT) AS n_flagged, \
         CAST(SUM(CASE WHEN kind <> 'self' AND held_for_confirmation THEN 1 ELSE 0 END) AS BIGINT) AS n_held, \
         CAST(SUM(CASE WHEN kind <> 'self' AND text_chars > 0 THEN 1 ELSE 0 END) AS BIGINT) AS n_texted, \
         CAST(SUM(CASE WHEN kind <> 'self' AND text_chars > 0 AND code_mask <> 0 THEN 1 ELSE 0 END) AS BIGINT) \
           AS n_flagged_texted, \
         CAST(SUM(CASE WHEN kind IN ('connected_call', 'attempt') AND text_chars = 0 THEN 1 ELSE 0 END) AS BIGINT) \
           AS n_calls_without_text, \
         CAST(SUM(CASE WHEN time_ms IS NULL THEN 1 ELSE 0 END) AS BIGINT) AS n_unreadable, \
         CAST(SUM({first_row}) AS BIGINT) AS n_debtors, \
         CAST(SUM(CASE WHEN debtor = '' THEN 1 ELSE 0 END) AS BIGINT) AS n_no_debtor, \
         CAST(SUM(CASE WHEN kind <> 'self' AND before_standard THEN 1 ELSE 0 END) AS BIGINT) AS n_before_standard, \
         CAST(MIN(CASE WHEN kind <> 'self' THEN day END) AS VARCHAR) AS first_day, \
         CAST(MAX(CASE WHEN kind <> 'self' THEN day END) AS VARCHAR) AS last_day",
        first_row = mark(FIRST_ROW)
    );
    for c in &codes {
        let _ = write!(
            sql,
            ", CAST(SUM(CASE WHEN kind <> 'self' AND {} THEN 1 ELSE 0 END) AS BIGINT) AS \"{}\"",
            has(*c),
            c.as_str()
        );
    }
    let _ = write!(sql, " FROM {WITH_MASK} AS results");
    let batches = ctx.sql(&sql).await?.collect().await?;
    let b = batches.iter().find(|b| b.num_rows() > 0).ok_or_else(|| BatchError::Invalid("empty count".into()))?;
    let get = |name: &str| -> Result<u64> {
        let a = i64_col(b, name)?;
        Ok(if a.is_null(0) { 0 } else { a.value(0).max(0) as u64 })
    };
    let day =
        |name: &str| -> Result<Option<String>> { Ok(str_col(b, name)?.into_iter().next().filter(|s| !s.is_empty())) };
    Ok(Counts {
        rows: get("n_rows")?,
        first_day: day("first_day")?,
        last_day: day("last_day")?,
        no_debtor: get("n_no_debtor")?,
        before_standard: get("n_before_standard")?,
        contacts: get("n_contacts")?,
        flagged: get("n_flagged")?,
        texted: get("n_texted")?,
        flagged_texted: get("n_flagged_texted")?,
        calls_without_text: get("n_calls_without_text")?,
        held_for_confirmation: get("n_held")?,
        unreadable_time: get("n_unreadable")?,
        debtors: get("n_debtors")?,
        by_code: codes.iter().map(|c| Ok((c.as_str().to_string(), get(c.as_str())?))).collect::<Result<_>>()?,
    })
}

/// One row per (dimension, key), sorted by dimension then key, into report.parquet.
/// Runs the report query over the table `results`, writing every group's row into `file` and
/// returning the groups' summaries.
pub async fn aggregate(ctx: &SessionContext, file: &mut ReportFile) -> Result<Groups> {
    let codes = report_codes();
    // One level of plain sums over a row of 0/1 flags per contact, so that it can spill and
    // keeps nothing per group but its sums: what is counted once per debtor (the group's
    // debtors, its breach days) is a flag on the one row where the window `yuqi_report_marks`
    // saw it first. One grouping set per dimension, so the written rows are read and their
    // flags computed once (a UNION ALL of one query per dimension read them three times).
    // Keys are never null inside their own set (COALESCE), so the set a row of the result
    // comes from is the one key that is not null.
    let mut flags = String::from(
        "CAST(code_mask <> 0 AS BIGINT) AS f_flagged, \
         CAST(COALESCE(held_for_confirmation, false) AS BIGINT) AS f_held, \
         CAST(text_chars > 0 AS BIGINT) AS f_texted, \
         CAST(text_chars > 0 AND code_mask <> 0 AS BIGINT) AS f_flagged_texted",
    );
    let mut sums = String::from(
        "COUNT(*) AS messages, SUM(f_flagged) AS flagged, SUM(f_held) AS held, SUM(f_texted) AS texted, \
         SUM(f_flagged_texted) AS flagged_texted",
    );
    let (mut keys, mut sets, mut dimension, mut debtors, mut breach) =
        (Vec::new(), Vec::new(), String::from("CASE"), String::from("CASE"), String::from("CASE"));
    for (d, (dim, col, _)) in DIMENSIONS.iter().enumerate() {
        let b = u8::try_from(d).unwrap_or(0);
        let _ = write!(
            flags,
            ", COALESCE({col}, '') AS k{d}, {} AS f_debtor{d}, {} AS f_breach{d}",
            mark(FIRST_CONTACT + b),
            mark(FIRST_BREACH_OF_DAY + b)
        );
        let _ = write!(sums, ", SUM(f_debtor{d}) AS debtors{d}, SUM(f_breach{d}) AS breach{d}");
        keys.push(format!("k{d}"));
        sets.push(format!("(k{d})"));
        let _ = write!(dimension, " WHEN k{d} IS NOT NULL THEN '{dim}'");
        let _ = write!(debtors, " WHEN k{d} IS NOT NULL THEN debtors{d}");
        let _ = write!(breach, " WHEN k{d} IS NOT NULL THEN breach{d}");
    }
    for (i, c) in codes.iter().enumerate() {
        let _ = write!(flags, ", CAST({} AS BIGINT) AS f{i}", has(*c));
        let _ = write!(sums, ", SUM(f{i}) AS s{i}");
    }
    let mut sql = format!(
        "WITH flagged AS (SELECT {flags} FROM {WITH_MASK} AS results WHERE kind <> 'self'), \
         grouped AS (SELECT {}, {sums} FROM flagged GROUP BY GROUPING SETS ({})) \
         SELECT {dimension} END AS dimension, COALESCE({}) AS key, CAST(messages AS BIGINT) AS messages, \
         CAST({debtors} END AS BIGINT) AS debtors, CAST(flagged AS BIGINT) AS flagged, \
         CAST(held AS BIGINT) AS held_for_confirmation, CAST(texted AS BIGINT) AS texted, \
         CAST(flagged_texted AS BIGINT) AS flagged_texted, CAST({breach} END AS BIGINT) AS frequency_breach_days",
        keys.join(", "),
        sets.join(", "),
        keys.join(", ")
    );
    for (i, c) in codes.iter().enumerate() {
        let _ = write!(sql, ", CAST(s{i} AS BIGINT) AS \"{}\"", c.as_str());
    }
    let _ = write!(sql, " FROM grouped ORDER BY dimension, key");
    // Streamed, not collected: with one group per sender number the rows are millions (2.2 M
    // at 30 M generated messages, 1.5 GB in memory as batches and rows): each batch goes to
    // report.parquet as it comes and only the groups' summaries stay.
    let mut stream = ctx.sql(&sql).await?.execute_stream().await?;
    let mut groups = Groups::default();
    let mut last: Option<(String, String)> = None;
    while let Some(b) = stream.next().await {
        let rows = rows_of_batch(&b?)?;
        if let (Some(first), Some(prev)) = (rows.first(), &last) {
            // The query's ORDER BY makes report.parquet sorted; a cluster honours it in its
            // final stage. Checked, because nothing sorts the rows again.
            if (&first.dimension, &first.key) < (&prev.0, &prev.1) {
                return Err(BatchError::Invalid("汇总结果没有按分组排序（查询引擎的问题）".into()));
            }
        }
        last = rows.last().map(|r| (r.dimension.clone(), r.key.clone()));
        for r in &rows {
            groups.push(r);
        }
        file.write(&rows)?;
    }
    groups.finish();
    Ok(groups)
}

/// The rows of one batch of the report query or of report.parquet (same column names).
fn rows_of_batch(b: &RecordBatch) -> Result<Vec<ReportRow>> {
    let codes = report_codes();
    let messages = i64_col(b, "messages")?;
    let debtors = i64_col(b, "debtors")?;
    let flagged = i64_col(b, "flagged")?;
    let held = i64_col(b, "held_for_confirmation")?;
    let texted = i64_col(b, "texted")?;
    let flagged_texted = i64_col(b, "flagged_texted")?;
    let breach = i64_col(b, "frequency_breach_days")?;
    let code_cols: Vec<&Int64Array> = codes.iter().map(|c| i64_col(b, c.as_str())).collect::<Result<_>>()?;
    let (dimension, key) = (str_col(b, "dimension")?, str_col(b, "key")?);
    Ok(dimension
        .into_iter()
        .zip(key)
        .enumerate()
        .map(|(i, (dimension, key))| ReportRow {
            dimension,
            key,
            messages: messages.value(i),
            debtors: debtors.value(i),
            flagged: flagged.value(i),
            held_for_confirmation: held.value(i),
            texted: texted.value(i),
            flagged_texted: flagged_texted.value(i),
            codes: code_cols.iter().map(|c| c.value(i)).collect(),
            frequency_breach_days: breach.value(i),
        })
        .collect())
}

/// Every row of a written report.parquet (for tests and small reports: they are all held).
pub fn read_rows(dir: &Path) -> Result<Vec<ReportRow>> {
    let path = dir.join("report.parquet");
    let file = std::fs::File::open(&path).map_err(io_err(&path))?;
    let mut rows = Vec::new();
    for b in datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)?.build()? {
        rows.extend(rows_of_batch(&b?)?);
    }
    Ok(rows)
}

/// The columns of `report.parquet`, in order.
fn report_fields() -> Vec<Field> {
    let mut fields = vec![
        Field::new("dimension", DataType::Utf8, false),
        Field::new("key", DataType::Utf8, false),
        Field::new("messages", DataType::Int64, false),
        Field::new("debtors", DataType::Int64, false),
        Field::new("flagged", DataType::Int64, false),
        Field::new("flagged_per_1000", DataType::Float64, false),
        Field::new("held_for_confirmation", DataType::Int64, false),
        Field::new("texted", DataType::Int64, false),
        Field::new("flagged_texted", DataType::Int64, false),
        Field::new("flagged_per_1000_texted", DataType::Float64, false),
    ];
    for c in report_codes() {
        fields.push(Field::new(c.as_str(), DataType::Int64, false));
        fields.push(Field::new(format!("{}_per_1000", c.as_str()), DataType::Float64, false));
    }
    fields.push(Field::new("frequency_breach_days", DataType::Int64, false));
    fields
}

/// `rows` as the columns of [`report_fields`].
fn columns(rows: &[ReportRow]) -> Vec<ArrayRef> {
    let mut cols: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from_iter_values(rows.iter().map(|r| r.dimension.as_str()))),
        Arc::new(StringArray::from_iter_values(rows.iter().map(|r| r.key.as_str()))),
        Arc::new(Int64Array::from_iter_values(rows.iter().map(|r| r.messages))),
        Arc::new(Int64Array::from_iter_values(rows.iter().map(|r| r.debtors))),
        Arc::new(Int64Array::from_iter_values(rows.iter().map(|r| r.flagged))),
        Arc::new(Float64Array::from_iter_values(rows.iter().map(|r| r.per_1000(r.flagged)))),
        Arc::new(Int64Array::from_iter_values(rows.iter().map(|r| r.held_for_confirmation))),
        Arc::new(Int64Array::from_iter_values(rows.iter().map(|r| r.texted))),
        Arc::new(Int64Array::from_iter_values(rows.iter().map(|r| r.flagged_texted))),
        Arc::new(Float64Array::from_iter_values(rows.iter().map(ReportRow::flagged_per_1000_texted))),
    ];
    for i in 0..report_codes().len() {
        cols.push(Arc::new(Int64Array::from_iter_values(rows.iter().map(|r| r.codes[i]))));
        cols.push(Arc::new(Float64Array::from_iter_values(rows.iter().map(|r| r.per_1000(r.codes[i])))));
    }
    cols.push(Arc::new(Int64Array::from_iter_values(rows.iter().map(|r| r.frequency_breach_days))));
    cols
}

/// What `report.parquet` carries besides its rows, so a file alone says what it was made
/// from: keys `yuqi.*`, values plain text or JSON.
pub fn metadata(report: &Report) -> Result<HashMap<String, String>> {
    let c = &report.counts;
    let i = &report.input;
    Ok(HashMap::from([
        ("yuqi.engine".to_string(), report.engine.clone()),
        ("yuqi.input_sha256".to_string(), i.digest.sha256.clone()),
        ("yuqi.input_bytes".to_string(), i.digest.bytes.to_string()),
        ("yuqi.input_rows".to_string(), i.rows.to_string()),
        ("yuqi.input_files".to_string(), to_json(&i.digest.files)?),
        ("yuqi.contacts".to_string(), c.contacts.to_string()),
        ("yuqi.flagged".to_string(), c.flagged.to_string()),
        ("yuqi.held_for_confirmation".to_string(), c.held_for_confirmation.to_string()),
        ("yuqi.analyzer".to_string(), to_json(&report.analyzer)?),
        ("yuqi.build".to_string(), to_json(&report.build)?),
        ("yuqi.first_day".to_string(), c.first_day.clone().unwrap_or_default()),
        ("yuqi.last_day".to_string(), c.last_day.clone().unwrap_or_default()),
    ]))
}

fn to_json<T: Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| BatchError::Invalid(e.to_string()))
}

/// report.parquet, written batch by batch as the report query's rows come.
pub struct ReportFile {
    writer: ArrowWriter<std::fs::File>,
    /// Built once: every batch of rows shares it.
    schema: SchemaRef,
    metadata: HashMap<String, String>,
}

impl std::fmt::Debug for ReportFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReportFile").finish_non_exhaustive()
    }
}

impl ReportFile {
    /// Creates `dir/report.parquet`; `metadata` (see [`metadata`]) goes into its Arrow schema,
    /// which the Parquet writer keeps only encoded inside its own `ARROW:schema` entry, so
    /// [`ReportFile::close`] also writes each pair as plain Parquet key-value metadata.
    pub fn create(dir: &Path, metadata: HashMap<String, String>) -> Result<ReportFile> {
        let schema: SchemaRef = Arc::new(Schema::new_with_metadata(report_fields(), metadata.clone()));
        let path = dir.join("report.parquet");
        let file = std::fs::File::create(&path).map_err(io_err(&path))?;
        Ok(ReportFile { writer: ArrowWriter::try_new(file, schema.clone(), None)?, schema, metadata })
    }

    pub fn write(&mut self, rows: &[ReportRow]) -> Result<()> {
        if !rows.is_empty() {
            self.writer.write(&RecordBatch::try_new(self.schema.clone(), columns(rows))?)?;
        }
        Ok(())
    }

    pub fn close(mut self) -> Result<()> {
        // Plain key-value pairs in the file's footer, where any Parquet reader (pyarrow's
        // `metadata.metadata`, parquet-tools, DuckDB's parquet_kv_metadata) finds them; in the
        // Arrow schema alone they would be inside one base64-encoded value. Sorted, so the file
        // is the same from run to run.
        let mut pairs: Vec<(String, String)> = std::mem::take(&mut self.metadata).into_iter().collect();
        pairs.sort();
        for (k, v) in pairs {
            self.writer.append_key_value_metadata(datafusion::parquet::file::metadata::KeyValue::new(k, v));
        }
        self.writer.close()?;
        Ok(())
    }
}

/// Writes a report made from rows held in memory: report.parquet with `rows`, the report's
/// groups summarised from them, and the rendered report (see [`write`]).
pub fn write_rows(report: &mut Report, rows: &[ReportRow], dir: &Path) -> Result<()> {
    let mut file = ReportFile::create(dir, metadata(report)?)?;
    file.write(rows)?;
    file.close()?;
    report.groups = Groups::from_rows(rows);
    write(report, dir)
}

/// Writes report.md, report.html and the chart files into `dir` (report.parquet is written
/// by [`aggregate`] or [`write_rows`]).
pub fn write(report: &Report, dir: &Path) -> Result<()> {
    let charts = crate::report_render::charts(report);
    for (name, svg) in &charts {
        let p = dir.join(name);
        std::fs::write(&p, svg).map_err(io_err(&p))?;
    }
    let p = dir.join("report.md");
    std::fs::write(&p, crate::report_render::markdown(report, &charts)).map_err(io_err(&p))?;
    let p = dir.join("report.html");
    std::fs::write(&p, crate::report_render::html(report, &charts)).map_err(io_err(&p))?;
    Ok(())
}

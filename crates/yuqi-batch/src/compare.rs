//! Row-for-row comparison of two scan outputs (a local run and a cluster run, say).
//!
//! Both `messages/` tables are read sorted by id and compared row by row over
//! every column; `report.parquet` is compared row by row too. The first
//! difference is reported with the row's id.

use std::path::Path;

use arrow::array::RecordBatch;
use arrow::util::display::{ArrayFormatter, FormatOptions};
use datafusion::prelude::{ParquetReadOptions, SessionContext};
use futures::StreamExt;

use crate::{BatchError, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    pub message_rows: u64,
    pub report_rows: u64,
    /// The first difference, if any: (table, row number, left, right).
    pub difference: Option<(String, u64, String, String)>,
}

fn rows_of(batch: &RecordBatch, out: &mut Vec<String>) -> Result<()> {
    let opts = FormatOptions::default().with_null("∅");
    let formatters: Vec<ArrayFormatter<'_>> =
        batch.columns().iter().map(|c| ArrayFormatter::try_new(c.as_ref(), &opts)).collect::<Result<_, _>>()?;
    for i in 0..batch.num_rows() {
        let cells: Vec<String> = formatters.iter().map(|f| f.value(i).to_string()).collect();
        out.push(cells.join(" | "));
    }
    Ok(())
}

/// The rows of a query, one formatted row at a time.
struct Rows {
    stream: datafusion::physical_plan::SendableRecordBatchStream,
    buffer: std::collections::VecDeque<String>,
}

impl Rows {
    async fn open(ctx: &SessionContext, table: &str, order: &str) -> Result<Rows> {
        let stream = ctx.sql(&format!("SELECT * FROM {table} ORDER BY {order}")).await?.execute_stream().await?;
        Ok(Rows { stream, buffer: std::collections::VecDeque::new() })
    }

    async fn next(&mut self) -> Result<Option<String>> {
        while self.buffer.is_empty() {
            match self.stream.next().await {
                Some(batch) => {
                    let mut rows = Vec::new();
                    rows_of(&batch?, &mut rows)?;
                    self.buffer.extend(rows);
                }
                None => return Ok(None),
            }
        }
        Ok(self.buffer.pop_front())
    }
}

async fn compare_table(
    ctx: &SessionContext,
    left: &str,
    right: &str,
    order: &str,
    name: &str,
) -> Result<(u64, Option<(String, u64, String, String)>)> {
    let (mut a, mut b) = (Rows::open(ctx, left, order).await?, Rows::open(ctx, right, order).await?);
    let mut n = 0u64;
    loop {
        match (a.next().await?, b.next().await?) {
            (None, None) => return Ok((n, None)),
            (x, y) if x == y => n += 1,
            (x, y) => {
                let none = || "（无）".to_string();
                return Ok((n, Some((name.to_string(), n + 1, x.unwrap_or_else(none), y.unwrap_or_else(none)))));
            }
        }
    }
}

/// Compares two scan output directories.
pub async fn compare(left: &Path, right: &Path) -> Result<Comparison> {
    let ctx = SessionContext::new();
    for (name, dir) in [("l", left), ("r", right)] {
        for (table, file) in [("messages", "messages"), ("report", "report.parquet")] {
            let p = dir.join(file);
            if !p.exists() {
                return Err(BatchError::NoInput { path: p });
            }
            ctx.register_parquet(
                format!("{name}_{table}"),
                p.to_string_lossy().as_ref(),
                ParquetReadOptions::default(),
            )
            .await?;
        }
    }
    let (message_rows, diff) = compare_table(&ctx, "l_messages", "r_messages", "id", "messages").await?;
    if diff.is_some() {
        return Ok(Comparison { message_rows, report_rows: 0, difference: diff });
    }
    let (report_rows, diff) = compare_table(&ctx, "l_report", "r_report", "dimension, key", "report").await?;
    Ok(Comparison { message_rows, report_rows, difference: diff })
}

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

async fn compare_table(
    ctx: &SessionContext,
    left: &str,
    right: &str,
    order: &str,
    name: &str,
) -> Result<(u64, Option<(String, u64, String, String)>)> {
    let mut a = ctx.sql(&format!("SELECT * FROM {left} ORDER BY {order}")).await?.execute_stream().await?;
    let mut b = ctx.sql(&format!("SELECT * FROM {right} ORDER BY {order}")).await?.execute_stream().await?;
    let (mut ra, mut rb): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
    let (mut ia, mut ib) = (0usize, 0usize);
    let mut n = 0u64;
    loop {
        if ia == ra.len() {
            ra.clear();
            ia = 0;
            if let Some(batch) = a.next().await {
                rows_of(&batch?, &mut ra)?;
                continue;
            }
        }
        if ib == rb.len() {
            rb.clear();
            ib = 0;
            if let Some(batch) = b.next().await {
                rows_of(&batch?, &mut rb)?;
                continue;
            }
        }
        match (ra.get(ia), rb.get(ib)) {
            (None, None) => return Ok((n, None)),
            (x, y) => {
                let (x, y) =
                    (x.cloned().unwrap_or_else(|| "（无）".into()), y.cloned().unwrap_or_else(|| "（无）".into()));
                if x != y {
                    return Ok((n, Some((name.to_string(), n + 1, x, y))));
                }
            }
        }
        ia += 1;
        ib += 1;
        n += 1;
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

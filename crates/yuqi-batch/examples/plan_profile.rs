//! Where a scan's time goes, operator by operator: runs `EXPLAIN ANALYZE` of the per-message
//! plan (`MESSAGES_SQL`, without writing its output) on a log and prints the physical plan
//! with each operator's rows, compute time and spills. Used by `bench/batch.sh stages`.
//!
//!     cargo run --release -p yuqi-batch --example plan_profile -- LOG.parquet [PARTITIONS]

#![allow(clippy::print_stdout)] // a developer tool whose output is the plan

use arrow::array::AsArray;
use yuqi_batch::cluster::local_context;
use yuqi_batch::scan::MESSAGES_SQL;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let input = args.next().ok_or_else(|| anyhow::anyhow!("usage: plan_profile LOG [PARTITIONS]"))?;
    let partitions = args.next().map(|p| p.parse()).transpose()?;
    let ctx = local_context(partitions)?;
    let located = yuqi_batch::input::locate(std::path::Path::new(&input), None)?;
    yuqi_batch::input::register(&ctx, &located, false).await?;
    for b in ctx.sql(&format!("EXPLAIN ANALYZE {MESSAGES_SQL}")).await?.collect().await? {
        let plan = b.column(1).as_string::<i32>();
        for i in 0..b.num_rows() {
            println!("{}", plan.value(i));
        }
    }
    Ok(())
}

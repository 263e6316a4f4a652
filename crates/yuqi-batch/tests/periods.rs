//! Two periods' reports compared per group: the figures come from the two reports, the rows
//! are sorted by the change, and a change of analyzer is said first.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use yuqi_batch::cluster::local_context;
use yuqi_batch::generate::GenOptions;
use yuqi_batch::input::InputFormat;
use yuqi_batch::periods::compare_periods;
use yuqi_batch::report::Report;
use yuqi_batch::scan::{ScanOptions, scan};

async fn scanned(dir: &Path, name: &str, seed: u64) -> (std::path::PathBuf, Report) {
    let input = dir.join(format!("{name}.parquet"));
    yuqi_batch::generate::write(GenOptions { messages: 4_000, seed, per_debtor: 60 }, &input, InputFormat::Parquet)
        .unwrap();
    let out = dir.join(name);
    let ctx = local_context(Some(2)).unwrap();
    let opts = ScanOptions::new(input, &out, "test");
    let (_, report) = scan(&ctx, &opts).await.unwrap();
    (out, report)
}

fn per_1000(flagged: i64, messages: i64) -> f64 {
    flagged as f64 * 1000.0 / messages as f64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_periods_compare_per_group_sorted_by_the_change() {
    let tmp = tempfile::tempdir().unwrap();
    let (before, a) = scanned(tmp.path(), "before", 1).await;
    let (after, b) = scanned(tmp.path(), "after", 2).await;
    let md = compare_periods(&before, &after).unwrap();
    assert!(md.starts_with("# 两期催收合规审查报告的比较"), "{md}");
    assert!(md.contains("分析器：两期相同"), "{md}");
    assert!(!md.contains("注意"), "{md}");

    // Every creditor big enough in both periods has its row, with both reports' figures.
    let section = md.split("## 按债权人/平台").nth(1).unwrap().split("\n## ").next().unwrap();
    let mut changes = Vec::new();
    for r in a.rows.iter().filter(|r| r.dimension == "creditor" && r.messages >= 100) {
        let Some(s) = b.rows.iter().find(|s| s.dimension == "creditor" && s.key == r.key && s.messages >= 100) else {
            continue;
        };
        let (x, y) = (per_1000(r.flagged, r.messages), per_1000(s.flagged, s.messages));
        let row = format!("| {} | {} → {} | {x:.1} → {y:.1} | {:+.1} |", r.key, r.messages, s.messages, y - x);
        assert!(section.contains(&row), "{row} not in:\n{section}");
        changes.push((section.find(&row).unwrap(), y - x));
    }
    assert!(changes.len() > 3, "too few creditors to compare: {}", changes.len());
    changes.sort_by_key(|c| c.0);
    assert!(changes.windows(2).all(|w| w[0].1 >= w[1].1), "sorted by the change, largest rise first");

    // Another analyzer: the comparison says so before anything else.
    let mut other = b.clone();
    other.analyzer.fingerprint = "0".repeat(64);
    let dir = tmp.path().join("other");
    std::fs::create_dir(&dir).unwrap();
    yuqi_batch::report::write(&other, &dir).unwrap();
    let md = compare_periods(&before, &dir).unwrap();
    assert!(md.contains("注意：两期所用的分析器不同"), "{md}");
    // The same input twice is not two periods.
    let md = compare_periods(&before, &before).unwrap();
    assert!(md.contains("两份报告的输入完全相同"), "{md}");
}

//! Two periods' reports compared per group: the figures come from the two reports, the rows
//! are sorted by the change, and a change of analyzer is said first.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use yuqi_batch::cluster::local_context;
use yuqi_batch::generate::GenOptions;
use yuqi_batch::input::InputFormat;
use yuqi_batch::periods::compare_periods;
use yuqi_batch::report::{Report, ReportRow, read_rows, report_codes};
use yuqi_batch::scan::{ScanOptions, scan};
use yuqi_conduct::Code;

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
    let (before, _) = scanned(tmp.path(), "before", 1).await;
    let (after, b) = scanned(tmp.path(), "after", 2).await;
    let md = compare_periods(&before, &after).unwrap();
    assert!(md.starts_with("# 两期催收合规审查报告的比较"), "{md}");
    assert!(md.contains("分析器：两期相同"), "{md}");
    assert!(!md.contains("注意"), "{md}");

    // Every creditor big enough in both periods has its row, with both reports' figures.
    let section = md.split("## 按债权人/平台").nth(1).unwrap().split("\n## ").next().unwrap();
    let mut changes = Vec::new();
    let (a_rows, b_rows) = (read_rows(&before).unwrap(), read_rows(&after).unwrap());
    for r in a_rows.iter().filter(|r| r.dimension == "creditor" && r.messages >= 100) {
        let Some(s) = b_rows.iter().find(|s| s.dimension == "creditor" && s.key == r.key && s.messages >= 100) else {
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
    yuqi_batch::report::write_rows(&mut other, &b_rows, &dir).unwrap();
    let md = compare_periods(&before, &dir).unwrap();
    assert!(md.contains("注意：两期所用的分析器不同"), "{md}");
    // The same input twice is not two periods.
    let md = compare_periods(&before, &before).unwrap();
    assert!(md.contains("两份报告的输入完全相同"), "{md}");
}

/// A creditor's row with the given messages, flagged messages, messages per code and breach
/// days (other codes 0).
fn creditor(key: &str, messages: i64, flagged: i64, codes: &[(Code, i64)], breach_days: i64) -> ReportRow {
    ReportRow {
        dimension: "creditor".into(),
        key: key.into(),
        messages,
        debtors: 10,
        flagged,
        held_for_confirmation: 0,
        texted: messages,
        flagged_texted: flagged,
        codes: report_codes().iter().map(|c| codes.iter().find(|(k, _)| k == c).map_or(0, |(_, n)| *n)).collect(),
        frequency_breach_days: breach_days,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_periods_compare_each_kind_of_problem_and_the_breach_days() {
    let tmp = tempfile::tempdir().unwrap();
    // A real report for its header; its rows are replaced by rows whose counts are known.
    let input = tmp.path().join("one.csv");
    std::fs::write(&input, "id,debtor,text\n1,A,提醒还款\n").unwrap();
    let ctx = local_context(Some(2)).unwrap();
    let (_, template) = scan(&ctx, &ScanOptions::new(&input, tmp.path().join("one"), "test")).await.unwrap();
    use Code::{ContactThirdParty, FrequentContact, Insult, NightContact, ThreatViolence};
    let mut before = template.clone();
    let before_rows = vec![
        creditor("甲", 1000, 40, &[(NightContact, 10), (Insult, 5), (FrequentContact, 8), (ContactThirdParty, 1)], 3),
        creditor("乙", 500, 10, &[(NightContact, 10)], 0),
        creditor("小", 50, 50, &[(Insult, 50)], 9),
    ];
    let mut after = template.clone();
    after.input.digest.sha256 = "1".repeat(64);
    let after_rows = vec![
        creditor("甲", 2000, 100, &[(NightContact, 60), (Insult, 2), (ThreatViolence, 20), (FrequentContact, 16)], 7),
        creditor("乙", 500, 10, &[(NightContact, 10)], 0),
    ];
    let (a, b) = (tmp.path().join("before"), tmp.path().join("after"));
    for (dir, report, rows) in [(&a, &mut before, &before_rows), (&b, &mut after, &after_rows)] {
        std::fs::create_dir(dir).unwrap();
        yuqi_batch::report::write_rows(report, rows, dir).unwrap();
    }
    let md = compare_periods(&a, &b).unwrap();

    // Over the whole report (the creditors' sums: 1,550 and 2,500 messages).
    assert!(md.contains("- 超频（人·天）：12 → 7 个（-5）"), "{md}");
    let overall = md.split("## 各类问题（全部催收消息）").nth(1).unwrap().split("\n## ").next().unwrap();
    let n = report_codes().len();
    assert!(overall.contains(&format!("两期都记录的 {n} 类问题中，至少一期出现过的 5 类")), "{overall}");
    assert!(overall.contains(&format!("两期都没有出现的 {} 类", n - 5)), "{overall}");
    // 20/1550 → 70/2500, 0 → 20/2500, 8/1550 → 16/2500, 1/1550 → 0, 55/1550 → 2/2500; largest rise first.
    let rows = [
        "| 夜间催收 | 20 → 70 | 12.9 → 28.0 | +15.1 |",
        "| 暴力威胁 | 0 → 20 | 0.0 → 8.0 | +8.0 |",
        "| 频繁催收 | 8 → 16 | 5.2 → 6.4 | +1.2 |",
        "| 联系第三人/爆通讯录 | 1 → 0 | 0.6 → 0.0 | -0.6 |",
        "| 侮辱辱骂 | 55 → 2 | 35.5 → 0.8 | -34.7 |",
    ];
    let at: Vec<usize> =
        rows.iter().map(|r| overall.find(r).unwrap_or_else(|| panic!("{r} not in:\n{overall}"))).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "sorted by the change: {overall}");

    // Per creditor: the breach days and the three codes whose rate changed the most (the
    // fourth, 联系第三人 1.0 → 0.0, and the unchanged 频繁催收 8.0 → 8.0 are not named).
    let section = md.split("## 按债权人/平台").nth(1).unwrap().split("\n## ").next().unwrap();
    assert!(section.contains("| 超频（人·天，前 → 后） | 比例变化最大的问题（每千条，前 → 后） |"), "{section}");
    let row = "| 甲 | 1000 → 2000 | 40.0 → 50.0 | +10.0 | 3 → 7 | 夜间催收 10.0 → 30.0（+20.0）；暴力威胁 0.0 → 10.0（+10.0）；侮辱辱骂 5.0 → 1.0（-4.0） |";
    assert!(section.contains(row), "{row} not in:\n{section}");
    let row = "| 乙 | 500 → 500 | 20.0 → 20.0 | +0.0 | 0 → 0 | （各类问题的比例都没有变） |";
    assert!(section.contains(row), "{row} not in:\n{section}");
    assert!(!section.contains("| 小 |"), "too small in one period: {section}");

    // Codes by their Chinese names only.
    for c in Code::ALL {
        assert!(!md.contains(c.as_str()), "internal id {} in:\n{md}", c.as_str());
    }
}

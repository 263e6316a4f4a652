//! Two reports of successive periods (this month and the last, say), side by side: per
//! creditor, agency and sender number, the collectors' messages and the flagged messages
//! per 1,000 before and after, sorted by the change, as Markdown in Chinese.
//!
//! Read from the two `report.parquet` files alone (rows and `yuqi.*` metadata), so reports
//! made on other machines compare as well. A change of analyzer changes what is flagged: the
//! comparison says so first when the two reports' analyzer fingerprints differ.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use arrow::array::AsArray;
use arrow::datatypes::{DataType, Int64Type};
use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::report::{DIMENSIONS, per_1000};
use crate::report_render::MIN_RANKED_MESSAGES;
use crate::{BatchError, Result, io_err};

/// How many groups with the largest rise, and with the largest fall, each table shows.
const SHOWN: usize = 20;

/// One report as read back: (dimension, key) → (messages, flagged), and its metadata.
struct Period {
    dir: PathBuf,
    groups: BTreeMap<(String, String), (i64, i64)>,
    meta: HashMap<String, String>,
}

fn read(dir: &Path) -> Result<Period> {
    let path = dir.join("report.parquet");
    let file = std::fs::File::open(&path).map_err(io_err(&path))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file)?;
    // The Arrow schema's metadata holds the `yuqi.*` pairs of older reports too (before they
    // were also plain key-value metadata).
    let meta = builder.schema().metadata().clone();
    let mut groups = BTreeMap::new();
    for batch in builder.build()? {
        let b = batch?;
        let text = |name: &str| -> Result<Vec<String>> {
            let c = b.column_by_name(name).ok_or_else(|| missing(&path, name))?;
            let c = arrow::compute::cast(c, &DataType::Utf8)?;
            Ok(c.as_string::<i32>().iter().map(|v| v.unwrap_or_default().to_string()).collect())
        };
        let int = |name: &str| -> Result<Vec<i64>> {
            let c = b.column_by_name(name).ok_or_else(|| missing(&path, name))?;
            let c = arrow::compute::cast(c, &DataType::Int64)?;
            Ok(c.as_primitive::<Int64Type>().iter().map(|v| v.unwrap_or(0)).collect())
        };
        let (dims, keys, messages, flagged) = (text("dimension")?, text("key")?, int("messages")?, int("flagged")?);
        for (((d, k), m), f) in dims.into_iter().zip(keys).zip(messages).zip(flagged) {
            groups.insert((d, k), (m, f));
        }
    }
    Ok(Period { dir: dir.to_path_buf(), groups, meta })
}

fn missing(path: &Path, column: &str) -> BatchError {
    BatchError::Invalid(format!("{}：不是 yuqi-batch 的审查报告（缺少 {column} 列）", path.display()))
}

impl Period {
    fn fingerprint(&self) -> Option<String> {
        let a: serde_json::Value = serde_json::from_str(self.meta.get("yuqi.analyzer")?).ok()?;
        a["fingerprint"].as_str().map(str::to_string)
    }

    /// Collectors' messages and flagged messages over the whole report: the creditors' groups
    /// partition the contacts.
    fn totals(&self) -> (i64, i64) {
        self.groups.iter().filter(|((d, _), _)| d == "creditor").fold((0, 0), |(m, f), (_, (gm, gf))| (m + gm, f + gf))
    }

    fn describe(&self) -> String {
        let (m, f) = self.totals();
        let days = match (self.meta.get("yuqi.first_day"), self.meta.get("yuqi.last_day")) {
            (Some(a), Some(b)) if !a.is_empty() => format!("，时间范围 {a} 至 {b}"),
            _ => String::new(),
        };
        format!("{}（催收消息 {m} 条，有问题 {f} 条，每千条 {:.1}{days}）", self.dir.display(), per_1000(f, m))
    }
}

/// A group in both periods: (messages, flagged) before and after, and the change in flagged
/// per 1,000.
struct Change {
    key: String,
    before: (i64, i64),
    after: (i64, i64),
    change: f64,
}

/// Markdown cells: no pipes or line breaks from the input's names.
fn cell(s: &str) -> String {
    let s = if s.is_empty() { "（未填写）" } else { s };
    yuqi_util::escape_markup(s).replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// The comparison of the reports in `before` and `after` (two scan output directories).
pub fn compare_periods(before: &Path, after: &Path) -> Result<String> {
    let (a, b) = (read(before)?, read(after)?);
    let mut s = String::from("# 两期催收合规审查报告的比较\n\n");
    let _ = writeln!(s, "- 前一期：{}", a.describe());
    let _ = writeln!(s, "- 后一期：{}", b.describe());
    match (a.fingerprint(), b.fingerprint()) {
        (Some(x), Some(y)) if x == y => {
            let _ = writeln!(s, "- 分析器：两期相同（规则和模型文件的指纹 {x}），变化来自催收记录本身");
        }
        (x, y) => {
            let _ = writeln!(
                s,
                "- **注意：两期所用的分析器不同**（前一期指纹 {}，后一期 {}）：规则或模型变了，有问题的比例随之变化，下表的变化不能全部归于催收行为",
                x.as_deref().unwrap_or("未记录"),
                y.as_deref().unwrap_or("未记录")
            );
        }
    }
    if a.meta.contains_key("yuqi.input_sha256") && a.meta.get("yuqi.input_sha256") == b.meta.get("yuqi.input_sha256") {
        let _ = writeln!(s, "- **注意：两份报告的输入完全相同**（SHA-256 一致），不是两期不同的记录");
    }
    let ((am, af), (bm, bf)) = (a.totals(), b.totals());
    let _ = writeln!(
        s,
        "- 整体：催收消息 {am} → {bm} 条，有问题每千条 {:.1} → {:.1}（{:+.1}）",
        per_1000(af, am),
        per_1000(bf, bm),
        per_1000(bf, bm) - per_1000(af, am)
    );

    for (dim, _, zh) in DIMENSIONS {
        let keys: std::collections::BTreeSet<&String> =
            a.groups.keys().chain(b.groups.keys()).filter(|(d, _)| d == dim).map(|(_, k)| k).collect();
        let (mut both, mut only_before, mut only_after, mut small) = (Vec::new(), 0, 0, 0);
        for key in keys {
            let k = (dim.to_string(), key.clone());
            match (a.groups.get(&k), b.groups.get(&k)) {
                (Some(x), Some(y)) if x.0 >= MIN_RANKED_MESSAGES && y.0 >= MIN_RANKED_MESSAGES => {
                    let change = per_1000(y.1, y.0) - per_1000(x.1, x.0);
                    both.push(Change { key: key.clone(), before: *x, after: *y, change });
                }
                (Some(_), Some(_)) => small += 1,
                (Some(_), None) => only_before += 1,
                (None, _) => only_after += 1,
            }
        }
        // Largest rise first; equal changes by the larger group, then by name.
        both.sort_by(|x, y| y.change.total_cmp(&x.change).then(y.after.0.cmp(&x.after.0)).then(x.key.cmp(&y.key)));
        let _ = write!(s, "\n## 按{zh}\n\n");
        let _ = writeln!(
            s,
            "两期消息都不少于 {MIN_RANKED_MESSAGES} 条的 {} 个，按有问题每千条的变化排列（上升最多的在前）。只在前一期出现的 {only_before} 个、只在后一期出现的 {only_after} 个、有一期消息少于 {MIN_RANKED_MESSAGES} 条的 {small} 个没有列出。",
            both.len()
        );
        if both.is_empty() {
            continue;
        }
        let _ = write!(s, "\n| {zh} | 催收消息（前 → 后） | 有问题每千条（前 → 后） | 变化 |\n|---|---:|---:|---:|\n");
        let shown: Vec<&Change> = if both.len() > 2 * SHOWN {
            both.iter().take(SHOWN).chain(both.iter().skip(both.len() - SHOWN)).collect()
        } else {
            both.iter().collect()
        };
        for (i, Change { key, before: x, after: y, change }) in shown.iter().enumerate() {
            if both.len() > 2 * SHOWN && i == SHOWN {
                let _ = writeln!(s, "| （中间 {} 个从略） | | | |", both.len() - 2 * SHOWN);
            }
            let _ = writeln!(
                s,
                "| {} | {} → {} | {:.1} → {:.1} | {change:+.1} |",
                cell(key),
                x.0,
                y.0,
                per_1000(x.1, x.0),
                per_1000(y.1, y.0)
            );
        }
    }
    s.push_str(
        "\n说明：有问题每千条 = 分析器标出至少一项问题的催收消息数 × 1000 ÷ 该组催收消息数（包括没有文字的电话），是自动识别的结果，不是法律认定。\n",
    );
    Ok(s)
}

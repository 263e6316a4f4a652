//! Two reports of successive periods (this month and the last, say), side by side: per
//! creditor, agency and sender number, the collectors' messages and the flagged messages
//! per 1,000 before and after, sorted by the change, with the frequency breach days and the
//! kinds of problem (codes) whose rate per 1,000 changed the most; and over the whole report,
//! each kind's rate before and after. Markdown in Chinese, codes by their Chinese names.
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

use yuqi_conduct::Code;

use crate::report::{DIMENSIONS, per_1000, report_codes};
use crate::report_render::MIN_RANKED_MESSAGES;
use crate::{BatchError, Result, io_err};

/// How many groups with the largest rise, and with the largest fall, each table shows.
const SHOWN: usize = 20;

/// One report as read back: (dimension, key) → its figures, and its metadata.
struct Period {
    dir: PathBuf,
    groups: BTreeMap<(String, String), Group>,
    meta: HashMap<String, String>,
    /// Which of [`report_codes`] the report has a column for, and whether it has
    /// `frequency_breach_days` (a report of an older version may lack some; what one of the
    /// two lacks is not compared).
    has_code: Vec<bool>,
    has_breach_days: bool,
}

/// One group's figures: collectors' messages, flagged messages, messages per code (in
/// [`report_codes`] order; 0 where the report has no column) and frequency breach days.
#[derive(Debug, Clone, Default)]
struct Group {
    messages: i64,
    flagged: i64,
    codes: Vec<i64>,
    breach_days: i64,
}

fn read(dir: &Path) -> Result<Period> {
    let path = dir.join("report.parquet");
    let file = std::fs::File::open(&path).map_err(io_err(&path))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file)?;
    // The Arrow schema's metadata holds the `yuqi.*` pairs of older reports too (before they
    // were also plain key-value metadata).
    let meta = builder.schema().metadata().clone();
    let codes = report_codes();
    let has_code: Vec<bool> = codes.iter().map(|c| builder.schema().field_with_name(c.as_str()).is_ok()).collect();
    let has_breach_days = builder.schema().field_with_name("frequency_breach_days").is_ok();
    let mut groups = BTreeMap::new();
    for batch in builder.build()? {
        let b = batch?;
        let text = |name: &str| -> Result<Vec<String>> {
            let c = b.column_by_name(name).ok_or_else(|| missing(&path, name))?;
            let c = arrow::compute::cast(c, &DataType::Utf8)?;
            Ok(c.as_string::<i32>().iter().map(|v| v.unwrap_or_default().to_string()).collect())
        };
        // A count column; all zeros when the report has none of that name.
        let int = |name: &str, required: bool| -> Result<Vec<i64>> {
            let Some(c) = b.column_by_name(name) else {
                return if required { Err(missing(&path, name)) } else { Ok(vec![0; b.num_rows()]) };
            };
            let c = arrow::compute::cast(c, &DataType::Int64)?;
            Ok(c.as_primitive::<Int64Type>().iter().map(|v| v.unwrap_or(0)).collect())
        };
        let (dims, keys) = (text("dimension")?, text("key")?);
        let (messages, flagged) = (int("messages", true)?, int("flagged", true)?);
        let breach = int("frequency_breach_days", false)?;
        let per_code: Vec<Vec<i64>> = codes.iter().map(|c| int(c.as_str(), false)).collect::<Result<_>>()?;
        for (i, (d, k)) in dims.into_iter().zip(keys).enumerate() {
            // A small group is only counted (never compared) and there can be millions of them
            // (one per sender number): its per-code counts are not kept. The creditors' are,
            // whatever their size: they make the totals.
            let compared = messages[i] >= MIN_RANKED_MESSAGES || d == "creditor";
            let group = Group {
                messages: messages[i],
                flagged: flagged[i],
                codes: if compared { per_code.iter().map(|col| col[i]).collect() } else { Vec::new() },
                breach_days: breach[i],
            };
            groups.insert((d, k), group);
        }
    }
    Ok(Period { dir: dir.to_path_buf(), groups, meta, has_code, has_breach_days })
}

fn missing(path: &Path, column: &str) -> BatchError {
    BatchError::Invalid(format!("{}：不是 yuqi-batch 的审查报告（缺少 {column} 列）", path.display()))
}

impl Period {
    fn fingerprint(&self) -> Option<String> {
        let a: serde_json::Value = serde_json::from_str(self.meta.get("yuqi.analyzer")?).ok()?;
        a["fingerprint"].as_str().map(str::to_string)
    }

    /// The whole report's figures: the creditors' groups partition the contacts, and frequency
    /// is counted per creditor, so their sums are the totals.
    fn totals(&self) -> Group {
        let mut t = Group { codes: vec![0; self.has_code.len()], ..Group::default() };
        for g in self.groups.iter().filter(|((d, _), _)| d == "creditor").map(|(_, g)| g) {
            t.messages += g.messages;
            t.flagged += g.flagged;
            t.breach_days += g.breach_days;
            for (sum, n) in t.codes.iter_mut().zip(&g.codes) {
                *sum += n;
            }
        }
        t
    }

    fn describe(&self) -> String {
        let Group { messages: m, flagged: f, .. } = self.totals();
        let days = match (self.meta.get("yuqi.first_day"), self.meta.get("yuqi.last_day")) {
            (Some(a), Some(b)) if !a.is_empty() => format!("，时间范围 {a} 至 {b}"),
            _ => String::new(),
        };
        format!("{}（催收消息 {m} 条，有问题 {f} 条，每千条 {:.1}{days}）", self.dir.display(), per_1000(f, m))
    }
}

/// A group in both periods: its figures before and after, and the change in flagged per
/// 1,000.
struct Change {
    key: String,
    before: Group,
    after: Group,
    change: f64,
}

/// How many codes each group's row names: those whose rate changed the most.
const CODES_PER_GROUP: usize = 3;

/// One code's messages before and after and its rate per 1,000 before and after.
struct CodeChange {
    code: Code,
    before: i64,
    after: i64,
    rate_before: f64,
    rate_after: f64,
}

impl CodeChange {
    fn change(&self) -> f64 {
        self.rate_after - self.rate_before
    }

    /// Whether the rate changed at all (compared exactly, on the counts).
    fn changed(&self, x: &Group, y: &Group) -> bool {
        i128::from(self.before) * i128::from(y.messages) != i128::from(self.after) * i128::from(x.messages)
    }

    /// `夜间联系 10.0 → 30.0（+20.0）`
    fn describe(&self) -> String {
        format!("{} {:.1} → {:.1}（{:+.1}）", self.code.label_zh(), self.rate_before, self.rate_after, self.change())
    }
}

/// Every code both reports have, for a group's figures before (`x`) and after (`y`).
fn code_changes(a: &Period, b: &Period, x: &Group, y: &Group) -> Vec<CodeChange> {
    report_codes()
        .into_iter()
        .enumerate()
        .filter(|(i, _)| a.has_code[*i] && b.has_code[*i])
        .map(|(i, code)| CodeChange {
            code,
            before: x.codes[i],
            after: y.codes[i],
            rate_before: per_1000(x.codes[i], x.messages),
            rate_after: per_1000(y.codes[i], y.messages),
        })
        .collect()
}

/// The codes whose rate changed the most in a group, largest change (rise or fall) first.
fn largest_code_changes(a: &Period, b: &Period, x: &Group, y: &Group) -> String {
    let mut v: Vec<CodeChange> = code_changes(a, b, x, y).into_iter().filter(|c| c.changed(x, y)).collect();
    v.sort_by(|p, q| q.change().abs().total_cmp(&p.change().abs()).then(p.code.cmp(&q.code)));
    if v.is_empty() {
        return "（各类问题的比例都没有变）".into();
    }
    v.iter().take(CODES_PER_GROUP).map(CodeChange::describe).collect::<Vec<_>>().join("；")
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
    let (at, bt) = (a.totals(), b.totals());
    let ((am, af), (bm, bf)) = ((at.messages, at.flagged), (bt.messages, bt.flagged));
    let _ = writeln!(
        s,
        "- 整体：催收消息 {am} → {bm} 条，有问题每千条 {:.1} → {:.1}（{:+.1}）",
        per_1000(af, am),
        per_1000(bf, bm),
        per_1000(bf, bm) - per_1000(af, am)
    );
    if a.has_breach_days && b.has_breach_days {
        let _ = writeln!(
            s,
            "- 超频（人·天）：{} → {} 个（{:+}），即超过每日联系次数上限的（债务人，日期）对数，按债权人计算",
            at.breach_days,
            bt.breach_days,
            bt.breach_days - at.breach_days
        );
    }
    overall_codes(&mut s, &a, &b, &at, &bt);

    for (dim, _, zh) in DIMENSIONS {
        let keys: std::collections::BTreeSet<&String> =
            a.groups.keys().chain(b.groups.keys()).filter(|(d, _)| d == dim).map(|(_, k)| k).collect();
        let (mut both, mut only_before, mut only_after, mut small) = (Vec::new(), 0, 0, 0);
        for key in keys {
            let k = (dim.to_string(), key.clone());
            match (a.groups.get(&k), b.groups.get(&k)) {
                (Some(x), Some(y)) if x.messages >= MIN_RANKED_MESSAGES && y.messages >= MIN_RANKED_MESSAGES => {
                    let change = per_1000(y.flagged, y.messages) - per_1000(x.flagged, x.messages);
                    both.push(Change { key: key.clone(), before: x.clone(), after: y.clone(), change });
                }
                (Some(_), Some(_)) => small += 1,
                (Some(_), None) => only_before += 1,
                (None, _) => only_after += 1,
            }
        }
        // Largest rise first; equal changes by the larger group, then by name.
        both.sort_by(|x, y| {
            y.change.total_cmp(&x.change).then(y.after.messages.cmp(&x.after.messages)).then(x.key.cmp(&y.key))
        });
        let _ = write!(s, "\n## 按{zh}\n\n");
        let _ = writeln!(
            s,
            "两期消息都不少于 {MIN_RANKED_MESSAGES} 条的 {} 个，按有问题每千条的变化排列（上升最多的在前）。只在前一期出现的 {only_before} 个、只在后一期出现的 {only_after} 个、有一期消息少于 {MIN_RANKED_MESSAGES} 条的 {small} 个没有列出。",
            both.len()
        );
        if both.is_empty() {
            continue;
        }
        let _ = write!(
            s,
            "\n| {zh} | 催收消息（前 → 后） | 有问题每千条（前 → 后） | 变化 | 超频（人·天，前 → 后） | 比例变化最大的问题（每千条，前 → 后） |\n|---|---:|---:|---:|---:|---|\n"
        );
        let shown: Vec<&Change> = if both.len() > 2 * SHOWN {
            both.iter().take(SHOWN).chain(both.iter().skip(both.len() - SHOWN)).collect()
        } else {
            both.iter().collect()
        };
        for (i, Change { key, before: x, after: y, change }) in shown.iter().enumerate() {
            if both.len() > 2 * SHOWN && i == SHOWN {
                let _ = writeln!(s, "| （中间 {} 个从略） | | | | | |", both.len() - 2 * SHOWN);
            }
            let breach = if a.has_breach_days && b.has_breach_days {
                format!("{} → {}", x.breach_days, y.breach_days)
            } else {
                "（未记录）".into()
            };
            let _ = writeln!(
                s,
                "| {} | {} → {} | {:.1} → {:.1} | {change:+.1} | {breach} | {} |",
                cell(key),
                x.messages,
                y.messages,
                per_1000(x.flagged, x.messages),
                per_1000(y.flagged, y.messages),
                largest_code_changes(&a, &b, x, y)
            );
        }
    }
    s.push_str(
        "\n说明：有问题每千条 = 分析器标出至少一项问题的催收消息数 × 1000 ÷ 该组催收消息数（包括没有文字的电话），是自动识别的结果，不是法律认定。\n",
    );
    s.push_str(
        "\n某类问题每千条 = 带有这类问题的催收消息数 × 1000 ÷ 同一组催收消息数；一条消息可能有几类问题，所以各类相加可以多于有问题每千条。“比例变化最大的问题”按变化的大小（上升或下降）列出最多 3 类，比例没有变的不列。\n",
    );
    s.push_str(
        "\n超频（人·天）= 超过每日联系次数上限的（债务人，日期）对数；频次按债权人计算，同一债务人同一天的超限联系若来自几个号码或机构，在每个号码、机构下各计一次。\n",
    );
    Ok(s)
}

/// The whole report's rate per 1,000 for each kind of problem, before and after, largest rise
/// first; kinds that neither period has are counted, not listed.
fn overall_codes(s: &mut String, a: &Period, b: &Period, at: &Group, bt: &Group) {
    let all = code_changes(a, b, at, bt);
    let (mut shown, none): (Vec<CodeChange>, Vec<CodeChange>) =
        all.into_iter().partition(|c| c.before > 0 || c.after > 0);
    shown.sort_by(|p, q| q.change().total_cmp(&p.change()).then(p.code.cmp(&q.code)));
    let _ = write!(s, "\n## 各类问题（全部催收消息）\n\n");
    let _ = writeln!(
        s,
        "两期都记录的 {} 类问题中，至少一期出现过的 {} 类，按每千条的变化排列（上升最多的在前）；两期都没有出现的 {} 类没有列出。",
        shown.len() + none.len(),
        shown.len(),
        none.len()
    );
    if shown.is_empty() {
        return;
    }
    s.push_str("\n| 问题 | 条数（前 → 后） | 每千条（前 → 后） | 变化 |\n|---|---:|---:|---:|\n");
    for c in &shown {
        let _ = writeln!(
            s,
            "| {} | {} → {} | {:.1} → {:.1} | {:+.1} |",
            c.code.label_zh(),
            c.before,
            c.after,
            c.rate_before,
            c.rate_after,
            c.change()
        );
    }
}

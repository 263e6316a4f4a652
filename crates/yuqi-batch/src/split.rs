//! How a Parquet input divides over a cluster's scan tasks, and what to say when it divides
//! badly.
//!
//! On a cluster the first stage's tasks are ranges of the input, and a Parquet row group is
//! read whole by one task (the local scan deals batches round-robin instead, so this is a
//! cluster matter only). Ten row groups over four partitions were tasks of three, two, three and
//! one and a half groups (the last group is half full):
//! the executor that draws the larger tasks works while the other waits, and the stage takes the
//! slowest executor's time. Measured on 10 M generated messages with two executors
//! (docs/batch.md, "Benchmarks"): tasks of 29.4, 22.1, 30.0 and 16.4 s, one executor idle for
//! 6.3 s at the end of the stage — a few per cent of the run here, and a task with nothing to
//! read when there are fewer row groups than partitions.

use std::path::PathBuf;

use datafusion::parquet::file::reader::{FileReader, SerializedFileReader};

use crate::{BatchError, Result, input_io};

/// The row groups of the Parquet files `files` and the rows in them, from their footers.
pub fn parquet_row_groups(files: &[PathBuf]) -> Result<(u64, u64)> {
    let (mut groups, mut rows) = (0u64, 0u64);
    for f in files {
        let file = std::fs::File::open(f).map_err(input_io(f))?;
        let reader = SerializedFileReader::new(file).map_err(|e| BatchError::BadInput {
            path: f.clone(),
            place: None,
            reason: format!("Parquet 文件尾无法读取：{e}"),
        })?;
        let meta = reader.metadata();
        groups += meta.num_row_groups() as u64;
        rows += meta.row_groups().iter().map(|g| u64::try_from(g.num_rows()).unwrap_or(0)).sum::<u64>();
    }
    Ok((groups, rows))
}

/// What to tell the operator before a cluster scan of the Parquet files `files` in
/// `partitions` partitions, if anything. The engine splits only inputs of at least `min_bytes`
/// in all (`datafusion.optimizer.repartition_file_min_size`); a smaller one is read by one task
/// whatever its row groups, and is small enough for that not to matter.
pub fn advise(files: &[PathBuf], partitions: usize, min_bytes: u64) -> Result<Option<Uneven>> {
    let mut bytes = 0u64;
    for f in files {
        bytes += std::fs::metadata(f).map_err(input_io(f))?.len();
    }
    if bytes < min_bytes {
        return Ok(None);
    }
    let (groups, rows) = parquet_row_groups(files)?;
    Ok(uneven(groups, rows, partitions as u64))
}

/// An uneven division of row groups over partitions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uneven {
    pub groups: u64,
    pub partitions: u64,
    /// Row groups of the largest task.
    pub most: u64,
    /// Partition counts near the one asked for that divide the row groups evenly.
    pub even: Vec<u64>,
    /// Rows per row group at which `partitions` would be within [`TOLERANCE_PERCENT`].
    pub rows_per_group: u64,
}

/// How much more work than the average (in percent) the largest task may have before it is
/// worth a word.
pub const TOLERANCE_PERCENT: u64 = 10;

/// `None` when `groups` row groups of about equal size divide over `partitions` tasks with the
/// largest task within [`TOLERANCE_PERCENT`] of the average; otherwise what is uneven and what
/// would divide evenly. At best the tasks get ⌊groups / partitions⌋ or ⌈groups / partitions⌉
/// groups (the engine's byte ranges can do worse), so this is the least the division costs.
pub fn uneven(groups: u64, rows: u64, partitions: u64) -> Option<Uneven> {
    if groups == 0 || partitions <= 1 {
        return None;
    }
    let most = groups.div_ceil(partitions);
    // most·p / g − 1 < t / 100, in integers wide enough for any --partitions.
    if 100 * u128::from(most) * u128::from(partitions) < u128::from(100 + TOLERANCE_PERCENT) * u128::from(groups) {
        return None;
    }
    let even = (2..=groups)
        .filter(|&d| groups.is_multiple_of(d) && d * 2 >= partitions && d <= partitions.saturating_mul(2))
        .collect();
    // ⌈g/p⌉·p/g − 1 < p/g, so g ≥ p·100/t row groups are enough.
    let needed = partitions.saturating_mul(100) / TOLERANCE_PERCENT;
    let rows_per_group = round_down(rows / needed.max(1));
    Some(Uneven { groups, partitions, most, even, rows_per_group })
}

/// Down to two significant digits (250,000 rather than 249,999), at least 1.
fn round_down(n: u64) -> u64 {
    let mut unit = 1;
    while n / unit >= 100 {
        unit *= 10;
    }
    (n / unit * unit).max(1)
}

/// A number of rows as a reader writes it: 250,000 as "25 万行", 52,000 as "5.2 万行".
fn rows_zh(n: u64) -> String {
    match n {
        0..10_000 => format!("{n} 行"),
        _ if n.is_multiple_of(10_000) => format!("{} 万行", n / 10_000),
        _ => format!("{}.{} 万行", n / 10_000, n % 10_000 / 1_000),
    }
}

impl Uneven {
    /// How much more work than the average the largest task has (0.2 = 20 %).
    pub fn excess(&self) -> f64 {
        (self.most as f64 * self.partitions as f64) / self.groups as f64 - 1.0
    }

    /// What the operator is told before a cluster scan.
    pub fn message(&self) -> String {
        let mean = self.groups as f64 / self.partitions as f64;
        let mut s = format!(
            "提示：输入有 {} 个行组，集群上一个行组只能由一个任务整个读取。分成 {} 个分区时，最多的分区读 {} 个行组（平均 {:.1} 个），\
             比平均多约 {:.0}% 的工作；每一阶段都要等最慢的任务做完，先做完的执行器会空等。",
            self.groups,
            self.partitions,
            self.most,
            mean,
            self.excess() * 100.0
        );
        if !self.even.is_empty() {
            let list: Vec<String> = self.even.iter().map(u64::to_string).collect();
            s.push_str(&format!("可以把 --partitions 设为能整除行组数的 {}，", list.join("、")));
            s.push_str(&format!("或者用更小的行组写入输入（每组不超过约 {}）。", rows_zh(self.rows_per_group)));
        } else {
            s.push_str(&format!("可以用更小的行组写入输入（每组不超过约 {}）。", rows_zh(self.rows_per_group)));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_groups_over_four_partitions_is_uneven_and_two_or_five_divide_them() {
        // The 10 M benchmark log: 2, 3, 2, 3 groups per task; the largest has 20 % more.
        let u = uneven(10, 10_000_000, 4).unwrap();
        assert_eq!((u.most, u.even.clone()), (3, vec![2, 5]));
        assert!((u.excess() - 0.2).abs() < 1e-9);
        // Four partitions need 40 groups to be within 10 %: 250,000 rows each.
        assert_eq!(u.rows_per_group, 250_000);
        let m = u.message();
        assert!(m.contains("10 个行组") && m.contains("2、5") && m.contains("25 万行"), "{m}");
        assert_eq!([rows_zh(9_900), rows_zh(52_000), rows_zh(1_200_000)], ["9900 行", "5.2 万行", "120 万行"]);
    }

    #[test]
    fn even_divisions_and_many_groups_say_nothing() {
        assert_eq!(uneven(10, 10_000_000, 2), None);
        assert_eq!(uneven(10, 10_000_000, 5), None);
        assert_eq!(uneven(39, 10_000_000, 4), None); // 10, 10, 10, 9: 2.6 %
        assert_eq!(uneven(10, 10_000_000, 1), None);
        assert_eq!(uneven(0, 0, 4), None);
        // Any --partitions is counted without overflow: ten groups over u64::MAX tasks.
        let huge = uneven(10, 10_000_000, u64::MAX).unwrap();
        assert!(huge.even.is_empty() && huge.most == 1);
    }

    #[test]
    fn fewer_groups_than_partitions_leave_tasks_empty() {
        let u = uneven(3, 3_000_000, 4).unwrap();
        assert_eq!((u.most, u.even.clone()), (1, vec![3]));
        assert!((u.excess() - 1.0 / 3.0).abs() < 1e-9);
        // One group cannot be divided at all: only smaller groups help.
        let one = uneven(1, 1_048_576, 2).unwrap();
        assert!(one.even.is_empty());
        assert!(one.message().contains("更小的行组") && !one.message().contains("--partitions"), "{}", one.message());
    }

    #[test]
    fn the_row_groups_are_read_from_the_footers() {
        let dir = tempfile::tempdir().unwrap();
        let mut files = Vec::new();
        for (i, n) in [2_500u64, 1_000].into_iter().enumerate() {
            let path = dir.path().join(format!("{i}.parquet"));
            let opts = crate::generate::GenOptions { messages: n, seed: 1, per_debtor: 40 };
            crate::generate::write_grouped(opts, &path, crate::input::InputFormat::Parquet, 1_000).unwrap();
            files.push(path);
        }
        assert_eq!(parquet_row_groups(&files).unwrap(), (4, 3_500));
        // Four groups over three partitions: 2, 1, 1.
        let u = advise(&files, 3, 0).unwrap().unwrap();
        assert_eq!((u.groups, u.most), (4, 2));
        // Below the engine's splitting size the input is one task anyway: nothing to say.
        assert_eq!(advise(&files, 3, 10 << 20).unwrap(), None);
        assert_eq!(advise(&files, 2, 0).unwrap(), None);
        let not_parquet = dir.path().join("x.parquet");
        std::fs::write(&not_parquet, "id,text\n").unwrap();
        assert!(parquet_row_groups(&[not_parquet]).is_err());
    }
}

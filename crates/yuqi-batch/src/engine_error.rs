//! Why the query engine failed when the input is not the reason, said in plain Chinese with
//! what to do.
//!
//! DataFusion's messages are English and written for its developers (`Resources exhausted:
//! Failed to allocate additional 1.2 MB for ExternalSorter[0] …`, `IO error: No space left on
//! device (os error 28)`). The common failures that are not the input's — a memory budget too
//! small, a full disk or a directory that cannot be written, a cluster that cannot be reached —
//! are recognised from the error's chain of causes (its kind and the system's I/O error inside
//! it; by wording only where Ballista passes a connection error on as text), explained, and
//! followed by what to do. The engine's own text stays, on the last line only, as a technical
//! detail for whoever maintains the tool.

use std::error::Error;
use std::io::ErrorKind;

use datafusion::error::DataFusionError;

/// What went wrong in the engine, as far as a user can act on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EngineTrouble {
    /// The operators needed more memory than the budget (`--memory-limit`) holds, even after
    /// writing what they could to disk.
    MemoryBudget,
    /// The data written to disk for lack of memory exceeded the engine's own limit on it.
    SpillLimit,
    /// A system I/O error while the engine read or wrote files: in a scan whose input reads
    /// (it is read again to check), the output or the spill directory.
    Disk(ErrorKind),
    /// The Ballista scheduler (`--cluster`) could not be reached.
    ClusterUnreachable,
    /// None of these: the engine's own failure.
    Other,
}

/// The label of the engine's own text, on the last line of every explanation.
pub const DETAIL_LABEL: &str = "技术细节（供开发人员排查）：";

/// The next cause of `e`. An I/O error wrapping another error is looked into (its `source()`
/// skips the wrapped error and gives that error's own cause).
fn cause<'a>(e: &'a (dyn Error + 'static)) -> Option<&'a (dyn Error + 'static)> {
    if let Some(inner) = e.downcast_ref::<std::io::Error>().and_then(std::io::Error::get_ref) {
        return Some(inner);
    }
    e.source()
}

fn network(kind: ErrorKind) -> bool {
    use ErrorKind::*;
    matches!(
        kind,
        ConnectionRefused
            | ConnectionReset
            | ConnectionAborted
            | NotConnected
            | AddrNotAvailable
            | HostUnreachable
            | NetworkUnreachable
            | NetworkDown
            | TimedOut
    )
}

/// What kind of failure `e` is.
pub fn classify(e: &DataFusionError) -> EngineTrouble {
    let mut io_kind = None;
    let mut level: Option<&(dyn Error + 'static)> = Some(e);
    // A chain is short; the bound only guards against a cycle.
    for _ in 0..64 {
        let Some(err) = level else { break };
        let df = err.downcast_ref::<DataFusionError>();
        if let Some(DataFusionError::ResourcesExhausted(text)) = df {
            return exhausted(text);
        }
        if let Some(io) = err.downcast_ref::<std::io::Error>()
            && io_kind.is_none()
            && io.kind() != ErrorKind::Other
        {
            io_kind = Some(io.kind());
        }
        level = cause(err);
    }
    if let Some(kind) = io_kind {
        return if network(kind) { EngineTrouble::ClusterUnreachable } else { EngineTrouble::Disk(kind) };
    }
    // Ballista passes errors on as text: a failed connection to the scheduler is the Debug
    // form of tonic's transport error; an executor's failure is its error's text.
    let text = e.to_string();
    let has = |words: &[&str]| words.iter().any(|w| text.contains(w));
    if has(&["tcp connect error", "ConnectionRefused", "Connection refused", "dns error", "transport error"]) {
        EngineTrouble::ClusterUnreachable
    } else if has(&["Resources exhausted", "ResourcesExhausted"]) {
        exhausted(&text)
    } else if has(&["No space left on device", "Disk quota exceeded"]) {
        EngineTrouble::Disk(ErrorKind::StorageFull)
    } else if has(&["Permission denied"]) {
        EngineTrouble::Disk(ErrorKind::PermissionDenied)
    } else if has(&["Read-only file system"]) {
        EngineTrouble::Disk(ErrorKind::ReadOnlyFilesystem)
    } else {
        EngineTrouble::Other
    }
}

/// Which resource ran out, from the engine's text (typed, or passed on as text by Ballista):
/// its spill limit names the disk space; everything else is the memory pool.
fn exhausted(text: &str) -> EngineTrouble {
    if text.contains("disk space") { EngineTrouble::SpillLimit } else { EngineTrouble::MemoryBudget }
}

const MIB: u64 = 1 << 20;
const GIB: u64 = 1 << 30;
/// The smallest budget `--memory-limit` takes.
const MIN_LIMIT: u64 = 128 * MIB;

/// A byte count as `--memory-limit` takes it: whole gibibytes as `4G`, else mebibytes
/// (rounded up) as `384M`, and less than a mebibyte in kibibytes (rounded up) as `64K`.
pub fn limit_arg(bytes: u64) -> String {
    if bytes >= GIB && bytes.is_multiple_of(GIB) {
        format!("{}G", bytes / GIB)
    } else if bytes >= MIB {
        format!("{}M", bytes.div_ceil(MIB))
    } else {
        format!("{}K", bytes.div_ceil(1024))
    }
}

/// The budget to try after `limit` was too small: twice as much, and at least the smallest
/// the option takes.
pub fn suggested_limit(limit: u64) -> u64 {
    limit.saturating_mul(2).max(MIN_LIMIT)
}

/// Where the engine writes, for the disk messages.
const WHERE_IT_WRITES: &str = "查询引擎把审查结果写到输出目录（--output；运行中先写到“输出目录名.part”，完成后才改名），内存预算不够时把中间数据写到旁边的“输出目录名.spill”，两者在同一块磁盘上";

/// `e` explained: what happened and what to do, in Chinese, then the engine's own text on a
/// last line of its own. `limit` is a local run's memory budget (`--memory-limit`) when known.
pub fn explain(e: &DataFusionError, limit: Option<u64>) -> String {
    let (what, todo) = match classify(e) {
        EngineTrouble::MemoryBudget => {
            let budget = limit.map(|l| format!("（这次的预算是 {}）", limit_arg(l))).unwrap_or_default();
            let suggestion = match limit {
                Some(l) => format!("--memory-limit {}", limit_arg(suggested_limit(l))),
                None => format!("--memory-limit {}（不写时默认 2G）", limit_arg(2 * crate::cluster::DEFAULT_MEMORY_LIMIT)),
            };
            (
                format!(
                    "查询引擎的内存预算不够用{budget}。排序和汇总在内存不够时会把中间数据写到磁盘上，但每次仍要把一批数据放进内存，合并磁盘上的中间数据、写出 Parquet 文件也要占用内存；这次的预算连这些也放不下。输入文件没有问题。"
                ),
                format!(
                    "给更大的内存预算再运行一次，例如加上 {suggestion}；机器的内存不够时，也可以用 --partitions 减少并行分区数（每个分区各要一份内存）。在集群上运行时，给执行器（yuqi-batch executor）更大的 --memory-limit。"
                ),
            )
        }
        EngineTrouble::SpillLimit => (
            "内存不够时写到磁盘上的中间数据超过了查询引擎允许的上限。输入文件没有问题。".to_string(),
            "给更大的内存预算（--memory-limit）让更多数据留在内存中，或者把输入分成几份分别审查。".to_string(),
        ),
        EngineTrouble::Disk(kind) => disk(kind),
        EngineTrouble::ClusterUnreachable => (
            "连不上 Ballista 集群：调度器没有响应（地址不对、调度器没有运行，或者网络不通）。".to_string(),
            "检查 --cluster 的地址和端口（df://主机:端口）、调度器（yuqi-batch scheduler）是否在运行、本机能否连到那台机器（防火墙）；或者不加 --cluster，在本机运行。".to_string(),
        ),
        EngineTrouble::Other => (
            "查询引擎出错，原因不是常见的内存、磁盘或集群问题。".to_string(),
            "再运行一次；仍然出错时，请把这条信息连同最后一行的技术细节发给维护这个程序的人。".to_string(),
        ),
    };
    format!("{what}\n怎么办：{todo}\n{DETAIL_LABEL}{}", one_line(&e.strip_backtrace()))
}

fn disk(kind: ErrorKind) -> (String, String) {
    use ErrorKind::*;
    match kind {
        StorageFull | QuotaExceeded | FileTooLarge => (
            format!("磁盘空间不足，写不下审查结果或中间数据。{WHERE_IT_WRITES}。"),
            "腾出磁盘空间，或者用 --output 把输出放到空间更大的磁盘上，再运行一次。".to_string(),
        ),
        PermissionDenied | ReadOnlyFilesystem => (
            format!("没有权限写入（或者那块磁盘是只读的）。{WHERE_IT_WRITES}。"),
            "用 --output 换一个当前用户可以写入的目录，再运行一次。".to_string(),
        ),
        NotFound | NotADirectory | IsADirectory | DirectoryNotEmpty => (
            format!(
                "无法写入磁盘：{}。{WHERE_IT_WRITES}；运行期间这些目录被删除或移动，或者 --output 的路径中有一级是文件，都会这样。",
                crate::io_zh(&std::io::Error::from(kind))
            ),
            "检查 --output 给的路径（其中每一级都应是目录），运行期间不要移动或删除“输出目录名.part”和“输出目录名.spill”，再运行一次。".to_string(),
        ),
        _ => (
            format!("读写磁盘时出错。{WHERE_IT_WRITES}。"),
            "检查输出目录所在的磁盘（空间、权限、是否还连接着），再运行一次。".to_string(),
        ),
    }
}

/// The engine's text on one line (a budget error lists its memory consumers line by line).
fn one_line(s: &str) -> String {
    s.split(['\n', '\r']).map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ")
}

/// The English words (three letters or more) of a line of an explanation, beyond the option,
/// file-format and program names it may use. The explanation's first two lines must have
/// none; the tests check every explanation with this.
#[doc(hidden)]
pub fn stray_english(line: &str) -> Vec<&str> {
    const NAMES: [&str; 13] = [
        "memory",
        "limit",
        "partitions",
        "output",
        "part",
        "spill",
        "cluster",
        "Ballista",
        "yuqi",
        "batch",
        "executor",
        "scheduler",
        "Parquet",
    ];
    line.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| w.len() >= 3 && !NAMES.contains(w)).collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::sync::Arc;

    use super::*;

    /// The lines of an explanation: all but the last in Chinese (option names and the
    /// cluster's URL form aside), the last the engine's text after [`DETAIL_LABEL`].
    fn lines(e: &DataFusionError, limit: Option<u64>) -> Vec<String> {
        let text = explain(e, limit);
        let lines: Vec<String> = text.lines().map(str::to_string).collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(lines[1].starts_with("怎么办："), "{text}");
        assert_eq!(lines[2], format!("{DETAIL_LABEL}{}", one_line(&e.strip_backtrace())), "{text}");
        for line in &lines[..2] {
            assert!(stray_english(line).is_empty(), "English {:?} in: {line}", stray_english(line));
        }
        lines
    }

    fn io(kind: ErrorKind) -> std::io::Error {
        std::io::Error::from(kind)
    }

    #[test]
    fn an_exhausted_budget_names_the_option_and_a_larger_value() {
        let root = DataFusionError::ResourcesExhausted(
            "Additional allocation failed for ExternalSorter[0] with top memory consumers (across reservations) as:\n  ExternalSorterMerge[1]#5(can spill: false) consumed 10.0 MB\nError: Failed to allocate additional 1.2 MB".into(),
        );
        // As it comes out of a plan: shared between partitions, inside Arrow, with context.
        let wrapped = DataFusionError::Context(
            "writing".into(),
            Box::new(DataFusionError::ArrowError(
                Box::new(arrow::error::ArrowError::ExternalError(Box::new(DataFusionError::Shared(Arc::new(root))))),
                None,
            )),
        );
        assert_eq!(classify(&wrapped), EngineTrouble::MemoryBudget);
        let l = lines(&wrapped, Some(256 * MIB));
        assert!(l[0].starts_with("查询引擎的内存预算不够用（这次的预算是 256M）"), "{l:?}");
        assert!(l[0].contains("输入文件没有问题"), "{l:?}");
        assert!(l[1].contains("--memory-limit 512M"), "{l:?}");
        assert!(l[2].contains("ExternalSorterMerge[1]#5(can spill: false) consumed 10.0 MB Error:"), "one line: {l:?}");
        // Without the budget: the default and a value above it.
        let l = lines(&wrapped, None);
        assert!(l[1].contains("--memory-limit 4G（不写时默认 2G）"), "{l:?}");
        // The suggestion is one the option takes.
        assert_eq!((limit_arg(suggested_limit(GIB)), limit_arg(suggested_limit(MIB))), ("2G".into(), "128M".into()));
        assert_eq!((limit_arg(3 * GIB / 2), limit_arg(64 * 1024)), ("1536M".into(), "64K".into()));

        let spill = DataFusionError::ResourcesExhausted(
            "The used disk space during the spilling process has exceeded the allowable limit of 100.0 GB".into(),
        );
        assert_eq!(classify(&spill), EngineTrouble::SpillLimit);
        assert!(lines(&spill, None)[0].contains("超过了查询引擎允许的上限"));
    }

    #[test]
    fn disk_errors_are_told_by_their_system_error() {
        // Inside a Parquet writer's error, inside an external error.
        let full = DataFusionError::External(Box::new(datafusion::parquet::errors::ParquetError::External(Box::new(
            io(ErrorKind::StorageFull),
        ))));
        assert_eq!(classify(&full), EngineTrouble::Disk(ErrorKind::StorageFull));
        let l = lines(&full, None);
        assert!(l[0].starts_with("磁盘空间不足"), "{l:?}");
        assert!(l[0].contains("输出目录名.spill"), "{l:?}");
        assert!(l[1].contains("--output"), "{l:?}");

        let denied = DataFusionError::IoError(io(ErrorKind::PermissionDenied));
        assert_eq!(classify(&denied), EngineTrouble::Disk(ErrorKind::PermissionDenied));
        assert!(lines(&denied, None)[0].starts_with("没有权限写入"));

        // An I/O error wrapping another (as spill writers make them): the inner one counts.
        let wrapped = DataFusionError::IoError(std::io::Error::other(io(ErrorKind::NotADirectory)));
        assert_eq!(classify(&wrapped), EngineTrouble::Disk(ErrorKind::NotADirectory));
        let l = lines(&wrapped, None);
        assert!(l[0].contains("路径中的某一级不是目录"), "{l:?}");

        // Passed on as text by an executor.
        let text = DataFusionError::Execution("Task failed: IO error: No space left on device (os error 28)".into());
        assert_eq!(classify(&text), EngineTrouble::Disk(ErrorKind::StorageFull));
    }

    #[test]
    fn an_unreachable_cluster_is_said_so() {
        // How Ballista's client reports a refused connection to the scheduler.
        let e = DataFusionError::Execution(
            "tonic::transport::Error(Transport, ConnectError(\"tcp connect error\", Os { code: 111, kind: ConnectionRefused, message: \"Connection refused\" }))".into(),
        );
        assert_eq!(classify(&e), EngineTrouble::ClusterUnreachable);
        let l = lines(&e, None);
        assert!(l[0].starts_with("连不上 Ballista 集群"), "{l:?}");
        assert!(l[1].contains("--cluster"), "{l:?}");
        let e = DataFusionError::External(Box::new(io(ErrorKind::ConnectionRefused)));
        assert_eq!(classify(&e), EngineTrouble::ClusterUnreachable);
    }

    #[test]
    fn anything_else_keeps_the_engines_text_last() {
        let e = DataFusionError::Internal("Unexpected plan\nwith two lines".into());
        assert_eq!(classify(&e), EngineTrouble::Other);
        let l = lines(&e, None);
        assert!(l[0].starts_with("查询引擎出错，原因不是常见的"), "{l:?}");
        assert!(l[2].contains("Unexpected plan with two lines"), "{l:?}");
        // An I/O error of no particular kind is not a disk full or a permission.
        let e = DataFusionError::IoError(std::io::Error::other("something"));
        assert_eq!(classify(&e), EngineTrouble::Other);
    }
}

//! Batch compliance audit of collection-message logs: the conduct analyzer on
//! DataFusion, on one machine or on a Ballista cluster.
//!
//! A shell crate (it reads and writes files, runs an engine). The judgement is
//! `yuqi-conduct`'s, registered as SQL functions ([`functions`]); this crate adds
//! the plan that runs them over millions of rows ([`scan`]), the aggregate report
//! per creditor, agency and sender number ([`report`]), a deterministic generator
//! of realistic logs for tests and benchmarks ([`generate`]), the cluster
//! processes ([`cluster`]), a row-for-row comparison of two runs ([`compare`]), a comparison of
//! two periods' reports per group ([`periods`]) and what
//! makes two reports comparable: the input's SHA-256 and the analyzer's identity ([`provenance`]);
//! the bare analyzer's speed on the same generated messages, for the benchmarks ([`speed`]); the
//! writer that writes each partition's messages where they were judged ([`sink`]).
//! A bad input is named by file and line or row ([`diagnose`]); an engine failure that is not
//! the input's is explained in Chinese ([`engine_error`]).
//!
//! Heavy to build (DataFusion, Ballista), so it is not a default workspace member.

pub mod build_id;
pub mod cluster;
pub mod compare;
pub mod diagnose;
pub mod engine_error;
pub mod functions;
pub mod generate;
pub mod input;
pub mod periods;
pub mod provenance;
pub mod report;
pub mod report_render;
pub mod scan;
pub mod sink;
pub mod speed;
pub mod split;

use std::path::PathBuf;

/// What can go wrong in a batch run. Messages are in Chinese: they reach users.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// The query engine failed for a reason that is not the input's (memory, disk, cluster, or
    /// the engine itself): what happened and what to do in Chinese, the engine's own text on a
    /// last line of its own ([`engine_error::explain`]). Not a source: the text is already here.
    #[error("{}", engine_error::explain(.0, None))]
    Engine(datafusion::error::DataFusionError),
    /// The engine ran out of a local run's memory budget of `limit` bytes (`--memory-limit`),
    /// said with a larger budget to try ([`BatchError::with_memory_limit`]).
    #[error("{}", engine_error::explain(.engine, Some(*.limit)))]
    OutOfMemory { limit: u64, engine: datafusion::error::DataFusionError },
    #[error("Arrow 数据出错：{0}")]
    Arrow(#[from] arrow::error::ArrowError),
    #[error("Parquet 写入出错：{0}")]
    Parquet(#[from] datafusion::parquet::errors::ParquetError),
    #[error("{}：{}", path.display(), io_zh(source))]
    Io { path: PathBuf, source: std::io::Error },
    /// The input cannot be read as a message log: what is wrong, in which file, and where in
    /// it when that is known (found by [`diagnose`] when the engine's own message is not one
    /// a user can act on).
    #[error("输入文件 {}{}：{reason}", path.display(), place.as_ref().map(|p| format!(" {p}")).unwrap_or_default())]
    BadInput { path: PathBuf, place: Option<Place>, reason: String },
    #[error("{path}：缺少必需的列 {missing}（{}）", if found.is_empty() { "没有找到任何列".to_string() } else { format!("找到的列：{found}") })]
    MissingColumn { path: PathBuf, missing: String, found: String },
    #[error("{path}：无法判断文件格式（支持 .csv、.jsonl/.ndjson/.json、.parquet，或用 --format 指定）")]
    UnknownFormat { path: PathBuf },
    #[error("{path}：没有找到输入文件")]
    NoInput { path: PathBuf },
    #[error("输出目录 {0} 已存在；换一个目录，或加 --overwrite 覆盖")]
    OutputExists(PathBuf),
    /// A regular file where a directory of the output's path should be (the system would only
    /// say "already exists" or "not a directory").
    #[error("不能在 {} 中建立输出目录：{} 是一个文件，不是目录；请换一个输出目录", parent.display(), file.display())]
    OutputUnderFile { parent: PathBuf, file: PathBuf },
    #[error("集群出错：{0}")]
    Cluster(String),
    #[error("{0}")]
    Invalid(String),
}

/// Where in an input file a problem is, as a person opening the file counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// A line of a text file (CSV, JSON lines), from 1; the header of a CSV is line 1.
    Line(u64),
    /// Rows of a Parquet file, from 1: one row (`first == last`) when the bad row is known, or
    /// the rows of a page that cannot be read at all.
    Rows { first: u64, last: u64 },
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Place::Line(n) => write!(f, "第 {n} 行"),
            Place::Rows { first, last } if first == last => write!(f, "第 {first} 行"),
            Place::Rows { first, last } => write!(f, "第 {first}–{last} 行之间"),
        }
    }
}

pub type Result<T, E = BatchError> = std::result::Result<T, E>;

impl From<datafusion::error::DataFusionError> for BatchError {
    fn from(e: datafusion::error::DataFusionError) -> BatchError {
        BatchError::Engine(e)
    }
}

impl BatchError {
    /// This error of a local run whose memory budget was `limit` bytes (`None`: unlimited, or
    /// a cluster run): an exhausted budget becomes [`BatchError::OutOfMemory`], which names it
    /// and suggests a larger one. Other errors are returned as they are.
    pub fn with_memory_limit(self, limit: Option<u64>) -> BatchError {
        match (self, limit) {
            (BatchError::Engine(engine), Some(limit))
                if engine_error::classify(&engine) == engine_error::EngineTrouble::MemoryBudget =>
            {
                BatchError::OutOfMemory { limit, engine }
            }
            (e, _) => e,
        }
    }
}

pub(crate) fn io_err(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> BatchError {
    let path = path.into();
    move |source| BatchError::Io { path, source }
}

/// The common I/O failures in Chinese (the system's own message is English); others keep
/// the system's message in brackets, as a detail for whoever maintains the machine.
pub fn io_zh(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => "文件或目录不存在，请检查路径和文件名".into(),
        PermissionDenied => "没有读写权限".into(),
        IsADirectory => "这是一个目录，请指定其中的文件".into(),
        NotADirectory => "路径中的某一级不是目录".into(),
        AlreadyExists => "已经存在".into(),
        StorageFull => "磁盘空间不足".into(),
        InvalidData => "内容无法读取（文件可能损坏，或不是 UTF-8 编码）".into(),
        UnexpectedEof => "文件意外结束（可能不完整）".into(),
        _ => format!("读写失败（{e}）"),
    }
}

/// An input file that cannot be read at all (missing, unreadable): the same message as
/// for a bad record, without a place.
pub(crate) fn input_io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> BatchError {
    let path = path.into();
    move |e| BatchError::BadInput { path, place: None, reason: io_zh(&e) }
}

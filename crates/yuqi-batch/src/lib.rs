//! Batch compliance audit of collection-message logs: the conduct analyzer on
//! DataFusion, on one machine or on a Ballista cluster.
//!
//! A shell crate (it reads and writes files, runs an engine). The judgement is
//! `yuqi-conduct`'s, registered as SQL functions ([`functions`]); this crate adds
//! the plan that runs them over millions of rows ([`scan`]), the aggregate report
//! per creditor, agency and sender number ([`report`]), a deterministic generator
//! of realistic logs for tests and benchmarks ([`generate`]), the cluster
//! processes ([`cluster`]), a row-for-row comparison of two runs ([`compare`]) and what
//! makes two reports comparable: the input's SHA-256 and the analyzer's identity ([`provenance`]);
//! the bare analyzer's speed on the same generated messages, for the benchmarks ([`speed`]).
//!
//! Heavy to build (DataFusion, Ballista), so it is not a default workspace member.

pub mod cluster;
pub mod compare;
pub mod functions;
pub mod generate;
pub mod input;
pub mod provenance;
pub mod report;
pub mod report_render;
pub mod scan;
pub mod speed;

use std::path::PathBuf;

/// What can go wrong in a batch run. Messages are in Chinese: they reach users.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    #[error("查询引擎出错：{0}")]
    Engine(#[from] datafusion::error::DataFusionError),
    #[error("Arrow 数据出错：{0}")]
    Arrow(#[from] arrow::error::ArrowError),
    #[error("Parquet 写入出错：{0}")]
    Parquet(#[from] datafusion::parquet::errors::ParquetError),
    #[error("{path}：{source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}：缺少必需的列 {missing}（找到的列：{found}）")]
    MissingColumn { path: PathBuf, missing: String, found: String },
    #[error("{path}：无法判断文件格式（支持 .csv、.jsonl/.ndjson/.json、.parquet，或用 --format 指定）")]
    UnknownFormat { path: PathBuf },
    #[error("{path}：没有找到输入文件")]
    NoInput { path: PathBuf },
    #[error("输出目录 {0} 已存在；换一个目录，或加 --overwrite 覆盖")]
    OutputExists(PathBuf),
    #[error("集群出错：{0}")]
    Cluster(String),
    #[error("{0}")]
    Invalid(String),
}

pub type Result<T, E = BatchError> = std::result::Result<T, E>;

pub(crate) fn io_err(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> BatchError {
    let path = path.into();
    move |source| BatchError::Io { path, source }
}

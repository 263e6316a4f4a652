//! Sessions with yuqi's functions, locally or on a Ballista cluster, and the
//! cluster's two processes.
//!
//! On a cluster the client plans the SQL, the scheduler turns the plan into
//! stages and the executors run them; functions travel by name, so all three
//! must know the same ones: the client's session, the scheduler's session builder
//! and the executors' function registry are all filled from
//! [`crate::functions::scalar_functions`] and [`crate::functions::window_functions`].
//! The physical plan is the scheduler's: its sessions plan with [`crate::sink::QueryPlanner`]
//! (each partition writes its own messages), and the scheduler and the executors serialise plans
//! with [`crate::sink::SinkCodec`], which knows that node. The client only sends SQL's logical plan.

use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::sync::Arc;

use ballista::prelude::SessionContextExt;
use ballista_core::extension::SessionConfigExt;
use ballista_core::registry::BallistaFunctionRegistry;
use datafusion::execution::SessionStateBuilder;
use datafusion::execution::disk_manager::{DiskManagerBuilder, DiskManagerMode};
use datafusion::execution::memory_pool::{FairSpillPool, TrackConsumersPool};
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::execution::session_state::SessionState;
use datafusion::logical_expr::registry::FunctionRegistry;
use datafusion::prelude::{SessionConfig, SessionContext};

use crate::functions::{scalar_functions, window_functions};
use crate::{BatchError, Result};

fn add_functions(state: &mut SessionState) -> datafusion::common::Result<()> {
    for f in scalar_functions() {
        state.register_udf(Arc::new(f))?;
    }
    for f in window_functions() {
        state.register_udwf(Arc::new(f))?;
    }
    Ok(())
}

/// A local DataFusion session with yuqi's functions and no memory limit (tests, small
/// inputs). `partitions` defaults to the number of cores.
pub fn local_context(partitions: Option<usize>) -> Result<SessionContext> {
    local_context_with(partitions, None)
}

/// The default memory budget of a local scan (`--memory-limit`).
pub const DEFAULT_MEMORY_LIMIT: u64 = 2 << 30;

/// A memory budget for a local session: what the engine's operators may reserve, and
/// where sorts and aggregations spill when they would exceed it.
#[derive(Debug, Clone)]
pub struct MemoryBudget {
    pub limit: u64,
    /// A directory on a disk with room for the spilled data; DataFusion makes a
    /// temporary directory inside it and removes it when the session ends.
    pub spill_dir: PathBuf,
}

/// A local DataFusion session with yuqi's functions, bounded by `budget` when given.
///
/// The pool is a [`FairSpillPool`]: the plan has several operators that can spill (the
/// sorts for the windows, the report's aggregations), and a greedy pool would let the
/// first one take the whole budget and make the next fail instead of spilling. It is
/// wrapped in a [`TrackConsumersPool`] so that an exhausted budget names the operators
/// that held it.
pub fn local_context_with(partitions: Option<usize>, budget: Option<&MemoryBudget>) -> Result<SessionContext> {
    // DATAFUSION_* environment variables tune the engine (memory, batch size…).
    let mut config = SessionConfig::from_env()?;
    if let Some(p) = partitions {
        config = config.with_target_partitions(p.max(1));
    }
    engine_options(&mut config)?;
    // One scan partition per file rather than byte ranges of a file: the engine splits a
    // Parquet file only at row groups, so a file with one row group (a million rows, as
    // common writers make them) was read, and its texts analysed, by one thread while the
    // other partitions had nothing (EXPLAIN ANALYZE: the whole scan in one partition). With
    // fewer scan partitions than cores, the optimizer deals batches round-robin to every
    // partition before the analysis. Not for a cluster: there the round-robin would be one
    // more stage shuffling every text between executors.
    config.options_mut().optimizer.repartition_file_scans = false;
    if let Some(b) = budget {
        // Every sort sets aside this much of the pool for its final merge (10 MB by
        // default). The plan has one sort per partition, and the report's aggregations
        // after it; with a small budget the set-asides alone would exceed it, so each
        // gets at most a sixteenth of its share.
        let sorts = 2 * config.target_partitions().max(1) as u64;
        let share = usize::try_from(b.limit / (8 * sorts)).unwrap_or(usize::MAX);
        let options = config.options_mut();
        options.execution.sort_spill_reservation_bytes = options.execution.sort_spill_reservation_bytes.min(share);
    }
    let mut builder = SessionStateBuilder::new()
        .with_default_features()
        .with_config(config)
        .with_query_planner(Arc::new(crate::sink::QueryPlanner));
    if let Some(b) = budget {
        let limit = usize::try_from(b.limit).unwrap_or(usize::MAX);
        let pool =
            TrackConsumersPool::new(FairSpillPool::new(limit), NonZeroUsize::new(5).unwrap_or(NonZeroUsize::MIN));
        let disk = DiskManagerBuilder::default().with_mode(DiskManagerMode::Directories(vec![b.spill_dir.clone()]));
        let runtime =
            RuntimeEnvBuilder::new().with_memory_pool(Arc::new(pool)).with_disk_manager_builder(disk).build_arc()?;
        builder = builder.with_runtime_env(runtime);
    }
    let mut state = builder.build();
    add_functions(&mut state)?;
    Ok(SessionContext::new_with_state(state))
}

/// Parquet strings are read as plain strings, not as views into the file's pages. A view keeps
/// its whole page alive, and DataFusion counts the page against the memory budget once for
/// every batch that points into it: after the shuffle by debtor each batch pointed into many
/// pages, so a 1 M-message scan "reserved" 1.2 GB for about 0.3 GB of data and spilled for
/// nothing. Plain strings cost the same to read here (measured: docs/batch.md).
fn plain_strings(config: &mut SessionConfig) {
    config.options_mut().execution.parquet.schema_force_view_types = false;
}

/// The options every yuqi session shares: [`plain_strings`], and one file per writer. Each
/// partition writes its own messages (crate::sink), which is already as many writers as there are
/// cores; DataFusion's default of four files per writer (for its single writer) dealt each
/// partition's batches to four files.
fn engine_options(config: &mut SessionConfig) -> Result<()> {
    plain_strings(config);
    config.options_mut().set("datafusion.execution.minimum_parallel_output_files", "1")?;
    Ok(())
}

/// A session whose queries run on the Ballista cluster at `url` (`df://HOST:PORT`).
pub async fn remote_context(url: &str, partitions: Option<usize>) -> Result<SessionContext> {
    if !url.starts_with("df://") {
        return Err(BatchError::Cluster(format!("集群地址应为 df://主机:端口，收到 {url:?}")));
    }
    let mut config = SessionConfig::new_with_ballista().with_ballista_job_name("yuqi batch scan");
    if let Some(p) = partitions {
        config = config.with_target_partitions(p.max(1));
    }
    engine_options(&mut config)?;
    let state = SessionStateBuilder::new().with_default_features().with_config(config).build();
    // Ballista's upgrade of the state resets the function lists: register afterwards.
    let ctx = SessionContext::remote_with_state(url, state).await?;
    for f in scalar_functions() {
        ctx.register_udf(f);
    }
    for f in window_functions() {
        ctx.register_udwf(f);
    }
    Ok(ctx)
}

/// Options of the scheduler process.
#[derive(Debug, Clone)]
pub struct SchedulerOptions {
    pub bind: SocketAddr,
    /// The host name executors and clients use to reach this scheduler.
    pub external_host: String,
}

/// Runs a scheduler whose sessions know yuqi's functions, until the process ends.
pub async fn run_scheduler(opts: SchedulerOptions) -> Result<()> {
    use ballista_scheduler::cluster::BallistaCluster;
    use ballista_scheduler::config::SchedulerConfig;
    use ballista_scheduler::scheduler_process::start_server;

    let config = SchedulerConfig {
        bind_host: opts.bind.ip().to_string(),
        bind_port: opts.bind.port(),
        external_host: opts.external_host,
        ..SchedulerConfig::default()
    }
    .with_override_session_builder(Arc::new(|config: SessionConfig| {
        // The scheduler plans every job, so its planner is the one that puts in the
        // per-partition writer (crate::sink); the executors decode it with the same codec.
        let state = ballista_core::utils::default_session_builder(config)?;
        let mut state = SessionStateBuilder::new_from_existing(state)
            .with_query_planner(Arc::new(crate::sink::QueryPlanner))
            .build();
        add_functions(&mut state)?;
        Ok(state)
    }));
    let config =
        SchedulerConfig { override_physical_codec: Some(Arc::new(crate::sink::SinkCodec::default())), ..config };
    let cluster = BallistaCluster::new_from_config(&config).await.map_err(|e| BatchError::Cluster(e.to_string()))?;
    start_server(cluster, opts.bind, Arc::new(config)).await.map_err(|e| BatchError::Cluster(e.to_string()))
}

/// Options of an executor process.
#[derive(Debug, Clone)]
pub struct ExecutorOptions {
    pub bind_host: String,
    /// The host name the scheduler and other executors use to reach this one.
    pub external_host: Option<String>,
    /// Arrow Flight port (shuffle data is fetched from here).
    pub port: u16,
    pub grpc_port: u16,
    pub scheduler_host: String,
    pub scheduler_port: u16,
    /// Task slots (defaults to the number of cores).
    pub vcores: Option<usize>,
    /// Where shuffle files go.
    pub work_dir: Option<String>,
    /// The executor's memory budget, shared equally by its task slots (each task gets a
    /// spilling pool of `limit / vcores`); `None` leaves it to Ballista (a fraction of the
    /// machine's memory).
    pub memory_limit: Option<u64>,
}

/// Runs an executor with yuqi's functions registered, until the process ends.
pub async fn run_executor(opts: ExecutorOptions) -> Result<()> {
    use ballista_executor::executor_process::{ExecutorProcessConfig, start_executor_process};

    let mut registry = BallistaFunctionRegistry::default();
    // Ballista's default registry has DataFusion's core functions but not the
    // array functions (array_concat, array_has, cardinality) the scan uses.
    for f in datafusion::functions_nested::all_default_nested_functions() {
        registry.scalar_functions.insert(f.name().to_string(), f);
    }
    for f in scalar_functions() {
        registry.scalar_functions.insert(f.name().to_string(), Arc::new(f));
    }
    for f in window_functions() {
        registry.window_functions.insert(f.name().to_string(), Arc::new(f));
    }
    let defaults = ExecutorProcessConfig::default();
    let config = ExecutorProcessConfig {
        bind_host: opts.bind_host,
        external_host: opts.external_host,
        port: opts.port,
        grpc_port: opts.grpc_port,
        scheduler_host: opts.scheduler_host,
        scheduler_port: opts.scheduler_port,
        vcores: opts.vcores.map_or(defaults.vcores, |v| v.max(1)),
        work_dir: opts.work_dir,
        memory_pool_size: opts.memory_limit.or(defaults.memory_pool_size),
        override_function_registry: Some(Arc::new(registry)),
        override_physical_codec: Some(Arc::new(crate::sink::SinkCodec::default())),
        ..defaults
    };
    start_executor_process(Arc::new(config)).await.map_err(|e| BatchError::Cluster(e.to_string()))
}

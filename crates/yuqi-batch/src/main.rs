//! `yuqi-batch`: the batch scan, its cluster processes and its tools. `yuqi batch …`
//! runs this binary.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use yuqi_batch::cluster::{self, ExecutorOptions, MemoryBudget, SchedulerOptions};
use yuqi_batch::functions::FUNCTION_DOCS;
use yuqi_batch::generate::{self, GenOptions};
use yuqi_batch::input::{InputFormat, Located};
use yuqi_batch::scan::{ScanOptions, scan_with};

#[derive(Parser)]
#[command(name = "yuqi-batch", version, about = "催收消息批量合规审查（DataFusion 本机 / Ballista 集群）")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 审查消息记录：每条消息的违规代码和位置，按债权人、催收机构、号码汇总
    Scan {
        /// 输入：CSV、JSON lines 或 Parquet 文件，或这些文件所在的目录
        #[arg(long)]
        input: PathBuf,
        /// 输出目录（messages/、report.parquet、report.html、report.md、summary.json）
        #[arg(long)]
        output: PathBuf,
        #[arg(long, value_enum)]
        format: Option<InputFormat>,
        /// 在 Ballista 集群上运行：df://主机:端口
        #[arg(long)]
        cluster: Option<String>,
        /// 并行分区数（默认：本机核数）。集群上宜设为执行器任务槽总数的一到两倍；Parquet 输入的一个行组只能整个由一个任务读，行组数应是分区数的整数倍或远多于分区数（分不均时运行前会提示）
        #[arg(long)]
        partitions: Option<usize>,
        /// 覆盖已存在的输出目录
        #[arg(long)]
        overwrite: bool,
        /// 输入没有 debtor 列，因为整份记录属于同一名债务人（如一部手机的导出）
        #[arg(long)]
        single_debtor: bool,
        /// 以 JSON 输出运行摘要
        #[arg(long)]
        json: bool,
        /// 本机运行的内存预算（如 2G、512M；默认 2G）：排序和汇总超出时写入输出目录旁的
        /// 临时目录 OUTPUT.spill（运行结束后删除）；unlimited 表示不设上限。集群上不适用。
        #[arg(long, value_parser = parse_memory_limit)]
        memory_limit: Option<MemoryLimitArg>,
    },
    /// 生成确定性的模拟催收记录（测试与基准用）
    Generate {
        #[command(flatten)]
        log: LogArgs,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, value_enum)]
        format: Option<InputFormat>,
        /// Parquet 每个行组的行数（默认 1048576）；一个行组只能由一个任务读，集群基准用它看工作如何分给执行器
        #[arg(long, default_value_t = generate::DEFAULT_ROW_GROUP_ROWS)]
        row_group_rows: usize,
    },
    /// 基准用：单线程、不经查询引擎，分析同样生成的消息，给出每核每秒条数（与 scan 对比）
    AnalyzerSpeed {
        #[command(flatten)]
        log: LogArgs,
    },
    /// 逐行比较两次审查的输出（如本机与集群）
    Compare { left: PathBuf, right: PathBuf },
    /// 比较两期审查报告（如上月与本月）：整体和每个债权人、机构、号码的消息数、有问题每千条、各类问题每千条和超频（人·天）的变化（Markdown）
    ComparePeriods {
        /// 前一期的输出目录
        before: PathBuf,
        /// 后一期的输出目录
        after: PathBuf,
        /// 写入这个文件（默认输出到屏幕）
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// 启动 Ballista 调度器（已注册 yuqi 函数）
    Scheduler {
        #[arg(long, default_value = "127.0.0.1:50050")]
        bind: SocketAddr,
        /// 执行器和客户端用来连接本调度器的主机名
        #[arg(long, default_value = "localhost")]
        external_host: String,
    },
    /// 启动 Ballista 执行器（已注册 yuqi 函数）
    Executor {
        /// 调度器：主机:端口
        #[arg(long, default_value = "localhost:50050")]
        scheduler: String,
        #[arg(long, default_value = "127.0.0.1")]
        bind_host: String,
        #[arg(long)]
        external_host: Option<String>,
        /// Arrow Flight 端口（其他执行器从这里取 shuffle 数据）
        #[arg(long, default_value_t = 50051)]
        port: u16,
        #[arg(long, default_value_t = 50052)]
        grpc_port: u16,
        /// 任务槽数（默认：本机核数）
        #[arg(long)]
        vcores: Option<usize>,
        /// shuffle 文件目录
        #[arg(long)]
        work_dir: Option<String>,
        /// 执行器的内存预算（如 2G；默认 2G），由各任务槽平分，排序和汇总超出时写入磁盘；
        /// unlimited 表示交给 Ballista 按本机内存的一定比例自动设定
        #[arg(long, value_parser = parse_memory_limit)]
        memory_limit: Option<MemoryLimitArg>,
    },
    /// 列出注册到 SQL 的 yuqi 函数
    Functions,
}

/// Before a cluster scan of Parquet: says so when its row groups cannot be divided evenly over
/// the partitions (yuqi_batch::split). Anything wrong with the input is the scan's to report.
fn warn_uneven_split(located: &Located, config: &datafusion::prelude::SessionConfig) {
    if located.format != InputFormat::Parquet {
        return;
    }
    let min_bytes = config.options().optimizer.repartition_file_min_size as u64;
    if let Ok(Some(u)) = yuqi_batch::split::advise(&located.files, config.target_partitions(), min_bytes) {
        // A hint only: if stderr cannot be written, the scan goes on without it.
        let _ = writeln!(std::io::stderr(), "{}", u.message());
    }
}

/// Which generated log: `generate` writes it, `analyzer-speed` analyses the same messages.
#[derive(clap::Args)]
struct LogArgs {
    #[arg(long)]
    messages: u64,
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// 每名债务人平均的联系次数
    #[arg(long, default_value_t = 100)]
    per_debtor: u64,
}

impl LogArgs {
    fn options(&self) -> GenOptions {
        GenOptions { messages: self.messages, seed: self.seed, per_debtor: self.per_debtor }
    }
}

/// `--memory-limit`: bytes, or no limit.
#[derive(Debug, Clone, Copy)]
enum MemoryLimitArg {
    Bytes(u64),
    Unlimited,
}

impl MemoryLimitArg {
    /// The budget in bytes (2 GiB when not given), or none for `unlimited`.
    fn bytes(arg: Option<MemoryLimitArg>) -> Option<u64> {
        match arg.unwrap_or(MemoryLimitArg::Bytes(cluster::DEFAULT_MEMORY_LIMIT)) {
            MemoryLimitArg::Bytes(b) => Some(b),
            MemoryLimitArg::Unlimited => None,
        }
    }
}

/// `2G`, `1.5G`, `512M`, `512MiB`, `2GB` (binary units, like `free -h`), plain bytes, or
/// `unlimited`.
fn parse_memory_limit(s: &str) -> Result<MemoryLimitArg, String> {
    let t = s.trim().to_ascii_lowercase();
    if matches!(t.as_str(), "unlimited" | "none") {
        return Ok(MemoryLimitArg::Unlimited);
    }
    let t = t.trim_end_matches("ib").trim_end_matches('b');
    let (num, unit) = match t.char_indices().find(|(_, c)| c.is_ascii_alphabetic()) {
        Some((i, _)) => t.split_at(i),
        None => (t, ""),
    };
    let scale: f64 = match unit {
        "" => 1.0,
        "k" => 1024.0,
        "m" => 1024.0 * 1024.0,
        "g" => 1024.0 * 1024.0 * 1024.0,
        "t" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
        _ => return Err(format!("无法识别的单位 {unit:?}（可用 K、M、G、T）")),
    };
    let n: f64 = num.trim().parse().map_err(|_| format!("{s:?} 不是内存大小（如 2G、512M）"))?;
    let bytes = n * scale;
    // What cannot spill needs room: each sort's merge reserve and the Parquet writer's column
    // buffers. In the tests 16 MiB stopped ("additional allocation failed"), 32 MiB spilled and
    // finished; 128 MiB leaves a margin for wider inputs and more partitions.
    if !bytes.is_finite() || bytes < 128.0 * 1024.0 * 1024.0 {
        return Err(format!("内存预算 {s} 太小（至少 128M）"));
    }
    Ok(MemoryLimitArg::Bytes(bytes as u64))
}

fn format_of(path: &std::path::Path, given: Option<InputFormat>) -> Result<InputFormat> {
    if let Some(f) = given {
        return Ok(f);
    }
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("parquet") => Ok(InputFormat::Parquet),
        Some("jsonl" | "ndjson" | "json") => Ok(InputFormat::Jsonl),
        Some("csv") => Ok(InputFormat::Csv),
        _ => bail!("{}：无法从扩展名判断格式，请用 --format 指定", path.display()),
    }
}

async fn run(cli: Cli) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match cli.command {
        Command::Scan { input, output, format, cluster, partitions, overwrite, single_debtor, json, memory_limit } => {
            let mut spill = None;
            let (ctx, engine) = match &cluster {
                Some(url) => {
                    if memory_limit.is_some() {
                        bail!("--memory-limit 只用于本机运行；集群上每个执行器有自己的内存");
                    }
                    let ctx = cluster::remote_context(url, partitions)
                        .await
                        .with_context(|| format!("无法连接集群 {url}"))?;
                    (ctx, format!("Ballista 集群 {url}"))
                }
                None => {
                    let budget = match MemoryLimitArg::bytes(memory_limit) {
                        Some(limit) => {
                            let dir = yuqi_batch::scan::spill_dir(&output)?;
                            // Left over from a run that was killed: nothing in it is needed.
                            if dir.exists() {
                                std::fs::remove_dir_all(&dir).with_context(|| format!("无法清理 {}", dir.display()))?;
                            }
                            if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
                                std::fs::create_dir_all(parent)
                                    .with_context(|| format!("无法创建 {}", parent.display()))?;
                            }
                            spill = Some(dir.clone());
                            Some(MemoryBudget { limit, spill_dir: dir })
                        }
                        None => None,
                    };
                    let ctx = cluster::local_context_with(partitions, budget.as_ref())?;
                    let n = ctx.copied_config().target_partitions();
                    (ctx, format!("DataFusion（本机，{n} 个分区）"))
                }
            };
            let opts = ScanOptions { input, format, output, overwrite, single_debtor, engine };
            // Only a cluster's tasks read whole row groups (the hint's subject).
            let cluster_config = cluster.is_some().then(|| ctx.copied_config());
            let scanned = scan_with(&ctx, &opts, |l| {
                if let Some(config) = &cluster_config {
                    warn_uneven_split(l, config)
                }
            })
            .await;
            // The session owns the spill files' temporary directory: end it, then remove ours.
            drop(ctx);
            if let Some(dir) = spill {
                let _ = std::fs::remove_dir_all(dir);
            }
            let (summary, report) = scanned.map_err(|e| {
                e.with_memory_limit(cluster.is_none().then(|| MemoryLimitArg::bytes(memory_limit)).flatten())
            })?;
            if json {
                serde_json::to_writer_pretty(&mut out, &summary)?;
                writeln!(out)?;
            } else {
                writeln!(out, "运行环境：{}", summary.engine)?;
                writeln!(
                    out,
                    "记录 {} 条（催收方 {} 条），有问题 {} 条；时间无法识别 {} 条",
                    summary.rows, summary.contacts, summary.flagged, summary.unreadable_time
                )?;
                // Codes by their Chinese names (the ids are for report.parquet and SQL).
                for (code, n) in report.counts.by_code.iter().filter(|(_, n)| *n > 0) {
                    let name = yuqi_conduct::Code::parse(code).map_or(code.as_str(), |c| c.label_zh());
                    writeln!(out, "  {name}：{n} 条")?;
                }
                if summary.held_for_confirmation > 0 {
                    writeln!(out, "  待核实的法院通知（不计入有问题）：{} 条", summary.held_for_confirmation)?;
                }
                for s in &summary.stages {
                    let stage = match s.name {
                        "messages" => "逐条分析",
                        "aggregate" => "汇总",
                        "report" => "写报告",
                        "total" => "合计",
                        other => other,
                    };
                    writeln!(out, "  用时（{stage}）：{:.2} 秒", s.seconds)?;
                }
                let mib = |b: u64| b as f64 / (1024.0 * 1024.0);
                let m = &summary.memory;
                writeln!(
                    out,
                    "  引擎内存：预算 {}，最多占用 {:.0} MiB，最多写入磁盘 {:.0} MiB",
                    m.limit_bytes.map_or("不限".to_string(), |l| format!("{:.0} MiB", mib(l))),
                    mib(m.peak_reserved_bytes),
                    mib(m.peak_spilled_bytes)
                )?;
                writeln!(out, "  输入 SHA-256：{}", summary.input.digest.sha256)?;
                writeln!(
                    out,
                    "每秒 {:.0} 条；报告：{}",
                    summary.messages_per_second,
                    opts.output.join("report.html").display()
                )?;
            }
        }
        Command::Generate { log, out: path, format, row_group_rows } => {
            let format = format_of(&path, format)?;
            let n = generate::write_grouped(log.options(), &path, format, row_group_rows)?;
            writeln!(out, "已生成 {n} 条记录：{}", path.display())?;
        }
        Command::Compare { left, right } => {
            let c = yuqi_batch::compare::compare(&left, &right).await?;
            match c.difference {
                None => writeln!(out, "一致：messages {} 行，report {} 行逐行相同", c.message_rows, c.report_rows)?,
                Some((table, row, l, r)) => {
                    writeln!(out, "不一致：{table} 第 {row} 行\n  左：{l}\n  右：{r}")?;
                    bail!("两次输出不一致");
                }
            }
        }
        Command::ComparePeriods { before, after, output } => {
            let markdown = yuqi_batch::periods::compare_periods(&before, &after)?;
            match output {
                Some(path) => {
                    std::fs::write(&path, markdown).with_context(|| format!("无法写入 {}", path.display()))?;
                    writeln!(out, "已写入 {}", path.display())?;
                }
                None => write!(out, "{markdown}")?,
            }
        }
        Command::Scheduler { bind, external_host } => {
            writeln!(out, "yuqi-batch 调度器监听 {bind}")?;
            drop(out);
            cluster::run_scheduler(SchedulerOptions { bind, external_host }).await?;
        }
        Command::Executor { scheduler, bind_host, external_host, port, grpc_port, vcores, work_dir, memory_limit } => {
            let (host, p) = scheduler.rsplit_once(':').context("--scheduler 应为 主机:端口")?;
            let scheduler_port: u16 = p.parse().context("--scheduler 的端口不是数字")?;
            writeln!(out, "yuqi-batch 执行器 {bind_host}:{port}，调度器 {scheduler}")?;
            drop(out);
            cluster::run_executor(ExecutorOptions {
                bind_host,
                external_host,
                port,
                grpc_port,
                scheduler_host: host.to_string(),
                scheduler_port,
                vcores,
                work_dir,
                memory_limit: MemoryLimitArg::bytes(memory_limit),
            })
            .await?;
        }
        Command::AnalyzerSpeed { log } => {
            let speed = yuqi_batch::speed::analyzer_speed(log.options())?;
            writeln!(out, "{}", serde_json::to_string(&speed)?)?;
        }
        Command::Functions => {
            for f in FUNCTION_DOCS {
                writeln!(out, "{}\n    {}\n", f.signature, f.zh)?;
            }
        }
    }
    Ok(())
}

/// An error and its causes, one after another; a system I/O error (English, with an OS
/// error number) in Chinese. A cause that its error already says (`BatchError::Io` shows its
/// I/O error) is not repeated.
fn describe(e: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in e.chain() {
        let text = match c.downcast_ref::<std::io::Error>() {
            Some(io) => yuqi_batch::io_zh(io),
            None => c.to_string(),
        };
        if !parts.last().is_some_and(|last| last.contains(&text)) {
            parts.push(text);
        }
    }
    parts.join("：")
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Cluster processes log at info (RUST_LOG overrides); the scan only warns.
    let default =
        if matches!(cli.command, Command::Scheduler { .. } | Command::Executor { .. }) { "info" } else { "warn" };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_ansi(false).with_writer(std::io::stderr).try_init();
    let runtime =
        match tokio::runtime::Builder::new_multi_thread().enable_all().thread_stack_size(16 * 1024 * 1024).build() {
            Ok(r) => r,
            Err(e) => {
                let _ = writeln!(std::io::stderr(), "错误：无法启动运行时：{e}");
                return ExitCode::from(1);
            }
        };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "错误：{}", describe(&e));
            // As `yuqi`: 2 for what the user can fix (the input, the output directory, the
            // command line), 1 for the tool's own failures (engine, cluster, disk).
            let user = e.downcast_ref::<yuqi_batch::BatchError>().is_none_or(|b| {
                matches!(
                    b,
                    yuqi_batch::BatchError::BadInput { .. }
                        | yuqi_batch::BatchError::MissingColumn { .. }
                        | yuqi_batch::BatchError::UnknownFormat { .. }
                        | yuqi_batch::BatchError::NoInput { .. }
                        | yuqi_batch::BatchError::OutputExists(_)
                        | yuqi_batch::BatchError::OutputUnderFile { .. }
                )
            });
            ExitCode::from(if user { 2 } else { 1 })
        }
    }
}

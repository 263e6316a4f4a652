//! The `yuqi` command. Thin shell: parse flags, read files, call the pure crates,
//! print. All user-facing text is Simplified Chinese.

// The CLI is the one place that prints.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod apr_cmd;
mod batch_cmd;
mod check_cmd;
mod docs_cmd;
mod evidence_cmd;
mod exhibit_cmd;
mod help_zh;
mod law_cmd;
mod pipeline;
mod report;
mod scan;
mod serve_cmd;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use clap::{CommandFactory, Parser, Subcommand};

/// The bundled demo case (several platforms, 砍头息, a collector's demand).
pub const DEMO_CASE: &str = include_str!("../../../examples/demo.toml");

#[derive(Parser, Debug)]
#[command(name = "yuqi", version, about = "yuqi（逾期）：核算网贷逾期的真实欠款、查法条。本工具不是律师，结果仅供参考。", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// 核算案例文件中每笔借款依法应还多少
    Audit {
        /// 案例文件（TOML），格式见 docs/case-file.md
        case: PathBuf,
        #[command(flatten)]
        opts: AuditFlags,
        /// 在报告中加入计算明细表（逐期的计息本金、天数、年利率及来源、冲抵和余额）
        #[arg(long)]
        exhibit: bool,
    },
    /// 用随附的示例案例运行一次核算
    Demo {
        #[command(flatten)]
        opts: AuditFlags,
        /// 在报告中加入计算明细表
        #[arg(long)]
        exhibit: bool,
    },
    /// 诉讼时效、债权转让、征信和风险：要紧日期一览，看对方还能不能起诉
    Timeline {
        /// 案例文件（TOML），格式见 docs/case-file.md
        case: PathBuf,
        #[command(flatten)]
        opts: AuditFlags,
    },
    /// 检查案例文件：格式和核算会遇到的全部问题，逐条指出位置
    Check {
        /// 案例文件（TOML），格式见 docs/case-file.md
        case: PathBuf,
    },
    /// 检查催收短信、聊天和通话记录是否违法
    Scan(scan::ScanArgs),
    /// 快速计算一笔借款的真实年化利率（内部收益率法）
    Apr(apr_cmd::AprArgs),
    /// 证据库：导入手机导出文件、核验、导出证据包
    Evidence {
        #[command(subcommand)]
        command: evidence_cmd::EvidenceCommand,
    },
    /// 还款协商计划：每月能还多少、先还哪笔、怎么谈
    Plan(docs_cmd::PlanArgs),
    /// 生成信函（PDF/DOCX/Markdown/HTML）：债务核实函、协商还款申请书、投诉书、报案材料、征信异议、时效抗辩、答辩要点
    Letter(docs_cmd::LetterArgs),
    /// 生成整个案件的材料汇编（核算、时间线、催收行为、证据索引、下一步，含图表）
    Report(docs_cmd::ReportArgs),
    /// 生成计算明细表（PDF/DOCX/Markdown/HTML，或法院可直接打开的 CSV/XLSX 表格）：逐期计息本金、天数、利率及来源、还款冲抵和余额
    Exhibit(exhibit_cmd::ExhibitArgs),
    /// 打开网页版（默认只在本机 127.0.0.1:8080，数据保存在本机 SQLite）
    Serve(serve_cmd::ServeArgs),
    /// 数据库备份与恢复（本机 SQLite）
    Db {
        #[command(subcommand)]
        command: serve_cmd::DbCommand,
    },
    /// 批量审查大量催收记录（本机或集群运行；需先构建 yuqi-batch，见 docs/batch.md）
    #[command(disable_help_flag = true)]
    Batch {
        /// 传给 yuqi-batch 的参数，如 scan --input 记录.parquet --output 报告
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<std::ffi::OsString>,
    },
    /// 多用户模式的用户管理
    User {
        #[command(subcommand)]
        command: serve_cmd::UserCommand,
    },
    /// 查看法律参数、LPR 和法条原文
    Law {
        #[command(subcommand)]
        command: law_cmd::LawCommand,
    },
}

#[derive(clap::Args, Debug)]
pub(crate) struct AuditFlags {
    /// 计算截止日（默认：案例文件中的 as_of，否则今天）
    #[arg(long, value_parser = parse_date)]
    as_of: Option<NaiveDate>,
    /// 起诉日（默认：案例文件中的 filing_date，否则等于计算截止日）
    #[arg(long, value_parser = parse_date)]
    filing_date: Option<NaiveDate>,
    /// 输出 JSON 而不是中文报告
    #[arg(long)]
    json: bool,
    /// 报告中不列出逐步计算过程
    #[arg(long)]
    no_trace: bool,
    /// 同时把时间线图写入该 SVG 文件
    #[arg(long, value_name = "FILE")]
    svg: Option<PathBuf>,
    /// 把该证据库中已确认的催收事件加入时间线（yuqi evidence confirm）
    #[arg(long, value_name = "DIR")]
    evidence: Option<PathBuf>,
    /// 加密证据库的口令文件（也可用环境变量 YUQI_PASSPHRASE）
    #[arg(long, value_name = "FILE")]
    passphrase_file: Option<PathBuf>,
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| format!("日期格式应为 YYYY-MM-DD，而不是“{s}”"))
}

fn main() -> ExitCode {
    // clap with Chinese help and usage errors (help_zh.rs), in place of `Cli::parse()`.
    let cli: Cli = help_zh::parse(Cli::command());
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            // Broken pipe (e.g. `yuqi audit … | head`) is not an error.
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            eprintln!("错误：{e:#}");
            if e.downcast_ref::<evidence_cmd::Usage>().is_some() {
                return ExitCode::from(2);
            }
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Audit { case, opts, exhibit } => {
            let parsed = match check_cmd::checked_case(&case, opts.as_of, opts.filing_date) {
                Ok(c) => c,
                Err(errors) => {
                    eprintln!("{errors}");
                    return Ok(ExitCode::from(2));
                }
            };
            audit(&parsed, &opts, exhibit)
        }
        Command::Demo { opts, exhibit } => {
            let parsed = yuqi_case::parse_case(DEMO_CASE, "examples/demo.toml").map_err(|e| anyhow::anyhow!("{e}"))?;
            audit(&parsed, &opts, exhibit)
        }
        Command::Timeline { case, opts } => {
            let parsed = match check_cmd::checked_case(&case, opts.as_of, opts.filing_date) {
                Ok(c) => c,
                Err(errors) => {
                    eprintln!("{errors}");
                    return Ok(ExitCode::from(2));
                }
            };
            timeline(&parsed, &opts)
        }
        Command::Check { case } => check_cmd::run(&case),
        Command::Scan(args) => scan::run(&args),
        Command::Apr(args) => apr_cmd::run(&args),
        Command::Evidence { command } => evidence_cmd::run(&command),
        Command::Law { command } => law_cmd::run(&command),
        Command::Plan(args) => docs_cmd::plan(&args),
        Command::Serve(args) => serve_cmd::serve(&args),
        Command::Db { command } => serve_cmd::db(&command),
        Command::User { command } => serve_cmd::user(&command),
        Command::Batch { args } => batch_cmd::run(&args),
        Command::Letter(args) => docs_cmd::letter(&args),
        Command::Report(args) => docs_cmd::report(&args),
        Command::Exhibit(args) => exhibit_cmd::run(&args),
    }
}

/// The case pipeline with the audit flags; writes the timeline chart when `--svg` asks for it.
fn analyse(case: &yuqi_case::Case, opts: &AuditFlags) -> Result<yuqi_app::Computed> {
    let req = pipeline::Request {
        as_of: opts.as_of,
        filing_date: opts.filing_date,
        evidence: opts.evidence.as_deref(),
        passphrase_file: opts.passphrase_file.clone(),
        ..pipeline::Request::default()
    };
    let c = pipeline::compute(case, &req)?;
    if let Some(path) = &opts.svg {
        std::fs::write(path, yuqi_timeline::svg::render(&c.timeline))
            .with_context(|| format!("无法写入 {}", path.display()))?;
    }
    Ok(c)
}

/// `yuqi audit --json`: the audit with the deadlines in front.
#[derive(serde::Serialize)]
struct AuditJson<'a> {
    deadlines: &'a [yuqi_timeline::deadlines::Deadline],
    #[serde(flatten)]
    audit: &'a yuqi_ledger::CaseAudit,
}

fn audit(case: &yuqi_case::Case, opts: &AuditFlags, exhibit: bool) -> Result<ExitCode> {
    let c = analyse(case, opts)?;
    let mut out = std::io::stdout().lock();
    if opts.json {
        serde_json::to_writer_pretty(&mut out, &AuditJson { deadlines: &c.timeline.deadlines, audit: &c.audit })?;
        writeln!(out)?;
    } else {
        out.write_all(yuqi_render::text::text(&report::audit_doc(&c, !opts.no_trace, exhibit)).as_bytes())?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn timeline(case: &yuqi_case::Case, opts: &AuditFlags) -> Result<ExitCode> {
    let c = analyse(case, opts)?;
    let mut out = std::io::stdout().lock();
    if opts.json {
        serde_json::to_writer_pretty(&mut out, &c.timeline)?;
        writeln!(out)?;
    } else {
        out.write_all(yuqi_render::text::text(&report::timeline_doc(&c, !opts.no_trace)).as_bytes())?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

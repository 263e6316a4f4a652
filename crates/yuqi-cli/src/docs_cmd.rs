//! `yuqi plan`, `yuqi letter` and `yuqi report`: read the case (and the evidence store or a
//! messages file), compute, build the document and write it in the format the file name asks for.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use chrono::{Datelike, NaiveDate};
use yuqi_docs::{Doc, LetterKind, LetterOptions};

use crate::evidence_cmd::Usage;
use crate::parse_date;
use crate::scan::OwnedMessage;

#[derive(clap::Args, Debug)]
pub(crate) struct DocFlags {
    /// 计算截止日（默认：案例文件中的 as_of，否则今天）
    #[arg(long, value_parser = parse_date)]
    as_of: Option<NaiveDate>,
    /// 起诉日（默认：案例文件中的 filing_date，否则等于计算截止日）
    #[arg(long, value_parser = parse_date)]
    filing_date: Option<NaiveDate>,
    /// 落款日期（默认：今天，北京时间）
    #[arg(long, value_parser = parse_date)]
    date: Option<NaiveDate>,
    /// 证据库目录：加入已确认的催收事件，并使用其中的消息和证据索引
    #[arg(long, value_name = "DIR")]
    evidence: Option<PathBuf>,
    /// 加密证据库的口令文件（也可用环境变量 YUQI_PASSPHRASE）
    #[arg(long, value_name = "FILE")]
    passphrase_file: Option<PathBuf>,
    /// 催收消息文件（JSONL 或 CSV，格式同 yuqi scan）
    #[arg(long, value_name = "FILE")]
    messages: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
pub(crate) struct PlanArgs {
    /// 案例文件（TOML）
    case: PathBuf,
    #[command(flatten)]
    flags: DocFlags,
    /// 输出 JSON
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args, Debug)]
pub(crate) struct LetterArgs {
    /// 信函种类：verification、proposal、regulator、association、police、credit-objection、limitation、defence；
    /// 用 list 查看说明
    kind: String,
    /// 案例文件（TOML）
    case: Option<PathBuf>,
    /// 输出文件：按扩展名生成 .pdf、.docx、.md 或 .html；“-” 输出 Markdown 到屏幕
    #[arg(long, short, value_name = "FILE")]
    out: Option<PathBuf>,
    /// 针对哪一笔借款（案例中有多笔时必须指定）
    #[arg(long, value_name = "ID")]
    debt: Option<String>,
    /// 我已了解：对时效已届满的债务提出还款申请，会失去时效抗辩
    #[arg(long)]
    accept_limitation_effect: bool,
    #[command(flatten)]
    flags: DocFlags,
}

#[derive(clap::Args, Debug)]
pub(crate) struct ReportArgs {
    /// 案例文件（TOML）
    case: PathBuf,
    /// 输出文件：.pdf、.html、.md 或 .docx
    #[arg(long, short, value_name = "FILE")]
    out: PathBuf,
    /// 生成前先核验整个证据库（大库较慢）
    #[arg(long)]
    verify_evidence: bool,
    #[command(flatten)]
    flags: DocFlags,
}

/// Parses and validates the case for these dates; problems are printed at file:line:col.
fn load_case(
    path: &Path,
    as_of: Option<chrono::NaiveDate>,
    filing_date: Option<chrono::NaiveDate>,
) -> Result<std::result::Result<yuqi_case::Case, ExitCode>> {
    match crate::check_cmd::checked_case(path, as_of, filing_date) {
        Ok(c) => Ok(Ok(c)),
        Err(errors) => {
            eprintln!("{errors}");
            Ok(Err(ExitCode::from(2)))
        }
    }
}

/// Reads a messages file strictly: a bad line is an error with its line number, not a skip,
/// because a letter built from half a file would quietly leave out conduct.
pub(crate) fn read_messages(path: &Path) -> Result<Vec<OwnedMessage>> {
    let file = std::fs::File::open(path).with_context(|| format!("无法打开消息文件 {}", path.display()))?;
    let is_csv = path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if is_csv {
        let mut v = crate::scan::read_csv(file).with_context(|| format!("读取 {} 失败", path.display()))?;
        let name = format!(
            "消息文件 {}",
            path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
        );
        for (i, m) in v.iter_mut().enumerate() {
            m.label_source(&name, i + 2);
        }
        return Ok(v);
    }
    let name = format!(
        "消息文件 {}",
        path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
    );
    let mut out = Vec::new();
    let text =
        std::io::read_to_string(file).with_context(|| format!("无法读取 {}（需要 UTF-8 文本）", path.display()))?;
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let m: yuqi_conduct::Message<'_> = serde_json::from_str(line).map_err(|e| {
            anyhow::Error::new(Usage(format!(
                "{}:{}:{}：不是有效的消息（需要含 text 字段的 JSON 对象）：{e}",
                path.display(),
                i + 1,
                e.column()
            )))
        })?;
        let mut o = OwnedMessage::from_message(&m);
        o.label_source(&name, i + 1);
        out.push(o);
    }
    Ok(out)
}

pub(crate) fn compute(
    case_path: &Path,
    flags: &DocFlags,
    verify_evidence: bool,
) -> Result<std::result::Result<yuqi_app::Computed, ExitCode>> {
    let case = match load_case(case_path, flags.as_of, flags.filing_date)? {
        Ok(c) => c,
        Err(code) => return Ok(Err(code)),
    };
    let req = crate::pipeline::Request {
        as_of: flags.as_of,
        filing_date: flags.filing_date,
        written: flags.date,
        evidence: flags.evidence.as_deref(),
        passphrase_file: flags.passphrase_file.clone(),
        messages: flags.messages.as_deref(),
        verify_evidence,
    };
    Ok(Ok(crate::pipeline::compute(&case, &req)?))
}

pub(crate) fn plan(a: &PlanArgs) -> Result<ExitCode> {
    let c = match compute(&a.case, &a.flags, false)? {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let mut out = std::io::stdout().lock();
    if a.json {
        serde_json::to_writer_pretty(&mut out, &c.plan)?;
        writeln!(out)?;
    } else {
        out.write_all(yuqi_render::text::text(&crate::report::plan_doc(&c)).as_bytes())?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Pdf,
    Docx,
    Markdown,
    Html,
}

fn format_of(out: &Path) -> Result<Format> {
    if out.as_os_str() == "-" {
        return Ok(Format::Markdown);
    }
    match out.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("pdf") => Ok(Format::Pdf),
        Some("docx") => Ok(Format::Docx),
        Some("md" | "markdown") => Ok(Format::Markdown),
        Some("html" | "htm") => Ok(Format::Html),
        _ => Err(Usage(format!(
            "不知道要生成什么格式：{}。输出文件名请以 .pdf、.docx、.md 或 .html 结尾",
            out.display()
        ))
        .into()),
    }
}

/// The document in one of the four formats.
pub(crate) fn render(doc: &Doc, fmt: Format, today: NaiveDate) -> Result<Vec<u8>> {
    Ok(match fmt {
        Format::Markdown => yuqi_render::markdown::markdown(doc).into_bytes(),
        Format::Html => yuqi_render::html::html(doc).into_bytes(),
        Format::Docx => yuqi_render::docx::docx(doc)?,
        Format::Pdf => {
            let r = yuqi_render::Renderer::new()?;
            r.doc_pdf(doc, (today.year(), today.month() as u8, today.day() as u8))?
        }
    })
}

/// Writes the document in the format its file name asks for.
fn write_doc(doc: &Doc, out: &Path, today: NaiveDate) -> Result<()> {
    let fmt = format_of(out)?;
    write_bytes(&render(doc, fmt, today)?, out)
}

/// Writes a file through a temporary file renamed at the end: an interrupted run never leaves
/// a half-written document under the requested name. `-` is the screen.
pub(crate) fn write_bytes(bytes: &[u8], out: &Path) -> Result<()> {
    if out.as_os_str() == "-" {
        let mut o = std::io::stdout().lock();
        o.write_all(bytes)?;
        o.flush()?;
        return Ok(());
    }
    let mut tmp = out.as_os_str().to_owned();
    tmp.push(".part");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, bytes).with_context(|| format!("无法写入 {}", tmp.display()))?;
    std::fs::rename(&tmp, out).with_context(|| format!("无法写入 {}", out.display()))?;
    Ok(())
}

fn print_notices(doc: &Doc) {
    for n in &doc.notices {
        eprintln!("提示：{n}");
    }
}

pub(crate) fn letter(a: &LetterArgs) -> Result<ExitCode> {
    if a.kind == "list" {
        let mut o = std::io::stdout().lock();
        for k in LetterKind::ALL {
            writeln!(o, "{:<17}{}：{}", k.id(), k.title_zh(), k.purpose_zh())?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let Some(kind) = LetterKind::parse(&a.kind) else {
        return Err(Usage(yuqi_docs::LetterError::UnknownKind(a.kind.clone()).to_string()).into());
    };
    let Some(case_path) = &a.case else {
        return Err(Usage(format!("请给出案例文件：yuqi letter {} 案例文件.toml --out 文件.pdf", kind.id())).into());
    };
    let Some(out) = &a.out else {
        return Err(Usage("请用 --out 指定输出文件（.pdf、.docx、.md 或 .html；“-” 输出到屏幕）".to_string()).into());
    };
    format_of(out)?;
    let c = match compute(case_path, &a.flags, false)? {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let opts = LetterOptions { debt: a.debt.clone(), accept_limitation_effect: a.accept_limitation_effect };
    let doc = match yuqi_docs::letter(kind, &c.inputs(), &opts) {
        Ok(d) => d,
        Err(e) => {
            // On the command line the debt is named with --debt (the web page has its own form).
            let how =
                if matches!(e, yuqi_docs::LetterError::DebtRequired { .. }) { "（用 --debt 指定）" } else { "" };
            eprintln!("无法生成{}：{e}{how}", kind.title_zh());
            return Ok(ExitCode::from(2));
        }
    };
    write_doc(&doc, out, c.dates.written())?;
    if out.as_os_str() != "-" {
        eprintln!("已生成{}：{}", kind.title_zh(), out.display());
    }
    print_notices(&doc);
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn report(a: &ReportArgs) -> Result<ExitCode> {
    format_of(&a.out)?;
    if a.verify_evidence && a.flags.evidence.is_none() {
        bail!(Usage("--verify-evidence 需要同时给出 --evidence 证据库目录".to_string()));
    }
    let c = match compute(&a.case, &a.flags, a.verify_evidence)? {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let doc = yuqi_docs::dossier::dossier(&c.inputs());
    write_doc(&doc, &a.out, c.dates.written())?;
    if a.out.as_os_str() != "-" {
        eprintln!("已生成案件材料汇编：{}", a.out.display());
    }
    print_notices(&doc);
    Ok(ExitCode::SUCCESS)
}

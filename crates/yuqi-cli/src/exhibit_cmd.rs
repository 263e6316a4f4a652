//! `yuqi exhibit`: the computation exhibit (计算明细表) of a case — period by period the
//! principal, days, rate and its source, what the law supports, the payments and how each was
//! applied — as PDF, DOCX, Markdown, HTML, or a spreadsheet (CSV, XLSX) a court clerk opens.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;

use crate::docs_cmd::{self, DocFlags, Format};
use crate::evidence_cmd::Usage;

#[derive(clap::Args, Debug)]
pub(crate) struct ExhibitArgs {
    /// 案例文件（TOML）
    case: PathBuf,
    /// 输出文件：按扩展名生成 .pdf、.docx、.md、.html、.csv 或 .xlsx；“-” 输出到屏幕（默认 Markdown）
    #[arg(long, short, value_name = "FILE")]
    out: PathBuf,
    /// 输出格式：pdf、docx、md、html、csv、xlsx（默认按输出文件的扩展名）
    #[arg(long, value_name = "FORMAT")]
    format: Option<String>,
    #[command(flatten)]
    flags: DocFlags,
}

/// What `yuqi exhibit` can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Output {
    Doc(Format),
    Csv,
    Xlsx,
}

fn output(name: &str) -> Option<Output> {
    match name.to_ascii_lowercase().as_str() {
        "pdf" => Some(Output::Doc(Format::Pdf)),
        "docx" => Some(Output::Doc(Format::Docx)),
        "md" | "markdown" => Some(Output::Doc(Format::Markdown)),
        "html" | "htm" => Some(Output::Doc(Format::Html)),
        "csv" => Some(Output::Csv),
        "xlsx" => Some(Output::Xlsx),
        _ => None,
    }
}

fn output_of(out: &Path, format: Option<&str>) -> Result<Output> {
    if let Some(f) = format {
        return output(f)
            .ok_or_else(|| Usage(format!("不认识的格式“{f}”：可选 pdf、docx、md、html、csv、xlsx")).into());
    }
    if out.as_os_str() == "-" {
        return Ok(Output::Doc(Format::Markdown));
    }
    out.extension().and_then(|e| e.to_str()).and_then(output).ok_or_else(|| {
        Usage(format!(
            "不知道要生成什么格式：{}。输出文件名请以 .pdf、.docx、.md、.html、.csv 或 .xlsx 结尾，或用 --format 指定",
            out.display()
        ))
        .into()
    })
}

pub(crate) fn run(a: &ExhibitArgs) -> Result<ExitCode> {
    let fmt = output_of(&a.out, a.format.as_deref())?;
    let c = match docs_cmd::compute(&a.case, &a.flags, false)? {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let inputs = c.inputs();
    let bytes = match fmt {
        Output::Doc(f) => docs_cmd::render(&yuqi_docs::exhibit::exhibit_doc(&inputs), f, c.dates.written())?,
        Output::Csv => yuqi_render::sheet::csv(&yuqi_docs::exhibit::sheets(&yuqi_docs::exhibit::exhibit(&inputs))),
        Output::Xlsx => yuqi_render::sheet::xlsx(&yuqi_docs::exhibit::sheets(&yuqi_docs::exhibit::exhibit(&inputs)))?,
    };
    docs_cmd::write_bytes(&bytes, &a.out)?;
    if a.out.as_os_str() != "-" {
        eprintln!("已生成计算明细表：{}", a.out.display());
    }
    Ok(ExitCode::SUCCESS)
}

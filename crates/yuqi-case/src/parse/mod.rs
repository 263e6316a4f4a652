//! TOML → [`Case`], with every problem located.
//!
//! Two phases: serde reads the file into "raw" structs whose leaves are spanned
//! TOML values (so syntax errors, unknown keys and wrong nesting come out of the
//! TOML parser with positions), then [`Cx`] converts each leaf into a typed value,
//! collecting every semantic problem with the span of the value that caused it.
//!
//! This file holds the entry points (reading the file, TOML errors, spans for later
//! checks); `raw` is the serde shape, `values` the leaf converters, and `case`,
//! `terms` and `events` convert the tables, one step of the file format each.

mod case;
mod events;
mod raw;
mod terms;
mod values;

use std::path::Path;

use toml::Spanned;

use crate::error::{CaseError, CaseErrors, CaseSpans, DebtSpans, LineIndex};
use crate::model::*;
use raw::RawFile;
pub use terms::add_period;
use values::Cx;

/// Reads and parses a case file from disk.
pub fn parse_case_file(path: &Path) -> Result<Case, CaseErrors> {
    let src = read_case_file(path)?;
    parse_case(&src, &path.display().to_string())
}

/// Reads a case file's text. A file that is not UTF-8 (often a GBK file saved by an older
/// Windows editor) is reported at the first bad byte, with its line and column, so the user
/// can find it; a file that cannot be read is reported in Chinese.
pub fn read_case_file(path: &Path) -> Result<String, CaseErrors> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        let why = match e.kind() {
            std::io::ErrorKind::NotFound => "文件不存在，请检查路径和文件名".to_string(),
            std::io::ErrorKind::PermissionDenied => "没有读取该文件的权限".to_string(),
            std::io::ErrorKind::IsADirectory => "这是一个文件夹，不是文件".to_string(),
            _ => format!("系统错误（{e}）"),
        };
        CaseErrors(vec![CaseError::whole_file(&name, format!("无法读取案例文件：{why}"))])
    })?;
    String::from_utf8(bytes).map_err(|e| CaseErrors(vec![not_utf8(&name, e.as_bytes(), e.utf8_error())]))
}

/// The error for bytes that are not UTF-8, placed at the first bad byte. The bytes before it
/// are valid, so the lossy text counts lines and columns exactly as the original; the source
/// line shows the bad bytes as �.
fn not_utf8(file: &str, bytes: &[u8], e: std::str::Utf8Error) -> CaseError {
    let offset = e.valid_up_to();
    CaseError::at(
        file,
        &String::from_utf8_lossy(bytes),
        offset,
        format!(
            "文件不是 UTF-8 编码：第 {} 个字节（从 1 数起）无法识别。常见原因是文件以 GBK/ANSI 编码保存；请用文本编辑器把它另存为 UTF-8 编码后重试。",
            offset + 1
        ),
    )
}

/// Parses case-file text; `file` is the name used in error messages.
pub fn parse_case(src: &str, file: &str) -> Result<Case, CaseErrors> {
    parse_raw(src, file).map(|(case, _)| case)
}

/// Parses case-file text and also returns where its dates stand, so that checks made after
/// parsing (the ledger's [`crate::CaseField`]s) can be reported with file, line and column.
pub fn parse_case_spanned(src: &str, file: &str) -> Result<(Case, CaseSpans), CaseErrors> {
    let (case, raw) = parse_raw(src, file)?;
    let (case_table, as_of, filing_date) = match &raw.case {
        Some(c) => (
            Some(c.span()),
            c.get_ref().as_of.as_ref().map(Spanned::span),
            c.get_ref().filing_date.as_ref().map(Spanned::span),
        ),
        None => (None, None, None),
    };
    // Parsing succeeded, so every debt has a string id and the debts are in file order.
    let debts =
        raw.debt
            .iter()
            .zip(&case.debts)
            .map(|(r, d)| {
                let r_ref = r.get_ref();
                let first_due =
                    r_ref.first_due.as_ref().map(Spanned::span).or_else(|| {
                        r_ref.schedule.first().and_then(|row| row.get_ref().due.as_ref().map(Spanned::span))
                    });
                DebtSpans {
                    id: d.id.clone(),
                    table: r.span(),
                    contract_date: r_ref.contract_date.as_ref().map(Spanned::span),
                    first_due,
                }
            })
            .collect();
    let debts: Vec<DebtSpans> = debts;
    // Ids are unique once parsing succeeded; the first wins should that ever change.
    let mut by_id = std::collections::HashMap::with_capacity(debts.len());
    for (i, d) in debts.iter().enumerate() {
        by_id.entry(d.id.clone()).or_insert(i);
    }
    let lines = LineIndex::new(src);
    Ok((
        case,
        CaseSpans { file: file.to_string(), src: src.to_string(), case_table, as_of, filing_date, debts, by_id, lines },
    ))
}

fn parse_raw(src: &str, file: &str) -> Result<(Case, RawFile), CaseErrors> {
    let mut cx = Cx { file, src, errors: Vec::new(), lines: std::cell::OnceCell::new() };
    let raw: RawFile = match toml::from_str(src) {
        Ok(raw) => raw,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            cx.err(span, translate_toml_message(e.message()));
            return Err(CaseErrors(cx.errors));
        }
    };
    let case = cx.case(&raw);
    if cx.errors.is_empty() {
        Ok((case, raw))
    } else {
        cx.errors.sort_by_key(|e| (e.line, e.column));
        Err(CaseErrors(cx.errors))
    }
}

/// The TOML parser speaks English; translate the messages users meet most.
fn translate_toml_message(msg: &str) -> String {
    let msg = msg.trim();
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        let (field, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let expected = expected.trim_start_matches("one of ");
        return format!("未知字段 {field}。此处可用的字段：{expected}");
    }
    if let Some(rest) = msg.strip_prefix("missing field ") {
        return format!("缺少字段 {rest}");
    }
    // The rest are said in Chinese only (the parser's English words are not for the reader).
    if msg.starts_with("invalid type") {
        let wanted = if msg.contains("expected a string") {
            "这里要写文字，用英文双引号括起来"
        } else if msg.contains("integer") || msg.contains("float") || msg.contains("number") {
            "这里要写数字"
        } else if msg.contains("boolean") {
            "这里要写 true 或 false"
        } else {
            "请对照 docs/case-file.md 的写法"
        };
        return format!("这个值的类型不对：{wanted}");
    }
    if msg.contains("duplicate key") {
        return "同一个字段写了两次，请删掉一个".to_string();
    }
    if msg.contains("string values must be quoted") {
        return "文字要用英文双引号 \"\" 括起来（常见原因：用了中文引号“”，或忘了加引号）".to_string();
    }
    "这一行的写法不对（常见原因：中文引号“”代替了英文引号\"\"、漏了等号或引号未闭合）".to_string()
}

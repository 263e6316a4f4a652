//! `yuqi check`: every problem `yuqi audit` would stop on, found without computing, each at its
//! file, line and column.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use chrono::NaiveDate;
use yuqi_case::{Case, CaseErrors};

/// Reads, parses and validates a case file for the dates the audit would use: `as_of` and
/// `filing_date` as given on the command line, else from the file, else (as_of) today in
/// China. Problems found after parsing (the ledger's, the timeline's and the plan's
/// validations) are placed at the value they concern.
pub(crate) fn checked_case(
    path: &Path,
    as_of: Option<NaiveDate>,
    filing_date: Option<NaiveDate>,
) -> Result<Case, CaseErrors> {
    let src = yuqi_case::read_case_file(path)?;
    let (case, spans) = yuqi_case::parse_case_spanned(&src, &path.display().to_string())?;
    let dates = yuqi_app::Dates { as_of, filing_date, ..yuqi_app::Dates::today(yuqi_util::china_today()) };
    let problems = yuqi_app::validate(&case, &dates);
    if problems.is_empty() {
        return Ok(case);
    }
    let mut errors: Vec<_> = problems.iter().map(|p| spans.error(&p.field, p.to_string())).collect();
    errors.sort_by_key(|e| (e.line, e.column));
    errors.dedup();
    Err(CaseErrors(errors))
}

pub(crate) fn run(path: &Path) -> Result<ExitCode> {
    match checked_case(path, None, None) {
        Ok(case) => {
            println!("案例文件格式正确：{} 笔借款。", case.debts.len());
            Ok(ExitCode::SUCCESS)
        }
        Err(errors) => {
            eprintln!("{errors}");
            Ok(ExitCode::from(2))
        }
    }
}

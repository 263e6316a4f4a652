use std::fmt;
use std::ops::Range;

/// One problem in a case file, with its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseError {
    pub file: String,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column in characters.
    pub column: usize,
    /// What is wrong, in Chinese, with how to fix it.
    pub message: String,
    /// The offending source line, for display.
    pub source_line: String,
}

impl CaseError {
    /// An error at byte `offset` of `src`: line and column (in characters, as editors count)
    /// and the source line for display.
    pub(crate) fn at(file: &str, src: &str, offset: usize, message: String) -> Self {
        let offset = offset.min(src.len());
        let before = &src[..floor_char_boundary(src, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        let source_line = src[line_start..].lines().next().unwrap_or("").to_string();
        CaseError { file: file.to_string(), line, column, message, source_line }
    }

    /// [`CaseError::at`] with the line found in `lines`, the file's line index: counting the
    /// newlines from the start for every error was quadratic in a file with many errors.
    pub(crate) fn at_indexed(file: &str, src: &str, lines: &LineIndex, offset: usize, message: String) -> Self {
        let offset = floor_char_boundary(src, offset.min(src.len()));
        // `starts[0]` is 0, so at least one start is ≤ offset.
        let line_idx = lines.starts.partition_point(|&s| s <= offset) - 1;
        let line_start = lines.starts[line_idx];
        let column = src[line_start..offset].chars().count() + 1;
        let source_line = src[line_start..].lines().next().unwrap_or("").to_string();
        CaseError { file: file.to_string(), line: line_idx + 1, column, message, source_line }
    }

    /// An error about the whole file (no position).
    pub(crate) fn whole_file(file: &str, message: String) -> Self {
        CaseError { file: file.to_string(), line: 0, column: 0, message, source_line: String::new() }
    }
}

/// Where each line of a file starts (byte offsets), built once per file.
#[derive(Debug, Clone, Default)]
pub(crate) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(src: &str) -> Self {
        LineIndex { starts: std::iter::once(0).chain(src.match_indices('\n').map(|(i, _)| i + 1)).collect() }
    }
}

pub(crate) fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A value of a case that a check after parsing (the ledger's, the timeline's) is about, so
/// that its error can be shown where the value stands in the file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CaseField {
    /// `[case] as_of` (or the date used in its place).
    AsOf,
    /// `[case] filing_date` (or the date used in its place).
    FilingDate,
    /// A debt's `contract_date`.
    ContractDate { debt: String },
    /// A debt's first due date: `first_due`, the first `[[debt.schedule]]` row, or the date
    /// derived from `contract_date` when neither is written.
    FirstDue { debt: String },
}

impl CaseField {
    /// The field's name as the borrower knows it.
    pub fn label_zh(&self) -> &'static str {
        match self {
            CaseField::AsOf => "计算截止日",
            CaseField::FilingDate => "起诉日",
            CaseField::ContractDate { .. } => "合同日期",
            CaseField::FirstDue { .. } => "首期还款日",
        }
    }

    /// The debt the field belongs to, if any.
    pub fn debt(&self) -> Option<&str> {
        match self {
            CaseField::ContractDate { debt } | CaseField::FirstDue { debt } => Some(debt),
            CaseField::AsOf | CaseField::FilingDate => None,
        }
    }
}

/// Where the fields of [`CaseField`] stand in one parsed file, to place errors found after
/// parsing. Obtained from [`crate::parse_case_spanned`].
#[derive(Debug, Clone)]
pub struct CaseSpans {
    pub(crate) file: String,
    pub(crate) src: String,
    pub(crate) case_table: Option<Range<usize>>,
    pub(crate) as_of: Option<Range<usize>>,
    pub(crate) filing_date: Option<Range<usize>>,
    pub(crate) debts: Vec<DebtSpans>,
    /// Each debt's place in `debts` by id, and the file's lines: placing one error per debt of
    /// a long file by a search each time was quadratic.
    pub(crate) by_id: std::collections::HashMap<String, usize>,
    pub(crate) lines: LineIndex,
}

#[derive(Debug, Clone)]
pub(crate) struct DebtSpans {
    pub(crate) id: String,
    pub(crate) table: Range<usize>,
    pub(crate) contract_date: Option<Range<usize>>,
    pub(crate) first_due: Option<Range<usize>>,
}

impl CaseSpans {
    /// `message` placed at `field`. A value the file does not contain (an `as_of` taken from
    /// today, a first due date derived from the contract date) is placed at the nearest thing
    /// the user can edit: the `[case]` table, the contract date, the debt's table; failing all,
    /// the whole file.
    pub fn error(&self, field: &CaseField, message: String) -> CaseError {
        let debt = field.debt().and_then(|id| self.by_id.get(id)).map(|&i| &self.debts[i]);
        let span = match field {
            CaseField::AsOf => self.as_of.clone().or_else(|| self.case_table.clone()),
            CaseField::FilingDate => self.filing_date.clone().or_else(|| self.case_table.clone()),
            CaseField::ContractDate { .. } => debt.map(|d| d.contract_date.clone().unwrap_or(d.table.clone())),
            CaseField::FirstDue { .. } => {
                debt.map(|d| d.first_due.clone().or_else(|| d.contract_date.clone()).unwrap_or(d.table.clone()))
            }
        };
        match span {
            Some(span) => CaseError::at_indexed(&self.file, &self.src, &self.lines, span.start, message),
            None => CaseError::whole_file(&self.file, message),
        }
    }

    /// The file name errors are reported under.
    pub fn file(&self) -> &str {
        &self.file
    }
}

impl fmt::Display for CaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            return write!(f, "{}: {}", self.file, self.message);
        }
        writeln!(f, "{}:{}:{}: {}", self.file, self.line, self.column, self.message)?;
        let gutter = self.line.to_string().len();
        writeln!(f, "{:gutter$} |", "")?;
        writeln!(f, "{} | {}", self.line, self.source_line)?;
        // Caret under the column; CJK characters are two cells wide in a terminal.
        let pad: usize = self.source_line.chars().take(self.column.saturating_sub(1)).map(display_width).sum();
        write!(f, "{:gutter$} | {}^", "", " ".repeat(pad))
    }
}

fn display_width(c: char) -> usize {
    if c == '\t' {
        4
    } else if ('\u{1100}'..='\u{115F}').contains(&c)
        || ('\u{2E80}'..='\u{A4CF}').contains(&c)
        || ('\u{AC00}'..='\u{D7A3}').contains(&c)
        || ('\u{F900}'..='\u{FAFF}').contains(&c)
        || ('\u{FE30}'..='\u{FE4F}').contains(&c)
        || ('\u{FF00}'..='\u{FF60}').contains(&c)
        || ('\u{FFE0}'..='\u{FFE6}').contains(&c)
    {
        2
    } else {
        1
    }
}

/// Every problem found in one case file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct CaseErrors(pub Vec<CaseError>);

impl fmt::Display for CaseErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            writeln!(f, "{e}")?;
        }
        write!(f, "案例文件有 {n} 处错误，请修改后重试。")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_index_places_every_offset_as_counting_from_the_start_does() {
        let src = "version = 1\n\n[[debt]]\nlender = \"某某小贷\"\r\nrate = \"年化２４％\"\n末行没有换行";
        let lines = LineIndex::new(src);
        for offset in 0..=src.len() + 3 {
            assert_eq!(
                CaseError::at_indexed("f", src, &lines, offset, String::new()),
                CaseError::at("f", src, offset, String::new()),
                "{offset}"
            );
        }
    }
}

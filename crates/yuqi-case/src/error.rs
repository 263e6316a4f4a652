use std::fmt;

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

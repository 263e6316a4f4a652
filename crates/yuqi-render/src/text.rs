//! A [`Doc`] as plain text for a terminal: the CLI's reports are the same sections as the
//! dossier and the web pages, written without markup.
//!
//! Short tables are aligned in columns (a CJK character takes two columns); a table whose rows
//! would not fit in [`MAX_WIDTH`] columns is written one record per row, `列：值；列：值`, which
//! stays readable however the terminal wraps. Figures are not drawn: their caption is named.

use std::fmt::Write as _;

use yuqi_docs::doc::{Block, Doc, Inline};

/// The widest aligned table line.
pub const MAX_WIDTH: usize = 100;

/// Display columns of `s` in a terminal: East Asian wide characters count two.
pub fn width(s: &str) -> usize {
    s.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x1F300..=0x1FAFF | 0x20000..=0x3FFFD)
}

fn inlines(v: &[Inline]) -> String {
    let mut s = String::new();
    for i in v {
        match i {
            Inline::Text { text } | Inline::Strong { text } | Inline::Fact { text, .. } => s.push_str(text),
            Inline::Blank { prompt } => {
                let _ = write!(s, "＿＿＿＿（{prompt}）");
            }
            Inline::Mark { text, .. } => {
                let _ = write!(s, "【{text}】");
            }
        }
    }
    // One block is one line: a message's own line breaks must not break the layout.
    s.replace(['\n', '\r'], " ")
}

fn pad(s: &str, w: usize, right: bool) -> String {
    let fill = " ".repeat(w.saturating_sub(width(s)));
    if right { format!("{fill}{s}") } else { format!("{s}{fill}") }
}

fn table(out: &mut String, columns: &[String], rows: &[Vec<String>], numeric: &[bool]) {
    let mut widths: Vec<usize> = columns.iter().map(|c| width(c)).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(width(c));
            }
        }
    }
    let total: usize = 2 + widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1);
    if total <= MAX_WIDTH {
        let line = |cells: &[String]| {
            let parts: Vec<String> = cells
                .iter()
                .enumerate()
                .map(|(i, c)| pad(c, widths.get(i).copied().unwrap_or(0), numeric.get(i).copied().unwrap_or(false)))
                .collect();
            format!("  {}", parts.join("  ").trim_end())
        };
        let _ = writeln!(out, "{}", line(columns));
        for r in rows {
            let _ = writeln!(out, "{}", line(r));
        }
    } else {
        for r in rows {
            let cells: Vec<String> = columns
                .iter()
                .zip(r)
                .filter(|(_, v)| !v.is_empty())
                .map(|(c, v)| format!("{c}：{}", v.replace(['\n', '\r'], " ")))
                .collect();
            let _ = writeln!(out, "  · {}", cells.join("；"));
        }
    }
}

pub fn text(doc: &Doc) -> String {
    let mut out = format!("{}\n{}\n", doc.title, "=".repeat(40));
    if let Some(s) = &doc.subtitle {
        let _ = writeln!(out, "{s}");
    }
    for b in &doc.blocks {
        match b {
            Block::Heading { level: 1, text } => {
                let _ = write!(out, "\n{text}\n");
            }
            Block::Heading { text, .. } => {
                let _ = write!(out, "\n【{text}】\n");
            }
            Block::Para { inlines: v } => {
                let _ = writeln!(out, "  {}", inlines(v));
            }
            Block::Line { inlines: v } => {
                let _ = writeln!(out, "{}", inlines(v));
            }
            Block::Note { inlines: v } => {
                let _ = writeln!(out, "  {}", inlines(v));
            }
            Block::Signature { lines } => {
                for l in lines {
                    let _ = writeln!(out, "{:>40}", inlines(l));
                }
            }
            Block::List { ordered, items } => {
                for (i, it) in items.iter().enumerate() {
                    if *ordered {
                        let _ = writeln!(out, "  {}. {}", i + 1, inlines(it));
                    } else {
                        let _ = writeln!(out, "  · {}", inlines(it));
                    }
                }
            }
            Block::Table { columns, rows, numeric } => table(&mut out, columns, rows, numeric),
            Block::Figure { caption, .. } => {
                let _ = writeln!(out, "  （{caption}：终端中不显示，请生成 PDF 或 HTML 查看）");
            }
            Block::Quote { head, inlines: v } => {
                let _ = writeln!(out, "  ▌{head}");
                let _ = writeln!(out, "  ▌{}", inlines(v));
            }
            Block::PageBreak => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_characters_take_two_columns() {
        assert_eq!(width("借款a1"), 6);
        assert_eq!(width("１"), 2);
    }

    #[test]
    fn short_tables_align_and_wide_ones_become_records() {
        let mut d = Doc::new("t", "标题");
        d.blocks.push(Block::Table {
            columns: vec!["项目".into(), "金额".into()],
            rows: vec![vec!["本金".into(), "9,000.00".into()], vec!["依法支持合计".into(), "12.00".into()]],
            numeric: vec![false, true],
        });
        d.blocks.push(Block::Table {
            columns: vec!["计算".into()],
            rows: vec![vec!["长".repeat(60)]],
            numeric: vec![false],
        });
        let t = text(&d);
        assert!(t.contains("  本金          9,000.00\n"), "{t}");
        assert!(t.contains("  依法支持合计     12.00\n"), "{t}");
        assert!(t.contains(&format!("  · 计算：{}\n", "长".repeat(60))), "{t}");
    }
}

//! A [`Doc`] as Markdown (CommonMark with GFM tables). Message text is escaped so that a
//! collector's words cannot turn into links, headings or HTML.

use std::fmt::Write as _;

use yuqi_docs::doc::{Block, Doc, Inline};

/// Escapes Markdown punctuation and HTML-significant characters.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A paragraph must not start like a list item, a heading or a quote.
fn guard_start(s: String) -> String {
    let t = s.trim_start();
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    let list_like = digits > 0 && matches!(t[digits..].chars().next(), Some('.' | ')'));
    if list_like || t.starts_with(['-', '+', '>', '=']) { format!("\\{t}") } else { s }
}

fn inlines(v: &[Inline]) -> String {
    guard_start(inlines_raw(v))
}

fn inlines_raw(v: &[Inline]) -> String {
    let mut s = String::new();
    for i in v {
        match i {
            Inline::Text { text } | Inline::Fact { text, .. } => s.push_str(&escape(text)),
            Inline::Strong { text } => {
                let _ = write!(s, "**{}**", escape(text));
            }
            Inline::Blank { prompt } => {
                let _ = write!(s, "＿＿＿＿（{}）", escape(prompt));
            }
            Inline::Mark { text, .. } => {
                let _ = write!(s, "<mark>{}</mark>", escape(text));
            }
        }
    }
    s
}

pub fn markdown(doc: &Doc) -> String {
    let mut s = format!("# {}\n\n", escape(&doc.title));
    if let Some(sub) = &doc.subtitle {
        let _ = writeln!(s, "{}\n", escape(sub));
    }
    for b in &doc.blocks {
        match b {
            Block::Heading { level, text } => {
                let _ = writeln!(s, "{} {}\n", "#".repeat(usize::from(*level).clamp(1, 4) + 1), escape(text));
            }
            Block::Para { inlines: v } | Block::Line { inlines: v } => {
                let _ = writeln!(s, "{}\n", inlines(v));
            }
            Block::Signature { lines } => {
                s.push_str("<div align=\"right\">\n\n");
                for l in lines {
                    let _ = writeln!(s, "{}  ", inlines(l));
                }
                s.push_str("\n</div>\n\n");
            }
            Block::List { ordered, items } => {
                for (n, it) in items.iter().enumerate() {
                    if *ordered {
                        let _ = writeln!(s, "{}. {}", n + 1, inlines(it));
                    } else {
                        let _ = writeln!(s, "- {}", inlines(it));
                    }
                }
                s.push('\n');
            }
            Block::Table { columns, rows, numeric } => {
                let _ = writeln!(s, "| {} |", columns.iter().map(|c| escape(c)).collect::<Vec<_>>().join(" | "));
                let _ = writeln!(
                    s,
                    "|{}|",
                    (0..columns.len())
                        .map(|i| if numeric.get(i).copied().unwrap_or(false) { "---:" } else { "---" })
                        .collect::<Vec<_>>()
                        .join("|")
                );
                for r in rows {
                    let _ = writeln!(s, "| {} |", r.iter().map(|c| escape(c)).collect::<Vec<_>>().join(" | "));
                }
                s.push('\n');
            }
            Block::Figure { caption, .. } => {
                let _ = writeln!(s, "*{}（图见 PDF 或 HTML 版）*\n", escape(caption));
            }
            Block::Quote { head, inlines: v } => {
                let _ = writeln!(s, "> {}  \n> {}\n", escape(head), inlines(v));
            }
            Block::Note { inlines: v } => {
                let _ = writeln!(s, "<small>{}</small>\n", inlines(v));
            }
            Block::PageBreak => s.push_str("\n---\n\n"),
        }
    }
    s
}

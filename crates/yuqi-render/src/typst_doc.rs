//! A [`Doc`] as typst markup. Every piece of text goes in as a typst *string* (`#"…"`), never
//! as markup, so nothing a collector wrote can be interpreted as typst code.

use std::fmt::Write as _;

use yuqi_docs::doc::{Block, Doc, Inline};

/// A typst string literal.
fn lit(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if (c as u32) < 0x20 && c != '\t' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn inlines(v: &[Inline]) -> String {
    let mut s = String::new();
    for i in v {
        match i {
            Inline::Text { text } | Inline::Fact { text, .. } => {
                let _ = write!(s, "#{}", lit(text));
            }
            Inline::Strong { text } => {
                let _ = write!(s, "#strong({})", lit(text));
            }
            Inline::Blank { prompt } => {
                let _ = write!(
                    s,
                    "#box(width: 5em, stroke: (bottom: 0.5pt), outset: (bottom: 2pt))[]#text(fill: luma(90), size: 0.85em)[#{}]",
                    lit(&format!("（{prompt}）"))
                );
            }
            Inline::Mark { text, .. } => {
                let _ = write!(
                    s,
                    "#highlight(fill: rgb(\"#f9d6d5\"))[#underline(stroke: 0.8pt + rgb(\"#c0392b\"))[#{}]]",
                    lit(text)
                );
            }
        }
    }
    s
}

/// Column widths from content length, so that long text columns get the room.
fn widths(columns: &[String], rows: &[Vec<String>]) -> String {
    let n = columns.len();
    let mut w = vec![2usize; n];
    for (i, c) in columns.iter().enumerate() {
        w[i] = w[i].max(c.chars().count());
    }
    for r in rows {
        for (i, c) in r.iter().enumerate().take(n) {
            w[i] = w[i].max(c.chars().count().min(40));
        }
    }
    w.iter().map(|x| format!("{}fr", (*x).clamp(2, 40))).collect::<Vec<_>>().join(", ")
}

/// The typst source of a document. `letter` documents get letter layout (no page numbers,
/// larger body text); the dossier gets a report layout.
pub fn markup(doc: &Doc) -> String {
    let letter = doc.kind != "dossier";
    let mut s = String::new();
    let body = if letter { "12pt" } else { "10.5pt" };
    let _ = writeln!(
        s,
        "#set page(paper: \"a4\", margin: (top: 3.2cm, bottom: 3cm, left: 2.8cm, right: 2.6cm){})",
        if letter { "" } else { ", numbering: \"1 / 1\", number-align: center" }
    );
    let _ = writeln!(s, "#set text(size: {body})");
    s.push_str(
        "#set par(justify: true, leading: 0.9em, spacing: 1.1em, first-line-indent: (amount: 2em, all: true))\n",
    );
    s.push_str("#show heading: set text(weight: \"bold\")\n");
    s.push_str("#show heading.where(level: 1): set text(size: 1.25em)\n");
    s.push_str("#show heading.where(level: 2): set text(size: 1.1em)\n");
    s.push_str("#show heading: set block(above: 1.4em, below: 0.8em)\n");
    s.push_str("#set table(stroke: 0.5pt + luma(150), inset: 4pt)\n");
    let _ = writeln!(
        s,
        "#align(center)[#text(size: {}, weight: \"bold\")[#{}]]",
        if letter { "20pt" } else { "18pt" },
        lit(&doc.title)
    );
    if let Some(sub) = &doc.subtitle {
        let _ = writeln!(s, "#align(center)[#text(size: 10pt, fill: luma(80))[#{}]]", lit(sub));
    }
    s.push_str("#v(1em)\n");
    for b in &doc.blocks {
        match b {
            Block::Heading { level, text } => {
                let _ = writeln!(s, "\n#heading(level: {})[#{}]\n", level.clamp(&1, &4), lit(text));
            }
            Block::Para { inlines: v } => {
                let _ = writeln!(s, "\n{}\n", inlines(v));
            }
            Block::Line { inlines: v } => {
                let _ = writeln!(s, "\n#par(first-line-indent: 0em)[{}]\n", inlines(v));
            }
            Block::Signature { lines } => {
                s.push_str("\n#v(1.5em)\n#align(right)[#block[#set par(first-line-indent: 0em)\n");
                for l in lines {
                    let _ = writeln!(s, "{} \\", inlines(l));
                }
                s.push_str("]]\n");
            }
            Block::List { ordered, items } => {
                let f = if *ordered { "enum" } else { "list" };
                let _ = write!(s, "\n#block[#set par(first-line-indent: 0em)\n#{f}(");
                for it in items {
                    let _ = write!(s, "[{}], ", inlines(it));
                }
                s.push_str(")]\n");
            }
            Block::Table { columns, rows, numeric } => {
                let aligns: Vec<&str> = (0..columns.len())
                    .map(|i| if numeric.get(i).copied().unwrap_or(false) { "right" } else { "left" })
                    .collect();
                let _ = write!(
                    s,
                    "\n#block[#set par(first-line-indent: 0em, justify: false)\n#set text(size: 0.85em)\n#table(columns: ({}), align: ({},), table.header(",
                    widths(columns, rows),
                    aligns.join(", ")
                );
                for c in columns {
                    let _ = write!(s, "[#strong({})], ", lit(c));
                }
                s.push_str("), ");
                for r in rows {
                    for i in 0..columns.len() {
                        let _ = write!(s, "[#{}], ", lit(r.get(i).map_or("", String::as_str)));
                    }
                }
                s.push_str(")]\n");
            }
            Block::Figure { svg, caption, .. } => {
                let _ = writeln!(
                    s,
                    "\n#figure(image(bytes({}), format: \"svg\", width: 100%), caption: [#{}], supplement: none, numbering: none)\n",
                    lit(svg),
                    lit(caption)
                );
            }
            Block::Quote { head, inlines: v } => {
                let _ = writeln!(
                    s,
                    "\n#block(fill: luma(246), inset: 8pt, radius: 3pt, width: 100%, breakable: true)[#set par(first-line-indent: 0em)\n#text(size: 0.8em, fill: luma(80))[#{}] \\\n{}]\n",
                    lit(head),
                    inlines(v)
                );
            }
            Block::Note { inlines: v } => {
                let _ = writeln!(
                    s,
                    "\n#par(first-line-indent: 0em)[#text(size: 0.85em, fill: luma(70))[{}]]\n",
                    inlines(v)
                );
            }
            Block::PageBreak => s.push_str("\n#pagebreak()\n"),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_cannot_escape_into_markup() {
        assert_eq!(lit("a\"b\\c#d]"), "\"a\\\"b\\\\c#d]\"");
        let doc = Doc {
            kind: "verification",
            title: "t".into(),
            subtitle: None,
            blocks: vec![Block::Para { inlines: vec![Inline::text("#panic(\"x\") ]) [ \" \\")] }],
            notices: vec![],
        };
        let m = markup(&doc);
        assert!(m.contains("#\"#panic(\\\"x\\\") ]) [ \\\" \\\\\""), "{m}");
    }
}

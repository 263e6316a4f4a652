//! A [`Doc`] as typst markup. Every piece of text goes in as a typst *string* (`#"…"`), never
//! as markup, so nothing a collector wrote can be interpreted as typst code.
//!
//! typst breaks lines only where Unicode allows it, and has no emergency break: a SHA-256
//! hash, a URL or a long digit string is one unbreakable run and runs off the page when it does
//! not fit. Such runs go through [`RUN_FN`], which breaks inside them only when they do not fit
//! on a line by themselves.

use std::cell::Cell;
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

/// Runs of this many characters or more without a break opportunity get [`RUN_FN`]. Shorter ones
/// (an amount, a phone number, a date) fit a line of the page, and a reader would rather see them
/// whole.
const LONG_RUN: usize = 16;

/// Punctuation typst never puts at the end of a line (before a run) or at the start of one
/// (after it): it goes with the run, so that the run's width includes it.
const OPENING: &str = "（“‘《「『【〔〈";
const CLOSING: &str = "）”’》」』】〕〉，。、；：！？";

/// The typst function for one long unbreakable run, given as its pieces (one character each,
/// the punctuation that must stay with it glued to the first and the last) and a number unique
/// in the document. When the run fits on a line of the container it is set in, it is one box:
/// the paragraph breaks before it as before any word, and never inside. When it does not, each
/// piece is a box and the line may break between any two: the run starts where it is and fills
/// the lines it needs. No hyphen is added, so a hash copied from the page is still the hash.
///
/// The container's width is known only during layout, inside `layout`, which makes a box; so it
/// is recorded in a state by the box the run is set in and read back with `final()`, which typst
/// resolves by laying the document out again (the first pass keeps the run whole).
pub const RUN_FN: &str = r#"#let yuqi-run(pieces, id) = context {
  let line = state("yuqi-run-" + str(id), none)
  let probe(body) = box(layout(size => { line.update(size.width); body }))
  let s = pieces.join()
  let avail = line.final()
  if avail == none or measure(s).width <= avail { probe(s) } else {
    probe(pieces.first()) + pieces.slice(1).map(box).join()
  }
}
"#;

/// Characters typst finds no break opportunity between (in the runs that matter: hashes,
/// URLs, card and ID numbers).
fn unbreakable(c: char) -> bool {
    c.is_ascii_graphic()
}

/// Text as typst content: string literals, with each long unbreakable run given to
/// [`RUN_FN`]; `ids` numbers the runs of a document.
fn text(s: &str, ids: &Cell<u32>) -> String {
    let cs: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut plain = String::new();
    let mut i = 0;
    while i < cs.len() {
        let mut j = i;
        while j < cs.len() && unbreakable(cs[j]) {
            j += 1;
        }
        if j - i < LONG_RUN {
            let stop = if j > i { j } else { i + 1 };
            plain.extend(&cs[i..stop]);
            i = stop;
            continue;
        }
        let mut first: String = cs[i].to_string();
        while let Some(p) = plain.pop() {
            if OPENING.contains(p) {
                first.insert(0, p);
            } else {
                plain.push(p);
                break;
            }
        }
        let mut pieces: Vec<String> = cs[i + 1..j].iter().map(char::to_string).collect();
        pieces.insert(0, first);
        while j < cs.len() && CLOSING.contains(cs[j]) {
            if let Some(last) = pieces.last_mut() {
                last.push(cs[j]);
            }
            j += 1;
        }
        if !plain.is_empty() {
            let _ = write!(out, "#{}", lit(&plain));
            plain.clear();
        }
        let id = ids.get();
        ids.set(id + 1);
        let list: Vec<String> = pieces.iter().map(|p| lit(p)).collect();
        let _ = write!(out, "#yuqi-run(({},), {id})", list.join(", "));
        i = j;
    }
    if !plain.is_empty() || out.is_empty() {
        let _ = write!(out, "#{}", lit(&plain));
    }
    out
}

/// Whether the inlines begin with a long run: set in a paragraph with a first-line indent, it
/// would have 2em less than the line it was measured against.
fn starts_with_long_run(v: &[Inline]) -> bool {
    let first = match v.first() {
        Some(
            Inline::Text { text } | Inline::Fact { text, .. } | Inline::Strong { text } | Inline::Mark { text, .. },
        ) => text,
        _ => return false,
    };
    first.trim_start_matches(|c| OPENING.contains(c)).chars().take_while(|c| unbreakable(*c)).count() >= LONG_RUN
}

fn inlines(v: &[Inline], ids: &Cell<u32>) -> String {
    let mut s = String::new();
    for i in v {
        match i {
            Inline::Text { text: t } | Inline::Fact { text: t, .. } => s.push_str(&text(t, ids)),
            Inline::Strong { text: t } => {
                let _ = write!(s, "#strong[{}]", text(t, ids));
            }
            Inline::Blank { prompt } => {
                let _ = write!(
                    s,
                    "#box(width: 5em, stroke: (bottom: 0.5pt), outset: (bottom: 2pt))[]#text(fill: luma(90), size: 0.85em)[{}]",
                    text(&format!("（{prompt}）"), ids)
                );
            }
            Inline::Mark { text: t, .. } => {
                let _ = write!(
                    s,
                    "#highlight(fill: rgb(\"#f9d6d5\"))[#underline(stroke: 0.8pt + rgb(\"#c0392b\"))[{}]]",
                    text(t, ids)
                );
            }
        }
    }
    s
}

/// Columns this narrow (in half-width characters, a Chinese character counting two) get a fixed
/// width that holds their widest cell: a share of the width proportional to so little text can
/// be narrower than one character and its cell padding. The body decides, not the header: a
/// header wraps between its characters, a figure does not — the exhibit's 适用年利率 (a long
/// header over "24.00%") got a share narrower than its figures, which were printed over the
/// next column's ("230.224.00%"); sized by the header (auto) it took the room of the text
/// columns instead. The width holds at least two Chinese characters, so a header like 序号
/// stays in its cell.
const NARROW_COLUMN: usize = 10;

fn display_width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// About how wide a short cell's text sets, in em: digits and most Latin letters half an em,
/// separators a quarter, % most of one, Chinese characters one.
fn ems(s: &str) -> f64 {
    s.chars()
        .map(|c| match c {
            '.' | ',' | ':' | ';' | '\'' | ' ' => 0.25,
            '-' | '(' | ')' | '/' => 0.35,
            '%' | 'm' | 'w' | 'M' | 'W' => 0.85,
            c if c.is_ascii() => 0.55,
            _ => 1.0,
        })
        .sum()
}

/// The longest run a line cannot break (a date, an amount, a Latin word), in em.
fn unbreakable_ems(s: &str) -> f64 {
    s.split(|c: char| !c.is_ascii() || c == ' ').map(ems).fold(0.0, f64::max)
}

/// The narrowest text area a table is set in, in em of the table's text (a letter: 12 pt body,
/// tables at 0.85 of it, on A4 between margins of 2.8 and 2.6 cm; the dossier's is wider).
const TABLE_EMS: f64 = 42.0;

/// Runs up to this width (a date, an amount) are kept whole in a cell; longer ones (a hash)
/// are broken between characters by `RUN_FN` anyway.
const LONGEST_KEPT_RUN: f64 = 12.0;

/// Column widths from content length, so that long text columns get the room.
fn widths(columns: &[String], rows: &[Vec<String>]) -> String {
    let n = columns.len();
    let mut w = vec![2usize; n];
    let mut widest = vec![0usize; n];
    let mut set = vec![0f64; n];
    let mut unbreakable = vec![0f64; n];
    for (i, c) in columns.iter().enumerate() {
        w[i] = w[i].max(c.chars().count());
        if rows.is_empty() {
            widest[i] = display_width(c);
            set[i] = ems(c);
        }
    }
    for r in rows {
        for (i, c) in r.iter().enumerate().take(n) {
            w[i] = w[i].max(c.chars().count().min(40));
            widest[i] = widest[i].max(display_width(c));
            set[i] = set[i].max(ems(c));
            unbreakable[i] = unbreakable[i].max(unbreakable_ems(c));
        }
    }
    // A narrow column gets a fixed width: its widest cell (at least two Chinese characters) and
    // the cell's inset on both sides (4 pt each, under an em at the table's text size).
    let mut fixed: Vec<Option<f64>> =
        widest.iter().zip(&set).map(|(d, e)| (*d <= NARROW_COLUMN).then(|| e.max(2.0) + 1.0)).collect();
    // The others share the rest by how wide their text sets, not by their count of characters
    // (a period "2024-06-11 至 2024-07-10", 23 characters, took three times the room of
    // 借期内利息和费用 and left it one character wide). A column whose share would be narrower
    // than a short run it cannot break (a date) is given that run's width instead.
    let share: Vec<usize> = w.iter().zip(&set).map(|(x, e)| (e.round() as usize).min(*x * 2).clamp(2, 40)).collect();
    loop {
        let rest = TABLE_EMS - fixed.iter().flatten().sum::<f64>();
        let parts: usize = (0..n).filter(|i| fixed[*i].is_none()).map(|i| share[i]).sum();
        let squeezed = (0..n).find(|i| {
            fixed[*i].is_none()
                && unbreakable[*i] <= LONGEST_KEPT_RUN
                && rest * (share[*i] as f64) / (parts.max(1) as f64) < unbreakable[*i] + 1.0
        });
        match squeezed {
            Some(i) => fixed[i] = Some(unbreakable[i] + 1.0),
            None => break,
        }
    }
    fixed
        .iter()
        .zip(&share)
        .map(|(f, x)| match f {
            Some(e) => format!("{e:.2}em"),
            None => format!("{x}fr"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The typst source of a document. `letter` documents get letter layout (no page numbers,
/// larger body text); the dossier gets a report layout.
pub fn markup(doc: &Doc) -> String {
    let ids = &Cell::new(0);
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
    s.push_str(RUN_FN);
    let _ = writeln!(
        s,
        "#align(center)[#text(size: {}, weight: \"bold\")[{}]]",
        if letter { "20pt" } else { "18pt" },
        text(&doc.title, ids)
    );
    if let Some(sub) = &doc.subtitle {
        let _ = writeln!(s, "#align(center)[#text(size: 10pt, fill: luma(80))[{}]]", text(sub, ids));
    }
    s.push_str("#v(1em)\n");
    for b in &doc.blocks {
        match b {
            Block::Heading { level, text: t } => {
                let _ = writeln!(s, "\n#heading(level: {})[{}]\n", level.clamp(&1, &4), text(t, ids));
            }
            Block::Para { inlines: v } if starts_with_long_run(v) => {
                let _ = writeln!(s, "\n#par(first-line-indent: 0em)[{}]\n", inlines(v, ids));
            }
            Block::Para { inlines: v } => {
                let _ = writeln!(s, "\n{}\n", inlines(v, ids));
            }
            Block::Line { inlines: v } => {
                let _ = writeln!(s, "\n#par(first-line-indent: 0em)[{}]\n", inlines(v, ids));
            }
            Block::Signature { lines } => {
                s.push_str("\n#v(1.5em)\n#align(right)[#block[#set par(first-line-indent: 0em)\n");
                for l in lines {
                    let _ = writeln!(s, "{} \\", inlines(l, ids));
                }
                s.push_str("]]\n");
            }
            Block::List { ordered, items } => {
                let f = if *ordered { "enum" } else { "list" };
                let _ = write!(s, "\n#block[#set par(first-line-indent: 0em)\n#{f}(");
                for it in items {
                    let _ = write!(s, "[{}], ", inlines(it, ids));
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
                    let _ = write!(s, "[#strong[{}]], ", text(c, ids));
                }
                s.push_str("), ");
                for r in rows {
                    for i in 0..columns.len() {
                        let _ = write!(s, "[{}], ", text(r.get(i).map_or("", String::as_str), ids));
                    }
                }
                s.push_str(")]\n");
            }
            Block::Figure { svg, caption, .. } => {
                let _ = writeln!(
                    s,
                    "\n#figure(image(bytes({}), format: \"svg\", width: 100%), caption: [{}], supplement: none, numbering: none)\n",
                    lit(svg),
                    text(caption, ids)
                );
            }
            Block::Quote { head, inlines: v } => {
                let _ = writeln!(
                    s,
                    "\n#block(fill: luma(246), inset: 8pt, radius: 3pt, width: 100%, breakable: true)[#set par(first-line-indent: 0em)\n#text(size: 0.8em, fill: luma(80))[{}] \\\n{}]\n",
                    text(head, ids),
                    inlines(v, ids)
                );
            }
            Block::Note { inlines: v } => {
                let _ = writeln!(
                    s,
                    "\n#par(first-line-indent: 0em)[#text(size: 0.85em, fill: luma(70))[{}]]\n",
                    inlines(v, ids)
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

    #[test]
    fn only_long_unbreakable_runs_go_to_the_run_function() {
        let ids = &Cell::new(0);
        let hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        let pieces = |s: &str| s.chars().map(|c| format!("\"{c}\"")).collect::<Vec<_>>();
        // The closing bracket goes with the run's last piece: typst would not start a line with it.
        let mut p = pieces(hash);
        *p.last_mut().expect("a piece") = "\"8）\"".to_string();
        assert_eq!(
            text(&format!("防篡改校验值 {hash}）"), ids),
            format!("#\"防篡改校验值 \"#yuqi-run(({},), 0)", p.join(", "))
        );
        // The next run gets the next number; an opening bracket goes with the first piece.
        let mut p = pieces(hash);
        p[0] = "\"（9\"".to_string();
        assert_eq!(text(&format!("（{hash}"), ids), format!("#yuqi-run(({},), 1)", p.join(", ")));
        // An amount, a phone number and a date stay in the literal around them.
        assert_eq!(text("还款 1,234,567.89 元，电话 13800138000", ids), "#\"还款 1,234,567.89 元，电话 13800138000\"");
        assert_eq!(text("", ids), "#\"\"");
        assert_eq!(ids.get(), 2);
        // A hostile run is still string literals inside the call.
        let evil = "\")#panic(\"x\")//aaaaaaaaaaaa";
        let m = text(evil, ids);
        assert!(m.starts_with("#yuqi-run((\"\\\"\", \")\", \"#\", \"p\""), "{m}");
        assert!(starts_with_long_run(&[Inline::text(format!("（{hash}是校验值"))]));
        assert!(!starts_with_long_run(&[Inline::text(format!("校验值{hash}"))]));
    }
}

//! A [`Doc`] as DOCX (docx-rs), for lawyers who edit. Body in 宋体 with a two-character
//! first-line indent, headings in 黑体, tables with borders; the fonts are named, not embedded,
//! as Word and WPS on Chinese systems have them. Figures are not embedded (they are in the PDF
//! and HTML); their captions say so.

use docx_rs::{
    AlignmentType, Docx, LineSpacing, PageMargin, Paragraph, Run, RunFonts, SpecialIndentType, Table, TableCell,
    TableRow,
};
use yuqi_docs::doc::{Block, Doc, Inline};

use crate::RenderError;

const BODY: &str = "宋体";
const HEAD: &str = "黑体";
/// Half-points.
const SIZE: usize = 24;

fn fonts(east: &str) -> RunFonts {
    RunFonts::new().east_asia(east).ascii("Times New Roman").hi_ansi("Times New Roman")
}

fn runs(mut p: Paragraph, v: &[Inline], size: usize) -> Paragraph {
    for i in v {
        let r = match i {
            Inline::Text { text } | Inline::Fact { text, .. } => Run::new().add_text(text),
            Inline::Strong { text } => Run::new().add_text(text).bold(),
            Inline::Blank { prompt } => {
                p = p.add_run(Run::new().add_text("　　　　　").underline("single").size(size).fonts(fonts(BODY)));
                Run::new().add_text(format!("（{prompt}）")).color("666666")
            }
            Inline::Mark { text, .. } => Run::new().add_text(text).highlight("yellow").underline("single"),
        };
        p = p.add_run(r.size(size).fonts(fonts(BODY)));
    }
    p
}

fn body_para() -> Paragraph {
    Paragraph::new()
        .indent(None, Some(SpecialIndentType::FirstLine(2 * SIZE as i32 * 10)), None, None)
        .line_spacing(LineSpacing::new().line(360).after(120))
}

fn plain_para() -> Paragraph {
    Paragraph::new().line_spacing(LineSpacing::new().line(360).after(120))
}

pub fn docx(doc: &Doc) -> Result<Vec<u8>, RenderError> {
    let mut d = Docx::new()
        .page_size(11906, 16838)
        .page_margin(PageMargin::new().top(1814).bottom(1701).left(1588).right(1474))
        .default_fonts(fonts(BODY))
        .default_size(SIZE);
    d = d.add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Center)
            .line_spacing(LineSpacing::new().after(240))
            .add_run(Run::new().add_text(&doc.title).size(40).bold().fonts(fonts(HEAD))),
    );
    if let Some(sub) = &doc.subtitle {
        d = d.add_paragraph(
            Paragraph::new().align(AlignmentType::Center).add_run(Run::new().add_text(sub).size(20).color("555555")),
        );
    }
    for b in &doc.blocks {
        match b {
            Block::Heading { level, text } => {
                let size = if *level <= 1 { 30 } else { 26 };
                d = d.add_paragraph(
                    Paragraph::new()
                        .outline_lvl(usize::from(*level).saturating_sub(1))
                        .line_spacing(LineSpacing::new().before(240).after(120))
                        .add_run(Run::new().add_text(text).size(size).bold().fonts(fonts(HEAD))),
                );
            }
            Block::Para { inlines } => d = d.add_paragraph(runs(body_para(), inlines, SIZE)),
            Block::Line { inlines } => d = d.add_paragraph(runs(plain_para(), inlines, SIZE)),
            Block::Signature { lines } => {
                for l in lines {
                    d = d.add_paragraph(runs(Paragraph::new().align(AlignmentType::Right), l, SIZE));
                }
            }
            Block::List { ordered, items } => {
                for (n, it) in items.iter().enumerate() {
                    let mark = if *ordered { format!("{}. ", n + 1) } else { "· ".to_string() };
                    let p = plain_para()
                        .indent(Some(420), Some(SpecialIndentType::Hanging(420)), None, None)
                        .add_run(Run::new().add_text(mark).size(SIZE).fonts(fonts(BODY)));
                    d = d.add_paragraph(runs(p, it, SIZE));
                }
            }
            Block::Table { columns, rows, numeric } => {
                let cell = |t: &str, bold: bool, right: bool| {
                    let mut r = Run::new().add_text(t).size(18).fonts(fonts(BODY));
                    if bold {
                        r = r.bold();
                    }
                    let p = Paragraph::new()
                        .align(if right { AlignmentType::Right } else { AlignmentType::Left })
                        .add_run(r);
                    TableCell::new().add_paragraph(p)
                };
                let mut trs = vec![TableRow::new(columns.iter().map(|c| cell(c, true, false)).collect())];
                for r in rows {
                    trs.push(TableRow::new(
                        (0..columns.len())
                            .map(|i| {
                                cell(
                                    r.get(i).map_or("", String::as_str),
                                    false,
                                    numeric.get(i).copied().unwrap_or(false),
                                )
                            })
                            .collect(),
                    ));
                }
                d = d.add_table(Table::new(trs)).add_paragraph(Paragraph::new());
            }
            Block::Figure { caption, .. } => {
                d = d.add_paragraph(
                    Paragraph::new()
                        .align(AlignmentType::Center)
                        .add_run(Run::new().add_text(format!("{caption}（图见 PDF 版）")).size(20).color("555555")),
                );
            }
            Block::Quote { head, inlines } => {
                d = d.add_paragraph(
                    plain_para()
                        .indent(Some(420), None, None, None)
                        .add_run(Run::new().add_text(head).size(18).color("555555").fonts(fonts(BODY))),
                );
                d = d.add_paragraph(runs(plain_para().indent(Some(420), None, None, None), inlines, 22));
            }
            Block::Note { inlines } => d = d.add_paragraph(runs(plain_para(), inlines, 20)),
            Block::PageBreak => {
                d = d.add_paragraph(Paragraph::new().add_run(Run::new().add_break(docx_rs::BreakType::Page)));
            }
        }
    }
    let mut out = std::io::Cursor::new(Vec::new());
    d.build().pack(&mut out).map_err(|e| RenderError::Docx(e.to_string()))?;
    Ok(out.into_inner())
}

//! Long unbreakable runs (a SHA-256 hash, a long digit string) wrap inside the page instead of
//! running off it, and break inside only when they do not fit on a line by themselves. The PDF
//! is read back with `pdftotext -bbox`, which gives every word's position on the page.

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::NaiveDate;
use yuqi_docs::{Block, Doc, EvidenceIndex, Inline, LetterKind, LetterOptions};

const HASH: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
const TODAY: (i32, u8, u8) = (2026, 11, 24);

/// A4 and the letter margins of `typst_doc::markup` (left 2.8 cm, right 2.6 cm), in points.
const PAGE_WIDTH: f64 = 595.276;
const LEFT: f64 = 2.8 / 2.54 * 72.0;
const RIGHT: f64 = PAGE_WIDTH - 2.6 / 2.54 * 72.0;
/// Rounding in the PDF coordinates and in pdftotext's boxes.
const SLACK: f64 = 1.0;

struct Word {
    x_min: f64,
    x_max: f64,
    y_min: f64,
    y_max: f64,
    text: String,
}

fn attr(tag: &str, name: &str) -> f64 {
    let key = format!("{name}=\"");
    let at = tag.find(&key).unwrap_or_else(|| panic!("{name} in {tag}")) + key.len();
    let end = tag[at..].find('"').expect("closing quote") + at;
    tag[at..end].parse().expect("a number")
}

/// Every word of the PDF with its horizontal extent, from `pdftotext -bbox`.
fn words(path: &Path) -> Vec<Word> {
    let out = Command::new("pdftotext")
        .arg("-bbox")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is needed to check PDFs; .ci/run installs it");
    assert!(out.status.success());
    let html = String::from_utf8(out.stdout).expect("utf-8");
    let mut v = Vec::new();
    for piece in html.split("<word ").skip(1) {
        let gt = piece.find('>').expect("tag end");
        let end = piece.find("</word>").expect("word end");
        let text = piece[gt + 1..end].replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
        let tag = &piece[..gt];
        v.push(Word {
            x_min: attr(tag, "xMin"),
            x_max: attr(tag, "xMax"),
            y_min: attr(tag, "yMin"),
            y_max: attr(tag, "yMax"),
            text,
        });
    }
    assert!(!v.is_empty(), "no words read back");
    v
}

fn pdf_words(doc: &Doc, dir: &Path, name: &str) -> Vec<Word> {
    let r = yuqi_render::Renderer::new().expect("a CJK font (fonts-noto-cjk) is installed");
    let pdf = r.doc_pdf(doc, TODAY).expect("pdf");
    let path = dir.join(format!("{name}.pdf"));
    std::fs::write(&path, pdf).expect("write");
    words(&path)
}

/// Full-width punctuation that typst sets at half its width at the end of a line: its glyph box
/// (which pdftotext reports) reaches past the line by half an em, its ink does not.
const HALF_WIDTH_AT_LINE_END: &str = "）”’》」』】〕〉，。、；：！？";

fn assert_inside_the_page(words: &[Word], what: &str) {
    for w in words {
        let overhang = match w.text.chars().last() {
            Some(c) if HALF_WIDTH_AT_LINE_END.contains(c) => (w.y_max - w.y_min) / 2.0,
            _ => 0.0,
        };
        assert!(
            w.x_min >= LEFT - SLACK && w.x_max <= RIGHT + SLACK + overhang,
            "{what}: {:?} spans {:.1}–{:.1} pt, the text area is {LEFT:.1}–{RIGHT:.1} pt",
            w.text,
            w.x_min,
            w.x_max
        );
    }
}

fn joined(words: &[Word]) -> String {
    words.iter().map(|w| w.text.as_str()).collect()
}

#[test]
fn a_hash_wraps_inside_the_page_and_breaks_only_when_it_must() {
    let digits: String = (0..300).map(|i| char::from(b'0' + (i % 10) as u8)).collect();
    let doc = Doc {
        kind: "police",
        title: "报案材料".into(),
        subtitle: None,
        blocks: vec![
            // Where the police letter puts the evidence package's hash, and in a paragraph.
            Block::List {
                ordered: true,
                items: vec![vec![Inline::text(format!("证据包（共 12 条记录，防篡改校验值 {HASH}）"))]],
            },
            Block::Para { inlines: vec![Inline::text(format!("{HASH}是证据包的校验值，请核对。"))] },
            // A narrow context: a table column far narrower than the hash.
            Block::Table {
                columns: vec!["序号".into(), "时间".into(), "号码".into(), "内容".into(), "校验值".into()],
                rows: vec![vec![
                    "1".into(),
                    "2026-11-20 23:30".into(),
                    "17100009999".into(),
                    "你再不还钱，我们就到你单位去找你领导，让大家都知道你欠钱不还。".into(),
                    HASH.into(),
                ]],
                numeric: vec![true, false, false, false, false],
            },
            // Longer than any line: it has to break inside.
            Block::Para { inlines: vec![Inline::text(format!("号码：{digits}。"))] },
        ],
        notices: vec![],
    };
    let dir = tempfile::tempdir().expect("tmp");
    let w = pdf_words(&doc, dir.path(), "runs");
    assert_inside_the_page(&w, "runs");
    let all = joined(&w);
    // Every character is there, in order: the hash of the list item and of the paragraph, the
    // digits, and in the table's last column (read apart from the cells beside it) the third.
    assert_eq!(all.matches(HASH).count(), 2, "{all}");
    assert!(all.contains(&digits), "{all}");
    let column = w.iter().find(|x| x.text == "校验值").expect("the column header").x_min;
    let cell: String = w
        .iter()
        .filter(|x| x.x_min >= column - SLACK && x.text.chars().all(|c| c.is_ascii_hexdigit()))
        .map(|x| x.text.as_str())
        .collect();
    assert_eq!(cell, HASH, "the table's hash");
    // On a line of its own a hash fits: the list item and the paragraph keep it whole; the
    // table's column is narrower, and breaks it.
    assert_eq!(w.iter().filter(|x| x.text.contains(HASH)).count(), 2, "a hash that fits was broken");
    // The digits take more than one line.
    assert!(!w.iter().any(|x| x.text.contains(&digits)), "300 digits on one line");
}

/// The police letter of the demo case with an evidence package: its hash stays on the page.
#[test]
fn the_police_letter_keeps_the_package_hash_on_the_page() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let src = std::fs::read_to_string(root.join("examples/demo.toml")).expect("case file");
    let case = yuqi_case::parse_case(&src, "examples/demo.toml").unwrap_or_else(|e| panic!("{e}"));
    let messages = std::fs::read_to_string(root.join("examples/demo-messages.jsonl")).expect("messages");
    let messages = messages
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str::<yuqi_conduct::Message<'_>>(l).expect("message").into_owned())
        .collect();
    let today = NaiveDate::from_ymd_opt(2026, 11, 24).expect("date");
    let dates = yuqi_app::Dates { written: Some(today), ..yuqi_app::Dates::today(today) };
    let computed = yuqi_app::compute(yuqi_app::CaseInput { case, evidence: None, messages }, dates).expect("pipeline");
    let evidence = EvidenceIndex { total: 12, chain_head: Some(HASH.to_string()), verified: Some(true), rows: vec![] };
    let mut inputs = computed.inputs();
    inputs.evidence = Some(&evidence);
    let doc = yuqi_docs::letter(LetterKind::Police, &inputs, &LetterOptions::default()).expect("police letter");
    assert!(doc.plain_text().contains(HASH), "the letter names the hash");
    let dir = tempfile::tempdir().expect("tmp");
    let w = pdf_words(&doc, dir.path(), "police");
    assert_inside_the_page(&w, "police");
    assert!(joined(&w).contains(HASH), "the hash is read back whole");
}

/// The computation exhibit of the demo: no figure is printed over another. The 适用年利率
/// column was given a share of the width by its long header, narrower than its "24.00%", and
/// each rate was drawn across the 按合同计 figure beside it ("230.224.00%").
#[test]
fn the_exhibits_figures_do_not_overlap() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let src = std::fs::read_to_string(root.join("examples/demo.toml")).expect("case file");
    let case = yuqi_case::parse_case(&src, "examples/demo.toml").unwrap_or_else(|e| panic!("{e}"));
    let today = NaiveDate::from_ymd_opt(2026, 11, 24).expect("date");
    let computed = yuqi_app::compute(
        yuqi_app::CaseInput { case, evidence: None, messages: Vec::new() },
        yuqi_app::Dates::today(today),
    )
    .expect("pipeline");
    let doc = yuqi_docs::exhibit::exhibit_doc(&computed.inputs());
    let dir = tempfile::tempdir().expect("tmp");
    let w = pdf_words(&doc, dir.path(), "exhibit");
    let pages: Vec<usize> = {
        // pdftotext lists the pages in order; a word's page is where its y jumps back up.
        let mut page = 0;
        let mut last = 0.0;
        w.iter()
            .map(|x| {
                if x.y_min + 200.0 < last {
                    page += 1;
                }
                last = x.y_min;
                page
            })
            .collect()
    };
    // Figures are what must not be drawn over (prose's full-width punctuation is set into its
    // neighbour's box at a line's end, and its glyph box overlaps without any ink doing so).
    let figure = |t: &str| t.chars().any(|c| c.is_ascii_digit()) && t.is_ascii();
    for (i, a) in w.iter().enumerate() {
        for (j, b) in w.iter().enumerate().skip(i + 1) {
            if !figure(&a.text) && !figure(&b.text) {
                continue;
            }
            let same_line = pages[i] == pages[j] && a.y_min.max(b.y_min) < a.y_max.min(b.y_max) - 1.0;
            let across = a.x_min.max(b.x_min) < a.x_max.min(b.x_max) - SLACK;
            assert!(!(same_line && across), "{:?} and {:?} are printed over each other", a.text, b.text);
        }
    }
    assert!(w.iter().any(|x| x.text == "24.00%"), "the cap's rate is read back as a word of its own");
}

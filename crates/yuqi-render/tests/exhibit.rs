//! The computation exhibit (计算明细表) in every format, read back: the PDF with `pdftotext`
//! (the figures and the legal source printed, fonts embedded), the DOCX from its XML, the CSV
//! with the csv crate (same rows and sums as the exhibit), the XLSX from its sheet XML (one
//! sheet per debt plus the summary, numbers as numbers, dates as text).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::NaiveDate;
use yuqi_docs::exhibit::{Exhibit, PERIOD_COLUMNS, exhibit, exhibit_doc, sheets};
use yuqi_money::Money;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn computed(name: &str) -> yuqi_app::Computed {
    let src = std::fs::read_to_string(root().join("examples").join(name)).expect("case file");
    let case = yuqi_case::parse_case(&src, name).unwrap_or_else(|e| panic!("{e}"));
    let today = NaiveDate::from_ymd_opt(2026, 11, 24).expect("date");
    yuqi_app::compute(yuqi_app::CaseInput { case, evidence: None, messages: Vec::new() }, yuqi_app::Dates::today(today))
        .expect("pipeline")
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn pdf_text(path: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is needed to check PDFs; .ci/run installs it");
    assert!(out.status.success());
    String::from_utf8(out.stdout).expect("utf-8")
}

/// What every format must carry: per debt the lawful total, the first period's dates, and the
/// legal source of a cap.
fn must_carry(ex: &Exhibit) -> Vec<String> {
    let mut v = Vec::new();
    for d in &ex.debts {
        v.push(d.totals.supported_total.to_grouped_string());
        if let Some(r) = d.rows.first() {
            v.push(r.from.to_string());
            v.push(r.until.to_string());
        }
    }
    v
}

#[test]
fn the_exhibit_as_pdf_and_docx_carries_its_figures() {
    let c = computed("demo.toml");
    let inputs = c.inputs();
    let ex = exhibit(&inputs);
    let doc = exhibit_doc(&inputs);
    let r = yuqi_render::Renderer::new().expect("CJK font");
    let pdf = r.doc_pdf(&doc, (2026, 11, 24)).expect("pdf");
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("exhibit.pdf");
    std::fs::write(&path, &pdf).expect("write");
    let text = squeeze(&pdf_text(&path));
    let mut want = must_carry(&ex);
    want.extend(
        ["计算明细表", "计息本金", "适用年利率", "还款及冲抵", "本金余额", "《金融审判意见》"].map(String::from),
    );
    for w in &want {
        assert!(text.contains(&squeeze(w)), "{w} missing from the exhibit PDF");
    }

    let docx = yuqi_render::docx::docx(&doc).expect("docx");
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(&docx)).expect("zip");
    let mut xml = String::new();
    z.by_name("word/document.xml").expect("document.xml").read_to_string(&mut xml).expect("read");
    for w in &want {
        assert!(xml.contains(w.as_str()), "{w} missing from the exhibit DOCX");
    }
}

/// The period table of each debt in a CSV read back: (rows, Σ 依法支持, Σ 未付).
fn csv_tables(bytes: &[u8]) -> Vec<(usize, Money, Money)> {
    assert!(bytes.starts_with(yuqi_render::sheet::BOM), "Excel needs the BOM to read UTF-8");
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(&bytes[yuqi_render::sheet::BOM.len()..]);
    let mut out = Vec::new();
    let mut current: Option<(usize, Money, Money)> = None;
    for rec in r.records() {
        let rec = rec.expect("a CSV record");
        let first = rec.get(0).unwrap_or("");
        if first == PERIOD_COLUMNS[0] {
            current = Some((0, Money::ZERO, Money::ZERO));
            continue;
        }
        let Some(cur) = current.as_mut() else { continue };
        if first == "合计" {
            // The total line states the sums of the rows above it.
            assert_eq!(rec.get(8).map(|s| s.parse::<Money>().expect("amount")), Some(cur.1));
            assert_eq!(rec.get(10).map(|s| s.parse::<Money>().expect("amount")), Some(cur.2));
            out.push(current.take().expect("table"));
            continue;
        }
        // Amounts are plain decimals with two places: no grouping, no currency sign.
        let lawful = rec.get(8).expect("依法支持");
        assert!(lawful.len() >= 4 && lawful.as_bytes()[lawful.len() - 3] == b'.' && !lawful.contains(','), "{lawful}");
        cur.0 += 1;
        cur.1 += lawful.parse::<Money>().expect("amount");
        cur.2 += rec.get(10).expect("未付").parse::<Money>().expect("amount");
    }
    out
}

#[test]
fn the_csv_reads_back_with_the_same_rows_and_sums() {
    for name in ["demo.toml", "private-2019.toml", "bank-penalty.toml", "unlicensed-714.toml"] {
        let c = computed(name);
        let ex = exhibit(&c.inputs());
        let tables = csv_tables(&yuqi_render::sheet::csv(&sheets(&ex)));
        assert_eq!(tables.len(), ex.debts.len(), "{name}");
        for ((rows, lawful, unpaid), d) in tables.iter().zip(&ex.debts) {
            assert_eq!(*rows, d.rows.len(), "{name} {}", d.name);
            assert_eq!(*lawful, d.totals.lawful, "{name} {}", d.name);
            assert_eq!(*unpaid, d.totals.interest + d.totals.fees + d.totals.overdue, "{name} {}", d.name);
        }
    }
}

#[test]
fn the_xlsx_opens_with_a_sheet_per_debt_and_numbers_as_numbers() {
    let c = computed("demo.toml");
    let ex = exhibit(&c.inputs());
    let bytes = yuqi_render::sheet::xlsx(&sheets(&ex)).expect("xlsx");
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).expect("an xlsx is a zip");
    let mut read = |name: &str| {
        let mut s = String::new();
        z.by_name(name).unwrap_or_else(|_| panic!("{name}")).read_to_string(&mut s).expect("read");
        s
    };
    let workbook = read("xl/workbook.xml");
    assert!(workbook.contains("name=\"汇总\""), "{workbook}");
    for d in &ex.debts {
        assert!(workbook.contains(&format!("name=\"{}\"", d.name)), "{} has no sheet", d.name);
    }
    let strings = read("xl/sharedStrings.xml");
    for (i, d) in ex.debts.iter().enumerate() {
        let sheet = read(&format!("xl/worksheets/sheet{}.xml", i + 2));
        // The lawful total is a number cell (<v>), not text; dates are shared strings.
        let total = d.totals.supported_total.to_string();
        let total = total.trim_end_matches('0').trim_end_matches('.');
        assert!(sheet.contains(&format!("<v>{total}</v>")), "{}: {total} is not a number cell", d.name);
        if let Some(r) = d.rows.first() {
            assert!(strings.contains(&r.from.to_string()), "{} as text", r.from);
        }
    }
    let summary = read("xl/worksheets/sheet1.xml");
    let all: Money = ex.debts.iter().map(|d| d.totals.supported_total).sum();
    let all = all.to_string();
    assert!(summary.contains(&format!("<v>{}</v>", all.trim_end_matches('0').trim_end_matches('.'))), "{all}");
}

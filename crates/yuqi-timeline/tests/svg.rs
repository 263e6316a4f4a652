//! The SVG chart is well-formed XML and escapes untrusted text.

use yuqi_timeline::svg;

#[test]
fn svg_is_well_formed_and_escapes_text() {
    let src = r#"
[case]
as_of = 2025-01-01
[[debt]]
id = "x"
lender = "<script>alert('&')</script>"
kind = "bank"
contract_date = 2022-01-01
principal = 1000
rate = "年化10%"
method = "bullet"
periods = 12
[[debt.event]]
date = 2023-05-01
kind = "demand"
note = "</svg><b>"
[[debt.payment]]
date = 2023-06-01
amount = 10
"#;
    let case = yuqi_case::parse_case(src, "x.toml").expect("case");
    let audit = yuqi_ledger::audit_case(
        &case,
        yuqi_ledger::AuditOptions { as_of: case.as_of.expect("as_of"), filing_date: None },
    )
    .expect("audit");
    let t = yuqi_timeline::analyse_case(&case, &audit).expect("timeline");
    let out = svg::render(&t);
    let doc = roxmltree::Document::parse(&out).expect("well-formed XML");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    assert!(!out.contains("<script>"));
    assert!(out.contains("&lt;script&gt;"));
    // One payment dot and one demand triangle are drawn.
    let circles = doc.descendants().filter(|n| n.has_tag_name("circle")).count();
    assert!(circles >= 1);
    assert!(out.contains("时间线"));
}

/// The as-of line is labelled with its date: the demo's is fixed (2026-11-24), so "今天" would be
/// wrong on any other day the chart is read.
#[test]
fn the_as_of_line_says_its_date_not_today() {
    let src = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/demo.toml")).expect("demo");
    let case = yuqi_case::parse_case(&src, "demo.toml").expect("case");
    let as_of = case.as_of.expect("the demo states its as-of date");
    assert_eq!(as_of, chrono::NaiveDate::from_ymd_opt(2026, 11, 24).expect("date"));
    let audit = yuqi_ledger::audit_case(&case, yuqi_ledger::AuditOptions { as_of, filing_date: None }).expect("audit");
    let t = yuqi_timeline::analyse_case(&case, &audit).expect("timeline");
    for (out, width) in [(svg::render(&t), 1000.0), (svg::render_for(&t, yuqi_util::ChartWidth::Narrow), 360.0)] {
        assert!(!out.contains("今天"), "{out}");
        let doc = roxmltree::Document::parse(&out).expect("well-formed XML");
        let label = doc
            .descendants()
            .find(|n| n.has_tag_name("text") && n.text() == Some("截至 2026年11月24日"))
            .unwrap_or_else(|| panic!("the as-of line's label: {out}"));
        // Centred on its x, the label stays inside the chart (roughly: 12 px characters).
        let x: f64 = label.attribute("x").and_then(|x| x.parse().ok()).expect("x");
        assert!(x - 60.0 >= 0.0 && x + 60.0 <= width, "label at {x} leaves a chart {width} wide");
    }
}

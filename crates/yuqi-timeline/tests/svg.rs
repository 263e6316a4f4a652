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

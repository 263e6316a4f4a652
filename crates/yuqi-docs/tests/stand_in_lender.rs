//! A debt whose lender the borrower could not name carries the interview's stand-in
//! (`速借宝的出借方`, `yuqi_case::stand_in_lender`). The audit's heading printed it after the
//! app's name — "速借宝　速借宝的出借方" — which reads as a stammer and presents a placeholder as a
//! name; the heading now says the lender is not known.

use chrono::NaiveDate;
use yuqi_docs::{Block, Section, SectionOptions};

fn demo_with_unknown_lender() -> yuqi_app::Computed {
    let src = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/demo.toml")).expect("demo");
    let mut case = yuqi_case::parse_case(&src, "demo.toml").expect("parse");
    case.debts[0].platform = Some("速借宝".to_string());
    case.debts[0].lender = yuqi_case::stand_in_lender("速借宝");
    let today = NaiveDate::from_ymd_opt(2026, 11, 24).expect("date");
    yuqi_app::compute(yuqi_app::CaseInput { case, evidence: None, messages: vec![] }, yuqi_app::Dates::today(today))
        .expect("pipeline")
}

fn headings(blocks: &[Block]) -> Vec<String> {
    blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn an_unknown_lender_is_not_printed_as_a_name_after_the_app() {
    let c = demo_with_unknown_lender();
    let inputs = c.inputs();
    for section in [Section::Audit, Section::Timeline] {
        let blocks = section.blocks(&inputs, &SectionOptions::FULL);
        let all = headings(&blocks);
        let h = all.iter().find(|h| h.starts_with("速借宝")).unwrap_or_else(|| panic!("{section:?}: {all:?}"));
        assert!(!h.contains("的出借方"), "{section:?}: {h}");
        assert!(h.starts_with("速借宝　出借方不详"), "{section:?}: {h}");
        // A named lender is still shown beside the app.
        assert!(all.iter().any(|h| h.contains("某某消费金融股份有限公司")), "{section:?}: {all:?}");
    }
    let text = format!("{:?}", Section::Audit.blocks(&inputs, &SectionOptions::FULL));
    assert!(!text.contains("速借宝的出借方"), "{text}");
}

//! Figures computed as of a fixed date say that date, not "今天": the demo's as-of date
//! (2026-11-24) is not the day a reader opens the report.

use chrono::NaiveDate;
use yuqi_docs::{Block, Inputs, Section, SectionOptions};

fn demo(today: NaiveDate) -> yuqi_app::Computed {
    let src = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/demo.toml")).expect("demo");
    let case = yuqi_case::parse_case(&src, "demo.toml").expect("parse");
    yuqi_app::compute(yuqi_app::CaseInput { case, evidence: None, messages: vec![] }, yuqi_app::Dates::today(today))
        .expect("pipeline")
}

fn table(inputs: &Inputs<'_>) -> (Vec<String>, Vec<Vec<String>>) {
    let blocks = Section::Deadlines.blocks(inputs, &SectionOptions::FULL);
    match blocks.into_iter().next() {
        Some(Block::Table { columns, rows, .. }) => (columns, rows),
        other => panic!("a table: {other:?}"),
    }
}

#[test]
fn deadlines_count_from_the_as_of_date_by_its_date_not_from_today() {
    let c = demo(NaiveDate::from_ymd_opt(2025, 3, 1).expect("date"));
    let inputs = c.inputs();
    assert_eq!(inputs.timeline.as_of, NaiveDate::from_ymd_opt(2026, 11, 24).expect("date"));
    let (columns, rows) = table(&inputs);
    assert_eq!(columns[3], "距 2026年11月24日");
    assert!(!rows.is_empty());
    let text = format!("{columns:?}{rows:?}");
    assert!(!text.contains('今'), "{text}");

    // A deadline on the as-of date itself is "that day", not "today".
    let mut timeline = inputs.timeline.clone();
    let mut d = timeline.deadlines[0].clone();
    d.date = timeline.as_of;
    d.days_from_now = 0;
    timeline.deadlines = vec![d];
    let (_, rows) = table(&Inputs { timeline: &timeline, ..inputs });
    assert_eq!(rows[0][3], "当天");
}

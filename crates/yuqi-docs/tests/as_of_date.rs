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

/// The summary compares each demand with what the law supports on the demand's own day, not
/// on the as-of date: the demo printed 依法最多支持 22,185.88 (all three debts, 2026-11-24),
/// 对方主张合计 24,800.00 (two debts) and 超出依法金额 11,056.63, which no subtraction of the
/// printed rows gives. The figure the excess comes from is now a row, and the rows add up.
#[test]
fn the_summarys_excess_is_the_difference_of_printed_rows() {
    let c = demo(NaiveDate::from_ymd_opt(2026, 11, 24).expect("date"));
    let inputs = c.inputs();
    let rows = match Section::Summary.blocks(&inputs, &SectionOptions::FULL).into_iter().next() {
        Some(Block::Table { rows, .. }) => rows,
        other => panic!("a table: {other:?}"),
    };
    let get = |start: &str| {
        let r = rows.iter().find(|r| r[0].starts_with(start)).unwrap_or_else(|| panic!("{start}: {rows:?}"));
        r[1].replace(',', "").parse::<yuqi_money::Money>().expect("money")
    };
    let demanded = get("对方主张合计");
    let supported = get("这几笔在对方主张之日依法支持");
    let excess = get("超出依法金额");
    assert_eq!(demanded - supported, excess, "{rows:?}");
    assert!(rows.iter().any(|r| r[0] == "对方主张合计（2 笔有主张）"), "{rows:?}");
    // The audit's table: its 多要 is not 对方要求 − 依法最多应还 of the same row (9,654.14 as of
    // 2026-11-24 against 9,640.83 on the demand's day), and its header says so.
    let columns = Section::Audit
        .blocks(&inputs, &SectionOptions::FULL)
        .into_iter()
        .find_map(|b| match b {
            Block::Table { columns, .. } if columns.iter().any(|c| c.starts_with("多要")) => Some(columns),
            _ => None,
        })
        .expect("the audit's table");
    assert!(columns.iter().any(|c| c == "多要（按主张当日计）"), "{columns:?}");
}

/// The plan's list of letters names only those the case can use: it offered 诉讼时效抗辩声明
/// (for a debt whose period has expired) on the demo, whose periods run until 2028 and 2029,
/// while the letters page said it does not apply.
#[test]
fn the_plan_lists_only_the_letters_that_apply() {
    let c = demo(NaiveDate::from_ymd_opt(2026, 11, 24).expect("date"));
    let inputs = c.inputs();
    let blocks = Section::Plan.blocks(&inputs, &SectionOptions::FULL);
    let at = blocks
        .iter()
        .position(|b| matches!(b, Block::Para { .. }) && format!("{b:?}").contains("可以生成的信函"))
        .expect("the list's heading");
    let list = format!("{:?}", blocks.get(at + 1).expect("the list"));
    assert!(list.contains("债务核实函"), "{list}");
    assert!(!list.contains("诉讼时效抗辩声明"), "{list}");
}

/// A debt already in court comes first on the overview: its deadlines are on the court's papers,
/// so the summary never says no date asks anything of him (a newcomer with a summons was told
/// "到那天不用你做什么").
#[test]
fn a_debt_in_court_is_the_most_urgent_item() {
    let src = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/demo.toml")).expect("demo");
    let read = |src: &str| {
        let case = yuqi_case::parse_case(src, "demo.toml").expect("parse");
        let c = yuqi_app::compute(
            yuqi_app::CaseInput { case, evidence: None, messages: vec![] },
            yuqi_app::Dates::today(NaiveDate::from_ymd_opt(2026, 11, 24).expect("date")),
        )
        .expect("pipeline");
        let text = format!("{:?}", Section::Summary.blocks(&c.inputs(), &SectionOptions::FULL));
        text
    };
    let before = read(&src);
    assert!(!before.contains("已经被起诉"), "the premise: nobody sued in the demo");
    // The demo's last debt, sued ten days before the as-of date.
    let sued = format!(
        "{src}\n[[debt.event]]\ndate = 2026-11-14\nkind = \"lawsuit_filed\"\nnote = \"收到法院的应诉通知书\"\n"
    );
    let after = read(&sued);
    assert!(after.contains("最要紧、要你去办的"), "{after}");
    assert!(after.contains("已经被起诉：按传票或应诉通知书上写的期限答辩"), "{after}");
    assert!(!after.contains("到那天不用你做什么"), "{after}");
}

/// The most urgent item of the demo with a credit objection four days before the as-of date.
/// Its line, and the facts in it as (text, rule).
fn most_urgent_with_an_objection() -> (String, Vec<(String, &'static str)>) {
    let src = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/demo.toml")).expect("demo");
    let src = format!("{src}\n[[debt.event]]\ndate = 2026-11-20\nkind = \"credit_objection\"\n");
    let case = yuqi_case::parse_case(&src, "demo.toml").expect("parse");
    let c = yuqi_app::compute(
        yuqi_app::CaseInput { case, evidence: None, messages: vec![] },
        yuqi_app::Dates::today(NaiveDate::from_ymd_opt(2026, 11, 24).expect("date")),
    )
    .expect("pipeline");
    for b in Section::Summary.blocks(&c.inputs(), &SectionOptions::FULL) {
        let Block::Para { inlines } = b else { continue };
        let mut line = String::new();
        let mut facts = Vec::new();
        for i in &inlines {
            match i {
                yuqi_docs::Inline::Text { text } | yuqi_docs::Inline::Strong { text } => line.push_str(text),
                yuqi_docs::Inline::Fact { text, source } => {
                    line.push_str(text);
                    if let yuqi_docs::Source::Computed(rule) = source {
                        facts.push((text.clone(), *rule));
                    }
                }
                _ => {}
            }
        }
        if line.starts_with("最要紧、要你去办的：") {
            return (line, facts);
        }
    }
    panic!("no most urgent item");
}

/// The overview's most urgent line gave the deadline's label and then its action, which says
/// the same again ("征信异议的书面答复期限（20日）：到这天还没收到书面答复…"). It gives the date
/// and the action, once; the label stays in the 要紧日期 table.
#[test]
fn the_most_urgent_line_says_the_date_and_the_action_once() {
    let (line, _) = most_urgent_with_an_objection();
    assert!(line.contains("2026-12-10"), "{line}");
    assert!(!line.contains("答复期限"), "the label: {line}");
    assert_eq!(line.matches("书面答复").count(), 1, "{line}");
    assert!(line.contains("对征信异议的书面答复"), "the action says what it is about: {line}");
}

/// The action of an objection's reply date (complain to the central bank's branch, or sue) is
/// the credit regulation's article 26 (rule credit_complaint) but was cited as the date's own
/// rule, credit_objection (article 25: the 20 days), which says nothing of either. Each part
/// of the line now cites the rule that says it.
#[test]
fn the_most_urgent_line_cites_what_it_says() {
    let (line, facts) = most_urgent_with_an_objection();
    let rule_of = |part: &str| {
        facts.iter().find(|(t, _)| t.contains(part)).map(|(_, r)| *r).unwrap_or_else(|| panic!("{part}: {line}"))
    };
    assert_eq!(rule_of("2026-12-10"), "credit_objection");
    let basis = rule_of("投诉");
    let summary = yuqi_law::law().rule(basis).expect("a rule of the law data").summary;
    for claim in ["投诉", "起诉", "书面答复"] {
        assert!(summary.contains(claim), "{basis} does not say {claim}: {summary}");
    }
}

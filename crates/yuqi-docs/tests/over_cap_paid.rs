//! Interest above the cap already paid: the primary result of a financial loan leaves it paid,
//! while whether a court sets it against principal is disputed (docs/law/open-questions.md Q4).
//! Every place that states the lawful total — the summary, the audit, the timeline's risk line,
//! the plan, the letters and the exhibit — states the same two figures in the same words. The
//! summary printed only the first while the defence asked for the second, and the defence
//! called the offset "the cap that applies to this kind of lender".

use yuqi_docs::{LetterKind, LetterOptions};
use yuqi_ledger::audit::{IfOffset, SUPPORTED_ZH, UNSETTLED_ZH};

/// A consumer-finance loan at 月息3分 (36 %) whose year of interest was paid: above the 24 %
/// line, so that charges above the cap were paid.
const CASE: &str = r#"
version = 1

[case]
as_of = 2022-06-01

[[debt]]
id = "xf"
lender = "某某消费金融有限公司"
kind = "consumer_finance"
contract_date = 2021-03-01
principal = 100000
rate = "月息3分"
method = "先息后本"
periods = 12

[[debt.payment]]
date = 2022-03-01
amount = 36000
"#;

fn computed() -> yuqi_app::Computed {
    let case = yuqi_case::parse_case(CASE, "case.toml").expect("parse");
    let today = case.as_of.expect("as_of");
    yuqi_app::compute(yuqi_app::CaseInput { case, evidence: None, messages: vec![] }, yuqi_app::Dates::today(today))
        .expect("pipeline")
}

fn grouped(m: yuqi_money::Money) -> String {
    m.to_grouped_string()
}

#[test]
fn every_text_states_both_figures_in_the_same_words() {
    let c = computed();
    let da = &c.audit.debts[0];
    assert!(da.lawful.ledger.over_cap_paid.is_positive(), "the primary result keeps over-cap payments");
    let o = da.if_offset.expect("the offsetting figure");
    let twin = da.alternatives.iter().find(|s| s.id == "financial_24_offset").expect("offset scenario");
    assert_eq!(o.supported_total, twin.supported_total);
    assert!(o.supported_total < da.supported_total);
    assert_eq!(c.audit.totals.supported_total_if_offset, Some(o.supported_total));
    let (high, low) = (grouped(da.supported_total), grouped(o.supported_total));
    // The words every text uses for the second figure, with the figure.
    let clause = IfOffset::clause_zh(&format!(" {low} 元"));
    let clause_letter = IfOffset::letter_zh(&format!("{low}元"));

    let inputs = c.inputs();
    let dossier = yuqi_docs::dossier::dossier(&inputs).plain_text();
    // The summary's headline and the row beside it.
    let summary = dossier.split("要紧日期").next().expect("summary first");
    assert!(summary.contains(SUPPORTED_ZH) && summary.contains(&high), "{summary}");
    assert!(summary.contains(&IfOffset::row_zh()) && summary.contains(&low), "{summary}");
    // The audit, the plan and the risk line say it in the same words.
    assert!(dossier.matches(&clause).count() >= 3, "{dossier}");
    let risk = &c.timeline.debts[0].risk;
    assert!(risk.iter().any(|s| s.text.contains(&high) && s.text.contains(&clause)), "{risk:?}");
    let plan = yuqi_docs::sections::document(
        "plan",
        "计划".into(),
        &inputs,
        &[yuqi_docs::Section::Plan],
        &yuqi_docs::SectionOptions::FULL,
    )
    .plain_text();
    assert!(plan.contains(&format!("{SUPPORTED_ZH} {high} 元")) && plan.contains(&clause), "{plan}");

    // The letters: the defence asks for the offset by name, not as another lender's cap.
    let opts = LetterOptions { debt: None, accept_limitation_effect: true };
    let defence = yuqi_docs::letter(LetterKind::Defence, &inputs, &opts).expect("defence").plain_text();
    assert!(defence.contains(&format!("请求法院将其抵作本金；抵作本金后，依法应还最多为{low}元")), "{defence}");
    // A letter never argues against its own request: "courts differ" stays in his own reports.
    assert!(!defence.contains(UNSETTLED_ZH), "{defence}");
    assert!(!defence.contains("对该类出借人适用的上限"), "{defence}");
    let proposal = yuqi_docs::letter(LetterKind::Proposal, &inputs, &opts).expect("proposal").plain_text();
    assert!(proposal.contains(&format!("{high}元")) && proposal.contains(&clause_letter), "{proposal}");
    assert!(!proposal.contains(UNSETTLED_ZH), "{proposal}");

    // The exhibit: the same row name and figure beside its total.
    let exhibit = yuqi_docs::exhibit::exhibit(&inputs);
    assert_eq!(exhibit.debts[0].totals.supported_if_offset, Some(o.supported_total));
    let ex = yuqi_docs::exhibit::exhibit_doc(&inputs).plain_text();
    assert!(ex.contains(&IfOffset::row_zh_court()) && ex.contains(&low), "{ex}");
    assert!(!ex.contains(&IfOffset::row_zh()), "the exhibit goes to court with the defence: {ex}");
}

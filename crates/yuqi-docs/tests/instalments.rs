//! The proposal letter asks for instalments whose figures add up to the amount it names: when
//! the amount does not divide evenly, it states the last instalment and why it differs.

use std::path::PathBuf;

use chrono::NaiveDate;
use yuqi_docs::{LetterKind, LetterOptions};
use yuqi_money::Money;
use yuqi_plan::OptionKind;

fn computed(name: &str) -> yuqi_app::Computed {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples").join(name);
    let src = std::fs::read_to_string(&path).expect("example");
    let case = yuqi_case::parse_case(&src, name).expect("parse");
    let today = NaiveDate::from_ymd_opt(2026, 11, 24).expect("date");
    yuqi_app::compute(yuqi_app::CaseInput { case, evidence: None, messages: vec![] }, yuqi_app::Dates::today(today))
        .expect("pipeline")
}

#[test]
fn the_proposal_states_the_last_instalment_when_it_differs() {
    let mut checked = 0;
    for name in ["demo.toml", "microloan-kantouxi.toml", "bank-penalty.toml", "credit-card.toml"] {
        let c = computed(name);
        for d in &c.plan.debts {
            let Some(o) = d.options.iter().find(|o| o.recommended) else { continue };
            if !matches!(o.kind, OptionKind::Instalments | OptionKind::CardPersonalised) {
                continue;
            }
            let (Some(n), Some(each), Some(last), Some(total)) = (o.months, o.monthly, o.last, o.total) else {
                continue;
            };
            assert_eq!(Money::from_fen(each.fen() * (i64::from(n) - 1)) + last, total, "{name} {}", d.id);
            let opts = LetterOptions { debt: Some(d.id.clone()), accept_limitation_effect: true };
            let Ok(letter) = yuqi_docs::letter(LetterKind::Proposal, &c.inputs(), &opts) else { continue };
            let text = letter.plain_text();
            let stated = format!("最后一期{}元", last.to_grouped_string());
            if last == each {
                assert!(!text.contains("最后一期"), "{name} {}: {text}", d.id);
            } else {
                assert!(text.contains(&stated), "{name} {}: {stated} missing:\n{text}", d.id);
                assert!(text.contains("不足一分按一分计"), "{name} {}: the rule missing:\n{text}", d.id);
                checked += 1;
            }
        }
    }
    assert!(checked > 0, "no example's proposal has a last instalment that differs");
}

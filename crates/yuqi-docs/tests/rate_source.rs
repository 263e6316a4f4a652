//! A rate worked out from the instalments the borrower gave is named as such in the report,
//! never as the rate the contract states.

use yuqi_ledger::apr::{INSTALMENT_RATE_ZH, STATED_RATE_ZH};

const CASE: &str = r#"
version = 1

[case]
as_of = 2025-06-01

[[debt]]
id = "app"
lender = "某某小额贷款有限公司"
kind = "microloan"
contract_date = 2024-03-15
principal = 10000
received = 9000
rate = "年化18%"
method = "等额本息"
periods = 12
"#;

fn report(src: &str) -> String {
    let case = yuqi_case::parse_case(src, "case.toml").expect("parse");
    let today = case.as_of.expect("as_of");
    let c = yuqi_app::compute(
        yuqi_app::CaseInput { case, evidence: None, messages: vec![] },
        yuqi_app::Dates::today(today),
    )
    .expect("pipeline");
    let inputs = c.inputs();
    yuqi_docs::dossier::dossier(&inputs).plain_text()
}

#[test]
fn the_report_names_a_derived_rate_as_derived() {
    // The same case with the contract as the source does call it the contract's: the absence
    // checked below is the label's doing, not a report that never names the rate.
    let contract = report(CASE);
    assert!(contract.contains(STATED_RATE_ZH), "{contract}");
    assert!(!contract.contains(INSTALMENT_RATE_ZH), "{contract}");

    let derived = report(&CASE.replace("rate = \"年化18%\"", "rate = \"年化18%\"\nrate_source = \"instalments\""));
    assert!(derived.contains(&format!("{INSTALMENT_RATE_ZH}：年化18%")), "{derived}");
    assert!(derived.contains("只看每期还款额，低估了真实成本"), "{derived}");
    assert!(!derived.contains(STATED_RATE_ZH), "{derived}");
    assert!(!derived.contains("合同利率"), "{derived}");
}

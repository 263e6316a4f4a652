//! A rate worked out from the borrower's instalments is never called the contract's.

use yuqi_ledger::apr::{INSTALMENT_RATE_ZH, STATED_RATE_ZH, stated_rate_name_zh};
use yuqi_ledger::{AuditOptions, CaseAudit, audit_case};

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

[[debt.fee]]
name = "服务费"
kind = "service"
amount = 1000
timing = "deducted"
"#;

fn audit(src: &str) -> CaseAudit {
    let case = yuqi_case::parse_case(src, "case.toml").expect("parses");
    let as_of = case.as_of.expect("as_of");
    audit_case(&case, AuditOptions { as_of, filing_date: None }).expect("audits")
}

#[test]
fn a_derived_rate_is_named_as_derived_in_the_finding_and_never_as_the_contracts() {
    let contract = audit(CASE);
    let understated = |a: &CaseAudit| {
        let codes: Vec<_> = a.debts[0].findings.iter().map(|f| f.code).collect();
        a.debts[0]
            .findings
            .iter()
            .find(|f| f.code == "rate_understated")
            .cloned()
            .unwrap_or_else(|| panic!("{codes:?}"))
    };
    // The same figures with the contract as the source speak of the contract: the check below
    // would pass vacuously if this case gave no such finding.
    let f = understated(&contract);
    assert!(f.detail.starts_with(STATED_RATE_ZH) && f.title.contains("合同"), "{f:?}");

    let derived = audit(&CASE.replace("rate = \"年化18%\"", "rate = \"年化18%\"\nrate_source = \"instalments\""));
    let d = &derived.debts[0];
    assert_eq!(d.rate_source, yuqi_case::RateSource::Instalments);
    assert_eq!(stated_rate_name_zh(d.rate_source), INSTALMENT_RATE_ZH);
    let f = understated(&derived);
    assert!(f.detail.starts_with(INSTALMENT_RATE_ZH), "{f:?}");
    assert!(!f.title.contains("合同"), "{f:?}");
    let everything = format!("{derived:?}");
    assert!(!everything.contains(STATED_RATE_ZH), "{everything}");
    assert!(!everything.contains("合同利率"), "{everything}");
}

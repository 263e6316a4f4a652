//! A finding cites the rules of the regime the case is tried under (issue 16: the refund finding
//! cited 法释〔2015〕18号 for a 2021 loan).

use chrono::NaiveDate;
use yuqi_ledger::caps::LegalDates;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

/// A loan at 月息3分 (36 %) whose year of interest was paid, so that interest above the cap was paid.
fn paid_over_the_cap(kind: &str, contract: &str, paid_on: &str) -> yuqi_case::Debt {
    let src = format!(
        "[[debt]]\nid = \"p\"\nlender = \"某出借人\"\nkind = \"{kind}\"\ncontract_date = {contract}\nprincipal = 100000\nrate = \"月息3分\"\nmethod = \"先息后本\"\nperiods = 12\n[[debt.payment]]\ndate = {paid_on}\namount = 36000\n"
    );
    yuqi_case::parse_case(&src, "t.toml").expect("case").debts.remove(0)
}

fn over_cap_finding(debt: &yuqi_case::Debt, as_of: &str, filing: &str) -> yuqi_ledger::Finding {
    let dates = LegalDates { as_of: d(as_of), filing: d(filing), filing_assumed: false };
    let a = yuqi_ledger::audit_debt(debt, dates).expect("audit");
    a.findings.into_iter().find(|f| f.code == "over_cap_paid").expect("interest above the cap was paid")
}

#[test]
fn a_2021_loan_is_not_cited_to_the_2015_rules() {
    // A consumer-finance loan: its primary result does not offset, so the paid excess is a finding.
    let f = over_cap_finding(
        &paid_over_the_cap("consumer_finance", "2021-03-01", "2022-03-01"),
        "2022-06-01",
        "2022-06-01",
    );
    assert_eq!(f.rule, "over_cap_paid_offset");
    assert!(f.basis.iter().all(|b| !b.contains("2015")), "{:?}", f.basis);
}

#[test]
fn a_case_filed_before_2020_08_20_cites_the_rules_of_its_time() {
    let f = over_cap_finding(&paid_over_the_cap("private", "2018-03-01", "2019-03-01"), "2019-06-01", "2019-06-01");
    assert_eq!(f.rule, "over_cap_paid_old");
    assert!(f.basis.iter().any(|b| b.contains("2015")), "{:?}", f.basis);
}

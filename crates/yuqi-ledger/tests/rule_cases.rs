//! Runs the table-driven rule cases in `tests/rules/*.toml` (see its README).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::Deserialize;
use yuqi_ledger::caps::LegalDates;
use yuqi_ledger::irr;
use yuqi_money::{Decimal, Money};

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    lpr: Vec<LprCase>,
    #[serde(default)]
    apr: Vec<AprCase>,
    #[serde(default)]
    case: Vec<LedgerCase>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LprCase {
    date: String,
    one_year: Option<String>,
    #[serde(default)]
    none: bool,
    #[serde(default)]
    unverified: bool,
    decides: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AprCase {
    name: String,
    received: String,
    payment: String,
    periods: usize,
    periods_per_year: f64,
    nominal: String,
    effective: String,
    decides: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LedgerCase {
    name: String,
    decides: String,
    #[serde(default)]
    why: String,
    as_of: String,
    filing_date: Option<String>,
    debt: String,
    expect: Expect,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Expect {
    cap_rate: Option<String>,
    cap_rate_at_contract: Option<String>,
    principal_initial: Option<String>,
    principal_lawful: Option<String>,
    interest_lawful: Option<String>,
    fees_lawful: Option<String>,
    overdue_lawful: Option<String>,
    supported_total: Option<String>,
    contract_balance: Option<String>,
    excess: Option<String>,
    paid_to_charges: Option<String>,
    over_cap_paid: Option<String>,
    overpaid: Option<String>,
    #[serde(default)]
    findings: Vec<String>,
    #[serde(default)]
    absent: Vec<String>,
    scenarios: Option<Vec<String>>,
    disputed: Option<bool>,
    #[serde(default)]
    alternatives: BTreeMap<String, String>,
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_else(|_| panic!("bad date {s}"))
}

fn rules_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/rules")
}

fn load() -> Vec<(String, File)> {
    let mut files: Vec<_> = std::fs::read_dir(rules_dir())
        .expect("tests/rules exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let src = std::fs::read_to_string(&p).expect("read");
            let f: File = toml::from_str(&src).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p.file_name().expect("name").to_string_lossy().into_owned(), f)
        })
        .collect()
}

#[test]
fn rule_cases_pass() {
    let mut failures = Vec::new();
    let mut count = 0;
    for (file, f) in load() {
        for c in &f.lpr {
            count += 1;
            let got = yuqi_law::law().lpr(date(&c.date));
            let label = format!("{file} lpr {} ({})", c.date, c.decides);
            match (got, c.none) {
                (Err(_), true) => {}
                (Ok(v), false) => {
                    let want = Decimal::from_str(c.one_year.as_deref().expect("one_year")).expect("decimal")
                        / Decimal::ONE_HUNDRED;
                    if v.one_year != want || v.unverified != c.unverified {
                        failures.push(format!(
                            "{label}: got {} (unverified {}), want {want} (unverified {})",
                            v.one_year, v.unverified, c.unverified
                        ));
                    }
                }
                (got, _) => failures.push(format!("{label}: got {got:?}")),
            }
        }
        for c in &f.apr {
            count += 1;
            let mut flows = vec![f64::from_str(&c.received).expect("f64")];
            flows.extend(std::iter::repeat_n(-f64::from_str(&c.payment).expect("f64"), c.periods));
            let label = format!("{file} apr “{}” ({})", c.name, c.decides);
            match irr::irr(&flows) {
                Ok(root) => {
                    let nominal = irr::nominal_annual(root.rate, c.periods_per_year);
                    let effective = irr::effective_annual(root.rate, c.periods_per_year);
                    let wn = f64::from_str(&c.nominal).expect("f64");
                    let we = f64::from_str(&c.effective).expect("f64");
                    if (nominal - wn).abs() > 5e-6 || (effective - we).abs() > 5e-6 {
                        failures.push(format!("{label}: got {nominal:.6}/{effective:.6}, want {wn}/{we}"));
                    }
                }
                Err(e) => failures.push(format!("{label}: {e}")),
            }
        }
        for c in &f.case {
            count += 1;
            let label = format!("{file} “{}” ({})", c.name, c.decides);
            if let Err(msg) = check_case(c) {
                failures.push(format!(
                    "{label}: {msg}{}",
                    if c.why.is_empty() { String::new() } else { format!("\n      why: {}", c.why) }
                ));
            }
        }
    }
    assert!(count >= 40, "only {count} rule cases");
    assert!(failures.is_empty(), "{} of {count} rule cases failed:\n  {}", failures.len(), failures.join("\n  "));
}

fn check_case(c: &LedgerCase) -> Result<(), String> {
    let src = format!("[[debt]]\n{}", c.debt);
    let case = yuqi_case::parse_case(&src, "case").map_err(|e| format!("debt does not parse: {e}"))?;
    let debt = &case.debts[0];
    let as_of = date(&c.as_of);
    let filing = c.filing_date.as_deref().map(date);
    let dates = LegalDates { as_of, filing: filing.unwrap_or(as_of), filing_assumed: filing.is_none() };
    let a = yuqi_ledger::audit_debt(debt, dates).map_err(|e| e.to_string())?;
    let e = &c.expect;
    let mut problems = Vec::new();
    let money = |name: &str, want: &Option<String>, got: Money, problems: &mut Vec<String>| {
        if let Some(w) = want {
            let w = Money::from_str(w).expect("money");
            if w != got {
                problems.push(format!("{name}: got {got}, want {w}"));
            }
        }
    };
    let rate = |name: &str, want: &Option<String>, got: Option<Decimal>, problems: &mut Vec<String>| {
        if let Some(w) = want {
            let w = Decimal::from_str(w).expect("decimal");
            if got.map(|g| g.normalize()) != Some(w.normalize()) {
                problems.push(format!("{name}: got {got:?}, want {w}"));
            }
        }
    };
    rate("cap_rate", &e.cap_rate, a.cap_rate, &mut problems);
    rate("cap_rate_at_contract", &e.cap_rate_at_contract, a.cap_rate_at_contract, &mut problems);
    money("principal_initial", &e.principal_initial, a.principal_initial, &mut problems);
    money("principal_lawful", &e.principal_lawful, a.principal_lawful, &mut problems);
    money("interest_lawful", &e.interest_lawful, a.interest_lawful, &mut problems);
    money("fees_lawful", &e.fees_lawful, a.fees_lawful, &mut problems);
    money("overdue_lawful", &e.overdue_lawful, a.overdue_lawful, &mut problems);
    money("supported_total", &e.supported_total, a.supported_total, &mut problems);
    money("contract_balance", &e.contract_balance, a.contract_balance, &mut problems);
    money("paid_to_charges", &e.paid_to_charges, a.lawful.ledger.paid_to_charges, &mut problems);
    money("over_cap_paid", &e.over_cap_paid, a.lawful.ledger.over_cap_paid, &mut problems);
    money("overpaid", &e.overpaid, a.lawful.ledger.overpaid, &mut problems);
    if let Some(w) = &e.excess {
        match a.excess {
            Some(x) => money("excess", &Some(w.clone()), x, &mut problems),
            None => problems.push("excess: no demand".to_string()),
        }
    }
    let codes: Vec<&str> = a.findings.iter().map(|f| f.code).collect();
    for f in &e.findings {
        if !codes.contains(&f.as_str()) {
            problems.push(format!("missing finding {f} (have {codes:?})"));
        }
    }
    for f in &e.absent {
        if codes.contains(&f.as_str()) {
            problems.push(format!("unexpected finding {f}"));
        }
    }
    if let Some(ids) = &e.scenarios {
        let got: Vec<String> =
            std::iter::once(a.lawful.id.clone()).chain(a.alternatives.iter().map(|s| s.id.clone())).collect();
        if &got != ids {
            problems.push(format!("scenarios: got {got:?}, want {ids:?}"));
        }
    }
    if let Some(d) = e.disputed
        && a.supported_disputed != d
    {
        problems.push(format!("disputed: got {}, want {d}", a.supported_disputed));
    }
    for (id, want) in &e.alternatives {
        match a.alternatives.iter().find(|s| &s.id == id) {
            Some(s) => money(&format!("alternative {id}"), &Some(want.clone()), s.supported_total, &mut problems),
            None => problems.push(format!("no alternative {id}")),
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(problems.join("; ")) }
}

//! Runs the table-driven cases in `tests/rules/timeline/*.toml`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::NaiveDate;
use serde::Deserialize;
use yuqi_timeline::assignment::Binding;
use yuqi_timeline::credit::Repair;
use yuqi_timeline::limitation::{Effect, Status};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    case: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    decides: String,
    #[serde(default)]
    why: String,
    as_of: String,
    /// `[case].filing_date`, when the case states that a suit was filed.
    #[serde(default)]
    filing_date: Option<String>,
    debt: String,
    expect: Expect,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Expect {
    status: Option<String>,
    start: Option<String>,
    expires: Option<String>,
    effects: Option<Vec<String>>,
    forfeited_on: Option<String>,
    new_expiry: Option<String>,
    enforcement_deadline: Option<String>,
    enforcement_applied: Option<String>,
    #[serde(default)]
    alternatives: BTreeMap<String, String>,
    warning_contains: Option<String>,
    creditor: Option<String>,
    bindings: Option<Vec<String>>,
    payments_discharge: Option<Vec<bool>>,
    record_expires: Option<String>,
    repair: Option<String>,
    hidden_from: Option<String>,
    objection_due: Option<String>,
    complaint_due: Option<String>,
    #[serde(default)]
    findings: Vec<String>,
    #[serde(default)]
    absent: Vec<String>,
    finding_contains: Option<String>,
    #[serde(default)]
    deadlines: Vec<String>,
    #[serde(default)]
    absent_deadlines: Vec<String>,
    #[serde(default)]
    why_now: Vec<String>,
    #[serde(default)]
    criminal_contains: Vec<String>,
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_else(|_| panic!("bad date {s}"))
}

fn status_code(s: &Status) -> &'static str {
    match s {
        Status::NotStarted { .. } => "not_started",
        Status::Running { .. } => "running",
        Status::Expired { .. } => "expired",
        Status::Lost { .. } => "lost",
        Status::InLitigation { .. } => "in_litigation",
        Status::Judgment { .. } => "judgment",
        Status::Suspended { .. } => "suspended",
        Status::BeyondTwentyYears { .. } => "beyond_twenty_years",
    }
}

fn effect_code(e: Effect) -> String {
    serde_json::to_value(e).expect("json").as_str().expect("str").to_string()
}

#[test]
fn timeline_rule_cases_pass() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/rules/timeline");
    let mut paths: Vec<_> = std::fs::read_dir(&dir).expect("dir").filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    let mut failures = Vec::new();
    let mut count = 0;
    for p in paths.iter().filter(|p| p.extension().is_some_and(|x| x == "toml")) {
        let f: File = toml::from_str(&std::fs::read_to_string(p).expect("read"))
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        for c in &f.case {
            count += 1;
            if let Err(e) = check(c) {
                let why = if c.why.is_empty() { String::new() } else { format!("\n      why: {}", c.why) };
                failures.push(format!(
                    "{} “{}” ({}): {e}{why}",
                    p.file_name().expect("name").to_string_lossy(),
                    c.name,
                    c.decides
                ));
            }
        }
    }
    assert!(count >= 40, "only {count} timeline cases");
    assert!(failures.is_empty(), "{} of {count} timeline cases failed:\n  {}", failures.len(), failures.join("\n  "));
}

fn check(c: &Case) -> Result<(), String> {
    let filing = c.filing_date.as_ref().map_or(String::new(), |f| format!("filing_date = {f}\n"));
    let src = format!("[case]\nas_of = {}\n{filing}[[debt]]\n{}", c.as_of, c.debt);
    let case = yuqi_case::parse_case(&src, "case").map_err(|e| format!("does not parse: {e}"))?;
    let as_of = date(&c.as_of);
    let audit = yuqi_ledger::audit_case(&case, yuqi_ledger::AuditOptions { as_of, filing_date: None })
        .map_err(|e| e.to_string())?;
    let t = yuqi_timeline::analyse_case(&case, &audit).map_err(|e| e.to_string())?;
    let d = &t.debts[0];
    let l = &d.limitation;
    let e = &c.expect;
    let mut p = Vec::new();
    let mut eq = |name: &str, want: &Option<String>, got: Option<String>| {
        if let Some(w) = want
            && Some(w.clone()) != got
        {
            p.push(format!("{name}: got {got:?}, want {w}"));
        }
    };
    eq("status", &e.status, Some(status_code(&l.status).to_string()));
    eq("start", &e.start, l.start.map(|d| d.to_string()));
    eq("expires", &e.expires, l.expiry.as_ref().map(|x| x.end.to_string()));
    if let Status::Lost { forfeited_on, new_expiry, .. } = &l.status {
        eq("forfeited_on", &e.forfeited_on, Some(forfeited_on.to_string()));
        eq("new_expiry", &e.new_expiry, Some(new_expiry.to_string()));
    } else {
        eq("forfeited_on", &e.forfeited_on, None);
    }
    if let Status::Judgment { enforcement_deadline, enforcement_applied, .. } = &l.status {
        eq("enforcement_deadline", &e.enforcement_deadline, Some(enforcement_deadline.to_string()));
        eq("enforcement_applied", &e.enforcement_applied, enforcement_applied.map(|d| d.to_string()));
    } else {
        eq("enforcement_deadline", &e.enforcement_deadline, None);
    }
    for (id, want) in &e.alternatives {
        let got = d
            .limitation_alternatives
            .iter()
            .find(|a| a.id == id)
            .and_then(|a| a.expiry.as_ref())
            .map(|x| x.end.to_string());
        eq(&format!("alternative {id}"), &Some(want.clone()), got);
    }
    let creditor = d.assignment.as_ref().map(|a| a.creditor_for_debtor.clone());
    eq("creditor", &e.creditor, creditor);
    eq(
        "record_expires",
        &e.record_expires,
        Some(d.credit.record_expires.map_or("none".to_string(), |x| x.to_string())),
    );
    let (repair, hidden) = match &d.credit.repair {
        Repair::Eligible { hidden_from } => ("eligible", Some(hidden_from.to_string())),
        Repair::OpenUntil { .. } => ("open_until", None),
        Repair::NotEligible { .. } => ("not_eligible", None),
        Repair::Unknown { .. } => ("unknown", None),
    };
    eq("repair", &e.repair, Some(repair.to_string()));
    eq("hidden_from", &e.hidden_from, hidden);
    eq("objection_due", &e.objection_due, d.credit.objection_reply_due.first().map(|x| x.to_string()));
    eq("complaint_due", &e.complaint_due, d.credit.complaint_reply_due.first().map(|x| x.to_string()));
    if let Some(want) = &e.effects {
        let got: Vec<String> = l.steps.iter().map(|s| effect_code(s.effect)).collect();
        if &got != want {
            p.push(format!("effects: got {got:?}, want {want:?}"));
        }
    }
    if let Some(w) = &e.warning_contains
        && !l.warnings.iter().any(|x| x.contains(w.as_str()))
    {
        p.push(format!("no warning containing {w:?}: {:?}", l.warnings));
    }
    if let Some(want) = &e.bindings {
        let got: Vec<String> = d
            .assignment
            .as_ref()
            .map(|a| {
                a.chain
                    .iter()
                    .map(|l| {
                        match l.binding {
                            Binding::Binding { .. } => "binding",
                            Binding::Disputed { .. } => "disputed",
                            Binding::BindingByNewspaper { .. } => "binding_by_newspaper",
                            Binding::BindingFromService { .. } => "binding_from_service",
                            Binding::NotBinding => "not_binding",
                        }
                        .to_string()
                    })
                    .collect()
            })
            .unwrap_or_default();
        if &got != want {
            p.push(format!("bindings: got {got:?}, want {want:?}"));
        }
    }
    if let Some(want) = &e.payments_discharge {
        let got: Vec<bool> =
            d.assignment.as_ref().map(|a| a.payments.iter().map(|x| x.discharges).collect()).unwrap_or_default();
        if &got != want {
            p.push(format!("payments_discharge: got {got:?}, want {want:?}"));
        }
    }
    let codes: Vec<&str> = d.findings.iter().map(|f| f.code).collect();
    for f in &e.findings {
        if !codes.contains(&f.as_str()) {
            p.push(format!("missing finding {f} (have {codes:?})"));
        }
    }
    for f in &e.absent {
        if codes.contains(&f.as_str()) {
            p.push(format!("unexpected finding {f}"));
        }
    }
    if let Some(w) = &e.finding_contains
        && !d.findings.iter().any(|f| f.detail.contains(w.as_str()))
    {
        p.push(format!("no finding detail contains {w:?}"));
    }
    let deadline_codes: Vec<&str> = t.deadlines.iter().map(|x| x.code).collect();
    for want in &e.deadlines {
        if !deadline_codes.contains(&want.as_str()) {
            p.push(format!("missing deadline {want} (have {deadline_codes:?})"));
        }
    }
    for want in &e.absent_deadlines {
        if deadline_codes.contains(&want.as_str()) {
            p.push(format!("unexpected deadline {want}"));
        }
    }
    let reasons: Vec<&str> = d.why_now.iter().map(|r| r.code).collect();
    for want in &e.why_now {
        if !reasons.contains(&want.as_str()) {
            p.push(format!("missing why-now reason {want} (have {reasons:?})"));
        }
    }
    for want in &e.criminal_contains {
        if !t.criminal.iter().any(|s| s.text.contains(want.as_str())) {
            p.push(format!("no criminal statement contains {want:?}"));
        }
    }
    if p.is_empty() { Ok(()) } else { Err(p.join("; ")) }
}

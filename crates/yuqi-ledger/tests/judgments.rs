//! Measures the ledger against real court judgments (`tests/judgments/cases.toml`, built from
//! `tests/judgments/corpus.toml`; see `tests/judgments/RESULTS.md`).
//!
//! Each case rebuilds one judgment's debt from the corpus facts, runs the same computation as
//! `rule_cases.rs` (`yuqi_ledger::audit_debt`) and compares every figure the court ordered with
//! the ledger's to the yuan (|difference| < 1.00). It prints the whole table, then asserts that
//! every case marked `reproduces = true` still reproduces (so an improvement, once marked, is
//! locked in) and that every complete judgment of the corpus has a case.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::str::FromStr;

use chrono::{Days, NaiveDate};
use serde::Deserialize;
use yuqi_ledger::caps::LegalDates;
use yuqi_money::{Decimal, Money};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Corpus {
    judgment: Vec<Judgment>,
}

#[derive(Deserialize)]
struct Judgment {
    id: String,
    regime: String,
    complete: bool,
    source_kind: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CasesFile {
    case: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    id: String,
    source: String,
    decides: String,
    #[serde(default)]
    why: String,
    as_of: String,
    filing_date: Option<String>,
    #[serde(default = "yes")]
    expressible: bool,
    #[serde(default)]
    missing: String,
    /// One `[[debt]]` of the case-file format without its header, or whole `[[debt]]` tables
    /// (several debts: the figures are summed).
    #[serde(default)]
    debt: String,
    #[serde(default)]
    court: Court,
    #[serde(default)]
    reproduces: bool,
    /// For a miss: the rule the court used that the ledger does not model, in a few words.
    #[serde(default)]
    reason: String,
}

fn yes() -> bool {
    true
}

/// The court's figures. Amounts are compared with the ledger's figure of the same name at
/// `as_of`; a running order ("按年利率Y%自D起计至实际清偿之日") is checked over a window.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Court {
    /// vs `principal_lawful`.
    principal: Option<String>,
    /// vs `interest_lawful` (interest within the term).
    interest: Option<String>,
    /// vs `overdue_lawful` (罚息, 复利, 违约金, 逾期利息).
    overdue: Option<String>,
    /// vs `interest_lawful + fees_lawful + overdue_lawful`.
    charges: Option<String>,
    /// vs `supported_total`.
    total: Option<String>,
    #[serde(default)]
    running: Vec<Running>,
}

/// "以 base 为基数按 rate 自 from 起计算": the court's interest for `from..=until` is
/// base × rate × days / basis (or × months for a monthly rate); the ledger's is the growth of
/// its supported total from the day before `from` to `until`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Running {
    from: String,
    until: String,
    base: String,
    rate: String,
    /// "365" (default), "360", "day" (rate per day) or "month" (rate per month, with `months`).
    #[serde(default)]
    basis: Option<String>,
    months: Option<u32>,
}

/// One compared figure.
struct Row {
    name: String,
    court: Money,
    ledger: Result<Money, String>,
}

impl Row {
    fn ok(&self) -> bool {
        self.ledger.as_ref().is_ok_and(|l| (*l - self.court).abs() < Money::from_str("1.00").expect("money"))
    }
}

enum Verdict {
    Reproduced,
    Missed,
    Refused(String),
    NotExpressible,
}

struct Outcome {
    id: String,
    regime: String,
    secondary: bool,
    verdict: Verdict,
    rows: Vec<Row>,
    reason: String,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/judgments")
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_else(|_| panic!("bad date {s}"))
}

fn money(s: &str) -> Money {
    Money::from_str(s).unwrap_or_else(|e| panic!("bad amount {s}: {e}"))
}

fn decimal(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_else(|e| panic!("bad decimal {s}: {e}"))
}

/// The ledger's figures for every debt of the case, summed.
#[derive(Clone, Copy, Default)]
struct Figures {
    principal: Money,
    interest: Money,
    overdue: Money,
    charges: Money,
    total: Money,
}

fn audit(debts: &[yuqi_case::Debt], as_of: NaiveDate, filing: Option<NaiveDate>) -> Result<Figures, String> {
    let dates = LegalDates { as_of, filing: filing.unwrap_or(as_of), filing_assumed: filing.is_none() };
    let mut f = Figures::default();
    for debt in debts {
        let a = yuqi_ledger::audit_debt(debt, dates).map_err(|e| first_line(&e.to_string()))?;
        f.principal += a.principal_lawful;
        f.interest += a.interest_lawful;
        f.overdue += a.overdue_lawful;
        f.charges += a.interest_lawful + a.fees_lawful + a.overdue_lawful;
        f.total += a.supported_total;
    }
    Ok(f)
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or_default().to_string()
}

/// The court's interest over a running window, rounded to the fen.
fn court_running(r: &Running) -> Money {
    let base = money(&r.base).to_yuan();
    let rate = decimal(&r.rate);
    let days = Decimal::from((date(&r.until) - date(&r.from)).num_days() + 1);
    let yuan = match r.basis.as_deref().unwrap_or("365") {
        "365" => base * rate * days / Decimal::from(365),
        "360" => base * rate * days / Decimal::from(360),
        "day" => base * rate * days,
        "month" => base * rate * Decimal::from(r.months.expect("months for a monthly basis")),
        other => panic!("unknown basis {other}"),
    };
    Money::round_from_yuan(yuan)
}

fn run_case(c: &Case) -> (Verdict, Vec<Row>) {
    if !c.expressible {
        return (Verdict::NotExpressible, Vec::new());
    }
    let src =
        if c.debt.trim_start().starts_with("[[debt]]") { c.debt.clone() } else { format!("[[debt]]\n{}", c.debt) };
    let case = match yuqi_case::parse_case(&src, "case") {
        Ok(case) => case,
        Err(e) => panic!("{}: debt does not parse: {e}", c.id),
    };
    let as_of = date(&c.as_of);
    let filing = c.filing_date.as_deref().map(date);
    let at = audit(&case.debts, as_of, filing);
    let mut rows = Vec::new();
    let mut refused = None;
    let mut add = |name: &str, court: &Option<String>, pick: fn(&Figures) -> Money| {
        if let Some(w) = court {
            rows.push(Row {
                name: name.to_string(),
                court: money(w),
                ledger: at.as_ref().map(pick).map_err(Clone::clone),
            });
        }
    };
    add("principal", &c.court.principal, |f| f.principal);
    add("interest", &c.court.interest, |f| f.interest);
    add("overdue", &c.court.overdue, |f| f.overdue);
    add("charges", &c.court.charges, |f| f.charges);
    add("total", &c.court.total, |f| f.total);
    if let Err(e) = &at {
        refused = Some(e.clone());
    }
    for r in &c.court.running {
        let from = date(&r.from);
        let before = from.checked_sub_days(Days::new(1)).expect("date");
        let until = date(&r.until);
        let ledger = match (audit(&case.debts, before, filing), audit(&case.debts, until, filing)) {
            (Ok(a), Ok(b)) => Ok(b.total - a.total),
            (Err(e), _) | (_, Err(e)) => {
                refused.get_or_insert(e.clone());
                Err(e)
            }
        };
        let name = format!("{}×{}{} {}…{}", r.base, r.rate, basis_label(r), r.from, r.until);
        rows.push(Row { name, court: court_running(r), ledger });
    }
    assert!(!rows.is_empty(), "{}: an expressible case needs at least one court figure", c.id);
    let verdict = match refused {
        Some(e) => Verdict::Refused(e),
        None if rows.iter().all(Row::ok) => Verdict::Reproduced,
        None => Verdict::Missed,
    };
    (verdict, rows)
}

fn basis_label(r: &Running) -> String {
    match r.basis.as_deref().unwrap_or("365") {
        "365" => String::new(),
        "360" => "/360".to_string(),
        "day" => "/日".to_string(),
        "month" => format!("/月×{}", r.months.unwrap_or(0)),
        other => other.to_string(),
    }
}

fn load() -> (Vec<Judgment>, Vec<Case>) {
    let corpus = std::fs::read_to_string(root().join("corpus.toml")).expect("read corpus.toml");
    let corpus: Corpus = toml::from_str(&corpus).expect("corpus.toml parses");
    let cases = std::fs::read_to_string(root().join("cases.toml")).expect("read cases.toml");
    let cases: CasesFile = toml::from_str(&cases).expect("cases.toml parses");
    (corpus.judgment, cases.case)
}

#[allow(clippy::print_stderr)]
fn report(outcomes: &[Outcome]) {
    eprintln!("\n| id | regime | result | figure | court | ledger | reason of a miss |");
    eprintln!("|---|---|---|---|---|---|---|");
    for o in outcomes {
        let id = if o.secondary { format!("{}²", o.id) } else { o.id.clone() };
        let result = match &o.verdict {
            Verdict::Reproduced => "reproduced".to_string(),
            Verdict::Missed => "missed".to_string(),
            Verdict::Refused(_) => "refused".to_string(),
            Verdict::NotExpressible => "not expressible".to_string(),
        };
        let reason = match &o.verdict {
            Verdict::Reproduced => String::new(),
            Verdict::Refused(e) => format!("{} (error: {e})", o.reason),
            _ => o.reason.clone(),
        };
        if o.rows.is_empty() {
            eprintln!("| {id} | {} | {result} | — | — | — | {reason} |", o.regime);
        }
        for (i, r) in o.rows.iter().enumerate() {
            let ledger = match &r.ledger {
                Ok(m) => m.to_string(),
                Err(_) => "error".to_string(),
            };
            let mark = if r.ok() { "=" } else { "≠" };
            let (res, why) = if i == 0 { (result.as_str(), reason.as_str()) } else { ("", "") };
            eprintln!("| {id} | {} | {res} | {} {mark} | {} | {ledger} | {why} |", o.regime, r.name, r.court);
        }
    }
    let mut by_regime: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    for o in outcomes {
        let e = by_regime.entry(o.regime.as_str()).or_default();
        e.2 += 1;
        if !matches!(o.verdict, Verdict::NotExpressible) {
            e.1 += 1;
        }
        if matches!(o.verdict, Verdict::Reproduced) {
            e.0 += 1;
        }
    }
    eprintln!("\n| regime | reproduced | expressible | total |");
    eprintln!("|---|---|---|---|");
    let mut sum = (0, 0, 0);
    for (regime, (r, e, t)) in &by_regime {
        eprintln!("| {regime} | {r} | {e} | {t} |");
        sum = (sum.0 + r, sum.1 + e, sum.2 + t);
    }
    eprintln!("| **all** | {} | {} | {} |", sum.0, sum.1, sum.2);
    let mut reasons: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for o in outcomes.iter().filter(|o| !matches!(o.verdict, Verdict::Reproduced)) {
        for r in o.reason.split(';').map(str::trim).filter(|r| !r.is_empty()) {
            reasons.entry(r).or_default().push(o.id.as_str());
        }
    }
    let mut reasons: Vec<_> = reasons.into_iter().collect();
    reasons.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
    eprintln!("\n| blocks | reason | cases |");
    eprintln!("|---|---|---|");
    for (r, ids) in reasons {
        eprintln!("| {} | {r} | {} |", ids.len(), ids.join(" "));
    }
}

#[test]
fn judgments_reproduced() {
    let (corpus, cases) = load();
    let by_id: BTreeMap<&str, &Judgment> = corpus.iter().map(|j| (j.id.as_str(), j)).collect();
    let mut seen = BTreeSet::new();
    let mut outcomes = Vec::new();
    let mut unexplained = Vec::new();
    for c in &cases {
        let base = c.id.split('-').next().unwrap_or_default();
        let j = by_id.get(base).unwrap_or_else(|| panic!("{}: not in corpus.toml", c.id));
        assert!(seen.insert(c.id.clone()), "{}: listed twice", c.id);
        assert!(!c.source.is_empty() && !c.decides.is_empty(), "{}: source and decides are required", c.id);
        assert!(
            c.expressible || !c.missing.is_empty(),
            "{}: a case that is not expressible says what is missing",
            c.id
        );
        assert!(c.expressible || !c.reproduces, "{}: marked reproduced but not expressible", c.id);
        let (verdict, rows) = run_case(c);
        if !matches!(verdict, Verdict::Reproduced) && c.reason.is_empty() {
            unexplained.push(format!("{} (why: {})", c.id, c.why));
        }
        outcomes.push(Outcome {
            id: c.id.clone(),
            regime: j.regime.clone(),
            secondary: j.source_kind == "news",
            verdict,
            rows,
            reason: c.reason.clone(),
        });
    }
    for j in corpus.iter().filter(|j| j.complete) {
        assert!(
            cases.iter().any(|c| c.id == j.id || c.id.starts_with(&format!("{}-", j.id))),
            "{}: a complete judgment without a case in cases.toml",
            j.id
        );
    }
    report(&outcomes);
    let marked = cases.iter().filter(|c| c.reproduces).count();
    let reproduced = outcomes.iter().filter(|o| matches!(o.verdict, Verdict::Reproduced)).count();
    let lost: Vec<&str> = cases
        .iter()
        .zip(&outcomes)
        .filter(|(c, o)| c.reproduces && !matches!(o.verdict, Verdict::Reproduced))
        .map(|(c, _)| c.id.as_str())
        .collect();
    assert!(
        unexplained.is_empty(),
        "misses without a reason (name the rule the court used that the ledger does not model): {unexplained:?}"
    );
    assert!(lost.is_empty(), "judgments that no longer reproduce: {lost:?}");
    assert!(reproduced >= marked, "{reproduced} reproduced, {marked} marked");
}

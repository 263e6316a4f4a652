//! The computation exhibit (计算明细表) states the audit's own figures: for every example, the
//! period table's columns add up to the audit's unpaid charges, its totals are the audit's
//! figures, every period's lawful amount is within the cap, and the rows come straight from the
//! ledger's comparisons (differing by at most the rounding residue).

use std::path::PathBuf;

use chrono::NaiveDate;
use yuqi_docs::doc::Block;
use yuqi_docs::exhibit::{Cell, RateSource, exhibit, exhibit_doc, sheets};
use yuqi_ledger::engine::Part;
use yuqi_money::Money;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn try_computed(path: &std::path::Path, as_of: Option<NaiveDate>) -> Result<yuqi_app::Computed, String> {
    let src = std::fs::read_to_string(path).expect("read");
    let case = yuqi_case::parse_case(&src, "case.toml").unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let today = NaiveDate::from_ymd_opt(2026, 11, 24).expect("date");
    let dates = yuqi_app::Dates { as_of, ..yuqi_app::Dates::today(today) };
    yuqi_app::compute(yuqi_app::CaseInput { case, evidence: None, messages: Vec::new() }, dates)
        .map_err(|e| format!("{}: {e}", path.display()))
}

fn computed(path: &std::path::Path, as_of: Option<NaiveDate>) -> yuqi_app::Computed {
    try_computed(path, as_of).unwrap_or_else(|e| panic!("{e}"))
}

fn examples() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
        .expect("examples")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    v.sort();
    assert!(v.len() >= 5, "examples found: {v:?}");
    v
}

#[test]
fn totals_are_the_audits_figures_for_every_example() {
    for path in examples() {
        // The case file's own as-of date, and an earlier one where the case can be computed on
        // it (loans still running, payments not all made).
        for as_of in [None, Some(NaiveDate::from_ymd_opt(2025, 6, 30).expect("date"))] {
            let c = match (try_computed(&path, as_of), as_of) {
                (Ok(c), _) => c,
                (Err(_), Some(_)) => continue,
                (Err(e), None) => panic!("{e}"),
            };
            let inputs = c.inputs();
            let ex = exhibit(&inputs);
            assert_eq!(ex.debts.len(), c.audit.debts.len());
            for (d, da) in ex.debts.iter().zip(&c.audit.debts) {
                let at = format!("{} {} as of {:?}", path.display(), da.id, as_of);
                let lg = &da.lawful.ledger;
                let t = &d.totals;
                // The printed totals are the audit's figures.
                assert_eq!(t.principal, da.principal_lawful, "{at}");
                assert_eq!(t.interest, da.interest_lawful, "{at}");
                assert_eq!(t.fees, da.fees_lawful, "{at}");
                assert_eq!(t.overdue, da.overdue_lawful, "{at}");
                assert_eq!(t.supported_total, da.supported_total, "{at}");
                assert_eq!(t.principal + t.interest + t.fees + t.overdue, t.supported_total, "{at}");
                // The columns add up to them.
                let unpaid = |p: Part| -> Money { d.rows.iter().filter(|r| r.part == p).map(|r| r.unpaid).sum() };
                assert_eq!(unpaid(Part::Term), da.interest_lawful + da.fees_lawful, "{at}");
                assert_eq!(unpaid(Part::Overdue), da.overdue_lawful, "{at}");
                assert_eq!(t.unpaid, t.interest + t.fees + t.overdue, "{at}");
                assert_eq!(t.lawful, lg.allowed, "{at}");
                assert_eq!(t.claimed, lg.claimed.total(), "{at}");
                assert_eq!(t.claimed, d.rows.iter().map(|r| r.claimed).sum::<Money>(), "{at}");
                // The payments are the ledger's, and add up.
                assert_eq!(d.payments, lg.applications, "{at}");
                assert_eq!(d.payments.iter().map(|p| p.amount).sum::<Money>(), t.paid_total, "{at}");
                if let Some(last) = d.payments.last() {
                    assert_eq!(last.principal_after, t.principal, "{at}");
                }
                // Rows are the ledger's windows (plus a stated balance), off by rounding only.
                let windows: Vec<_> = d.rows.iter().filter(|r| !r.stated).collect();
                assert_eq!(windows.len(), lg.windows.len().max(usize::from(!windows.is_empty())), "{at}");
                let off: i64 = windows
                    .iter()
                    .zip(&lg.windows)
                    .map(|(r, w)| (r.unpaid - w.unpaid).fen().abs() + (r.lawful - w.lawful).fen().abs())
                    .sum();
                assert!(off <= 2 * (lg.windows.len() as i64 + 2), "{at}: rounding residue {off} fen");
                for (r, w) in windows.iter().zip(&lg.windows) {
                    assert_eq!((r.from, r.until, r.days, r.base), (w.from, w.until, w.days, w.base), "{at}");
                    // The rate shown is the cap exactly where the cap cut the claim.
                    match r.source {
                        RateSource::Cap(i) => {
                            assert_eq!(r.rate, w.enforce, "{at}");
                            assert!(w.allowance.is_some_and(|a| w.claimed > a), "{at}");
                            assert!(d.sources.get(i).is_some_and(|s| !s.is_empty()), "{at}");
                        }
                        // Within the cap: supported whole (a monthly rate within the cap as a rate
                        // may be a little above the day-counted allowance).
                        RateSource::Contract => assert!(w.enforce.is_some() && w.lawful == w.claimed, "{at}"),
                        RateSource::NoCap | RateSource::Judgment | RateSource::Recourse => {
                            assert!(w.enforce.is_none(), "{at}")
                        }
                        RateSource::Stated => unreachable!("{at}"),
                    }
                }
                assert_eq!(d.alternatives.len(), da.alternatives.len(), "{at}");
            }
        }
    }
}

#[test]
fn a_cap_is_cited_from_the_law_data() {
    let c = computed(&root().join("examples/demo.toml"), None);
    let ex = exhibit(&c.inputs());
    let hjd = ex.debts.iter().find(|d| d.id == "hjd").expect("hjd");
    assert!(hjd.rows.iter().any(|r| matches!(r.source, RateSource::Cap(_))));
    // The citation label and the rule's title, exactly as the law data gives them.
    let rule = yuqi_law::law().rule("financial_combined_cap").expect("rule");
    let cites = yuqi_law::law().citation_labels_grouped(&rule.cites);
    assert_eq!(hjd.sources, vec![format!("{}：{}", rule.title, cites.join("；"))]);
}

#[test]
fn the_document_and_the_sheets_carry_every_row() {
    let c = computed(&root().join("examples/demo.toml"), None);
    let inputs = c.inputs();
    let ex = exhibit(&inputs);
    let doc = exhibit_doc(&inputs);
    assert_eq!(doc.kind, "exhibit");
    let tables: Vec<&Vec<Vec<String>>> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Table { columns, rows, .. } if columns[0] == "期间（起止日）" => Some(rows),
            _ => None,
        })
        .collect();
    assert_eq!(tables.len(), ex.debts.len());
    for (rows, d) in tables.iter().zip(&ex.debts) {
        assert_eq!(rows.len(), d.rows.len() + 1, "a row per period and the total");
        assert_eq!(rows.last().expect("total")[9], d.totals.unpaid.to_grouped_string());
    }
    let text = doc.plain_text();
    for d in &ex.debts {
        assert!(text.contains(&d.totals.supported_total.to_grouped_string()), "{}", d.name);
        for a in &d.alternatives {
            assert!(text.contains(&format!("{}——依法支持合计 {} 元", a.label, a.supported_total.to_grouped_string())));
        }
    }
    let sheets = sheets(&ex);
    assert_eq!(sheets.len(), ex.debts.len() + 1);
    assert_eq!(sheets[0].name, "汇总");
    for (s, d) in sheets[1..].iter().zip(&ex.debts) {
        let unpaid: Money = s
            .rows
            .iter()
            .filter(|r| matches!(r.first(), Some(Cell::Text(x)) if x.len() == 10 && x.starts_with("20")))
            .filter(|r| r.len() == 11)
            .map(|r| match r[10] {
                Cell::Money(m) => m,
                _ => Money::ZERO,
            })
            .sum();
        assert_eq!(unpaid, d.totals.unpaid, "{}", s.name);
        assert!(s.name.chars().count() <= 31);
    }
}

#[test]
fn the_dossier_has_the_exhibit() {
    let c = computed(&root().join("examples/demo.toml"), None);
    let dossier = yuqi_docs::dossier::dossier(&c.inputs());
    assert!(
        dossier.blocks.iter().any(|b| matches!(b, Block::Heading { level: 1, text } if text.ends_with("计算明细表")))
    );
    assert!(dossier.blocks.iter().any(|b| matches!(b, Block::Table { columns, .. } if columns[0] == "期间（起止日）")));
}

/// A judgment's and a guarantor's stated sums are the exhibit's first rows (not a residue in the
/// last one), the later rows name their source, and each row reads lawful − paid = unpaid.
#[test]
fn a_judgment_and_a_recourse_start_from_their_stated_sums() {
    let src = r#"
version = 1
[case]
as_of = 2024-06-09
[[debt]]
id = "j"
lender = "某银行"
kind = "bank"
contract_date = 2022-01-01
principal = 60000
rate = "年化6%"
method = "等额本息"
periods = 24
[debt.judgment]
effective = 2024-03-01
deadline = 2024-03-11
principal = 50000
interest = 3000
costs = 800
rate = "年化6%"
from = 2023-06-01
[[debt]]
id = "g"
lender = "某融资担保公司"
kind = "guarantor"
contract_date = 2023-02-03
principal = 20000
rate = "年化8%"
method = "等额本息"
periods = 24
[debt.recourse]
date = 2024-02-03
paid = 10000
principal = 9500
"#;
    let case = yuqi_case::parse_case(src, "case.toml").expect("parses");
    let today = NaiveDate::from_ymd_opt(2026, 11, 24).expect("date");
    let c = yuqi_app::compute(
        yuqi_app::CaseInput { case, evidence: None, messages: Vec::new() },
        yuqi_app::Dates::today(today),
    )
    .expect("computes");
    let ex = exhibit(&c.inputs());
    for (d, stated, source) in
        [(&ex.debts[0], "3800.00", RateSource::Judgment), (&ex.debts[1], "500.00", RateSource::Recourse)]
    {
        let first = &d.rows[0];
        assert_eq!((first.source, first.claimed.to_string()), (RateSource::Stated, stated.to_string()), "{}", d.id);
        assert!(d.rows[1..].iter().all(|r| r.source == source), "{}: {:?}", d.id, d.rows);
        for r in &d.rows {
            assert_eq!(r.lawful.saturating_sub_to_zero(r.paid), r.unpaid, "{}: {r:?}", d.id);
        }
        assert_eq!(d.totals.unpaid, d.totals.interest + d.totals.fees + d.totals.overdue, "{}", d.id);
    }
    // The guarantor's header shows the loan's own rate, not the recourse rate.
    assert_eq!(ex.debts[1].stated_rate, "年化8%");
}

/// Where a parenthesis opens inside another, or follows one straight away.
fn nested_parentheses(s: &str) -> Option<String> {
    let mut depth = 0;
    for (at, c) in s.char_indices() {
        match c {
            '（' if depth > 0 || s[..at].ends_with('）') => return Some(s[at.saturating_sub(30)..].to_string()),
            '（' => depth += 1,
            '）' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// The exhibit named the lender as "招商银行（信用卡（发卡银行））" and a presumed kind as
/// "信用卡（发卡银行）（推测）": one parenthesis at most, for every kind of lender, stated or
/// presumed, in the document and in the spreadsheet.
#[test]
fn the_lender_is_named_without_parentheses_in_parentheses() {
    for path in examples() {
        let src = std::fs::read_to_string(&path).expect("read");
        for presumed in [false, true] {
            let src =
                if presumed { src.replace("\n[[debt]]\n", "\n[[debt]]\nkind_presumed = true\n") } else { src.clone() };
            let case = yuqi_case::parse_case(&src, "case.toml").unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let today = NaiveDate::from_ymd_opt(2026, 11, 24).expect("date");
            let Ok(c) = yuqi_app::compute(
                yuqi_app::CaseInput { case, evidence: None, messages: Vec::new() },
                yuqi_app::Dates::today(today),
            ) else {
                continue;
            };
            let inputs = c.inputs();
            let text = exhibit_doc(&inputs).plain_text();
            let lines: Vec<&str> = text.lines().filter(|l| l.starts_with("出借人：")).collect();
            assert!(!lines.is_empty(), "{}", path.display());
            let cells: Vec<String> = sheets(&exhibit(&inputs))
                .iter()
                .flat_map(|s| s.rows.iter())
                .filter(|r| matches!(r.first(), Some(Cell::Text(x)) if x == "出借人"))
                .filter_map(|r| match r.get(1) {
                    Some(Cell::Text(x)) => Some(x.clone()),
                    _ => None,
                })
                .collect();
            for l in lines.iter().map(|l| l.to_string()).chain(cells) {
                assert_eq!(nested_parentheses(&l), None, "{} (presumed: {presumed}): {l}", path.display());
            }
        }
    }
    let src = std::fs::read_to_string(root().join("examples/demo.toml")).expect("demo");
    let mut d = yuqi_case::parse_case(&src, "demo.toml").expect("parse").debts.remove(0);
    for kind in yuqi_case::LenderKind::ALL {
        d.kind = kind;
        for presumed in [false, true] {
            d.kind_presumed = presumed;
            assert_eq!(nested_parentheses(d.kind_label_zh()), None, "{kind:?}");
        }
    }
}

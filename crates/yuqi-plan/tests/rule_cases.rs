//! Runs the table-driven planner cases in `tests/rules/plan/*.toml`, and property tests of the
//! plan's arithmetic.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::NaiveDate;
use proptest::prelude::*;
use serde::Deserialize;
use yuqi_money::Money;
use yuqi_plan::{OptionKind, Plan, plan_case};

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
    as_of: String,
    case: String,
    expect: Expect,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Expect {
    for_debts: Option<String>,
    reserve: Option<String>,
    #[serde(default)]
    no_budget: bool,
    order: Option<Vec<String>>,
    #[serde(default)]
    warnings_contain: Vec<String>,
    #[serde(default)]
    debt: BTreeMap<String, DebtExpect>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct DebtExpect {
    standing: Option<String>,
    recommended: Option<String>,
    kinds: Option<Vec<String>>,
    share: Option<String>,
    #[serde(default)]
    no_share: bool,
    offer: Option<String>,
    affordable: Option<bool>,
    card_months: Option<u32>,
    card_months_at_most: Option<u32>,
    card_affordable: Option<bool>,
    /// The instalment option's number of months and whether the budget carries it.
    instalment_months: Option<u32>,
    instalment_affordable: Option<bool>,
    /// A substring of the instalment option's title.
    instalment_title_contains: Option<String>,
    /// Substrings no option's title or detail may contain.
    #[serde(default)]
    never_says: Vec<String>,
    effect_contains: Option<String>,
    creditor: Option<String>,
    #[serde(default)]
    warnings_contain: Vec<String>,
}

fn code<T: serde::Serialize>(v: T) -> String {
    serde_json::to_value(v).expect("json").as_str().expect("a string enum").to_string()
}

fn money(s: &str) -> Money {
    s.parse().unwrap_or_else(|_| panic!("bad amount {s}"))
}

fn plan_of(src: &str, as_of: NaiveDate) -> Plan {
    let case = yuqi_case::parse_case(src, "case").unwrap_or_else(|e| panic!("{e}"));
    let audit = yuqi_ledger::audit_case(&case, yuqi_ledger::AuditOptions { as_of, filing_date: None }).expect("audit");
    let timeline = yuqi_timeline::analyse_case(&case, &audit).expect("timeline");
    plan_case(&case, &audit, &timeline).expect("plan")
}

fn check(c: &Case) -> Vec<String> {
    let mut errs = Vec::new();
    let as_of = NaiveDate::parse_from_str(&c.as_of, "%Y-%m-%d").expect("as_of");
    let p = plan_of(&c.case, as_of);
    let e = &c.expect;
    let mut fail = |m: String| errs.push(m);
    if let Some(f) = &e.for_debts
        && p.budget.for_debts != Some(money(f))
    {
        fail(format!("for_debts: expected {f}, got {:?}", p.budget.for_debts));
    }
    if let Some(r) = &e.reserve
        && p.budget.reserve != money(r)
    {
        fail(format!("reserve: expected {r}, got {}", p.budget.reserve));
    }
    if e.no_budget && p.budget.for_debts.is_some() {
        fail(format!("expected no budget, got {:?}", p.budget.for_debts));
    }
    if let Some(order) = &e.order {
        let got: Vec<&str> = p.debts.iter().map(|d| d.id.as_str()).collect();
        if got != order.iter().map(String::as_str).collect::<Vec<_>>() {
            fail(format!("order: expected {order:?}, got {got:?}"));
        }
    }
    for w in &e.warnings_contain {
        if !p.warnings.iter().any(|x| x.contains(w.as_str())) {
            fail(format!("no case warning contains {w:?}: {:?}", p.warnings));
        }
    }
    for (id, de) in &e.debt {
        let Some(d) = p.debts.iter().find(|d| &d.id == id) else {
            fail(format!("no plan for debt {id}"));
            continue;
        };
        if let Some(s) = &de.standing
            && &code(d.standing) != s
        {
            fail(format!("{id}: standing {s} expected, got {}", code(d.standing)));
        }
        let rec = d.options.iter().find(|o| o.recommended);
        if d.options.iter().filter(|o| o.recommended).count() != 1 {
            fail(format!("{id}: exactly one option must be recommended"));
        }
        if let Some(r) = &de.recommended
            && rec.map(|o| code(o.kind)).as_deref() != Some(r.as_str())
        {
            fail(format!("{id}: recommended {r} expected, got {:?}", rec.map(|o| code(o.kind))));
        }
        if let Some(k) = &de.kinds {
            let mut got: Vec<String> = d.options.iter().map(|o| code(o.kind)).collect();
            let mut want = k.clone();
            got.sort();
            want.sort();
            if got != want {
                fail(format!("{id}: option kinds {want:?} expected, got {got:?}"));
            }
        }
        if let Some(s) = &de.share
            && d.monthly_share != Some(money(s))
        {
            fail(format!("{id}: share {s} expected, got {:?}", d.monthly_share));
        }
        if de.no_share && d.monthly_share.is_some() {
            fail(format!("{id}: no share expected, got {:?}", d.monthly_share));
        }
        if let Some(o) = &de.offer {
            let lump = d.options.iter().find(|x| x.kind == OptionKind::LumpSum);
            if lump.and_then(|l| l.offer) != Some(money(o)) {
                fail(format!("{id}: offer {o} expected, got {:?}", lump.and_then(|l| l.offer)));
            }
        }
        if let Some(a) = de.affordable
            && rec.and_then(|o| o.affordable) != Some(a)
        {
            fail(format!("{id}: recommended option affordable={a} expected"));
        }
        let card = d.options.iter().find(|x| x.kind == OptionKind::CardPersonalised);
        if let Some(m) = de.card_months
            && card.and_then(|c| c.months) != Some(m)
        {
            fail(format!("{id}: card months {m} expected, got {:?}", card.and_then(|c| c.months)));
        }
        if let Some(m) = de.card_months_at_most
            && card.and_then(|c| c.months).is_none_or(|x| x > m)
        {
            fail(format!("{id}: card months at most {m} expected, got {:?}", card.and_then(|c| c.months)));
        }
        if let Some(a) = de.card_affordable
            && card.and_then(|c| c.affordable) != Some(a)
        {
            fail(format!("{id}: card affordable={a} expected, got {:?}", card.and_then(|c| c.affordable)));
        }
        let inst = d.options.iter().find(|x| x.kind == OptionKind::Instalments);
        if let Some(m) = de.instalment_months
            && inst.and_then(|c| c.months) != Some(m)
        {
            fail(format!("{id}: instalment months {m} expected, got {:?}", inst.and_then(|c| c.months)));
        }
        if let Some(a) = de.instalment_affordable
            && inst.and_then(|c| c.affordable) != Some(a)
        {
            fail(format!("{id}: instalments affordable={a} expected, got {:?}", inst.and_then(|c| c.affordable)));
        }
        if let Some(t) = &de.instalment_title_contains
            && !inst.is_some_and(|o| o.title.contains(t.as_str()))
        {
            fail(format!("{id}: instalment title should contain {t:?}, got {:?}", inst.map(|o| &o.title)));
        }
        for t in &de.never_says {
            if let Some(o) = d.options.iter().find(|o| o.title.contains(t.as_str()) || o.detail.contains(t.as_str())) {
                fail(format!("{id}: option {:?} says {t:?}: {} {}", o.kind, o.title, o.detail));
            }
        }
        if let Some(t) = &de.effect_contains
            && !d.options.iter().any(|o| o.limitation_effect.as_deref().is_some_and(|x| x.contains(t.as_str())))
        {
            fail(format!("{id}: no option's limitation effect contains {t:?}"));
        }
        if let Some(c) = &de.creditor
            && &d.creditor != c
        {
            fail(format!("{id}: creditor {c} expected, got {}", d.creditor));
        }
        for w in &de.warnings_contain {
            if !d.warnings.iter().any(|x| x.contains(w.as_str())) {
                fail(format!("{id}: no warning contains {w:?}: {:?}", d.warnings));
            }
        }
    }
    errs
}

#[test]
fn plan_rule_cases_pass() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/rules/plan");
    let mut failures = Vec::new();
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("tests/rules/plan") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        let file: File = toml::from_str(&std::fs::read_to_string(&path).expect("read")).expect("parse");
        for c in &file.case {
            n += 1;
            assert!(!c.decides.is_empty(), "{} names what decides it", c.name);
            for e in check(c) {
                failures.push(format!("{} [{}]: {e}", c.name, c.decides));
            }
        }
    }
    assert!(n >= 11, "only {n} cases found");
    assert!(failures.is_empty(), "{} failure(s):\n{}", failures.len(), failures.join("\n"));
}

/// Every example case plans without error, recommends exactly one option per debt and never
/// puts money towards a time-barred debt.
#[test]
fn every_example_plans() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    for entry in std::fs::read_dir(&dir).expect("examples") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        let src = std::fs::read_to_string(&path).expect("read");
        let p = plan_of(&src, NaiveDate::from_ymd_opt(2026, 11, 24).expect("date"));
        for d in &p.debts {
            assert_eq!(d.options.iter().filter(|o| o.recommended).count(), 1, "{}: {}", path.display(), d.id);
            if d.standing.barred() {
                assert!(d.monthly_share.is_none(), "{}: barred debt {} gets no budget", path.display(), d.id);
            }
        }
        if let Some(f) = p.budget.for_debts {
            let shares: Money = p.debts.iter().filter_map(|d| d.monthly_share).sum();
            assert!(shares <= f, "{}: shares {shares} exceed the budget {f}", path.display());
        }
    }
}

fn two_debts(income: i64, expenses: i64, a: i64, b: i64) -> String {
    format!(
        r#"version = 1
[person]
monthly_income = {income}
essential_expenses = {expenses}
[[debt]]
id = "a"
lender = "甲"
kind = "consumer_finance"
contract_date = 2025-06-01
principal = {a}
rate = "年化12%"
method = "bullet"
periods = 3
[[debt]]
id = "b"
lender = "乙"
kind = "microloan"
contract_date = 2025-07-01
principal = {b}
rate = "年化20%"
method = "bullet"
periods = 6
"#
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// The budget is never overspent, and each instalment plan clears its balance: months ×
    /// monthly ≥ balance, and one month fewer would not. A plan the budget carries fits the
    /// debt's share; one it does not is at the longest term a rule allows (60 months under
    /// 信用卡办法第70条), never longer, and says so.
    #[test]
    fn instalments_clear_the_balance_within_the_budget(
        income in 2_000i64..20_000,
        expenses in 0i64..12_000,
        a in 500i64..60_000,
        b in 500i64..60_000,
    ) {
        let p = plan_of(&two_debts(income, expenses, a, b), NaiveDate::from_ymd_opt(2026, 11, 24).expect("date"));
        let f = p.budget.for_debts.expect("income given");
        prop_assert!(!f.is_negative());
        let shares: Money = p.debts.iter().filter_map(|d| d.monthly_share).sum();
        prop_assert!(shares <= f);
        for d in &p.debts {
            if let Some(o) = d.options.iter().find(|o| o.kind == OptionKind::Instalments)
                && let (Some(m), Some(monthly)) = (o.months, o.monthly)
            {
                let total = Money::from_fen(monthly.fen() * i64::from(m));
                prop_assert!(total >= d.lawful_total, "{} × {} < {}", m, monthly, d.lawful_total);
                prop_assert!(Money::from_fen(monthly.fen() * i64::from(m - 1)) < d.lawful_total);
                // The figures shown add up: (months − 1) × monthly + last = the total, to the fen.
                let last = o.last.expect("a last instalment");
                prop_assert!(last.is_positive() && last <= monthly, "last {} of {}", last, monthly);
                prop_assert_eq!(Money::from_fen(monthly.fen() * i64::from(m - 1)) + last, d.lawful_total);
                prop_assert_eq!(o.total, Some(d.lawful_total));
                prop_assert!(m <= 60, "{} months", m);
                if o.affordable == Some(true) {
                    prop_assert!(monthly <= d.monthly_share.expect("a share"));
                } else {
                    prop_assert_eq!(m, 60);
                    prop_assert!(monthly > d.monthly_share.unwrap_or(Money::ZERO));
                    prop_assert!(o.title.contains("预算撑不起"), "{}", o.title);
                }
            }
        }
    }
}

fn amount(s: &str) -> Money {
    s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn example(name: &str) -> Plan {
    let src = std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples").join(name))
        .expect("example");
    plan_of(&src, NaiveDate::from_ymd_opt(2026, 11, 24).expect("date"))
}

/// The demo case's instalment plan as a reader sees it: "按依法应还的 B 元分 N 期，每月 P 元，最后一期
/// L 元", and on the same line why the last one differs. The figures printed add up to the
/// total printed, in every example.
#[test]
fn instalments_printed_add_up_to_the_total_printed() {
    assert!(instalment_titles(&example("demo.toml")) > 0, "the demo has a plan with a rounding remainder");
    for name in ["credit-card.toml", "private-2019.toml", "microloan-kantouxi.toml", "bank-penalty.toml"] {
        instalment_titles(&example(name));
    }
}

/// Checks every instalment option of `p` (the figures of its title against its total and its
/// detail) and returns how many have a last instalment that differs from the others.
fn instalment_titles(p: &Plan) -> usize {
    let mut with_remainder = 0;
    for d in &p.debts {
        for o in d.options.iter().filter(|o| o.kind == OptionKind::Instalments && o.months.is_some()) {
            let title = &o.title;
            // "…应还的 B 元…分 N 期，每月[也要] P 元[，最后一期 L 元]"
            let total = amount(between(title, "应还的 ", " 元"));
            let n: i64 = between(title, "分 ", " 期").parse().expect("count");
            let each = amount(between(title, "每月", " 元").trim_start_matches("也要"));
            let last = title.contains("最后一期").then(|| amount(between(title, "最后一期 ", " 元")));
            assert_eq!(total, d.lawful_total, "{title}");
            assert_eq!(Some(each), o.monthly, "{title}");
            let shown = Money::from_fen(each.fen() * (n - 1)) + last.unwrap_or(each);
            assert_eq!(shown, total, "{title}: the instalments printed do not make the total printed");
            if let Some(l) = last {
                assert!(l < each, "{title}");
                with_remainder += 1;
                // The reason and the rounding rule, on the same line (the detail follows the title).
                assert!(o.detail.contains("不足一分按一分算"), "{}", o.detail);
                assert!(o.detail.contains(&format!("最后一期只还余下的 {} 元", l.to_grouped_string())), "{}", o.detail);
            }
        }
    }
    with_remainder
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> &'a str {
    let i = s.find(start).unwrap_or_else(|| panic!("{start:?} in {s}")) + start.len();
    let j = s[i..].find(end).unwrap_or_else(|| panic!("{end:?} in {s}")) + i;
    s[i..j].trim()
}

/// The reason given for an unlicensed lender cited 《民间借贷规定》第13条 written by hand; it is
/// now the citation of the law data's rule unlicensed_void, whose claim the sentence makes,
/// stated or presumed.
#[test]
fn an_unlicensed_lender_is_cited_from_the_law_data() {
    let law = yuqi_law::law();
    let rule = law.rule("unlicensed_void").expect("the rule");
    assert!(rule.summary.contains("返还实际收到的本金"), "the claim is the rule's: {}", rule.summary);
    let cited = law.citation_labels_grouped(&rule.cites).join("；");
    let src = "version = 1\n[person]\nmonthly_income = 5000\nessential_expenses = 3000\n[[debt]]\nid = \"u\"\n\
               lender = \"某科技\"\nkind = \"unlicensed\"\ncontract_date = 2026-08-01\nprincipal = 3000\n\
               received = 2100\nmethod = \"bullet\"\nperiod = \"7d\"\nperiods = 1\n";
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 24).expect("date");
    for src in
        [src.to_string(), src.replace("kind = \"unlicensed\"\n", "kind = \"unlicensed\"\nkind_presumed = true\n")]
    {
        let p = plan_of(&src, as_of);
        let reason = p.debts[0].priority_reasons.iter().find(|r| r.contains("放贷资格")).expect("the reason");
        assert!(reason.contains(&format!("依据：{cited}")), "{reason}");
    }
}

/// The planner's case named `prefix` in tests/rules/plan/plan.toml, planned on its as-of date.
fn plan_case_named(prefix: &str) -> Plan {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/rules/plan/plan.toml");
    let file: File = toml::from_str(&std::fs::read_to_string(&path).expect("read")).expect("parse");
    let c = file.case.iter().find(|c| c.name.starts_with(prefix)).unwrap_or_else(|| panic!("{prefix}"));
    plan_of(&c.case, c.as_of.parse().expect("as_of"))
}

/// The plan's 为什么排在这里 said "已有生效判决，拖着不还要加倍付迟延履行期间的利息，还可能被列入
/// 失信名单" and "时效已经届满：你有权拒绝还款" with no citation. Each legal claim is now followed by
/// the law data's citation of the rule that makes it.
#[test]
fn why_here_cites_the_rules_its_claims_rest_on() {
    let law = yuqi_law::law();
    let cited = |rule: &str| law.citation_labels_grouped(&law.rule(rule).expect("rule").cites).join("；");
    let p = plan_case_named("P5 ");
    let judged = p.debts.iter().find(|d| d.id == "judged").expect("judged");
    assert!(judged.why_here.contains("迟延履行期间的利息"), "{}", judged.why_here);
    assert!(
        judged.why_here.contains(&format!("依据：{}；{}", cited("delay_interest"), cited("shixin_conditions"))),
        "{}",
        judged.why_here
    );
    // The debt after it is told why the judgment comes first, with the same citation.
    let cf = p.debts.iter().find(|d| d.id == "cf").expect("cf");
    assert!(cf.why_here.contains(&cited("delay_interest")), "{}", cf.why_here);

    let p = plan_case_named("P4 ");
    let old = p.debts.iter().find(|d| d.id == "old").expect("old");
    assert!(old.why_here.contains(&format!("依据：{}", cited("limitation_expired_effect"))), "{}", old.why_here);
}

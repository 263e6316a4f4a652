//! The interview's answers become a case file the pipeline computes, and unknown answers are
//! said, not invented. The rider of issue 15: a 网络小贷 loan of 10,000 with 1,000 deducted,
//! 12 monthly instalments (945.08 is what 年化23.9% 等额本息 gives), two paid; a consumer-finance
//! loan; a 7-day "714" loan of 3,000 with 2,100 received.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use proptest::prelude::*;
use yuqi_app::interview::{Answers, Q, Step, UNKNOWN, build};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 5).expect("date")
}

/// Answers one screen as the form would.
fn answer(a: &mut Answers, step: Step, fields: &[(&str, &str)]) {
    let form: BTreeMap<String, String> = fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    a.set(step, &form, today()).unwrap_or_else(|e| panic!("{step:?}: {e:?}"));
}

/// The rider's answers (`tests/interview/rider.toml`, shared with the web's tests), screen by
/// screen, each checked to be the one the interview asks next; then no court, no messages.
fn rider() -> Answers {
    let doc: toml::Table =
        toml::from_str(include_str!("../../../tests/interview/rider.toml")).expect("rider.toml parses");
    let mut a = Answers::default();
    for s in doc["screen"].as_array().expect("screens") {
        let slug = s["slug"].as_str().expect("slug");
        let step = Step::parse(slug).expect("a screen");
        assert_eq!(a.next(), step, "the interview asks {slug} next");
        let fields: Vec<(&str, &str)> = s["fields"]
            .as_table()
            .expect("fields")
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str().expect("text")))
            .collect();
        answer(&mut a, step, &fields);
    }
    answer(&mut a, Step::Messages, &[("value", "skipped")]);
    a
}

#[test]
fn the_riders_answers_make_a_case_the_pipeline_computes() {
    let a = rider();
    assert_eq!(a.next(), Step::Review, "every question answered");
    let b = build(&a, "我的网贷", today());
    if std::env::var("SHOW").is_ok() {
        std::fs::write("/tmp/rider.toml", &b.toml).expect("parses");
    }
    let case = yuqi_case::parse_case(&b.toml, "case.toml").unwrap_or_else(|e| panic!("{e}\n{}", b.toml));
    assert_eq!(case.debts.len(), 3);
    let d0 = &case.debts[0];
    assert_eq!(d0.platform.as_deref(), Some("极速贷"));
    assert_eq!(d0.received.to_string(), "9000.00", "what reached the account, not the contract figure");
    assert_eq!(d0.payments.len(), 2, "two instalments paid");
    assert!(b.toml.contains("rate = \"年化23.89"), "the rate the instalments imply, kept for overdue interest");
    // That rate is the interview's arithmetic, not the contract's words, and says so.
    assert_eq!(d0.rate_source, yuqi_case::RateSource::Instalments, "{}", b.toml);
    assert!(case.debts[1..].iter().all(|d| d.rate_source == yuqi_case::RateSource::Contract));
    assert!(d0.payments.iter().all(|p| p.amount.to_string() == "945.08"));
    // The month-only date and the unknowns are said, not silently filled.
    assert!(b.assumptions.iter().any(|s| s.contains("安心花") && s.contains("1日")), "{:?}", b.assumptions);
    assert!(b.gaps.iter().any(|s| s.contains("安心花") && s.contains("利息")), "{:?}", b.gaps);
    assert!(b.gaps.iter().any(|s| s.contains("安心花") && s.contains("催收要多少")), "{:?}", b.gaps);
    assert!(b.assumptions.iter().any(|s| s.contains("闪电借") && s.contains("无资格")), "{:?}", b.assumptions);
    assert_eq!(case.person.monthly_available.map(|m| m.to_string()).as_deref(), Some("500.00"));
    // The whole pipeline runs on it.
    let input = yuqi_app::CaseInput { case, messages: Vec::new(), evidence: None };
    let dates = yuqi_app::Dates::today(today());
    let c = yuqi_app::compute(input, dates).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.audit.debts.len(), 3);
    let a0 = &c.audit.debts[0];
    let understated = a0.findings.iter().find(|f| f.code == "rate_understated").expect("1,000 deducted: a finding");
    assert!(understated.detail.starts_with(yuqi_ledger::apr::INSTALMENT_RATE_ZH), "{understated:?}");
    assert!(!format!("{a0:?}").contains(yuqi_ledger::apr::STATED_RATE_ZH), "{a0:?}");
    assert!(c.plan.budget.for_debts.is_some(), "the borrower's own figure gives the plan a budget");
}

#[test]
fn the_order_of_questions_follows_the_answers() {
    let mut a = Answers::default();
    assert_eq!(a.next(), Step::Debt(0, Q::App), "a new case opens on its first question");
    answer(&mut a, Step::Debt(0, Q::App), &[("value", "某App")]);
    for (q, v) in
        [(Q::Kind, "app"), (Q::Lender, UNKNOWN), (Q::Date, "2025-01-01"), (Q::Principal, "1000"), (Q::Received, "1000")]
    {
        let f: &[(&str, &str)] = if v == UNKNOWN { &[("unknown", "1")] } else { &[("value", v)] };
        answer(&mut a, Step::Debt(0, q), f);
    }
    answer(&mut a, Step::Debt(0, Q::Repay), &[("value", "once")]);
    assert_eq!(a.next(), Step::Debt(0, Q::Once));
    answer(&mut a, Step::Debt(0, Q::Once), &[("days", "14"), ("due_amount", "")]);
    assert_eq!(a.next(), Step::Debt(0, Q::Rate), "the rate is asked only when the amount due is not known");
    assert_eq!(a.previous(Step::Debt(0, Q::Rate)), Some(Step::Debt(0, Q::Once)));
    let (part, at, of) = a.stage(Step::Debt(0, Q::Rate));
    assert!(part == "第1笔借款" && at > 1 && at < of, "{part} {at}/{of}");
}

#[test]
fn impossible_answers_are_refused_in_chinese_and_nothing_is_set() {
    let mut a = rider();
    let before = a.clone();
    let form = |k: &str, v: &str| -> BTreeMap<String, String> { [(k.to_string(), v.to_string())].into() };
    let e = a.set(Step::Debt(0, Q::Received), &form("value", "12000"), today()).unwrap_err();
    assert!(e[0].contains("比合同金额"), "{e:?}");
    let e = a.set(Step::Debt(0, Q::Date), &form("value", "2027-01-01"), today()).unwrap_err();
    assert!(e[0].contains("还没到"), "{e:?}");
    let e = a.set(Step::Debt(0, Q::Principal), &form("value", "一万块"), today()).unwrap_err();
    assert!(e[0].contains("金额"), "{e:?}");
    let mut f = form("amount", "100");
    f.insert("count".into(), "12".into());
    let e = a.set(Step::Debt(0, Q::Installments), &f, today()).unwrap_err();
    assert!(e[0].contains("还不到借款金额"), "{e:?}");
    let e = a.set(Step::Debt(0, Q::Paid), &form("value", "13"), today()).unwrap_err();
    assert!(e[0].contains("0 到 12"), "{e:?}");
    assert_eq!(a, before, "a refused answer changes nothing");
}

#[test]
fn a_debt_without_a_date_is_left_out_and_said() {
    let mut a = Answers::default();
    answer(&mut a, Step::Debt(0, Q::App), &[("value", "某App")]);
    answer(&mut a, Step::Debt(0, Q::Date), &[("unknown", "1")]);
    let b = build(&a, "案", today());
    assert!(!b.toml.contains("[[debt]]"));
    assert!(b.gaps.iter().any(|g| g.contains("不记得哪天借的")), "{:?}", b.gaps);
}

#[test]
fn words_with_quotes_stay_inside_the_case_file() {
    let mut a = Answers::default();
    answer(&mut a, Step::Debt(0, Q::App), &[("value", "say \"hi\" \\ [[debt]]")]);
    answer(&mut a, Step::Debt(0, Q::Date), &[("value", "2025-01-01")]);
    answer(&mut a, Step::Debt(0, Q::Principal), &[("value", "1000")]);
    let b = build(&a, "题\"目", today());
    let case = yuqi_case::parse_case(&b.toml, "case.toml").unwrap_or_else(|e| panic!("{e}\n{}", b.toml));
    assert_eq!(case.debts[0].platform.as_deref(), Some("say \"hi\" \\ [[debt]]"));
}

proptest! {
    /// Instalments remembered as "A a month for n months" become a schedule that repays exactly
    /// the principal, each row being the instalment (the last within n fen of it).
    #[test]
    fn remembered_instalments_repay_the_principal(p in 100_000i64..5_000_000, n in 1u32..36, markup in 0i64..40) {
        let base = (p + i64::from(n) - 1) / i64::from(n);
        let amount = base + base * markup / 100;
        let mut a = Answers::default();
        let s = |m: i64| format!("{}.{:02}", m / 100, m % 100);
        answer(&mut a, Step::Debt(0, Q::Date), &[("value", "2025-01-15")]);
        answer(&mut a, Step::Debt(0, Q::Principal), &[("value", &s(p))]);
        answer(&mut a, Step::Debt(0, Q::Repay), &[("value", "installments")]);
        answer(&mut a, Step::Debt(0, Q::Installments), &[("amount", &s(amount)), ("count", &n.to_string())]);
        let b = build(&a, "案", today());
        let case = yuqi_case::parse_case(&b.toml, "case.toml").expect("parses");
        let rows = match &case.debts[0].repayment {
            yuqi_case::Repayment::Explicit(rows) => rows.clone(),
            other => panic!("{other:?}"),
        };
        prop_assert_eq!(rows.len(), n as usize);
        prop_assert_eq!(rows.iter().map(|r| r.principal.fen()).sum::<i64>(), p);
        for (k, r) in rows.iter().enumerate() {
            let total = (r.principal + r.interest).fen();
            let tol = if k + 1 == rows.len() { i64::from(n) } else { 0 };
            prop_assert!((total - amount).abs() <= tol, "row {} totals {} not {}", k, total, amount);
        }
    }
}

/// The review repeated the unit: "每期还（元）：945.08 元". A money answer says 元 once.
#[test]
fn the_review_says_the_unit_of_money_once() {
    let lines: Vec<String> = rider().review().into_iter().map(|(_, _, shown)| shown).collect();
    let all = lines.join("\n");
    assert!(all.contains("945.08 元"), "{all}");
    assert!(!all.contains("（元）："), "{all}");
    // Nor when he typed the unit himself: "5000元" showed as "5000元 元".
    let mut a = Answers::default();
    answer(&mut a, Step::Debt(0, Q::App), &[("value", "速借宝")]);
    answer(&mut a, Step::Debt(0, Q::Principal), &[("value", "5000元")]);
    answer(&mut a, Step::Debt(0, Q::Received), &[("value", "4200块")]);
    let all: Vec<String> = a.review().into_iter().map(|(_, _, shown)| shown).collect();
    assert!(all.contains(&"5000 元".to_string()) && all.contains(&"4200 元".to_string()), "{all:?}");
}

/// A newcomer's own case (no notes in it) with pasted threats: the overview's "现在先做这几件事"
/// said nothing about them, while the demo, whose case file carries notes, did. Rule-breaking
/// messages now bring the conduct step, after tonight's and the verification step.
#[test]
fn threatening_messages_bring_the_complaint_step() {
    let b = build(&rider(), "我的网贷", today());
    let case = || yuqi_case::parse_case(&b.toml, "case.toml").unwrap_or_else(|e| panic!("{e}"));
    let dates = yuqi_app::Dates::today(today());
    let steps = |messages: Vec<yuqi_conduct::Message<'static>>| {
        let c = yuqi_app::compute(yuqi_app::CaseInput { case: case(), evidence: None, messages }, dates)
            .unwrap_or_else(|e| panic!("{e}"));
        c.plan.steps.iter().map(|s| s.title.clone()).collect::<Vec<_>>()
    };
    let quiet = steps(Vec::new());
    assert!(!quiet.iter().any(|t| t.starts_with("违规催收")), "{quiet:?}");
    let threat = yuqi_conduct::Message {
        text: "再不还钱就去你老家走访，让你爸妈看看他们养了个什么老赖。".into(),
        time: Some("2026-12-04T23:40:00+08:00".into()),
        from: Some("17100001111".into()),
        ..Default::default()
    };
    let loud = steps(vec![threat]);
    let at = loud.iter().position(|t| t.starts_with("违规催收")).unwrap_or_else(|| panic!("{loud:?}"));
    assert!(loud[..at].iter().all(|t| t.starts_with("今晚") || t == "要求核实债务"), "{loud:?}");
    assert_eq!(loud.len(), quiet.len() + 1, "{loud:?}");
}

/// The interview asks how much the collector demands, not who he is. It used to write the
/// demand as made by "催收", which the timeline read as a party other than the lender ("最近一次
/// 催收来自 催收，而不是合同上的 极速贷的出借方": a new creditor guessed from nothing) and the
/// verification letter addressed as "案例文件记录为“催收”". No name is invented now.
#[test]
fn the_demand_is_not_signed_by_an_invented_collector() {
    let b = build(&rider(), "我的网贷", today());
    assert!(!b.toml.contains("by = \"催收\""), "{}", b.toml);
    let case = yuqi_case::parse_case(&b.toml, "case.toml").unwrap_or_else(|e| panic!("{e}"));
    let c = yuqi_app::compute(
        yuqi_app::CaseInput { case, evidence: None, messages: Vec::new() },
        yuqi_app::Dates::today(today()),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    for t in &c.timeline.debts {
        let why: Vec<&str> = t.why_now.iter().map(|r| r.title.as_str()).collect();
        assert!(!why.iter().any(|w| w.contains("换了一家机构")), "{why:?}");
    }
    let letter = yuqi_docs::letter(
        yuqi_docs::LetterKind::Verification,
        &c.inputs(),
        &yuqi_docs::LetterOptions { debt: Some("debt1".into()), accept_limitation_effect: false },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let text = letter.plain_text();
    assert!(!text.contains("“催收”"), "{text}");
}

/// He could not name the lender ("合同上的出借方叫什么？" 不记得): the interview calls it "极速贷的
/// 出借方" to have a name, and every letter quoted that stand-in as what he recorded — "＿＿＿＿
/// （对方公司全称；案例文件记录为“极速贷的出借方”）". The letters leave a plain blank for it.
#[test]
fn letters_leave_an_unknown_lender_blank_instead_of_quoting_the_stand_in() {
    let b = build(&rider(), "我的网贷", today());
    let case = yuqi_case::parse_case(&b.toml, "case.toml").unwrap_or_else(|e| panic!("{e}"));
    assert!(yuqi_case::is_stand_in_lender(&case.debts[0].lender), "{}", case.debts[0].lender);
    let c = yuqi_app::compute(
        yuqi_app::CaseInput { case, evidence: None, messages: Vec::new() },
        yuqi_app::Dates::today(today()),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut written = 0;
    for kind in yuqi_docs::LetterKind::ALL {
        let opts = yuqi_docs::LetterOptions { debt: Some("debt1".into()), accept_limitation_effect: true };
        let Ok(letter) = yuqi_docs::letter(kind, &c.inputs(), &opts) else { continue };
        written += 1;
        let text = letter.plain_text();
        assert!(!text.contains("极速贷的出借方"), "{}: {text}", kind.id());
        assert!(
            text.contains("对方公司全称") || text.contains("出借机构全称"),
            "{}: a blank for the lender: {text}",
            kind.id()
        );
    }
    assert!(written >= 3, "letters for the first loan");
}

/// A count typed with its unit, as a phone keyboard makes it natural ("12期", "3 期"), is the
/// number: "12期" for 一共几期 was refused as not a whole number.
#[test]
fn a_count_may_carry_its_unit() {
    let mut a = Answers::default();
    for (step, fields) in [
        (Q::App, vec![("value", "速借宝")]),
        (Q::Kind, vec![("value", "app")]),
        (Q::Lender, vec![("unknown", "1")]),
        (Q::Date, vec![("value", "2024-11-15")]),
        (Q::Principal, vec![("value", "5000")]),
        (Q::Received, vec![("value", "4200")]),
        (Q::Repay, vec![("value", "installments")]),
        (Q::Installments, vec![("amount", "520"), ("count", "12期"), ("period", "month")]),
        (Q::Paid, vec![("value", "3 期")]),
    ] {
        answer(&mut a, Step::Debt(0, step), &fields);
    }
    let b = build(&a, "我的网贷", today());
    let case = yuqi_case::parse_case(&b.toml, "case.toml").unwrap_or_else(|e| panic!("{e}\n{}", b.toml));
    assert_eq!(b.toml.matches("[[debt.schedule]]").count(), 12, "{}", b.toml);
    assert_eq!(case.debts[0].payments.len(), 3, "{}", b.toml);
}

/// The interview records only the demand he answered about today, so "why now" found a year of
/// silence and stated it as a fact ("2025-09-10 之后 451 天没有往来，…突然又来催收") although he
/// was never asked about the calls in between. It now says it reads his records.
#[test]
fn a_silence_in_the_records_is_not_stated_as_a_fact() {
    let b = build(&rider(), "我的网贷", today());
    let case = yuqi_case::parse_case(&b.toml, "case.toml").unwrap_or_else(|e| panic!("{e}"));
    let c = yuqi_app::compute(
        yuqi_app::CaseInput { case, evidence: None, messages: Vec::new() },
        yuqi_app::Dates::today(today()),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let dormant: Vec<String> = c
        .timeline
        .debts
        .iter()
        .flat_map(|t| t.why_now.iter())
        .filter(|r| r.code == "dormant_reactivated")
        .flat_map(|r| r.evidence.iter().cloned())
        .collect();
    assert!(!dormant.is_empty(), "the rider's first loan: a demand long after his last payment");
    for e in &dormant {
        assert!(e.starts_with("你记下的往来里") && !e.contains("突然"), "{e}");
    }
}

//! A credit card in the interview is asked what a cardholder knows and computed as the card debt
//! it is. The borrower of `tests/interview/cardholder.toml`: the rider's three loans and a card
//! of 招商银行 with 15,000 owed in the bank's app, minimum payments missed since September 2026.
//! Asked the loan questions, he gave the month he got the card (2024-03) as the day he
//! "borrowed": the tool then computed 15,000 lent in March 2024 and never repaid (22,585.62
//! 依法应还) and a limitation period ending 2027-04-01, when the bank has until 2029.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use yuqi_app::interview::{Answers, Built, Q, Step, build};
use yuqi_money::Money;
use yuqi_plan::OptionKind;
use yuqi_timeline::limitation::Status;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 5).expect("date")
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

/// Answers one screen as the form would.
fn answer(a: &mut Answers, step: Step, fields: &[(&str, &str)]) {
    let form: BTreeMap<String, String> = fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    a.set(step, &form, today()).unwrap_or_else(|e| panic!("{step:?}: {e:?}"));
}

/// The cardholder's answers, screen by screen, each checked to be the one the interview asks
/// next; `change` replaces a screen's fields (by its address).
fn cardholder(change: &[(&str, &[(&str, &str)])]) -> Answers {
    let doc: toml::Table =
        toml::from_str(include_str!("../../../tests/interview/cardholder.toml")).expect("cardholder.toml parses");
    let mut a = Answers::default();
    for s in doc["screen"].as_array().expect("screens") {
        let slug = s["slug"].as_str().expect("slug");
        let step = Step::parse(slug).expect("a screen");
        assert_eq!(a.next(), step, "the interview asks {slug} next");
        let fields: Vec<(&str, &str)> = match change.iter().find(|(at, _)| *at == slug) {
            Some((_, f)) => f.to_vec(),
            None => s["fields"]
                .as_table()
                .expect("fields")
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str().expect("text")))
                .collect(),
        };
        answer(&mut a, step, &fields);
    }
    answer(&mut a, Step::Messages, &[("value", "skipped")]);
    assert_eq!(a.next(), Step::Review, "every question answered");
    a
}

fn compute(b: &Built) -> yuqi_app::Computed {
    let case = yuqi_case::parse_case(&b.toml, "case.toml").unwrap_or_else(|e| panic!("{e}\n{}", b.toml));
    let input = yuqi_app::CaseInput { case, messages: Vec::new(), evidence: None };
    yuqi_app::compute(input, yuqi_app::Dates::today(today())).unwrap_or_else(|e| panic!("{e}\n{}", b.toml))
}

const CARD: usize = 3;

#[test]
fn a_card_is_asked_what_a_cardholder_knows() {
    let a = cardholder(&[]);
    let titles: Vec<String> =
        a.steps().into_iter().filter(|s| matches!(s, Step::Debt(CARD, _))).map(|s| a.question(s).title).collect();
    let all = titles.join(" | ");
    assert!(all.contains("现在一共欠多少"), "the balance is asked: {all}");
    assert!(all.contains("没还上这张卡"), "the missed due date is asked: {all}");
    assert!(all.contains("还过钱吗"), "the last payment is asked: {all}");
    for loan in ["哪天借的", "借了多少钱", "打到你银行卡上", "怎么还的"] {
        assert!(!all.contains(loan), "a loan question is not asked about a card ({loan}): {all}");
    }
    // The review shows the card's own answers, and "没还过" for the empty last-payment screen.
    let review: Vec<String> = a
        .review()
        .into_iter()
        .filter(|(s, ..)| matches!(s, Step::Debt(CARD, _)))
        .map(|(_, q, v)| format!("{q}={v}"))
        .collect();
    assert!(review.iter().any(|l| l.contains("15000 元")), "{review:?}");
    assert!(review.iter().any(|l| l.ends_with("=没还过")), "{review:?}");
}

#[test]
fn the_card_is_computed_from_its_balance_and_the_missed_due_date() {
    // He first took the card for a loan (手机App), gave the month he got it and the balance as
    // the amount, then changed the kind to 信用卡: what he typed for the loan is not used.
    let mut a = cardholder(&[]);
    let kind = a.debts[CARD].kind.clone();
    a.debts[CARD].kind = Some("app".into());
    answer(&mut a, Step::Debt(CARD, Q::Date), &[("value", "2024-03")]);
    answer(&mut a, Step::Debt(CARD, Q::Principal), &[("value", "15000")]);
    a.debts[CARD].kind = kind;
    let b = build(&a, "我的借款", today());
    if std::env::var("SHOW").is_ok() {
        std::fs::write("/tmp/cardholder.toml", &b.toml).expect("written");
    }
    let c = compute(&b);

    // In the case, in the totals and in the plan.
    assert_eq!(c.case.debts.len(), 4, "{}", b.toml);
    let card = &c.case.debts[CARD];
    assert_eq!(card.kind, yuqi_case::LenderKind::CreditCard);
    assert_eq!(card.lender, "招商银行");
    assert_ne!(card.contract_date, day(2024, 3, 1), "the month he got the card is not a loan date");
    let audit = c.audit.debts.iter().find(|d| d.id == card.id).expect("the card is audited");
    let fifteen = Money::from_yuan(15_000);
    // The balance is what the bank's app shows today, not 15,000 lent in 2024 with interest
    // since (22,585.62).
    assert_eq!(audit.supported_total, fifteen, "{}", b.toml);
    let others: Money = c.audit.debts.iter().filter(|d| d.id != card.id).map(|d| d.supported_total).sum();
    assert_eq!(c.audit.totals.supported_total, others + fifteen, "the card is in the total");
    let plan = c.plan.debts.iter().find(|d| d.id == card.id).expect("the card is in the plan");
    assert_eq!(plan.lawful_total, fifteen);
    assert!(plan.monthly_share.is_some_and(|m| m.is_positive()), "the card gets a share of the budget: {plan:?}");
    assert!(plan.options.iter().any(|o| o.kind == OptionKind::CardPersonalised), "{:?}", plan.options);

    // The limitation period runs from the missed due date: September 2026 taken as its last
    // day (never earlier than the real one), three years to 2029 — not from a due date a month
    // after he got the card (2027-04-01).
    let tl = c.timeline.debts.iter().find(|d| d.id == card.id).expect("the card's timeline");
    assert_eq!(tl.limitation.start, Some(day(2026, 9, 30)), "{:?}", tl.limitation);
    // Three years to 2029-09-30 (a Sunday, so the last day moves to the Monday).
    assert_eq!(tl.limitation.expiry.as_ref().map(|e| e.raw), Some(day(2029, 9, 30)), "{:?}", tl.limitation);
    assert!(matches!(tl.limitation.status, Status::Running { .. }), "{:?}", tl.limitation.status);
    assert!(
        b.assumptions.iter().any(|s| s.contains("招商银行") && s.contains("最后一天") && s.contains("2026年9月30日")),
        "the day assumed for the month is said: {:?}",
        b.assumptions
    );

    // 停息挂账 for a card is what the card rules say, not "非信用卡".
    let suspend = plan.options.iter().find(|o| o.kind == OptionKind::InterestSuspension).expect("停息挂账");
    assert!(!suspend.detail.contains("非信用卡"), "{}", suspend.detail);
    assert!(suspend.detail.contains("个性化分期") && suspend.detail.contains("第70条"), "{}", suspend.detail);
    // The loans keep the general wording, which no longer speaks of cards.
    let loan_suspend = c.plan.debts[0..]
        .iter()
        .filter(|d| d.id != card.id)
        .flat_map(|d| &d.options)
        .find(|o| o.kind == OptionKind::InterestSuspension);
    if let Some(o) = loan_suspend {
        assert!(!o.detail.contains("信用卡"), "{}", o.detail);
    }
}

#[test]
fn a_payment_after_the_default_starts_the_period_again() {
    let a = cardholder(&[("d3-last-paid", &[("date", "2026-10-20"), ("amount", "500")])]);
    let b = build(&a, "我的借款", today());
    let c = compute(&b);
    let tl = c.timeline.debts.iter().find(|d| d.id == c.case.debts[CARD].id).expect("the card");
    assert_eq!(tl.limitation.expiry.as_ref().map(|e| e.raw), Some(day(2029, 10, 20)), "{:?}", tl.limitation);
    // A month alone is its last day: the period never ends before the real one.
    let a = cardholder(&[("d3-last-paid", &[("date", "2026-10"), ("amount", "500")])]);
    let c = compute(&build(&a, "我的借款", today()));
    let tl = c.timeline.debts.iter().find(|d| d.id == c.case.debts[CARD].id).expect("the card");
    assert_eq!(tl.limitation.expiry.as_ref().map(|e| e.raw), Some(day(2029, 10, 31)), "{:?}", tl.limitation);
    // Paid before the balance was read: already in it.
    let audit = &c.audit.debts[CARD];
    assert_eq!(audit.supported_total, Money::from_yuan(15_000));
}

#[test]
fn an_unknown_balance_keeps_the_card_with_a_note_and_the_others_right() {
    let full = build(&cardholder(&[]), "我的借款", today());
    let a = cardholder(&[("d3-balance", &[("unknown", "1")])]);
    assert_eq!(a.debts.len(), 4, "the card stays among his debts");
    let b = build(&a, "我的借款", today());
    let note = b.gaps.iter().find(|g| g.contains("第4笔借款（招商银行）")).unwrap_or_else(|| panic!("{:?}", b.gaps));
    for want in ["不知道现在欠多少", "还没有算进", "账单", "修改回答"] {
        assert!(note.contains(want), "the note says {want}: {note}");
    }
    // The review still lists the card and its answers.
    assert!(a.review().iter().any(|(s, _, v)| *s == Step::Debt(CARD, Q::Balance) && v == "不记得"));
    // The other three debts compute exactly as they do beside the card.
    let (with, without) = (compute(&full), compute(&b));
    assert_eq!(without.case.debts.len(), 3);
    // In the case file, as a debt whose balance is unknown, not dropped: the overview's
    // summary and the plan (the sections the web overview shows) say so plainly.
    let u = &without.case.unknown_balance;
    assert_eq!(u.len(), 1, "{}", b.toml);
    assert_eq!((u[0].lender.as_str(), u[0].kind), ("招商银行", yuqi_case::LenderKind::CreditCard));
    let inputs = without.inputs();
    for section in [yuqi_docs::Section::Summary, yuqi_docs::Section::Plan] {
        let text =
            yuqi_docs::sections::document("t", "t".into(), &inputs, &[section], &yuqi_docs::SectionOptions::FULL)
                .plain_text();
        assert!(
            text.contains("还不知道欠多少的 1 笔：招商银行的信用卡") && text.contains("没有算进欠款合计和还款方案"),
            "{section:?}: {text}"
        );
    }
    // The count in the summary's table says it counts only what is in the totals (four debts, "3").
    let summary = yuqi_docs::sections::document(
        "t",
        "t".into(),
        &inputs,
        &[yuqi_docs::Section::Summary],
        &yuqi_docs::SectionOptions::FULL,
    )
    .plain_text();
    assert!(summary.contains("已算进合计的借款笔数"), "{summary}");
    // A demand cannot be judged against a total that leaves a debt out.
    assert_eq!(without.conduct_context().supported_total, None);
    assert!(with.conduct_context().supported_total.is_some());
    for d in &without.audit.debts {
        let same = with.audit.debts.iter().find(|x| x.id == d.id).expect("the same debt");
        assert_eq!(d.supported_total, same.supported_total, "{}", d.id);
    }
}

#[test]
fn an_unknown_missed_date_never_makes_the_period_end_earlier() {
    let a = cardholder(&[("d3-stopped", &[("unknown", "1")])]);
    let b = build(&a, "我的借款", today());
    let c = compute(&b);
    let tl = c.timeline.debts.iter().find(|d| d.id == c.case.debts[CARD].id).expect("the card");
    assert_eq!(tl.limitation.start, Some(today()), "from the day the balance was given: {:?}", tl.limitation);
    assert!(b.gaps.iter().any(|g| g.contains("招商银行") && g.contains("到期还款日")), "{:?}", b.gaps);
}

#[test]
fn the_letters_name_the_card_by_what_he_gave_not_by_a_stand_in_date() {
    // A card has no contract date: the case file's (a month before the missed due date) is only
    // a stand-in, and a letter that printed it (自2026年8月30日起透支) stated a day he never gave.
    let b = build(&cardholder(&[]), "我的借款", today());
    let c = compute(&b);
    let card = &c.case.debts[CARD];
    let stand_in = yuqi_docs::facts::date_zh(card.contract_date);
    let inputs = c.inputs();
    let mut seen = 0;
    for kind in yuqi_docs::LetterKind::ALL {
        let opts = yuqi_docs::LetterOptions { debt: Some(card.id.clone()), accept_limitation_effect: true };
        let Ok(doc) = yuqi_docs::letter(kind, &inputs, &opts) else { continue };
        let text = doc.plain_text();
        assert!(!text.contains(&stand_in), "{}: {stand_in} is no date he gave:\n{text}", kind.id());
        if text.contains("申领的信用卡") {
            // What he gave instead: the balance the bank's app showed on the day he said it.
            assert!(text.contains("截至2026年12月5日欠款15,000.00元"), "{}:\n{text}", kind.id());
            seen += 1;
        }
    }
    assert!(seen >= 2, "the card is described in the letters that name the loan");
    // The exhibit, which goes to court as the letters do, does not call the stand-in a contract date.
    let ex = yuqi_docs::exhibit::exhibit(&inputs);
    let d = ex.debts.iter().find(|d| d.id == card.id).expect("the card in the exhibit");
    assert_eq!(d.contract_date_name, "计算起点（信用卡没有单笔借款日期）");
    let doc = yuqi_docs::exhibit::exhibit_doc(&inputs).plain_text();
    assert!(!doc.contains(&format!("合同日期 {}", card.contract_date)), "{doc}");
}

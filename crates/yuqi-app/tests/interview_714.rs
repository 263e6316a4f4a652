//! The newcomer of `tests/interview/loan714.toml`: a 7-day "714" loan of 1,700 on the contract
//! with 1,100 received, rolled over three times for a 展期费 each time, then overdue. What he
//! reads — the dossier (the overview's sections, the audit, the timeline, the plan) and every
//! letter — must agree with what he answered.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use yuqi_app::interview::{Answers, Built, Step, build};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 5).expect("date")
}

/// His answers, screen by screen, each checked to be the one the interview asks next;
/// `change` replaces a screen's fields (by its address).
fn newcomer(change: &[(&str, &[(&str, &str)])]) -> Answers {
    let doc: toml::Table =
        toml::from_str(include_str!("../../../tests/interview/loan714.toml")).expect("loan714.toml parses");
    let mut a = Answers::default();
    for s in doc["screen"].as_array().expect("screens") {
        let slug = s["slug"].as_str().expect("slug");
        let step = Step::parse(slug).expect("a screen");
        assert_eq!(a.next(), step, "the interview asks {slug} next");
        let fields: BTreeMap<String, String> = match change.iter().find(|(at, _)| *at == slug) {
            Some((_, f)) => f.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            None => s["fields"]
                .as_table()
                .expect("fields")
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().expect("text").to_string()))
                .collect(),
        };
        a.set(step, &fields, today()).unwrap_or_else(|e| panic!("{slug}: {e:?}"));
    }
    a.set(Step::Messages, &[("value".to_string(), "skipped".to_string())].into(), today()).expect("messages");
    assert_eq!(a.next(), Step::Review, "every question answered");
    a
}

fn compute(b: &Built) -> yuqi_app::Computed {
    let case = yuqi_case::parse_case(&b.toml, "case.toml").unwrap_or_else(|e| panic!("{e}\n{}", b.toml));
    let input = yuqi_app::CaseInput { case, messages: Vec::new(), evidence: None };
    yuqi_app::compute(input, yuqi_app::Dates::today(today())).unwrap_or_else(|e| panic!("{e}\n{}", b.toml))
}

/// Everything he reads about the case: the overview's notes, the dossier and every letter
/// that can be written for the loan.
fn everything(b: &Built, c: &yuqi_app::Computed) -> String {
    let mut out = b.assumptions.join("\n");
    out.push('\n');
    out.push_str(&b.gaps.join("\n"));
    out.push('\n');
    out.push_str(&yuqi_docs::dossier::dossier(&c.inputs()).plain_text());
    for kind in yuqi_docs::LetterKind::ALL {
        let opts = yuqi_docs::LetterOptions { debt: Some("debt1".into()), accept_limitation_effect: true };
        if let Ok(letter) = yuqi_docs::letter(kind, &c.inputs(), &opts) {
            out.push_str(&format!("\n=== {}\n{}", kind.id(), letter.plain_text()));
        }
    }
    out
}

/// Every figure the text gives as what reached him ("实际到手 1,100.00 元", "实际到手的本金
/// 1,100.00 元"), as written.
fn received_figures(text: &str) -> Vec<String> {
    text.match_indices("到手")
        .filter_map(|(at, m)| {
            let rest = &text[at + m.len()..];
            let rest = ["的本金", "本金", "金额", "的"].iter().find_map(|p| rest.strip_prefix(p)).unwrap_or(rest);
            let rest = rest.trim_start_matches([' ', '：']);
            let n: String = rest.chars().take_while(|c| c.is_ascii_digit() || *c == ',' || *c == '.').collect();
            (!n.is_empty()).then_some(n)
        })
        .collect()
}

/// He received 1,100 of the 1,700 on the contract. The plan called what was left of it after
/// his payments "实际到手的本金" too ("一次性结清：最多只还实际到手的本金 200.00 元") while the
/// audit, the letters and the other options said 1,100: every figure given as received is 1,100.
#[test]
fn every_figure_given_as_received_is_what_he_received() {
    let b = build(&newcomer(&[]), "我的网贷", today());
    let c = compute(&b);
    let text = everything(&b, &c);
    let figures = received_figures(&text);
    assert!(figures.len() >= 3, "{figures:?}\n{text}");
    for f in &figures {
        assert!(f.trim_end_matches('.') == "1,100.00", "a figure given as received: {f}\n{text}");
    }
    // The contract's 1,700, where it is given as the amount lent, is the contract's figure (a
    // table cell is under its column's heading, 合同本金; 1,700 is also the amount due).
    for (at, _) in text.match_indices("1,700.00") {
        let before: String = text[..at].chars().rev().take(12).collect::<Vec<_>>().into_iter().rev().collect();
        let as_principal = before.contains("本金") || before.contains("借款");
        assert!(
            before.ends_with('\t') || !as_principal || before.contains("合同"),
            "1,700.00 not labelled as the contract's: …{before}1,700.00\n{text}"
        );
    }
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

/// He rolled the 7-day loan over three times, paying a 展期费 of 300 each time, and stopped
/// paying on the last extended due date, 2026-09-29. The interview never asked: his 900 went
/// in as one payment on the original due date (09-08), the loan was due and overdue from 09-08
/// and the limitation period ran from there. It now asks, and the fees are payments on their
/// days (applied as the ledger applies any payment), the loan due on the day he stated.
#[test]
fn rollovers_move_the_due_date_and_their_fees_count_as_paid() {
    let b = build(&newcomer(&[]), "我的网贷", today());
    let case = yuqi_case::parse_case(&b.toml, "case.toml").unwrap_or_else(|e| panic!("{e}\n{}", b.toml));
    let paid: Vec<(NaiveDate, String)> =
        case.debts[0].payments.iter().map(|p| (p.date, p.amount.to_string())).collect();
    let fee = "300.00".to_string();
    assert_eq!(
        paid,
        vec![(day(2026, 9, 8), fee.clone()), (day(2026, 9, 15), fee.clone()), (day(2026, 9, 22), fee)],
        "{}",
        b.toml
    );
    let c = compute(&b);
    let a = &c.audit.debts[0];
    assert_eq!(a.paid_total.to_string(), "900.00");
    assert_eq!(a.schedule_contract.last().map(|i| i.due), Some(day(2026, 9, 29)), "due on the last extended day");
    let t = &c.timeline.debts[0];
    assert_eq!(t.limitation.start, Some(day(2026, 9, 29)), "{:?}", t.limitation);
    // Said, with what the law data does not have.
    let said = b.assumptions.join("\n");
    assert!(said.contains("展期了 3 次") && said.contains("2026-09-29") && said.contains("300.00"), "{said}");
    assert!(said.contains("法律资料里没有专门关于展期费的规定"), "{said}");

    // 不记得 the day he stopped: the due date moved a week each time, and said so.
    let b = build(&newcomer(&[("d0-stopped", &[("unknown", "1")])]), "我的网贷", today());
    let c = compute(&b);
    assert_eq!(c.timeline.debts[0].limitation.start, Some(day(2026, 9, 29)));
    assert!(
        b.assumptions.iter().any(|s| s.contains("不记得哪天开始没还上") && s.contains("7 天")),
        "{:?}",
        b.assumptions
    );

    // 不记得 the rollovers: the original due date, said; the 900 still counts as paid.
    let b = build(&newcomer(&[("d0-rollover", &[("unknown", "1")])]), "我的网贷", today());
    let c = compute(&b);
    assert_eq!(c.audit.debts[0].paid_total.to_string(), "900.00");
    assert_eq!(c.timeline.debts[0].limitation.start, Some(day(2026, 9, 8)));
    assert!(
        b.assumptions.iter().any(|s| s.contains("不记得展期过几次") && s.contains("2026-09-08")),
        "{:?}",
        b.assumptions
    );
}

/// He cannot have paid less than the 展期费 he listed: refused on the screen, in Chinese.
#[test]
fn paid_less_than_the_rollover_fees_is_refused() {
    let mut a = Answers::default();
    let mut all = newcomer(&[]);
    all.debts[0].paid = None;
    a.clone_from(&all);
    let form: BTreeMap<String, String> = [("value".to_string(), "500".to_string())].into();
    let e = a.set(Step::parse("d0-paid").expect("step"), &form, today()).unwrap_err();
    assert!(e[0].contains("至少是 900.00 元"), "{e:?}");
    assert_eq!(a, all, "nothing set");
}

/// The check ran only on the 已还 screen: after paying 900 for three rollovers of 300, going
/// back to the rollover screen and saying five times (1,500 in fees) was taken, and the case
/// counted 1,500 paid. It runs on every change, names the field, and sets nothing.
#[test]
fn the_rollover_fees_are_checked_against_what_he_paid_whichever_screen_changes() {
    let all = newcomer(&[]);
    let rollover = Step::parse("d0-rollover").expect("step");
    let form = |n: &str, fee: &str| -> BTreeMap<String, String> {
        [("count".to_string(), n.to_string()), ("fee".to_string(), fee.to_string())].into()
    };
    let mut a = all.clone();
    let e = a.set(rollover, &form("5", "300"), today()).unwrap_err();
    assert!(e.iter().any(|e| e.starts_with("已经还过的钱：") && e.contains("至少是 1,500.00 元")), "{e:?}");
    assert_eq!(a, all, "nothing set");
    let e = a.set(rollover, &form("3", "400"), today()).unwrap_err();
    assert!(e.iter().any(|e| e.contains("至少是 1,200.00 元")), "{e:?}");
    // Within what he paid: taken.
    a.set(rollover, &form("2", "450"), today()).expect("900 covers 2 × 450");
    // With the fee not remembered, nothing paid cannot be: he paid a fee to roll over.
    let mut a = newcomer(&[("d0-rollover", &[("count", "3"), ("fee", "")])]);
    let e = a.set(Step::parse("d0-paid").expect("step"), &[("value".to_string(), "0".to_string())].into(), today());
    assert!(e.is_err_and(|e| e[0].starts_with("已经还过的钱：") && e[0].contains("不会是 0")), "{a:?}");
    // A screen that has nothing to do with it is not refused for it, nor for an old
    // disagreement he has not fixed yet.
    a.debts[0].paid = Some("0".to_string());
    a.set(Step::parse("d0-app").expect("step"), &[("value".to_string(), "快来钱2".to_string())].into(), today())
        .expect("the app's name");
}

/// He picked 7天、14天就要还的短期App（“714”“高炮”）: that the lender has no licence is the
/// interview's guess from that, and the overview's plan ("出借人无放贷资格：借款合同无效",
/// "对方没有放贷资格，借款合同无效") and the statement of defence ("出借人未取得放贷资格，以营利为
/// 目的向社会不特定对象出借资金，借款合同无效") stated it as a fact. They now say what the loan
/// suggests, and the defence asks the plaintiff to show its licence.
#[test]
fn a_presumed_unlicensed_lender_is_not_stated_as_a_fact() {
    let b = build(&newcomer(&[]), "我的网贷", today());
    let c = compute(&b);
    let text = everything(&b, &c);
    for fact in ["出借人无放贷资格：", "对方没有放贷资格，", "出借人未取得放贷资格，", "出借人未取得放贷资格、"]
    {
        assert!(!text.contains(fact), "stated as a fact: {fact}\n{text}");
    }
    let plan = yuqi_docs::dossier::dossier(&c.inputs()).plain_text();
    assert!(plan.contains("从借款期限和费用看，出借人像是没有放贷资格"), "{plan}");
    let opts = yuqi_docs::LetterOptions { debt: Some("debt1".into()), accept_limitation_effect: false };
    let defence = yuqi_docs::letter(yuqi_docs::LetterKind::Defence, &c.inputs(), &opts).expect("defence").plain_text();
    assert!(defence.contains("从借款期限和费用看") && defence.contains("请原告提供其放贷资格证明"), "{defence}");
    // The credit objection is not written off on a guess: he is told to look at his report.
    let objection = yuqi_docs::letter(yuqi_docs::LetterKind::CreditObjection, &c.inputs(), &opts)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(objection.contains("像是没有放贷资格") && objection.contains("先查询本人信用报告"), "{objection}");
    assert!(!objection.contains("不会出现在你的信用报告里"), "{objection}");
    // A case file that states the kind (no kind_presumed) keeps the plain statement.
    let stated = b.toml.replace("kind_presumed = true\n", "");
    assert_ne!(stated, b.toml, "the interview marks the kind as presumed");
    let c = compute(&Built { toml: stated, ..b.clone() });
    let defence = yuqi_docs::letter(yuqi_docs::LetterKind::Defence, &c.inputs(), &opts).expect("defence").plain_text();
    assert!(defence.contains("出借人未取得放贷资格，以营利为目的"), "{defence}");
}

/// The audit's heading and its trace named the presumed kind as the lender's ("快来钱　出借方不详
/// — 无放贷资格的出借人", "出借人类型：无放贷资格的出借人"): every mention says it is presumed.
#[test]
fn the_audit_names_a_presumed_kind_as_presumed() {
    let b = build(&newcomer(&[]), "我的网贷", today());
    let text = everything(&b, &compute(&b));
    let label = "无放贷资格的出借人";
    assert!(text.contains(label), "{text}");
    for (at, _) in text.match_indices(label) {
        assert!(
            text[at + label.len()..].starts_with("（从借款期限和费用推测）"),
            "…{}",
            text[at..].chars().take(30).collect::<String>()
        );
    }
}

/// "借几天：7" with 到期要还 不记得: the days were dropped and the loan was due a month after it
/// was taken (2026-10-01), its overdue interest and limitation period counted from then. Rolled
/// over or not, the due date is the one his answers give.
#[test]
fn the_days_of_a_loan_count_when_the_amount_due_is_unknown() {
    let f = |k: &str, v: &str| -> BTreeMap<String, String> { [(k.to_string(), v.to_string())].into() };
    let rollover = |n: &str| -> BTreeMap<String, String> {
        [("count".to_string(), n.to_string()), ("fee".to_string(), "300".to_string())].into()
    };
    for (times, due) in [("0", day(2026, 9, 8)), ("3", day(2026, 9, 29))] {
        let mut a = Answers::default();
        for (slug, form) in [
            ("d0-app", f("value", "快来钱")),
            ("d0-kind", f("value", "short")),
            ("d0-lender", f("unknown", "1")),
            ("d0-date", f("value", "2026-09-01")),
            ("d0-principal", f("value", "1700")),
            ("d0-received", f("value", "1100")),
            ("d0-repay", f("value", "once")),
            ("d0-once", f("days", "7")),
            ("d0-rate", f("unknown", "1")),
            ("d0-rollover", rollover(times)),
            ("d0-paid", f("value", "900")),
            ("d0-stopped", f("value", "2026-09-29")),
        ] {
            let step = Step::parse(slug).expect("a screen");
            assert_eq!(a.next(), step);
            a.set(step, &form, today()).unwrap_or_else(|e| panic!("{slug}: {e:?}"));
        }
        let b = build(&a, "我的网贷", today());
        let c = compute(&b);
        assert_eq!(c.audit.debts[0].schedule_contract.last().map(|i| i.due), Some(due), "{times}: {}", b.toml);
        assert_eq!(c.timeline.debts[0].limitation.start, Some(due), "{times}");
        assert_eq!(c.audit.debts[0].paid_total.to_string(), "900.00");
    }
}

/// No rollover asks no fee: the review said "每次交多少展期费：不记得" for an answer of 0 times.
#[test]
fn no_rollover_is_reviewed_as_none() {
    let a = newcomer(&[("d0-rollover", &[("count", "0"), ("fee", "")]), ("d0-paid", &[("value", "0")])]);
    let review: Vec<String> = a.review().into_iter().map(|(_, q, v)| format!("{q}：{v}")).collect();
    let line = review.iter().find(|l| l.contains("展期")).expect("the rollover answer is reviewed");
    assert!(line.ends_with("没展期过"), "{review:?}");
    assert!(!review.iter().any(|l| l.contains("展期费：不记得")), "{review:?}");
}

/// He answered the rollover screen (3 times, 300 each), then went back and said the loan is
/// paid in instalments. The rollover answers stay (he may switch back) but count for nothing:
/// the stop-date screen asked for "最后一次展期以后的还款日" of a loan that has none, and the
/// 900 元 he had paid would have been read as 900 instalments paid.
#[test]
fn rollover_answers_count_for_nothing_once_the_loan_is_in_instalments() {
    let f = |k: &str, v: &str| -> BTreeMap<String, String> { [(k.to_string(), v.to_string())].into() };
    let mut a = newcomer(&[]);
    a.set(Step::parse("d0-repay").expect("step"), &f("value", "installments"), today()).expect("repay");
    assert_eq!(a.next(), Step::parse("d0-installments").expect("step"));
    let plan: BTreeMap<String, String> =
        [("amount", "600"), ("count", "3"), ("period", "month")].map(|(k, v)| (k.to_string(), v.to_string())).into();
    a.set(Step::parse("d0-installments").expect("step"), &plan, today()).expect("instalments");
    assert_eq!(a.next(), Step::parse("d0-paid").expect("step"), "已还 is asked again, as a count");
    a.set(Step::parse("d0-paid").expect("step"), &f("value", "1"), today()).expect("paid");
    assert_eq!(a.next(), Step::Review);
    assert_eq!(a.debts[0].rollovers.as_deref(), Some("3"), "kept, should he switch back");
    let stopped = a.question(Step::parse("d0-stopped").expect("step"));
    assert!(!stopped.help.contains("展期"), "{}", stopped.help);
    assert!(!a.review().iter().any(|(_, q, v)| q.contains("展期") || v.contains("展期")), "{:?}", a.review());
    let b = build(&a, "我的网贷", today());
    assert!(!b.toml.contains("展期"), "{}", b.toml);
    assert!(!b.assumptions.iter().chain(&b.gaps).any(|s| s.contains("展期")), "{:?} {:?}", b.assumptions, b.gaps);
    let c = compute(&b);
    assert_eq!(c.audit.debts[0].paid_total.to_string(), "600.00", "one instalment of 600, no fees");
}

/// A stop date remembered by month alone ("2026年9月") was taken as the 1st, which is before the
/// original due date (09-08), so it was dropped and the note said he did not remember it
/// ("你不记得哪天开始没还上"). A month with the extended due date in it is now taken as that due
/// date; a month or a day on or before the original due date is refused on the screen, naming
/// the field; and where the interview cannot know the original due date (a loan remembered by
/// month), the note says the date he gave was not used and why.
#[test]
fn a_stop_date_by_month_is_taken_or_refused_never_dropped() {
    let b = build(&newcomer(&[("d0-stopped", &[("value", "2026年9月")])]), "我的网贷", today());
    let c = compute(&b);
    assert_eq!(c.timeline.debts[0].limitation.start, Some(day(2026, 9, 29)), "{}", b.toml);
    let said = b.assumptions.join("\n");
    assert!(said.contains("只记得是2026年9月") && said.contains("2026-09-29"), "{said}");
    assert!(!said.contains("不记得哪天开始没还上"), "{said}");

    // On or before the original due date: refused, the field named, nothing set.
    let all = newcomer(&[]);
    for typed in ["2026年8月", "2026-09-08", "2026-09-03"] {
        let mut a = all.clone();
        let form: BTreeMap<String, String> = [("value".to_string(), typed.to_string())].into();
        let e = a.set(Step::parse("d0-stopped").expect("step"), &form, today()).unwrap_err();
        assert!(e[0].starts_with("开始没还上的日期：") && e[0].contains("2026-09-08"), "{typed}: {e:?}");
        assert_eq!(a, all, "nothing set");
    }
    // Also when it is the other answer that changes: a loan of 30 days is first due 10-01.
    let mut a = all.clone();
    let form: BTreeMap<String, String> =
        [("days".to_string(), "30".to_string()), ("due_amount".to_string(), "1700".to_string())].into();
    let e = a.set(Step::parse("d0-once").expect("step"), &form, today()).unwrap_err();
    assert!(e[0].starts_with("开始没还上的日期：") && e[0].contains("2026-10-01"), "{e:?}");

    // The loan remembered by month: the original due date is not sure, the date is not refused;
    // not used, and said so.
    let b = build(
        &newcomer(&[("d0-date", &[("value", "2026-09")]), ("d0-stopped", &[("value", "2026年8月")])]),
        "我的网贷",
        today(),
    );
    let said = b.assumptions.join("\n");
    assert!(said.contains("（2026年8月）") && said.contains("没有采用"), "{said}");
    assert!(!said.contains("不记得哪天开始没还上"), "{said}");
    assert_eq!(compute(&b).timeline.debts[0].limitation.start, Some(day(2026, 9, 29)));
}

/// The fee not remembered: the note said "交过的展期费（你不记得每次多少，按你填的已还合计算）都算作
/// 你付给对方的钱（按每次原定的还款日那天交的记）" while the 900 went in as one payment on the day of
/// the first rollover. It now says plainly what was taken: the sum, on that day.
#[test]
fn an_unknown_rollover_fee_is_said_plainly() {
    let b = build(&newcomer(&[("d0-rollover", &[("count", "3"), ("fee", "")])]), "我的网贷", today());
    let said = b.assumptions.join("\n");
    assert!(
        said.contains("你不记得每次交多少展期费：你填的已还合计 900.00 元（展期费也在里面）按第一次展期那天 2026-09-08 一次付给对方的记"),
        "{said}"
    );
    assert!(!said.contains("按每次原定的还款日那天交的记"), "not what was done: {said}");
    assert_eq!(compute(&b).audit.debts[0].paid_total.to_string(), "900.00");
}

/// 已还 not remembered. With the fee known, the three fees of 300 were counted as paid while the
/// note said "不记得还过多少，按没还过算"; with the fee unknown too, nothing was counted and nothing
/// said; with the rollovers unknown, the note said the fees were in "你填的“已还”", which he had
/// not filled. Each now says what was taken.
#[test]
fn an_unknown_amount_paid_is_said_with_the_rollovers() {
    let unknown: &[(&str, &str)] = &[("unknown", "1")];
    let b = build(&newcomer(&[("d0-paid", unknown)]), "我的网贷", today());
    let notes = format!("{}\n{}", b.assumptions.join("\n"), b.gaps.join("\n"));
    assert!(notes.contains("你不记得一共还过多少：只把 3 次展期费（每次 300.00 元，共 900.00 元）算作已还"), "{notes}");
    assert!(!notes.contains("按没还过算"), "the fees were counted: {notes}");
    assert_eq!(compute(&b).audit.debts[0].paid_total.to_string(), "900.00");

    let b =
        build(&newcomer(&[("d0-rollover", &[("count", "3"), ("fee", "")]), ("d0-paid", unknown)]), "我的网贷", today());
    let notes = format!("{}\n{}", b.assumptions.join("\n"), b.gaps.join("\n"));
    assert!(notes.contains("也不记得一共还过多少：交过的钱都没有计入"), "{notes}");
    assert_eq!(compute(&b).audit.debts[0].paid_total.to_string(), "0.00");

    let b = build(&newcomer(&[("d0-rollover", unknown), ("d0-paid", unknown)]), "我的网贷", today());
    let notes = format!("{}\n{}", b.assumptions.join("\n"), b.gaps.join("\n"));
    assert!(!notes.contains("你填的“已还”"), "{notes}");
    assert!(notes.contains("不记得还过多少，按没还过算"), "{notes}");
}

//! No letter asserts a fact the case file, the computations or the evidence do not give.
//!
//! Two independent checks over every letter of every example case (and of a nearly empty case):
//! 1. every `Fact` that names a case-file field reads back exactly from that field;
//! 2. every date and every money amount printed anywhere in the letter occurs in the raw case
//!    file, in the messages, in the serialised computations (audit, timeline, plan) or is the
//!    date of writing. This second check does not trust the `Fact` bookkeeping at all.
//! 3. every percentage and every count of years printed is the value of a legal parameter in
//!    force on one of the dates the letter can speak of, or a figure of the computations: a
//!    legal number typed into the prose instead of read from the law data fails here once the
//!    data and the text disagree.

use std::collections::BTreeSet;
use std::path::PathBuf;

use chrono::NaiveDate;
use regex::Regex;
use yuqi_docs::facts::case_value;
use yuqi_docs::{Doc, Inline, Inputs, LetterKind, LetterOptions, Source};

const TODAY: (i32, u32, u32) = (2026, 11, 24);

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

struct World {
    src: String,
    messages: String,
    /// The pipeline's result, written on `TODAY`.
    c: yuqi_app::Computed,
}

fn world(src: &str, messages: &str) -> World {
    let case = yuqi_case::parse_case(src, "case.toml").unwrap_or_else(|e| panic!("{e}"));
    let msgs: Vec<yuqi_conduct::Message<'static>> = messages
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str::<yuqi_conduct::Message<'_>>(l).expect("message").into_owned())
        .collect();
    let today = NaiveDate::from_ymd_opt(TODAY.0, TODAY.1, TODAY.2).expect("date");
    // The same pipeline the CLI and the web app run.
    let c =
        yuqi_app::compute(yuqi_app::CaseInput { case, evidence: None, messages: msgs }, yuqi_app::Dates::today(today))
            .expect("pipeline");
    World { src: src.to_string(), messages: messages.to_string(), c }
}

impl World {
    fn inputs(&self) -> Inputs<'_> {
        self.c.inputs()
    }

    /// Every letter that can be built for this case.
    fn letters(&self) -> Vec<(String, Doc)> {
        let mut out = Vec::new();
        for kind in LetterKind::ALL {
            let debts: Vec<Option<String>> = if kind.per_debt() {
                self.c.case.debts.iter().map(|d| Some(d.id.clone())).collect()
            } else {
                vec![None]
            };
            for debt in debts {
                let opts = LetterOptions { debt: debt.clone(), accept_limitation_effect: true };
                if let Ok(doc) = yuqi_docs::letter(kind, &self.inputs(), &opts) {
                    out.push((format!("{} {}", kind.id(), debt.unwrap_or_default()), doc));
                }
            }
        }
        out
    }
}

fn amounts_re() -> Regex {
    Regex::new(r"\d{1,3}(?:,\d{3})+\.\d{2}|\d+\.\d{2}").expect("regex")
}

fn dates_re() -> Regex {
    Regex::new(r"(\d{4})年(\d{1,2})月(\d{1,2})日|(\d{4})-(\d{2})-(\d{2})").expect("regex")
}

/// `24%`, `0.05%`, `56.75 %`.
fn percents_re() -> Regex {
    Regex::new(r"(\d+(?:\.\d+)?)\s?%").expect("regex")
}

/// A count of years: `5年`, `三年`, `二十年`; not the year of a date (`2024年`, caught by the
/// digit before) and not the LPR's tenor (`一年期`, skipped by the caller through group 3).
fn years_re() -> Regex {
    Regex::new(r"(?:^|[^\d.,])(\d{1,2})\s?年|([一二两三四五六七八九十]{1,3})年(期)?").expect("regex")
}

/// `三` → 3, `二十` → 20, `十五` → 15 (counts below 100 only; letters print no larger ones).
fn chinese_count(s: &str) -> Option<u32> {
    let digit =
        |c: char| "零一二三四五六七八九".chars().position(|d| d == c).map(|i| i as u32).or((c == '两').then_some(2));
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        [c] if *c == '十' => Some(10),
        [c] => digit(*c),
        ['十', u] => Some(10 + digit(*u)?),
        [t, '十'] => Some(10 * digit(*t)?),
        [t, '十', u] => Some(10 * digit(*t)? + digit(*u)?),
        _ => None,
    }
}

/// Every percentage (normalised, `24%`) and every count of years a letter may print: the value of
/// each legal parameter in force on any of `dates`, and the percentages the serialised
/// computations contain.
fn allowed_legal_numbers(w: &World, dates: &BTreeSet<NaiveDate>) -> (BTreeSet<String>, BTreeSet<u32>) {
    let law = yuqi_law::law();
    let mut percents = BTreeSet::new();
    let mut years = BTreeSet::new();
    for id in law.param_ids() {
        for d in dates {
            let Ok(p) = law.param(id, *d) else { continue };
            match p.unit {
                "rate" | "rate_per_day" | "ratio" => {
                    percents.insert(norm_percent(&(p.decimal() * yuqi_money::Decimal::ONE_HUNDRED).to_string()));
                }
                "years" => {
                    years.insert(p.value.parse::<u32>().expect("a whole number of years"));
                }
                _ => {}
            }
        }
    }
    let json = format!(
        "{}{}{}",
        serde_json::to_string(&w.c.audit).expect("json"),
        serde_json::to_string(&w.c.timeline).expect("json"),
        serde_json::to_string(&w.c.plan).expect("json")
    );
    for c in percents_re().captures_iter(&json) {
        percents.insert(norm_percent(&c[1]));
    }
    (percents, years)
}

/// `24.00` → `24%`, `0.050` → `0.05%`.
fn norm_percent(number: &str) -> String {
    let n = if number.contains('.') { number.trim_end_matches('0').trim_end_matches('.') } else { number };
    format!("{n}%")
}

fn norm_amount(s: &str) -> String {
    s.replace(',', "")
}

/// Every amount and date that may legitimately appear: the raw case file (numbers written as
/// amounts), the messages, the serialised computations, and the date of writing.
fn allowed(w: &World) -> (BTreeSet<String>, BTreeSet<NaiveDate>) {
    let mut amounts = BTreeSet::new();
    let mut dates = BTreeSet::new();
    let raw: toml::Value = toml::from_str(&w.src).expect("toml");
    fn walk_toml(v: &toml::Value, amounts: &mut BTreeSet<String>, dates: &mut BTreeSet<NaiveDate>) {
        match v {
            toml::Value::Integer(i) => {
                amounts.insert(format!("{i}.00"));
            }
            toml::Value::Float(f) => {
                amounts.insert(format!("{f:.2}"));
            }
            toml::Value::Datetime(d) => {
                if let Some(x) = d.date
                    && let Some(n) = NaiveDate::from_ymd_opt(i32::from(x.year), u32::from(x.month), u32::from(x.day))
                {
                    dates.insert(n);
                }
            }
            toml::Value::String(_) | toml::Value::Boolean(_) => {}
            toml::Value::Array(a) => a.iter().for_each(|x| walk_toml(x, amounts, dates)),
            toml::Value::Table(t) => t.values().for_each(|x| walk_toml(x, amounts, dates)),
        }
    }
    walk_toml(&raw, &mut amounts, &mut dates);
    let json = format!(
        "{}{}{}{}{}",
        serde_json::to_string(&w.c.audit).expect("json"),
        serde_json::to_string(&w.c.timeline).expect("json"),
        serde_json::to_string(&w.c.plan).expect("json"),
        w.messages,
        w.src
    );
    for m in amounts_re().find_iter(&json) {
        amounts.insert(norm_amount(m.as_str()));
    }
    for c in dates_re().captures_iter(&json) {
        if let Some(d) = date_of(&c) {
            dates.insert(d);
        }
    }
    dates.insert(NaiveDate::from_ymd_opt(TODAY.0, TODAY.1, TODAY.2).expect("date"));
    (amounts, dates)
}

fn date_of(c: &regex::Captures<'_>) -> Option<NaiveDate> {
    let g = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
    let (y, m, d) = match (g(1), g(2), g(3)) {
        (Some(y), Some(m), Some(d)) => (y, m, d),
        _ => (g(4)?, g(5)?, g(6)?),
    };
    NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)
}

fn check_letters(w: &World) -> usize {
    let (amounts, dates) = allowed(w);
    let (percents, years) = allowed_legal_numbers(w, &dates);
    let mut n = 0;
    for (name, doc) in w.letters() {
        n += 1;
        // 1. Case-file facts read back exactly.
        for i in doc.inlines() {
            if let Inline::Fact { text, source: Source::Case(path) } = i
                && !path.contains(".event[")
            {
                assert_eq!(case_value(&w.c.case, path).as_deref(), Some(text.as_str()), "{name}: fact {path}");
            }
        }
        // 2. Every amount and date printed is accounted for.
        let text = doc.plain_text();
        for m in amounts_re().find_iter(&text) {
            assert!(
                amounts.contains(&norm_amount(m.as_str())),
                "{name}: amount {} is in neither the case file nor the computations:\n{text}",
                m.as_str()
            );
        }
        for c in dates_re().captures_iter(&text) {
            let d = date_of(&c).expect("a valid date");
            assert!(dates.contains(&d), "{name}: date {d} is in neither the case file nor the computations:\n{text}");
        }
        // 3. Every percentage and count of years is a legal parameter's value or a computed figure.
        for c in percents_re().captures_iter(&text) {
            let p = norm_percent(&c[1]);
            assert!(
                percents.contains(&p),
                "{name}: {p} is neither a legal parameter in force on a date of the case nor a computed figure:\n{text}"
            );
        }
        for c in years_re().captures_iter(&text) {
            if c.get(3).is_some() {
                continue;
            }
            let n = match (c.get(1), c.get(2)) {
                (Some(d), _) => d.as_str().parse::<u32>().expect("digits"),
                (None, Some(z)) => {
                    chinese_count(z.as_str()).unwrap_or_else(|| panic!("{name}: cannot read {}", z.as_str()))
                }
                _ => unreachable!("one group matches"),
            };
            assert!(years.contains(&n), "{name}: {n}年 is not a number of years the law data gives:\n{text}");
        }
    }
    n
}

#[test]
fn letters_of_every_example_state_only_known_facts() {
    let mut total = 0;
    for entry in std::fs::read_dir(root().join("examples")).expect("examples") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        let src = std::fs::read_to_string(&path).expect("read");
        let messages = if path.file_stem().and_then(|s| s.to_str()) == Some("demo") {
            std::fs::read_to_string(root().join("examples/demo-messages.jsonl")).expect("messages")
        } else {
            String::new()
        };
        total += check_letters(&world(&src, &messages));
    }
    assert!(total >= 40, "only {total} letters were built");
}

const BARE: &str = r#"
version = 1
[[debt]]
id = "x"
lender = "某网络小额贷款有限公司"
kind = "microloan"
contract_date = 2024-03-01
principal = 5000
rate = "年化24%"
method = "等额本息"
periods = 6
[[debt.event]]
date = 2026-10-01
kind = "demand"
channel = "call"
note = "再不还就上门找你，让你全家都知道"
"#;

/// With nothing known about the borrower, letters leave blanks where a name, phone number or
/// identity number would go; they never fill one in.
#[test]
fn a_bare_case_gets_blanks_not_guesses() {
    let w = world(BARE, "");
    assert!(check_letters(&w) >= 5);
    for (name, doc) in w.letters() {
        for i in doc.inlines() {
            if let Inline::Fact { source: Source::Case(path), .. } = i {
                assert!(!path.starts_with("person."), "{name}: states {path}, which the case file does not give");
            }
        }
        let blanks: Vec<String> = doc
            .inlines()
            .filter_map(|i| if let Inline::Blank { prompt } = i { Some(prompt.clone()) } else { None })
            .collect();
        assert!(blanks.iter().any(|b| b.contains("姓名")), "{name}: no blank for the name: {blanks:?}");
        assert!(doc.blanks() == blanks.len());
        assert!(doc.notices.iter().any(|n| n.contains("需要你自己填写")), "{name}: the user is told about blanks");
    }
    // The proposal cannot invent a hardship or an income.
    let p = yuqi_docs::letter(LetterKind::Proposal, &w.inputs(), &LetterOptions::default()).expect("proposal");
    let text = p.plain_text();
    assert!(text.contains("＿＿＿＿（每月收入、必要开支、需抚养人数）"), "{text}");
    assert!(text.contains("＿＿＿＿（困难原因"), "{text}");
}

/// A repayment proposal on a time-barred debt is refused unless the user accepts losing the
/// defence; the limitation statement is refused on a running period.
#[test]
fn limitation_guards() {
    let src = std::fs::read_to_string(root().join("examples/private-2019.toml")).expect("read");
    let w = world(&src, "");
    let err = yuqi_docs::letter(LetterKind::Proposal, &w.inputs(), &LetterOptions::default()).expect_err("refused");
    assert!(matches!(err, yuqi_docs::LetterError::LimitationConsent(_)));
    assert!(err.to_string().contains("--accept-limitation-effect"), "{err}");
    let ok = yuqi_docs::letter(
        LetterKind::Proposal,
        &w.inputs(),
        &LetterOptions { debt: None, accept_limitation_effect: true },
    )
    .expect("accepted");
    assert!(ok.notices.iter().any(|n| n.contains("失去时效抗辩")), "{:?}", ok.notices);
    let stmt = yuqi_docs::letter(LetterKind::Limitation, &w.inputs(), &LetterOptions::default()).expect("statement");
    assert!(stmt.plain_text().contains("本人现提出诉讼时效抗辩"));
    assert!(stmt.plain_text().contains("不构成对债务的承认"));

    let demo = world(&std::fs::read_to_string(root().join("examples/demo.toml")).expect("read"), "");
    let err = yuqi_docs::letter(
        LetterKind::Limitation,
        &demo.inputs(),
        &LetterOptions { debt: Some("hjd".into()), accept_limitation_effect: false },
    )
    .expect_err("running period");
    assert!(matches!(err, yuqi_docs::LetterError::NotApplicable(_)));
    assert!(err.to_string().contains("2029-11-20"), "{err}");
    let err =
        yuqi_docs::letter(LetterKind::Verification, &demo.inputs(), &LetterOptions::default()).expect_err("which debt");
    assert_eq!(err, yuqi_docs::LetterError::DebtRequired { ids: vec!["hjd".into(), "xf".into(), "zr".into()] });
}

/// The verification letter never acknowledges the debt or states an amount owed: doing so could
/// interrupt the limitation period (民法典 195).
#[test]
fn the_verification_letter_acknowledges_nothing() {
    for entry in std::fs::read_dir(root().join("examples")).expect("examples") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        let w = world(&std::fs::read_to_string(&path).expect("read"), "");
        for d in &w.c.case.debts {
            let doc = yuqi_docs::letter(
                LetterKind::Verification,
                &w.inputs(),
                &LetterOptions { debt: Some(d.id.clone()), accept_limitation_effect: false },
            )
            .expect("verification");
            for i in doc.inlines() {
                if let Inline::Fact { text, source: Source::Computed(_) } = i {
                    assert!(
                        !amounts_re().is_match(text),
                        "{}: the verification letter states a computed amount: {text}",
                        path.display()
                    );
                }
            }
            let text = doc.plain_text();
            for bad in ["本人确认", "同意还款", "愿意还款", "承诺"] {
                assert!(!text.contains(bad) || text.contains("不构成还款承诺"), "{}: {bad}", path.display());
            }
            assert!(text.contains("不构成对任何债务的承认"));
        }
    }
}

/// The amount and date check above can fail: an invented figure is not in the allowed sets.
#[test]
fn the_check_would_catch_an_invented_figure() {
    let w = world(BARE, "");
    let (amounts, dates) = allowed(&w);
    assert!(amounts.contains("5000.00"), "the principal is known");
    assert!(!amounts.contains("12345.67"));
    assert!(dates.contains(&NaiveDate::from_ymd_opt(2024, 3, 1).expect("date")));
    assert!(!dates.contains(&NaiveDate::from_ymd_opt(2031, 1, 1).expect("date")));
    let (percents, years) = allowed_legal_numbers(&w, &dates);
    assert!(percents.contains("24%"), "the financial cap in force in 2024: {percents:?}");
    assert!(!percents.contains("37%"));
    assert!(years.contains(&3) && years.contains(&5), "{years:?}");
    assert!(!years.contains(&7));
}

/// The percentage and year patterns read what letters print, and skip what is not a count.
#[test]
fn legal_number_patterns() {
    let p: Vec<String> = percents_re().captures_iter("年利率24%，日0.050 %；").map(|c| norm_percent(&c[1])).collect();
    assert_eq!(p, ["24%", "0.05%"]);
    let y: Vec<(Option<String>, Option<String>, bool)> = years_re()
        .captures_iter("已满5年；超过三年；二十年；2024年3月1日；一年期贷款市场报价利率")
        .map(|c| {
            (c.get(1).map(|m| m.as_str().to_string()), c.get(2).map(|m| m.as_str().to_string()), c.get(3).is_some())
        })
        .collect();
    assert_eq!(
        y,
        [
            (Some("5".into()), None, false),
            (None, Some("三".into()), false),
            (None, Some("二十".into()), false),
            (None, Some("一".into()), true)
        ]
    );
    assert_eq!(chinese_count("二十"), Some(20));
    assert_eq!(chinese_count("十五"), Some(15));
    assert_eq!(chinese_count("两"), Some(2));
}

//! Letters that say what happened (issue 15, item 7). A newcomer's complaint said nothing about
//! the harassment, the police report left out "涉嫌诈骗…等着被拘留" and stated a five-digit annual
//! rate for a seven-day loan. These tests hold the letters to an authority to:
//! * every collection record with a finding listed with its time, sender, words, and per
//!   finding the label and the legal basis (police: every record that is a police matter; the
//!   rest named to the user, never dropped silently);
//! * the contract's amount stated beside the amount actually received;
//! * for a short loan (whole term under one calendar month: `SHORT_LOAN_MONTHS = 1` in
//!   `letters/complaints.rs`), the cost of the term against the money received and what the law
//!   gives an unlicensed lender, not an annual percentage;
//! * attachments naming only what the case has, and no tool instructions or English in the text.

use std::path::PathBuf;

use chrono::NaiveDate;
use regex::Regex;
use yuqi_docs::{Block, Contact, Doc, EvidenceIndex, Inputs, LetterKind, LetterOptions};

const MESSAGES: &str = "tests/data/letters/collector-messages.jsonl";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).expect("date")
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The same pipeline the CLI and the web app run.
fn compute(src: &str, messages: &str) -> yuqi_app::Computed {
    let case = yuqi_case::parse_case(src, "case.toml").unwrap_or_else(|e| panic!("{e}"));
    let messages = messages
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str::<yuqi_conduct::Message<'_>>(l).expect("message").into_owned())
        .collect();
    let dates = yuqi_app::Dates { written: Some(today()), ..yuqi_app::Dates::today(today()) };
    yuqi_app::compute(yuqi_app::CaseInput { case, evidence: None, messages }, dates).expect("pipeline")
}

fn letter(inputs: &Inputs<'_>, kind: LetterKind, debt: Option<&str>) -> Doc {
    let opts = LetterOptions { debt: debt.map(str::to_string), accept_limitation_effect: false };
    yuqi_docs::letter(kind, inputs, &opts).unwrap_or_else(|e| panic!("{}: {e}", kind.id()))
}

fn unlicensed() -> yuqi_app::Computed {
    compute(&read("examples/unlicensed-714.toml"), &read(MESSAGES))
}

/// The demo case with its own messages and the test messages, tied to the demo's debt `hjd`
/// (a message tied to no debt of a case with several is no debt's): more records than a letter
/// quotes one by one.
fn demo() -> yuqi_app::Computed {
    let tied = read(MESSAGES).replace(r#""creditor": "gaopao""#, r#""creditor": "hjd""#);
    compute(&read("examples/demo.toml"), &format!("{}{tied}", read("examples/demo-messages.jsonl")))
}

/// Codes the police report lists (on a debt from an unlicensed lender, where intimidation is a
/// police matter on its own, 刑法 293-1). Not: a bare claim that a case was filed, exaggerated
/// consequences, a personal account without impersonation.
const POLICE: [&str; 8] = [
    "threat_violence",
    "threat_jail",
    "insult",
    "contact_third_party",
    "impersonate_authority",
    "night_contact",
    "frequent_contact",
    "intimidation",
];

fn when(c: &Contact) -> String {
    match (c.time, c.date) {
        (Some(t), _) => t.format("%Y-%m-%d %H:%M").to_string(),
        (None, Some(d)) => d.to_string(),
        _ => unreachable!("every test record has a date"),
    }
}

/// The letter states the record: its time, its sender, its words (whole, or every marked part
/// of a long one), and for each of `codes` the label and the basis yuqi-conduct gives, as far as
/// a letter cites it (primary texts: second-hand summaries are never cited).
fn assert_states(name: &str, text: &str, c: &Contact, codes: &[&str]) {
    let w = when(c);
    assert!(text.contains(&w), "{name}: the record of {w} is missing:\n{text}");
    if let Some(from) = &c.from {
        assert!(text.contains(from.as_str()), "{name}: the sender {from} of {w} is missing");
    }
    let words = c.text.trim();
    if words.chars().count() <= 120 {
        assert!(text.contains(words), "{name}: the words of {w} are missing: {words}\n{text}");
    } else {
        assert!(text.contains('…'), "{name}: a long message is shown trimmed");
    }
    for h in c.hits.iter().filter(|h| codes.contains(&h.code)) {
        assert!(text.contains(&h.quote), "{name}: {w}: the marked words {:?} are missing", h.quote);
        // A claim that a case was filed is worded as a false statement, not as a forgery.
        let label = if h.code == "fake_legal_document" { "虚构诉讼进展" } else { h.label };
        assert!(text.contains(label), "{name}: {w}: the finding {label} is missing:\n{text}");
        if h.code == "fake_legal_document" {
            continue;
        }
        // Rules that bind only banks, consumer-finance companies and card issuers are not cited
        // against the lenders of these cases; a finding with no other primary text is stated by
        // its label alone.
        let primary: Vec<&str> = h
            .basis
            .split('；')
            .filter(|s| !s.contains("二手资料"))
            .filter(|s| !["消保办法", "信用卡", "银行业协会"].iter().any(|d| s.contains(d)))
            .collect();
        assert!(
            primary.is_empty() || primary.iter().any(|s| text.contains(s)),
            "{name}: {w}: no article of the basis of {label} ({}) is cited:\n{text}",
            h.basis
        );
    }
}

#[test]
fn the_police_report_lists_every_police_matter_with_words_and_basis() {
    let c = unlicensed();
    let doc = letter(&c.inputs(), LetterKind::Police, None);
    let text = doc.plain_text();
    let flagged: Vec<&Contact> = c.contacts.iter().filter(|x| x.incoming && !x.hits.is_empty()).collect();
    assert!(flagged.len() >= 6, "the test messages have findings: {}", flagged.len());
    for x in &flagged {
        let codes: Vec<&str> = x.codes().into_iter().filter(|k| POLICE.contains(k)).collect();
        if codes.is_empty() {
            // Never dropped silently: the user is told which records were left out.
            let w = when(x);
            assert!(doc.notices.iter().any(|n| n.contains(&w)), "{w} is neither in the report nor named to the user");
            continue;
        }
        assert_states("police", &text, x, &codes);
    }
    // The newcomer's message, with the answer to it and its basis.
    assert!(text.contains("你涉嫌诈骗，已经立案，等着被拘留吧"), "{text}");
    assert!(text.contains("以刑责恐吓（普通的还不上钱不是犯罪）"), "{text}");
    assert!(text.contains("《刑法》第193条"), "{text}");
    // The message to the borrower's mother, and to whom it went, in Chinese.
    assert!(text.contains("孙阿姨您好"), "{text}");
    assert!(text.contains("发给 本人的亲属"), "{text}");
    assert!(text.contains("《个人信息保护法》第10条、第13条"), "{text}");
    // A claim that a case was filed is not reported to the police as a forgery; a card rule is
    // not cited for a loan that is not a card.
    assert!(!text.contains("第63条") && !text.contains("第280条"), "{text}");
    assert!(!text.contains("信用卡犯罪解释"), "{text}");
}

#[test]
fn complaints_list_every_flagged_record_in_a_table_when_there_are_many() {
    let c = demo();
    let inputs = c.inputs();
    for kind in [LetterKind::Regulator, LetterKind::Association] {
        let doc = letter(&inputs, kind, Some("hjd"));
        let text = doc.plain_text();
        let flagged: Vec<&Contact> = c
            .contacts
            .iter()
            .filter(|x| x.incoming && !x.hits.is_empty() && x.debt.as_deref().is_none_or(|d| d == "hjd"))
            .collect();
        assert!(flagged.len() > 12, "more records than are quoted one by one: {}", flagged.len());
        assert!(doc.blocks.iter().any(|b| matches!(b, Block::Table { .. })), "{}: no table", kind.id());
        for x in &flagged {
            assert_states(kind.id(), &text, x, &x.codes());
        }
        assert!(text.contains("你涉嫌诈骗，已经立案，等着被拘留吧"), "{text}");
        // Every record is named in the table, one row each.
        let rows = doc
            .blocks
            .iter()
            .find_map(|b| if let Block::Table { rows, .. } = b { Some(rows.len()) } else { None })
            .expect("table");
        assert_eq!(rows, flagged.len());
    }
    // The police report of the demo: more records, every one a police matter or named to the user.
    let doc = letter(&inputs, LetterKind::Police, None);
    let text = doc.plain_text();
    for x in c.contacts.iter().filter(|x| x.incoming && !x.hits.is_empty()) {
        let w = when(x);
        assert!(text.contains(&w) || doc.notices.iter().any(|n| n.contains(&w)), "police: {w} dropped silently");
    }
    assert!(text.contains("你涉嫌诈骗，已经立案，等着被拘留吧"), "{text}");
}

#[test]
fn the_loan_is_stated_with_what_was_actually_received() {
    let c = unlicensed();
    let a = &c.audit.debts[0];
    let text = letter(&c.inputs(), LetterKind::Police, None).plain_text();
    let want = format!(
        "合同写明借款{}，实际到手{}",
        yuqi_docs::facts::yuan(a.contract_principal),
        yuqi_docs::facts::yuan(a.received)
    );
    assert_eq!(want, "合同写明借款3,000.00元，实际到手2,100.00元");
    assert!(text.contains(&want), "{text}");
    let d = demo();
    let a = d.audit.debts.iter().find(|x| x.id == "hjd").expect("hjd");
    let text = letter(&d.inputs(), LetterKind::Regulator, Some("hjd")).plain_text();
    assert!(text.contains(&format!("实际到手{}", yuqi_docs::facts::yuan(a.received))), "{text}");
}

/// No percentage with five or more digits before the decimal point.
fn huge_percent(text: &str) -> Option<String> {
    Regex::new(r"\d{5,}(?:\.\d+)?\s?%").expect("regex").find(text).map(|m| m.as_str().to_string())
}

#[test]
fn a_short_loan_gets_the_cost_of_its_term_not_an_annual_rate() {
    let c = unlicensed();
    let a = &c.audit.debts[0];
    let text = letter(&c.inputs(), LetterKind::Police, None).plain_text();
    assert_eq!(huge_percent(&text), None, "{text}");
    let share = yuqi_money::format_rate_percent(a.apr.cost_share.expect("a share"), 2);
    assert_eq!(share, "42.86%");
    let want = format!("7天收取费用{}，相当于到手金额的{share}", yuqi_docs::facts::yuan(a.apr.total_cost));
    assert!(text.contains(&want), "{want} missing:\n{text}");
    // What the law gives an unlicensed lender, with the article from the law data.
    let rule = yuqi_law::law().rule("unlicensed_void").expect("rule");
    let article = yuqi_law::law().citation_labels_grouped(&rule.cites).join("、");
    assert!(text.contains(&format!("依照{article}")), "{article} missing:\n{text}");
    assert!(text.contains(&format!("只需返还实际到手的本金{}", yuqi_docs::facts::yuan(a.principal_initial))), "{text}");
    assert!(!text.contains("年化"), "{text}");

    // The threshold: a term shorter than one calendar month is short (30 days from 1 August
    // ends on 31 August, before 1 September); a one-month term is not, and gets its annual rate.
    let src = read("examples/unlicensed-714.toml");
    let thirty = compute(&src.replace("period = \"7d\"", "period = \"30d\""), "");
    let text = letter(&thirty.inputs(), LetterKind::Police, None).plain_text();
    assert!(text.contains("30天收取费用900.00元"), "{text}");
    assert!(!text.contains("年化") && huge_percent(&text).is_none(), "{text}");
    let month = compute(&src.replace("period = \"7d\"", "period = \"month\""), "");
    let text = letter(&month.inputs(), LetterKind::Police, None).plain_text();
    // The headline measure under its one name, the figure the audit table shows.
    let headline = month.audit.debts[0].apr.headline().expect("a rate");
    let want = format!("{}约为{}", yuqi_docs::rates::headline_name(), yuqi_money::format_rate_percent(headline, 2));
    assert!(text.contains(&want), "{want} missing:\n{text}");
    assert!(!text.contains("收取费用"), "{text}");
}

/// Every letter that can be built for a case.
fn all_letters(inputs: &Inputs<'_>) -> Vec<(String, Doc)> {
    let mut out = Vec::new();
    for kind in LetterKind::ALL {
        let debts: Vec<Option<String>> =
            if kind.per_debt() { inputs.case.debts.iter().map(|d| Some(d.id.clone())).collect() } else { vec![None] };
        for debt in debts {
            let opts = LetterOptions { debt: debt.clone(), accept_limitation_effect: true };
            if let Ok(doc) = yuqi_docs::letter(kind, inputs, &opts) {
                out.push((format!("{} {}", kind.id(), debt.unwrap_or_default()), doc));
            }
        }
    }
    out
}

/// ASCII words the case gives (names such as "好借点App", numbers' letters): the case file's
/// string values and the messages' words and senders.
fn case_words(src: &str, messages: &str) -> String {
    fn walk(v: &toml::Value, out: &mut String) {
        match v {
            toml::Value::String(s) => {
                out.push_str(s);
                out.push('\n');
            }
            toml::Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            toml::Value::Table(t) => t.values().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let mut out = String::new();
    walk(&toml::from_str(src).expect("toml"), &mut out);
    for l in messages.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(l).expect("json");
        for k in ["text", "from"] {
            out.push_str(v[k].as_str().unwrap_or(""));
            out.push('\n');
        }
    }
    out
}

#[test]
fn letters_carry_no_tool_instructions_and_no_english() {
    let word = Regex::new(r"[A-Za-z][A-Za-z_.]+").expect("regex");
    for (case, messages) in [
        ("examples/unlicensed-714.toml", read(MESSAGES)),
        ("examples/demo.toml", format!("{}{}", read("examples/demo-messages.jsonl"), read(MESSAGES))),
    ] {
        let src = read(case);
        let c = compute(&src, &messages);
        let allowed = case_words(&src, &messages);
        let evidence =
            EvidenceIndex { total: 42, chain_head: Some("9f2c".repeat(16)), verified: Some(true), rows: Vec::new() };
        let with_store = Inputs { evidence: Some(&evidence), ..c.inputs() };
        for (name, doc) in all_letters(&c.inputs()).into_iter().chain(all_letters(&with_store)) {
            let text = doc.plain_text();
            for bad in ["verify.py", "SHA-256", "sha256", "yuqi", "运行", "--", "relative", "contact_third_party"] {
                assert!(!text.contains(bad), "{case} {name}: {bad:?} in the letter:\n{text}");
            }
            for m in word.find_iter(&text) {
                let w = m.as_str();
                // The evidence package's check value is hexadecimal.
                if w.chars().all(|c| c.is_ascii_hexdigit())
                    && evidence.chain_head.as_deref().is_some_and(|h| h.contains(w))
                {
                    continue;
                }
                assert!(allowed.contains(w), "{case} {name}: English {w:?} in the letter:\n{text}");
            }
        }
    }
}

/// The text of the 附件 section (up to the closing).
fn attachments_of(text: &str) -> String {
    text.split("\n附件\n").nth(1).map(|s| s.split("\n此致").next().unwrap_or("").to_string()).unwrap_or_default()
}

#[test]
fn attachment_lists_name_only_what_the_case_has() {
    // No messages, no notes, no store: the police report has nothing to attach.
    let bare = compute(&read("examples/unlicensed-714.toml"), "");
    let text = letter(&bare.inputs(), LetterKind::Police, None).plain_text();
    assert!(attachments_of(&text).is_empty(), "{text}");
    assert!(!text.contains("证据包"), "{text}");

    // With messages: one attachment per record listed, each a record of the letter; no
    // evidence package, no contract (the case says nothing of either).
    let c = unlicensed();
    let doc = letter(&c.inputs(), LetterKind::Police, None);
    let text = doc.plain_text();
    let att = attachments_of(&text);
    let quoted = doc.blocks.iter().filter(|b| matches!(b, Block::Quote { .. })).count();
    assert_eq!(att.lines().filter(|l| !l.trim().is_empty()).count(), quoted, "{att}");
    for bad in ["证据包", "合同", "verify"] {
        assert!(!att.contains(bad), "{bad} in the attachments:\n{att}");
    }
    // With an evidence store: the package, with its check value and nothing to run.
    let evidence =
        EvidenceIndex { total: 42, chain_head: Some("ab".repeat(32)), verified: Some(true), rows: Vec::new() };
    let inputs = Inputs { evidence: Some(&evidence), ..c.inputs() };
    let att = attachments_of(&letter(&inputs, LetterKind::Police, None).plain_text());
    assert!(att.contains(&format!("证据包（共 42 条记录，防篡改校验值 {}）", "ab".repeat(32))), "{att}");

    // The credit objection names payment records only when the case records payments.
    let src = read("examples/credit-card.toml");
    let card = compute(&src, "");
    let text = letter(&card.inputs(), LetterKind::CreditObjection, None).plain_text();
    assert!(text.contains("附件：身份证复印件"), "{text}");
    assert_eq!(text.contains("还款凭证"), !card.case.debts[0].payments.is_empty(), "{text}");
}

/// A newcomer pasted "【XX法院】您涉嫌恶意逃废债……" and the report named "XX法院" as the suspect:
/// it would have reported a court. A sender signing as a court or the police is named as what it
/// claims to be; a phone number stays a phone number.
#[test]
fn the_police_report_does_not_accuse_the_body_a_collector_signs_as() {
    let fake = r#"{"time": "2026-11-20T21:30:00+08:00", "from": "XX法院", "to": "self", "channel": "sms", "text": "【XX法院】您涉嫌恶意逃废债，已立案，请于今日联系经办人，否则将移交公安机关处理。"}"#;
    let c = compute(&read("examples/unlicensed-714.toml"), &format!("{}\n{fake}\n", read(MESSAGES)));
    let text = letter(&c.inputs(), LetterKind::Police, None).plain_text();
    let accused = text.lines().find(|l| l.starts_with("被报案人：")).expect("the accused line");
    assert!(accused.contains("自称“XX法院”的发送者"), "{accused}");
    assert!(!accused.contains("、XX法院") && !accused.starts_with("被报案人：XX法院"), "{accused}");
    // The other senders are phone numbers, named as they are.
    assert!(accused.contains("、1") || accused.starts_with("被报案人：1"), "{accused}");
}

/// The plan said "依法应还 4,136.27 元；对方主张 6,200.00 元，多出 2,097.46 元": the excess is reckoned
/// on the demand's day, the lawful amount today, and a reader subtracting found 2,063.73. Each
/// demand is now stated with its day and what the law supported then, and those figures add up.
#[test]
fn a_demand_is_compared_with_what_the_law_supported_on_its_day() {
    let c = demo();
    let inputs = c.inputs();
    let doc = yuqi_docs::sections::document(
        "plan",
        "计划".into(),
        &inputs,
        &[yuqi_docs::Section::Plan],
        &yuqi_docs::SectionOptions::FULL,
    );
    let text = doc.plain_text();
    let re = Regex::new(r"对方 \d+年\d+月\d+日 主张 ([\d,.]+) 元，比当日依法应还的 ([\d,.]+) 元多出 ([\d,.]+) 元")
        .expect("re");
    let yuan = |s: &str| (s.replace(',', "").parse::<f64>().expect("amount") * 100.0).round() as i64;
    let mut seen = 0;
    for cap in re.captures_iter(&text) {
        assert_eq!(yuan(&cap[1]) - yuan(&cap[2]), yuan(&cap[3]), "{}", &cap[0]);
        seen += 1;
    }
    assert!(seen >= 2, "the demo's demands are stated with their day: {text}");
    assert!(!text.contains("；对方主张"), "{text}");
}

/// The list of names that claim an authority is public, for the web's inbox to ask the same
/// question the police letter asks.
#[test]
fn a_name_claiming_a_court_the_police_or_a_law_firm_is_recognised_through_the_public_api() {
    for claimed in ["【某某区人民法院】", "城东派出所", "某某律师事务所", "市公安局经侦", "仲裁委员会"]
    {
        assert!(yuqi_docs::letters::claims_authority(claimed), "{claimed}");
    }
    for plain in ["某某小额贷款有限公司", "17312345678", "极速贷", ""] {
        assert!(!yuqi_docs::letters::claims_authority(plain), "{plain}");
    }
}

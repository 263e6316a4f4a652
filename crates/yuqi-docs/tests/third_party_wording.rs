//! Complaint letters said "联系第三人/爆通讯录" of every message that spoke of the borrower's
//! contacts, as if they had been called, when most only threatened to call them. A regulator
//! that finds no third party was called dismisses the point. The label now follows the record:
//! a message sent to a relative, one saying the family has been told, and one threatening to
//! tell them are worded apart, and the association is asked to "stop" only what was done.

use chrono::NaiveDate;
use yuqi_docs::{LetterKind, LetterOptions};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).expect("date")
}

fn letter_text(messages: &str, kind: LetterKind) -> String {
    let src = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/demo.toml")).expect("demo");
    let case = yuqi_case::parse_case(&src, "demo.toml").expect("parse");
    let messages = messages
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str::<yuqi_conduct::Message<'_>>(l).expect("message").into_owned())
        .collect();
    let dates = yuqi_app::Dates { written: Some(today()), ..yuqi_app::Dates::today(today()) };
    let c = yuqi_app::compute(yuqi_app::CaseInput { case, evidence: None, messages }, dates).expect("pipeline");
    let opts = LetterOptions { debt: Some("hjd".into()), accept_limitation_effect: false };
    yuqi_docs::letter(kind, &c.inputs(), &opts).unwrap_or_else(|e| panic!("{e}")).plain_text()
}

/// The labels of contact with third parties in a letter, in order.
fn labels(text: &str) -> Vec<String> {
    text.match_indices("联系第三人/爆通讯录（")
        .map(|(at, _)| text[at..].split('）').next().unwrap_or("").to_string())
        .collect()
}

const THREAT: &str = r#"{"id": "t1", "time": "2026-11-20 10:00:00", "from": "17100009999", "to": "self", "channel": "sms", "creditor": "hjd", "text": "今天不还钱，我们就把你的欠款情况发到你通讯录里的每一个人。"}"#;
const SENT: &str = r#"{"id": "t2", "time": "2026-11-21 10:00:00", "from": "17100009999", "to": "relative", "channel": "sms", "creditor": "hjd", "text": "孙阿姨您好，您女儿在我司的借款已经逾期，请您转告她尽快还款，欠款不还我们会通知她单位。"}"#;
const SAID_DONE: &str = r#"{"id": "t3", "time": "2026-11-22 10:00:00", "from": "17100009999", "to": "self", "channel": "sms", "creditor": "hjd", "text": "我们已经联系了你的紧急联系人，你自己看着办。"}"#;

#[test]
fn a_threat_to_tell_third_parties_is_not_stated_as_done() {
    for kind in [LetterKind::Regulator, LetterKind::Association] {
        let text = letter_text(THREAT, kind);
        let found = labels(&text);
        assert!(!found.is_empty(), "{}: no label:\n{text}", kind.id());
        for l in &found {
            assert!(l.contains("相威胁"), "{}: {l}", kind.id());
            assert!(!l.contains("发给了") && !l.contains("称已"), "{}: {l}", kind.id());
        }
        if kind == LetterKind::Association {
            assert!(!text.contains("停止向本人以外的第三人披露"), "{text}");
            assert!(text.contains("不得向本人以外的第三人披露"), "{text}");
        }
    }
}

#[test]
fn contact_that_was_made_or_claimed_is_stated_as_such() {
    let text = letter_text(&format!("{SENT}\n{SAID_DONE}"), LetterKind::Association);
    let found = labels(&text);
    assert!(found.iter().any(|l| l.contains("发给了本人以外的第三人")), "{found:?}\n{text}");
    assert!(found.iter().any(|l| l.contains("称已向")), "{found:?}\n{text}");
    assert!(text.contains("停止向本人以外的第三人披露"), "{text}");
}

//! A borrower with four loans pasted four threats from one lender's collector, tied to no loan:
//! the complaint against another lender quoted all four, and the police report said every lender
//! collected ("对方以本人于…通过B借呗…逾期为由，向本人催收"), statements he could not prove
//! about companies that sent nothing. A letter about a debt quotes the records tied to it; a
//! record tied to no debt is that debt's only when the case has a single one.

use std::path::PathBuf;

use chrono::NaiveDate;
use yuqi_docs::{Doc, LetterKind, LetterOptions};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).expect("date")
}

fn compute(case: &str, messages: &[String]) -> yuqi_app::Computed {
    let src = std::fs::read_to_string(root().join(case)).expect("case");
    let case = yuqi_case::parse_case(&src, "case.toml").unwrap_or_else(|e| panic!("{e}"));
    let messages = messages
        .iter()
        .map(|l| serde_json::from_str::<yuqi_conduct::Message<'_>>(l).expect("message").into_owned())
        .collect();
    let dates = yuqi_app::Dates { written: Some(today()), ..yuqi_app::Dates::today(today()) };
    yuqi_app::compute(yuqi_app::CaseInput { case, evidence: None, messages }, dates).expect("pipeline")
}

fn letter(c: &yuqi_app::Computed, kind: LetterKind, debt: Option<&str>) -> Doc {
    let opts = LetterOptions { debt: debt.map(str::to_string), accept_limitation_effect: false };
    yuqi_docs::letter(kind, &c.inputs(), &opts).unwrap_or_else(|e| panic!("{}: {e}", kind.id()))
}

const TIED: &str = "你涉嫌诈骗，已经立案，等着被拘留吧";
const UNTIED: &str = "老赖，欠钱不还还有脸活着？今天不还就把你的照片和欠款发到你通讯录里的每一个人";

fn message(id: &str, time: &str, creditor: Option<&str>, text: &str) -> String {
    let creditor = creditor.map_or_else(String::new, |c| format!(r#""creditor": "{c}", "#));
    format!(
        r#"{{"id": "{id}", "time": "{time}", "from": "17312345678", "to": "self", "channel": "sms", {creditor}"text": "{text}"}}"#
    )
}

#[test]
fn a_letter_quotes_only_the_messages_of_its_debt() {
    let c = compute(
        "examples/stacking.toml",
        &[message("m1", "2026-11-20 23:18:00", Some("a"), TIED), message("m2", "2026-11-21 20:05:00", None, UNTIED)],
    );
    // The debt the threat is tied to: quoted; the untied one is not, and the notice says why.
    let a = letter(&c, LetterKind::Regulator, Some("a"));
    let text = a.plain_text();
    assert!(text.contains(TIED), "{text}");
    assert!(!text.contains("老赖"), "an untied message quoted as A's collection:\n{text}");
    assert!(a.notices.iter().any(|n| n.contains("没有对应到哪一笔借款")), "{:?}", a.notices);
    // Another debt: neither message (it may have no complaint at all; then the refusal names the
    // untied messages).
    let opts = LetterOptions { debt: Some("b".to_string()), accept_limitation_effect: false };
    match yuqi_docs::letter(LetterKind::Regulator, &c.inputs(), &opts) {
        Ok(b) => {
            let text = b.plain_text();
            assert!(!text.contains(TIED) && !text.contains("老赖"), "B's complaint quotes others' messages:\n{text}");
        }
        Err(e) => assert!(e.to_string().contains("没有对应到哪一笔借款"), "{e}"),
    }
    // The police report quotes both as received but says only A's lender collected.
    let police = letter(&c, LetterKind::Police, None);
    let text = police.plain_text();
    assert!(text.contains(TIED) && text.contains("老赖"), "{text}");
    assert!(text.contains("通过A分期"), "{text}");
    for other in ["B借呗", "C花", "D速贷"] {
        assert!(
            !text.lines().any(|l| l.contains(other) && l.contains("向本人催收")),
            "the police report says {other} collected:\n{text}"
        );
    }
    assert!(text.contains("无法确定对方是为哪一笔借款催收"), "{text}");
}

#[test]
fn with_a_single_debt_an_untied_message_is_that_debts() {
    let c = compute("examples/credit-card.toml", &[message("m1", "2026-11-21 20:05:00", None, UNTIED)]);
    let doc = letter(&c, LetterKind::Regulator, None);
    assert!(doc.plain_text().contains("老赖"), "{}", doc.plain_text());
    assert!(!doc.notices.iter().any(|n| n.contains("没有对应到哪一笔借款")), "{:?}", doc.notices);
}

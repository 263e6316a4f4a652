//! Sure and possible findings (issue 17): the inbox marks what the analyzer is sure of and lists
//! what it only suspects apart, in plain words; a letter quotes only the sure ones.

mod common;

use axum::body::Body;
use axum::http::{StatusCode, header};
use common::*;

/// A threat the rules know (sure).
const SURE: &str = "再不还钱就把你的事发到你单位和通讯录所有人";
/// Vague menaces the model may suspect without being sure; the test takes the first that is
/// (the model is retrained as the corpus grows, so the exact one may change).
const VAGUE: [&str; 6] = [
    "你真是个不讲信用的人",
    "别在躲了，欠钱迟早要还",
    "你再这样拖着，后果自己想",
    "看你能躲到什么时候",
    "我们工作人员明天过去聊聊",
    "你身边的人知道吗",
];

#[tokio::test]
async fn possible_findings_are_listed_apart_and_kept_out_of_letters() {
    // The premise: the analyzer is unsure of the vague one and sure of the threat.
    let an = yuqi_conduct::Analyzer::shared();
    let mut s = yuqi_conduct::Scratch::default();
    let vague = VAGUE
        .into_iter()
        .find(|t| {
            let a = an.analyze_text(t, &mut s);
            !a.hits.is_empty() && a.hits.iter().all(|h| !h.is_sure())
        })
        .expect("one of the vague messages gives only possible findings");
    assert!(an.analyze_text(SURE, &mut s).hits.iter().any(|h| h.is_sure()));

    let app = app().await;
    let id = new_demo_case(&app).await;
    let token = csrf(&app, None).await;
    let pasted = format!("2026-11-21 09:00 13800138000\r\n{SURE}\r\n\r\n2026-11-21 10:00 13800138000\r\n{vague}\r\n");
    let r = send(
        &app,
        post(&format!("/cases/{id}/inbox/paste"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form(&[("csrf", &token), ("text", &pasted), ("confirm", "1")]))
            .expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let t = send(&app, get(&format!("/cases/{id}/inbox")).body(Body::empty()).expect("req")).await.text();
    let vague_at = t.find(vague).expect("the vague message is listed");
    // The note follows the vague message (the sure one may carry its own note too).
    let note = vague_at + t[vague_at..].find("系统把握不大").unwrap_or_else(|| panic!("the possible finding: {t}"));
    assert!(t[note..].contains("需要你对照原文自己确认，不会写进投诉信"), "{t}");
    // The sure threat is marked in its quote; the vague message carries no mark.
    assert!(
        t.contains("<mark data-code=\"contact_third_party\">") || t.contains("<mark data-code=\"intimidation\">"),
        "{t}"
    );
    let vague_quote = &t[t[..vague_at].rfind("<blockquote").unwrap_or(0)..vague_at + vague.len()];
    assert!(!vague_quote.contains("<mark"), "{vague_quote}");

    // The complaint to the regulator quotes the threat and not the vague message.
    let r =
        send(&app, get(&format!("/cases/{id}/letters/complaint?debt=hjd&format=md")).body(Body::empty()).expect("req"))
            .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let letter = r.text();
    // The quote carries the finding's highlight wherever its span starts (a model's span may
    // start a character in): the words are read without the marks.
    let mut words = letter.replace("</mark>", "");
    while let Some(a) = words.find("<mark") {
        let b = words[a..].find('>').map_or(words.len(), |e| a + e + 1);
        words.replace_range(a..b, "");
    }
    assert!(words.contains("再不还钱就把你的事"), "{letter}");
    assert!(letter.contains("<mark"), "the threat is highlighted: {letter}");
    assert!(!letter.contains(vague), "{letter}");
}

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
const VAGUE: [&str; 9] = [
    "就他妈几百块，你装什么装",
    "欠钱不还，小心你家房子哪天着火",
    "你真是个不讲信用的人",
    "脸都不要了，你爹妈怎么教的你",
    "别在躲了，欠钱迟早要还",
    "你再这样拖着，后果自己想",
    "看你能躲到什么时候",
    "我们工作人员明天过去聊聊",
    "你身边的人知道吗",
];

/// The first of the vague messages the analyzer is unsure of (and finds something in).
fn vague(an: &yuqi_conduct::Analyzer, s: &mut yuqi_conduct::Scratch) -> &'static str {
    VAGUE
        .into_iter()
        .find(|t| {
            let a = an.analyze_text(t, s);
            !a.hits.is_empty() && a.hits.iter().all(|h| !h.is_sure())
        })
        .expect("one of the vague messages gives only possible findings")
}

#[tokio::test]
async fn possible_findings_are_listed_apart_and_kept_out_of_letters() {
    // The premise: the analyzer is unsure of the vague one and sure of the threat.
    let an = yuqi_conduct::Analyzer::shared();
    let mut s = yuqi_conduct::Scratch::default();
    let vague = vague(an, &mut s);
    assert!(an.analyze_text(SURE, &mut s).hits.iter().any(|h| h.is_sure()));

    let app = app().await;
    let id = new_demo_case(&app).await;
    let token = csrf(&app, None).await;
    let pasted = format!("2026-11-21 09:00 13800138000\r\n{SURE}\r\n\r\n2026-11-21 10:00 13800138000\r\n{vague}\r\n");
    let r = send(
        &app,
        post(&format!("/cases/{id}/inbox/paste"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form(&[("csrf", &token), ("text", &pasted), ("debt", "hjd"), ("confirm", "1")]))
            .expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let t = send(&app, get(&format!("/cases/{id}/inbox")).body(Body::empty()).expect("req")).await.text();
    let vague_at = t.find(vague).expect("the vague message is listed");
    // The note follows the vague message (the sure one may carry its own note too).
    let note = vague_at + t[vague_at..].find("系统把握不大").unwrap_or_else(|| panic!("the possible finding: {t}"));
    assert!(t[note..].contains("你点“是这样”之前不会写进投诉信"), "{t}");
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

/// The complaint letter's words without the highlight marks.
fn words(letter: &str) -> String {
    let mut w = letter.replace("</mark>", "");
    while let Some(a) = w.find("<mark") {
        let b = w[a..].find('>').map_or(w.len(), |e| a + e + 1);
        w.replace_range(a..b, "");
    }
    w
}

/// The entry number of the inbox item that quotes `text` (its anchor `id="mN"`); the quote's
/// highlights split the text, so each item is read as the reader sees it.
fn seq_of(page: &str, text: &str) -> String {
    page.split("id=\"m")
        .skip(1)
        .find(|item| visible(item.split("<div class=\"msg\"").next().unwrap_or(item)).contains(text))
        .map(|item| item.chars().take_while(char::is_ascii_digit).collect())
        .unwrap_or_else(|| panic!("{text} listed: {page}"))
}

/// The borrower settles what the analyzer could not: he confirms a suspicion, rejects a finding
/// he knows is wrong, and marks what it missed; the complaint letter follows his word, each
/// judgment is an entry of the evidence chain, and a withdrawn one gives the analyzer's view back.
#[tokio::test]
async fn the_borrowers_word_decides_what_the_letter_quotes() {
    let an = yuqi_conduct::Analyzer::shared();
    let mut s = yuqi_conduct::Scratch::default();
    let vague = vague(an, &mut s);
    let plain = "你自己掂量掂量";
    assert!(an.analyze_text(plain, &mut s).hits.iter().all(|h| !h.is_sure()), "the premise: nothing sure in it");

    let app = app().await;
    let id = new_demo_case(&app).await;
    let token = csrf(&app, None).await;
    let pasted = format!(
        "2026-11-21 09:00 13800138000\r\n{SURE}\r\n\r\n2026-11-21 10:00 13800138000\r\n{vague}\r\n\r\n2026-11-21 11:00 13800138000\r\n{plain}\r\n"
    );
    let r = send(
        &app,
        post(&format!("/cases/{id}/inbox/paste"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form(&[("csrf", &token), ("text", &pasted), ("debt", "hjd"), ("confirm", "1")]))
            .expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let inbox =
        || async { send(&app, get(&format!("/cases/{id}/inbox")).body(Body::empty()).expect("req")).await.text() };
    let letter = || async {
        let r = send(
            &app,
            get(&format!("/cases/{id}/letters/complaint?debt=hjd&format=md")).body(Body::empty()).expect("req"),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        words(&r.text())
    };
    let judge = |seq: String, code: &'static str, verdict: &'static str| {
        let token = token.clone();
        let id = id.clone();
        let app = &app;
        async move {
            send(
                app,
                post(&format!("/cases/{id}/inbox/judge"))
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(form(&[("csrf", &token), ("seq", &seq), ("code", code), ("verdict", verdict)]))
                    .expect("req"),
            )
            .await
        }
    };
    let page = inbox().await;
    let (sure_seq, vague_seq, plain_seq) = (seq_of(&page, SURE), seq_of(&page, vague), seq_of(&page, plain));
    let before = letter().await;
    assert!(before.contains("再不还钱就把你的事") && !before.contains(vague) && !before.contains(plain), "{before}");

    // A suspicion confirmed goes into the letter, marked in the inbox as his.
    let vague_code = an.analyze_text(vague, &mut s).hits[0].code.as_str();
    let r = judge(vague_seq.clone(), vague_code, "confirmed").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert!(letter().await.contains(vague));
    // (Its words are marked now: read as the reader sees them, without tags.)
    let page = visible(&inbox().await);
    assert!(page[page.find(vague).expect("listed")..].contains("你确认的：会写进投诉信"), "{page}");

    // What the analyzer missed, marked by him: a veiled warning (掂量掂量) is menace.
    judge(plain_seq.clone(), "intimidation", "confirmed").await;
    let l = letter().await;
    assert!(l.contains(plain), "{l}");

    // A finding he rejects leaves the letter (the threat's every code rejected).
    let sure_codes: Vec<&str> = {
        let mut c: Vec<&str> = an.analyze_text(SURE, &mut s).codes.iter().map(|c| c.as_str()).collect();
        c.dedup();
        c
    };
    for code in &sure_codes {
        judge(sure_seq.clone(), code, "rejected").await;
    }
    let l = letter().await;
    assert!(!l.contains("再不还钱就把你的事"), "{l}");
    let page = inbox().await;
    assert!(page.contains("你认为这条消息没有这个问题"), "{page}");

    // Withdrawn, the analyzer's own view stands again.
    for code in &sure_codes {
        judge(sure_seq.clone(), code, "cleared").await;
    }
    assert!(letter().await.contains("再不还钱就把你的事"));

    // Refused in Chinese, nothing recorded: no code chosen, an unknown entry.
    let r = judge(plain_seq.clone(), "", "confirmed").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("请先在“系统漏了什么”里选一种问题"), "{}", r.text());
    let r = judge("999999".to_string(), "insult", "confirmed").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("不是一条消息"), "{}", r.text());
}

/// The same judgments through the JSON API: a helper or a lawyer's tool addresses a stored
/// message by the `evidence_seq` the message list gives, and the list then carries the judgment.
#[tokio::test]
async fn judgments_through_the_json_api() {
    let plain = "你自己掂量掂量";
    let app = app().await;
    let id = new_demo_case(&app).await;
    let token = csrf(&app, None).await;
    let api = |method: &'static str, uri: String, body: serde_json::Value| {
        let token = token.clone();
        let app = &app;
        async move {
            let req = if method == "POST" { post(&uri) } else { get(&uri) };
            let body = if method == "POST" { Body::from(body.to_string()) } else { Body::empty() };
            send(
                app,
                req.header("x-csrf-token", &token)
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(body)
                    .expect("req"),
            )
            .await
        }
    };
    let r = api(
        "POST",
        format!("/api/v1/cases/{id}/messages"),
        serde_json::json!({ "text": format!("2026-11-21 11:00 13800138000\n{plain}\n"), "debt": "hjd" }),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let listed = || async {
        let r = api("GET", format!("/api/v1/cases/{id}/messages"), serde_json::Value::Null).await;
        r.json()["messages"]
            .as_array()
            .expect("messages")
            .iter()
            .find(|m| m["text"].as_str() == Some(plain))
            .cloned()
            .expect("the pasted message is listed")
    };
    let m = listed().await;
    let seq = m["evidence_seq"].as_u64().expect("a stored message has its entry number");
    assert!(
        !m["hits"].as_array().expect("hits").iter().any(|h| h["code"] == "intimidation"),
        "the premise: the analyzer is not sure of it: {m}"
    );
    let judge = |code: &str, verdict: &str| {
        api(
            "POST",
            format!("/api/v1/cases/{id}/messages/{seq}/judgments"),
            serde_json::json!({ "code": code, "verdict": verdict }),
        )
    };

    let r = judge("intimidation", "confirmed").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.json()["message"].as_str().is_some_and(|t| t.contains("会写进投诉信")), "{}", r.text());
    let m = listed().await;
    let hit = m["hits"].as_array().expect("hits").iter().find(|h| h["code"] == "intimidation").cloned();
    assert_eq!(hit.map(|h| h["by_user"].clone()), Some(serde_json::Value::Bool(true)), "{m}");

    let r = judge("intimidation", "rejected").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let m = listed().await;
    assert!(m["rejected"].as_array().expect("rejected").iter().any(|c| c == "intimidation"), "{m}");
    assert!(!m["hits"].as_array().expect("hits").iter().any(|h| h["code"] == "intimidation"), "{m}");

    // Refused in Chinese, nothing recorded: a verdict it does not know, a code it does not know.
    for (code, verdict) in [("intimidation", "maybe"), ("no_such_code", "confirmed")] {
        let r = judge(code, verdict).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert!(r.json()["error"].as_str().is_some_and(|e| !e.is_empty() && !e.is_ascii()), "{}", r.text());
    }
    let m = listed().await;
    assert!(
        m["rejected"].as_array().expect("rejected").iter().any(|c| c == "intimidation"),
        "the last judgment stands: {m}"
    );
}

/// A claim of a filed case or a court's notice is a finding, but courts and lawyers do send
/// notices: beside it the inbox says how to check (12368) and what to do if it is real; a threat
/// that claims nothing of the kind carries no such caution.
#[tokio::test]
async fn a_court_claim_says_how_to_check_it() {
    let claim = "你的案件已经立案，法院传票三日内送达";
    let an = yuqi_conduct::Analyzer::shared();
    let mut s = yuqi_conduct::Scratch::default();
    let sure: Vec<&str> =
        an.analyze_text(claim, &mut s).hits.iter().filter(|h| h.is_sure()).map(|h| h.code.as_str()).collect();
    assert!(sure.contains(&"fake_legal_document"), "the premise: a sure finding of a fake document: {sure:?}");
    assert!(
        !an.analyze_text(SURE, &mut s)
            .codes
            .iter()
            .any(|c| matches!(c.as_str(), "fake_legal_document" | "impersonate_authority"))
    );

    let app = app().await;
    let id = new_demo_case(&app).await;
    let token = csrf(&app, None).await;
    let pasted = format!("2026-11-21 09:00 13800138000\r\n{SURE}\r\n\r\n2026-11-21 10:00 13800138000\r\n{claim}\r\n");
    let r = send(
        &app,
        post(&format!("/cases/{id}/inbox/paste"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form(&[("csrf", &token), ("text", &pasted), ("debt", "hjd"), ("confirm", "1")]))
            .expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let t = visible(&send(&app, get(&format!("/cases/{id}/inbox")).body(Body::empty()).expect("req")).await.text());
    let (a, b) = (t.find("再不还钱就把你的事").expect("the threat"), t.find("法院传票三日内送达").expect("the claim"));
    let (threat_part, claim_part) = if a < b { (&t[a..b], &t[b..]) } else { (&t[a..], &t[b..a]) };
    assert!(claim_part.contains("打 12368 向法院核实"), "{t}");
    assert!(claim_part.contains("核实是真的，请点“不是”"), "{t}");
    assert!(!threat_part.contains("12368"), "{t}");
}

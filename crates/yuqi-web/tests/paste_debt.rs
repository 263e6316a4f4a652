//! A borrower with four loans pasted four threats, all from one lender's collector: the paste
//! box had no way to say which loan they were about, and the complaint against another lender
//! quoted them. The paste box (and the JSON API) now asks 这些消息是哪笔借款的催收？; the answer
//! ties the messages to that debt, and only that debt's letters quote them.

mod common;

use axum::body::Body;
use axum::http::{StatusCode, header};
use common::*;

const THREAT_A: &str = "你涉嫌诈骗，已经立案，等着被拘留吧";
const THREAT_C: &str = "再不还钱就把你的事发到你单位和通讯录所有人";

async fn stacking_case(app: &App, token: &str) -> (String, yuqi_case::Case) {
    let toml =
        std::fs::read_to_string(format!("{}/../../examples/stacking.toml", env!("CARGO_MANIFEST_DIR"))).expect("case");
    let r = send(
        app,
        post("/api/v1/cases")
            .header("x-csrf-token", token)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(serde_json::json!({ "title": "四笔借款", "toml": toml }).to_string()))
            .expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let case = yuqi_case::parse_case(&toml, "stacking.toml").expect("case");
    (r.json()["id"].as_str().expect("id").to_string(), case)
}

fn paste_form(id: &str, pairs: &[(&str, &str)]) -> axum::http::Request<Body> {
    post(&format!("/cases/{id}/inbox/paste"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(form(pairs))
        .expect("req")
}

/// The complaint about a debt as Markdown: `None` when there is nothing to complain of.
async fn complaint(app: &App, id: &str, debt: &str) -> Option<String> {
    let r = send(
        app,
        get(&format!("/cases/{id}/letters/complaint?debt={debt}&format=md")).body(Body::empty()).expect("req"),
    )
    .await;
    (r.status == StatusCode::OK).then(|| words(&r.text()))
}

/// A letter's words without the highlights of its quotes (a finding's span may start anywhere).
fn words(letter: &str) -> String {
    let mut w = letter.replace("</mark>", "");
    while let Some(a) = w.find("<mark") {
        let b = w[a..].find('>').map_or(w.len(), |e| a + e + 1);
        w.replace_range(a..b, "");
    }
    w
}

#[tokio::test]
async fn pasted_messages_are_quoted_only_in_the_letters_of_the_debt_they_are_about() {
    let app = app().await;
    let token = csrf(&app, None).await;
    let (id, case) = stacking_case(&app, &token).await;

    // The paste box asks, 不确定 first and chosen, then each debt by the name the pages use.
    let inbox = send(&app, get(&format!("/cases/{id}/inbox")).body(Body::empty()).expect("req")).await.text();
    assert!(inbox.contains("这些消息是哪笔借款的催收？"), "{inbox}");
    assert!(inbox.contains("<option value=\"\" selected>不确定</option>"), "{inbox}");
    for d in &case.debts {
        assert!(inbox.contains(&format!("<option value=\"{}\">{}</option>", d.id, case.debt_name(&d.id))), "{inbox}");
    }

    // The preview keeps the choice for the confirmation.
    let pasted = format!("2026-11-21 23:18 17312345678\r\n{THREAT_A}\r\n");
    let r = send(&app, paste_form(&id, &[("csrf", &token), ("text", &pasted), ("debt", "a")])).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.text().contains("<input type=\"hidden\" name=\"debt\" value=\"a\">"), "{}", r.text());
    assert!(r.text().contains("<option value=\"a\" selected>"), "{}", r.text());
    // A debt not of the case is refused in Chinese, with everything typed kept.
    let r = send(&app, paste_form(&id, &[("csrf", &token), ("text", &pasted), ("debt", "zz"), ("confirm", "1")])).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(r.text().contains("不在这个案例里") && r.text().contains(THREAT_A), "{}", r.text());

    let r = send(&app, paste_form(&id, &[("csrf", &token), ("text", &pasted), ("debt", "a"), ("confirm", "1")])).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.text().contains("已保存 1 条消息"), "{}", r.text());

    // The JSON API takes the debt too.
    let body = serde_json::json!({ "text": format!("2026-11-22 09:00 17355550000\n{THREAT_C}\n"), "debt": "c" });
    let r = send(
        &app,
        post(&format!("/api/v1/cases/{id}/messages"))
            .header("x-csrf-token", &token)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());

    // A's complaint quotes A's threat and not C's; C's the reverse; B's neither.
    let a = complaint(&app, &id, "a").await.expect("A's complaint");
    assert!(a.contains("涉嫌诈骗") && !a.contains("发到你单位"), "{a}");
    let c = complaint(&app, &id, "c").await.expect("C's complaint");
    assert!(c.contains("发到你单位") && !c.contains("涉嫌诈骗"), "{c}");
    if let Some(b) = complaint(&app, &id, "b").await {
        assert!(!b.contains("涉嫌诈骗") && !b.contains("发到你单位"), "{b}");
    }

    // A threat pasted with 不确定 is in no debt's complaint, and the letters page says so.
    let untied = "2026-11-23 08:00 17399990000\r\n老赖，今天不还就让你全家在亲戚朋友面前抬不起头\r\n";
    let r = send(&app, paste_form(&id, &[("csrf", &token), ("text", untied), ("confirm", "1")])).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    for d in ["a", "b", "c", "d"] {
        if let Some(l) = complaint(&app, &id, d).await {
            assert!(!l.contains("老赖"), "{d}: {l}");
        }
    }
    let page = send(
        &app,
        get(&format!("/cases/{id}/letters")).header(header::COOKIE, "yq_seen=1").body(Body::empty()).expect("req"),
    )
    .await
    .text();
    assert!(page.contains("没有对应到哪一笔借款") && page.contains("这些消息是哪笔借款的催收？"), "{page}");
}

/// A collector's notice of the debt, sent to his mother: nothing in its words says who reads it.
const TO_MOTHER: &str = "李明在我司的借款已逾期90天，请尽快处理，否则后果自负。";

/// The inbox's block for the message quoting `text`: its heading and its findings (not the
/// choices under it), as a reader sees them.
fn message_block(inbox: &str, text: &str) -> String {
    let at = inbox.find(text).unwrap_or_else(|| panic!("{text} not in the inbox: {inbox}"));
    let start = inbox[..at].rfind("<div class=\"msg\"").unwrap_or(0);
    let end = inbox[at..].find("<div class=\"msg\"").map_or(inbox.len(), |e| at + e);
    let block = &inbox[start..end];
    let quote = block.find("<ul class=\"findings\">").map_or(block, |f| &block[..f]);
    let findings =
        block.find("<ul class=\"findings\">").map_or("", |f| &block[f..f + block[f..].find("</ul>").unwrap_or(0)]);
    visible(&format!("{quote}{findings}"))
}

#[tokio::test]
async fn a_message_someone_else_received_is_contact_with_a_third_party() {
    let app = app().await;
    let token = csrf(&app, None).await;
    let (id, _) = stacking_case(&app, &token).await;

    // The paste box asks who received the messages, 我本人 first and chosen.
    let inbox = send(&app, get(&format!("/cases/{id}/inbox")).body(Body::empty()).expect("req")).await.text();
    assert!(inbox.contains("这些消息是谁收到的？"), "{inbox}");
    assert!(inbox.contains("<option value=\"\" selected>我本人</option>"), "{inbox}");
    for who in ["家人或亲戚", "朋友", "同事", "单位（领导、人事、老板）", "其他人"] {
        assert!(inbox.contains(&format!(">{who}</option>")), "{who}: {inbox}");
    }

    // The same words, received by him: no third party.
    let mine = format!("2026-11-20 10:00 17311112222\r\n{TO_MOTHER}\r\n");
    let r = send(&app, paste_form(&id, &[("csrf", &token), ("text", &mine), ("debt", "a"), ("confirm", "1")])).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let own = message_block(&r.text(), "2026-11-20 10:00");
    assert!(!own.contains("联系第三人") && !own.contains("发给"), "{own}");

    // Received by his mother: the preview already reads it as contact with a third party and
    // keeps the choice for the confirmation.
    let hers = format!("2026-11-21 10:00 17311112222\r\n{TO_MOTHER}\r\n");
    let r = send(&app, paste_form(&id, &[("csrf", &token), ("text", &hers), ("debt", "a"), ("to", "relative")])).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.text().contains("<input type=\"hidden\" name=\"to\" value=\"relative\">"), "{}", r.text());
    assert!(r.text().contains("<option value=\"relative\" selected>家人或亲戚</option>"), "{}", r.text());
    let page = r.text();
    let finding = page.split("<span class=\"finding\">").nth(1).and_then(|f| f.split("</span>").next()).unwrap_or("");
    assert!(finding.starts_with("可能违法：") && finding.contains("联系第三人"), "{page}");
    // A recipient the box does not offer is refused in Chinese, with everything typed kept.
    let r = send(&app, paste_form(&id, &[("csrf", &token), ("text", &hers), ("to", "boss"), ("confirm", "1")])).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(r.text().contains("这些消息是谁收到的？") && r.text().contains("没看懂") && r.text().contains(TO_MOTHER));
    let r = send(
        &app,
        paste_form(&id, &[("csrf", &token), ("text", &hers), ("debt", "a"), ("to", "relative"), ("confirm", "1")]),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.text().contains("已保存 1 条消息"), "{}", r.text());
    // The inbox says whom it was sent to and what that is.
    let hers_shown = message_block(&r.text(), "2026-11-21 10:00");
    assert!(hers_shown.contains("发给 本人的亲属") && hers_shown.contains("联系第三人"), "{hers_shown}");

    // The JSON API takes the same field: a message his colleague received.
    let body = serde_json::json!({
        "text": format!("2026-11-22 09:00 17311112222\n{TO_MOTHER}\n"), "debt": "a", "to": "colleague"
    });
    let r = send(
        &app,
        post(&format!("/api/v1/cases/{id}/messages"))
            .header("x-csrf-token", &token)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());

    // The complaint names the recipients and the contact with third parties.
    let a = complaint(&app, &id, "a").await.expect("A's complaint");
    assert!(a.contains("发给 本人的亲属") && a.contains("发给 本人的同事"), "{a}");
    assert!(a.contains("联系第三人"), "{a}");
}

/// The stored message quoting `text` in the inbox: its entry in the evidence store.
fn seq_of(inbox: &str, text: &str) -> String {
    let at = inbox.find(text).unwrap_or_else(|| panic!("{text} not in the inbox: {inbox}"));
    let start = inbox[..at].rfind("<div class=\"msg\" id=\"m").unwrap_or_else(|| panic!("not stored: {inbox}"));
    let rest = &inbox[start + "<div class=\"msg\" id=\"m".len()..];
    rest[..rest.find('"').expect("id")].to_string()
}

fn tie_form(id: &str, pairs: &[(&str, &str)]) -> axum::http::Request<Body> {
    post(&format!("/cases/{id}/inbox/tie"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(form(pairs))
        .expect("req")
}

/// How many entries the case's evidence store holds (the JSON API's count).
async fn entries(app: &App, id: &str) -> u64 {
    send(app, get(&format!("/api/v1/cases/{id}/evidence")).body(Body::empty()).expect("req")).await.json()["evidence"]
        ["total"]
        .as_u64()
        .expect("total")
}

#[tokio::test]
async fn a_saved_message_is_tied_to_a_debt_afterwards() {
    let app = app().await;
    let token = csrf(&app, None).await;
    let (id, case) = stacking_case(&app, &token).await;

    // Two threats pasted with 不确定: in no debt's complaint. Pasting them again with a debt
    // chosen stores nothing new, so they stay untied.
    let untied =
        format!("2026-11-21 23:18 17312345678\r\n{THREAT_A}\r\n\r\n2026-11-22 09:00 17355550000\r\n{THREAT_C}\r\n");
    let r = send(&app, paste_form(&id, &[("csrf", &token), ("text", &untied), ("confirm", "1")])).await;
    assert!(r.text().contains("已保存 2 条消息"), "{}", r.text());
    let r = send(&app, paste_form(&id, &[("csrf", &token), ("text", &untied), ("debt", "a"), ("confirm", "1")])).await;
    assert!(r.text().contains("之前已经保存过"), "{}", r.text());
    assert!(complaint(&app, &id, "a").await.is_none_or(|a| !a.contains("涉嫌诈骗")));

    // Each stored message asks 这是哪笔借款的？, 不确定 chosen, then the debts by name.
    let inbox = send(&app, get(&format!("/cases/{id}/inbox")).body(Body::empty()).expect("req")).await.text();
    // (Found by their headings: the words themselves are cut by the highlights.)
    let (sa, sc) = (seq_of(&inbox, "2026-11-21 23:18"), seq_of(&inbox, "2026-11-22 09:00"));
    let block = visible(&inbox[inbox.find(&format!("id=\"m{sa}\"")).expect("a")..]);
    assert!(block.contains("这是哪笔借款的？"), "{block}");
    let html_a = &inbox[inbox.find(&format!("id=\"m{sa}\"")).expect("a")..];
    assert!(html_a.contains("<option value=\"\" selected>不确定</option>"), "{html_a}");
    assert!(html_a.contains(&format!("<option value=\"a\">{}</option>", case.debt_name("a"))), "{html_a}");

    // Refused, with nothing written: an unknown debt, an entry that is not a message.
    let before = entries(&app, &id).await;
    let r = send(&app, tie_form(&id, &[("csrf", &token), ("seq", &sa), ("debt", "zz")])).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(r.text().contains("这是哪笔借款的？") && r.text().contains("不在这个案例里"), "{}", r.text());
    // The paste itself, kept whole as the original: an entry, not a message.
    let rows = send(&app, get(&format!("/api/v1/cases/{id}/evidence")).body(Body::empty()).expect("req")).await.json()
        ["evidence"]["rows"]
        .clone();
    let original = rows
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["seq"].as_u64().map(|s| s.to_string()))
        .find(|s| *s != sa && *s != sc)
        .expect("the original");
    let r = send(&app, tie_form(&id, &[("csrf", &token), ("seq", &original), ("debt", "a")])).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(r.text().contains("不是一条消息"), "{}", r.text());
    let r = send(&app, tie_form(&id, &[("csrf", &token), ("seq", "99999"), ("debt", "a")])).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert_eq!(entries(&app, &id).await, before, "nothing written");

    // Tied to A: A's complaint quotes it, the inbox shows A chosen; one entry of the chain.
    let r = send(&app, tie_form(&id, &[("csrf", &token), ("seq", &sa), ("debt", "a")])).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(entries(&app, &id).await, before + 1);
    let a = complaint(&app, &id, "a").await.expect("A's complaint");
    assert!(a.contains("涉嫌诈骗") && !a.contains("发到你单位"), "{a}");
    let inbox = send(&app, get(&format!("/cases/{id}/inbox")).body(Body::empty()).expect("req")).await.text();
    let html_a = &inbox[inbox.find(&format!("id=\"m{sa}\"")).expect("a")..];
    assert!(html_a.contains("<option value=\"a\" selected>"), "{html_a}");

    // Several at once (the ticked ones): both to C; the latest tie is in force.
    let r = send(&app, tie_form(&id, &[("csrf", &token), ("seq", &sa), ("seq", &sc), ("debt", "c")])).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let c = complaint(&app, &id, "c").await.expect("C's complaint");
    assert!(c.contains("涉嫌诈骗") && c.contains("发到你单位"), "{c}");
    assert!(complaint(&app, &id, "a").await.is_none_or(|a| !a.contains("涉嫌诈骗")));

    // Untied again (不确定): in no debt's complaint.
    let r = send(&app, tie_form(&id, &[("csrf", &token), ("seq", &sc), ("debt", "")])).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let c = complaint(&app, &id, "c").await.expect("C's complaint");
    assert!(c.contains("涉嫌诈骗") && !c.contains("发到你单位"), "{c}");

    // The evidence package still verifies, every tie in it.
    let total = entries(&app, &id).await;
    assert_eq!(total, before + 4);
    let r = send(&app, get(&format!("/cases/{id}/evidence/package")).body(Body::empty()).expect("req")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let rep = yuqi_evidence::package::verify_package(std::io::Cursor::new(&r.body));
    assert!(rep.ok() && rep.entries_checked == total, "{:?}", rep.problems);
}

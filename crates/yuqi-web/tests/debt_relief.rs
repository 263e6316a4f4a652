//! Paid "debt optimisation", 停息挂账 by proxy and credit repair (`debt_relief_scam`, issue 17):
//! the inbox warns beside such a message, in the paste's preview and once it is stored, and the
//! triage's advice for tonight warns before any offer arrives.

mod common;

use axum::body::Body;
use axum::http::{StatusCode, header};
use common::*;

/// The inbox's words beside an offer (a part of them: the page escapes nothing in it).
const INBOX_WARNING: &str = "要先交钱的多是骗局";
/// The triage's sentence (a part of it).
const TRIAGE_WARNING: &str = "要你先交钱的，多是骗局";

#[tokio::test]
async fn the_triage_warns_about_paid_debt_relief_tonight() {
    let app = app().await;
    let token = csrf(&app, None).await;
    for (abuse, spare) in [("no", "0"), ("jail", "600")] {
        let r = send(
            &app,
            post("/triage")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(form(&[
                    ("csrf", &token),
                    ("kind", "online"),
                    ("last", "recent"),
                    ("court", "no"),
                    ("abuse", abuse),
                    ("spare", spare),
                ]))
                .expect("req"),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK);
        let t = r.text();
        let tonight = t.find("今晚就可以做的事").expect("tonight");
        let warning = t.find(TRIAGE_WARNING).unwrap_or_else(|| panic!("the warning: {t}"));
        assert!(warning > tonight, "among tonight's advice: {t}");
        assert!(t.contains("征信修复") && t.contains("直接向借钱给你的机构申请"), "{t}");
    }
}

#[tokio::test]
async fn the_inbox_warns_beside_a_debt_relief_offer() {
    let app = app().await;
    let id = new_demo_case(&app).await;
    let token = csrf(&app, None).await;
    let before = send(&app, get(&format!("/cases/{id}/inbox")).body(Body::empty()).expect("req")).await.text();
    assert!(!before.contains(INBOX_WARNING), "no offer, no warning: {before}");
    let pasted = "2026-11-20 21:14 13800138000\r\n专业团队代办停息挂账，网贷信用卡逾期都能办，成功后再收费，详情加微信。\r\n\r\n\
                  2026-11-21 09:00 13800138000\r\n再不还钱就把你的事发到你单位和通讯录所有人\r\n";
    let paste = |confirm: &str| {
        post(&format!("/cases/{id}/inbox/paste"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form(&[("csrf", &token), ("text", pasted), ("confirm", confirm)]))
            .expect("req")
    };
    // The split shown first: the warning beside the offer only.
    let r = send(&app, paste("")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let t = r.text();
    assert!(t.contains("识别出 2 条消息"), "{t}");
    assert_eq!(t.matches(INBOX_WARNING).count(), 1, "{t}");
    let offer = t.find("代办停息挂账").expect("the offer");
    let threat = t.find("通讯录所有人").expect("the threat");
    let warning = t.find(INBOX_WARNING).expect("the warning");
    assert!(offer < warning && warning < threat, "beside the offer, not the threat: {t}");
    // Stored: the inbox shows it beside the message, with its span marked.
    let r = send(&app, paste("1")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let t = r.text();
    assert!(t.contains("已保存 2 条消息"), "{t}");
    assert!(t.contains("<mark data-code=\"debt_relief_scam\">"), "{t}");
    assert_eq!(t.matches(INBOX_WARNING).count(), 1, "{t}");
    assert!(t.contains("征信上真实的逾期记录谁也不能花钱删掉，还清后满5年会自动删除"), "{t}");
    assert!(t.contains("对方不一定同意"), "asking is free, agreement is not promised: {t}");
    // The filter by kind lists it under its Chinese name and keeps the warning.
    let r =
        send(&app, get(&format!("/cases/{id}/inbox?code=debt_relief_scam")).body(Body::empty()).expect("req")).await;
    let t = r.text();
    assert!(t.contains("征信修复骗局（1）"), "{t}");
    assert!(t.contains(INBOX_WARNING) && !t.contains("通讯录所有人"), "{t}");
}

//! The overview answers first what the collector's threats make a borrower fear — jail, his
//! family paying, a message claiming to be a court — each with its legal basis (a newcomer's
//! trial found these answers missing or at the bottom of another page).

mod common;

use axum::body::Body;
use axum::http::{StatusCode, header};
use common::*;

#[tokio::test]
async fn the_overview_answers_jail_family_and_court_threats_first() {
    let app = app().await;
    let id = new_demo_case(&app).await;
    let before = send(&app, get(&format!("/cases/{id}")).body(Body::empty()).expect("req")).await.text();
    assert!(!before.contains("没有在借款合同上签字"), "no family threat yet: {before}");
    let token = csrf(&app, None).await;
    let pasted = "2026-11-21 09:00 13800138000\r\n你弟弟欠钱不还，你们家人都有连带责任，赶紧替他还\r\n\r\n\
                  2026-11-21 10:00 13800138000\r\n你这是恶意逃债，涉嫌诈骗，等着坐牢吧\r\n\r\n\
                  2026-11-21 11:00 13800138000\r\n我们是某某区人民法院诉前调解中心的，你的案件已经立案\r\n";
    let r = send(
        &app,
        post(&format!("/cases/{id}/inbox/paste"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form(&[("csrf", &token), ("text", pasted), ("confirm", "1")]))
            .expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let t = send(&app, get(&format!("/cases/{id}")).body(Body::empty()).expect("req")).await.text();
    let first = t.find("先说你最担心的").unwrap_or_else(|| panic!("the answers: {t}"));
    let next = t.find("现在先做这几件事").expect("next steps");
    assert!(first < next, "answers come before the steps");
    let answers = &t[first..next];
    assert!(answers.contains("本身不是犯罪") && answers.contains("《刑法》第193条"), "{answers}");
    assert!(answers.contains("不用替你还") && answers.contains("《民法典》第465条"), "{answers}");
    assert!(answers.contains("配偶另说"), "a spouse is not promised safety: {answers}");
    assert!(answers.contains("12368"), "{answers}");
}

//! What a frightened newcomer met on his phone in a trial, page by page, over the real router:
//! the example case taken for his own, hex fingerprints on the evidence page, a quick check that
//! heard only one of his fears, an overview whose most urgent date asked nothing of him.
//! (The tap-target sizes are measured in Chromium: `tests/browser.rs`.)

mod common;

use axum::body::Body;
use axum::http::{StatusCode, header};
use common::*;

async fn page(app: &App, uri: &str) -> String {
    let r = send(app, get(uri).header(header::COOKIE, "yq_seen=1").body(Body::empty()).expect("req")).await;
    assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.text());
    r.text()
}

/// The bundled example is listed as 示例, after his own case, never as 我的; its overview says
/// first that it is not his.
#[tokio::test]
async fn the_example_case_is_never_shown_as_his_own() {
    let app = app().await;
    let demo = new_demo_case(&app).await;
    let token = csrf(&app, None).await;
    let r = send(
        &app,
        post("/cases")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form(&[("csrf", &token), ("template", "blank"), ("title", "我的网贷")]))
            .expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let home = page(&app, "/").await;
    let lines: Vec<&str> = home.lines().filter(|l| l.contains("<li")).collect();
    let line =
        |needle: &str| lines.iter().position(|l| l.contains(needle)).unwrap_or_else(|| panic!("{needle}: {home}"));
    let (own, example) = (line("我的网贷"), line(&format!("/cases/{demo}\"")));
    let example_line = visible(lines[example]);
    assert!(example_line.contains("示例") && example_line.contains("不是你的借款"), "{example_line}");
    assert!(!example_line.contains("我的"), "the example is not marked as his: {example_line}");
    assert!(visible(lines[own]).contains("我的 ·"), "{}", lines[own]);
    assert!(own < example, "his own case comes first: {home}");
    let overview = visible(&page(&app, &format!("/cases/{demo}")).await);
    let note = overview.find("这是示例，不是你的借款").unwrap_or_else(|| panic!("{overview}"));
    assert!(note < overview.find("现在先做这几件事").unwrap_or(0), "said before anything else: {overview}");
}


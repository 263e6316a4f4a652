//! What the pages say about the analyzer's findings agrees with itself: an import's summary
//! counts what the timing rules found as well as the words.

mod common;

use axum::body::Body;
use axum::http::{StatusCode, header};
use common::*;

/// The number written right before `marker` in `s` (`其中 3 条发现` → 3).
fn count_before(s: &str, marker: &str) -> Option<u64> {
    let at = s.find(marker)?;
    let digits: String = s[..at]
        .trim_end()
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    digits.parse().ok()
}

/// A call log has no words; its night calls are found by the timing rules. The import's line
/// counts them, names the night hours of the law data, and agrees with the evidence table.
#[tokio::test]
async fn a_call_log_summary_counts_the_night_calls_it_lists() {
    let app = app().await;
    let id = new_demo_case(&app).await;
    let token = csrf(&app, None).await;
    let xml = std::fs::read(fixture("calls.xml")).expect("fixture");
    let (ct, body) = multipart(Some(&token), "calls.xml", &xml);
    let r = send(
        &app,
        post(&format!("/cases/{id}/evidence")).header(header::CONTENT_TYPE, &ct).body(Body::from(body)).expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let page = r.text();
    let night_rows = page.matches("夜间催收").count() as u64;
    assert!(night_rows > 0, "the fixture has calls in the night: {page}");
    let today = yuqi_util::china_today();
    let start = yuqi_docs::legal::number("conduct.night_start_hour", today).expect("night start");
    let end = yuqi_docs::legal::number("conduct.night_end_hour", today).expect("night end");
    let window = format!("条在夜间（{start}点至次日{end}点）");
    let night = count_before(&page, &window).unwrap_or_else(|| panic!("the night calls are counted: {page}"));
    assert_eq!(night, night_rows, "the summary's night calls are the table's: {page}");
    let flagged = count_before(&page, "条发现违规迹象").expect("flagged count");
    assert!(flagged >= night, "never fewer findings than night calls: {page}");
}

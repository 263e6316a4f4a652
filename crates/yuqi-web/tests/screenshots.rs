//! Uploads that explain themselves (issue 18): several files in one upload, each with its own
//! outcome (imported, already imported, refused with what was found); a screenshot's messages
//! read by OCR shown in the inbox as machine-read, with the image beside them.

mod common;

use axum::body::Body;
use axum::http::{StatusCode, header};
use common::*;

const SHOT: &str = "Screenshot_20261120-211400_com.tencent.mm.png";

/// Tesseract with Chinese data; CI installs it (scripts/test-deps.sh) and fails here instead.
#[allow(clippy::print_stderr)] // the notice of a skipped test
fn engine_present() -> bool {
    let ok = std::process::Command::new("tesseract")
        .arg("--list-langs")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).lines().any(|l| l.trim() == "chi_sim"));
    if !ok {
        let note = "SKIP screenshot upload test: needs tesseract-ocr with tesseract-ocr-chi-sim";
        assert!(std::env::var_os("CI").is_none(), "{note} (required under CI)");
        eprintln!("{note}");
    }
    ok
}

#[tokio::test]
async fn several_files_each_say_what_became_of_them_and_screenshots_are_read() {
    if !engine_present() {
        return;
    }
    let app = app().await;
    let id = new_demo_case(&app).await;
    let token = csrf(&app, None).await;
    let shot = std::fs::read(fixture(SHOT)).expect("fixture");
    let calls = std::fs::read(fixture("calls.xml")).expect("fixture");
    let copied = "【某某花】您的借款已逾期，请今日内还款。\n".as_bytes();
    let (ct, body) = multipart_files(Some(&token), &[(SHOT, &shot), ("calls.xml", &calls), ("复制的短信.txt", copied)]);
    let r = send(
        &app,
        post(&format!("/cases/{id}/evidence")).header(header::CONTENT_TYPE, &ct).body(Body::from(body)).expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "two of three imported: {}", r.text());
    let page = r.text();
    assert!(page.contains("已导入截图") && page.contains("机器从截图里认出"), "{page}");
    assert!(page.contains("已导入 calls.xml"), "{page}");
    // The refused file says what was expected and what was found, and nothing else changed.
    assert!(page.contains("复制的短信.txt 没有导入"), "{page}");
    assert!(page.contains("收到的是一段文字，开头是：【某某花】"), "{page}");
    assert!(page.contains("现在可以导入的有"), "{page}");
    assert!(!page.contains("--format"), "{page}");

    // The same screenshot again, through the API: already imported, nothing added.
    let again = upload(&app, &id, &token, multipart(None, SHOT, &shot)).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text());
    let files = again.json()["files"].clone();
    assert_eq!(files[0]["result"], "duplicate", "{files}");
    // A file that is refused alone is 422, with the reason per file.
    let junk = upload(&app, &id, &token, multipart(None, "x.json", b"{\"a\": 1}")).await;
    assert_eq!(junk.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", junk.text());
    let files = junk.json()["files"].clone();
    assert_eq!(files[0]["result"], "refused", "{files}");
    assert!(files[0]["message"].as_str().is_some_and(|m| m.contains("JSON")), "{files}");

    // The inbox shows the screenshot's threat, marked machine-read, with the image beside it.
    let inbox = send(&app, get(&format!("/cases/{id}/inbox")).body(Body::empty()).expect("req")).await.text();
    assert!(inbox.contains("大字报"), "the threat read off the screenshot is in the inbox");
    assert!(inbox.contains("文字由机器从截图中识别"), "the quotation says it was machine-read");
    assert!(inbox.contains("请对照截图原图核对"), "{inbox}");
    let prefix = format!("/cases/{id}/evidence/");
    let at = inbox.find(&prefix).expect("a link to the image");
    let link: String = inbox[at..].chars().take_while(|c| *c != '"').collect();
    assert!(link.ends_with("/image"), "{link}");
    let img = send(&app, get(&link).body(Body::empty()).expect("req")).await;
    assert_eq!(img.status, StatusCode::OK);
    assert_eq!(img.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()), Some("image/png"));
    assert_eq!(img.body, shot, "the original image, byte for byte");
    // Only images are served: a record of the call log is not.
    let seq: u64 = link[prefix.len()..].trim_end_matches("/image").parse().expect("seq");
    let other = send(&app, get(&format!("{prefix}{}/image", seq + 1)).body(Body::empty()).expect("req")).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
}

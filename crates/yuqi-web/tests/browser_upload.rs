//! A newcomer on a phone puts a screenshot of a collector's WeChat into his case, in a real
//! headless Chromium at 390 × 844: the evidence page takes the file from the phone's picker,
//! says what it read, and the inbox shows the threat marked as machine-read with the image
//! beside it — every page within the screen's width. Screenshots of each step go to
//! `target/e2e/`.

#[path = "common/chrome.rs"]
mod chrome;

use chrome::*;
use fantoccini::{Client, Locator};

const SHOT: &str = "Screenshot_20261120-211400_com.tencent.mm.png";

async fn wait_long(c: &Client, want: &str) -> String {
    let mut t = String::new();
    for _ in 0..12 {
        t = wait_text(c, want).await;
        if t.contains(want) {
            break;
        }
    }
    t
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_screenshot_goes_from_the_phone_into_the_inbox() {
    let Some((_d, c)) = browser(390, 844).await else { return };
    let tesseract = std::process::Command::new("tesseract").arg("--version").output().is_ok();
    if !tesseract {
        assert!(std::env::var_os("CI").is_none(), "CI must install tesseract-ocr");
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let addr = start_app(dir.path()).await;
    c.goto(&format!("http://{addr}/")).await.expect("goto");
    for (name, value) in [("kind", "online"), ("last", "recent"), ("court", "no"), ("abuse", "yes")] {
        c.find(Locator::Css(&format!("input[name=\"{name}\"][value=\"{value}\"]")))
            .await
            .expect("radio")
            .click()
            .await
            .expect("click");
    }
    c.find(Locator::Css("input[name=\"spare\"]")).await.expect("spare").send_keys("800").await.expect("type");
    c.find(Locator::Css("form[action=\"/triage\"] button")).await.expect("submit").click().await.expect("click");
    assert!(wait_long(&c, "今晚就可以做的事").await.contains("今晚就可以做的事"));
    c.find(Locator::Css("button[value=\"demo\"]")).await.expect("demo").click().await.expect("click");
    assert!(wait_long(&c, "要紧日期").await.contains("要紧日期"));
    c.find(Locator::LinkText("证据")).await.expect("evidence link").click().await.expect("click");
    assert!(wait_long(&c, "手机导出的文件").await.contains("手机导出的文件"));
    assert!(fits_width(&c).await, "the evidence page fits the phone");

    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/evidence").join(SHOT);
    let path = path.canonicalize().expect("fixture");
    c.find(Locator::Css("input[type=\"file\"]"))
        .await
        .expect("file input")
        .send_keys(&path.display().to_string())
        .await
        .expect("choose file");
    c.find(Locator::Css("form[data-upload] button")).await.expect("import").click().await.expect("click");
    let t = wait_long(&c, "机器从截图里认出").await;
    assert!(t.contains("已导入截图") && t.contains("机器从截图里认出"), "{t}");
    assert!(fits_width(&c).await, "the upload's answer fits the phone");
    shot(&c, "phone-upload-1-screenshot-read").await;

    c.find(Locator::LinkText("催收消息")).await.expect("inbox link").click().await.expect("click");
    let t = wait_long(&c, "请对照截图原图核对").await;
    assert!(t.contains("大字报") && t.contains("请对照截图原图核对"), "{t}");
    assert!(fits_width(&c).await, "the inbox with the screenshot fits the phone");
    // The image beside the message has loaded (it is served from the store, same origin).
    let loaded = c
        .execute(
            // Scrolled into view first: the image loads lazily, as on a phone with many of them.
            "const i = document.querySelector('.machine-read img.shot'); if (!i) return 0; i.scrollIntoView(); return i.complete ? i.naturalWidth : -1;",
            vec![],
        )
        .await
        .expect("img");
    let mut width = loaded.as_i64().unwrap_or(0);
    for _ in 0..20 {
        if width > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        width = c
            .execute(
                "const i = document.querySelector('.machine-read img.shot'); return i ? i.naturalWidth : 0;",
                vec![],
            )
            .await
            .ok()
            .and_then(|v| v.as_i64())
            .unwrap_or(0);
    }
    assert_eq!(width, 1170, "the original screenshot is shown beside its message");
    shot(&c, "phone-upload-2-inbox-machine-read").await;
    c.close().await.expect("close");
}

//! End-to-end in a real headless Chromium (Debian's chromium + chromium-driver, installed by
//! `.ci/run`): a new user's path from the triage to a downloaded letter, at desktop and phone
//! widths, with screenshots saved under `target/e2e/` for a person to look at.
//!
//! Without chromedriver the test fails under CI (CI must exercise the browser) and is skipped
//! with a notice elsewhere.

#[path = "common/chrome.rs"]
mod chrome;

use std::time::Duration;

use chrome::*;
use fantoccini::{Client, Locator};
use serde_json::json;

async fn walk(c: &Client, base: &str, label: &str) {
    c.goto(base).await.expect("goto");
    assert!(c.current_url().await.expect("url").as_str().ends_with("/triage"), "a first visit starts with the triage");
    for (name, value) in [("kind", "online"), ("last", "recent"), ("court", "no"), ("abuse", "yes")] {
        c.find(Locator::Css(&format!("input[name=\"{name}\"][value=\"{value}\"]")))
            .await
            .expect("radio")
            .click()
            .await
            .expect("click");
    }
    let spare = c.find(Locator::Css("input[name=\"spare\"]")).await.expect("spare");
    spare.send_keys("800").await.expect("type");
    // Live validation: the script posts to the API (with the CSRF token) and shows the amount.
    let hint = c.find(Locator::Css("[data-hint-for=\"spare\"]")).await.expect("hint");
    let mut shown = String::new();
    for _ in 0..30 {
        shown = hint.text().await.unwrap_or_default();
        if shown.contains("800.00") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(shown.contains("800.00"), "live validation shows the amount, got {shown:?}");
    shot(c, &format!("{label}-1-triage")).await;
    c.find(Locator::Css("form[action=\"/triage\"] button")).await.expect("submit").click().await.expect("click");
    let t = wait_text(c, "今晚就可以做的事").await;
    assert!(t.contains("今晚就可以做的事"), "{t}");
    assert!(fits_width(c).await, "{label}: the result page fits the screen");
    shot(c, &format!("{label}-2-tonight")).await;
    c.find(Locator::Css("button[value=\"demo\"]")).await.expect("demo").click().await.expect("click");
    let t = wait_text(c, "22,185.88").await;
    assert!(t.contains("要紧日期") && t.contains("22,185.88"), "{t}");
    assert!(fits_width(c).await, "{label}: the dashboard fits the screen");
    // "欠多少" is an item-and-amount table: on a phone it stays a table (one line per figure),
    // not one card per row that repeats 项目 and 金额（元） beside every figure.
    let rows = c
        .execute(
            "const t = [...document.querySelectorAll('main table')].find(t => t.textContent.includes('依法最多支持'));
             return t ? [...t.querySelectorAll('tbody tr')].map(r => getComputedStyle(r).display) : ['no table'];",
            vec![],
        )
        .await
        .expect("js");
    let shown: Vec<&str> = rows.as_array().map(|a| a.iter().filter_map(|v| v.as_str()).collect()).unwrap_or_default();
    assert!(!shown.is_empty() && shown.iter().all(|d| *d == "table-row"), "{label}: 欠多少 rows shown as {shown:?}");
    shot(c, &format!("{label}-3-dashboard")).await;
    c.find(Locator::LinkText("催收消息")).await.expect("inbox link").click().await.expect("click");
    assert!(wait_text(c, "已经移交法务").await.contains("已经移交法务"));
    shot(c, &format!("{label}-4-inbox")).await;
    // The results themselves: the audit's table and the timeline's chart fit a phone's width
    // (each table row becomes a card there), the lawful figure first.
    for (link, want, step) in [("核算", "计算过程", "4a-audit"), ("时效与时间线", "诉讼时效", "4b-timeline")]
    {
        c.find(Locator::LinkText(link)).await.expect("nav link").click().await.expect("click");
        assert!(wait_text(c, want).await.contains(want), "{label}: {link}");
        assert!(fits_width(c).await, "{label}: the {link} page fits the screen");
        shot(c, &format!("{label}-{step}")).await;
    }
    c.find(Locator::LinkText("信函与材料")).await.expect("letters link").click().await.expect("click");
    assert!(wait_text(c, "整个案件的材料汇编").await.contains("整个案件的材料汇编"));
    assert!(fits_width(c).await, "{label}: the letters page fits the screen");
    shot(c, &format!("{label}-5-letters")).await;
    let url = c.current_url().await.expect("url").to_string();
    let id = url.trim_end_matches("/letters").rsplit('/').next().unwrap_or("").to_string();
    // Download the letter in the page's own session and check what arrives.
    let got = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             fetch(arguments[0]).then(r => r.arrayBuffer().then(b => {
               const head = String.fromCharCode.apply(null, new Uint8Array(b.slice(0, 5)));
               done({ status: r.status, type: r.headers.get('content-type'), head: head, size: b.byteLength,
                      disposition: r.headers.get('content-disposition') });
             })).catch(e => done({ error: String(e) }));",
            vec![json!(format!("/cases/{id}/letters/verification?debt=hjd&format=pdf"))],
        )
        .await
        .expect("fetch");
    assert_eq!(got["status"], 200, "{got}");
    assert_eq!(got["head"], "%PDF-", "{got}");
    assert!(got["size"].as_u64().unwrap_or(0) > 10_000, "{got}");
    assert!(got["disposition"].as_str().unwrap_or("").contains("attachment"), "{got}");
    service_worker_keeps_pages(c, &format!("/cases/{id}/letters")).await;
}

/// On 127.0.0.1 (a secure context) the service worker installs; once it controls the page, a
/// page opened is kept for offline reading, and a download or an API answer is not.
async fn service_worker_keeps_pages(c: &Client, page: &str) {
    let ready = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             navigator.serviceWorker.ready.then(r => done(r.active ? r.active.state : 'none'))
               .catch(e => done(String(e)));",
            vec![],
        )
        .await
        .expect("ready");
    assert!(ready == "activated" || ready == "activating", "{ready}");
    c.refresh().await.expect("reload");
    assert!(wait_text(c, "整个案件的材料汇编").await.contains("整个案件的材料汇编"));
    let kept = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             caches.keys().then(names => Promise.all(names.map(n => caches.open(n).then(c => c.keys())))
               .then(lists => done({ names: names, paths: [].concat.apply([], lists).map(r => new URL(r.url).pathname) })))
               .catch(e => done({ error: String(e) }));",
            vec![],
        )
        .await
        .expect("caches");
    let names = kept["names"].as_array().cloned().unwrap_or_default();
    assert!(names.iter().all(|n| n.as_str().is_some_and(|n| n.starts_with("yuqi-"))) && !names.is_empty(), "{kept}");
    let paths: Vec<&str> =
        kept["paths"].as_array().map(|a| a.iter().filter_map(|p| p.as_str()).collect()).unwrap_or_default();
    assert!(paths.contains(&page) && paths.contains(&"/static/app.css"), "{kept}");
    assert!(!paths.iter().any(|p| p.starts_with("/api/") || p.contains("/letters/")), "{kept}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_user_goes_from_triage_to_a_downloaded_letter() {
    for (label, w, h) in [("desktop", 1280u32, 900u32), ("phone", 390, 844)] {
        let Some((_d, c)) = browser(w, h).await else { return };
        let dir = tempfile::tempdir().expect("tmp");
        let addr = start_app(dir.path()).await;
        walk(&c, &format!("http://{addr}/"), label).await;
        c.close().await.expect("close");
    }
}

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

/// How many loans the interview's review screen lists (one removal button each).
async fn loans_listed(c: &Client) -> usize {
    c.find_all(Locator::Css("button[name=\"action\"][value=\"remove\"]")).await.map(|v| v.len()).unwrap_or(0)
}

/// Removing a loan on the review screen at phone width: the button asks first, the question
/// and both answers fit the screen and are on it without scrolling sideways, "不删，返回"
/// keeps the loan, and "确定删除" removes it.
#[tokio::test]
async fn removing_a_loan_at_phone_width_asks_first() {
    let Some((_d, c)) = browser(390, 844).await else { return };
    let dir = tempfile::tempdir().expect("tmp");
    let addr = start_app(dir.path()).await;
    let base = format!("http://{addr}");
    c.goto(&format!("{base}/")).await.expect("goto");
    // Past the first visit's triage (its own test): the cookie the app sets once it is seen.
    c.execute("document.cookie = 'yq_seen=1; path=/';", vec![]).await.expect("cookie");
    c.goto(&format!("{base}/")).await.expect("goto");
    c.find(Locator::Css("button[value=\"blank\"]")).await.expect("start").click().await.expect("click");
    wait_text(&c, "第1笔借款").await;
    let at = c.current_url().await.expect("url").to_string();
    let case = at.split("/interview").next().expect("case address").to_string();
    let review = format!("{case}/interview/review");
    // Two loans known by their apps: the first answered here, the second added on the review.
    for (i, app) in ["速借宝", "安心花"].into_iter().enumerate() {
        c.goto(&format!("{case}/interview/d{i}-app")).await.expect("question");
        wait_text(&c, "第 1 题").await;
        c.find(Locator::Css("input[name=\"value\"]")).await.expect("app").send_keys(app).await.expect("type");
        c.find(Locator::Css("button.next")).await.expect("next").click().await.expect("click");
        wait_text(&c, "第 2 题").await;
        c.goto(&review).await.expect("review");
        wait_text(&c, "核对你的回答").await;
        if i == 0 {
            c.find(Locator::Css("button[value=\"add\"]")).await.expect("add").click().await.expect("click");
            wait_text(&c, "题，共").await;
        }
    }
    assert_eq!(loans_listed(&c).await, 2);
    let buttons = c.find_all(Locator::Css("button[name=\"action\"][value=\"remove\"]")).await.expect("buttons");
    buttons[1].click().await.expect("click");
    let t = wait_text(&c, "确定要删除").await;
    assert!(t.contains("确定要删除“第2笔借款（安心花）”吗？"), "{t}");
    assert!(fits_width(&c).await, "the question fits a phone's width");
    // The question is at the top of the page, with both answers in view.
    let in_view = c
        .execute(
            "const box = document.getElementById('confirm-remove').getBoundingClientRect();
             const ok = [...document.querySelectorAll('#confirm-remove button, #confirm-remove a')]
               .every(e => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight && r.right <= window.innerWidth; });
             return box.top < window.innerHeight && ok;",
            vec![],
        )
        .await
        .expect("js");
    assert_eq!(in_view.as_bool(), Some(true), "the question and its answers are in view");
    shot(&c, "phone-remove-loan-confirm").await;
    assert_eq!(loans_listed(&c).await, 2, "asking removed nothing");
    // "不删，返回" keeps it.
    c.find(Locator::LinkText("不删，返回")).await.expect("keep").click().await.expect("click");
    wait_text(&c, "再加一笔借款").await;
    assert_eq!(loans_listed(&c).await, 2);
    let buttons = c.find_all(Locator::Css("button[name=\"action\"][value=\"remove\"]")).await.expect("buttons");
    buttons[1].click().await.expect("click");
    wait_text(&c, "确定要删除").await;
    c.find(Locator::Css("button[value=\"remove_confirmed\"]")).await.expect("confirm").click().await.expect("click");
    // After the removal the interview goes on where it left off (the first loan's questions).
    wait_text(&c, "题，共").await;
    c.goto(&review).await.expect("review");
    let t = wait_text(&c, "核对你的回答").await;
    assert_eq!(loans_listed(&c).await, 1);
    assert!(t.contains("速借宝") && !t.contains("安心花"), "{t}");
    c.close().await.expect("close");
}

/// Every control on the page smaller than 44×44 CSS px (a thumb; WCAG 2.5.5) that the borrower
/// can see: links, buttons, folded sections' headings and the labels of choices. A link inside a
/// sentence (inline in a paragraph of prose) is text he reads, not a control, and is left out.
async fn small_targets(c: &Client) -> Vec<String> {
    let got = c
        .execute(
            "const small = [];
             for (const e of document.querySelectorAll('a[href], button, summary, label')) {
               if (e.tagName === 'LABEL' && !e.querySelector('input[type=radio], input[type=checkbox]')) continue;
               const r = e.getBoundingClientRect();
               if (r.width === 0 || r.height === 0 || e.closest('[hidden]')) continue;
               if (e.tagName === 'A' && getComputedStyle(e).display === 'inline' && e.closest('p, li')
                   && e.closest('p, li').textContent.trim().length > e.textContent.trim().length + 8) continue;
               if (r.width < 44 - 0.5 || r.height < 44 - 0.5)
                 small.push(e.tagName.toLowerCase() + ' “' + e.textContent.trim().slice(0, 12) + '” '
                            + Math.round(r.width) + '×' + Math.round(r.height));
             }
             return small;",
            vec![],
        )
        .await
        .expect("js");
    got.as_array().map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect()).unwrap_or_default()
}

/// At a small phone's width (360 px) every link and button he taps — the site's and the case's
/// navigation, the review's 改, the triage's choices, downloads, folded sections — is at least
/// 44×44 CSS px.
#[tokio::test]
async fn every_tap_target_is_big_enough_at_360_px() {
    let Some((_d, c)) = browser(360, 740).await else { return };
    let dir = tempfile::tempdir().expect("tmp");
    let addr = start_app(dir.path()).await;
    let base = format!("http://{addr}");
    let mut small = Vec::new();
    let mut check = async |what: &str| {
        for s in small_targets(&c).await {
            small.push(format!("{what}: {s}"));
        }
    };
    c.goto(&format!("{base}/triage")).await.expect("goto");
    wait_text(&c, "看看结果").await;
    check("triage").await;
    c.execute("document.cookie = 'yq_seen=1; path=/';", vec![]).await.expect("cookie");
    c.goto(&format!("{base}/")).await.expect("goto");
    c.find(Locator::Css("button[value=\"demo\"]")).await.expect("demo").click().await.expect("click");
    wait_text(&c, "要紧日期").await;
    let demo = c.current_url().await.expect("url").to_string();
    check("overview").await;
    // The overview says each thing once at this width (the plan's detail is folded): it was
    // 8,800 px tall here, repeating the steps and each debt's advice.
    let tall = c.execute("return document.documentElement.scrollHeight;", vec![]).await.expect("js");
    assert!(tall.as_u64().is_some_and(|h| h < 5_000), "the overview is {tall} px tall at 360 px");
    for (page, want) in [
        ("audit", "计算过程"),
        ("timeline", "诉讼时效"),
        ("inbox", "已经移交法务"),
        ("evidence", "证据包"),
        ("letters", "整个案件的材料汇编"),
    ] {
        c.goto(&format!("{demo}/{page}")).await.expect("goto");
        wait_text(&c, want).await;
        check(page).await;
    }
    c.goto(&format!("{base}/")).await.expect("goto");
    wait_text(&c, "开始录入我的借款").await;
    check("home").await;
    c.find(Locator::Css("button[value=\"blank\"]")).await.expect("start").click().await.expect("click");
    wait_text(&c, "第1笔借款").await;
    check("interview").await;
    let at = c.current_url().await.expect("url").to_string();
    let case = at.split("/interview").next().expect("case address").to_string();
    // One answer, so that the review has a 改 beside it.
    c.goto(&format!("{case}/interview/d0-app")).await.expect("question");
    wait_text(&c, "第 1 题").await;
    c.find(Locator::Css("input[name=\"value\"]")).await.expect("app").send_keys("速借宝").await.expect("type");
    c.find(Locator::Css("button.next")).await.expect("next").click().await.expect("click");
    wait_text(&c, "第 2 题").await;
    c.goto(&format!("{case}/interview/review")).await.expect("review");
    wait_text(&c, "核对你的回答").await;
    check("review").await;
    assert!(c.find_all(Locator::LinkText("改")).await.is_ok_and(|v| !v.is_empty()), "the review has 改 links");
    shot(&c, "phone360-review").await;
    c.close().await.expect("close");
    assert!(small.is_empty(), "too small to tap at 360 px:\n{}", small.join("\n"));
}

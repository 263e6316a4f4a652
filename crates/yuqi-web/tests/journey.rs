//! The rider's whole journey in a real headless Chromium, at 390×844 and at desktop width:
//! the triage (he says they threaten jail), the interview for his three loans including the
//! 7-day one, three collector messages pasted, the results, and the complaint downloaded as a
//! PDF whose text is read back — without typing any case file. Every screen is checked to fit
//! the width and saved as `target/e2e/journey-<width>-<nn>-<screen>.png`.
//!
//! The test prints the number of screens and an estimate of a first-time user's time from what
//! each screen asks him to read and type (the assumptions are printed with it); the browser's
//! own time is not a person's and is not asserted.

#[path = "common/chrome.rs"]
mod chrome;
#[path = "common/rider.rs"]
mod rider;

use std::time::Duration;

use chrome::*;
use fantoccini::{Client, Locator};
use serde_json::json;

/// Reading speed for plain Chinese on a phone, and typing speed with a phone keyboard
/// (characters per minute); a tap is counted as two seconds. Estimates, stated with the result.
const READ_CPM: f64 = 400.0;
const TYPE_CPM: f64 = 40.0;
const TAP_SECONDS: f64 = 2.0;

#[derive(Clone, Copy)]
struct Tally {
    screens: usize,
    read_chars: usize,
    typed_chars: usize,
    taps: usize,
}

impl Tally {
    fn minutes(&self) -> f64 {
        self.read_chars as f64 / READ_CPM + self.typed_chars as f64 / TYPE_CPM + self.taps as f64 * TAP_SECONDS / 60.0
    }
}

async fn url(c: &Client) -> String {
    c.current_url().await.expect("url").to_string()
}

/// Waits until the address ends with `tail` (a click loads the next page).
async fn wait_url(c: &Client, tail: &str) -> String {
    for _ in 0..100 {
        let u = url(c).await;
        if u.ends_with(tail) {
            return u;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    url(c).await
}

/// A screen: it fits the width, is counted and read, and is kept as a screenshot.
async fn screen(c: &Client, label: &str, t: &mut Tally, name: &str) {
    assert!(fits_width(c).await, "{label}: {name} fits the screen");
    t.screens += 1;
    let text = c.find(Locator::Css("main")).await.expect("main").text().await.unwrap_or_default();
    t.read_chars += text.chars().filter(|c| !c.is_whitespace()).count();
    shot(c, &format!("journey-{label}-{:02}-{name}", t.screens)).await;
}

async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}")).click().await.expect("click");
}

/// The tally when the results first show (triage and interview), and at the end.
async fn journey(c: &Client, base: &str, label: &str) -> (Tally, Tally) {
    let mut t = Tally { screens: 0, read_chars: 0, typed_chars: 0, taps: 0 };
    c.goto(base).await.expect("goto");
    assert!(wait_url(c, "/triage").await.ends_with("/triage"));
    screen(c, label, &mut t, "triage").await;
    for (name, value) in [("kind", "online"), ("last", "recent"), ("court", "no"), ("abuse", "jail")] {
        click(c, &format!("input[name=\"{name}\"][value=\"{value}\"]")).await;
        t.taps += 1;
    }
    c.find(Locator::Css("input[name=\"spare\"]")).await.expect("spare").send_keys("500").await.expect("type");
    t.typed_chars += 3;
    click(c, "form[action=\"/triage\"] button").await;
    t.taps += 1;
    let text = wait_text(c, "今晚就可以做的事").await;
    // He said they threaten jail: the first thing he reads is that default is not a crime.
    let first = c
        .execute("return document.querySelector('main h1').nextElementSibling.textContent;", vec![])
        .await
        .expect("js");
    assert!(first.as_str().unwrap_or("").contains("不是犯罪"), "{label}: calm first, got {first} in {text}");
    screen(c, label, &mut t, "tonight").await;
    click(c, "button[value=\"blank\"]").await;
    t.taps += 1;
    let first_question = wait_url(c, "/interview/d0-app").await;
    assert!(first_question.ends_with("/interview/d0-app"), "{label}: a new case opens on its first question");
    for (slug, fields) in rider::rider() {
        let here = wait_url(c, &format!("/interview/{slug}")).await;
        assert!(here.ends_with(&format!("/interview/{slug}")), "{label}: expected {slug}, at {here}");
        screen(c, label, &mut t, &slug).await;
        let mut tapped = false;
        for (name, value) in &fields {
            if name == "unknown" {
                click(c, "button[name=\"unknown\"]").await;
                tapped = true;
            } else if let Ok(b) = c.find(Locator::Css(&format!("button[name=\"{name}\"][value=\"{value}\"]"))).await {
                b.click().await.expect("choice");
                tapped = true;
            } else {
                let input = c.find(Locator::Css(&format!("[name=\"{name}\"]"))).await.expect("field");
                input.clear().await.expect("clear");
                input.send_keys(value).await.expect("type");
                t.typed_chars += value.chars().count();
            }
            t.taps += 1;
        }
        if !tapped {
            click(c, "button.next").await;
            t.taps += 1;
        }
        // The next screen (the same address again for "more", which comes back after each loan).
        for _ in 0..50 {
            if !url(c).await.ends_with(&format!("/interview/{slug}")) || slug == "more" {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    wait_url(c, "/interview/messages").await;
    let calm = wait_text(c, "粘贴").await;
    assert!(calm.contains("不是犯罪"), "{label}: the calm line again where he pastes the threats");
    screen(c, label, &mut t, "messages").await;
    let area = c.find(Locator::Css("textarea[name=\"text\"]")).await.expect("textarea");
    area.send_keys(rider::MESSAGES).await.expect("paste");
    t.taps += 2; // long-press and paste
    click(c, "form.stack:last-of-type button:not([name])").await;
    t.taps += 1;
    let split = wait_text(c, "认出 3 条消息").await;
    assert!(split.contains("认出 3 条消息") && split.contains("13800138000"), "{label}: the split to check: {split}");
    screen(c, label, &mut t, "messages-check").await;
    click(c, "input[name=\"confirm\"] ~ button").await;
    t.taps += 1;
    wait_url(c, "/interview/review").await;
    let review = wait_text(c, "核对你的回答").await;
    assert!(review.contains("闪电借") && review.contains("没法算的部分"), "{label}: {review}");
    screen(c, label, &mut t, "review").await;
    click(c, "button[value=\"done\"]").await;
    t.taps += 1;
    let dash = wait_text(c, "现在先做这几件事").await;
    assert!(dash.contains("现在先做这几件事") && dash.contains("依法"), "{label}: {dash}");
    screen(c, label, &mut t, "overview").await;
    let to_results = t;
    for (link, want, name) in
        [("核算", "计算过程", "audit"), ("时效与时间线", "诉讼时效", "timeline"), ("催收消息", "拘留", "inbox")]
    {
        c.find(Locator::LinkText(link)).await.expect("nav").click().await.expect("click");
        t.taps += 1;
        assert!(wait_text(c, want).await.contains(want), "{label}: {link}");
        if label == "phone" && name != "inbox" {
            let px = smallest_chart_text(c).await;
            assert!(px >= 10.0, "{label}: the {name} page's charts are legible: text of {px:.1} px");
        }
        screen(c, label, &mut t, name).await;
    }
    c.find(Locator::LinkText("信函与材料")).await.expect("letters").click().await.expect("click");
    t.taps += 1;
    wait_text(c, "金融消费投诉书").await;
    screen(c, label, &mut t, "letters").await;
    // The complaint about the 网络小贷 loan, downloaded in the page's own session.
    let href = c
        .execute(
            "const a = [...document.querySelectorAll('a')].find(a => a.href.includes('/letters/regulator') && a.href.includes('format=pdf'));
             return a ? a.getAttribute('href') : null;",
            vec![],
        )
        .await
        .expect("js");
    let href = href.as_str().unwrap_or_else(|| panic!("{label}: the complaint is offered")).to_string();
    t.taps += 1;
    let got = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             fetch(arguments[0]).then(r => r.arrayBuffer().then(b => {
               let s = ''; const u = new Uint8Array(b);
               for (let i = 0; i < u.length; i += 8192) s += String.fromCharCode.apply(null, u.subarray(i, i + 8192));
               done({ status: r.status, pdf: btoa(s) });
             })).catch(e => done({ error: String(e) }));",
            vec![json!(href)],
        )
        .await
        .expect("fetch");
    assert_eq!(got["status"], 200, "{label}: {href}");
    let pdf = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD
            .decode(got["pdf"].as_str().unwrap_or(""))
            .expect("base64 from the page")
    };
    assert!(pdf.starts_with(b"%PDF-"), "{label}: a PDF");
    let text = pdf_text(&pdf);
    if let Some(text) = text {
        let text: String = text.split_whitespace().collect();
        assert!(text.contains("实际到手9,000"), "{label}: the amount received next to the amount written: {text}");
        assert!(!text.contains("verify.py"), "{label}: no instructions for the tool's user in a letter to a regulator");
    }
    (to_results, t)
}

/// The smallest text on the page's visible charts in CSS pixels: each chart's base font size
/// times the scale at which it is drawn (0 when no chart is visible).
async fn smallest_chart_text(c: &Client) -> f64 {
    let v = c
        .execute(
            "const px = [...document.querySelectorAll('figure svg')]
               .filter(s => s.getBoundingClientRect().width > 0)
               .map(s => parseFloat(s.getAttribute('font-size') || '12') * s.getBoundingClientRect().width / s.viewBox.baseVal.width);
             return px.length ? Math.min(...px) : 0;",
            vec![],
        )
        .await
        .expect("js");
    v.as_f64().unwrap_or(0.0)
}

/// Text of a PDF by poppler's pdftotext (installed for the tests by scripts/test-deps.sh);
/// `None` with a notice outside CI when it is missing.
#[allow(clippy::print_stderr)] // the notice of a skipped check
fn pdf_text(pdf: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("letter.pdf");
    std::fs::write(&path, pdf).expect("write");
    match std::process::Command::new("pdftotext").arg(&path).arg("-").output() {
        Ok(o) if o.status.success() => Some(String::from_utf8_lossy(&o.stdout).into_owned()),
        _ => {
            assert!(std::env::var_os("CI").is_none(), "CI must read the PDF back: install poppler-utils");
            eprintln!("pdftotext not installed: the PDF's text was not read back");
            None
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rider_goes_from_fear_to_a_complaint_without_typing_a_case_file() {
    for (label, w, h) in [("phone", 390u32, 844u32), ("desktop", 1280, 900)] {
        let Some((_d, c)) = browser(w, h).await else { return };
        let dir = tempfile::tempdir().expect("tmp");
        let addr = start_app(dir.path()).await;
        let (first, t) = journey(&c, &format!("http://{addr}/"), label).await;
        eprintln!(
            "journey at {label} width, to the first results: {} screens, {} taps, {} characters typed, {} characters \
             to read: about {:.0} minutes for a first-time user (reading {READ_CPM} characters a minute, typing \
             {TYPE_CPM}, {TAP_SECONDS} s a tap); with every result page and the complaint: {} screens, {} characters \
             on them (the audit's calculation steps are most of it: a lawyer's reading, not the borrower's)",
            first.screens,
            first.taps,
            first.typed_chars,
            first.read_chars,
            first.minutes(),
            t.screens,
            t.read_chars
        );
        assert!(t.screens >= 45, "every screen was seen: {}", t.screens);
        c.close().await.expect("close");
    }
}

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

/// The example was 示例 on the case list and 演示 in its own title and on the buttons that open
/// it (看演示, 先看演示案例): one word, 示例, wherever he reads it, said once on the list.
#[tokio::test]
async fn the_example_has_one_name() {
    let app = app().await;
    let empty = visible(&page(&app, "/").await);
    assert!(empty.contains("看示例"), "{empty}");
    let token = csrf(&app, None).await;
    let triage = send(
        &app,
        post("/triage")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form(&[
                ("csrf", &token),
                ("abuse", "family"),
                ("kind", "online"),
                ("last", "recent"),
                ("court", "no"),
                ("spare", "300"),
            ]))
            .expect("req"),
    )
    .await;
    assert_eq!(triage.status, StatusCode::OK, "{}", triage.text());
    let triage = visible(&triage.text());
    assert!(triage.contains("先看示例"), "{triage}");
    let demo = new_demo_case(&app).await;
    let list = visible(&page(&app, "/").await);
    assert!(list.contains("林晓梅的三笔网贷") && !list.contains("示例 示例"), "{list}");
    let mut read = vec![("/".to_string(), empty), ("/triage".to_string(), triage), ("/".to_string(), list)];
    for uri in [format!("/cases/{demo}"), format!("/cases/{demo}/audit"), format!("/cases/{demo}/letters")] {
        let t = visible(&page(&app, &uri).await);
        assert!(t.contains("示例"), "{uri}: {t}");
        read.push((uri, t));
    }
    for (uri, t) in read {
        assert!(!t.contains("演示"), "{uri}: {t}");
    }
}

/// The longest run of hexadecimal digits a reader sees in the HTML `s` (a fingerprint is 64 of
/// them); each tag counts as a space, so that two table cells' numbers do not run together.
fn longest_hex_run(s: &str) -> usize {
    visible(&s.replace('<', " <")).split(|c: char| !c.is_ascii_hexdigit()).map(str::len).max().unwrap_or(0)
}

/// The evidence page says in plain words that what he saved cannot be changed; the fingerprint
/// a lawyer or court checks is only inside the folded 给律师或法院核对 section, and no item of the
/// index shows one. Verifying says the same in plain words.
#[tokio::test]
async fn the_evidence_page_speaks_plainly_and_folds_the_fingerprint() {
    let app = app().await;
    let id = new_demo_case(&app).await;
    let token = csrf(&app, None).await;
    let bytes = std::fs::read(fixture("sms-basic.xml")).expect("fixture");
    let r = upload(&app, &id, &token, multipart(None, "sms-basic.xml", &bytes)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let html = page(&app, &format!("/cases/{id}/evidence")).await;
    let fold = html.find("<details class=\"for-court\">").unwrap_or_else(|| panic!("no folded section: {html}"));
    let end = fold + html[fold..].find("</details>").expect("the fold ends");
    let (before, inside, after) = (&html[..fold], &html[fold..end], &html[end..]);
    assert!(longest_hex_run(inside) >= 64, "the whole fingerprint is kept for the court: {inside}");
    assert!(inside.contains("<summary>给律师或法院核对</summary>"), "{inside}");
    for (part, text) in [("before", before), ("after", after)] {
        let run = longest_hex_run(text);
        assert!(run < 16, "{part} the fold the borrower reads a run of {run} hex digits: {text}");
    }
    assert!(visible(before).contains("都已保存，改动会被查出来"), "{before}");
    let r = send(
        &app,
        post(&format!("/cases/{id}/evidence/verify"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form(&[("csrf", &token)]))
            .expect("req"),
    )
    .await;
    let t = visible(&r.text());
    assert!(t.contains("核验通过") && t.contains("没有被改动或删除") && !t.contains("哈希"), "{t}");
}

/// A frightened borrower fears several things at once: the quick check's first question takes
/// several answers, and the result answers each one he chose (with its basis), before anything
/// else, and nothing he did not choose.
#[tokio::test]
async fn the_quick_check_hears_every_fear() {
    let app = app().await;
    let form_page = page(&app, "/triage").await;
    let first = form_page.find("<fieldset").expect("a question");
    let first_end = first + form_page[first..].find("</fieldset>").expect("its end");
    let boxes = form_page[first..first_end].matches("type=\"checkbox\" name=\"abuse\"").count();
    assert!(boxes >= 4, "the first question takes several answers: {}", &form_page[first..first_end]);
    let token = csrf(&app, None).await;
    let r = send(
        &app,
        post("/triage")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form(&[
                ("csrf", &token),
                ("abuse", "jail"),
                ("abuse", "family"),
                ("abuse", "sued"),
                ("kind", "online"),
                ("last", "recent"),
                ("court", "no"),
                ("spare", "300"),
            ]))
            .expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let t = visible(&r.text());
    let tonight = t.find("今晚就可以做的事").expect("tonight");
    for (fear, basis) in
        [("本身不是犯罪", "《刑法》"), ("怕被起诉", "《民法典》第680条"), ("怕催收找你的家人", "第465条")]
    {
        let at = t.find(fear).unwrap_or_else(|| panic!("{fear} is answered: {t}"));
        assert!(at < tonight, "{fear} comes first: {t}");
        let next = t[at..].find("法律依据").map(|i| at + i).expect("its basis");
        assert!(t[next..tonight].contains(basis), "{fear}: {basis}: {t}");
    }
    assert!(!t.contains("怕有人上门") && !t.contains("怕被威胁"), "only what he chose: {t}");
    assert_eq!(r.cookie("yq_triage").as_deref(), Some("no.jail.300"), "the interview still learns of the jail threat");
    // None chosen: nothing to calm, and the quick check still answers.
    let r = send(
        &app,
        post("/triage")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form(&[("csrf", &token), ("kind", "online"), ("last", "recent"), ("court", "no"), ("spare", "0")]))
            .expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(!r.text().contains("先说你担心的"), "{}", r.text());
    assert_eq!(r.cookie("yq_triage").as_deref(), Some("no.no.0"));
}

/// The overview's most urgent item is a date he must act on — never the law's or the other
/// side's date (a limitation period ending, a record's retention ending) — and every debt's step
/// in the plan says in one line why it comes where it does.
#[tokio::test]
async fn the_most_urgent_item_is_one_he_must_act_on_and_the_order_is_explained() {
    let app = app().await;
    let id = new_demo_case(&app).await;
    let api = send(&app, get(&format!("/api/v1/cases/{id}/audit")).body(Body::empty()).expect("req")).await.json();
    let deadlines = api["deadlines"].as_array().cloned().unwrap_or_default();
    let upcoming: Vec<_> = deadlines.iter().filter(|d| d["days_from_now"].as_i64().unwrap_or(-1) >= 0).collect();
    let first = upcoming.first().expect("the demo has dates ahead");
    // Dates on which the borrower himself has something to do.
    let acts = |d: &&serde_json::Value| {
        matches!(d["code"].as_str(), Some("credit_repair_deadline" | "objection_reply_due" | "complaint_reply_due"))
    };
    assert!(!acts(first), "the demo's first date asks nothing of him (so the test can fail): {first}");
    let t = visible(&page(&app, &format!("/cases/{id}")).await);
    assert!(!t.contains("最近的要紧日期"), "{t}");
    match upcoming.iter().copied().find(acts) {
        Some(d) => {
            let at = t.find("最要紧、要你去办的：").unwrap_or_else(|| panic!("{t}"));
            let line = t[at..].lines().next().unwrap_or("");
            assert!(line.contains(d["date"].as_str().unwrap_or("?")), "{line}");
        }
        None => assert!(t.contains("眼下没有哪个日期要你在那天之前去办事"), "{t}"),
    }
    let label = first["label"].as_str().unwrap_or("?");
    if let Some(at) = t.find("最要紧") {
        let line = t[at..].lines().next().unwrap_or("");
        assert!(!line.contains(label), "the most urgent item is not {label}: {line}");
    }
    let plan = &t[t.find("先做什么：").unwrap_or_else(|| panic!("{t}"))..];
    // The ranks named (第 N 优先, in the steps and the debts' headings), each explained once.
    let ranks: std::collections::BTreeSet<&str> = plan
        .split("第 ")
        .skip(1)
        .filter_map(|s| s.split_once(" 优先：").map(|(n, _)| n))
        .filter(|n| n.chars().all(|c| c.is_ascii_digit()))
        .collect();
    assert!(ranks.len() >= 2, "{plan}");
    assert_eq!(plan.matches("为什么排在这里：").count(), ranks.len(), "each debt's step says why: {plan}");
}

/// The overview lists every step of the plan once, first; the plan's detail (the budget, the
/// steps again, the order, each debt's options, the letters) is folded, not repeated on a phone.
#[tokio::test]
async fn the_overview_says_each_step_once_and_folds_the_detail() {
    let app = app().await;
    let id = new_demo_case(&app).await;
    let html = page(&app, &format!("/cases/{id}")).await;
    let fold = html.find("<details class=\"plan-detail\">").unwrap_or_else(|| panic!("the plan is folded: {html}"));
    let end = fold + html[fold..].find("</details>").expect("the fold ends");
    let (open, folded) = (visible(&html[..fold]) + &visible(&html[end..]), visible(&html[fold..end]));
    assert!(folded.contains("每月预算") && folded.contains("可以生成的信函"), "{folded}");
    let api = send(&app, get(&format!("/api/v1/cases/{id}/plan")).body(Body::empty()).expect("req")).await;
    let steps = api.json()["plan"]["steps"].as_array().cloned().unwrap_or_default();
    assert!(steps.len() > 3, "{}", api.text());
    for s in &steps {
        let title = s["title"].as_str().expect("title");
        assert_eq!(open.matches(title).count(), 1, "{title} once, in the open: {open}");
    }
}

//! Plain language on every borrower page: a borrower reads no English words, no internal codes
//! and no file-format syntax. The test walks every page of the demo case (and the triage and
//! its result), takes the text a person sees (not tags, attributes, scripts or styles) and fails
//! on any run of Latin letters outside a short allow-list of abbreviations that are explained
//! beside them or that everyone in China uses (App, PDF, LPR, …). The case-file editor's text
//! area is the expert view and is not read.

mod common;

use axum::body::Body;
use axum::http::{StatusCode, header};
use common::*;

/// Abbreviations a borrower meets in daily life or that the page explains where it uses them.
/// `GB/T` is how every Chinese national standard is numbered (cited by its Chinese title too);
/// Ctrl-C is what the keys say (phone mode's page: how to stop the program).
const ALLOWED: &[&str] =
    &["App", "APP", "PDF", "LPR", "IRR", "DOCX", "Word", "WPS", "Markdown", "HTML", "yuqi", "GB/T", "Ctrl-C"];

/// The visible text of an HTML page: tags, comments, scripts and styles removed, entities of
/// the five markup characters decoded.
fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        out.push(' ');
        let tail = &rest[i..];
        let lower = tail.get(..8).unwrap_or(tail).to_ascii_lowercase();
        // The case-file editor's text area is the expert view (the TOML itself), not prose.
        let end_tag = if lower.starts_with("<textare") {
            "</textarea>"
        } else if lower.starts_with("<script") {
            "</script>"
        } else if lower.starts_with("<style") {
            "</style>"
        } else if tail.starts_with("<!--") {
            "-->"
        } else {
            ">"
        };
        match tail.find(end_tag) {
            Some(j) => rest = &tail[j + end_tag.len()..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
}

/// Every run of Latin letters (with the digits, dots, underscores and hyphens that make codes
/// and file names) not on the allow-list.
fn foreign_words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let flush = |w: &mut String, out: &mut Vec<String>| {
        let t = w.trim_matches(|c: char| matches!(c, '.' | '-' | '_' | '/'));
        if t.chars().any(|c| c.is_ascii_alphabetic()) && !ALLOWED.contains(&t) {
            out.push(t.to_string());
        }
        w.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '[' | ']' | '/') {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
        }
    }
    flush(&mut word, &mut out);
    out
}

#[tokio::test]
async fn borrower_pages_have_no_english_or_codes() {
    let app = app().await;
    let id = new_demo_case(&app).await;
    let mut found = Vec::new();
    let pages = [
        "/triage".to_string(),
        format!("/cases/{id}"),
        format!("/cases/{id}/audit"),
        format!("/cases/{id}/timeline"),
        format!("/cases/{id}/inbox"),
        format!("/cases/{id}/evidence"),
        format!("/cases/{id}/letters"),
        format!("/cases/{id}/edit"),
        "/".to_string(),
        "/law?q=诉讼时效".to_string(),
        "/law/civil_code/195".to_string(),
    ];
    for uri in &pages {
        let r = send(&app, get(uri).header(header::COOKIE, "yq_seen=1").body(Body::empty()).expect("req")).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}");
        foreign_in(uri, &r.text(), &mut found);
    }
    found.sort();
    found.dedup();
    assert!(found.is_empty(), "{} foreign words:\n{}", found.len(), found.join("\n"));
}

/// The same on the case a borrower builds himself: every screen of the interview, the review,
/// the result pages with an evidence store (his pasted messages), and every letter that applies.
#[tokio::test]
async fn the_interview_and_the_case_it_builds_have_no_english_or_codes() {
    let app = app().await;
    let (id, mut pages) = interview_case(&app).await;
    pages.extend(["", "/audit", "/timeline", "/inbox", "/evidence", "/letters"].map(|p| format!("/cases/{id}{p}")));
    let letters = send(
        &app,
        get(&format!("/cases/{id}/letters")).header(header::COOKIE, "yq_seen=1").body(Body::empty()).expect("req"),
    )
    .await
    .text();
    let mut n_letters = 0;
    for href in letters.split("href=\"").skip(1).filter_map(|s| s.split('"').next()) {
        if href.contains("format=pdf") {
            pages.push(href.replace("&amp;", "&").replace("format=pdf", "format=html"));
            n_letters += 1;
        }
    }
    assert!(n_letters >= 3, "the letters that apply to his case are offered: {n_letters}");
    let mut found = Vec::new();
    for uri in &pages {
        let r = send(&app, get(uri).header(header::COOKIE, "yq_seen=1").body(Body::empty()).expect("req")).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.text());
        let text = visible_text(&r.text());
        for w in foreign_words(&text) {
            if is_fingerprint(&w) {
                continue;
            }
            found.push(format!("{uri}: {w}"));
        }
    }
    found.sort();
    found.dedup();
    assert!(found.is_empty(), "{} foreign words:\n{}", found.len(), found.join("\n"));
}

/// A hash shown for the borrower to note down is a fingerprint, not a word (the page says what
/// it is); hex of at least 16 digits.
fn is_fingerprint(w: &str) -> bool {
    w.len() >= 16 && w.chars().all(|c| c.is_ascii_hexdigit())
}

/// Each foreign word of a page's visible text, with the words around it to find where it comes
/// from.
fn foreign_in(uri: &str, html: &str, found: &mut Vec<String>) {
    let text = visible_text(html);
    for w in foreign_words(&text) {
        let at = text.find(w.as_str()).unwrap_or(0);
        let around: String = text[..at].chars().rev().take(20).collect::<Vec<_>>().into_iter().rev().collect();
        let after: String = text[at..].chars().take(30).collect();
        found.push(format!(
            "{uri}: {w} — …{}{}…",
            around.split_whitespace().collect::<Vec<_>>().join(" "),
            after.split_whitespace().collect::<Vec<_>>().join(" ")
        ));
    }
}

/// Phone mode's pages: the computer's pairing page and home page, what a phone sees when it
/// pairs, when its code is used up, and when it is not paired.
#[tokio::test]
async fn phone_mode_pages_have_no_english_or_codes() {
    let app = phone_app(600).await;
    let mut found = Vec::new();
    let link = app.state.new_pairing_link().expect("phone mode");
    let pair = link.url.trim_start_matches(&format!("http://{LAN}")).to_string();
    let phone = |uri: &str| request("GET", uri, PHONE, LAN).body(Body::empty()).expect("req");
    let mut pages = Vec::new();
    for uri in ["/phone", "/"] {
        pages.push((
            uri,
            send(&app, get(uri).header(header::COOKIE, "yq_seen=1").body(Body::empty()).expect("req")).await,
        ));
    }
    pages.push(("配对", send(&app, phone(&pair)).await));
    pages.push(("配对第二次", send(&app, phone(&pair)).await));
    pages.push(("没有配对", send(&app, phone("/triage")).await));
    for (what, r) in &pages {
        assert!(r.status == StatusCode::OK || r.status == StatusCode::FORBIDDEN, "{what}: {}", r.status);
        foreign_in(what, &r.text(), &mut found);
    }
    assert!(found.is_empty(), "{} foreign words:\n{}", found.len(), found.join("\n"));
}

/// The legal words a borrower cannot avoid are explained in one line where a page first uses
/// them, and only once on that page.
#[tokio::test]
async fn legal_words_are_explained_on_first_use() {
    let app = app().await;
    let id = new_demo_case(&app).await;
    for (page, term) in [("timeline", "诉讼时效"), ("audit", "砍头息")] {
        let uri = format!("/cases/{id}/{page}");
        let r = send(&app, get(&uri).header(header::COOKIE, "yq_seen=1").body(Body::empty()).expect("req")).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}");
        let text = visible_text(&r.text());
        let explained = format!("“{term}”：");
        assert_eq!(text.matches(explained.as_str()).count(), 1, "{uri}: {term} explained once");
        let first_use = text.find(term).expect("the term is used");
        assert!(first_use < text.find(explained.as_str()).expect("explained"), "{uri}: explained after its first use");
    }
}

//! The computation exhibit (计算明细表) over HTTP: linked beside the dossier, downloaded in every
//! format from the page route, and as JSON (or a file) from the API.

mod common;

use axum::body::Body;
use axum::http::{StatusCode, header};
use common::*;

#[tokio::test]
async fn the_exhibit_downloads_in_every_format() {
    let app = app().await;
    let id = new_demo_case(&app).await;
    let letters = send(&app, get(&format!("/cases/{id}/letters")).body(Body::empty()).expect("req")).await;
    let t = letters.text();
    assert!(t.contains(&format!("/cases/{id}/exhibit?format=xlsx")) && t.contains("计算明细表"), "{t}");
    for (format, magic, mime) in [
        ("pdf", &b"%PDF"[..], "application/pdf"),
        ("docx", b"PK", "wordprocessingml"),
        ("xlsx", b"PK", "spreadsheetml"),
        ("csv", b"\xEF\xBB\xBF", "text/csv"),
        ("html", b"<!DOCTYPE html>", "text/html"),
    ] {
        let uri = format!("/cases/{id}/exhibit?format={format}");
        let r = send(&app, get(&uri).body(Body::empty()).expect("req")).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.text());
        assert!(r.body.starts_with(magic), "{uri}");
        let ct = r.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
        assert!(ct.contains(mime), "{uri}: {ct}");
        let cd = r.headers.get(header::CONTENT_DISPOSITION).and_then(|v| v.to_str().ok()).unwrap_or("");
        assert!(cd.starts_with("attachment") && cd.contains(&format!(".{format}")), "{uri}: {cd}");
    }
    // The demo's lawful total for 好借点App, in the CSV as a plain decimal.
    let csv = send(&app, get(&format!("/cases/{id}/exhibit?format=csv")).body(Body::empty()).expect("req")).await;
    assert!(csv.text().contains("依法支持合计"), "{}", csv.text());

    // The API: JSON by default, with the audit's own figures.
    let api = send(&app, get(&format!("/api/v1/cases/{id}/exhibit")).body(Body::empty()).expect("req")).await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.text());
    let v = api.json();
    let audit = send(&app, get(&format!("/api/v1/cases/{id}/audit")).body(Body::empty()).expect("req")).await.json();
    let debts = v["exhibit"]["debts"].as_array().expect("debts");
    let audit = &audit["audit"];
    assert_eq!(debts.len(), 3);
    for d in debts {
        let a = audit["debts"]
            .as_array()
            .expect("audit debts")
            .iter()
            .find(|a| a["id"] == d["id"])
            .expect("the same debt in the audit");
        assert_eq!(d["totals"]["supported_total"], a["supported_total"], "{}", d["id"]);
        assert!(!d["rows"].as_array().expect("rows").is_empty());
    }
    let r = send(&app, get(&format!("/api/v1/cases/{id}/exhibit?format=xlsx")).body(Body::empty()).expect("req")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.starts_with(b"PK"));
}

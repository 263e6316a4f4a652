//! HTTP-level tests of the guards: Host and Origin checks, CSRF tokens, CSP, escaping of case
//! and message text, the upload limit, and access control between users.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::*;
use yuqi_web::Mode;

#[tokio::test]
async fn a_foreign_host_or_origin_is_refused() {
    let app = app().await;
    let r = send(
        &app,
        Request::builder().uri("/triage").header(header::HOST, "evil.example:8080").body(Body::empty()).expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "DNS rebinding: a foreign Host is refused");
    let r = send(&app, get("/triage").body(Body::empty()).expect("req")).await;
    assert_eq!(r.status, StatusCode::OK);
    let csp = r.headers.get(header::CONTENT_SECURITY_POLICY).and_then(|v| v.to_str().ok()).unwrap_or("");
    assert!(
        csp.contains("default-src 'none'") && csp.contains("script-src 'self'") && !csp.contains("unsafe"),
        "{csp}"
    );
    assert_eq!(r.headers.get(header::X_FRAME_OPTIONS).and_then(|v| v.to_str().ok()), Some("DENY"));
    let token = csrf(&app, None).await;
    let r = send(
        &app,
        post("/cases")
            .header(header::ORIGIN, "http://evil.example")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form(&[("csrf", &token), ("template", "demo")]))
            .expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "a cross-origin POST is refused even with a token");
    let r = send(
        &app,
        post("/cases")
            .header("sec-fetch-site", "cross-site")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form(&[("csrf", &token), ("template", "demo")]))
            .expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn state_changes_need_the_csrf_token() {
    let app = app().await;
    for bad in ["", "0000"] {
        let r = send(
            &app,
            post("/cases")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(form(&[("csrf", bad), ("template", "demo")]))
                .expect("req"),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "token {bad:?}");
    }
    let r = send(
        &app,
        post("/api/v1/cases")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(r#"{"title":"x","toml":"version = 1"}"#))
            .expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "API without X-CSRF-Token");
    let list = send(&app, get("/api/v1/cases").body(Body::empty()).expect("req")).await.json();
    assert_eq!(list["cases"].as_array().map(Vec::len), Some(0), "nothing was created");
}

#[tokio::test]
async fn uploads_are_size_limited() {
    let app = app_with(Mode::Local, Some(64 * 1024)).await;
    let id = new_demo_case(&app).await;
    let token = csrf(&app, None).await;
    let (ct, body) = multipart(Some(&token), "big.bin", &vec![b'x'; 200 * 1024]);
    let r = upload(&app, &id, &token, (ct, body)).await;
    assert!(r.status == StatusCode::PAYLOAD_TOO_LARGE || r.status == StatusCode::UNPROCESSABLE_ENTITY, "{}", r.status);
    let status =
        send(&app, get(&format!("/api/v1/cases/{id}/evidence")).body(Body::empty()).expect("req")).await.json();
    assert!(status["evidence"].is_null(), "nothing was stored");
}

#[tokio::test]
async fn message_text_is_escaped_everywhere() {
    let app = app().await;
    let token = csrf(&app, None).await;
    let toml = r#"version = 1
[[debt]]
id = "x"
lender = "某某小额贷款有限公司"
kind = "microloan"
contract_date = 2025-01-01
principal = 1000
rate = "年化24%"
method = "bullet"
periods = 3
[[debt.event]]
date = 2026-10-01
kind = "demand"
channel = "sms"
by = "<img src=x onerror=alert(1)>"
note = "<script>alert('老赖')</script> 不还就通知你家人"
"#;
    let r = send(
        &app,
        post("/api/v1/cases")
            .header("x-csrf-token", &token)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(serde_json::json!({ "title": "<b>标题</b>", "toml": toml }).to_string()))
            .expect("req"),
    )
    .await;
    let id = r.json()["id"].as_str().expect("id").to_string();
    for path in ["", "/inbox", "/timeline", "/audit", "/edit", "/letters"] {
        let t = send(&app, get(&format!("/cases/{id}{path}")).body(Body::empty()).expect("req")).await.text();
        assert!(!t.contains("<script>alert"), "{path}: raw script");
        assert!(!t.contains("<img src=x"), "{path}: raw img");
        assert!(!t.contains("<b>标题</b>"), "{path}: raw title");
    }
    let inbox = send(&app, get(&format!("/cases/{id}/inbox")).body(Body::empty()).expect("req")).await.text();
    assert!(inbox.contains("&lt;script&gt;"), "the text is shown, escaped");
}

#[tokio::test]
async fn one_user_can_never_read_another_users_case() {
    let app = app_with(Mode::MultiUser, None).await;
    app.state.db.create_user("alice", "correct horse battery").await.expect("alice");
    app.state.db.create_user("bob", "another long secret").await.expect("bob");
    // Not logged in: pages go to the login form, the API says 401.
    let r = send(&app, get("/").body(Body::empty()).expect("req")).await;
    assert_eq!(r.location(), "/login");
    let r = send(&app, get("/api/v1/cases").body(Body::empty()).expect("req")).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // Wrong password.
    let r = login(&app, "alice", "wrong password!").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.cookie("yq_session").is_none());
    let a = format!(
        "yq_session={}",
        login(&app, "alice", "correct horse battery").await.cookie("yq_session").expect("session")
    );
    let b = format!(
        "yq_session={}",
        login(&app, "bob", "another long secret").await.cookie("yq_session").expect("session")
    );
    let a_csrf = csrf(&app, Some(&a)).await;
    let b_csrf = csrf(&app, Some(&b)).await;
    assert_ne!(a_csrf, b_csrf);
    let r = send(
        &app,
        post("/cases")
            .header(header::COOKIE, &a)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form(&[("csrf", &a_csrf), ("template", "demo")]))
            .expect("req"),
    )
    .await;
    let id = r.location().trim_start_matches("/cases/").to_string();
    assert!(!id.is_empty());
    // Bob sees nothing of it, anywhere.
    for path in [
        "",
        "/edit",
        "/audit",
        "/timeline",
        "/inbox",
        "/evidence",
        "/letters",
        "/letters/verification?debt=hjd&format=md",
        "/report?format=md",
        "/exhibit?format=csv",
    ] {
        let r =
            send(&app, get(&format!("/cases/{id}{path}")).header(header::COOKIE, &b).body(Body::empty()).expect("req"))
                .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "bob GET /cases/{{id}}{path}");
        assert!(!r.text().contains("林晓梅"), "{path} leaks the case");
    }
    for path in
        ["", "/audit", "/timeline", "/plan", "/messages", "/evidence", "/letters/verification", "/report", "/exhibit"]
    {
        let r = send(
            &app,
            get(&format!("/api/v1/cases/{id}{path}")).header(header::COOKIE, &b).body(Body::empty()).expect("req"),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "bob API {path}");
    }
    let r = send(
        &app,
        Request::builder()
            .method("DELETE")
            .uri(format!("/api/v1/cases/{id}"))
            .header(header::HOST, HOST)
            .header(header::COOKIE, &b)
            .header("x-csrf-token", &b_csrf)
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "bob cannot delete it");
    let list =
        send(&app, get("/api/v1/cases").header(header::COOKIE, &b).body(Body::empty()).expect("req")).await.json();
    assert_eq!(list["cases"].as_array().map(Vec::len), Some(0));
    // Bob cannot share Alice's case with himself; Alice can share it read-only.
    let share = |cookie: &str, token: &str, role: &str| {
        post(&format!("/api/v1/cases/{id}/shares"))
            .header(header::COOKIE, cookie)
            .header("x-csrf-token", token)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(serde_json::json!({ "user": "bob", "role": role }).to_string()))
            .expect("req")
    };
    assert_eq!(send(&app, share(&b, &b_csrf, "editor")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(send(&app, share(&a, &a_csrf, "viewer")).await.status, StatusCode::NO_CONTENT);
    let r = send(&app, get(&format!("/cases/{id}")).header(header::COOKIE, &b).body(Body::empty()).expect("req")).await;
    assert_eq!(r.status, StatusCode::OK, "shared read-only");
    let r = send(
        &app,
        Request::builder()
            .method("PUT")
            .uri(format!("/api/v1/cases/{id}"))
            .header(header::HOST, HOST)
            .header(header::COOKIE, &b)
            .header("x-csrf-token", &b_csrf)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(serde_json::json!({ "title": "bob", "toml": "version = 1" }).to_string()))
            .expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "a viewer cannot edit");
    // Alice's token does not work in Bob's session and vice versa.
    let r = send(
        &app,
        post("/cases")
            .header(header::COOKIE, &b)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form(&[("csrf", &a_csrf), ("template", "demo")]))
            .expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Alice still has it; after logout her cookie is dead.
    let r = send(&app, get(&format!("/cases/{id}")).header(header::COOKIE, &a).body(Body::empty()).expect("req")).await;
    assert_eq!(r.status, StatusCode::OK);
    let r = send(
        &app,
        post("/logout")
            .header(header::COOKIE, &a)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form(&[("csrf", &a_csrf)]))
            .expect("req"),
    )
    .await;
    assert_eq!(r.location(), "/login");
    assert_eq!(
        r.headers.get("clear-site-data").and_then(|v| v.to_str().ok()),
        Some("\"cache\", \"storage\""),
        "pages the service worker kept are dropped at logout"
    );
    let r =
        send(&app, get(&format!("/api/v1/cases/{id}")).header(header::COOKIE, &a).body(Body::empty()).expect("req"))
            .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

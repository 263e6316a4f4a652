//! HTTP-level tests of every route: pages, API, security (Host, Origin, CSRF, CSP, escaping,
//! upload limit) and access control between users.

use std::path::PathBuf;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;
use yuqi_web::{AppState, Config, Mode};

const HOST: &str = "127.0.0.1:8080";

struct App {
    router: Router,
    state: AppState,
    _dir: tempfile::TempDir,
}

async fn app_with(mode: Mode, upload_limit: Option<usize>) -> App {
    let dir = tempfile::tempdir().expect("tmp");
    let url = yuqi_db::sqlite_url(&dir.path().join("yuqi.sqlite")).expect("url");
    let db = yuqi_db::Db::connect(&url).await.expect("db");
    let mut cfg = Config::local(8080, dir.path().to_path_buf());
    cfg.mode = mode;
    if let Some(l) = upload_limit {
        cfg.upload_limit = l;
    }
    let state = AppState::new(db, cfg);
    App { router: yuqi_web::router(state.clone()), state, _dir: dir }
}

async fn app() -> App {
    app_with(Mode::Local, None).await
}

struct Res {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

impl Res {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn location(&self) -> String {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("").to_string()
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|_| panic!("not JSON: {}", self.text()))
    }

    fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next())
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    }
}

async fn send(app: &App, req: Request<Body>) -> Res {
    let res = app.router.clone().oneshot(req).await.expect("response");
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.expect("body").to_bytes().to_vec();
    Res { status, headers, body }
}

fn get(uri: &str) -> axum::http::request::Builder {
    Request::builder().method("GET").uri(uri).header(header::HOST, HOST)
}

fn post(uri: &str) -> axum::http::request::Builder {
    Request::builder().method("POST").uri(uri).header(header::HOST, HOST)
}

fn form(pairs: &[(&str, &str)]) -> Body {
    let s: Vec<String> = pairs.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect();
    Body::from(s.join("&"))
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn csrf(app: &App, cookie: Option<&str>) -> String {
    let mut r = get("/api/v1/session");
    if let Some(c) = cookie {
        r = r.header(header::COOKIE, c);
    }
    send(app, r.body(Body::empty()).expect("req")).await.json()["csrf_token"].as_str().expect("token").to_string()
}

async fn new_demo_case(app: &App) -> String {
    let token = csrf(app, None).await;
    let r = send(
        app,
        post("/cases")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form(&[("csrf", &token), ("template", "demo"), ("title", "")]))
            .expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    r.location().trim_start_matches("/cases/").to_string()
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/evidence").join(name)
}

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
async fn the_new_user_path_through_every_page() {
    let app = app().await;
    // First visit: triage.
    let r = send(&app, get("/").body(Body::empty()).expect("req")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/triage");
    let token = csrf(&app, None).await;
    let r = send(
        &app,
        post("/triage")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form(&[
                ("csrf", &token),
                ("kind", "online"),
                ("last", "old"),
                ("court", "unsure"),
                ("abuse", "yes"),
                ("spare", "800"),
            ]))
            .expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let t = r.text();
    assert!(t.contains("12368") && t.contains("不要答应还款") && t.contains("800.00"), "{t}");
    assert!(r.cookie("yq_seen").is_some());

    let id = new_demo_case(&app).await;
    let dash = send(&app, get(&format!("/cases/{id}")).body(Body::empty()).expect("req")).await;
    assert_eq!(dash.status, StatusCode::OK);
    let t = dash.text();
    assert!(t.contains("要紧日期") && t.contains("22,524.49") && t.contains("1,350.00"), "{t}");
    for (path, want) in [
        (format!("/cases/{id}/edit"), "添加一笔借款"),
        (format!("/cases/{id}/audit"), "计算过程"),
        (format!("/cases/{id}/timeline"), "<svg"),
        (format!("/cases/{id}/inbox"), "已经移交法务"),
        (format!("/cases/{id}/evidence"), "证据库共"),
        (format!("/cases/{id}/letters"), "债务核实函"),
        ("/law?q=诉讼时效+中断".to_string(), "第195条"),
        ("/law/civil_code/195".to_string(), "诉讼时效中断"),
        ("/static/app.css".to_string(), "--accent"),
        ("/static/app.js".to_string(), "X-CSRF-Token"),
        ("/api/openapi.json".to_string(), "openapi"),
    ] {
        let uri = path.replace(' ', "%20");
        let r = send(&app, get(&uri).header(header::COOKIE, "yq_seen=1").body(Body::empty()).expect("req")).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}");
        assert!(r.text().contains(want), "{uri} lacks {want}");
    }
    let home = send(&app, get("/").header(header::COOKIE, "yq_seen=1").body(Body::empty()).expect("req")).await;
    assert!(home.text().contains("演示：林晓梅的三笔网贷"));
    // Letters and the dossier in every format.
    for (uri, magic, mime) in [
        (format!("/cases/{id}/letters/verification?debt=hjd&format=pdf"), &b"%PDF"[..], "application/pdf"),
        (format!("/cases/{id}/letters/verification?kind=defence&debt=zr&format=docx"), &b"PK"[..], "wordprocessingml"),
        (format!("/cases/{id}/letters/proposal?debt=xf&format=md"), "# 协商还款申请书".as_bytes(), "text/markdown"),
        (format!("/cases/{id}/report?format=html"), "<!DOCTYPE html>".as_bytes(), "text/html"),
    ] {
        let r = send(&app, get(&uri).body(Body::empty()).expect("req")).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.text());
        assert!(r.body.starts_with(magic), "{uri}");
        let ct = r.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
        assert!(ct.contains(mime), "{uri}: {ct}");
        assert!(r.headers.get(header::CONTENT_DISPOSITION).is_some(), "{uri} is a download");
    }
    let r = send(
        &app,
        get(&format!("/cases/{id}/letters/limitation?debt=hjd&format=pdf")).body(Body::empty()).expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a running period cannot be pleaded");
    assert!(r.text().contains("不能提出时效抗辩"));
}

#[tokio::test]
async fn editing_validates_and_never_stores_a_broken_case() {
    let app = app().await;
    let id = new_demo_case(&app).await;
    let token = csrf(&app, None).await;
    let bad = "version = 1\n[[debt]]\nid = \"x\"\nprincipal = \"很多\"\n";
    let r = send(
        &app,
        post(&format!("/cases/{id}/edit"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form(&[("csrf", &token), ("title", "改过"), ("toml", bad)]))
            .expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("case.toml:"), "line and column: {}", r.text());
    let api = send(&app, get(&format!("/api/v1/cases/{id}")).body(Body::empty()).expect("req")).await.json();
    assert_ne!(api["title"], "改过", "the broken case was not stored");
    // A debt from the form: a bad rate is explained, a good one is added.
    let fields = |rate: &str| {
        form(&[
            ("csrf", token.as_str()),
            ("debt_id", "new1"),
            ("lender", "某某小额贷款有限公司"),
            ("kind", "microloan"),
            ("platform", ""),
            ("contract_date", "2025-03-01"),
            ("principal", "5000"),
            ("received", "4500"),
            ("rate", rate),
            ("method", "等额本息"),
            ("periods", "6"),
        ])
    };
    let r = send(
        &app,
        post(&format!("/cases/{id}/debts"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(fields("很高"))
            .expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("看不懂这个利率"), "{}", r.text());
    let r = send(
        &app,
        post(&format!("/cases/{id}/debts"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(fields("年化24%"))
            .expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.text().contains("已添加借款 new1"));
    let audit = send(&app, get(&format!("/api/v1/cases/{id}/audit")).body(Body::empty()).expect("req")).await.json();
    assert_eq!(audit["audit"]["debts"].as_array().map(Vec::len), Some(4));
    let after = send(&app, get(&format!("/cases/{id}/audit")).body(Body::empty()).expect("req")).await.text();
    assert!(after.contains("new1"), "the cached audit page follows the change");
    // Live validation.
    for (kind, value, ok) in [
        ("money", "9,000.50", true),
        ("money", "很多", false),
        ("rate", "日息万分之五", true),
        ("date", "2024-13-01", false),
    ] {
        let r = send(
            &app,
            post("/api/v1/validate")
                .header("x-csrf-token", &token)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(serde_json::json!({ "kind": kind, "value": value }).to_string()))
                .expect("req"),
        )
        .await;
        assert_eq!(r.json()["ok"], ok, "{kind} {value}: {}", r.text());
    }
}

#[tokio::test]
async fn the_json_api_does_every_action() {
    let app = app().await;
    let token = csrf(&app, None).await;
    let toml =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/credit-card.toml"))
            .expect("case");
    let r = send(
        &app,
        post("/api/v1/cases")
            .header("x-csrf-token", &token)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(serde_json::json!({ "title": "信用卡", "toml": toml }).to_string()))
            .expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let id = r.json()["id"].as_str().expect("id").to_string();
    for path in ["audit", "timeline", "plan", "messages", "evidence", "letters/verification", "report"] {
        let r = send(&app, get(&format!("/api/v1/cases/{id}/{path}")).body(Body::empty()).expect("req")).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text());
        r.json();
    }
    let plan = send(&app, get(&format!("/api/v1/cases/{id}/plan")).body(Body::empty()).expect("req")).await.json();
    assert_eq!(plan["plan"]["debts"][0]["options"][0]["kind"], "card_personalised");
    let r = send(
        &app,
        post("/api/v1/scan")
            .header("x-csrf-token", &token)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(r#"{"messages":[{"id":"1","text":"我是法院执行局的，马上转到我个人账户"}]}"#))
            .expect("req"),
    )
    .await;
    let codes: Vec<String> = r.json()["results"][0]["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| h["code"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(codes.contains(&"impersonate_authority".to_string()), "{codes:?}");
    let q = enc("预先 扣除 本金 利息");
    let r = send(&app, get(&format!("/api/v1/law/search?q={q}")).body(Body::empty()).expect("req")).await;
    let hits = r.json()["hits"].as_array().cloned().expect("hits");
    assert!(hits.iter().take(5).any(|h| h["article"] == "26" && h["doc"] == "private_lending_2020"), "{hits:?}");
    let r = send(
        &app,
        Request::builder()
            .method("PUT")
            .uri(format!("/api/v1/cases/{id}"))
            .header(header::HOST, HOST)
            .header("x-csrf-token", &token)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(serde_json::json!({ "title": "改名", "toml": "version = 1\n[[debt]]" }).to_string()))
            .expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a broken case file is refused");
    let r = send(
        &app,
        Request::builder()
            .method("DELETE")
            .uri(format!("/api/v1/cases/{id}"))
            .header(header::HOST, HOST)
            .header("x-csrf-token", &token)
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = send(&app, get(&format!("/api/v1/cases/{id}")).body(Body::empty()).expect("req")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // The OpenAPI document describes every API route.
    let spec = send(&app, get("/api/openapi.json").body(Body::empty()).expect("req")).await.json();
    for p in [
        "/session",
        "/cases",
        "/cases/{id}",
        "/cases/{id}/audit",
        "/cases/{id}/timeline",
        "/cases/{id}/plan",
        "/cases/{id}/messages",
        "/cases/{id}/evidence",
        "/cases/{id}/letters/{kind}",
        "/cases/{id}/report",
        "/validate",
        "/scan",
        "/law/search",
    ] {
        assert!(spec["paths"].get(p).is_some(), "{p} is not described");
    }
}

fn multipart(token: Option<&str>, name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "yuqiboundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    if let Some(t) = token {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{t}\r\n").as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn evidence_upload_import_inbox_and_verify() {
    let app = app().await;
    let id = new_demo_case(&app).await;
    let token = csrf(&app, None).await;
    let xml = std::fs::read(fixture("sms-basic.xml")).expect("fixture");
    let (ct, body) = multipart(None, "sms-basic.xml", &xml);
    let r = send(
        &app,
        post(&format!("/cases/{id}/evidence")).header(header::CONTENT_TYPE, &ct).body(Body::from(body)).expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "an upload without a token");
    let (ct, body) = multipart(Some(&token), "sms-basic.xml", &xml);
    let r = send(
        &app,
        post(&format!("/cases/{id}/evidence")).header(header::CONTENT_TYPE, &ct).body(Body::from(body)).expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.text().contains("已导入 sms-basic.xml"), "{}", r.text());
    let status =
        send(&app, get(&format!("/api/v1/cases/{id}/evidence")).body(Body::empty()).expect("req")).await.json();
    let total = status["evidence"]["total"].as_u64().expect("total");
    assert!(total > 1);
    let inbox = send(&app, get(&format!("/cases/{id}/inbox")).body(Body::empty()).expect("req")).await.text();
    assert!(inbox.contains("明天就把你的"), "imported messages are in the inbox");
    assert!(inbox.contains("<mark data-code=\"contact_third_party\">"), "with their spans marked");
    let r = send(
        &app,
        post(&format!("/cases/{id}/evidence/verify"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form(&[("csrf", &token)]))
            .expect("req"),
    )
    .await;
    assert!(r.text().contains("核验通过"), "{}", r.text());
    // A file that cannot be imported changes nothing.
    let (ct, body) = multipart(Some(&token), "broken.xml", b"<?xml version=\"1.0\"?><smses count=\"1\"><sms address=");
    let r = send(
        &app,
        post(&format!("/cases/{id}/evidence")).header(header::CONTENT_TYPE, &ct).body(Body::from(body)).expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    let after = send(&app, get(&format!("/api/v1/cases/{id}/evidence")).body(Body::empty()).expect("req")).await.json();
    assert_eq!(after["evidence"]["total"].as_u64(), Some(total));
}

#[tokio::test]
async fn uploads_are_size_limited() {
    let app = app_with(Mode::Local, Some(64 * 1024)).await;
    let id = new_demo_case(&app).await;
    let token = csrf(&app, None).await;
    let (ct, body) = multipart(Some(&token), "big.bin", &vec![b'x'; 200 * 1024]);
    let r = send(
        &app,
        post(&format!("/api/v1/cases/{id}/evidence"))
            .header("x-csrf-token", &token)
            .header(header::CONTENT_TYPE, &ct)
            .body(Body::from(body))
            .expect("req"),
    )
    .await;
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

async fn login(app: &App, name: &str, password: &str) -> Res {
    let page = send(app, get("/login").body(Body::empty()).expect("req")).await;
    let token = page.cookie("yq_login_csrf").expect("login csrf cookie");
    send(
        app,
        post("/login")
            .header(header::COOKIE, format!("yq_login_csrf={token}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form(&[("csrf", &token), ("name", name), ("password", password)]))
            .expect("req"),
    )
    .await
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
    ] {
        let r =
            send(&app, get(&format!("/cases/{id}{path}")).header(header::COOKIE, &b).body(Body::empty()).expect("req"))
                .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "bob GET /cases/{{id}}{path}");
        assert!(!r.text().contains("林晓梅"), "{path} leaks the case");
    }
    for path in ["", "/audit", "/timeline", "/plan", "/messages", "/evidence", "/letters/verification", "/report"] {
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
    let r =
        send(&app, get(&format!("/api/v1/cases/{id}")).header(header::COOKIE, &a).body(Body::empty()).expect("req"))
            .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

/// The user's mistakes are HTTP 400 with a Chinese message saying what to fix, never a 500:
/// a malformed date in the query, and an as-of date before the contract date.
#[tokio::test]
async fn input_errors_are_400_with_a_chinese_message() {
    let app = app().await;
    let id = new_demo_case(&app).await;
    for (uri, want) in [
        (format!("/api/v1/cases/{id}/audit?as_of=2026-13-01"), "计算截止日"),
        (format!("/api/v1/cases/{id}/plan?filing_date=yesterday"), "起诉日"),
        (format!("/api/v1/cases/{id}/audit?as_of=2020-01-01"), "晚于计算截止日"),
        (format!("/cases/{id}/audit?as_of=2020-01-01"), "编辑案件"),
    ] {
        let r = send(&app, get(&uri).header(header::COOKIE, "yq_seen=1").body(Body::empty()).expect("req")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}: {}", r.text());
        assert!(r.text().contains(want), "{uri}: {}", r.text());
    }
    // The same dates that are fine give the figures for that day.
    let r =
        send(&app, get(&format!("/api/v1/cases/{id}/audit?as_of=2025-06-30")).body(Body::empty()).expect("req")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["audit"]["as_of"], "2025-06-30");
}

//! Phone mode (`yuqi serve --phone`) at the HTTP level: who gets in from the home network, the
//! one-time pairing link and its expiry, the computer-only pairing page, CSRF for a paired
//! phone; and the home-screen files (manifest, icons, service worker) in every mode.

mod common;

use axum::body::Body;
use axum::http::{StatusCode, header};
use common::*;

/// A request from the phone on the home network, with its device cookie if it has one.
fn from_phone(method: &str, uri: &str, cookie: Option<&str>) -> axum::http::request::Builder {
    let r = request(method, uri, PHONE, LAN);
    match cookie {
        Some(c) => r.header(header::COOKIE, format!("yq_device={c}")),
        None => r,
    }
}

/// The path of a fresh pairing link (the previous one stops working).
fn pair_path(app: &App) -> String {
    let link = app.state.new_pairing_link().expect("phone mode");
    let prefix = format!("http://{LAN}");
    assert!(link.url.starts_with(&format!("{prefix}/pair/")), "{}", link.url);
    link.url[prefix.len()..].to_string()
}

/// Pairs the phone; its device cookie.
async fn pair(app: &App) -> String {
    let r = send(app, from_phone("GET", &pair_path(app), None).body(Body::empty()).expect("req")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let set = r.headers.get(header::SET_COOKIE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Strict"), "{set}");
    assert!(r.text().contains("url=/"), "the page forwards to the cases");
    r.cookie("yq_device").expect("device cookie")
}

fn is_refusal(r: &Res) -> bool {
    r.status == StatusCode::FORBIDDEN && r.text().contains("扫描电脑屏幕上的二维码")
}

#[tokio::test]
async fn an_unpaired_phone_is_refused_everywhere_and_the_computer_is_not() {
    let app = phone_app(600).await;
    let id = new_demo_case(&app).await;
    for path in ["/", "/triage", &format!("/cases/{id}"), "/api/v1/cases", "/law", "/static/app.js", "/sw.js"] {
        let r = send(&app, from_phone("GET", path, None).body(Body::empty()).expect("req")).await;
        assert!(is_refusal(&r), "{path}: {} {}", r.status, r.text());
    }
    let r = send(&app, from_phone("GET", "/", Some("forged")).body(Body::empty()).expect("req")).await;
    assert!(is_refusal(&r), "a made-up device cookie");
    let r = send(
        &app,
        from_phone("POST", "/cases", None)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form(&[("template", "demo")]))
            .expect("req"),
    )
    .await;
    assert!(is_refusal(&r), "a state change from an unpaired phone");
    // Without a recorded peer the guard cannot know it is the computer: refused.
    let r =
        send(&app, axum::http::Request::builder().uri("/").header(header::HOST, LAN).body(Body::empty()).expect("req"))
            .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A foreign Host is still refused before anything else (DNS rebinding).
    let r = send(&app, request("GET", "/", COMPUTER, "evil.example:8080").body(Body::empty()).expect("req")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = send(&app, get(&format!("/cases/{id}")).body(Body::empty()).expect("req")).await;
    assert_eq!(r.status, StatusCode::OK, "the computer itself gets in without pairing");
    // Files without any data are open: browsers fetch the manifest and icons without cookies.
    for path in ["/manifest.webmanifest", "/icon-192.png", "/icon.svg", "/static/app.css"] {
        let r = send(&app, from_phone("GET", path, None).body(Body::empty()).expect("req")).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
    }
}

#[tokio::test]
async fn a_pairing_link_pairs_one_phone_once() {
    let app = phone_app(600).await;
    let id = new_demo_case(&app).await;
    let path = pair_path(&app);
    let r = send(&app, from_phone("GET", &path, None).body(Body::empty()).expect("req")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.text().contains("手机已经连上了"));
    let device = r.cookie("yq_device").expect("device cookie");

    let r = send(&app, from_phone("GET", "/", Some(&device)).body(Body::empty()).expect("req")).await;
    assert!(r.status == StatusCode::OK || r.status == StatusCode::SEE_OTHER, "{}", r.status);
    let r = send(&app, from_phone("GET", "/triage", Some(&device)).body(Body::empty()).expect("req")).await;
    assert_eq!(r.status, StatusCode::OK);
    let r =
        send(&app, from_phone("GET", &format!("/cases/{id}"), Some(&device)).body(Body::empty()).expect("req")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.text().contains("示例"), "the demo case's page");
    let r =
        send(&app, from_phone("GET", &format!("/cases/{id}/audit"), Some(&device)).body(Body::empty()).expect("req"))
            .await;
    assert_eq!(r.status, StatusCode::OK);

    let again = send(&app, from_phone("GET", &path, None).body(Body::empty()).expect("req")).await;
    assert_eq!(again.status, StatusCode::FORBIDDEN);
    assert!(again.text().contains("已经用过了") && again.text().contains("生成新的二维码"), "{}", again.text());
    assert!(again.cookie("yq_device").is_none());
    let r =
        send(&app, from_phone("GET", "/pair/0123456789abcdef0123456789abcdef", None).body(Body::empty()).expect("req"))
            .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "a guessed token");
}

#[tokio::test]
async fn an_expired_link_is_refused() {
    let app = phone_app(0).await;
    let r = send(&app, from_phone("GET", &pair_path(&app), None).body(Body::empty()).expect("req")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text().contains("已经过期了") && r.text().contains("生成新的二维码"), "{}", r.text());
    assert!(r.cookie("yq_device").is_none());
    let r = send(&app, get("/phone").body(Body::empty()).expect("req")).await;
    assert!(r.text().contains("现在没有能用的二维码"), "the computer's page offers a new one");
}

#[tokio::test]
async fn the_pairing_page_is_for_the_computer_only() {
    let app = phone_app(600).await;
    pair_path(&app);
    let r = send(&app, get("/phone").body(Body::empty()).expect("req")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let page = r.text();
    for want in ["<svg", "扫一扫", "家里自己的无线网", "公共场所", "Ctrl-C", "分钟有效", "生成新的二维码"]
    {
        assert!(page.contains(want), "{want}");
    }
    let home = send(&app, get("/").header(header::COOKIE, "yq_seen=1").body(Body::empty()).expect("req")).await;
    assert!(home.text().contains("href=\"/phone\""), "the computer's home page leads to it");

    let r = send(&app, from_phone("GET", "/phone", None).body(Body::empty()).expect("req")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "an unpaired phone");
    let device = pair(&app).await;
    let r = send(&app, from_phone("GET", "/phone", Some(&device)).body(Body::empty()).expect("req")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "a paired phone cannot make codes either");
    assert!(!r.text().contains("<svg"));
    let token = csrf(&app, Some(&format!("yq_device={device}"))).await;
    let r = send(
        &app,
        from_phone("POST", "/phone/new", Some(&device))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form(&[("csrf", &token)]))
            .expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // At the computer: a new code needs the CSRF token; 断开所有手机 unpairs the phone.
    let form_post = |uri: &str, token: &str| {
        post(uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form(&[("csrf", token)]))
            .expect("req")
    };
    assert_eq!(send(&app, form_post("/phone/new", "0000")).await.status, StatusCode::FORBIDDEN);
    let computer = csrf(&app, None).await;
    let r = send(&app, form_post("/phone/new", &computer)).await;
    assert_eq!((r.status, r.location()), (StatusCode::SEE_OTHER, "/phone".to_string()));
    let r = send(&app, from_phone("GET", "/triage", Some(&device)).body(Body::empty()).expect("req")).await;
    assert_eq!(r.status, StatusCode::OK, "a new code leaves paired phones paired");
    let r = send(&app, form_post("/phone/forget", &computer)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = send(&app, from_phone("GET", "/triage", Some(&device)).body(Body::empty()).expect("req")).await;
    assert!(is_refusal(&r), "unpaired");
}

#[tokio::test]
async fn a_paired_phone_changes_things_only_with_its_own_csrf_token() {
    let app = phone_app(600).await;
    let device = pair(&app).await;
    let cookie = format!("yq_device={device}");
    let computer = csrf(&app, None).await;
    let r = send(&app, from_phone("GET", "/api/v1/session", Some(&device)).body(Body::empty()).expect("req")).await;
    let mine = r.json()["csrf_token"].as_str().expect("token").to_string();
    assert_ne!(mine, computer, "each phone has its own token");
    let create = |token: &str| {
        let pairs = [("csrf", token), ("template", "demo"), ("title", "")];
        from_phone("POST", "/cases", Some(&device))
            .header(header::ORIGIN, format!("http://{LAN}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form(&pairs))
            .expect("req")
    };
    assert_eq!(send(&app, create("")).await.status, StatusCode::FORBIDDEN, "an empty token");
    assert_eq!(send(&app, create(&computer)).await.status, StatusCode::FORBIDDEN, "the computer's token");
    let r = send(&app, create(&mine)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let r = send(
        &app,
        from_phone("POST", "/api/v1/cases", Some(&device))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(r#"{"title":"x","toml":"version = 1"}"#))
            .expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "the API without X-CSRF-Token");
    let r = send(
        &app,
        from_phone("POST", "/cases", Some(&device))
            .header(header::ORIGIN, "http://evil.example")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form(&[("csrf", &mine), ("template", "demo")]))
            .expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "cross-site, even with the token");
    let list = send(&app, get("/api/v1/cases").header(header::COOKIE, cookie).body(Body::empty()).expect("req")).await;
    assert_eq!(list.json()["cases"].as_array().map(Vec::len), Some(1), "only the one good request created a case");
}

#[tokio::test]
async fn without_phone_mode_there_is_no_pairing() {
    let app = app().await;
    assert!(app.state.new_pairing_link().is_none());
    for path in ["/phone", "/pair/0123456789abcdef0123456789abcdef"] {
        let r = send(&app, get(path).body(Body::empty()).expect("req")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
    }
    let r = send(&app, get("/").header(header::COOKIE, "yq_seen=1").body(Body::empty()).expect("req")).await;
    assert!(!r.text().contains("href=\"/phone\""));
}

#[tokio::test]
async fn the_home_screen_files_are_served_with_their_types() {
    let app = app().await;
    let r = send(&app, get("/manifest.webmanifest").body(Body::empty()).expect("req")).await;
    assert_eq!(r.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()), Some("application/manifest+json"));
    let m = r.json();
    assert_eq!(m["name"], "逾期助手");
    assert_eq!((m["start_url"].as_str(), m["display"].as_str()), (Some("/"), Some("standalone")));
    for icon in m["icons"].as_array().expect("icons") {
        let src = icon["src"].as_str().expect("src");
        let r = send(&app, get(src).body(Body::empty()).expect("req")).await;
        assert_eq!(r.status, StatusCode::OK, "{src}");
        let ty = r.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        assert_eq!(Some(ty.as_str()), icon["type"].as_str(), "{src}");
        if ty == "image/png" {
            assert!(r.body.starts_with(b"\x89PNG\r\n\x1a\n"), "{src}");
            // IHDR: width and height, big-endian, at bytes 16..24.
            let side = u32::from_be_bytes([r.body[16], r.body[17], r.body[18], r.body[19]]);
            assert_eq!(icon["sizes"].as_str(), Some(format!("{side}x{side}").as_str()), "{src}");
        }
    }
    let r = send(&app, get("/sw.js").body(Body::empty()).expect("req")).await;
    assert_eq!(
        r.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()),
        Some("application/javascript; charset=utf-8")
    );
    assert_eq!(r.headers.get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok()), Some("no-cache"));
    let sw = r.text();
    assert!(sw.contains("req.method !== \"GET\"") && sw.contains("api|pair|phone"), "never POSTs or the API");
    assert!(!sw.contains("__VERSION__"), "the cache is named after the version");

    let page = send(&app, get("/triage").body(Body::empty()).expect("req")).await;
    let html = page.text();
    assert!(html.contains("rel=\"manifest\" href=\"/manifest.webmanifest\"") && html.contains("name=\"theme-color\""));
    let csp = page.headers.get(header::CONTENT_SECURITY_POLICY).and_then(|v| v.to_str().ok()).unwrap_or("");
    assert!(csp.contains("manifest-src 'self'") && csp.contains("worker-src 'self'"), "{csp}");
    let js = send(&app, get("/static/app.js").body(Body::empty()).expect("req")).await.text();
    assert!(js.contains("\"serviceWorker\" in navigator"), "registered only where the browser has it");
}

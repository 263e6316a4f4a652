//! Helpers shared by the HTTP-level tests: an app on a fresh SQLite file, requests sent
//! straight to the router (no socket), and small readers for status, headers, cookies and JSON.

// Each test file compiles its own copy of this module and uses only some of the helpers.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;
use yuqi_web::{AppState, Config, Mode, PhoneConfig};

#[path = "rider.rs"]
pub(crate) mod rider;

pub(crate) const HOST: &str = "127.0.0.1:8080";
/// The computer's own browser, as `serve` records the peer (ConnectInfo).
pub(crate) const COMPUTER: &str = "127.0.0.1:40000";
/// Phone mode's home-network address in tests (a documentation address: requests go straight
/// to the router, nothing is ever sent to it) and a phone on that network.
pub(crate) const LAN: &str = "192.0.2.10:8080";
pub(crate) const PHONE: &str = "192.0.2.77:50123";

pub(crate) struct App {
    pub(crate) router: Router,
    pub(crate) state: AppState,
    _dir: tempfile::TempDir,
}

/// An app on a fresh SQLite file in a new data directory, configured by `config`.
pub(crate) async fn app_from(config: impl FnOnce(&Path) -> Config) -> App {
    let dir = tempfile::tempdir().expect("tmp");
    let url = yuqi_db::sqlite_url(&dir.path().join("yuqi.sqlite")).expect("url");
    let db = yuqi_db::Db::connect(&url).await.expect("db");
    let state = AppState::new(db, config(dir.path()));
    App { router: yuqi_web::router(state.clone()), state, _dir: dir }
}

impl App {
    /// The app's data directory (case evidence under `cases/`, uploads spooled to `tmp/`).
    pub(crate) fn data_dir(&self) -> &Path {
        self._dir.path()
    }
}

pub(crate) async fn app_with(mode: Mode, upload_limit: Option<usize>) -> App {
    app_from(|dir| {
        let mut cfg = Config::local(8080, dir.to_path_buf());
        cfg.mode = mode;
        if let Some(l) = upload_limit {
            cfg.upload_limit = l;
        }
        cfg
    })
    .await
}

/// Phone mode on [`LAN`], pairing codes valid for `pair_ttl` seconds.
pub(crate) async fn phone_app(pair_ttl: i64) -> App {
    app_from(|dir| {
        let mut phone = PhoneConfig::new(LAN.parse().expect("addr"));
        phone.pair_ttl = pair_ttl;
        Config::phone(phone, dir.to_path_buf())
    })
    .await
}

pub(crate) async fn app() -> App {
    app_with(Mode::Local, None).await
}

pub(crate) struct Res {
    pub(crate) status: StatusCode,
    pub(crate) headers: axum::http::HeaderMap,
    pub(crate) body: Vec<u8>,
}

impl Res {
    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub(crate) fn location(&self) -> String {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("").to_string()
    }

    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|_| panic!("not JSON: {}", self.text()))
    }

    pub(crate) fn cookie(&self, name: &str) -> Option<String> {
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

pub(crate) async fn send(app: &App, req: Request<Body>) -> Res {
    let res = app.router.clone().oneshot(req).await.expect("response");
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.expect("body").to_bytes().to_vec();
    Res { status, headers, body }
}

/// A request from `peer` (recorded as `serve` records it) for `host`.
pub(crate) fn request(method: &str, uri: &str, peer: &str, host: &str) -> axum::http::request::Builder {
    let peer: SocketAddr = peer.parse().expect("peer");
    Request::builder().method(method).uri(uri).header(header::HOST, host).extension(ConnectInfo(peer))
}

/// A GET from the computer's own browser.
pub(crate) fn get(uri: &str) -> axum::http::request::Builder {
    request("GET", uri, COMPUTER, HOST)
}

/// A POST from the computer's own browser.
pub(crate) fn post(uri: &str) -> axum::http::request::Builder {
    request("POST", uri, COMPUTER, HOST)
}

pub(crate) fn form(pairs: &[(&str, &str)]) -> Body {
    let s: Vec<String> = pairs.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect();
    Body::from(s.join("&"))
}

pub(crate) fn enc(s: &str) -> String {
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

pub(crate) async fn csrf(app: &App, cookie: Option<&str>) -> String {
    let mut r = get("/api/v1/session");
    if let Some(c) = cookie {
        r = r.header(header::COOKIE, c);
    }
    send(app, r.body(Body::empty()).expect("req")).await.json()["csrf_token"].as_str().expect("token").to_string()
}

pub(crate) async fn new_demo_case(app: &App) -> String {
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

pub(crate) fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/evidence").join(name)
}

pub(crate) fn multipart(token: Option<&str>, name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    multipart_files(token, &[(name, bytes)])
}

/// A multipart body with several files under `file`, as a form with `multiple` sends them.
pub(crate) fn multipart_files(token: Option<&str>, files: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "yuqiboundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    if let Some(t) = token {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{t}\r\n").as_bytes(),
        );
    }
    for (name, bytes) in files {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A multipart body (from [`multipart`]) posted to the case's evidence API with the CSRF header.
pub(crate) async fn upload(app: &App, id: &str, token: &str, (ct, body): (String, Vec<u8>)) -> Res {
    send(
        app,
        post(&format!("/api/v1/cases/{id}/evidence"))
            .header("x-csrf-token", token)
            .header(header::CONTENT_TYPE, &ct)
            .body(Body::from(body))
            .expect("req"),
    )
    .await
}

pub(crate) async fn login(app: &App, name: &str, password: &str) -> Res {
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

/// The rider's case built through the interview as a borrower would (form posts with the CSRF
/// token, the triage's cookie, the messages pasted and confirmed): the case id and the address
/// of every interview screen he saw.
pub(crate) async fn interview_case(app: &App) -> (String, Vec<String>) {
    const FORM: &str = "application/x-www-form-urlencoded";
    let token = csrf(app, None).await;
    let r = send(
        app,
        post("/cases")
            .header(header::CONTENT_TYPE, FORM)
            .header(header::COOKIE, "yq_triage=no.jail.500")
            .body(form(&[("csrf", &token), ("template", "blank"), ("title", "我的网贷")]))
            .expect("req"),
    )
    .await;
    let id = r.location().trim_start_matches("/cases/").trim_end_matches("/interview").to_string();
    let mut screens = Vec::new();
    let post_form = |uri: String, pairs: Vec<(&str, String)>| {
        let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        post(&uri).header(header::CONTENT_TYPE, FORM).body(form(&pairs)).expect("req")
    };
    for (slug, fields) in rider::rider() {
        let uri = format!("/cases/{id}/interview/{slug}");
        screens.push(uri.clone());
        let mut pairs = vec![("csrf", token.clone())];
        pairs.extend(fields.iter().map(|(k, v)| (k.as_str(), v.clone())));
        let r = send(app, post_form(uri.clone(), pairs)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{uri}: {}", r.text());
    }
    let uri = format!("/cases/{id}/interview/messages");
    screens.push(uri.clone());
    let text = rider::MESSAGES.to_string();
    let r = send(
        app,
        post_form(uri.clone(), vec![("csrf", token.clone()), ("text", text.clone()), ("confirm", "1".into())]),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{uri}: {}", r.text());
    screens.push(format!("/cases/{id}/interview/review"));
    (id, screens)
}

/// The page's text as a reader sees it: tags (and their attributes) left out.
#[allow(dead_code)] // not every test binary reads pages this way
pub(crate) fn visible(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

//! Installing the app to a phone's home screen: the web app manifest, its icons, and the
//! service worker that keeps opened pages for reading without a connection.
//!
//! Browsers run service workers only in a secure context (HTTPS, or 127.0.0.1 on the computer
//! itself). Over the home network's plain HTTP (`yuqi serve --phone`) a phone gets the
//! home-screen shortcut from the manifest but no offline pages; behind an organisation's HTTPS
//! proxy (multi-user mode) it gets both. docs/web.md says so.

mod icon;

use std::sync::OnceLock;

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

fn file(body: impl Into<Body>, mime: &'static str, cache: &'static str) -> Response {
    let mut res = Response::new(body.into());
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    res
}

const DAY: &str = "public, max-age=86400";

pub(crate) async fn manifest() -> Response {
    let (r, g, b) = icon::ACCENT;
    let doc = serde_json::json!({
        "name": "逾期助手",
        "short_name": "逾期助手",
        "description": "弄清楚依法到底欠多少，保存催收证据，写信函",
        "lang": "zh-CN",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": format!("#{r:02x}{g:02x}{b:02x}"),
        "icons": [
            { "src": "/icon-192.png", "sizes": "192x192", "type": "image/png" },
            { "src": "/icon-512.png", "sizes": "512x512", "type": "image/png" },
            { "src": "/icon.svg", "sizes": "any", "type": "image/svg+xml" }
        ]
    });
    file(doc.to_string(), "application/manifest+json", DAY)
}

pub(crate) async fn icon_svg() -> Response {
    file(icon::svg(), "image/svg+xml", DAY)
}

/// A PNG icon, drawn once per size per process.
fn png(cell: &'static OnceLock<Option<Vec<u8>>>, size: u32) -> Response {
    match cell.get_or_init(|| icon::png(size).ok()) {
        Some(bytes) => file(bytes.clone(), "image/png", DAY),
        None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

pub(crate) async fn icon_192() -> Response {
    static PNG: OnceLock<Option<Vec<u8>>> = OnceLock::new();
    png(&PNG, 192)
}

pub(crate) async fn icon_512() -> Response {
    static PNG: OnceLock<Option<Vec<u8>>> = OnceLock::new();
    png(&PNG, 512)
}

/// The service worker, its cache named after this version so that an update drops pages kept
/// by the previous one. `no-cache`: the browser asks every time whether it changed.
pub(crate) async fn service_worker() -> Response {
    let js = include_str!("../../static/sw.js").replace("__VERSION__", env!("CARGO_PKG_VERSION"));
    file(js, "application/javascript; charset=utf-8", "no-cache")
}

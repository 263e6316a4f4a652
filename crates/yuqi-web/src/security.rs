//! Request guard and response headers.
//!
//! * Host must be one of the configured names: a page on an attacker's domain that resolves to
//!   127.0.0.1 (DNS rebinding) sends its own Host and is refused.
//! * A state-changing request whose `Origin` (or `Sec-Fetch-Site`) shows another site is refused;
//!   handlers additionally check the CSRF token ([`check_csrf`]).
//! * Every response carries a strict Content-Security-Policy (no inline script, nothing loaded
//!   from elsewhere), `nosniff`, no framing, and the referrer only to ourselves (with `no-referrer` browsers send `Origin: null` on form posts).
//! * In phone mode, after the Host check, only the computer itself and paired phones get in
//!   (`crate::phone::admit`); the refusal carries the same headers.

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, Request, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::WebError;
use crate::state::AppState;

pub(crate) const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
connect-src 'self'; manifest-src 'self'; worker-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// 256 random bits, URL-safe hex.
pub(crate) fn random_token() -> String {
    let mut b = [0u8; 32];
    // getrandom fails only without an OS random source; a fixed token would be worse than
    // refusing to start, so the caller sees an obviously broken token in that case.
    if getrandom::fill(&mut b).is_err() {
        return String::from("no-random-source");
    }
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn host_ok(state: &AppState, headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else { return false };
    state.cfg.allowed_hosts.iter().any(|a| a.eq_ignore_ascii_case(host))
}

fn origin_ok(state: &AppState, headers: &HeaderMap) -> Result<(), String> {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|h| h.to_str().ok())
        && site == "cross-site"
    {
        return Err("跨站请求".to_string());
    }
    match headers.get(header::ORIGIN).and_then(|h| h.to_str().ok()) {
        None => Ok(()),
        Some("null") => Err("Origin: null".to_string()),
        Some(o) => {
            let host = o.split_once("://").map_or(o, |(_, h)| h);
            if state.cfg.allowed_hosts.iter().any(|a| a.eq_ignore_ascii_case(host)) {
                Ok(())
            } else {
                Err(format!("Origin: {o}"))
            }
        }
    }
}

/// What the guard refuses before a handler runs, or the request to run (in phone mode marked
/// with who is asking).
fn check(state: &AppState, mut req: Request<Body>) -> Result<Request<Body>, Box<Response>> {
    if !host_ok(state, req.headers()) {
        let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("").to_string();
        return Err(Box::new(WebError::BadOrigin(format!("Host: {host}")).into_response()));
    }
    if state.cfg.phone.is_some() {
        // Phone mode listens on the home network with no login: only the computer itself and
        // paired phones get past here (crate::phone::admit), so the handlers' viewer can stay
        // the built-in user.
        let access = crate::phone::admit(state, &req).ok_or_else(|| Box::new(crate::phone::refused()))?;
        req.extensions_mut().insert(access);
    }
    if !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        && let Err(why) = origin_ok(state, req.headers())
    {
        return Err(Box::new(WebError::BadOrigin(why).into_response()));
    }
    Ok(req)
}

pub(crate) async fn guard(State(state): State<AppState>, req: Request<Body>, next: Next) -> Response {
    let mut res = match check(&state, req) {
        Ok(req) => next.run(req).await,
        Err(refused) => *refused,
    };
    let h = res.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    h.insert("cross-origin-resource-policy", HeaderValue::from_static("same-origin"));
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// Compares tokens in constant time.
pub(crate) fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The token a state-changing request must carry: from the `X-CSRF-Token` header or a form field.
pub(crate) fn check_csrf(expected: &str, header_or_field: Option<&str>) -> Result<(), WebError> {
    match header_or_field {
        Some(t) if !expected.is_empty() && same(expected, t) => Ok(()),
        _ => Err(WebError::Csrf),
    }
}

pub(crate) fn csrf_header(headers: &HeaderMap) -> Option<&str> {
    headers.get("x-csrf-token").and_then(|h| h.to_str().ok())
}

/// The value of one cookie.
pub(crate) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, path `/`.
pub(crate) fn set_cookie(name: &str, value: &str, max_age: i64, secure: bool) -> String {
    format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{}",
        if secure { "; Secure" } else { "" }
    )
}

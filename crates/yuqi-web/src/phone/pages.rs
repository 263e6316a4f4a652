//! Phone mode's pages: the computer's pairing page (`/phone`, new code, unpair all), the
//! pairing link the phone opens, and the refusal every unpaired phone sees.

use askama::Template;
use axum::Form;
use axum::extract::{Extension, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Access, DEVICE_COOKIE, qr};
use crate::auth::{now, viewer};
use crate::error::WebError;
use crate::pages::PageError;
use crate::security::{check_csrf, set_cookie};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "phone.html")]
struct PhonePage {
    csrf: String,
    local: bool,
    user: String,
    /// The current code as inline SVG, if there is one that can still be used.
    qr: Option<String>,
    minutes_left: i64,
    paired: usize,
}

#[derive(Template)]
#[template(path = "phone_refused.html")]
struct Refused<'a> {
    title: &'a str,
    reason: String,
}

#[derive(Template)]
#[template(path = "paired.html")]
struct Paired {
    hours: i64,
}

fn render(t: impl Template, status: StatusCode) -> Response {
    match t.render() {
        Ok(body) => (status, Html(body)).into_response(),
        Err(e) => PageError(WebError::Page(e)).into_response(),
    }
}

/// The page an unpaired phone (or anyone else on the network) gets: what to do on the computer.
pub(crate) fn refused() -> Response {
    render(Refused { title: "这部手机还没有连上", reason: String::new() }, StatusCode::FORBIDDEN)
}

/// Only the person at the computer may see or change the pairing code: `None` for them, the
/// answer for anyone else.
fn not_at_computer(state: &AppState, access: Option<Extension<Access>>) -> Option<Response> {
    if state.cfg.phone.is_none() {
        return Some(PageError(WebError::NotFound).into_response());
    }
    match access {
        Some(Extension(Access::Computer)) => None,
        _ => Some(refused()),
    }
}

pub(crate) async fn phone_page(
    State(state): State<AppState>,
    access: Option<Extension<Access>>,
    headers: HeaderMap,
) -> Response {
    if let Some(res) = not_at_computer(&state, access) {
        return res;
    }
    let v = match viewer(&state, &headers).await {
        Ok(v) => v,
        Err(e) => return PageError(e).into_response(),
    };
    let t = now();
    let (url, expires, paired) = {
        let mut book = state.book();
        let current = book.current(t).map(|(token, expires)| (token.to_string(), expires));
        (current.as_ref().map(|(token, _)| state.pair_url(token)), current.map_or(t, |c| c.1), book.paired(t))
    };
    let qr = match url.as_deref().map(qr::svg).transpose() {
        Ok(q) => q,
        Err(e) => return PageError(WebError::BadRequest(e.to_string())).into_response(),
    };
    let page =
        PhonePage { csrf: v.csrf, local: v.local, user: v.name, qr, minutes_left: (expires - t + 59) / 60, paired };
    render(page, StatusCode::OK)
}

#[derive(Deserialize)]
pub(crate) struct CsrfForm {
    csrf: String,
}

/// Checks the computer's CSRF token, does `act` and goes back to the pairing page.
async fn computer_action(
    state: &AppState,
    access: Option<Extension<Access>>,
    headers: &HeaderMap,
    csrf: &str,
    act: impl FnOnce(&AppState),
) -> Response {
    if let Some(res) = not_at_computer(state, access) {
        return res;
    }
    let checked = match viewer(state, headers).await {
        Ok(v) => check_csrf(&v.csrf, Some(csrf)),
        Err(e) => Err(e),
    };
    if let Err(e) = checked {
        return PageError(e).into_response();
    }
    act(state);
    Redirect::to("/phone").into_response()
}

/// 生成新的二维码: the old code stops working.
pub(crate) async fn new_code(
    State(state): State<AppState>,
    access: Option<Extension<Access>>,
    headers: HeaderMap,
    Form(f): Form<CsrfForm>,
) -> Response {
    computer_action(&state, access, &headers, &f.csrf, |s| {
        s.new_pairing_link();
    })
    .await
}

/// 断开所有手机: a lost or lent phone is out at once.
pub(crate) async fn forget_phones(
    State(state): State<AppState>,
    access: Option<Extension<Access>>,
    headers: HeaderMap,
    Form(f): Form<CsrfForm>,
) -> Response {
    computer_action(&state, access, &headers, &f.csrf, |s| s.book().forget_all()).await
}

/// The pairing link. On success the answer is a page that forwards to `/` after a moment, not
/// an HTTP redirect: a phone's camera app hands the link to the browser as a navigation from
/// outside the site, and a redirect would inherit that, so the browser would not send the new
/// SameSite=Strict cookie on the way to `/`; a forward from our own page does.
pub(crate) async fn pair(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let Some(phone) = state.cfg.phone.as_ref() else {
        return PageError(WebError::NotFound).into_response();
    };
    let redeemed = state.book().redeem(&token, now(), phone.device_ttl);
    match redeemed {
        Ok((session, _)) => {
            let mut res = render(Paired { hours: phone.device_ttl / 3600 }, StatusCode::OK);
            let c = set_cookie(DEVICE_COOKIE, &session, phone.device_ttl, state.cfg.secure_cookies);
            if let Ok(c) = HeaderValue::from_str(&c) {
                res.headers_mut().append(header::SET_COOKIE, c);
            }
            res
        }
        Err(why) => render(Refused { title: "这个二维码不能用了", reason: why.to_string() }, StatusCode::FORBIDDEN),
    }
}

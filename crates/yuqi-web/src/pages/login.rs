//! Login and logout (multi-user mode).

use super::*;

#[derive(Template)]
#[template(path = "login.html")]
struct Login {
    csrf: String,
    local: bool,
    user: String,
    message: String,
}

/// The login form's CSRF token: before login there is no session, so a random token is set as a
/// cookie and echoed in the form (double submit).
pub(crate) async fn login_form(State(state): State<AppState>) -> PageResult {
    let token = crate::security::random_token();
    let res = html(Login { csrf: token.clone(), local: false, user: String::new(), message: String::new() })?;
    Ok(with_cookie(res, &state, "yq_login_csrf", &token, 3600))
}

/// The known-device cookie of multi-user login (crate::throttle): a random token, HttpOnly.
const KNOWN_DEVICE_COOKIE: &str = "yq_known";

#[derive(Deserialize)]
pub(crate) struct LoginForm {
    csrf: String,
    name: String,
    password: String,
}

pub(crate) async fn login(
    State(state): State<AppState>,
    peer: Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> PageResult {
    if state.cfg.mode == Mode::Local {
        return Ok(Redirect::to("/").into_response());
    }
    let expected = crate::security::cookie(&headers, "yq_login_csrf").unwrap_or("").to_string();
    check_csrf(&expected, Some(&f.csrf))?;
    // Behind a reverse proxy every client has the proxy's address; the per-account limit still
    // holds there.
    let keys = crate::throttle::keys(&f.name, peer.map(|p| p.0.0.ip()));
    // A browser that logged in to this account before skips the waits and has its own lane
    // (throttle.rs): guesses from elsewhere cannot lock the owner out.
    let device = crate::security::cookie(&headers, KNOWN_DEVICE_COOKIE)
        .filter(|t| state.logins.known_device(t, &f.name, now()))
        .map(str::to_string);
    if device.is_none()
        && let Err(wait) = state.logins.check(&keys, now())
    {
        return refused(&state, &format!("尝试次数太多，请 {} 后再试", in_words(wait)), Some(wait));
    }
    let checked = match &device {
        Some(_) => state.db.verify_login_known_device(&f.name, &f.password).await,
        None => state.db.verify_login(&f.name, &f.password).await,
    };
    let user = match checked {
        Ok(user) => user,
        Err(yuqi_db::DbError::Busy) => return refused(&state, "现在登录的人太多，请过几秒再试", Some(5)),
        Err(e) => return Err(e.into()),
    };
    let Some(user) = user else {
        match &device {
            Some(t) => state.logins.device_failed(t),
            None => state.logins.failed(&keys, now()),
        }
        return refused(&state, "用户名或密码不对", None);
    };
    state.logins.succeeded(&keys);
    let token = device.unwrap_or_else(crate::security::random_token);
    state.logins.remember_device(&token, &f.name, now());
    let s = state.db.create_session(&user.id, SESSION_TTL, now()).await?;
    let res = Redirect::to("/").into_response();
    let res = with_cookie(res, &state, KNOWN_DEVICE_COOKIE, &token, crate::throttle::DEVICE_TTL);
    Ok(with_cookie(res, &state, SESSION_COOKIE, &s.token, SESSION_TTL))
}

/// The login page again with why: 401 for a wrong password, 429 (with `Retry-After`) for a
/// throttled or busy one.
fn refused(state: &AppState, message: &str, retry_after: Option<i64>) -> PageResult {
    let token = crate::security::random_token();
    let mut res = html(Login { csrf: token.clone(), local: false, user: String::new(), message: message.into() })?;
    *res.status_mut() = if retry_after.is_some() { StatusCode::TOO_MANY_REQUESTS } else { StatusCode::UNAUTHORIZED };
    if let Some(secs) = retry_after.and_then(|s| HeaderValue::from_str(&s.max(1).to_string()).ok()) {
        res.headers_mut().insert("retry-after", secs);
    }
    Ok(with_cookie(res, state, "yq_login_csrf", &token, 3600))
}

/// "12 秒", "3 分钟".
fn in_words(secs: i64) -> String {
    if secs < 60 { format!("{} 秒", secs.max(1)) } else { format!("{} 分钟", (secs + 59) / 60) }
}

#[derive(Deserialize)]
pub(crate) struct CsrfForm {
    pub(super) csrf: String,
}

pub(crate) async fn logout(State(state): State<AppState>, headers: HeaderMap, Form(f): Form<CsrfForm>) -> PageResult {
    let v = viewer(&state, &headers).await?;
    check_csrf(&v.csrf, Some(&f.csrf))?;
    if let Some(t) = crate::security::cookie(&headers, SESSION_COOKIE) {
        state.db.delete_session(t).await?;
    }
    let mut res = Redirect::to("/login").into_response();
    // The service worker keeps pages opened for offline reading; on a computer an organisation's
    // users share, the next person must not find them. Browsers honour this on HTTPS, which is
    // also the only place the service worker runs.
    res.headers_mut().insert("clear-site-data", HeaderValue::from_static("\"cache\", \"storage\""));
    Ok(with_cookie(res, &state, SESSION_COOKIE, "", 0))
}

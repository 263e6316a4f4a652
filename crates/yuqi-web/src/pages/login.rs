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

#[derive(Deserialize)]
pub(crate) struct LoginForm {
    csrf: String,
    name: String,
    password: String,
}

pub(crate) async fn login(State(state): State<AppState>, headers: HeaderMap, Form(f): Form<LoginForm>) -> PageResult {
    if state.cfg.mode == Mode::Local {
        return Ok(Redirect::to("/").into_response());
    }
    let expected = crate::security::cookie(&headers, "yq_login_csrf").unwrap_or("").to_string();
    check_csrf(&expected, Some(&f.csrf))?;
    let Some(user) = state.db.verify_login(&f.name, &f.password).await? else {
        let token = crate::security::random_token();
        let mut res =
            html(Login {
                csrf: token.clone(), local: false, user: String::new(), message: "用户名或密码不对".into()
            })?;
        *res.status_mut() = StatusCode::UNAUTHORIZED;
        return Ok(with_cookie(res, &state, "yq_login_csrf", &token, 3600));
    };
    let s = state.db.create_session(&user.id, SESSION_TTL, now()).await?;
    let res = Redirect::to("/").into_response();
    Ok(with_cookie(res, &state, SESSION_COOKIE, &s.token, SESSION_TTL))
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

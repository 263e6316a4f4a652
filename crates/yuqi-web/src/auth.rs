//! Who is asking: the built-in user of local mode, or the user of a session cookie.

use axum::http::HeaderMap;

use crate::error::WebError;
use crate::security::cookie;
use crate::state::{AppState, Mode};

pub(crate) const SESSION_COOKIE: &str = "yq_session";
pub(crate) const SESSION_TTL: i64 = 12 * 3600;

#[derive(Debug, Clone)]
pub(crate) struct Viewer {
    pub(crate) user_id: yuqi_db::UserId,
    pub(crate) name: String,
    pub(crate) csrf: String,
    pub(crate) local: bool,
}

pub(crate) fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// The viewer of a request, or `Unauthorized`.
pub(crate) async fn viewer(state: &AppState, headers: &HeaderMap) -> Result<Viewer, WebError> {
    match state.cfg.mode {
        Mode::Local => {
            let u = state.db.ensure_local_user().await?;
            Ok(Viewer { user_id: u.id, name: u.name, csrf: state.local_csrf.as_str().to_string(), local: true })
        }
        Mode::MultiUser => {
            let token = cookie(headers, SESSION_COOKIE).ok_or(WebError::Unauthorized)?;
            let s = state.db.session(token, now()).await?.ok_or(WebError::Unauthorized)?;
            Ok(Viewer { user_id: s.user.id, name: s.user.name, csrf: s.csrf_token, local: false })
        }
    }
}

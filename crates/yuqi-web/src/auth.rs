//! Who is asking: the built-in user of local mode (at the computer, or on a phone paired in
//! phone mode), or the user of a session cookie.

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
    /// A phone paired in phone mode (not the computer itself).
    pub(crate) device: bool,
}

pub(crate) fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// The viewer of a request, or `Unauthorized`.
pub(crate) async fn viewer(state: &AppState, headers: &HeaderMap) -> Result<Viewer, WebError> {
    match state.cfg.mode {
        Mode::Local => {
            // In phone mode a paired phone has its own CSRF token; a device cookie that is no
            // longer valid is refused, never taken for the computer. A request without one got
            // past the guard only from the computer itself (crate::phone::admit).
            let device = match (&state.cfg.phone, cookie(headers, crate::phone::DEVICE_COOKIE)) {
                (Some(_), Some(session)) => Some(state.paired_device(session).ok_or(WebError::NotPaired)?),
                _ => None,
            };
            let u = state.db.ensure_local_user().await?;
            let csrf = device.as_ref().map_or_else(|| state.local_csrf.as_str().to_string(), |d| d.csrf.clone());
            Ok(Viewer { user_id: u.id, name: u.name, csrf, local: true, device: device.is_some() })
        }
        Mode::MultiUser => {
            let token = cookie(headers, SESSION_COOKIE).ok_or(WebError::Unauthorized)?;
            let s = state.db.session(token, now()).await?.ok_or(WebError::Unauthorized)?;
            Ok(Viewer { user_id: s.user.id, name: s.user.name, csrf: s.csrf_token, local: false, device: false })
        }
    }
}

//! The first page: the viewer's cases and the way in.

use super::*;

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    csrf: String,
    local: bool,
    user: String,
    cases: Vec<CaseLine>,
    /// Phone mode, at the computer: the way to the pairing code.
    phone: bool,
}

struct CaseLine {
    id: String,
    title: String,
    role: &'static str,
    updated: String,
}

fn role_zh(r: yuqi_db::Role) -> &'static str {
    match r {
        yuqi_db::Role::Owner => "我的",
        yuqi_db::Role::Editor => "可编辑",
        yuqi_db::Role::Viewer => "只读",
    }
}

fn stamp(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map(|d| (d + chrono::Duration::hours(8)).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

pub(crate) async fn home(State(state): State<AppState>, headers: HeaderMap) -> PageResult {
    let v = viewer(&state, &headers).await?;
    if crate::security::cookie(&headers, "yq_seen").is_none() && v.local {
        return Ok(Redirect::to("/triage").into_response());
    }
    let cases = state
        .db
        .list_cases(&v.user_id)
        .await?
        .into_iter()
        .map(|c| CaseLine { id: c.id.to_string(), title: c.title, role: role_zh(c.role), updated: stamp(c.updated_at) })
        .collect();
    let phone = state.cfg.phone.is_some() && !v.device;
    html(Home { csrf: v.csrf, local: v.local, user: v.name, cases, phone })
}

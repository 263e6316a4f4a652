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
    /// The bundled example ([`is_example`]): listed after his own cases, marked 示例.
    example: bool,
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
    let mut cases: Vec<CaseLine> = state
        .db
        .list_cases(&v.user_id)
        .await?
        .into_iter()
        .map(|c| CaseLine {
            id: c.id.to_string(),
            example: is_example(&c.title),
            // The example's tag says 示例; its title would say it again.
            title: if is_example(&c.title) { example_name().to_string() } else { c.title },
            role: role_zh(c.role),
            updated: stamp(c.updated_at),
        })
        .collect();
    // His own cases first; the example (a stable sort keeps the newest-first order) after them.
    cases.sort_by_key(|c| c.example);
    let phone = state.cfg.phone.is_some() && !v.device;
    html(Home { csrf: v.csrf, local: v.local, user: v.name, cases, phone })
}

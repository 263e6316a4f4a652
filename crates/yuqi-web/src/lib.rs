//! The local-first web app and its JSON API.
//!
//! A thin shell: every page and every API call reads a case from the storage layer
//! (`yuqi-db`: SQLite by default, PostgreSQL for organisations), runs the pure core
//! (`yuqi-ledger`, `yuqi-timeline`, `yuqi-plan`, `yuqi-docs`, `yuqi-conduct`) and renders the
//! result: server-side HTML in Simplified Chinese (askama templates compiled into the binary, one
//! small script of our own for live validation and upload progress, no external resources) or
//! JSON. Evidence of a case lives in its own `yuqi-store` directory under the data directory.
//!
//! Security (see `security.rs`): bound to 127.0.0.1 unless told otherwise; Host and Origin are
//! checked (DNS rebinding); every state-changing request carries a CSRF token; a strict
//! Content-Security-Policy; request bodies are size-limited; all message text is escaped. In
//! multi-user mode (PostgreSQL deployments) users log in with a password (argon2) and every case
//! access goes through the storage layer's access control.

mod api;
mod auth;
mod compute;
mod error;
mod openapi;
mod pages;
mod phone;
mod pwa;
mod search;
mod security;
mod serve;
mod state;
mod throttle;

use std::net::SocketAddr;

use axum::Router;
use axum::routing::{get, post};

pub use error::WebError;
pub use phone::{PairingLink, PhoneError, lan_ipv4, terminal_qr};
pub use serve::{Limits, serve_listeners};
pub use state::{AppState, Config, Mode, PhoneConfig};

/// The whole application.
pub fn router(state: AppState) -> Router {
    let upload_limit = state.cfg.upload_limit;
    let api = Router::new()
        .route("/session", get(api::session))
        .route("/cases", get(api::list_cases).post(api::create_case))
        .route("/cases/{id}", get(api::get_case).put(api::update_case).delete(api::delete_case))
        .route("/cases/{id}/shares", post(api::share_case))
        .route("/cases/{id}/audit", get(api::audit))
        .route("/cases/{id}/timeline", get(api::timeline))
        .route("/cases/{id}/plan", get(api::plan))
        .route("/cases/{id}/messages", get(api::messages).post(api::paste_messages))
        .route("/cases/{id}/messages/{seq}/judgments", post(api::judge_message))
        .route(
            "/cases/{id}/evidence",
            get(api::evidence_status)
                .post(api::upload_evidence)
                .layer(axum::extract::DefaultBodyLimit::max(upload_limit)),
        )
        .route("/cases/{id}/evidence/package", get(api::evidence_package))
        .route("/cases/{id}/letters/{kind}", get(api::letter))
        .route("/cases/{id}/report", get(api::report))
        .route("/cases/{id}/exhibit", get(api::exhibit))
        .route("/validate", post(api::validate))
        .route("/scan", post(api::scan))
        .route("/law/search", get(api::law_search));
    Router::new()
        .route("/", get(pages::home))
        .route("/triage", get(pages::triage_form).post(pages::triage_result))
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/logout", post(pages::logout))
        .route("/cases", post(pages::create_case))
        .route("/cases/{id}", get(pages::dashboard))
        .route("/cases/{id}/edit", get(pages::edit_form).post(pages::save_case))
        .route("/cases/{id}/debts", post(pages::add_debt))
        .route("/cases/{id}/interview", get(pages::interview_start))
        .route("/cases/{id}/interview/{step}", get(pages::interview_step).post(pages::interview_answer))
        .route("/cases/{id}/audit", get(pages::audit))
        .route("/cases/{id}/timeline", get(pages::timeline))
        .route("/cases/{id}/inbox", get(pages::inbox))
        .route("/cases/{id}/inbox/paste", post(pages::paste_messages))
        .route("/cases/{id}/inbox/judge", post(pages::judge_finding))
        .route("/cases/{id}/inbox/tie", post(pages::tie_messages))
        .route(
            "/cases/{id}/evidence",
            get(pages::evidence).post(pages::upload_evidence).layer(axum::extract::DefaultBodyLimit::max(upload_limit)),
        )
        .route("/cases/{id}/evidence/verify", post(pages::verify_evidence))
        .route("/cases/{id}/evidence/package", get(pages::download_evidence_package))
        .route("/cases/{id}/evidence/{seq}/image", get(pages::evidence_image))
        .route("/cases/{id}/letters", get(pages::letters))
        .route("/cases/{id}/letters/{kind}", get(pages::download_letter))
        .route("/cases/{id}/report", get(pages::download_report))
        .route("/cases/{id}/exhibit", get(pages::download_exhibit))
        .route("/law", get(pages::law))
        .route("/law/{doc}/{article}", get(pages::article))
        .route("/static/app.css", get(pages::css))
        .route("/static/app.js", get(pages::js))
        .route("/manifest.webmanifest", get(pwa::manifest))
        .route("/sw.js", get(pwa::service_worker))
        .route("/icon.svg", get(pwa::icon_svg))
        .route("/icon-192.png", get(pwa::icon_192))
        .route("/icon-512.png", get(pwa::icon_512))
        .route("/phone", get(phone::phone_page))
        .route("/phone/new", post(phone::new_code))
        .route("/phone/forget", post(phone::forget_phones))
        .route("/pair/{token}", get(phone::pair))
        .route("/api/openapi.json", get(openapi::document))
        .nest("/api/v1", api)
        .layer(axum::extract::DefaultBodyLimit::max(state.cfg.body_limit))
        .layer(axum::middleware::from_fn_with_state(state.clone(), security::guard))
        .with_state(state)
}

/// Serves until Ctrl-C.
pub async fn serve(state: AppState, addr: SocketAddr) -> Result<(), WebError> {
    serve_on(state, &[addr]).await
}

/// Serves the same app on several addresses until Ctrl-C: phone mode listens on the home
/// network and on 127.0.0.1, where the computer's own browser reaches the pairing page.
/// Every address is bound before any is served, so a taken port stops the start cleanly.
pub async fn serve_on(state: AppState, addrs: &[SocketAddr]) -> Result<(), WebError> {
    let mut listeners = Vec::new();
    for addr in addrs {
        listeners.push(tokio::net::TcpListener::bind(addr).await?);
    }
    serve_listeners(state, listeners, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}

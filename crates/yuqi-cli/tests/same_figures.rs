//! The CLI and the web app run the same case pipeline (`yuqi-app`): for every example case and
//! the same as-of and filing dates, `yuqi audit|timeline|plan --json` and the web API's
//! `/api/v1/cases/{id}/audit|timeline|plan?as_of=…&filing_date=…` give identical figures.

use std::path::{Path, PathBuf};
use std::process::Command;

use axum::body::Body;
use axum::http::{Request, header};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

const HOST: &str = "127.0.0.1:8080";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn cli_json(args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_yuqi")).args(args).current_dir(root()).output().expect("run yuqi");
    assert!(out.status.success(), "yuqi {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("CLI JSON")
}

async fn send(router: &axum::Router, req: Request<Body>) -> Value {
    let res = router.clone().oneshot(req).await.expect("response");
    let status = res.status();
    let body = res.into_body().collect().await.expect("body").to_bytes();
    assert!(status.is_success(), "{status}: {}", String::from_utf8_lossy(&body));
    serde_json::from_slice(&body).expect("API JSON")
}

fn examples() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
        .expect("examples")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    v.sort();
    v
}

fn rel(p: &Path) -> String {
    p.strip_prefix(root()).expect("under root").display().to_string()
}

#[tokio::test]
async fn cli_and_web_give_identical_figures_for_the_same_case_and_dates() {
    let dir = tempfile::tempdir().expect("tmp");
    let url = yuqi_db::sqlite_url(&dir.path().join("yuqi.sqlite")).expect("url");
    let db = yuqi_db::Db::connect(&url).await.expect("db");
    let state = yuqi_web::AppState::new(db, yuqi_web::Config::local(8080, dir.path().to_path_buf()));
    let router = yuqi_web::router(state);
    let session =
        send(&router, Request::get("/api/v1/session").header(header::HOST, HOST).body(Body::empty()).expect("req"))
            .await;
    let token = session["csrf_token"].as_str().expect("token").to_string();
    let examples = examples();
    assert!(examples.len() >= 6, "{examples:?}");
    // Two date pairs: one where every example's contract has started, and the examples' own.
    for (as_of, filing) in [("2026-11-24", "2026-11-24"), ("2025-06-30", "2025-07-01")] {
        for ex in &examples {
            let toml = std::fs::read_to_string(ex).expect("case");
            let case = yuqi_case::parse_case(&toml, "x.toml").expect("parse");
            let as_of_date: chrono::NaiveDate = as_of.parse().expect("date");
            if case.debts.iter().any(|d| d.contract_date > as_of_date) {
                continue;
            }
            let created = send(
                &router,
                Request::post("/api/v1/cases")
                    .header(header::HOST, HOST)
                    .header("x-csrf-token", &token)
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(serde_json::json!({ "title": "x", "toml": toml }).to_string()))
                    .expect("req"),
            )
            .await;
            let id = created["id"].as_str().expect("id");
            let web = |what: &str| {
                Request::get(format!("/api/v1/cases/{id}/{what}?as_of={as_of}&filing_date={filing}"))
                    .header(header::HOST, HOST)
                    .body(Body::empty())
                    .expect("req")
            };
            let flags = ["--as-of", as_of, "--filing-date", filing, "--json"];
            let path = rel(ex);

            let mut cli = cli_json(&[&["audit", path.as_str()][..], &flags[..]].concat());
            let w = send(&router, web("audit")).await;
            assert_eq!(cli["deadlines"], w["deadlines"], "{path} {as_of}: deadlines");
            cli.as_object_mut().expect("object").remove("deadlines");
            assert_eq!(cli, w["audit"], "{path} {as_of}: audit");
            assert!(cli["debts"].as_array().is_some_and(|d| !d.is_empty()), "{path}: figures compared");

            let cli = cli_json(&[&["timeline", path.as_str()][..], &flags[..]].concat());
            assert_eq!(cli, send(&router, web("timeline")).await["timeline"], "{path} {as_of}: timeline");

            let cli = cli_json(&[&["plan", path.as_str()][..], &flags[..]].concat());
            assert_eq!(cli, send(&router, web("plan")).await["plan"], "{path} {as_of}: plan");
        }
    }
}

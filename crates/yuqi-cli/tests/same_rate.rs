//! One annual rate everywhere: for the demo and other examples, the headline annual rate
//! (`yuqi_ledger::apr::RateMeasure::HEADLINE`, under its one name) is the same figure in the
//! same two places — the audit table's column and the first line of each debt's computation —
//! in the CLI text report, the dossier as Markdown (`yuqi report --out -`), the web app's audit
//! page and the dossier the web app downloads as HTML; it is the JSON's `apr_nominal`; the
//! explanation of which rate the caps are compared with appears once; and wherever the name is
//! followed by a figure, it is that debt's headline figure, never another measure's.

use std::path::PathBuf;
use std::process::Command;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, header};
use http_body_util::BodyExt;
use regex::Regex;
use serde_json::Value;
use tower::ServiceExt;
use yuqi_docs::rates;

const HOST: &str = "127.0.0.1:8080";
const AS_OF: &str = "2026-11-24";
const CASES: [&str; 4] = [
    "examples/demo.toml",
    "examples/consumer-finance-guarantee.toml",
    "examples/stacking.toml",
    "examples/private-2019.toml",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn cli(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_yuqi")).args(args).current_dir(root()).output().expect("run yuqi");
    assert!(out.status.success(), "yuqi {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8")
}

async fn send(router: &axum::Router, req: Request<Body>) -> String {
    let res = router.clone().oneshot(req).await.expect("response");
    let status = res.status();
    let body = res.into_body().collect().await.expect("body").to_bytes();
    assert!(status.is_success(), "{status}: {}", String::from_utf8_lossy(&body));
    String::from_utf8(body.to_vec()).expect("UTF-8")
}

fn get(uri: &str) -> Request<Body> {
    let peer: std::net::SocketAddr = "127.0.0.1:40000".parse().expect("peer");
    Request::get(uri).header(header::HOST, HOST).extension(ConnectInfo(peer)).body(Body::empty()).expect("req")
}

/// A percentage as the documents print one.
const FIGURE: &str = r"(超过 10,000%|—|-?[\d,]+\.\d+%)";

/// Where the headline shows: the table column, then each debt's line, in order.
#[derive(Debug, PartialEq)]
struct Shown {
    column: Vec<String>,
    lines: Vec<String>,
    /// Every figure that directly follows the headline name anywhere (findings included).
    anywhere: Vec<String>,
    explanations: usize,
}

fn shown(text: &str, column: Vec<String>) -> Shown {
    let name = regex::escape(rates::headline_name());
    let line = Regex::new(&format!(r"{name}：\s*{FIGURE}（和法律上限比较")).expect("regex");
    let any = Regex::new(&format!(r"{name}(?:约为|为|：)\s*{FIGURE}")).expect("regex");
    let caps = |re: &Regex| re.captures_iter(text).map(|c| c[1].to_string()).collect::<Vec<_>>();
    Shown {
        column,
        lines: caps(&line),
        anywhere: caps(&any),
        explanations: text.matches(&format!("{}　", rates::EXPLANATION_HEAD)).count(),
    }
}

/// The CLI's text table writes each row as "column：value；…".
fn from_text(text: &str) -> Shown {
    let name = regex::escape(rates::headline_name());
    let row = Regex::new(&format!(r"(?m)^\s*· 借款：.*?；{name}：{FIGURE}；")).expect("regex");
    let column = row.captures_iter(text).map(|c| c[1].to_string()).collect();
    shown(text, column)
}

/// Markdown: the column of the table whose header names the headline.
fn from_markdown(md: &str) -> Shown {
    let mut column = Vec::new();
    let mut at = None;
    for l in md.lines() {
        if !l.starts_with('|') {
            at = None;
            continue;
        }
        let cells: Vec<&str> = l.trim().trim_matches('|').split('|').map(str::trim).collect();
        match at {
            None => at = cells.iter().position(|c| *c == rates::headline_name()),
            Some(_) if cells.iter().all(|c| c.chars().all(|ch| ch == '-' || ch == ':')) => {}
            Some(i) => column.push(cells[i].to_string()),
        }
    }
    shown(&md.replace("**", ""), column)
}

/// HTML: each cell carries its column's name; the rest is read as visible text.
fn from_html(html: &str) -> Shown {
    let cell =
        Regex::new(&format!(r#"data-label="{}">([^<]*)<"#, regex::escape(rates::headline_name()))).expect("regex");
    let column = cell.captures_iter(html).map(|c| c[1].to_string()).collect();
    let visible = Regex::new(r"<[^>]+>").expect("regex").replace_all(html, "").replace("&amp;", "&");
    shown(&visible, column)
}

#[tokio::test]
async fn the_headline_annual_rate_is_the_same_figure_in_the_same_place_everywhere() {
    let dir = tempfile::tempdir().expect("tmp");
    let url = yuqi_db::sqlite_url(&dir.path().join("yuqi.sqlite")).expect("url");
    let db = yuqi_db::Db::connect(&url).await.expect("db");
    let state = yuqi_web::AppState::new(db, yuqi_web::Config::local(8080, dir.path().to_path_buf()));
    let router = yuqi_web::router(state);
    let session: Value = serde_json::from_str(&send(&router, get("/api/v1/session")).await).expect("JSON");
    let token = session["csrf_token"].as_str().expect("token").to_string();
    let dates = ["--as-of", AS_OF, "--filing-date", AS_OF];
    let query = format!("as_of={AS_OF}&filing_date={AS_OF}");

    for path in CASES {
        // The figure: the JSON's headline field, printed as the documents print a rate.
        let json: Value =
            serde_json::from_str(&cli(&[&["audit", path, "--json"][..], &dates[..]].concat())).expect("JSON");
        let want: Vec<String> = json["debts"]
            .as_array()
            .expect("debts")
            .iter()
            .map(|d| rates::percent(d["apr_nominal"].as_str().map(|s| s.parse().expect("decimal"))))
            .collect();
        assert!(!want.is_empty() && want.iter().all(|w| w.ends_with('%')), "{path}: {want:?}");

        let toml = std::fs::read_to_string(root().join(path)).expect("case");
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
        let id = serde_json::from_str::<Value>(&created).expect("JSON")["id"].as_str().expect("id").to_string();

        let outputs = [
            ("CLI text", from_text(&cli(&[&["audit", path][..], &dates[..]].concat()))),
            ("dossier Markdown", from_markdown(&cli(&[&["report", path, "--out", "-"][..], &dates[..]].concat()))),
            ("web audit page", from_html(&send(&router, get(&format!("/cases/{id}/audit?{query}"))).await)),
            (
                "web dossier HTML",
                from_html(&send(&router, get(&format!("/cases/{id}/report?format=html&{query}"))).await),
            ),
        ];
        for (what, s) in &outputs {
            assert_eq!(s.column, want, "{path}, {what}: the table column");
            assert_eq!(s.lines, want, "{path}, {what}: each debt's line");
            assert!(
                s.anywhere.iter().all(|f| want.contains(f)),
                "{path}, {what}: another figure under the name: {s:?}"
            );
            assert_eq!(s.explanations, 1, "{path}, {what}: the explanation once");
        }
    }
}

#[test]
fn the_quick_apr_command_uses_the_same_names() {
    let text = cli(&["apr", "--principal", "10000", "--received", "9000", "--periods", "12", "--payment", "1000"]);
    for m in yuqi_ledger::apr::RateMeasure::ALL {
        assert!(text.contains(&format!("{}：", m.name_zh())), "{} missing:\n{text}", m.name_zh());
    }
    // The worked example of docs/law/apr.md §2.
    assert!(text.contains(&format!("{}：56.75%", rates::headline_name())), "{text}");
    assert!(!text.chars().any(|c| c.is_ascii_uppercase()), "{text}");
}

//! The server under attack (issue 19): login floods and guessing, shares that cannot be done,
//! uploads with hostile names or that fail half-way, idle and surplus connections. Each test
//! failed before the fix it guards.

mod common;

use axum::body::Body;
use axum::http::{StatusCode, header};
use common::*;
use yuqi_web::Mode;

/// The login form posted from `peer`.
async fn login_from(app: &App, peer: &str, name: &str, password: &str) -> Res {
    login_with(app, peer, "", name, password).await
}

/// The login form posted from `peer` with more `cookies` (`k=v; …`).
async fn login_with(app: &App, peer: &str, cookies: &str, name: &str, password: &str) -> Res {
    let page = send(app, get("/login").body(Body::empty()).expect("req")).await;
    let token = page.cookie("yq_login_csrf").expect("login csrf cookie");
    send(
        app,
        request("POST", "/login", peer, HOST)
            .header(header::COOKIE, format!("yq_login_csrf={token}; {cookies}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form(&[("csrf", &token), ("name", name), ("password", password)]))
            .expect("req"),
    )
    .await
}

#[tokio::test]
async fn guessing_one_password_soon_has_to_wait_even_with_the_right_one() {
    let app = app_with(Mode::MultiUser, None).await;
    app.state.db.create_user("alice", "correct horse battery").await.expect("alice");
    app.state.db.create_user("bob", "another long secret").await.expect("bob");
    for i in 0..5 {
        let r = login_from(&app, "198.51.100.1:1000", "alice", &format!("guess number {i}")).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "guess {i}");
    }
    // The sixth attempt is not even checked: the right password waits too, or the wait would
    // not slow a guesser down.
    let r = login_from(&app, "198.51.100.1:1000", "alice", "correct horse battery").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text());
    assert!(r.cookie("yq_session").is_none());
    assert!(r.headers.get(header::RETRY_AFTER).is_some());
    assert!(r.text().contains("尝试次数太多"), "{}", r.text());
    // From another address the account waits as well (guessing from many machines) …
    let r = login_from(&app, "203.0.113.9:1000", "ALICE ", "correct horse battery").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    // … while another person's login is untouched.
    let r = login_from(&app, "203.0.113.9:1000", "bob", "another long secret").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert!(r.cookie("yq_session").is_some());
}

#[tokio::test]
async fn the_owners_known_browser_gets_in_while_others_guess_her_password() {
    let app = app_with(Mode::MultiUser, None).await;
    app.state.db.create_user("fay", "fay's long secret").await.expect("fay");
    app.state.db.create_user("gus", "gus's long secret").await.expect("gus");
    let first = login_from(&app, "198.51.100.7:1000", "fay", "fay's long secret").await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let known = format!("yq_known={}", first.cookie("yq_known").expect("known-device cookie"));
    // Someone else guesses Fay's password until the account must wait.
    for i in 0..6 {
        login_from(&app, "203.0.113.66:1000", "fay", &format!("guess {i}")).await;
    }
    assert_eq!(
        login_from(&app, "198.51.100.7:1000", "fay", "fay's long secret").await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Fay's own browser still gets in.
    let r = login_with(&app, "198.51.100.7:1000", &known, "fay", "fay's long secret").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    // Her cookie is no key to another account's waits.
    for i in 0..6 {
        login_from(&app, "203.0.113.66:1000", "gus", &format!("guess {i}")).await;
    }
    let r = login_with(&app, "198.51.100.7:1000", &known, "gus", "gus's long secret").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    // Nor does it give endless guesses: after five wrong passwords it is a stranger's again, and
    // a stranger's guesses count towards the account's wait.
    for i in 0..10 {
        let r = login_with(&app, "198.51.100.7:1000", &known, "fay", &format!("typo {i}")).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "typo {i}");
    }
    let r = login_with(&app, "198.51.100.7:1000", &known, "fay", "fay's long secret").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn one_address_trying_many_accounts_is_slowed() {
    let app = app_with(Mode::MultiUser, None).await;
    app.state.db.create_user("carol", "carol's long secret").await.expect("carol");
    for i in 0..20 {
        let r = login_from(&app, "198.51.100.2:1000", &format!("nobody{i}"), "some password").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = login_from(&app, "198.51.100.2:1000", "carol", "carol's long secret").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    // Carol from her own machine gets in.
    let r = login_from(&app, "198.51.100.3:1000", "carol", "carol's long secret").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_logins_gets_answers_not_errors_and_the_owner_still_gets_in() {
    let app = std::sync::Arc::new(app_with(Mode::MultiUser, None).await);
    app.state.db.create_user("dora", "dora's long secret").await.expect("dora");
    // Sixty wrong logins at once, each from its own address and account (so no throttle stops
    // them early): the password checks queue behind a bound; every request gets 401 or 429.
    let mut tasks = Vec::new();
    for i in 0..60 {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            login_from(&app, &format!("10.9.{}.{}:2000", i / 200, i % 200 + 1), &format!("flood{i}"), "wrong password")
                .await
                .status
        }));
    }
    for t in tasks {
        let s = t.await.expect("join");
        assert!(s == StatusCode::UNAUTHORIZED || s == StatusCode::TOO_MANY_REQUESTS, "{s}");
    }
    let r = login_from(&app, "10.10.0.1:2000", "dora", "dora's long secret").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
}

#[tokio::test]
async fn sharing_with_nobody_or_oneself_is_the_users_mistake_not_a_server_error() {
    let app = app_with(Mode::MultiUser, None).await;
    app.state.db.create_user("erin", "erin's long secret").await.expect("erin");
    let cookie =
        format!("yq_session={}", login(&app, "erin", "erin's long secret").await.cookie("yq_session").expect("s"));
    let token = csrf(&app, Some(&cookie)).await;
    let r = send(
        &app,
        post("/cases")
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form(&[("csrf", &token), ("template", "demo")]))
            .expect("req"),
    )
    .await;
    let id = r.location().trim_start_matches("/cases/").to_string();
    for who in ["no-such-user", "erin"] {
        let r = send(
            &app,
            post(&format!("/api/v1/cases/{id}/shares"))
                .header(header::COOKIE, &cookie)
                .header("x-csrf-token", &token)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(serde_json::json!({ "user": who, "role": "viewer" }).to_string()))
                .expect("req"),
        )
        .await;
        assert!(r.status.is_client_error(), "share with {who}: {} {}", r.status, r.text());
        assert!(r.json()["error"].as_str().is_some_and(|e| !e.is_empty() && !e.is_ascii()), "{}", r.text());
    }
}

fn tmp_files(app: &App) -> Vec<std::path::PathBuf> {
    match std::fs::read_dir(app.data_dir().join("tmp")) {
        Ok(d) => d.filter_map(Result::ok).map(|e| e.path()).collect(),
        Err(_) => Vec::new(),
    }
}

#[tokio::test]
async fn a_long_file_name_is_kept_as_data_and_nothing_is_left_in_tmp() {
    let app = app().await;
    let id = new_demo_case(&app).await;
    let token = csrf(&app, None).await;
    // 80 Chinese characters: 240 bytes of name, more than a file system allows in a path part.
    let name = format!("{}.jpg", "催收短信截图".repeat(14));
    let (ct, body) = multipart(Some(&token), &name, b"\xff\xd8\xff\xe0 not really a jpeg, kept whole");
    let r = upload(&app, &id, &token, (ct, body)).await;
    assert!(r.status.is_success(), "{} {}", r.status, r.text());
    assert!(tmp_files(&app).is_empty(), "left behind: {:?}", tmp_files(&app));
    // The store lists it under the phone's name, without the server's temporary token.
    let st = yuqi_store::Store::open(&app.data_dir().join("cases").join(&id).join("evidence"), None).expect("store");
    let items = st.list(None, None, 100).expect("list");
    assert!(
        items.iter().any(|i| i.origin.starts_with(&name)),
        "{:?}",
        items.iter().map(|i| i.origin.clone()).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn a_refused_or_broken_upload_leaves_nothing_behind() {
    let app = app_with(Mode::Local, Some(64 * 1024)).await;
    let id = new_demo_case(&app).await;
    let token = csrf(&app, None).await;
    // Too big: the body stops half-way through the spooling.
    let (ct, body) = multipart(Some(&token), "big.bin", &vec![b'x'; 200 * 1024]);
    let r = upload(&app, &id, &token, (ct, body)).await;
    assert!(r.status.is_client_error(), "{}", r.status);
    assert!(tmp_files(&app).is_empty(), "left behind: {:?}", tmp_files(&app));
    // A body cut off before its end.
    let (ct, mut body) = multipart(Some(&token), "cut.txt", &vec![b'y'; 10 * 1024]);
    body.truncate(body.len() - 40);
    let r = upload(&app, &id, &token, (ct, body)).await;
    assert!(r.status.is_client_error(), "{}", r.status);
    assert!(tmp_files(&app).is_empty(), "left behind: {:?}", tmp_files(&app));
}

#[tokio::test]
async fn an_absurd_rate_is_refused_where_it_was_typed_not_a_server_error() {
    // 年化100000 %, 等额本息: the audit used to overflow (a panic, HTTP 500).
    let app = app().await;
    let demo = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/demo.toml")).expect("demo");
    let (line, _) = demo.lines().enumerate().find(|(_, l)| l.starts_with("rate = ")).expect("a rate line");
    let toml: String = demo
        .lines()
        .enumerate()
        .map(|(i, l)| if i == line { "rate = \"年化100000%\"".to_string() } else { l.to_string() })
        .collect::<Vec<_>>()
        .join("\n");
    let token = csrf(&app, None).await;
    let r = send(
        &app,
        post("/api/v1/cases")
            .header("x-csrf-token", &token)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(serde_json::json!({ "title": "t", "toml": toml }).to_string()))
            .expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    let e = r.json()["error"].as_str().unwrap_or_default().to_string();
    assert!(e.contains(&format!("{}:", line + 1)), "names the line: {e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_uploads_to_one_case_at_once_all_arrive() {
    // A phone sending a few large files together: each import holds the store's write lock for
    // longer than SQLite's busy timeout, so they used to fail with "database is locked".
    let app = std::sync::Arc::new(app().await);
    let id = new_demo_case(&app).await;
    let token = csrf(&app, None).await;
    let mut tasks = Vec::new();
    for i in 0..3u8 {
        let (app, id, token) = (app.clone(), id.clone(), token.clone());
        tasks.push(tokio::spawn(async move {
            let bytes: Vec<u8> = (0..16 << 20).map(|j: u32| (j.wrapping_mul(2_654_435_761) >> 13) as u8 ^ i).collect();
            upload(&app, &id, &token, multipart(Some(&token), &format!("录音{i}.m4a"), &bytes)).await
        }));
    }
    for t in tasks {
        let r = t.await.expect("join");
        assert!(r.status.is_success(), "{} {}", r.status, r.text());
    }
    assert!(tmp_files(&app).is_empty());
}

//! Helpers for the headless-Chromium tests (`browser.rs`, `journey.rs`): the app on a real
//! socket, chromedriver, screenshots under `target/e2e/`, and waiting for page text.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

pub(crate) struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub(crate) fn chromedriver() -> Option<PathBuf> {
    ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"].iter().map(PathBuf::from).find(|p| p.exists())
}

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap_or(9515)
}

pub(crate) async fn start_app(dir: &std::path::Path) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let url = yuqi_db::sqlite_url(&dir.join("yuqi.sqlite")).expect("url");
    let db = yuqi_db::Db::connect(&url).await.expect("db");
    let state = yuqi_web::AppState::new(db, yuqi_web::Config::local(addr.port(), dir.to_path_buf()));
    let app = yuqi_web::router(state);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await;
    });
    addr
}

pub(crate) async fn connect(port: u16) -> Client {
    let caps = json!({
        "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                     "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
        }
    });
    let caps = caps.as_object().cloned().unwrap_or_default();
    for _ in 0..50 {
        if let Ok(c) = ClientBuilder::rustls()
            .expect("tls")
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            return c;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("chromedriver did not answer on port {port}");
}

pub(crate) async fn shot(c: &Client, name: &str) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/e2e");
    let _ = std::fs::create_dir_all(&dir);
    let png = c.screenshot().await.expect("screenshot");
    assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
    std::fs::write(dir.join(format!("{name}.png")), png).expect("write screenshot");
}

/// The page text once it contains `want` (pages load after a click; elements of the old page
/// go stale), or the last text seen after five seconds.
pub(crate) async fn wait_text(c: &Client, want: &str) -> String {
    let mut last = String::new();
    for _ in 0..50 {
        if let Ok(body) = c.find(Locator::Css("body")).await
            && let Ok(t) = body.text().await
        {
            if t.contains(want) {
                return t;
            }
            last = t;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    last
}

pub(crate) async fn fits_width(c: &Client) -> bool {
    c.execute("return document.documentElement.scrollWidth <= window.innerWidth + 1;", vec![])
        .await
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

/// Chromedriver on a free port with a Chromium session at `w`×`h`; `None` (with a notice) when
/// chromedriver is not installed outside CI.
#[allow(clippy::print_stderr)] // the notice of a skipped test
pub(crate) async fn browser(w: u32, h: u32) -> Option<(Driver, Client)> {
    let Some(driver) = chromedriver() else {
        assert!(std::env::var_os("CI").is_none(), "CI must run the browser test: install chromium and chromium-driver");
        eprintln!("chromedriver not installed: browser test skipped (apt-get install chromium chromium-driver)");
        return None;
    };
    let port = free_port();
    let d = Driver(
        Command::new(&driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver"),
    );
    let c = connect(port).await;
    c.set_window_size(w, h).await.expect("size");
    Some((d, c))
}

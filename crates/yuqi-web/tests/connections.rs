//! The real accept loop (`serve_listeners`) on a loopback socket: idle connections are closed,
//! a stalled body ends its request, and more connections than the bound wait their turn instead
//! of making the server unreachable (issue 19, item 9). Bounds are set small for the test; the
//! assertions are about what happens, with generous deadlines only so a broken build fails
//! instead of hanging.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::*;
use yuqi_web::{Config, Limits};

async fn server(limits: Limits) -> (App, std::net::SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let app = app_from(|dir| {
        let mut cfg = Config::local(addr.port(), dir.to_path_buf());
        cfg.limits = limits;
        cfg
    })
    .await;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let state = app.state.clone();
    tokio::spawn(async move {
        let _ = yuqi_web::serve_listeners(state, vec![listener], async {
            let _ = stopped.await;
        })
        .await;
    });
    (app, addr, stop)
}

/// Reads until the server closes the connection (Ok(bytes)) or the deadline passes (Err).
fn read_to_close(s: &mut TcpStream, deadline: Duration) -> Result<Vec<u8>, String> {
    s.set_read_timeout(Some(deadline)).expect("timeout");
    let mut got = Vec::new();
    match s.read_to_end(&mut got) {
        Ok(_) => Ok(got),
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => Ok(got),
        Err(e) => Err(format!("still open after {deadline:?}: {e}")),
    }
}

fn get_home(addr: std::net::SocketAddr) -> String {
    let mut s = TcpStream::connect(addr).expect("connect");
    write!(s, "GET /manifest.webmanifest HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n", addr.port())
        .expect("write");
    let got = read_to_close(&mut s, Duration::from_secs(60)).expect("answer");
    String::from_utf8_lossy(&got).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_connections_are_closed_and_surplus_ones_wait_their_turn() {
    let limits =
        Limits { max_connections: 4, header_timeout: Duration::from_secs(1), body_idle: Duration::from_secs(1) };
    let (_app, addr, _stop) = server(limits).await;
    tokio::task::spawn_blocking(move || {
        // A connection that says nothing is closed by the server.
        let mut idle = TcpStream::connect(addr).expect("connect");
        read_to_close(&mut idle, Duration::from_secs(60)).expect("closed by the server");

        // Half a request's headers, then silence: closed too (slowloris).
        let mut slow = TcpStream::connect(addr).expect("connect");
        slow.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n").expect("write");
        read_to_close(&mut slow, Duration::from_secs(60)).expect("closed by the server");

        // A kept-alive connection that goes quiet after its answer: closed too.
        let mut kept = TcpStream::connect(addr).expect("connect");
        write!(kept, "GET /manifest.webmanifest HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n", addr.port()).expect("write");
        let got = read_to_close(&mut kept, Duration::from_secs(60)).expect("closed by the server after its answer");
        assert!(String::from_utf8_lossy(&got).starts_with("HTTP/1.1 200"));

        // Twice as many idle connections as the bound: a real request still gets its answer.
        let hogs: Vec<TcpStream> = (0..8).map(|_| TcpStream::connect(addr).expect("connect")).collect();
        let answer = get_home(addr);
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        drop(hogs);
    })
    .await
    .expect("join");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_stops_arriving_ends_its_request() {
    let limits =
        Limits { max_connections: 8, header_timeout: Duration::from_secs(5), body_idle: Duration::from_secs(1) };
    let (_app, addr, _stop) = server(limits).await;
    tokio::task::spawn_blocking(move || {
        let mut s = TcpStream::connect(addr).expect("connect");
        // Announces 1 MB, sends 10 bytes, then nothing.
        write!(
            s,
            "POST /api/v1/validate HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{{\"toml\": \"",
            addr.port()
        )
        .expect("write");
        let got = read_to_close(&mut s, Duration::from_secs(60)).expect("the server ends it");
        let text = String::from_utf8_lossy(&got);
        // Either an error answer or a closed connection; never a request held open for ever.
        assert!(text.is_empty() || text.starts_with("HTTP/1.1 4"), "{text}");
    })
    .await
    .expect("join");
}

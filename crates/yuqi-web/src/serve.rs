//! Accepting connections, with bounds an outsider cannot push past.
//!
//! axum's own `serve` keeps a connection open for as long as the client likes and accepts as
//! many as the operating system allows: 2,000 idle connections stayed open forever, and at a
//! 1,024-file limit 1,100 of them made the server unreachable. Here:
//!
//! * a connection must send a request's headers within [`Limits::header_timeout`] — also when it
//!   sits idle between requests (hyper's header timer starts when it waits for a request), so an
//!   idle keep-alive connection is closed after that long;
//! * a request body must keep arriving: no byte for [`Limits::body_idle`] ends the request
//!   (a slow phone upload keeps going; a trickle that stops does not hold a slot);
//! * at most [`Limits::max_connections`] connections are served at once; past it new ones wait
//!   in the kernel's queue until a slot frees, which the timeouts above guarantee.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tower::ServiceExt as _;

use crate::error::WebError;
use crate::state::AppState;

/// The server's bounds on connections (part of [`crate::Config`]).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Connections served at once.
    pub max_connections: usize,
    /// Time to send a request's headers, and the longest a connection may sit idle.
    pub header_timeout: Duration,
    /// Longest pause inside a request body.
    pub body_idle: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        // 512 connections leave room under the common 1,024-descriptor limit for the databases,
        // evidence stores and temporary files a request opens.
        Limits { max_connections: 512, header_timeout: Duration::from_secs(15), body_idle: Duration::from_secs(60) }
    }
}

/// Serves `app` on every listener until `shutdown` completes, then lets open requests finish
/// (at most 10 s).
pub async fn serve_listeners(
    state: AppState,
    listeners: Vec<TcpListener>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), WebError> {
    let limits = state.cfg.limits;
    let app = crate::router(state);
    let (stop, stopped) = watch::channel(false);
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop.send(true);
    });
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let mut servers = tokio::task::JoinSet::new();
    for listener in listeners {
        servers.spawn(accept(listener, app.clone(), slots.clone(), limits, stopped.clone()));
    }
    while let Some(done) = servers.join_next().await {
        done?;
    }
    Ok(())
}

async fn accept(
    listener: TcpListener,
    app: Router,
    slots: Arc<Semaphore>,
    limits: Limits,
    mut stopped: watch::Receiver<bool>,
) {
    let mut conns = tokio::task::JoinSet::new();
    loop {
        let permit = tokio::select! {
            p = slots.clone().acquire_owned() => match p { Ok(p) => p, Err(_) => break },
            () = stopping(&mut stopped) => break,
        };
        let (tcp, peer) = tokio::select! {
            r = listener.accept() => match r {
                Ok(c) => c,
                // Out of descriptors, or a connection reset before it was accepted: the listener
                // itself is fine; try again shortly rather than spin.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = stopping(&mut stopped) => break,
        };
        let _ = tcp.set_nodelay(true);
        let app = app.clone();
        let mut stopped = stopped.clone();
        conns.spawn(async move {
            let _permit = permit;
            let service = hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                let (mut parts, body) = req.into_parts();
                parts.extensions.insert(ConnectInfo(peer));
                let body = Body::new(IdleBody { inner: Body::new(body), idle: limits.body_idle, timer: None });
                app.clone().oneshot(hyper::Request::from_parts(parts, body))
            });
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder.timer(TokioTimer::new()).header_read_timeout(limits.header_timeout);
            let conn = builder.serve_connection(TokioIo::new(tcp), service);
            tokio::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                () = stopping(&mut stopped) => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
        });
        // Forget finished connections as we go, so the set does not grow with the server's age.
        while conns.try_join_next().is_some() {}
    }
    let _ = tokio::time::timeout(Duration::from_secs(10), async { while conns.join_next().await.is_some() {} }).await;
}

/// Resolves once the server is told to stop. The watch's guard is dropped here, not held across
/// the awaits that follow.
async fn stopping(stopped: &mut watch::Receiver<bool>) {
    let _ = stopped.wait_for(|s| *s).await;
}

/// A request body that fails if no data arrives for `idle`.
struct IdleBody {
    inner: Body,
    idle: Duration,
    timer: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl http_body::Body for IdleBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, axum::Error>>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(frame) => {
                this.timer = None;
                Poll::Ready(frame)
            }
            Poll::Pending => {
                let idle = this.idle;
                let timer = this.timer.get_or_insert_with(|| Box::pin(tokio::time::sleep(idle)));
                match timer.as_mut().poll(cx) {
                    Poll::Ready(()) => Poll::Ready(Some(Err(axum::Error::new(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        format!("连接中断：{} 秒没有收到数据", idle.as_secs()),
                    ))))),
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

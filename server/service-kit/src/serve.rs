//! The connection loop: what `axum::serve` does, plus the limits a server
//! on the open internet needs and `axum::serve` doesn't set.
//!
//! `axum::serve` gives hyper no timer, so hyper's header timeout never runs:
//! a client that opens a connection and sends nothing, or one header byte
//! every few seconds (slowloris), holds a task and a file descriptor for
//! as long as it likes, and ten thousand of them starve everyone else.
//! Here every connection has [`ServeLimits::header_timeout`] to send its
//! request head (again before each request on a kept-alive connection),
//! every request body [`ServeLimits::body_timeout`] in total, and the
//! number of open connections is capped: past the cap, new ones wait in
//! the kernel's accept queue instead of taking memory here.

mod deadline_body;

pub use deadline_body::is_body_timeout;

use axum::{Router, extract::ConnectInfo};
use deadline_body::DeadlineBody;
use hyper::{body::Incoming, server::conn::http1};
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    server::graceful::GracefulShutdown,
};
use std::{future::Future, net::SocketAddr, sync::Arc, time::Duration};
use tokio::{
    net::{TcpListener, TcpSocket},
    sync::Semaphore,
};
use tower::ServiceExt;

/// How long a client may take, and how many connections may be open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServeLimits {
    /// From the connection's start (or the previous answer) to the end of
    /// the request's head: `HTTP_HEADER_TIMEOUT_SECONDS`.
    pub header_timeout: Duration,
    /// From the head to the end of the body: `HTTP_BODY_TIMEOUT_SECONDS`.
    /// Long enough for a 10 MB photo over a slow mobile link.
    pub body_timeout: Duration,
    /// Connections served at once: `HTTP_MAX_CONNECTIONS`.
    pub max_connections: usize,
}

impl Default for ServeLimits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(120),
            max_connections: 20_000,
        }
    }
}

/// Connections the kernel completes for us before we accept them. Tokio's
/// default is 1024; a burst larger than the queue has its handshakes
/// dropped and retried a second later. Linux caps it at `net.core.somaxconn`
/// (4096 by default).
const LISTEN_BACKLOG: u32 = 4096;

/// A listener on `addr` with a backlog of [`LISTEN_BACKLOG`].
pub fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = match addr {
        SocketAddr::V4(_) => TcpSocket::new_v4()?,
        SocketAddr::V6(_) => TcpSocket::new_v6()?,
    };
    // A restarted instance can listen again at once, as TcpListener::bind allows.
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}

/// How long a graceful shutdown waits for the requests in flight.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(30);

/// Serves `app` on `listener` until `shutdown` resolves, then stops
/// accepting, lets the requests in flight finish (idle connections are
/// closed at once) and returns. Handlers see the peer as
/// `ConnectInfo<SocketAddr>`, as with `into_make_service_with_connect_info`.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ServeLimits,
    shutdown: impl Future<Output = ()>,
) {
    let open = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = open.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(connection) => connection,
                Err(error) => {
                    // Out of file descriptors, say: wait a moment rather
                    // than spin, as axum::serve does.
                    tracing::warn!(%error, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Without it a response written in two parts (headers, then a
        // file's body) waits out the client's delayed ACK: ~40 ms a file.
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::debug!("could not set TCP_NODELAY: {error}");
        }
        let app = app.clone();
        let body_timeout = limits.body_timeout;
        let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
            let mut request =
                request.map(|body| axum::body::Body::new(DeadlineBody::new(body, body_timeout)));
            request.extensions_mut().insert(ConnectInfo(peer));
            app.clone().oneshot(request)
        });
        let connection = http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_timeout)
            .serve_connection(TokioIo::new(tcp), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A client that went away or timed out: nothing to report.
            let _ = connection.await;
            drop(permit);
        });
    }
    drop(listener);
    if tokio::time::timeout(DRAIN_TIMEOUT, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("requests still running after {DRAIN_TIMEOUT:?}; stopping anyway");
    }
}

//! Prometheus metrics, on their own listener (`METRICS_ADDR`, off unless
//! set), so they are never served on the public port by accident.
//!
//! The counters themselves are written where things happen (logins, refused
//! tokens, rotations, uploads…) through the `metrics` facade, which costs
//! nothing until a recorder is installed. Here: the recorder, the HTTP
//! middleware (requests by route template and status, with latency), and
//! the `/metrics` listener.

use axum::{
    Router,
    extract::{MatchedPath, Request},
    middleware::Next,
    response::Response,
    routing::get,
};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::{net::SocketAddr, sync::OnceLock, time::Duration, time::Instant};

/// How often histograms are drained (and the app's pool gauges sampled).
pub const UPKEEP: Duration = Duration::from_secs(5);

/// Request latency buckets, in seconds: 1 ms to 10 s.
const LATENCY_BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// The process's recorder, once `/metrics` is served (one per process:
/// every server in it shares the counters).
static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// The recorder, installed on first use.
pub fn recorder() -> PrometheusHandle {
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets(&LATENCY_BUCKETS)
                .expect("fixed, non-empty buckets");
            let handle = builder
                .install_recorder()
                .expect("the only metrics recorder of this process");
            let upkeep = handle.clone();
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(UPKEEP).await;
                    upkeep.run_upkeep();
                }
            });
            handle
        })
        .clone()
}

/// Serves `GET /metrics` on `addr`; returns the address it listens on.
pub async fn serve(addr: SocketAddr) -> std::io::Result<SocketAddr> {
    let handle = recorder();
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    let app = Router::new().route("/metrics", get(move || async move { handle.render() }));
    tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, app).await {
            tracing::error!(%error, "the metrics listener stopped");
        }
    });
    tracing::info!("metrics on http://{bound}/metrics");
    Ok(bound)
}

/// Every request, by route template (`other` for the fallback: static
/// files, unknown paths), method and status. Label values are bounded:
/// never a raw path, a user or a token. A `Router::layer`, so it runs once
/// the route is matched and sees its template. With metrics off (the
/// default) it only passes the request on.
pub async fn track(request: Request, next: Next) -> Response {
    if HANDLE.get().is_none() {
        return next.run(request).await;
    }
    let method = method_label(request.method());
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "other".to_owned(), |route| route.as_str().to_owned());
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("photo_spots_http_requests_total",
        "route" => route.clone(), "method" => method, "status" => status)
    .increment(1);
    metrics::histogram!("photo_spots_http_request_duration_seconds",
        "route" => route, "method" => method)
    .record(started.elapsed().as_secs_f64());
    response
}

fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

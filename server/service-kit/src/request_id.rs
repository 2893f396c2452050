//! Every request gets an id (`x-request-id`): taken from a trusted proxy
//! that already gave it one, made here otherwise (a random UUID). It is on
//! every log line of the request (a tracing span), on the response, and in
//! the body of every JSON error, so the message a person reports can be
//! found in the logs.
//!
//! tower-http makes the id and copies it onto the response; what is ours is
//! whose id to keep, the span, and the id in error bodies.

use axum::{
    Router,
    body::{Body, HttpBody, to_bytes},
    extract::{ConnectInfo, Request},
    http::{HeaderName, header},
    middleware::{self, Next},
    response::Response,
};
use std::{
    net::{IpAddr, SocketAddr},
    sync::Arc,
};
use tower::{ServiceBuilder, util::MapRequestLayer};
use tower_http::request_id::{
    MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tracing::Instrument;

pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// Longest id accepted from a proxy (a UUID is 36).
const MAX_ID_CHARS: usize = 64;
/// Error bodies are a few hundred bytes; anything larger is left alone.
const MAX_ERROR_BODY: usize = 16 * 1024;

/// Wraps `router` (outermost, so every answer, errors included, carries
/// the id); `trusted` are the proxies whose `x-request-id` is kept
/// (`TRUSTED_PROXY_ADDRESSES`). Outermost first: anyone else's id is
/// dropped, a missing one is made, the answer gets it, and inside that the
/// request runs in its span.
///
/// One `ServiceBuilder` stack, applied once: each `Router::layer` boxes
/// every route again, and a boxed layer costs allocations per request (the
/// four layers added one by one cost 19,000 more instructions per
/// `/api/me` than the one middleware they replaced:
/// docs/src/design/2026-12-07-middleware-stacks.md).
pub fn layer(router: Router, trusted: Arc<[IpAddr]>) -> Router {
    router.layer(
        ServiceBuilder::new()
            .layer(MapRequestLayer::new(move |request| {
                drop_untrusted_id(request, &trusted)
            }))
            .layer(SetRequestIdLayer::new(HEADER, MakeRequestUuid))
            .layer(PropagateRequestIdLayer::new(HEADER))
            .layer(middleware::from_fn(in_span_with_id_in_errors)),
    )
}

/// Keeps `x-request-id` only from a trusted proxy, and only a plain token,
/// so a client can't write what the logs say.
fn drop_untrusted_id(mut request: Request, trusted: &[IpAddr]) -> Request {
    if from_trusted_proxy(&request, trusted).is_none() {
        request.headers_mut().remove(HEADER);
    }
    request
}

/// The id a trusted proxy sent, if it is a plain token (letters, digits,
/// `-`, `_`, `.`, `:`), never anything that could forge a log line.
fn from_trusted_proxy<'r>(request: &'r Request, trusted: &[IpAddr]) -> Option<&'r str> {
    let ConnectInfo(peer) = request.extensions().get::<ConnectInfo<SocketAddr>>()?;
    if !trusted.contains(&peer.ip()) {
        return None;
    }
    let id = request.headers().get(HEADER)?.to_str().ok()?;
    is_plain_id(id).then_some(id)
}

fn is_plain_id(id: &str) -> bool {
    (1..=MAX_ID_CHARS).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
}

/// Runs the request in a span naming its id, and adds the id to a JSON
/// error's body.
async fn in_span_with_id_in_errors(request: Request, next: Next) -> Response {
    let id = request
        .extensions()
        .get::<RequestId>()
        .and_then(|id| id.header_value().to_str().ok())
        .unwrap_or("-")
        .to_owned();
    let span = tracing::info_span!(
        "request",
        id = %id,
        method = %request.method(),
        path = %request.uri().path(),
    );
    let response = next.run(request).instrument(span).await;
    if response.status().as_u16() >= 400 && crate::security::is_json(&response) {
        return with_id_in_body(response, &id).await;
    }
    response
}

/// The JSON error with `"request_id"` added beside `error` and `message`.
/// Only bodies of a known, small length are rewritten (all of ours are).
async fn with_id_in_body(response: Response, id: &str) -> Response {
    let small = response
        .body()
        .size_hint()
        .upper()
        .is_some_and(|length| length <= MAX_ERROR_BODY as u64);
    if !small {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BODY).await else {
        tracing::warn!("an error body could not be read to add the request id");
        return Response::from_parts(parts, Body::empty());
    };
    let with_id = match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(serde_json::Value::Object(mut error)) => {
            error.insert("request_id".into(), id.into());
            serde_json::to_vec(&error).unwrap_or_else(|_| bytes.to_vec())
        }
        _ => bytes.to_vec(),
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(with_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_ids_are_taken_from_a_proxy() {
        for good in ["abc", "1f2e-3d4c", "req_7.lb-2:9", &"a".repeat(64)] {
            assert!(is_plain_id(good), "{good}");
        }
        for bad in [
            "",
            "a b",
            "x\ny",
            "\"quoted\"",
            "{json}",
            &"a".repeat(65),
            "é",
        ] {
            assert!(!is_plain_id(bad), "{bad:?}");
        }
    }
}

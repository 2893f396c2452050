//! Every request gets an id (`x-request-id`): taken from a trusted proxy
//! that already gave it one, made here otherwise. It is on every log line
//! of the request (a tracing span), on the response, and in the body of
//! every JSON error, so the message a person reports can be found in the
//! logs.

use axum::{
    body::{Body, HttpBody, to_bytes},
    extract::{ConnectInfo, Request, State},
    http::{HeaderName, HeaderValue, header},
    middleware::Next,
    response::Response,
};
use std::{
    net::{IpAddr, SocketAddr},
    sync::Arc,
};
use tracing::Instrument;

pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// Longest id accepted from a proxy (a UUID is 36).
const MAX_ID_CHARS: usize = 64;
/// Error bodies are a few hundred bytes; anything larger is left alone.
const MAX_ERROR_BODY: usize = 16 * 1024;

/// The request's id, in its extensions for handlers that want it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestId(pub Arc<str>);

/// Wraps `router` (outermost, so every answer, errors included, carries
/// the id); `trusted` are the proxies whose `x-request-id` is kept.
pub fn layer(router: axum::Router, trusted: Arc<[IpAddr]>) -> axum::Router {
    router.layer(axum::middleware::from_fn_with_state(trusted, assign))
}

/// The middleware: `trusted` are the proxies whose `x-request-id` is kept
/// (`TRUSTED_PROXY_ADDRESSES`); anyone else's is replaced, so a client
/// can't write what the logs say.
pub async fn assign(
    State(trusted): State<Arc<[IpAddr]>>,
    mut request: Request,
    next: Next,
) -> Response {
    let id = from_trusted_proxy(&request, &trusted).unwrap_or_else(generate);
    let value = HeaderValue::from_str(&id).unwrap_or_else(|_| HeaderValue::from_static("-"));
    request.headers_mut().insert(HEADER, value.clone());
    request
        .extensions_mut()
        .insert(RequestId(id.as_str().into()));
    let span = tracing::info_span!(
        "request",
        id = %id,
        method = %request.method(),
        path = %request.uri().path(),
    );
    let mut response = next.run(request).instrument(span).await;
    if response.status().as_u16() >= 400 && crate::security::is_json(&response) {
        response = with_id_in_body(response, &id).await;
    }
    response.headers_mut().insert(HEADER, value);
    response
}

/// The id a trusted proxy sent, if it is a plain token (letters, digits,
/// `-`, `_`, `.`, `:`), never anything that could forge a log line.
fn from_trusted_proxy(request: &Request, trusted: &[IpAddr]) -> Option<String> {
    let ConnectInfo(peer) = request.extensions().get::<ConnectInfo<SocketAddr>>()?;
    if !trusted.contains(&peer.ip()) {
        return None;
    }
    let id = request.headers().get(HEADER)?.to_str().ok()?;
    is_plain_id(id).then(|| id.to_owned())
}

fn is_plain_id(id: &str) -> bool {
    (1..=MAX_ID_CHARS).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
}

/// 128 random bits, as 32 hex digits.
fn generate() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::getrandom(&mut bytes).is_err() {
        // Ids only correlate log lines: a clock-based one still does.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_nanos());
        bytes = nanos.to_le_bytes();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
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
    fn generated_ids_are_32_hex_digits_and_differ() {
        let (a, b) = (generate(), generate());
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

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

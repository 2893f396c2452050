//! One call to the JSON API from the browser with the stored token (and
//! its DPoP proof): renewed once if it expired, sent once more after the
//! person confirms it's them if the sign-in was too old for it (step-up),
//! the session ended if the server refuses it, as every call does.

use crate::error::ApiError;

// Only the browser sends requests; on the server the bodies go unread.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub enum Body {
    None,
    Json(String),
    #[cfg(feature = "hydrate")]
    Form(web_sys::FormData),
}

/// A call with the stored token, its answer decoded as `T`.
pub async fn send<T: serde::de::DeserializeOwned>(
    method: &str,
    url: &str,
    body: Body,
) -> Result<T, ApiError> {
    super::http::decode(&send_for_body(method, url, body).await?)
}

/// A call with the stored token whose answer has nothing to read (a 204).
pub async fn send_unread(method: &str, url: &str, body: Body) -> Result<(), ApiError> {
    send_for_body(method, url, body).await.map(drop)
}

/// The call, not generic: only decoding is per answer type, so the wasm
/// holds one copy of this (the renewal and the session's end included).
/// Its answer's bytes, for a caller that reads them its own way.
pub async fn send_for_body(method: &str, url: &str, body: Body) -> Result<Vec<u8>, ApiError> {
    #[cfg(feature = "hydrate")]
    {
        use super::session::{end_session, with_fresh_token};
        let renewed_if_expired = || {
            with_fresh_token(
                |token| attempt_for_body(method, url, &body, token),
                |answer| matches!(answer, Err(ApiError::ExpiredToken)),
            )
        };
        let mut answer = renewed_if_expired().await;
        if matches!(answer, Err(ApiError::StepUpRequired { .. })) && super::step_up::confirm().await
        {
            answer = renewed_if_expired().await;
        }
        if answer.as_ref().is_err_and(ApiError::ends_session) {
            end_session();
        }
        answer
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (method, url, body);
        Err(ApiError::Network)
    }
}

/// One request, and its answer decoded.
#[cfg(feature = "hydrate")]
pub async fn attempt<T: serde::de::DeserializeOwned>(
    method: &str,
    url: &str,
    body: &Body,
    token: Option<String>,
) -> Result<T, ApiError> {
    super::http::decode(&attempt_for_body(method, url, body, token).await?)
}

#[cfg(feature = "hydrate")]
async fn attempt_for_body(
    method: &str,
    url: &str,
    body: &Body,
    token: Option<String>,
) -> Result<Vec<u8>, ApiError> {
    let headers = super::dpop::authorization(method, url, token.as_deref()).await;
    request(method, url, body, headers).await
}

/// One request that presents nothing (no token, no DPoP proof), and its
/// answer decoded: for a call that starts something, such as a passkey
/// sign-in, where signing a proof would cost the page the signing code.
#[cfg(feature = "hydrate")]
pub async fn anonymous<T: serde::de::DeserializeOwned>(
    method: &str,
    url: &str,
    body: &Body,
) -> Result<T, ApiError> {
    super::http::decode(&request(method, url, body, Vec::new()).await?)
}

#[cfg(feature = "hydrate")]
async fn request(
    method: &str,
    url: &str,
    body: &Body,
    headers: Vec<(&str, String)>,
) -> Result<Vec<u8>, ApiError> {
    use gloo_net::http::{Method, RequestBuilder};
    let method = match method {
        "POST" => Method::POST,
        "PUT" => Method::PUT,
        "DELETE" => Method::DELETE,
        _ => Method::GET,
    };
    let mut request = RequestBuilder::new(url).method(method);
    for (name, value) in headers {
        request = request.header(name, &value);
    }
    let request = match body {
        Body::None => request.build(),
        Body::Json(json) => request
            .header("Content-Type", "application/json")
            .body(json.as_str()),
        // The browser writes the multipart boundary into Content-Type.
        Body::Form(form) => request.body(form),
    }
    .map_err(|_| ApiError::Internal)?;
    super::http::send(request).await
}

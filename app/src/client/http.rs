//! One JSON call from the browser to our own API, its answer read the way
//! every endpoint writes it.
//!
//! The call itself is not generic: only [`decode`] is per answer type, so
//! the wasm holds one copy of the sending and reading code, however many
//! types the calls bring back.

use crate::error::ApiError;

/// Sends `request`: a 2xx answer's body, any other answer as our
/// `ApiError`. No answer is `Network`; an error that is not what the API
/// writes is `Internal`.
#[cfg(feature = "hydrate")]
pub async fn send(request: gloo_net::http::Request) -> Result<Vec<u8>, ApiError> {
    let response = request.send().await.map_err(|_| ApiError::Network)?;
    let status = response.status();
    // Bytes, as server functions decode theirs: one copy of each type's
    // JSON reader in the wasm, not one per input type.
    let body = response.binary().await.map_err(|_| ApiError::Network)?;
    if (200..300).contains(&status) {
        return Ok(body);
    }
    Err(serde_json::from_slice::<ApiError>(&body).unwrap_or(ApiError::Internal))
}

/// A 2xx answer's body as `T` (an empty one, as 204 sends, reads as
/// `null`); one that is not a `T` is `Internal`.
pub fn decode<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let body = if body.is_empty() {
        b"null".as_slice()
    } else {
        body
    };
    serde_json::from_slice(body).map_err(|_| ApiError::Internal)
}

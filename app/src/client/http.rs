//! One JSON call from the browser to our own API, its answer decoded the
//! way every endpoint writes it.

use crate::error::ApiError;

/// Sends `request`: a 2xx answer is decoded as `T` (an empty body, as 204
/// sends, as `null`), any other as our `ApiError`. No answer is `Network`;
/// an answer that is not what the API writes is `Internal`.
pub async fn send_json<T: serde::de::DeserializeOwned>(
    request: gloo_net::http::Request,
) -> Result<T, ApiError> {
    let response = request.send().await.map_err(|_| ApiError::Network)?;
    let status = response.status();
    // Bytes, as server functions decode theirs: one copy of each type's
    // JSON reader in the wasm, not one per input type.
    let body = response.binary().await.map_err(|_| ApiError::Network)?;
    if (200..300).contains(&status) {
        let body = if body.is_empty() {
            b"null".as_slice()
        } else {
            &body
        };
        return serde_json::from_slice(body).map_err(|_| ApiError::Internal);
    }
    Err(serde_json::from_slice::<ApiError>(&body).unwrap_or(ApiError::Internal))
}

//! Server functions return [`ApiError`]: what server_fn itself can fail
//! with (a body that does not decode, no network) becomes one of ours.

use super::ApiError;
use server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};

impl FromServerFnError for ApiError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(error: ServerFnErrorErr) -> Self {
        match error {
            ServerFnErrorErr::Args(detail) | ServerFnErrorErr::MissingArg(detail) => {
                bad_body(&detail)
            }
            // On the server this is the request body failing to decode; in
            // the browser it would be a garbled answer, which is ours to fix.
            #[cfg(not(target_arch = "wasm32"))]
            ServerFnErrorErr::Deserialization(detail) => bad_body(&detail),
            ServerFnErrorErr::UnsupportedRequestMethod(_) => {
                Self::BadRequest("This endpoint only answers POST requests.".into())
            }
            ServerFnErrorErr::Request(_) => Self::Network,
            other => {
                #[cfg(not(target_arch = "wasm32"))]
                tracing::error!(error = %other, "server function failed");
                #[cfg(target_arch = "wasm32")]
                let _ = other;
                Self::Internal
            }
        }
    }
}

fn bad_body(detail: &str) -> ApiError {
    ApiError::BadRequest(format!(
        "The request body is not valid JSON for this endpoint: {detail}"
    ))
}

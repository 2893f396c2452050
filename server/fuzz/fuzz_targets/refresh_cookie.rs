//! Any `Cookie` header: the refresh token found in it, if any, has exactly
//! the shape the server gives out (43 base64url characters).
#![no_main]

use app::auth::refresh::{RefreshToken, cookie};
use axum::http::{HeaderMap, HeaderValue, header::COOKIE};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut headers = HeaderMap::new();
    // Several Cookie headers, as HTTP/2 clients send them: split at NUL.
    for value in data.split(|&byte| byte == 0) {
        if let Ok(value) = HeaderValue::from_bytes(value) {
            headers.append(COOKIE, value);
        }
    }
    if let Some(token) = cookie::from_headers(&headers) {
        let text = token.as_str();
        assert_eq!(text.len(), 43, "{text:?}");
        assert!(
            text.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
            "{text:?}"
        );
        assert!(RefreshToken::parse(text) == Some(token.clone()));
    }
});

use axum::http::{HeaderValue, header};

/// Adds `Set-Cookie: cookie` to the answer of the server function being run.
pub fn set_cookie(cookie: HeaderValue) {
    match leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        Some(response) => response.append_header(header::SET_COOKIE, cookie),
        None => tracing::error!("no ResponseOptions: a cookie could not be set"),
    }
}

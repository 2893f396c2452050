//! The page's Content-Security-Policy (server only).

use leptos::prelude::*;

/// Sets this response's CSP header: scripts only from this origin or inline
/// with this response's nonce (which Leptos puts on its hydration scripts),
/// WebAssembly allowed, nothing framed, nothing from other origins but the
/// favourites service, which the page's scripts call (`connect-src` only).
pub fn set_page_csp(options: &LeptosOptions, favorites_origin: &str) {
    let Some(nonce) = leptos::nonce::use_nonce() else {
        return;
    };
    let Some(response) = use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    // `cargo leptos watch` reloads the page over a websocket on its own
    // port, at the host the page was opened at: on this machine that is
    // `localhost` (where development is reached) or the address itself.
    let live_reload = match options.env {
        leptos::config::Env::DEV => {
            let (ip, port) = (options.site_addr.ip(), options.reload_port);
            let by_name = if ip.is_loopback() {
                format!(" ws://localhost:{port}")
            } else {
                String::new()
            };
            format!(" ws://{ip}:{port}{by_name}")
        }
        leptos::config::Env::PROD => String::new(),
    };
    // Validated at start-up to be a bare http(s) origin: nothing in it can
    // end the directive or add another.
    let favorites = match favorites_origin {
        "" => String::new(),
        origin => format!(" {origin}"),
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'{favorites}{live_reload}; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(value) = axum::http::HeaderValue::from_str(&policy) {
        response.insert_header(axum::http::header::CONTENT_SECURITY_POLICY, value);
    }
}

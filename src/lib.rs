//! The browser entry point: hydrates the server-rendered page.
//!
//! This crate is compiled to WebAssembly by cargo-leptos; it depends on `app`
//! with the `hydrate` feature only, so no server code can reach it.

// The future that hydrates the whole app is a deeply nested type; clippy's
// layout queries need more depth than the default 128.
#![recursion_limit = "256"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Asynchronous hydration: some routes are lazy (their code is a separate
    // wasm file, `cargo leptos --split`) and are fetched before the page the
    // server rendered for them can be hydrated. Only then does the page read
    // the session from localStorage: changing what it shows any earlier would
    // no longer match the server's HTML.
    wasm_bindgen_futures::spawn_local(async {
        let Some(body) = leptos::prelude::document().body() else {
            return;
        };
        leptos::mount::hydrate_from_async(body, app::App)
            .await
            .forget();
        app::client::session::hydrated();
    });
}

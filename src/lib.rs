//! The browser entry point: hydrates the server-rendered page.
//!
//! This crate is compiled to WebAssembly by cargo-leptos; it depends on `app`
//! with the `hydrate` feature only, so no server code can reach it.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}

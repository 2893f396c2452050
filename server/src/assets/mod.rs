//! Static files: the wasm, JS and CSS bundle under `/pkg`, and the public
//! assets (favicon…) at the site root.
//!
//! cargo-leptos names the bundle's files after their content (`hash-files`),
//! so browsers may keep them for a year, and so may the server: a new build
//! has new names. Such a bundle is served from memory (`memory_bundle`).
//! Everything else comes from disk through `tower-http`'s `ServeDir`, as it
//! may change under the same name. Release builds made with `--precompress`
//! also write `.br` and `.gz` siblings, picked by `Accept-Encoding`, so
//! nothing is compressed per request; `scripts/dictionary-compress.sh` adds
//! `.dcz` copies of the lazy wasm files, compressed against the main module
//! (`dictionary`).

mod accept_encoding;
mod dictionary;
mod memory_bundle;

use axum::{
    Router,
    http::{HeaderValue, header},
    middleware,
    response::Response,
};
use leptos::config::LeptosOptions;
use std::{convert::Infallible, path::Path};
use tower::Service;
use tower_http::services::ServeDir;

/// For content-named files: a new build never reuses a name.
const FOR_A_YEAR: &str = "public, max-age=31536000, immutable";
/// For files whose name stays the same across builds: ask every time (the
/// answer is a cheap 304 while the file is unchanged).
const ASK_EVERY_TIME: &str = "no-cache";

/// The `/pkg` bundle, to be nested at `/pkg`.
pub fn bundle(options: &LeptosOptions) -> Router {
    let dir = Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    if built_without_split(&dir) {
        tracing::error!(
            dir = %dir.display(),
            "the site was built without `--split`: pages will not hydrate. \
             Build with `cargo leptos build --split` (or watch/serve --split)"
        );
    }
    if options.hash_files {
        memory_bundle::router(dir, options.output_name.as_ref())
    } else {
        // Without hashed names a year-long cache would pin old code in browsers.
        files(ServeDir::new(dir), ASK_EVERY_TIME)
    }
}

/// The lazy routes' loader (`__wasm_split.*.js`) is missing from a bundle
/// that has a wasm file: its pages would fail to load their code.
fn built_without_split(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    let names: Vec<String> = entries
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .collect();
    names.iter().any(|name| name.ends_with(".wasm"))
        && !names.iter().any(|name| name.starts_with("__wasm_split"))
}

/// Files at the site root; anything else goes to `not_found` (the app's 404 page).
pub fn public<S>(options: &LeptosOptions, not_found: S) -> Router
where
    S: Service<axum::extract::Request, Response = Response, Error = Infallible>
        + Clone
        + Send
        + Sync
        + 'static,
    S::Future: Send + 'static,
{
    let dir = ServeDir::new(options.site_root.as_ref())
        .fallback(not_found)
        // Unknown paths are 404 pages whatever the method, not 405s.
        .call_fallback_on_method_not_allowed(true);
    files(dir, ASK_EVERY_TIME)
}

fn files<F>(dir: ServeDir<F>, policy: &'static str) -> Router
where
    ServeDir<F>:
        Service<axum::extract::Request, Error = Infallible> + Clone + Send + Sync + 'static,
    <ServeDir<F> as Service<axum::extract::Request>>::Response: axum::response::IntoResponse,
    <ServeDir<F> as Service<axum::extract::Request>>::Future: Send + 'static,
{
    let dir = dir.precompressed_br().precompressed_gzip();
    Router::new()
        .fallback_service(dir)
        .layer(middleware::map_response(
            move |response: Response| async move { cache_for(response, policy) },
        ))
}

/// Only files found are cacheable; a 404 must not stick in a browser.
fn cache_for(mut response: Response, policy: &'static str) -> Response {
    let status = response.status();
    if status.is_success() || status == axum::http::StatusCode::NOT_MODIFIED {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    response
}

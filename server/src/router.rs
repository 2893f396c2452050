//! The HTTP surface: pages, `/api/*` server functions, static files.

use crate::{api_middleware, security};
use app::{App, api::ApiError, shell, state::AppState};
use axum::{Router, middleware, routing::any};
use leptos_axum::{LeptosRoutes, file_and_error_handler, generate_route_list};

pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    let router = Router::new()
        // Registers every server function at its `/api/...` path, with the
        // state provided as context, plus the server-rendered pages.
        .leptos_routes_with_context(&state, routes, || {}, move || shell(options.clone()))
        .route("/api/{*rest}", any(|| async { ApiError::NotFound }))
        .fallback(file_and_error_handler::<AppState, _>(shell))
        .layer(middleware::from_fn(api_middleware::with_http_status))
        .layer(middleware::from_fn(api_middleware::no_store))
        .with_state(state);
    security::harden(router)
}

//! The HTTP surface: pages, `/api/*` server functions, static files.

use crate::{
    account, api_middleware, assets, jwks, openapi, passkeys, probes, refresh, sessions, spots,
};
use app::{App, error::ApiError, shell, spots::PHOTOS_PATH, state::AppState};
use axum::{
    Router,
    handler::Handler,
    middleware,
    routing::{any, get},
};
use leptos_axum::{AxumRouteListing, LeptosRoutes, file_and_error_handler, generate_route_list};
use service_kit::{metrics, request_id, security};
use std::sync::OnceLock;
use tower::ServiceBuilder;
use tower_http::{
    compression::{
        CompressionLayer,
        predicate::{NotForContentType, Predicate, SizeAbove},
    },
    limit::RequestBodyLimitLayer,
};

/// Answers smaller than this go out as they are: compressing a 200-byte JSON
/// answer costs more time than it saves on the wire.
const COMPRESS_ABOVE_BYTES: u16 = 1024;

/// What pages rendered on the server read directly: the spots' store.
fn spots_context(state: &AppState) -> impl Fn() + Clone + Send + Sync + 'static {
    let spots = state.spots.clone();
    move || leptos::prelude::provide_context(spots.clone())
}

pub fn router(state: AppState) -> Router {
    let routes = page_routes();
    let trusted_proxies = state.trusted_proxies.clone();
    let options = state.leptos_options.clone();
    let not_found = file_and_error_handler::<AppState, _>(shell).with_state(state.clone());
    let router = Router::new()
        // Registers every server function at its `/api/...` path, with the
        // state provided as context (and the spots, which pages read as
        // they render), plus the server-rendered pages.
        .leptos_routes_with_context(&state, routes, spots_context(&state), {
            let options = options.clone();
            move || shell(options.clone())
        })
        // Only the server functions: inside `authenticate_first` (below),
        // so a call without a valid token is still 401 first.
        .layer(middleware::from_fn(api_middleware::json_objects_only))
        .route("/.well-known/jwks.json", get(jwks::jwks))
        // Load balancers check with GET (HAProxy's `option httpchk`); the
        // server function answers POST at the same path.
        .route("/api/health", get(|| async { axum::Json("ok") }))
        .route("/api/ready", get(probes::ready))
        .route("/api/openapi.json", get(openapi::app))
        .route("/api/docs", get(openapi::docs))
        .route("/api/docs/viewer.js", get(openapi::docs_script))
        .route("/api/docs/viewer.css", get(openapi::docs_style))
        .merge(spots::routes())
        .merge(refresh::routes())
        .merge(passkeys::routes())
        .merge(sessions::routes())
        .merge(account::routes())
        .route("/api/{*rest}", any(|| async { ApiError::NotFound }))
        // Every route so far takes small bodies; the photo upload, merged
        // next, has its own limit (the outer one, in `harden`).
        .layer(RequestBodyLimitLayer::new(security::MAX_BODY_BYTES))
        .merge(spots::upload_route())
        // Pages are compressed as they stream; static files come precompressed.
        .layer(compression())
        .nest_service("/pkg", assets::bundle(&options))
        .nest_service(PHOTOS_PATH, spots::files(&state.photos.dir))
        .fallback_service(assets::public(&options, not_found))
        // Outermost first, one stack applied once (see `request_id::layer`).
        .layer(
            ServiceBuilder::new()
                .layer(middleware::from_fn(service_kit::security::no_store))
                .layer(middleware::from_fn(api_middleware::with_http_status))
                .layer(middleware::from_fn_with_state(
                    state.clone(),
                    api_middleware::authenticate_first,
                )),
        )
        .with_state(state);
    request_id::layer(
        security::harden(router, spots::MAX_UPLOAD_BYTES),
        trusted_proxies,
    )
    .layer(middleware::from_fn(metrics::track))
}

/// The app's page routes, worked out once per process.
///
/// Working them out renders the app with resource loading switched off, and
/// Leptos keeps that switch in one process-wide flag: a page that starts
/// loading its data meanwhile, on a server already running in the same
/// process, waits forever (leptos-rs/leptos#4773). Seen as page requests
/// that never finished when tests started servers side by side. The routes
/// never change while the process runs, so one generation, before any server
/// of the process serves, closes that window.
fn page_routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// gzip only: brotli's encoder is slow at the levels worth using per
/// request, and the large files (the bundle) are brotli'd at build time.
fn compression() -> CompressionLayer<impl Predicate> {
    let predicate = SizeAbove::new(COMPRESS_ABOVE_BYTES)
        .and(NotForContentType::GRPC)
        .and(NotForContentType::IMAGES)
        .and(NotForContentType::SSE);
    CompressionLayer::new().gzip(true).compress_when(predicate)
}

//! The spots' JSON API: the public reads (`public`), the admin area's
//! writes (`admin`, `photos`), and the photo files they point at.

mod admin;
pub mod photos;
mod public;

use app::{domain::SpotSlug, error::ApiError, state::AppState};
use axum::{
    Router,
    extract::DefaultBodyLimit,
    http::{HeaderValue, header},
    middleware,
    response::Response,
    routing::{get, put},
};
use std::path::Path;
use tower_http::{limit::RequestBodyLimitLayer, services::ServeDir};

pub use photos::sweep_photos_every;

/// A slug from the path: one that can't exist names no spot.
fn existing(raw: &str) -> Result<SpotSlug, ApiError> {
    SpotSlug::parse(raw).map_err(|_| ApiError::NoSuchSpot)
}

/// Room for the multipart framing around the largest photo.
const UPLOAD_OVERHEAD_BYTES: usize = 64 * 1024;
/// The largest request body the server takes: a photo upload.
pub const MAX_UPLOAD_BYTES: usize = photos::MAX_PHOTO_BYTES + UPLOAD_OVERHEAD_BYTES;

/// `/api/spots…` and `/api/admin/spots…` but the photo upload: JSON, small.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/spots", get(public::list))
        .route("/api/spots/{slug}", get(public::show))
        .route("/api/admin/spots", get(admin::list).post(admin::create))
        .route(
            "/api/admin/spots/{slug}",
            put(admin::update).delete(admin::delete),
        )
}

/// `PUT /api/admin/spots/{slug}/photo`: the one route whose body may be as
/// large as a photo.
pub fn upload_route() -> Router<AppState> {
    Router::new()
        .route("/api/admin/spots/{slug}/photo", put(photos::upload))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES))
        .layer(RequestBodyLimitLayer::new(MAX_UPLOAD_BYTES))
        .layer(middleware::from_fn(photos::too_large_as_photo_error))
}

/// `/photos/{key}-{width}.jpg`: a file's name changes with its content, so
/// browsers may keep it for a year without asking again.
pub fn files(dir: &Path) -> Router {
    Router::new()
        .fallback_service(ServeDir::new(dir))
        .layer(middleware::map_response(cache_for_a_year))
}

async fn cache_for_a_year(mut response: Response) -> Response {
    if response.status().is_success() {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        );
    }
    response
}

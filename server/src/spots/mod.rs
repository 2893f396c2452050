//! The spots' JSON API: the public reads (`public`) and the admin area's
//! writes (`admin`), plus the photo files they point at.

mod public;

use app::state::AppState;
use axum::{Router, routing::get};

/// `/api/spots…`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/spots", get(public::list))
        .route("/api/spots/{slug}", get(public::show))
}

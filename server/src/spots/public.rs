//! `GET /api/spots?page=N` and `GET /api/spots/{slug}`: what anyone may
//! read, no token needed. Hidden spots are not there.

use app::{
    domain::SpotSlug,
    error::ApiError,
    spots::{Spot, SpotList, load::parse_page},
    state::AppState,
};
use axum::{
    Json,
    extract::{Path, Query, State, rejection::QueryRejection},
};
use std::collections::HashMap;

pub async fn list(
    State(state): State<AppState>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Json<SpotList>, ApiError> {
    let Query(query) = query.map_err(|_| bad_page())?;
    let page = parse_page(query.get("page").map(String::as_str)).ok_or_else(bad_page)?;
    Ok(Json(state.spots.list_public(page).await?))
}

pub async fn show(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<Spot>, ApiError> {
    // A slug that can't exist names no spot: 404 as for any other.
    let slug = SpotSlug::parse(&slug).map_err(|_| ApiError::NoSuchSpot)?;
    let spot = state.spots.find_public(&slug).await?;
    spot.map(Json).ok_or(ApiError::NoSuchSpot)
}

fn bad_page() -> ApiError {
    ApiError::BadRequest(format!(
        "page must be a whole number from 1 to {}.",
        app::spots::load::MAX_PAGE
    ))
}

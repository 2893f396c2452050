//! The admin API for spots: `GET/POST /api/admin/spots`,
//! `PUT/DELETE /api/admin/spots/{slug}`. Every handler starts with the
//! [`Admin`] check (401 without a valid token, 403 for a non-admin), which
//! runs before the body is read; every write is logged with the admin's id
//! and the token's `jti`.

use super::existing;
use crate::json_body::JsonBody;
use app::{
    auth::Admin,
    clock::unix_now_i64,
    domain::ValidationError,
    error::ApiError,
    spots::{Spot, SpotDraft, SpotInput, store::CreateError},
    state::AppState,
};
use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
};
use serde::Serialize;

#[derive(Serialize)]
pub struct AllSpots {
    spots: Vec<Spot>,
}

/// Every spot, hidden ones included.
pub async fn list(
    _admin: Admin,
    State(state): State<AppState>,
) -> Result<Json<AllSpots>, ApiError> {
    let spots = state.spots.list_all().await?;
    Ok(Json(AllSpots { spots }))
}

pub async fn create(
    admin: Admin,
    State(state): State<AppState>,
    JsonBody(input): JsonBody<SpotInput>,
) -> Result<(StatusCode, Json<Spot>), ApiError> {
    let slug = input
        .slug
        .clone()
        .ok_or(ValidationError::Empty { field: "Slug" })?;
    let draft = SpotDraft::parse(&input)?;
    let spot = state
        .spots
        .create(&slug, &draft, admin.id(), unix_now_i64())
        .await
        .map_err(|error| match error {
            CreateError::SlugTaken => ApiError::SlugTaken,
            CreateError::Database(error) => error.into(),
        })?;
    tracing::info!(admin = %admin.id(), jti = %admin.jti(), spot = %slug, "spot added");
    Ok((StatusCode::CREATED, Json(spot)))
}

pub async fn update(
    admin: Admin,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    JsonBody(input): JsonBody<SpotInput>,
) -> Result<Json<Spot>, ApiError> {
    let slug = existing(&slug)?;
    if input.slug.as_ref().is_some_and(|given| *given != slug) {
        return Err(ApiError::Validation {
            field: "slug".into(),
            message: "A spot's slug can't change: other services, such as favourites, keep it."
                .into(),
        });
    }
    let draft = SpotDraft::parse(&input)?;
    let spot = state.spots.update(&slug, &draft, unix_now_i64()).await?;
    let spot = spot.ok_or(ApiError::NoSuchSpot)?;
    tracing::info!(admin = %admin.id(), jti = %admin.jti(), spot = %slug, hidden = spot.hidden, "spot updated");
    Ok(Json(spot))
}

pub async fn delete(
    admin: Admin,
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<StatusCode, ApiError> {
    let slug = existing(&slug)?;
    if !state.spots.delete(&slug).await? {
        return Err(ApiError::NoSuchSpot);
    }
    tracing::info!(admin = %admin.id(), jti = %admin.jti(), spot = %slug, "spot deleted");
    super::photos::sweep_soon(&state);
    Ok(StatusCode::NO_CONTENT)
}

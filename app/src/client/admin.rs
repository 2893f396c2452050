//! The admin API, called from the browser with the stored token. The
//! server decides everything; these calls only carry the token and bring
//! back its answers (a refused token ends the session, as everywhere).

use super::calls::{Body, send, send_unread};
use crate::{
    error::ApiError,
    spots::{Spot, SpotInput},
};

/// Every spot, hidden ones included.
pub async fn list() -> Result<Vec<Spot>, ApiError> {
    #[derive(serde::Deserialize)]
    struct All {
        spots: Vec<Spot>,
    }
    let all: All = send("GET", "/api/admin/spots", Body::None).await?;
    Ok(all.spots)
}

/// Adds a spot (`input.slug` set) or edits the spot `editing`.
pub async fn save(editing: Option<String>, input: SpotInput) -> Result<Spot, ApiError> {
    let body = Body::Json(serde_json::to_string(&input).map_err(|_| ApiError::Internal)?);
    match editing {
        None => send("POST", "/api/admin/spots", body).await,
        Some(slug) => send("PUT", &format!("/api/admin/spots/{slug}"), body).await,
    }
}

pub async fn delete(slug: String) -> Result<(), ApiError> {
    send_unread("DELETE", &format!("/api/admin/spots/{slug}"), Body::None).await
}

/// Replaces the photo of `slug` with the file chosen in `input`.
#[cfg(feature = "hydrate")]
pub async fn upload_photo(slug: String, file: web_sys::File) -> Result<Spot, ApiError> {
    let form = web_sys::FormData::new().map_err(|_| ApiError::Internal)?;
    form.append_with_blob_and_filename("photo", &file, &file.name())
        .map_err(|_| ApiError::Internal)?;
    send(
        "PUT",
        &format!("/api/admin/spots/{slug}/photo"),
        Body::Form(form),
    )
    .await
}

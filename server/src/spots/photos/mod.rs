//! `PUT /api/admin/spots/{slug}/photo` (multipart, field `photo`): an admin
//! replaces a spot's photo (the files are served by `spots::files`).

mod files;
pub mod process;

use super::existing;
use app::{
    auth::Admin,
    clock::unix_now_i64,
    error::{ApiError, Outage},
    spots::Spot,
    state::AppState,
};
use axum::{
    Json,
    extract::{Multipart, Path, State, multipart::MultipartRejection},
};
use process::{MAX_BYTES, PhotoError};
use std::{collections::HashSet, time::Duration};

pub use process::MAX_BYTES as MAX_PHOTO_BYTES;

/// Files no spot shows are deleted once they are this old: long enough for
/// any upload between writing its files and pointing its row at them.
const SWEEP_GRACE: Duration = Duration::from_secs(600);

pub async fn upload(
    admin: Admin,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Json<Spot>, ApiError> {
    let answer = replace_photo(admin, &state, &slug, multipart).await;
    let outcome = if answer.is_ok() {
        "accepted"
    } else {
        "refused"
    };
    metrics::counter!("photo_spots_photo_uploads_total", "outcome" => outcome).increment(1);
    answer
}

async fn replace_photo(
    admin: Admin,
    state: &AppState,
    slug: &str,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Json<Spot>, ApiError> {
    let slug = existing(slug)?;
    // Before any decoding: no work for a spot that isn't there.
    if state.spots.find(&slug).await?.is_none() {
        return Err(ApiError::NoSuchSpot);
    }
    let bytes = photo_field(multipart).await?;
    let received = bytes.len();
    let written = decode_and_store(state, bytes).await?;
    match state
        .spots
        .set_photo(&slug, &written.photo, unix_now_i64())
        .await
    {
        Ok(Some(spot)) => {
            tracing::info!(
                admin = %admin.id(),
                jti = %admin.jti(),
                spot = %slug,
                photo = %written.photo.key,
                bytes = received,
                "spot photo replaced"
            );
            sweep_soon(state);
            Ok(Json(spot))
        }
        // No row points at the new files: take back the ones this upload made.
        failed => {
            for path in &written.created {
                let _ = std::fs::remove_file(path);
            }
            Err(match failed {
                Ok(_) => ApiError::NoSuchSpot,
                Err(error) => error.into(),
            })
        }
    }
}

/// Decodes, resizes and writes the photo. At most `PHOTO_WORKERS` uploads
/// do this at once, each on the blocking pool: a burst of uploads queues
/// here and never stalls the runtime threads that answer logins and pages.
async fn decode_and_store(state: &AppState, bytes: Vec<u8>) -> Result<files::Written, ApiError> {
    let permit = state
        .photos
        .workers
        .clone()
        .acquire_owned()
        .await
        .map_err(|_| ApiError::Unavailable(Outage::PhotoProcessing))?;
    let dir = state.photos.dir.clone();
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let processed = process::process(&bytes).map_err(refused)?;
        files::store(&dir, &processed).map_err(|error| {
            tracing::error!(%error, "could not write a photo");
            ApiError::Internal
        })
    })
    .await
    .map_err(|error| {
        tracing::error!(%error, "photo processing panicked");
        ApiError::Internal
    })?
}

/// The bytes of the `photo` field, refused past [`MAX_BYTES`] as they
/// arrive (nothing larger is buffered). Public for the fuzz target
/// (`server/fuzz`), which feeds it hostile multipart bodies.
pub async fn photo_field(
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Vec<u8>, ApiError> {
    let form_error = || {
        ApiError::BadRequest(
            "Send the photo as multipart/form-data, in a field named \"photo\".".into(),
        )
    };
    let mut multipart = multipart.map_err(|_| form_error())?;
    while let Some(mut field) = multipart.next_field().await.map_err(|_| form_error())? {
        if field.name() != Some("photo") {
            continue;
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|error| {
            if error.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                photo_too_large()
            } else if service_kit::serve::is_body_timeout(&error) {
                ApiError::RequestTimeout
            } else {
                form_error()
            }
        })? {
            if bytes.len() + chunk.len() > MAX_BYTES {
                return Err(photo_too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
        return Ok(bytes);
    }
    Err(form_error())
}

fn refused(error: PhotoError) -> ApiError {
    if error == PhotoError::Encoding {
        tracing::error!("a decoded photo could not be re-encoded");
        return ApiError::Internal;
    }
    ApiError::Validation {
        field: "photo".into(),
        message: error.to_string(),
    }
}

/// A body over the limit (by its `Content-Length`, before it is read) gets
/// the photo's own message.
pub async fn too_large_as_photo_error(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let response = next.run(request).await;
    if response.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE
        && !service_kit::security::is_json(&response)
    {
        return photo_too_large().into_response();
    }
    response
}

fn photo_too_large() -> ApiError {
    ApiError::PhotoTooLarge {
        max_mb: (MAX_BYTES / (1024 * 1024)) as u32,
    }
}

/// Sweeps now and then every `period`, for as long as the process runs.
pub fn sweep_photos_every(state: &AppState, period: Duration) {
    let state = state.clone();
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(period);
        loop {
            ticks.tick().await;
            sweep_soon(&state);
        }
    });
}

/// Removes, in the background, the files of photos no spot shows any more.
pub fn sweep_soon(state: &AppState) {
    let (spots, dir) = (state.spots.clone(), state.photos.dir.clone());
    tokio::spawn(async move {
        let keep: HashSet<String> = match spots.photo_keys().await {
            Ok(keys) => keys.into_iter().collect(),
            Err(error) => return tracing::warn!(%error, "photo sweep skipped"),
        };
        match tokio::task::spawn_blocking(move || files::sweep(&dir, &keep, SWEEP_GRACE)).await {
            Ok(Ok(0)) => {}
            Ok(Ok(removed)) => tracing::info!(removed, "unused photo files removed"),
            Ok(Err(error)) => tracing::warn!(%error, "photo sweep failed"),
            Err(error) => tracing::warn!(%error, "photo sweep panicked"),
        }
    });
}

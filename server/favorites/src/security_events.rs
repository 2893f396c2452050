//! `POST /api/security-events`: the main app pushes Security Event Tokens
//! here (RFC 8935). A SET is checked against the same published keys as
//! the tokens (`identity::auth::security_event`), then applied once:
//!
//! - 202 Accepted, empty: applied, or applied before (the same `jti` and
//!   event again: a retry whose first answer was lost);
//! - 400 with `{"err": …, "description": …}` (RFC 8935 §2.3): refused,
//!   nothing changed: `invalid_request` (not a SET, an unknown event type,
//!   a `jti` reused for another event), `invalid_key` (another key, an
//!   unsigned or HS256 SET), `invalid_issuer`, `invalid_audience`;
//! - 415 for a body that is not `application/secevent+jwt`; 503 while the
//!   issuer's keys are not loaded (the transmitter retries).

use crate::{deletions::Applied, state::ServiceState};
use axum::{
    Json,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode, header::CONTENT_TYPE},
    response::{IntoResponse, Response},
};
use identity::auth::security_event::{MEDIA_TYPE, ReceivedEvent, SetRefusal};
use photo_spots_core::error::ApiError;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// RFC 8935 §2.3's error body.
#[derive(Serialize)]
struct PushError<'a> {
    err: &'a str,
    description: String,
}

pub async fn receive(
    State(state): State<ServiceState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    if !is_set_media_type(&headers) {
        counted("wrong_media_type");
        return Ok(refusal_response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "invalid_request",
            format!("Send the SET as {MEDIA_TYPE}."),
        ));
    }
    let Ok(set) = std::str::from_utf8(&body) else {
        counted("invalid_request");
        return Ok(refused(&SetRefusal::InvalidRequest(
            "The body is not text.".into(),
        )));
    };
    let event = match verify(&state, set.trim()).await {
        Ok(event) => event,
        Err(SetRefusal::KeysUnavailable) => {
            counted("keys_unavailable");
            return Err(ApiError::Unavailable(
                photo_spots_core::error::Outage::SigningKeys,
            ));
        }
        Err(refusal) => {
            tracing::warn!(err = refusal.code(), %refusal, "security event refused");
            counted(refusal.code());
            return Ok(refused(&refusal));
        }
    };
    let now = identity::clock::unix_now();
    let applied = state
        .deletions
        .apply(
            &event.jti,
            &fingerprint(&event),
            event.subject,
            event.occurred_at,
            now,
        )
        .await?;
    match applied {
        Applied::Done => {
            state.store.forget_list(event.subject);
            tracing::info!(user = %event.subject, jti = %event.jti, "account deleted at the issuer: favourites deleted, its tokens refused");
        }
        Applied::AlreadyDone => {
            tracing::info!(jti = %event.jti, "security event received again; nothing more to do");
        }
        Applied::JtiReused => {
            counted("invalid_request");
            return Ok(refused(&SetRefusal::InvalidRequest(
                "This jti was used by another event.".into(),
            )));
        }
    }
    counted("accepted");
    Ok(StatusCode::ACCEPTED.into_response())
}

/// As the tokens: a SET naming a key not seen yet makes the service look
/// at the issuer's JWKS once more (a rotation).
async fn verify(state: &ServiceState, set: &str) -> Result<ReceivedEvent, SetRefusal> {
    let Some(verifier) = &state.events else {
        return Err(SetRefusal::InvalidKey(
            "This service trusts a shared secret, which can't sign SETs.".into(),
        ));
    };
    match verifier.verify(set) {
        Err(SetRefusal::UnknownKey) => match &state.jwks {
            Some(jwks) if jwks.refetch_for_unknown_kid().await => verifier.verify(set),
            _ => Err(SetRefusal::UnknownKey),
        },
        verified => verified,
    }
}

/// What an event says, hashed: the same `jti` must always say the same.
fn fingerprint(event: &ReceivedEvent) -> String {
    let text = format!("{}\n{}\n{}", event.event, event.subject, event.occurred_at);
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

fn is_set_media_type(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|value| value.trim().eq_ignore_ascii_case(MEDIA_TYPE))
}

fn refused(refusal: &SetRefusal) -> Response {
    refusal_response(StatusCode::BAD_REQUEST, refusal.code(), refusal.to_string())
}

fn refusal_response(status: StatusCode, err: &str, description: String) -> Response {
    (status, Json(PushError { err, description })).into_response()
}

/// Counts one SET received, by outcome (`accepted`, or the error code).
fn counted(outcome: &'static str) {
    metrics::counter!("favorites_security_events_total", "outcome" => outcome).increment(1);
}

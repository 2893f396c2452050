//! The passkeys' JSON API (see `app::passkeys`):
//!
//! - `POST /api/passkeys/register/start` and `…/register/finish`: add a
//!   passkey to the caller's account (a valid token needed);
//! - `POST /api/passkeys/sign-in/start` and `…/sign-in/finish`: sign in
//!   with one, no username; the answer is a password login's (an access
//!   token and the refresh cookie), its `amr` saying a passkey;
//! - `POST /api/reauth/passkey/start` and `…/finish`: "confirm it's you"
//!   (step-up) with one of the caller's own passkeys: a new token of the
//!   same session with a fresh `auth_time`, as `POST /api/reauth` gives;
//! - `GET /api/passkeys`, `PUT` and `DELETE /api/passkeys/{id}`: the
//!   caller's passkeys (and whether they have a password), renamed or
//!   removed (never the last way to sign in: 409 `last_sign_in_method`).
//!
//! Adding and removing a passkey need a recent sign-in (step-up): an older
//! one is 401 `insufficient_user_authentication` (RFC 9470).
//!
//! Sign-in failures count against the address (and the credential) as
//! wrong passwords do, and end in 429 the same way.

use crate::json_body::JsonBody;
use app::{
    api::{confirmed, login_proof_of, spend_login_proof},
    auth::{Authenticated, Device, SignIn},
    domain::{ActivityKind, PasskeyName},
    error::ApiError,
    passkeys::{LastWay, PasskeySummary, SignedIn, Started},
    state::AppState,
    wire::{LoginResponse, WaysToSignIn},
};
use axum::{
    Json, Router,
    extract::{Path, State},
    http::{StatusCode, header::SET_COOKIE, request::Parts},
    response::{IntoResponse, Response},
    routing::{get, post, put},
};
use serde::Deserialize;
use webauthn_rs::prelude::{
    CreationChallengeResponse, PublicKeyCredential, RegisterPublicKeyCredential,
    RequestChallengeResponse,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/passkeys", get(list))
        .route("/api/passkeys/{id}", put(rename).delete(remove))
        .route("/api/passkeys/register/start", post(start_registration))
        .route("/api/passkeys/register/finish", post(finish_registration))
        .route("/api/passkeys/sign-in/start", post(start_sign_in))
        .route("/api/passkeys/sign-in/finish", post(finish_sign_in))
        .route("/api/reauth/passkey/start", post(start_reauth))
        .route("/api/reauth/passkey/finish", post(finish_reauth))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FinishRegistration {
    ceremony: String,
    /// Checked after the body is read, so a bad one is a 422 on `name`.
    name: String,
    credential: RegisterPublicKeyCredential,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FinishSignIn {
    ceremony: String,
    credential: PublicKeyCredential,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Rename {
    name: String,
}

async fn start_registration(
    auth: Authenticated,
    State(state): State<AppState>,
) -> Result<Json<Started<CreationChallengeResponse>>, ApiError> {
    auth.require_recent_sign_in(state.step_up_max_age)?;
    let holder = state
        .users
        .current_user(auth.user_id())
        .await?
        .ok_or(ApiError::InvalidToken)?;
    Ok(Json(state.passkeys.start_registration(&holder.user).await?))
}

async fn finish_registration(
    auth: Authenticated,
    State(state): State<AppState>,
    JsonBody(body): JsonBody<FinishRegistration>,
) -> Result<(StatusCode, Json<PasskeySummary>), ApiError> {
    auth.require_recent_sign_in(state.step_up_max_age)?;
    let name = name(&body.name)?;
    let added = state
        .passkeys
        .finish_registration(auth.user_id(), &body.ceremony, &name, &body.credential)
        .await?;
    state
        .activity
        .record(auth.user_id(), ActivityKind::PasskeyAdded, &added.name)
        .await;
    Ok((StatusCode::CREATED, Json(added)))
}

async fn start_sign_in(
    State(state): State<AppState>,
    parts: Parts,
) -> Result<Json<Started<RequestChallengeResponse>>, ApiError> {
    // Each start keeps a row: a throttled address starts none.
    throttled(&state, &parts, "").await?;
    Ok(Json(state.passkeys.start_sign_in().await?))
}

async fn finish_sign_in(
    State(state): State<AppState>,
    parts: Parts,
    JsonBody(body): JsonBody<FinishSignIn>,
) -> Result<Response, ApiError> {
    // Per credential as well as per address; ids are short, a forged one
    // is cut to a bounded key.
    let credential_key: String = format!("passkey:{}", body.credential.id)
        .chars()
        .take(100)
        .collect();
    throttled(&state, &parts, &credential_key).await?;
    // Before the passkey is checked: a bad proof costs nothing more. It is
    // spent only if the passkey signs in.
    let proof = login_proof_of(&state, &parts)?;
    let address = state.address_of(&parts);
    let signed_in = match state
        .passkeys
        .finish_sign_in(&body.ceremony, &body.credential)
        .await
    {
        Ok(signed_in) => signed_in,
        Err(error) => {
            if matches!(
                error,
                ApiError::PasskeyRefused | ApiError::PasskeyNotRegistered
            ) {
                state
                    .throttle
                    .record_failure(address, &credential_key)
                    .await?;
                metrics::counter!("photo_spots_logins_total", "outcome" => "wrong_credentials")
                    .increment(1);
            }
            return Err(error);
        }
    };
    let SignedIn {
        user,
        method,
        passkey,
    } = signed_in;
    if state.users.is_disabled(user).await? {
        tracing::info!(%user, "passkey sign-in refused: the account is disabled");
        return Err(ApiError::AccountDisabled);
    }
    let holder = state
        .users
        .current_user(user)
        .await?
        .ok_or(ApiError::PasskeyNotRegistered)?;
    let jkt = spend_login_proof(&state, proof).await?;
    state.throttle.record_success(address).await?;
    metrics::counter!("photo_spots_logins_total", "outcome" => "ok").increment(1);
    let device = Device::of_request(&parts.headers, address).with_passkey(passkey);
    let detail = format!("{}, with {}", device.describe(), method.describe());
    state
        .activity
        .record(user, ActivityKind::SignedIn, &detail)
        .await;
    let grant = state
        .refresh
        .start(user, SignIn::now(method, jkt), &device)
        .await?;
    tracing::info!(%user, family = %grant.family.id, method = ?grant.login.method, "login started with a passkey");
    let answer = app::api::issue_access_token(&state, holder, &grant.login, &grant.family.id)?;
    Ok(([(SET_COOKIE, state.refresh.cookie(&grant))], Json(answer)).into_response())
}

async fn start_reauth(
    auth: Authenticated,
    State(state): State<AppState>,
) -> Result<Json<Started<RequestChallengeResponse>>, ApiError> {
    Ok(Json(state.passkeys.start_reauth(auth.user_id()).await?))
}

/// Failures count in the login throttle, by address and username, as a
/// wrong password when confirming does.
async fn finish_reauth(
    auth: Authenticated,
    State(state): State<AppState>,
    parts: Parts,
    JsonBody(body): JsonBody<FinishSignIn>,
) -> Result<Json<LoginResponse>, ApiError> {
    let username = auth.user().username.to_string();
    throttled(&state, &parts, &username).await?;
    let address = state.address_of(&parts);
    match state
        .passkeys
        .finish_reauth(auth.user_id(), &body.ceremony, &body.credential)
        .await
    {
        Ok(_) => {
            state.throttle.record_success(address).await?;
            let holder = state
                .users
                .current_user(auth.user_id())
                .await?
                .ok_or(ApiError::InvalidToken)?;
            Ok(Json(
                confirmed(&state, &auth, holder, "with a passkey").await?,
            ))
        }
        Err(error) => {
            if matches!(
                error,
                ApiError::PasskeyRefused | ApiError::PasskeyNotRegistered
            ) {
                state.throttle.record_failure(address, &username).await?;
                let detail = format!(
                    "a passkey refused when confirming it's you, {}",
                    Device::of_request(&parts.headers, address).describe()
                );
                state
                    .activity
                    .record(auth.user_id(), ActivityKind::SignInFailed, &detail)
                    .await;
            }
            Err(error)
        }
    }
}

/// A passkey's name, refused as the `name` field it came in.
fn name(raw: &str) -> Result<PasskeyName, ApiError> {
    PasskeyName::parse(raw).map_err(|error| ApiError::Validation {
        field: "name".into(),
        message: error.to_string(),
    })
}

/// 429 while `address` (or `key`) has failed too often.
async fn throttled(state: &AppState, parts: &Parts, key: &str) -> Result<(), ApiError> {
    let address = state.address_of(parts);
    match state.throttle.blocked_for(address, key).await? {
        None => Ok(()),
        Some(wait) => {
            tracing::warn!(
                ?address,
                "passkey sign-in throttled after repeated failures"
            );
            metrics::counter!("photo_spots_logins_total", "outcome" => "throttled").increment(1);
            Err(ApiError::TooManyAttempts {
                retry_after_secs: wait.as_secs().max(1),
            })
        }
    }
}

async fn list(
    auth: Authenticated,
    State(state): State<AppState>,
) -> Result<Json<WaysToSignIn>, ApiError> {
    let passkeys = state.passkeys.list(auth.user_id()).await?;
    let credentials = state.users.find_credentials_by_id(auth.user_id()).await?;
    let credentials = credentials.ok_or(ApiError::InvalidToken)?;
    Ok(Json(WaysToSignIn {
        passkeys,
        password: credentials.password_hash.is_some(),
        recovery_codes: state.recovery.left(auth.user_id()).await?,
    }))
}

async fn rename(
    auth: Authenticated,
    State(state): State<AppState>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<Rename>,
) -> Result<Json<PasskeySummary>, ApiError> {
    let name = name(&body.name)?;
    let renamed = state.passkeys.rename(auth.user_id(), &id, &name).await?;
    Ok(Json(renamed))
}

async fn remove(
    auth: Authenticated,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    auth.require_recent_sign_in(state.step_up_max_age)?;
    state
        .passkeys
        .remove(auth.user_id(), &id, LastWay::Keep)
        .await?;
    state
        .activity
        .record(auth.user_id(), ActivityKind::PasskeyRemoved, "")
        .await;
    Ok(StatusCode::NO_CONTENT)
}

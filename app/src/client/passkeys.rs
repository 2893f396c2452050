//! Passkeys from the browser: adding one to the account (the browser's own
//! dialog), the list, and signing in with one. The server checks
//! everything (see `app::passkeys`); these calls carry the ceremony there
//! and back.

use super::calls::{Body, send};
use crate::{
    error::ApiError,
    wire::{PasskeySummary, SignInMethods},
};
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize)]
struct Started {
    ceremony: String,
    options: Value,
}

/// The signed-in person's passkeys, oldest first, and whether they have
/// a password.
pub async fn list() -> Result<SignInMethods, ApiError> {
    send("GET", "/api/passkeys", Body::None).await
}

/// Adds a passkey called `name`: the browser asks the person to make one.
pub async fn add(name: String) -> Result<PasskeySummary, ApiError> {
    let started: Started = send("POST", "/api/passkeys/register/start", Body::None).await?;
    let credential = create(&started.options).await?;
    let body = json!({"ceremony": started.ceremony, "name": name, "credential": credential});
    send("POST", "/api/passkeys/register/finish", json_body(&body)?).await
}

pub async fn rename(id: String, name: String) -> Result<PasskeySummary, ApiError> {
    let body = json_body(&json!({ "name": name }))?;
    send("PUT", &format!("/api/passkeys/{id}"), body).await
}

pub async fn remove(id: String) -> Result<(), ApiError> {
    send::<Value>("DELETE", &format!("/api/passkeys/{id}"), Body::None)
        .await
        .map(drop)
}

/// A sign-in the server has started: its challenge, waiting for a passkey.
#[cfg(feature = "hydrate")]
pub struct SignInCeremony(Started);

#[cfg(feature = "hydrate")]
pub async fn start_sign_in() -> Result<SignInCeremony, ApiError> {
    let path = "/api/passkeys/sign-in/start";
    super::calls::attempt("POST", path, &Body::None, None)
        .await
        .map(SignInCeremony)
}

/// Signs in with a passkey the person picks: in the browser's dialog, or
/// (`conditional`) from the username field's autofill, until `signal`
/// aborts. What a password login gives, bound to a new DPoP key.
#[cfg(feature = "hydrate")]
pub async fn finish_sign_in(
    SignInCeremony(started): SignInCeremony,
    conditional: bool,
    signal: Option<web_sys::AbortSignal>,
) -> Result<crate::wire::LoginResponse, ApiError> {
    let credential =
        super::webauthn::get(&started.options["publicKey"], conditional, signal.as_ref()).await?;
    // As a password login does: a new key for the new login's tokens.
    super::dpop::new_key().await;
    let body = json!({"ceremony": started.ceremony, "credential": credential});
    let path = "/api/passkeys/sign-in/finish";
    super::calls::attempt("POST", path, &json_body(&body)?, None).await
}

/// Whether this browser offers passkeys in the username field's autofill,
/// on a page reached by a name: WebAuthn refuses an IP address, so there
/// the page doesn't ask (the button says why, if pressed).
#[cfg(feature = "hydrate")]
pub async fn autofill_available() -> bool {
    let host = web_sys::window()
        .and_then(|window| window.location().hostname().ok())
        .unwrap_or_default();
    let by_address = host
        .trim_matches(['[', ']'])
        .parse::<std::net::IpAddr>()
        .is_ok();
    !by_address && super::webauthn::conditional_mediation_available().await
}

async fn create(options: &Value) -> Result<Value, ApiError> {
    #[cfg(feature = "hydrate")]
    {
        super::webauthn::create(&options["publicKey"]).await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = options;
        Err(ApiError::PasskeysUnsupported)
    }
}

fn json_body(body: &Value) -> Result<Body, ApiError> {
    Ok(Body::Json(
        serde_json::to_string(body).map_err(|_| ApiError::Internal)?,
    ))
}

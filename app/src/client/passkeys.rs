//! Passkeys from the browser: adding one to the account (the browser's own
//! dialog), the list, and signing in with one. The server checks
//! everything (see `app::passkeys`); these calls carry the ceremony there
//! and back.

use super::calls::{Body, send, send_unread};
use crate::{
    error::ApiError,
    wire::{PasskeySummary, WaysToSignIn},
};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// What a ceremony's start answers; the options go to the browser as the
/// server wrote them.
#[derive(Deserialize)]
struct Started {
    ceremony: String,
    options: Box<RawValue>,
}

/// What finishing a ceremony sends: the browser's credential as it wrote it.
#[derive(Serialize)]
struct Finish<'a> {
    ceremony: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    credential: &'a RawValue,
}

impl Finish<'_> {
    fn body(&self) -> Result<Body, ApiError> {
        let json = serde_json::to_string(self).map_err(|_| ApiError::Internal)?;
        Ok(Body::Json(json))
    }
}

#[derive(Serialize)]
struct Rename<'a> {
    name: &'a str,
}

/// The signed-in person's passkeys, oldest first, and whether they have
/// a password.
pub async fn list() -> Result<WaysToSignIn, ApiError> {
    send("GET", "/api/passkeys", Body::None).await
}

/// Adds a passkey called `name`: the browser asks the person to make one.
pub async fn add(name: String) -> Result<PasskeySummary, ApiError> {
    let started: Started = send("POST", "/api/passkeys/register/start", Body::None).await?;
    let credential = create(&started.options).await?;
    let finish = Finish {
        ceremony: &started.ceremony,
        name: Some(&name),
        credential: &credential,
    };
    send("POST", "/api/passkeys/register/finish", finish.body()?).await
}

pub async fn rename(id: String, name: String) -> Result<PasskeySummary, ApiError> {
    let body = serde_json::to_string(&Rename { name: &name }).map_err(|_| ApiError::Internal)?;
    send("PUT", &format!("/api/passkeys/{id}"), Body::Json(body)).await
}

pub async fn remove(id: String) -> Result<(), ApiError> {
    send_unread("DELETE", &format!("/api/passkeys/{id}"), Body::None).await
}

/// A sign-in the server has started: its challenge, waiting for a passkey.
#[cfg(feature = "hydrate")]
pub struct SignInCeremony(Started);

#[cfg(feature = "hydrate")]
pub async fn start_sign_in() -> Result<SignInCeremony, ApiError> {
    // No proof: the start binds nothing; the finish carries the login's.
    let path = "/api/passkeys/sign-in/start";
    super::calls::anonymous("POST", path, &Body::None)
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
    let credential = super::webauthn::get(&started.options, conditional, signal.as_ref()).await?;
    signed_in(started.ceremony, credential).await
}

/// The rest of a sign-in once a passkey was picked, in a wasm file of its
/// own (`cargo leptos --split`): the login page's first download doesn't
/// carry it.
#[cfg(feature = "hydrate")]
#[leptos::lazy]
async fn signed_in(
    ceremony: String,
    credential: Box<RawValue>,
) -> Result<crate::wire::LoginResponse, ApiError> {
    // As a password login does: a new key for the new login's tokens.
    super::dpop::new_key().await;
    let finish = Finish {
        ceremony: &ceremony,
        name: None,
        credential: &credential,
    };
    let path = "/api/passkeys/sign-in/finish";
    super::calls::attempt("POST", path, &finish.body()?, None).await
}

/// "Confirm it's you" with one of the person's own passkeys: a new token of
/// this session with a fresh sign-in time (the caller stores it).
#[cfg(feature = "hydrate")]
pub async fn confirm() -> Result<crate::wire::LoginResponse, ApiError> {
    let started: Started = send("POST", "/api/reauth/passkey/start", Body::None).await?;
    let credential = super::webauthn::get(&started.options, false, None).await?;
    let finish = Finish {
        ceremony: &started.ceremony,
        name: None,
        credential: &credential,
    };
    send("POST", "/api/reauth/passkey/finish", finish.body()?).await
}

/// Whether this browser offers passkeys in the username field's autofill,
/// on a page reached by a name: WebAuthn refuses an IP address, so there
/// the page doesn't ask (the button says why, if pressed).
#[cfg(feature = "hydrate")]
pub async fn autofill_available() -> bool {
    let host = web_sys::window()
        .and_then(|window| window.location().hostname().ok())
        .unwrap_or_default();
    !is_ip_address(&host) && super::webauthn::conditional_mediation_available().await
}

/// Whether `host`, as `location.hostname` gives it, is an IP address: the
/// URL standard writes IPv4 as four decimal numbers and IPv6 in brackets,
/// and no domain name ends in a number. (Not `IpAddr::from_str`: its
/// parser would be a few KB of the login page's wasm for this one check.)
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn is_ip_address(host: &str) -> bool {
    host.starts_with('[')
        || host
            .rsplit('.')
            .next()
            .is_some_and(|last| !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()))
}

async fn create(options: &RawValue) -> Result<Box<RawValue>, ApiError> {
    #[cfg(feature = "hydrate")]
    {
        super::webauthn::create(options).await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = options;
        Err(ApiError::PasskeysUnsupported)
    }
}

#[cfg(test)]
mod tests {
    use super::is_ip_address;

    #[test]
    fn ip_addresses_are_told_from_names_as_location_writes_them() {
        for host in ["127.0.0.1", "10.0.0.7", "[::1]", "[2001:db8::1]"] {
            assert!(is_ip_address(host), "{host}");
        }
        for host in [
            "localhost",
            "photos.example",
            "a1.example",
            "1x.example",
            "",
        ] {
            assert!(!is_ip_address(host), "{host}");
        }
    }
}

//! DPoP in the browser (RFC 9449): the key pair a login is bound to, and
//! the proof every call carries.
//!
//! The key pair is made by WebCrypto with `extractable: false` and kept in
//! IndexedDB, whose structured clone keeps it so: page script can ask the
//! browser to *sign* with it, but never read it. A token copied out of
//! localStorage is useless without it. One key per browser profile, shared
//! by its tabs; a new login makes a new one and logging out deletes it.

#[cfg(feature = "hydrate")]
mod key_store;
#[cfg(feature = "hydrate")]
mod proof;

use crate::token::UnverifiedClaims;

/// Whether `token` is bound to a key (its payload has `cnf`), so it must
/// travel as `Authorization: DPoP` with a proof. Read, not verified: the
/// server decides.
pub fn is_bound(token: &str) -> bool {
    UnverifiedClaims::read(token).is_some_and(|claims| claims.is_bound())
}

/// The headers that present `token` on a `method` call to `url` (absolute,
/// or a path on this origin): for a bound token `Authorization: DPoP` and a
/// fresh proof; for a bearer token `Authorization: Bearer`; with no token
/// (log-in, renewal) a proof if this browser holds a key.
pub async fn authorization(
    method: &str,
    url: &str,
    token: Option<&str>,
) -> Vec<(&'static str, String)> {
    let mut headers = Vec::with_capacity(2);
    let bound = token.is_some_and(is_bound);
    if let Some(token) = token {
        let scheme = if bound { "DPoP" } else { "Bearer" };
        headers.push(("Authorization", format!("{scheme} {token}")));
    }
    if bound || token.is_none() {
        #[cfg(feature = "hydrate")]
        if let Some(proof) = proof::make(method, url, token).await {
            headers.push(("DPoP", proof));
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (method, url);
    headers
}

/// A new key pair for a new login on this device, replacing any earlier
/// one. Without WebCrypto or IndexedDB the login goes on as a bearer login.
pub async fn new_key() {
    #[cfg(feature = "hydrate")]
    if let Err(error) = key_store::replace_with_new().await {
        leptos::logging::warn!(
            "no DPoP key ({error:?}): this login's tokens will be bearer tokens"
        );
    }
}

/// Deletes this browser's key pair (log-out): its tokens become useless.
pub async fn forget_key() {
    #[cfg(feature = "hydrate")]
    if let Err(error) = key_store::delete().await {
        leptos::logging::warn!("could not delete the DPoP key: {error:?}");
    }
}

#[cfg(feature = "hydrate")]
pub use proof::{make as proof, with_throwaway_key};

#[cfg(test)]
mod tests {
    use super::*;
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};

    fn token(payload: &str) -> String {
        format!(
            "{}.{}.sig",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"EdDSA"}"#),
            URL_SAFE_NO_PAD.encode(payload)
        )
    }

    #[test]
    fn a_token_with_cnf_is_bound() {
        assert!(is_bound(&token(r#"{"sub":"120","cnf":{"jkt":"abc"}}"#)));
        assert!(!is_bound(&token(r#"{"sub":"120"}"#)));
        assert!(!is_bound("not a token"));
    }
}

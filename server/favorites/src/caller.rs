//! Who is calling: the verified `sub` of the token (and, for a bound token,
//! of a fresh DPoP proof by its key), and nothing else.

use crate::state::ServiceState;
use axum::{extract::FromRequestParts, http::request::Parts};
use identity::auth::{Claims, TokenError, check_binding, presented_token};
use photo_spots_core::{domain::UserId, error::ApiError};

/// The user a request acts for. Only built from a token whose signature,
/// `exp`, `iss` and `aud` check out, so handlers can't take an id from
/// anywhere else.
pub struct Caller(pub UserId);

impl FromRequestParts<ServiceState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &ServiceState,
    ) -> Result<Self, Self::Rejection> {
        let refused = |error: TokenError| {
            tracing::info!(reason = %error, "request refused: bad or missing token");
            verified(error.reason());
            ApiError::from(error)
        };
        let presented = presented_token(&parts.headers).map_err(refused)?;
        let claims = verify(presented.token, state).await.map_err(refused)?;
        // The main app said this account is gone (a security event): its
        // tokens from before are refused, though their signature is good.
        if state.deletions.refuses(claims.sub, claims.iat) {
            return Err(refused(TokenError::UnknownUser));
        }
        check_binding(presented, &claims, parts, &state.dpop)
            .await
            .inspect_err(|_| verified("dpop"))?;
        verified("ok");
        Ok(Self(claims.sub))
    }
}

/// Counts one verification by its outcome (`ok`, or why it was refused).
fn verified(outcome: &'static str) {
    metrics::counter!("favorites_verifications_total", "outcome" => outcome).increment(1);
}

async fn verify(token: &str, state: &ServiceState) -> Result<Claims, TokenError> {
    match state.verifier.verify(token) {
        Err(TokenError::UnknownKey(kid)) => match &state.jwks {
            // Perhaps the issuer rotated in a new key: look once more.
            Some(jwks) if jwks.refetch_for_unknown_kid().await => state.verifier.verify(token),
            _ => Err(TokenError::UnknownKey(kid)),
        },
        verified => verified,
    }
}

//! Who is calling: the verified `sub` of the bearer token, and nothing else.

use super::FavoritesState;
use app::{
    api::ApiError,
    auth::{TokenError, bearer_token},
    domain::UserId,
};
use axum::{extract::FromRequestParts, http::request::Parts};

/// The user a request acts for. Only built from a token whose signature,
/// `exp`, `iss` and `aud` check out, so handlers can't take an id from
/// anywhere else.
pub struct Caller(pub UserId);

impl FromRequestParts<FavoritesState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &FavoritesState,
    ) -> Result<Self, Self::Rejection> {
        verify(parts, state).await.map(Self).map_err(|error| {
            tracing::info!(reason = %error, "request refused: bad or missing token");
            ApiError::from(error)
        })
    }
}

async fn verify(parts: &Parts, state: &FavoritesState) -> Result<UserId, TokenError> {
    let token = bearer_token(&parts.headers)?;
    match state.verifier.verify(token) {
        Err(TokenError::UnknownKey(kid)) => match &state.jwks {
            // Perhaps the issuer rotated in a new key: look once more.
            Some(jwks) if jwks.refetch_for_unknown_kid().await => {
                state.verifier.verify(token).map(|claims| claims.sub)
            }
            _ => Err(TokenError::UnknownKey(kid)),
        },
        verified => verified.map(|claims| claims.sub),
    }
}

use super::{Claims, TokenError, TokenService};
use crate::{api::ApiError, domain::UserId, state::AppState};
use axum::{
    extract::{FromRef, FromRequestParts},
    http::{HeaderMap, header::AUTHORIZATION, request::Parts},
};
use std::sync::Arc;

/// Longest `Authorization` header looked at; anything longer is refused
/// without being parsed.
const MAX_AUTHORIZATION_BYTES: usize = 4096;

/// Proof that the request carried a valid Photo Spots token.
///
/// This is the single choke point for authorization: it can only be built by
/// verifying the bearer token, and protected code takes the user id from it,
/// never from the request body.
#[derive(Clone, Debug)]
pub struct Authenticated {
    claims: Claims,
}

impl Authenticated {
    pub fn user_id(&self) -> UserId {
        self.claims.sub
    }

    pub fn claims(&self) -> &Claims {
        &self.claims
    }

    /// Verifies the bearer token in `headers`.
    pub fn from_headers(headers: &HeaderMap, tokens: &TokenService) -> Result<Self, TokenError> {
        let claims = tokens.verify(bearer_token(headers)?)?;
        tracing::debug!(user = %claims.sub, jti = %claims.jti, "token verified");
        Ok(Self { claims })
    }

    /// The same check from inside a server function, where leptos_axum
    /// provides the request parts and the app state as context.
    pub fn from_server_fn_context() -> Result<Self, ApiError> {
        let state = AppState::from_context()?;
        let parts = leptos::prelude::use_context::<Parts>().ok_or_else(|| {
            tracing::error!("request parts missing from the server function context");
            ApiError::Internal
        })?;
        Self::from_headers(&parts.headers, &state.tokens).map_err(refused)
    }
}

impl<S> FromRequestParts<S> for Authenticated
where
    S: Send + Sync,
    Arc<TokenService>: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let tokens = Arc::<TokenService>::from_ref(state);
        Self::from_headers(&parts.headers, &tokens).map_err(refused)
    }
}

fn refused(error: TokenError) -> ApiError {
    tracing::info!(reason = %error, "request refused: bad or missing token");
    ApiError::from(error)
}

/// The token from `Authorization: Bearer <token>` (the scheme is
/// case-insensitive, as RFC 7235 says).
pub fn bearer_token(headers: &HeaderMap) -> Result<&str, TokenError> {
    let value = headers.get(AUTHORIZATION).ok_or(TokenError::Missing)?;
    if value.len() > MAX_AUTHORIZATION_BYTES {
        return Err(TokenError::Malformed);
    }
    let value = value.to_str().map_err(|_| TokenError::Malformed)?;
    let (scheme, token) = value.split_once(' ').ok_or(TokenError::Malformed)?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
        return Err(TokenError::Malformed);
    }
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(authorization: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, HeaderValue::from_str(authorization).unwrap());
        headers
    }

    #[test]
    fn bearer_token_is_taken_from_the_header() {
        assert_eq!(
            bearer_token(&headers("Bearer abc.def.ghi")),
            Ok("abc.def.ghi")
        );
        assert_eq!(
            bearer_token(&headers("bearer abc.def.ghi")),
            Ok("abc.def.ghi")
        );
    }

    #[test]
    fn missing_header_is_missing() {
        assert_eq!(bearer_token(&HeaderMap::new()), Err(TokenError::Missing));
    }

    #[test]
    fn other_schemes_and_empty_tokens_are_malformed() {
        let long = format!("Bearer {}", "a".repeat(5000));
        for bad in [
            "Basic am9objpqb2hu",
            "Bearer",
            "Bearer ",
            "abc.def.ghi",
            "Token abc",
            long.as_str(),
        ] {
            assert_eq!(
                bearer_token(&headers(bad)),
                Err(TokenError::Malformed),
                "{bad:?}"
            );
        }
    }
}

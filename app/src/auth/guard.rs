use super::{Claims, TokenError, TokenService};
use crate::{
    api::ApiError,
    domain::{User, UserId},
    state::AppState,
    users::StoreError,
};
use axum::{
    extract::{FromRef, FromRequestParts},
    http::{HeaderMap, header::AUTHORIZATION, request::Parts},
};
use std::sync::Arc;

/// Longest `Authorization` header looked at; anything longer is refused
/// without being parsed.
const MAX_AUTHORIZATION_BYTES: usize = 4096;

/// A bearer token whose signature and claims check out, and nothing more.
///
/// This is what a second service holding only the verification key can know
/// (the "retirement server"): it accepts the token until it expires. Photo
/// Spots itself uses [`Authenticated`], which also refuses revoked tokens.
#[derive(Clone, Debug)]
pub struct VerifiedClaims(pub Claims);

impl VerifiedClaims {
    pub fn from_headers(headers: &HeaderMap, tokens: &TokenService) -> Result<Self, TokenError> {
        tokens.verify(bearer_token(headers)?).map(Self)
    }
}

impl<S> FromRequestParts<S> for VerifiedClaims
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

/// Proof that the request carried a valid, current Photo Spots token.
///
/// This is the single choke point for authorization: it can only be built by
/// verifying the bearer token and checking that the user still exists and
/// has not revoked it (password change, "log out of all devices"). Protected
/// code takes the user id from it, never from the request body.
#[derive(Clone, Debug)]
pub struct Authenticated {
    claims: Claims,
    user: User,
    /// What the database said about admin rights at the check.
    is_admin: bool,
}

impl Authenticated {
    pub fn user_id(&self) -> UserId {
        self.claims.sub
    }

    pub fn claims(&self) -> &Claims {
        &self.claims
    }

    /// The token version this token carries, which is the user's current
    /// one: writes that must not outlive a revocation are guarded by it.
    pub fn token_version(&self) -> u32 {
        self.claims.ver
    }

    /// The user as the database had them when the token was checked.
    pub fn user(&self) -> &User {
        &self.user
    }

    /// Whether the database called this user an admin at the check (the
    /// token's `admin` claim is only a copy from login time).
    pub fn is_admin_in_database(&self) -> bool {
        self.is_admin
    }

    /// Verifies the bearer token in `headers`, then reads the user and their
    /// token version: one primary-key lookup, the price of revocable tokens
    /// (and all that `me` needs).
    pub async fn check(headers: &HeaderMap, state: &AppState) -> Result<Self, ApiError> {
        Self::check_token(headers, state)
            .await
            .map_err(|error| match error {
                CheckError::Token(error) => refused(error),
                CheckError::Store(error) => ApiError::from(error),
            })
    }

    async fn check_token(headers: &HeaderMap, state: &AppState) -> Result<Self, CheckError> {
        let VerifiedClaims(claims) = VerifiedClaims::from_headers(headers, &state.tokens)?;
        match state.users.current_user(claims.sub).await? {
            None => Err(TokenError::UnknownUser.into()),
            Some(current) if current.token_version != claims.ver => Err(TokenError::Revoked.into()),
            Some(current) => {
                tracing::debug!(user = %claims.sub, jti = %claims.jti, "token accepted");
                Ok(Self {
                    claims,
                    user: current.user,
                    is_admin: current.is_admin,
                })
            }
        }
    }

    /// The same check from inside a server function, where leptos_axum
    /// provides the request parts and the app state as context.
    ///
    /// The server's middleware checks protected calls before their body is
    /// read and leaves the result in the request; it is used as it is.
    pub async fn from_server_fn_context() -> Result<Self, ApiError> {
        let parts = leptos::prelude::use_context::<Parts>().ok_or_else(|| {
            tracing::error!("request parts missing from the server function context");
            ApiError::Internal
        })?;
        if let Some(checked) = parts.extensions.get::<Self>() {
            return Ok(checked.clone());
        }
        let state = AppState::from_context()?;
        Self::check(&parts.headers, &state).await
    }
}

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Self::check(&parts.headers, state).await
    }
}

enum CheckError {
    Token(TokenError),
    Store(StoreError),
}

impl From<TokenError> for CheckError {
    fn from(error: TokenError) -> Self {
        Self::Token(error)
    }
}

impl From<StoreError> for CheckError {
    fn from(error: StoreError) -> Self {
        Self::Store(error)
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

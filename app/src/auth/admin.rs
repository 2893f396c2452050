use super::Authenticated;
use crate::{domain::UserId, error::ApiError};
use axum::{extract::FromRequestParts, http::request::Parts};

/// Proof that the caller may use the admin area now.
///
/// Three checks, all on the server: a valid, current token (everything
/// [`Authenticated`] checks, so a token edited to say `"admin": true` fails
/// at its signature: 401), the token's `admin` claim, and the database
/// still calling the user an admin (rights taken away since login count at
/// once). A valid token of someone who is not an admin is 403 `forbidden`.
///
/// The browser's "Admin" link follows the claim too, but that is only a
/// hint: hiding a link protects nothing.
#[derive(Clone, Debug)]
pub struct Admin(Authenticated);

impl Admin {
    pub fn check(auth: Authenticated) -> Result<Self, ApiError> {
        if auth.claims().admin && auth.is_admin_in_database() {
            return Ok(Self(auth));
        }
        tracing::warn!(
            user = %auth.user_id(),
            jti = %auth.claims().jti,
            claim = auth.claims().admin,
            database = auth.is_admin_in_database(),
            "admin call refused: not an admin"
        );
        Err(ApiError::Forbidden)
    }

    pub fn id(&self) -> UserId {
        self.0.user_id()
    }

    /// The token's id, logged with every admin write (never the token).
    pub fn jti(&self) -> &str {
        &self.0.claims().jti
    }
}

impl<S> FromRequestParts<S> for Admin
where
    S: Send + Sync,
    Authenticated: FromRequestParts<S, Rejection = ApiError>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Self::check(Authenticated::from_request_parts(parts, state).await?)
    }
}

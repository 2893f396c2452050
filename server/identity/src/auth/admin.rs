use super::Authenticated;
use crate::{domain::UserId, error::ApiError};
use axum::{
    extract::{FromRef, FromRequestParts},
    http::request::Parts,
};

/// Who may use the admin area beyond being an admin: with
/// `ADMIN_REQUIRES_PASSKEY=1`, only a token from a passkey sign-in (its
/// `amr` is not `pwd`): a phished or reused password alone can't reach it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AdminPolicy {
    pub requires_passkey: bool,
}

/// Proof that the caller may use the admin area now.
///
/// Three checks, all on the server: a valid, current token (everything
/// [`Authenticated`] checks, so a token edited to say `"admin": true` fails
/// at its signature: 401), the token's `admin` claim, and the database
/// still calling the user an admin (rights taken away since login count at
/// once). A valid token of someone who is not an admin is 403 `forbidden`;
/// where the policy asks for a passkey, an admin's password sign-in is 403
/// `passkey_required`.
///
/// The browser's "Admin" link follows the claim too, but that is only a
/// hint: hiding a link protects nothing.
#[derive(Clone, Debug)]
pub struct Admin(Authenticated);

impl Admin {
    pub fn check(auth: Authenticated, policy: AdminPolicy) -> Result<Self, ApiError> {
        if auth.claims().admin && auth.is_admin_in_database() {
            if policy.requires_passkey && !auth.claims().amr.is_passkey() {
                tracing::info!(user = %auth.user_id(), jti = %auth.claims().jti, "admin call refused: signed in with a password where a passkey is required");
                return Err(ApiError::PasskeyRequired);
            }
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
    AdminPolicy: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let auth = Authenticated::from_request_parts(parts, state).await?;
        Self::check(auth, AdminPolicy::from_ref(state))
    }
}

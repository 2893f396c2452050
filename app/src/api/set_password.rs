use crate::client::AuthClient;
use crate::error::ApiError;
use leptos::{prelude::*, server_fn::codec::Json};

/// `POST /api/set_password` `{"new_password"}` with a token → `null`: gives
/// a password to an account that signs in with passkeys only.
///
/// An account with a password already is 409 `password_already_set` (it
/// is changed with `/api/change_password`, which needs the current one).
/// Like adding a passkey, this adds a way to sign in: it needs a recent
/// sign-in (step-up), and the sessions there are stay as they are.
#[server(prefix = "/api", endpoint = "set_password", input = Json, output = Json, client = AuthClient)]
pub async fn set_password(new_password: String) -> Result<(), ApiError> {
    use crate::state::AppState;

    let state = AppState::from_context()?;
    let auth = state.recently_authenticated().await?;
    let user = state
        .users
        .find_by_id(auth.user_id())
        .await?
        .ok_or(ApiError::InvalidToken)?;
    let new =
        super::new_password::chosen(&new_password, (&user.username, &user.name), "new_password")
            .await?;
    let hash = state.passwords.clone().hash_off_thread(new).await?;
    if !state.users.set_first_password(user.id, &hash).await? {
        return Err(ApiError::PasswordAlreadySet);
    }
    tracing::info!(user = %user.id, "password set on a passkey-only account");
    state
        .activity
        .record(user.id, crate::domain::ActivityKind::PasswordSet, "")
        .await;
    Ok(())
}

//! The check both password calls begin with: the caller proves the password
//! they have. Server only.

use crate::{
    domain::{Password, UserId},
    error::ApiError,
    state::AppState,
    users::Credentials,
};

/// `user`'s credentials once `current_password` is theirs: 403
/// `wrong_password` otherwise, 409 `no_password` for an account that signs
/// in with passkeys only.
pub async fn proven(
    state: &AppState,
    user: UserId,
    current_password: &str,
) -> Result<Credentials, ApiError> {
    let credentials = state
        .users
        .find_credentials_by_id(user)
        .await?
        .ok_or(ApiError::InvalidToken)?;
    let stored = credentials
        .password_hash
        .clone()
        .ok_or(ApiError::NoPassword)?;
    let current = Password::parse(current_password).map_err(|_| ApiError::WrongPassword)?;
    let passwords = state.passwords.clone();
    if !passwords.verify_off_thread(current, Some(stored)).await? {
        return Err(ApiError::WrongPassword);
    }
    Ok(credentials)
}

//! What a password someone is choosing must be (sign-up, a change, setting
//! one): at least 10 characters, not the username (both checked in the
//! browser too, by `Password::new_for`), and not easy to guess (the
//! estimator runs here only: its word lists stay out of the wasm). Server only.

use crate::{
    auth::too_guessable,
    domain::{Password, UserName, Username},
    error::ApiError,
};

/// `raw` as the new password of the account `username` called `name`, or
/// 422 `validation` on `field` saying why not.
///
/// The estimate takes up to a few milliseconds (BENCHMARKS.md), so it runs
/// off the request threads, as the hashing after it does.
pub async fn chosen(
    raw: &str,
    (username, name): (&Username, &UserName),
    field: &str,
) -> Result<Password, ApiError> {
    let refused = |message: String| ApiError::Validation {
        field: field.to_owned(),
        message,
    };
    let password = Password::new_for(raw, username).map_err(|e| refused(e.to_string()))?;
    let (judged, inputs) = (password.clone(), [username.to_string(), name.to_string()]);
    let verdict =
        tokio::task::spawn_blocking(move || too_guessable(&judged, &[&inputs[0], &inputs[1]]))
            .await
            .map_err(|error| {
                tracing::error!(%error, "the password estimate failed");
                ApiError::Internal
            })?;
    match verdict {
        None => Ok(password),
        Some(why) => Err(refused(why)),
    }
}

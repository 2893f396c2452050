//! Recovery codes over the API (see `auth::recovery`):
//! - `POST /api/recovery_codes`: a new set of ten (a recent sign-in needed);
//! - `POST /api/recover` `{"username","code"}`: sign in with one, once;
//! - `POST /api/reset_password` `{"new_password"}`: from a session that
//!   signed in with a code, a new password without the current one.

use crate::client::{AuthClient, LoginClient};
use crate::{
    error::ApiError,
    wire::{LoginResponse, RecoveryCodesMade},
};
use leptos::{prelude::*, server_fn::codec::Json};

/// `POST /api/recovery_codes` with a token → `{"codes": [ten codes]}`,
/// shown this once (only their hashes are kept); any older set is void.
/// Needs a recent sign-in (step-up): else 401 `insufficient_user_authentication`.
#[server(prefix = "/api", endpoint = "recovery_codes", input = Json, output = Json, client = AuthClient)]
pub async fn make_recovery_codes() -> Result<RecoveryCodesMade, ApiError> {
    use crate::state::AppState;

    let state = AppState::from_context()?;
    let auth = state.recently_authenticated().await?;
    let codes = state.recovery.make(auth.user_id()).await?;
    state
        .activity
        .record(
            auth.user_id(),
            crate::domain::ActivityKind::RecoveryCodesMade,
            "",
        )
        .await;
    Ok(RecoveryCodesMade {
        codes: codes.iter().map(|code| code.display()).collect(),
    })
}

/// `POST /api/recover` `{"username","code"}` → what a login gives (a token
/// and the refresh cookie), its `amr` `["otp"]`; the code is spent.
///
/// Throttled exactly as logins are (the same counters: 429 after the same
/// failures). An unknown username, a wrong, used or voided code all get
/// the same 401 `invalid_recovery_code`.
#[server(prefix = "/api", endpoint = "recover", input = Json, output = Json, client = LoginClient)]
pub async fn recover(username: String, code: String) -> Result<LoginResponse, ApiError> {
    use crate::{
        auth::{SignIn, recovery::RecoveryCode},
        domain::{SignInMethod, Username},
        state::AppState,
    };

    let state = AppState::from_context()?;
    let username = Username::parse(&username)?;
    let proof = super::login::login_proof(&state)?;
    let address = state.client_address();
    super::login::refuse_if_throttled(&state, address, &username, "recovery code").await?;
    let credentials = state.users.find_credentials(&username).await?;
    let unused = match (&credentials, RecoveryCode::parse(&code)) {
        (Some(account), Some(code)) => {
            let unused = state.recovery.is_unused(account.user.id, &code).await?;
            unused.then_some(code)
        }
        _ => None,
    };
    let (Some(account), Some(code)) = (credentials.as_ref(), unused) else {
        return Err(refuse_code(&state, address, &username, credentials.as_ref()).await);
    };
    // Said only to someone holding a good code, and the code is kept for
    // when the account is enabled again.
    if account.disabled {
        return Err(ApiError::AccountDisabled);
    }
    // Of two uses of one code at once, exactly one spends it.
    if !state.recovery.spend(account.user.id, &code).await? {
        return Err(refuse_code(&state, address, &username, Some(account)).await);
    }
    let credentials = account;
    let jkt = super::login::spend_login_proof(&state, proof).await?;
    state.throttle.record_success(address).await?;
    tracing::info!(user = %credentials.user.id, "signed in with a recovery code");
    let login = SignIn::now(SignInMethod::RecoveryCode, jkt);
    let left = state.recovery.left(credentials.user.id).await?;
    let detail = format!("{left} left");
    state
        .activity
        .record(
            credentials.user.id,
            crate::domain::ActivityKind::RecoveryCodeUsed,
            &detail,
        )
        .await;
    super::login::record_sign_in(&state, credentials.user.id, login.method).await;
    super::login::start_session(&state, credentials.holder(), login).await
}

/// A wrong, used or voided code (or no such user): counted in the throttle
/// and on the account's activity, answered the same way in every case.
#[cfg(feature = "ssr")]
async fn refuse_code(
    state: &crate::state::AppState,
    address: Option<std::net::IpAddr>,
    username: &crate::domain::Username,
    account: Option<&crate::users::Credentials>,
) -> ApiError {
    if let Err(error) = state
        .throttle
        .record_failure(address, username.as_str())
        .await
    {
        return error.into();
    }
    if let Some(account) = account {
        let how = "wrong or used recovery code";
        super::login::record_failed_sign_in(state, account.user.id, how).await;
    }
    tracing::info!(%username, ?address, "recovery refused: no such username and code");
    ApiError::InvalidRecoveryCode
}

/// `POST /api/reset_password` `{"new_password"}` with a token of a session
/// that signed in with a recovery code (recently) → a fresh
/// `{"token","user"}`: the password is replaced without the current one,
/// and every other session ends, as after a password change. Any other
/// session is 403 `not_a_recovery_session`.
#[server(prefix = "/api", endpoint = "reset_password", input = Json, output = Json, client = AuthClient)]
pub async fn reset_password(new_password: String) -> Result<LoginResponse, ApiError> {
    use crate::{auth::SignIn, domain::SignInMethod, state::AppState};

    let state = AppState::from_context()?;
    let auth = state.recently_authenticated().await?;
    if auth.claims().amr != SignInMethod::RecoveryCode {
        return Err(ApiError::NotARecoverySession);
    }
    let user = auth.user().clone();
    let new =
        super::new_password::chosen(&new_password, (&user.username, &user.name), "new_password")
            .await?;
    let hash = state.passwords.clone().hash_off_thread(new).await?;
    let version = state
        .users
        .change_password(user.id, &hash)
        .await?
        .ok_or(ApiError::InvalidToken)?;
    let sessions = state.refresh.end_all(user.id).await?;
    tracing::info!(user = %user.id, sessions, "password reset after a recovery code; every session ended");
    state
        .activity
        .record(user.id, crate::domain::ActivityKind::PasswordReset, "")
        .await;
    let holder = crate::users::CurrentUser {
        user,
        token_version: version,
        is_admin: auth.is_admin_in_database(),
    };
    let login = SignIn::now(SignInMethod::RecoveryCode, auth.bound_key());
    super::login::start_session(&state, holder, login).await
}

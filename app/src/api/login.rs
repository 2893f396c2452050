use crate::error::ApiError;
use crate::{client::LoginClient, wire::LoginResponse};
use leptos::{prelude::*, server_fn::codec::Json};

/// A new login on this device (the request's): an access token for
/// `holder`, and a refresh family (the session) whose first token goes
/// into this answer's cookie; both say how `login` was made and carry
/// its DPoP key, if any.
#[cfg(feature = "ssr")]
pub async fn start_session(
    state: &crate::state::AppState,
    holder: crate::users::CurrentUser,
    login: crate::auth::SignIn,
) -> Result<LoginResponse, ApiError> {
    let device = state.request_device();
    let grant = state.refresh.start(holder.user.id, login, &device).await?;
    super::response::set_cookie(state.refresh.cookie(&grant));
    tracing::info!(user = %holder.user.id, family = %grant.family.id, bound = grant.login.jkt.is_some(), method = ?grant.login.method, "login started");
    issue_access_token(state, holder, &grant.login, &grant.family.id)
}

/// Signs an access token of `login` in session `sid` for `holder`.
#[cfg(feature = "ssr")]
pub fn issue_access_token(
    state: &crate::state::AppState,
    holder: crate::users::CurrentUser,
    login: &crate::auth::SignIn,
    sid: &str,
) -> Result<LoginResponse, ApiError> {
    let token_type = match login.jkt {
        Some(_) => crate::wire::TokenType::Dpop,
        None => crate::wire::TokenType::Bearer,
    };
    let (token, claims) = state.tokens.issue_for(&holder, login, sid)?;
    tracing::info!(user = %claims.sub, jti = %claims.jti, admin = claims.admin, ?token_type, "token issued");
    Ok(LoginResponse {
        token,
        token_type,
        user: holder.user,
    })
}

/// 429 while `address` or `username` has failed to sign in too often: a
/// login, a recovery code and a confirmation share the counters. `what`
/// names the attempt in the log.
#[cfg(feature = "ssr")]
pub async fn refuse_if_throttled(
    state: &crate::state::AppState,
    address: Option<std::net::IpAddr>,
    username: &crate::domain::Username,
    what: &str,
) -> Result<(), ApiError> {
    let Some(wait) = state
        .throttle
        .blocked_for(address, username.as_str())
        .await?
    else {
        return Ok(());
    };
    tracing::warn!(%username, ?address, what, "throttled after repeated failures");
    metrics::counter!("photo_spots_logins_total", "outcome" => "throttled").increment(1);
    Err(ApiError::TooManyAttempts {
        retry_after_secs: wait.as_secs().max(1),
    })
}

/// Tells `user`'s security activity that they signed in by `method`, from
/// the device of the request being served.
#[cfg(feature = "ssr")]
pub async fn record_sign_in(
    state: &crate::state::AppState,
    user: crate::domain::UserId,
    method: crate::domain::SignInMethod,
) {
    let detail = format!(
        "{}, with {}",
        state.request_device().describe(),
        method.describe()
    );
    state
        .activity
        .record(user, crate::domain::ActivityKind::SignedIn, &detail)
        .await;
}

/// Tells `user`'s security activity that somebody failed to sign in as
/// them, from the network of the request being served.
#[cfg(feature = "ssr")]
pub async fn record_failed_sign_in(
    state: &crate::state::AppState,
    user: crate::domain::UserId,
    how: &str,
) {
    let detail = format!("{how}, {}", state.request_device().describe());
    state
        .activity
        .record(user, crate::domain::ActivityKind::SignInFailed, &detail)
        .await;
}

/// The DPoP proof a login carries, checked for this request but not spent
/// ([`spend_login_proof`] does that once the credentials are good); `None`
/// when it carried none (a bearer login, unless the service requires DPoP).
/// Server functions only: it reads the request from the context.
#[cfg(feature = "ssr")]
pub fn login_proof(
    state: &crate::state::AppState,
) -> Result<Option<crate::auth::dpop::UnspentProof>, ApiError> {
    let parts = leptos::prelude::use_context::<axum::http::request::Parts>().ok_or_else(|| {
        tracing::error!("request parts missing from the server function context");
        ApiError::Internal
    })?;
    login_proof_of(state, &parts)
}

/// As [`login_proof`], for a request's `parts`.
#[cfg(feature = "ssr")]
pub fn login_proof_of(
    state: &crate::state::AppState,
    parts: &axum::http::request::Parts,
) -> Result<Option<crate::auth::dpop::UnspentProof>, ApiError> {
    let Some(proof) = crate::auth::single_proof(&parts.headers)? else {
        if state.dpop.required() {
            return Err(crate::error::DpopProblem::Required.into());
        }
        return Ok(None);
    };
    let path = parts.uri.path();
    let method = parts.method.as_str();
    let unspent = state
        .dpop
        .verify(Some(proof), method, path, None, None)
        .inspect_err(|error| tracing::info!(%error, "login's DPoP proof refused"))?;
    Ok(Some(unspent))
}

/// Spends a login's proof, once its credentials are good, and names the key
/// the login's tokens are bound to (`None` for a bearer login).
#[cfg(feature = "ssr")]
pub async fn spend_login_proof(
    state: &crate::state::AppState,
    proof: Option<crate::auth::dpop::UnspentProof>,
) -> Result<Option<String>, ApiError> {
    let Some(proof) = proof else {
        return Ok(None);
    };
    let spent = state
        .dpop
        .spend(proof)
        .await
        .inspect_err(|error| tracing::info!(%error, "login's DPoP proof refused"))?;
    Ok(Some(spent.jkt))
}

/// `POST /api/login` `{"username","password"}` → `{"token","user"}`.
///
/// An unknown username and a wrong password get the same answer (401) after
/// the same work (one argon2id verify), so the answer doesn't reveal which
/// usernames exist. Too many failures answer 429 before any hashing.
#[server(prefix = "/api", endpoint = "login", input = Json, output = Json, client = LoginClient)]
pub async fn login(username: String, password: String) -> Result<LoginResponse, ApiError> {
    use crate::{
        domain::{Password, Username},
        state::AppState,
    };

    let state = AppState::from_context()?;
    let username = Username::parse(&username)?;
    let password = Password::parse(&password)?;
    // Before the password is checked: a bad proof costs no hashing. It is
    // spent only if the password is right.
    let proof = login_proof(&state)?;
    let address = state.client_address();
    refuse_if_throttled(&state, address, &username, "login").await?;

    let credentials = state.users.find_credentials(&username).await?;
    let stored_hash = credentials.as_ref().and_then(|c| c.password_hash.clone());
    let verified = state
        .passwords
        .clone()
        .verify_off_thread(password, stored_hash)
        .await?;

    match credentials {
        Some(credentials) if verified && credentials.disabled => {
            // Said only to whoever knows the password: it is no help in
            // guessing which usernames exist.
            tracing::info!(%username, "login refused: the account is disabled");
            metrics::counter!("photo_spots_logins_total", "outcome" => "disabled").increment(1);
            Err(ApiError::AccountDisabled)
        }
        Some(credentials) if verified => {
            let jkt = spend_login_proof(&state, proof).await?;
            state.throttle.record_success(address).await?;
            metrics::counter!("photo_spots_logins_total", "outcome" => "ok").increment(1);
            let login = crate::auth::SignIn::password(jkt);
            record_sign_in(&state, credentials.user.id, login.method).await;
            start_session(&state, credentials.holder(), login).await
        }
        found => {
            if let Some(account) = found {
                record_failed_sign_in(&state, account.user.id, "wrong password").await;
            }
            state
                .throttle
                .record_failure(address, username.as_str())
                .await?;
            tracing::info!(%username, ?address, "login refused: wrong username or password");
            metrics::counter!("photo_spots_logins_total", "outcome" => "wrong_credentials")
                .increment(1);
            Err(ApiError::InvalidCredentials)
        }
    }
}

//! `POST /api/refresh` and `POST /api/refresh/logout`: the two endpoints
//! the refresh cookie is sent to (its `Path`).
//!
//! A cookie travels with every request the browser makes to its path, also
//! one a hostile page starts, so both endpoints also require a header only
//! script on our own origin can add (`CSRF_HEADER`, the page sends `1`): a cross-site form
//! can't set headers, and a cross-site `fetch` with one needs a CORS
//! preflight this server never grants. `SameSite=Strict` is the second
//! lock on the same door; `Sec-Fetch-Site: cross-site` the third.

use app::{
    auth::{dpop::UnspentProof, refresh::cookie, single_proof},
    error::{ApiError, DpopProblem},
    state::AppState,
    wire::{CSRF_HEADER, LoginResponse, REFRESH_LOGOUT_PATH, REFRESH_PATH},
};
use axum::{
    Json, Router,
    body::Body,
    extract::State,
    http::{HeaderMap, HeaderValue, Request, header::SET_COOKIE, request::Parts},
    response::{IntoResponse, Response},
    routing::post,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(REFRESH_PATH, post(refresh))
        .route(REFRESH_LOGOUT_PATH, post(logout))
}

/// No body, the cookie → `{"token","user"}` and a new cookie; the
/// presented refresh token is spent.
async fn refresh(State(state): State<AppState>, request: Request<Body>) -> Response {
    let (parts, _) = request.into_parts();
    match renew(&state, &parts).await {
        Ok((answer, cookie)) => ([(SET_COOKIE, cookie)], Json(answer)).into_response(),
        Err(error) => {
            let refused = error.ends_session();
            let mut response = error.into_response();
            if refused {
                // A dead cookie is of no use to keep sending.
                response
                    .headers_mut()
                    .insert(SET_COOKIE, state.refresh.clear_cookie());
            }
            response
        }
    }
}

async fn renew(state: &AppState, parts: &Parts) -> Result<(LoginResponse, HeaderValue), ApiError> {
    let headers = &parts.headers;
    require_same_site_script(headers)?;
    let presented = cookie::from_headers(headers).ok_or(ApiError::MissingRefreshToken)?;
    // A bound login is renewed only with a proof by its key (checked
    // against the family in the rotation); a bearer login stays bearer.
    let proof = single_proof(headers)?
        .map(|proof| {
            let path = parts.uri.path();
            state.dpop.verify(Some(proof), "POST", path, None, None)
        })
        .transpose()?;
    let grant = state
        .refresh
        .rotate(&presented, proof.as_ref().map(UnspentProof::jkt))
        .await?;
    // Spent only now that the refresh token was good: a made-up cookie
    // spends nothing. A replayed proof still ends here, with the presented
    // token already spent, as a reused refresh token would.
    if let Some(proof) = proof {
        state.dpop.spend(proof).await?;
    }
    if grant.login.jkt.is_none() && state.dpop.required() {
        return Err(DpopProblem::Required.into());
    }
    // The user as stored now: a rename, or admin rights taken away, shows
    // in the new access token.
    let holder = state
        .users
        .current_user(grant.family.user)
        .await?
        .ok_or(ApiError::InvalidRefreshToken)?;
    let answer = app::api::issue_access_token(state, holder, &grant.login, &grant.family.id)?;
    Ok((answer, state.refresh.cookie(&grant)))
}

/// The cookie → `null`: this device's login ends (its refresh family is
/// revoked) and the cookie is cleared. Answers the same with no cookie,
/// so logging out twice is not an error.
async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Err(error) = require_same_site_script(&headers) {
        return error.into_response();
    }
    if let Some(presented) = cookie::from_headers(&headers) {
        match state.refresh.end(&presented).await {
            Ok(Some(family)) => {
                tracing::info!(user = %family.user, family = %family.id, "logged out");
            }
            Ok(None) => {}
            Err(error) => return error.into_response(),
        }
    }
    ([(SET_COOKIE, state.refresh.clear_cookie())], Json(())).into_response()
}

fn require_same_site_script(headers: &HeaderMap) -> Result<(), ApiError> {
    let cross_site = headers
        .get("sec-fetch-site")
        .is_some_and(|site| site.as_bytes() == b"cross-site");
    if cross_site || !headers.contains_key(CSRF_HEADER) {
        return Err(ApiError::CsrfHeaderMissing);
    }
    Ok(())
}

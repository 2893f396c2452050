//! An [`ApiError`] as an axum answer: its status, the JSON body, and the
//! headers that tell a client what to do (`WWW-Authenticate`, `Retry-After`).

use super::{ApiError, DpopProblem, Outage};
use axum::{
    Json,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

/// What a refused bearer token gets, per RFC 6750. The browser client looks
/// for this challenge to tell "your session is over" apart from "wrong password".
const INVALID_TOKEN_CHALLENGE: &str = r#"Bearer realm="photo-spots", error="invalid_token""#;
/// An expired token is also `invalid_token` (RFC 6750); the description
/// tells the browser client that renewing it may help.
const EXPIRED_TOKEN_CHALLENGE: &str = r#"Bearer realm="photo-spots", error="invalid_token", error_description="The access token expired""#;
const LOGIN_CHALLENGE: &str = r#"Bearer realm="photo-spots""#;
/// Sent beside the bearer challenges: this server also takes DPoP-bound
/// tokens, with ES256 proofs (RFC 9449 §7.1).
const DPOP_CHALLENGE: &str = r#"DPoP algs="ES256""#;

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let retry_after = match self {
            ApiError::TooManyAttempts { retry_after_secs } => Some(retry_after_secs),
            ApiError::Unavailable(_) => Some(Outage::RETRY_AFTER_SECS),
            _ => None,
        };
        let challenges: Vec<String> = match self {
            ApiError::MissingToken => vec![LOGIN_CHALLENGE.into(), DPOP_CHALLENGE.into()],
            ApiError::InvalidToken => vec![INVALID_TOKEN_CHALLENGE.into(), DPOP_CHALLENGE.into()],
            ApiError::ExpiredToken => vec![EXPIRED_TOKEN_CHALLENGE.into(), DPOP_CHALLENGE.into()],
            ApiError::Dpop(problem) => vec![dpop_challenge(problem)],
            ApiError::StepUpRequired { max_age_secs, dpop } => {
                vec![step_up_challenge(max_age_secs, dpop, &self.to_string())]
            }
            _ => vec![],
        };
        let mut response = (status, Json(self)).into_response();
        for challenge in challenges {
            if let Ok(value) = HeaderValue::from_str(&challenge) {
                response
                    .headers_mut()
                    .append(header::WWW_AUTHENTICATE, value);
            }
        }
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// `DPoP error="invalid_dpop_proof", error_description="…", algs="ES256"`.
fn dpop_challenge(problem: DpopProblem) -> String {
    let description = problem.to_string().replace('"', "'");
    format!(
        r#"DPoP error="{}", error_description="{description}", algs="ES256""#,
        problem.oauth_error()
    )
}

/// RFC 9470 §3, in the scheme the token was presented with:
/// `Bearer error="insufficient_user_authentication", error_description="…", max_age="600"`.
fn step_up_challenge(max_age_secs: u64, dpop: bool, description: &str) -> String {
    let scheme = if dpop { "DPoP" } else { "Bearer" };
    let description = description.replace('"', "'");
    format!(
        r#"{scheme} error="insufficient_user_authentication", error_description="{description}", max_age="{max_age_secs}""#
    )
}

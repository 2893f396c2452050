//! Every way a call can fail, as the caller sees it: the one error type of
//! the JSON API and server functions, its HTTP status and its wire shape. A
//! leaf: it imports nothing from the crate, and every module may import it
//! (each source error converts into it where that error is defined).

use serde::{Deserialize, Serialize};
use thiserror::Error;

#[cfg(feature = "axum")]
mod axum;
#[cfg(feature = "server-fn")]
mod server_fn;
#[cfg(feature = "sqlx")]
mod sqlx;

#[cfg(feature = "sqlx")]
pub use sqlx::is_outage;

/// Every way an API call can fail, as the client sees it.
///
/// On the wire: `{"error":"invalid_token","message":"…"}` (plus `"field"` for
/// validation errors), with the HTTP status from [`ApiError::status`]. The
/// messages are for people and never contain internals.
#[derive(Clone, Debug, Error, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "WireError", from = "WireError")]
pub enum ApiError {
    #[error("Wrong username or password.")]
    InvalidCredentials,
    /// An unknown username, or a code that is not one of theirs or was used.
    #[error("That username and recovery code don't match, or the code was used already.")]
    InvalidRecoveryCode,
    /// `POST /api/reset_password` from a session that did not sign in with
    /// a recovery code.
    #[error("Setting a new password without the current one needs a sign-in with a recovery code.")]
    NotARecoverySession,
    /// A recovery link that is unknown, used, expired or replaced by a newer one.
    #[error(
        "This recovery link can't be used: it expired (links work for 15 minutes), was used already, or a newer one was made. Please ask support for a new one."
    )]
    InvalidRecoveryLink,
    #[error("Please log in first.")]
    MissingToken,
    #[error("Your session is no longer valid. Please log in again.")]
    InvalidToken,
    #[error("Your session has expired. Please log in again.")]
    ExpiredToken,
    /// `POST /api/refresh` without a refresh cookie.
    #[error("There is no log-in to renew on this device. Please log in.")]
    MissingRefreshToken,
    /// The refresh token was spent, revoked, expired or never issued.
    #[error("Your session is no longer valid. Please log in again.")]
    InvalidRefreshToken,
    /// A DPoP-bound token without a good proof, or a proof refused (RFC 9449);
    /// the problem says which check failed.
    #[error("{0}")]
    Dpop(DpopProblem),
    /// A cookie-authenticated call without the header only our own pages send.
    #[error(
        "This call must carry the X-Photo-Spots-CSRF header, which Photo Spots' own pages send."
    )]
    CsrfHeaderMissing,
    #[error("Your current password is not right.")]
    WrongPassword,
    #[error("That username is taken. Please choose another.")]
    UsernameTaken,
    #[error("Too many failed attempts. Please wait {retry_after_secs} seconds and try again.")]
    TooManyAttempts { retry_after_secs: u64 },
    #[error("{message}")]
    Validation { field: String, message: String },
    #[error("{0}")]
    BadRequest(String),
    #[error("There is no API endpoint at this path.")]
    NotFound,
    #[error("There is no photo spot with that name.")]
    NoSuchSpot,
    #[error("A spot with that slug already exists. Please choose another.")]
    SlugTaken,
    #[error("This is for admins only.")]
    Forbidden,
    /// The password (or passkey) was right, but an operator disabled the account.
    #[error("This account is disabled. Please contact support to have it enabled again.")]
    AccountDisabled,
    /// An admin signed in with a password where admin calls need a passkey.
    #[error("The admin area needs a passkey sign-in. Log out, then sign in with your passkey.")]
    PasskeyRequired,
    #[error("Photos can be at most {max_mb} MB.")]
    PhotoTooLarge { max_mb: u32 },
    #[error(
        "Passkeys work only where Photo Spots is reached by a name such as localhost, not by an IP address."
    )]
    PasskeysUnavailable,
    #[error("The request timed out, try again.")]
    PasskeyRequestExpired,
    #[error(
        "This passkey is not registered here. Log in with your password, then add it on your profile."
    )]
    PasskeyNotRegistered,
    #[error("The passkey could not be verified. Please try again.")]
    PasskeyRefused,
    #[error("This passkey is registered here already.")]
    PasskeyAlreadyRegistered,
    #[error("There is no such passkey on your account.")]
    NoSuchPasskey,
    #[error("There is no such session on your account. It may have ended already.")]
    NoSuchSession,
    /// A sensitive call with a sign-in older than the step-up window
    /// (RFC 9470 `insufficient_user_authentication`): the person must
    /// confirm who they are (`POST /api/reauth`) and call again. `dpop`
    /// says which scheme the challenge names (the token's own); it is not
    /// on the wire.
    #[error("Please confirm it's you: enter your password or use your passkey, then try again.")]
    StepUpRequired { max_age_secs: u64, dpop: bool },
    /// Removing this (a passkey, or the password) would leave the account
    /// with no way to sign in.
    #[error(
        "That is your only way to sign in. Add another passkey or set a password first, then remove it."
    )]
    LastSignInMethod,
    #[error(
        "Your account has no password: you sign in with your passkeys. You can set one on your profile."
    )]
    NoPassword,
    #[error("Your account has a password already. Change it with your current password.")]
    PasswordAlreadySet,
    /// Only made in the browser: the person cancelled the passkey dialog,
    /// it timed out, or their device could not verify them.
    #[error(
        "The passkey was not used: cancelled, timed out, or your device could not verify you. Please try again."
    )]
    PasskeyCancelled,
    /// Only made in the browser: it has no WebAuthn.
    #[error("This browser can't use passkeys. Log in with your password.")]
    PasskeysUnsupported,
    #[error("This endpoint does not answer that HTTP method.")]
    MethodNotAllowed,
    #[error("The request is too large.")]
    TooLarge,
    #[error("The request headers are too large.")]
    HeadersTooLarge,
    /// The body did not arrive within the server's time limit (a stalled
    /// or deliberately slow client).
    #[error("The request took too long to arrive. Please try again.")]
    RequestTimeout,
    /// Something the answer needs is down for now; the answer says what,
    /// and `Retry-After` when to try again.
    #[error("{0}")]
    Unavailable(Outage),
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
    /// Only made in the browser: the request never got an answer.
    #[error("Could not reach Photo Spots. Check your connection and try again.")]
    Network,
}

/// What is down when the answer is 503 `unavailable`: on the wire as
/// `"outage"`, so a person is told what failed.
#[derive(Clone, Copy, Debug, Default, Error, PartialEq, Eq)]
pub enum Outage {
    #[default]
    #[error("Photo Spots can't reach its database right now. Please try again in a few seconds.")]
    Database,
    #[error("This service can't check log-ins right now. Please try again in a few seconds.")]
    SigningKeys,
    #[error("Photos can't be processed right now. Please try again in a few seconds.")]
    PhotoProcessing,
}

/// Why a sender-constrained (DPoP) call was refused: on the wire as
/// `"dpop"`, and as the challenge's `error_description`.
#[derive(Clone, Copy, Debug, Error, PartialEq, Eq)]
pub enum DpopProblem {
    #[error(
        "This token is bound to a key (DPoP): send it as 'Authorization: DPoP' with a DPoP proof."
    )]
    Missing,
    #[error("The DPoP proof is not a valid ES256 proof signed by the public key in its header.")]
    Invalid,
    #[error("The DPoP proof's key includes private parameters; send only the public key.")]
    PrivateKey,
    #[error("The DPoP proof was made for another request (method or URL).")]
    WrongRequest,
    #[error("The DPoP proof is too old or dated in the future. Check this device's clock.")]
    Stale,
    #[error("The DPoP proof was made for another access token.")]
    WrongToken,
    #[error("The DPoP proof was signed by another key than the one this token is bound to.")]
    WrongKey,
    #[error("This DPoP proof was used before; every call needs a new one.")]
    Replayed,
    #[error("A DPoP token must be sent as 'Authorization: DPoP', not as a bearer token.")]
    BoundTokenAsBearer,
    #[error("This token is not bound to a key; send it as a bearer token.")]
    UnboundTokenAsDpop,
    #[error("This service accepts only sender-constrained tokens: log in with a DPoP proof.")]
    Required,
}

impl DpopProblem {
    const ALL: [Self; 11] = [
        Self::Missing,
        Self::Invalid,
        Self::PrivateKey,
        Self::WrongRequest,
        Self::Stale,
        Self::WrongToken,
        Self::WrongKey,
        Self::Replayed,
        Self::BoundTokenAsBearer,
        Self::UnboundTokenAsDpop,
        Self::Required,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Missing => "missing",
            Self::Invalid => "invalid",
            Self::PrivateKey => "private_key",
            Self::WrongRequest => "wrong_request",
            Self::Stale => "stale",
            Self::WrongToken => "wrong_token",
            Self::WrongKey => "wrong_key",
            Self::Replayed => "replayed",
            Self::BoundTokenAsBearer => "bound_token_as_bearer",
            Self::UnboundTokenAsDpop => "unbound_token_as_dpop",
            Self::Required => "required",
        }
    }

    fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|problem| problem.code() == code)
    }

    /// RFC 9449 §7.1: a problem with the token itself is `invalid_token`,
    /// one with the proof `invalid_dpop_proof`.
    pub fn oauth_error(self) -> &'static str {
        if self.is_about_the_token() {
            "invalid_token"
        } else {
            "invalid_dpop_proof"
        }
    }

    fn is_about_the_token(self) -> bool {
        matches!(
            self,
            Self::BoundTokenAsBearer | Self::UnboundTokenAsDpop | Self::Required
        )
    }
}

impl Outage {
    /// How long a caller should wait before trying again (`Retry-After`).
    pub const RETRY_AFTER_SECS: u64 = 5;

    fn code(self) -> &'static str {
        match self {
            Self::Database => "database",
            Self::SigningKeys => "signing_keys",
            Self::PhotoProcessing => "photo_processing",
        }
    }

    fn from_code(code: &str) -> Option<Self> {
        [Self::Database, Self::SigningKeys, Self::PhotoProcessing]
            .into_iter()
            .find(|outage| outage.code() == code)
    }
}

impl ApiError {
    /// The HTTP status for each error (from [`Self::describe`]).
    pub fn status(&self) -> u16 {
        self.describe().1
    }

    /// Whether the caller's token was refused, so the client should drop it.
    pub fn ends_session(&self) -> bool {
        matches!(
            self,
            Self::MissingToken
                | Self::InvalidToken
                | Self::ExpiredToken
                | Self::MissingRefreshToken
                | Self::InvalidRefreshToken
                | Self::Dpop(_)
        )
    }

    /// The `error` member of the wire shape (from [`Self::describe`]).
    fn code(&self) -> ErrorCode {
        self.describe().0
    }

    /// The wire code and the HTTP status of each error: the one table of
    /// both (the compiler checks that no variant is missing; the text of each
    /// code comes from [`ErrorCode`]'s name).
    fn describe(&self) -> (ErrorCode, u16) {
        match self {
            Self::InvalidCredentials => (ErrorCode::InvalidCredentials, 401),
            Self::InvalidRecoveryCode => (ErrorCode::InvalidRecoveryCode, 401),
            Self::NotARecoverySession => (ErrorCode::NotARecoverySession, 403),
            Self::InvalidRecoveryLink => (ErrorCode::InvalidRecoveryLink, 410),
            Self::MissingToken => (ErrorCode::MissingToken, 401),
            Self::InvalidToken => (ErrorCode::InvalidToken, 401),
            Self::ExpiredToken => (ErrorCode::ExpiredToken, 401),
            Self::MissingRefreshToken => (ErrorCode::MissingRefreshToken, 401),
            Self::InvalidRefreshToken => (ErrorCode::InvalidRefreshToken, 401),
            Self::Dpop(problem) if problem.is_about_the_token() => (ErrorCode::InvalidToken, 401),
            Self::Dpop(_) => (ErrorCode::InvalidDpopProof, 401),
            Self::CsrfHeaderMissing => (ErrorCode::CsrfHeaderMissing, 403),
            Self::WrongPassword => (ErrorCode::WrongPassword, 403),
            Self::UsernameTaken => (ErrorCode::UsernameTaken, 409),
            Self::TooManyAttempts { .. } => (ErrorCode::TooManyAttempts, 429),
            Self::Validation { .. } => (ErrorCode::Validation, 422),
            Self::BadRequest(_) => (ErrorCode::BadRequest, 400),
            Self::NotFound => (ErrorCode::NotFound, 404),
            Self::NoSuchSpot => (ErrorCode::NoSuchSpot, 404),
            Self::SlugTaken => (ErrorCode::SlugTaken, 409),
            Self::Forbidden => (ErrorCode::Forbidden, 403),
            Self::AccountDisabled => (ErrorCode::AccountDisabled, 403),
            Self::PasskeyRequired => (ErrorCode::PasskeyRequired, 403),
            Self::PhotoTooLarge { .. } => (ErrorCode::PhotoTooLarge, 413),
            Self::PasskeysUnavailable => (ErrorCode::PasskeysUnavailable, 503),
            Self::PasskeyRequestExpired => (ErrorCode::PasskeyRequestExpired, 400),
            Self::PasskeyNotRegistered => (ErrorCode::PasskeyNotRegistered, 401),
            Self::PasskeyRefused => (ErrorCode::PasskeyRefused, 401),
            Self::PasskeyAlreadyRegistered => (ErrorCode::PasskeyAlreadyRegistered, 409),
            Self::NoSuchPasskey => (ErrorCode::NoSuchPasskey, 404),
            Self::NoSuchSession => (ErrorCode::NoSuchSession, 404),
            Self::StepUpRequired { .. } => (ErrorCode::InsufficientUserAuthentication, 401),
            Self::LastSignInMethod => (ErrorCode::LastSignInMethod, 409),
            Self::NoPassword => (ErrorCode::NoPassword, 409),
            Self::PasswordAlreadySet => (ErrorCode::PasswordAlreadySet, 409),
            Self::PasskeyCancelled => (ErrorCode::PasskeyCancelled, 400),
            Self::PasskeysUnsupported => (ErrorCode::PasskeysUnsupported, 400),
            Self::MethodNotAllowed => (ErrorCode::MethodNotAllowed, 405),
            Self::TooLarge => (ErrorCode::TooLarge, 413),
            Self::HeadersTooLarge => (ErrorCode::HeadersTooLarge, 431),
            Self::RequestTimeout => (ErrorCode::RequestTimeout, 408),
            Self::Unavailable(_) => (ErrorCode::Unavailable, 503),
            Self::Internal => (ErrorCode::Internal, 500),
            Self::Network => (ErrorCode::Network, 503),
        }
    }
}

/// Every `error` code on the wire, named by serde from the variant
/// (`InvalidCredentials` → `"invalid_credentials"`): the one list of codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum ErrorCode {
    InvalidCredentials,
    InvalidRecoveryCode,
    NotARecoverySession,
    InvalidRecoveryLink,
    MissingToken,
    InvalidToken,
    ExpiredToken,
    MissingRefreshToken,
    InvalidRefreshToken,
    /// RFC 9449 §7.1: a DPoP proof was refused.
    InvalidDpopProof,
    CsrfHeaderMissing,
    WrongPassword,
    UsernameTaken,
    TooManyAttempts,
    Validation,
    BadRequest,
    NotFound,
    NoSuchSpot,
    SlugTaken,
    Forbidden,
    AccountDisabled,
    PasskeyRequired,
    PhotoTooLarge,
    PasskeysUnavailable,
    PasskeyRequestExpired,
    PasskeyNotRegistered,
    PasskeyRefused,
    PasskeyAlreadyRegistered,
    NoSuchPasskey,
    NoSuchSession,
    /// RFC 9470 §3: the sign-in is too old for this call.
    InsufficientUserAuthentication,
    LastSignInMethod,
    NoPassword,
    PasswordAlreadySet,
    PasskeyCancelled,
    PasskeysUnsupported,
    MethodNotAllowed,
    TooLarge,
    HeadersTooLarge,
    RequestTimeout,
    Unavailable,
    Internal,
    Network,
}

impl From<DpopProblem> for ApiError {
    fn from(problem: DpopProblem) -> Self {
        Self::Dpop(problem)
    }
}

/// The JSON shape of an error.
#[derive(Serialize, Deserialize)]
struct WireError {
    error: ErrorCode,
    message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    field: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    retry_after: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    max_mb: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    outage: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    dpop: Option<String>,
    /// Seconds: how recent a sign-in the call needs (RFC 9470 `max_age`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    max_age: Option<u64>,
}

impl From<ApiError> for WireError {
    fn from(error: ApiError) -> Self {
        let field = match &error {
            ApiError::Validation { field, .. } => Some(field.clone()),
            _ => None,
        };
        let retry_after = match &error {
            ApiError::TooManyAttempts { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        };
        let max_mb = match &error {
            ApiError::PhotoTooLarge { max_mb } => Some(*max_mb),
            _ => None,
        };
        let outage = match &error {
            ApiError::Unavailable(outage) => Some(outage.code().to_owned()),
            _ => None,
        };
        let dpop = match &error {
            ApiError::Dpop(problem) => Some(problem.code().to_owned()),
            _ => None,
        };
        let max_age = match &error {
            ApiError::StepUpRequired { max_age_secs, .. } => Some(*max_age_secs),
            _ => None,
        };
        Self {
            max_mb,
            outage,
            dpop,
            max_age,
            error: error.code(),
            message: error.to_string(),
            field,
            retry_after,
        }
    }
}

impl From<WireError> for ApiError {
    fn from(wire: WireError) -> Self {
        match wire.error {
            ErrorCode::InvalidCredentials => Self::InvalidCredentials,
            ErrorCode::InvalidRecoveryCode => Self::InvalidRecoveryCode,
            ErrorCode::NotARecoverySession => Self::NotARecoverySession,
            ErrorCode::InvalidRecoveryLink => Self::InvalidRecoveryLink,
            ErrorCode::MissingToken => Self::MissingToken,
            ErrorCode::InvalidToken | ErrorCode::InvalidDpopProof if wire.dpop.is_some() => {
                Self::Dpop(
                    wire.dpop
                        .as_deref()
                        .and_then(DpopProblem::from_code)
                        .unwrap_or(DpopProblem::Invalid),
                )
            }
            ErrorCode::InvalidToken => Self::InvalidToken,
            ErrorCode::InvalidDpopProof => Self::Dpop(DpopProblem::Invalid),
            ErrorCode::ExpiredToken => Self::ExpiredToken,
            ErrorCode::MissingRefreshToken => Self::MissingRefreshToken,
            ErrorCode::InvalidRefreshToken => Self::InvalidRefreshToken,
            ErrorCode::CsrfHeaderMissing => Self::CsrfHeaderMissing,
            ErrorCode::WrongPassword => Self::WrongPassword,
            ErrorCode::UsernameTaken => Self::UsernameTaken,
            ErrorCode::TooManyAttempts => Self::TooManyAttempts {
                retry_after_secs: wire.retry_after.unwrap_or_default(),
            },
            ErrorCode::Validation => Self::Validation {
                field: wire.field.unwrap_or_default(),
                message: wire.message,
            },
            ErrorCode::BadRequest => Self::BadRequest(wire.message),
            ErrorCode::NotFound => Self::NotFound,
            ErrorCode::NoSuchSpot => Self::NoSuchSpot,
            ErrorCode::SlugTaken => Self::SlugTaken,
            ErrorCode::Forbidden => Self::Forbidden,
            ErrorCode::AccountDisabled => Self::AccountDisabled,
            ErrorCode::PasskeyRequired => Self::PasskeyRequired,
            ErrorCode::PhotoTooLarge => Self::PhotoTooLarge {
                max_mb: wire.max_mb.unwrap_or_default(),
            },
            ErrorCode::PasskeysUnavailable => Self::PasskeysUnavailable,
            ErrorCode::PasskeyRequestExpired => Self::PasskeyRequestExpired,
            ErrorCode::PasskeyNotRegistered => Self::PasskeyNotRegistered,
            ErrorCode::PasskeyRefused => Self::PasskeyRefused,
            ErrorCode::PasskeyAlreadyRegistered => Self::PasskeyAlreadyRegistered,
            ErrorCode::NoSuchPasskey => Self::NoSuchPasskey,
            ErrorCode::NoSuchSession => Self::NoSuchSession,
            ErrorCode::InsufficientUserAuthentication => Self::StepUpRequired {
                max_age_secs: wire.max_age.unwrap_or_default(),
                dpop: false,
            },
            ErrorCode::LastSignInMethod => Self::LastSignInMethod,
            ErrorCode::NoPassword => Self::NoPassword,
            ErrorCode::PasswordAlreadySet => Self::PasswordAlreadySet,
            ErrorCode::PasskeyCancelled => Self::PasskeyCancelled,
            ErrorCode::PasskeysUnsupported => Self::PasskeysUnsupported,
            ErrorCode::MethodNotAllowed => Self::MethodNotAllowed,
            ErrorCode::TooLarge => Self::TooLarge,
            ErrorCode::HeadersTooLarge => Self::HeadersTooLarge,
            ErrorCode::RequestTimeout => Self::RequestTimeout,
            ErrorCode::Unavailable => Self::Unavailable(
                wire.outage
                    .as_deref()
                    .and_then(Outage::from_code)
                    .unwrap_or_default(),
            ),
            ErrorCode::Internal => Self::Internal,
            ErrorCode::Network => Self::Network,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_round_trip_through_json() {
        let all = [
            ApiError::InvalidCredentials,
            ApiError::InvalidRecoveryCode,
            ApiError::NotARecoverySession,
            ApiError::InvalidRecoveryLink,
            ApiError::MissingToken,
            ApiError::InvalidToken,
            ApiError::ExpiredToken,
            ApiError::MissingRefreshToken,
            ApiError::InvalidRefreshToken,
            ApiError::CsrfHeaderMissing,
            ApiError::Validation {
                field: "name".into(),
                message: "Name can't be empty.".into(),
            },
            ApiError::BadRequest("nope".into()),
            ApiError::NotFound,
            ApiError::NoSuchSpot,
            ApiError::SlugTaken,
            ApiError::Forbidden,
            ApiError::AccountDisabled,
            ApiError::PasskeyRequired,
            ApiError::PhotoTooLarge { max_mb: 10 },
            ApiError::TooLarge,
            ApiError::MethodNotAllowed,
            ApiError::HeadersTooLarge,
            ApiError::RequestTimeout,
            ApiError::Unavailable(Outage::Database),
            ApiError::Unavailable(Outage::SigningKeys),
            ApiError::Unavailable(Outage::PhotoProcessing),
            ApiError::WrongPassword,
            ApiError::UsernameTaken,
            ApiError::TooManyAttempts {
                retry_after_secs: 42,
            },
            ApiError::PasskeysUnavailable,
            ApiError::PasskeyRequestExpired,
            ApiError::PasskeyNotRegistered,
            ApiError::PasskeyRefused,
            ApiError::PasskeyAlreadyRegistered,
            ApiError::NoSuchPasskey,
            ApiError::NoSuchSession,
            ApiError::StepUpRequired {
                max_age_secs: 600,
                dpop: false,
            },
            ApiError::LastSignInMethod,
            ApiError::NoPassword,
            ApiError::PasswordAlreadySet,
            ApiError::PasskeyCancelled,
            ApiError::PasskeysUnsupported,
            ApiError::Internal,
            ApiError::Network,
        ];
        let dpop = DpopProblem::ALL.map(ApiError::Dpop);
        for error in all.into_iter().chain(dpop) {
            let json = serde_json::to_string(&error).unwrap();
            assert_eq!(
                serde_json::from_str::<ApiError>(&json).unwrap(),
                error,
                "{json}"
            );
        }
    }

    #[test]
    fn an_outage_says_what_failed() {
        let json = serde_json::to_value(ApiError::Unavailable(Outage::Database)).unwrap();
        assert_eq!(json["error"], "unavailable");
        assert_eq!(json["outage"], "database");
        let message = json["message"].as_str().unwrap();
        assert!(message.contains("database"), "{message}");
        assert!(!message.contains("log-in"), "{message}");
    }

    #[test]
    fn wire_shape_has_code_and_message() {
        let json = serde_json::to_value(ApiError::InvalidToken).unwrap();
        assert_eq!(json["error"], "invalid_token");
        assert_eq!(
            json["message"],
            "Your session is no longer valid. Please log in again."
        );
    }

    #[test]
    fn every_token_problem_is_401_and_ends_the_session() {
        for error in [
            ApiError::MissingToken,
            ApiError::InvalidToken,
            ApiError::ExpiredToken,
            ApiError::MissingRefreshToken,
            ApiError::InvalidRefreshToken,
        ] {
            assert_eq!(error.status(), 401);
            assert!(error.ends_session());
        }
        assert_eq!(ApiError::InvalidCredentials.status(), 401);
        assert!(!ApiError::InvalidCredentials.ends_session());
    }
}

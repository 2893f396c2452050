//! Security Event Tokens (RFC 8417): how the app tells the services that
//! trust its tokens that something happened to an account (it was deleted),
//! and how such a service checks what it is told.
//!
//! A SET is a JWT signed with the app's current signing key, the same key
//! the receivers already trust through the JWKS, so no new secret is
//! shared. It is not an access token and can't pass for one: its header
//! says `typ: secevent+jwt`, it has no `exp` (every access token check
//! requires one), and a receiver accepts nothing without `events`.
//! Receivers answer refusals with RFC 8935's error codes.

use super::{ISSUER, LEEWAY_SECONDS, TokenError, TokenService, keys::KeySet};
use crate::{clock::unix_now, domain::UserId, users::PendingEvent};
use jsonwebtoken::{
    Algorithm, Header, Validation, decode, decode_header, encode, errors::ErrorKind,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::sync::Arc;
use thiserror::Error;

pub use crate::users::outbox::ACCOUNT_PURGED;

/// The media type a SET is pushed with (RFC 8935 §2).
pub const MEDIA_TYPE: &str = "application/secevent+jwt";
/// The JOSE `typ` of a SET (RFC 8417 §2.3).
pub const TYP: &str = "secevent+jwt";
/// Longest SET a receiver reads.
pub const MAX_SET_BYTES: usize = 4096;

/// A SET's claims. `events` holds one event URI and its (empty) payload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SetClaims {
    pub iss: String,
    pub aud: String,
    pub iat: u64,
    pub jti: String,
    pub sub: String,
    pub events: Map<String, Value>,
}

impl SetClaims {
    /// The SET for `event`, for its receiver.
    pub fn of(event: &PendingEvent) -> Self {
        let mut events = Map::new();
        events.insert(event.event.clone(), Value::Object(Map::new()));
        Self {
            iss: ISSUER.to_owned(),
            aud: event.receiver.clone(),
            iat: event.occurred_at,
            jti: event.jti.clone(),
            sub: event.subject.to_string(),
            events,
        }
    }
}

impl TokenService {
    /// `claims` signed with the key ring's active key. Only public-key mode
    /// can: a SET signed with the shared secret would prove nothing the
    /// receiver could not have made itself, so receivers refuse HS256.
    pub fn sign_security_event(&self, claims: &SetClaims) -> Result<String, TokenError> {
        let ring = self.key_ring().ok_or_else(|| {
            TokenError::Signing("security events need a signing key pair, not JWT_SECRET".into())
        })?;
        let keys = ring.current();
        let mut header = Header::new(Algorithm::EdDSA);
        header.typ = Some(TYP.to_owned());
        header.kid = Some(keys.signing.kid().to_owned());
        encode(&header, claims, keys.signing.encoding_key())
            .map_err(|error| TokenError::Signing(error.to_string()))
    }
}

/// What a receiver understood from a valid SET.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceivedEvent {
    pub jti: String,
    pub subject: UserId,
    /// When the event happened (the SET's `iat`).
    pub occurred_at: u64,
    /// The event type's URI (one this crate knows: [`ACCOUNT_PURGED`]).
    pub event: &'static str,
}

/// Why a SET was refused, as RFC 8935 §2.3 names it: the error code goes
/// back to the transmitter with a description, and the receiver changes
/// nothing.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum SetRefusal {
    /// Not a SET we can read, or one that breaks a rule.
    #[error("{0}")]
    InvalidRequest(String),
    /// Not signed by a key the receiver trusts for SETs.
    #[error("{0}")]
    InvalidKey(String),
    /// Names a key the issuer does not publish (as far as the receiver
    /// knows: a rotation may have added it since it last looked).
    #[error("the SET is signed by a key the issuer does not publish")]
    UnknownKey,
    #[error("the SET is not from the issuer this service trusts")]
    InvalidIssuer,
    #[error("the SET is meant for another service")]
    InvalidAudience,
    /// The receiver has no keys yet (the issuer's JWKS not fetched): a
    /// transmitter should try again later.
    #[error("this service has not loaded the issuer's keys yet")]
    KeysUnavailable,
}

impl SetRefusal {
    /// The RFC 8935 error code (`err`).
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidRequest(_) => "invalid_request",
            Self::InvalidKey(_) | Self::UnknownKey | Self::KeysUnavailable => "invalid_key",
            Self::InvalidIssuer => "invalid_issuer",
            Self::InvalidAudience => "invalid_audience",
        }
    }

    fn request(text: &str) -> Self {
        Self::InvalidRequest(text.to_owned())
    }
}

/// Checks SETs for one receiver (`audience`) against the issuer's
/// published keys: EdDSA only, `typ` `secevent+jwt`, `iss`, `aud`, a fresh
/// enough `iat`, and exactly one event of a known type.
pub struct SetVerifier {
    keys: Arc<dyn KeySet>,
    validation: Validation,
}

impl SetVerifier {
    pub fn new(keys: Arc<dyn KeySet>, audience: &str) -> Self {
        // The algorithm comes from the key (Ed25519), never from the SET.
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["iss", "aud", "sub"]);
        // A SET reports a moment; it does not expire (RFC 8417 §2.2).
        validation.validate_exp = false;
        validation.leeway = LEEWAY_SECONDS;
        Self { keys, validation }
    }

    /// The event `set` reports, once every check has passed.
    pub fn verify(&self, set: &str) -> Result<ReceivedEvent, SetRefusal> {
        if set.len() > MAX_SET_BYTES {
            return Err(SetRefusal::request("The SET is too long."));
        }
        // `alg: none` and unknown algorithms fail here: jsonwebtoken knows
        // no unsigned algorithm.
        let header =
            decode_header(set).map_err(|_| SetRefusal::request("The body is not a signed JWT."))?;
        if !header.typ.as_deref().is_some_and(is_set_type) {
            return Err(SetRefusal::request(
                "The JWT is not a SET (typ secevent+jwt).",
            ));
        }
        if header.jwk.is_some()
            || header.jku.is_some()
            || header.x5u.is_some()
            || header.x5c.is_some()
            || header.crit.is_some()
        {
            return Err(SetRefusal::request(
                "The SET's header names its own key or critical extensions.",
            ));
        }
        if header.alg != Algorithm::EdDSA {
            return Err(SetRefusal::InvalidKey(format!(
                "SETs must be signed with EdDSA by a published key, not {:?}.",
                header.alg
            )));
        }
        let kid = header
            .kid
            .as_deref()
            .ok_or_else(|| SetRefusal::InvalidKey("The SET names no key (kid).".into()))?;
        let key = self.keys.find(kid).map_err(|error| match error {
            TokenError::KeysUnavailable => SetRefusal::KeysUnavailable,
            _ => SetRefusal::UnknownKey,
        })?;
        let claims = decode::<SetClaims>(set, &key, &self.validation)
            .map_err(|error| refusal(error.kind()))?
            .claims;
        event_of(claims)
    }
}

/// What the claims report, if it is one event of a known type about a
/// valid subject, at a time that has already come.
fn event_of(claims: SetClaims) -> Result<ReceivedEvent, SetRefusal> {
    if claims.iat > unix_now().saturating_add(LEEWAY_SECONDS) {
        return Err(SetRefusal::request(
            "The SET is issued in the future (iat).",
        ));
    }
    if claims.jti.is_empty() || claims.jti.len() > 100 {
        return Err(SetRefusal::request("The SET's jti is missing or too long."));
    }
    let subject = claims
        .sub
        .parse::<i64>()
        .ok()
        .and_then(|id| UserId::new(id).ok())
        .ok_or_else(|| SetRefusal::request("The SET's sub is not a user id."))?;
    let mut events = claims.events.keys();
    let event = match (events.next(), events.next()) {
        (Some(event), None) if event == ACCOUNT_PURGED => ACCOUNT_PURGED,
        (Some(_), None) => {
            return Err(SetRefusal::request(
                "The SET reports an event type this service does not know.",
            ));
        }
        _ => return Err(SetRefusal::request("A SET must report exactly one event.")),
    };
    Ok(ReceivedEvent {
        jti: claims.jti,
        subject,
        occurred_at: claims.iat,
        event,
    })
}

/// `secevent+jwt`, or its full media type (RFC 7515 §4.1.9 allows both).
fn is_set_type(typ: &str) -> bool {
    typ.eq_ignore_ascii_case(TYP) || typ.eq_ignore_ascii_case(MEDIA_TYPE)
}

fn refusal(kind: &ErrorKind) -> SetRefusal {
    match kind {
        ErrorKind::InvalidIssuer => SetRefusal::InvalidIssuer,
        ErrorKind::InvalidAudience => SetRefusal::InvalidAudience,
        ErrorKind::InvalidSignature | ErrorKind::InvalidAlgorithm => {
            SetRefusal::InvalidKey("The SET's signature does not verify.".into())
        }
        ErrorKind::ImmatureSignature => SetRefusal::request("The SET is not valid yet (nbf)."),
        _ => SetRefusal::request("The SET's claims are missing or malformed."),
    }
}

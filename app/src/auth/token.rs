use super::{AUDIENCE, Claims, ISSUER, JwtSecret};
use crate::domain::User;
use jsonwebtoken::{
    Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode, errors::ErrorKind,
};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use thiserror::Error;

/// The one algorithm Photo Spots signs with and accepts. Pinning it in the
/// `Validation` is what defeats `alg: none` and algorithm-confusion tokens.
const ALGORITHM: Algorithm = Algorithm::HS256;
/// Clock skew tolerated between the services that check a token.
const LEEWAY_SECONDS: u64 = 5;

/// Why a token was refused. The client is only told "log in again"; the
/// reason goes to the server log.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum TokenError {
    #[error("no bearer token in the Authorization header")]
    Missing,
    #[error("the Authorization header is not a bearer token")]
    Malformed,
    #[error("the token has expired")]
    Expired,
    #[error("the token is invalid: {0}")]
    Invalid(String),
    #[error("the token was revoked (password change or log out everywhere)")]
    Revoked,
    #[error("the token names a user who does not exist")]
    UnknownUser,
    #[error("could not sign a token: {0}")]
    Signing(String),
}

/// Issues and verifies Photo Spots tokens (HS256 JWTs).
///
/// Nothing per-token is stored: any service holding the same secret verifies
/// the same tokens, which is what makes single sign-on across services work.
pub struct TokenService {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl: Duration,
}

impl TokenService {
    pub fn new(secret: &JwtSecret, ttl: Duration) -> Self {
        let mut validation = Validation::new(ALGORITHM);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "sub", "iss", "aud"]);
        validation.leeway = LEEWAY_SECONDS;
        validation.validate_nbf = true;
        Self {
            encoding: EncodingKey::from_secret(secret.as_bytes()),
            decoding: DecodingKey::from_secret(secret.as_bytes()),
            validation,
            ttl,
        }
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// A signed token for `user` at token version `version`, valid for the
    /// configured lifetime from now.
    pub fn issue(&self, user: &User, version: u32) -> Result<(String, Claims), TokenError> {
        self.issue_at(user, version, unix_now())
    }

    /// As [`issue`](Self::issue), with "now" given (seconds since the epoch).
    pub fn issue_at(
        &self,
        user: &User,
        version: u32,
        now: u64,
    ) -> Result<(String, Claims), TokenError> {
        let claims = Claims {
            sub: user.id,
            name: user.name.clone(),
            admin: false,
            iat: now,
            exp: now.saturating_add(self.ttl.as_secs()),
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
            jti: random_token_id()?,
            ver: version,
        };
        let token = encode(&Header::new(ALGORITHM), &claims, &self.encoding)
            .map_err(|e| TokenError::Signing(e.to_string()))?;
        Ok((token, claims))
    }

    /// Checks the signature, the algorithm, `exp`, `nbf`, `iss` and `aud`, and
    /// only then returns the claims.
    pub fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => TokenError::Expired,
                kind => TokenError::Invalid(format!("{kind:?}")),
            })
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

fn random_token_id() -> Result<String, TokenError> {
    let mut bytes = [0u8; 16];
    getrandom::getrandom(&mut bytes).map_err(|e| TokenError::Signing(e.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{UserId, UserName, Username};
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
    use serde_json::{Value, json};

    const SECRET: &str = "a-test-secret-that-is-long-enough-for-hs256";

    fn service() -> TokenService {
        TokenService::new(&JwtSecret::new(SECRET).unwrap(), Duration::from_secs(3600))
    }

    fn john() -> User {
        User {
            id: UserId::new(120).unwrap(),
            username: Username::parse("john").unwrap(),
            name: UserName::parse("John").unwrap(),
        }
    }

    fn token_for_john() -> String {
        service().issue(&john(), 0).unwrap().0
    }

    /// Signs arbitrary claims with the test secret and the given algorithm.
    fn sign(alg: Algorithm, claims: &Value) -> String {
        encode(
            &Header::new(alg),
            claims,
            &EncodingKey::from_secret(SECRET.as_bytes()),
        )
        .unwrap()
    }

    fn valid_claims() -> Value {
        let now = unix_now();
        json!({"sub": "120", "name": "John", "admin": false, "iat": now, "exp": now + 600,
               "iss": ISSUER, "aud": AUDIENCE, "jti": "t", "ver": 0})
    }

    fn assert_refused(token: &str) {
        assert!(
            service().verify(token).is_err(),
            "token was accepted: {token}"
        );
    }

    #[test]
    fn issued_token_verifies_and_round_trips_the_claims() {
        let (token, issued) = service().issue(&john(), 0).unwrap();
        let verified = service().verify(&token).unwrap();
        assert_eq!(verified, issued);
        assert_eq!(verified.sub.get(), 120);
        assert_eq!(verified.name.as_str(), "John");
        assert_eq!(verified.exp - verified.iat, 3600);
        assert!(!verified.admin);
    }

    #[test]
    fn payload_is_readable_but_not_encrypted() {
        let token = token_for_john();
        let payload = token.split('.').nth(1).unwrap();
        let json: Value = serde_json::from_slice(&B64.decode(payload).unwrap()).unwrap();
        assert_eq!(json["sub"], "120");
        assert_eq!(json["name"], "John");
    }

    #[test]
    fn edited_payload_is_refused() {
        let token = token_for_john();
        let [header, _, signature]: [&str; 3] =
            token.split('.').collect::<Vec<_>>().try_into().unwrap();
        let mut claims = valid_claims();
        claims["sub"] = "121".into();
        claims["name"] = "Jack".into();
        let forged_payload = B64.encode(claims.to_string());
        assert_refused(&format!("{header}.{forged_payload}.{signature}"));
    }

    #[test]
    fn edited_signature_is_refused() {
        let token = token_for_john();
        let (head, signature) = token.rsplit_once('.').unwrap();
        let mut bytes = B64.decode(signature).unwrap();
        bytes[0] ^= 1;
        assert_refused(&format!("{head}.{}", B64.encode(bytes)));
        assert_refused(&format!("{head}."));
    }

    #[test]
    fn token_signed_with_another_key_is_refused() {
        let other = TokenService::new(
            &JwtSecret::new("another-secret-that-is-also-long-enough").unwrap(),
            Duration::from_secs(3600),
        );
        assert_refused(&other.issue(&john(), 0).unwrap().0);
    }

    #[test]
    fn unsigned_alg_none_token_is_refused() {
        for alg in ["none", "None", "NONE"] {
            let header = B64.encode(json!({"alg": alg, "typ": "JWT"}).to_string());
            let payload = B64.encode(valid_claims().to_string());
            assert_refused(&format!("{header}.{payload}."));
        }
    }

    #[test]
    fn other_hmac_algorithms_with_the_same_secret_are_refused() {
        assert!(
            service()
                .verify(&sign(Algorithm::HS256, &valid_claims()))
                .is_ok()
        );
        assert_refused(&sign(Algorithm::HS384, &valid_claims()));
        assert_refused(&sign(Algorithm::HS512, &valid_claims()));
    }

    #[test]
    fn expired_token_is_refused_as_expired() {
        let long_ago = unix_now() - 2 * 3600;
        let (token, _) = service().issue_at(&john(), 0, long_ago).unwrap();
        assert_eq!(service().verify(&token), Err(TokenError::Expired));
    }

    #[test]
    fn token_expired_within_the_leeway_is_still_accepted() {
        let mut claims = valid_claims();
        claims["exp"] = (unix_now() - 2).into();
        assert!(service().verify(&sign(Algorithm::HS256, &claims)).is_ok());
    }

    #[test]
    fn wrong_issuer_or_audience_is_refused() {
        for (claim, value) in [("iss", "someone-else"), ("aud", "another-app")] {
            let mut claims = valid_claims();
            claims[claim] = value.into();
            assert_refused(&sign(Algorithm::HS256, &claims));
        }
    }

    #[test]
    fn token_without_exp_or_sub_is_refused() {
        for claim in ["exp", "sub", "iss", "aud"] {
            let mut claims = valid_claims();
            claims.as_object_mut().unwrap().remove(claim);
            assert_refused(&sign(Algorithm::HS256, &claims));
        }
    }

    #[test]
    fn token_not_yet_valid_is_refused() {
        let mut claims = valid_claims();
        claims["nbf"] = (unix_now() + 600).into();
        assert_refused(&sign(Algorithm::HS256, &claims));
    }

    #[test]
    fn garbage_is_refused() {
        for bad in ["", "abc", "a.b", "a.b.c", "a.b.c.d", "!!!.###.$$$"] {
            assert_refused(bad);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// Whatever single character of a valid token is changed, to whatever
        /// other printable character, the token is refused.
        #[test]
        fn any_single_character_change_is_refused(position in 0usize..10_000, replacement in 0x21u8..0x7f) {
            let token = token_for_john();
            let mut bytes = token.clone().into_bytes();
            let index = position % bytes.len();
            proptest::prop_assume!(bytes[index] != replacement);
            bytes[index] = replacement;
            let edited = String::from_utf8(bytes).unwrap();
            proptest::prop_assert!(service().verify(&edited).is_err(), "accepted {edited} (from {token})");
        }
    }
}

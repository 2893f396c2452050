use super::{
    AUDIENCE, AUDIENCES, Claims, ISSUER, JwtSecret, SignIn,
    keys::{KeyRing, KeySet, PublicKey},
    verified_cache::{DEFAULT_ENTRIES, VerifiedTokens},
};
use crate::clock::unix_now;
use crate::error::{ApiError, Outage};
use crate::users::CurrentUser;
use jsonwebtoken::{
    Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, decode_header, encode,
    errors::ErrorKind,
};
use std::{sync::Arc, time::Duration};
use thiserror::Error;

/// Clock skew tolerated between the services that check a token.
pub const LEEWAY_SECONDS: u64 = 5;

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
    #[error("the token names a key this service does not know (kid {0:?})")]
    UnknownKey(String),
    #[error("the verification keys are not loaded yet")]
    KeysUnavailable,
    #[error("the token was revoked (password change or log out everywhere)")]
    Revoked,
    #[error("the token names a user who does not exist")]
    UnknownUser,
    #[error("the token's session has ended (signed out, or ended from another device)")]
    SessionEnded,
    #[error("could not sign a token: {0}")]
    Signing(String),
}

/// How a service checks tokens: the key(s) and the algorithm they fix, and
/// which audience it is.
///
/// The algorithm always comes from the key, never from the token: a shared
/// secret means HS256 and nothing else; an Ed25519 public key means EdDSA
/// and nothing else. The token's `alg` only has to agree.
pub struct TokenVerifier {
    keys: VerifyingKeys,
    validation: Validation,
    verified: VerifiedTokens,
}

enum VerifyingKeys {
    /// The articles' shared-secret mode: whoever verifies can also sign.
    Secret(DecodingKey),
    /// Public keys found by the token's `kid`.
    Public(Arc<dyn KeySet>),
}

impl TokenVerifier {
    /// Verifies HS256 tokens made with `secret`, for `audience`.
    pub fn shared_secret(secret: &JwtSecret, audience: &str) -> Self {
        Self {
            keys: VerifyingKeys::Secret(DecodingKey::from_secret(secret.as_bytes())),
            validation: validation(Algorithm::HS256, audience),
            verified: VerifiedTokens::new(DEFAULT_ENTRIES),
        }
    }

    /// Verifies EdDSA tokens signed by a key in `keys`, for `audience`.
    pub fn public_keys(keys: Arc<dyn KeySet>, audience: &str) -> Self {
        Self {
            keys: VerifyingKeys::Public(keys),
            validation: validation(Algorithm::EdDSA, audience),
            verified: VerifiedTokens::new(DEFAULT_ENTRIES),
        }
    }

    /// Remembers at most `entries` verified tokens (0: none, every call
    /// checks the signature).
    pub fn remembering(mut self, entries: usize) -> Self {
        self.verified = VerifiedTokens::new(entries);
        self
    }

    /// How many verified tokens are remembered now.
    pub fn remembered(&self) -> usize {
        self.verified.len()
    }

    /// Checks the header, the signature with the key the service trusts,
    /// `exp`, `nbf`, `iss` and `aud`, and only then returns the claims.
    ///
    /// A token seen before with these exact bytes skips the signature: its
    /// expiry and its key are checked again instead (see `verified_cache`).
    pub fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        if let Some(hit) = self.verified.get(token, unix_now()) {
            if let (VerifyingKeys::Public(keys), Some(kid)) = (&self.keys, &hit.kid)
                && let Err(error) = keys.find(kid)
            {
                self.verified.forget(token);
                return Err(error);
            }
            return Ok(Claims::clone(&hit.claims));
        }
        let (claims, kid) = self.verify_signature(token)?;
        self.verified.insert(token, &claims, kid.as_deref());
        Ok(claims)
    }

    /// The full check, and the `kid` of the key that passed it.
    fn verify_signature(&self, token: &str) -> Result<(Claims, Option<String>), TokenError> {
        let header = decode_header(token).map_err(|e| invalid(e.kind()))?;
        // The token may not choose its own key (a `jwk` in the header, or a
        // URL to fetch one from) or demand extensions we don't implement.
        let names_own_key = header.jwk.is_some()
            || header.jku.is_some()
            || header.x5u.is_some()
            || header.x5c.is_some();
        if names_own_key || header.crit.is_some() {
            return Err(TokenError::Invalid(
                "the header names its own key or critical extensions".into(),
            ));
        }
        let found;
        let key = match &self.keys {
            VerifyingKeys::Secret(key) => key,
            VerifyingKeys::Public(keys) => {
                let kid = header
                    .kid
                    .as_deref()
                    .ok_or_else(|| TokenError::Invalid("the header has no kid".into()))?;
                found = keys.find(kid)?;
                &found
            }
        };
        decode::<Claims>(token, key, &self.validation)
            .map(|data| (data.claims, header.kid))
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => TokenError::Expired,
                kind => invalid(kind),
            })
    }
}

fn validation(algorithm: Algorithm, audience: &str) -> Validation {
    // `Validation::new` pins the one algorithm: `alg: none`, HS256 made
    // with a public key's bytes and every other mismatch are refused.
    let mut validation = Validation::new(algorithm);
    validation.set_issuer(&[ISSUER]);
    validation.set_audience(&[audience]);
    validation.set_required_spec_claims(&["exp", "sub", "iss", "aud"]);
    validation.leeway = LEEWAY_SECONDS;
    validation.validate_nbf = true;
    validation
}

fn invalid(kind: &ErrorKind) -> TokenError {
    TokenError::Invalid(format!("{kind:?}"))
}

/// What the main app signs with.
enum Signer {
    /// HS256 with the shared secret (`JWT_SECRET`).
    Secret(EncodingKey),
    /// EdDSA with the key ring's active private key.
    KeyRing(Arc<KeyRing>),
}

/// Issues and verifies Photo Spots tokens.
///
/// Nothing per-token is stored: any service that can verify the signature
/// accepts the same tokens, which is what makes single sign-on work.
pub struct TokenService {
    signer: Signer,
    verifier: TokenVerifier,
    ttl: Duration,
}

impl TokenService {
    /// Shared-secret mode: signs and verifies HS256 with `secret`.
    pub fn new(secret: &JwtSecret, ttl: Duration) -> Self {
        Self {
            signer: Signer::Secret(EncodingKey::from_secret(secret.as_bytes())),
            verifier: TokenVerifier::shared_secret(secret, AUDIENCE),
            ttl,
        }
    }

    /// Public-key mode: signs EdDSA with the ring's active key, verifies
    /// with any key the ring still publishes.
    pub fn with_key_ring(ring: Arc<KeyRing>, ttl: Duration) -> Self {
        Self {
            verifier: TokenVerifier::public_keys(ring.clone(), AUDIENCE),
            signer: Signer::KeyRing(ring),
            ttl,
        }
    }

    /// Remembers at most `entries` verified tokens (0: none).
    pub fn remembering(mut self, entries: usize) -> Self {
        self.verifier = self.verifier.remembering(entries);
        self
    }

    /// How many verified tokens are remembered now.
    pub fn remembered(&self) -> usize {
        self.verifier.remembered()
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// The keys other services may verify with, for the JWKS; `None` in
    /// shared-secret mode, where there is nothing safe to publish.
    pub fn public_keys(&self) -> Option<Vec<PublicKey>> {
        match &self.signer {
            Signer::Secret(_) => None,
            Signer::KeyRing(ring) => Some(ring.published()),
        }
    }

    /// A signed token for `holder` (their id, name, token version and admin
    /// flag as the database has them) of no session, valid for the
    /// configured lifetime from now. This app refuses it (it checks the
    /// session); a service that checks only the signature accepts it, which
    /// is what the benchmarks measure.
    pub fn issue(&self, holder: &CurrentUser) -> Result<(String, Claims), TokenError> {
        self.issue_at(holder, unix_now(), &SignIn::default(), "")
    }

    /// A token of session `sid` for `holder`, made as `login` says: its
    /// sign-in method (`amr`), when the person last proved who they are
    /// (`auth_time`) and, if bound, the DPoP key whose thumbprint it names
    /// (`cnf.jkt`): only a proof by that key makes the token usable.
    pub fn issue_for(
        &self,
        holder: &CurrentUser,
        login: &SignIn,
        sid: &str,
    ) -> Result<(String, Claims), TokenError> {
        self.issue_at(holder, unix_now(), login, sid)
    }

    /// As [`issue_for`](Self::issue_for), with "now" given (seconds since
    /// the epoch).
    pub fn issue_at(
        &self,
        holder: &CurrentUser,
        now: u64,
        login: &SignIn,
        sid: &str,
    ) -> Result<(String, Claims), TokenError> {
        let user = &holder.user;
        let claims = Claims {
            sub: user.id,
            name: user.name.clone(),
            // A copy for the browser and other services to read; what an
            // admin may do is decided by the database row (`is_admin`),
            // whose revocation also refuses this token (`ver`).
            admin: holder.is_admin,
            iat: now,
            exp: now.saturating_add(self.ttl.as_secs()),
            iss: ISSUER.to_owned(),
            aud: AUDIENCES.map(String::from).to_vec(),
            jti: random_token_id()?,
            ver: holder.token_version,
            cnf: login.jkt.clone().map(|jkt| super::Confirmation { jkt }),
            amr: login.method,
            sid: sid.to_owned(),
            auth_time: login.auth_time,
        };
        let signed = match &self.signer {
            Signer::Secret(key) => encode(&Header::new(Algorithm::HS256), &claims, key),
            Signer::KeyRing(ring) => {
                let keys = ring.current();
                let mut header = Header::new(Algorithm::EdDSA);
                header.kid = Some(keys.signing.kid().to_owned());
                encode(&header, &claims, keys.signing.encoding_key())
            }
        };
        let token = signed.map_err(|e| TokenError::Signing(e.to_string()))?;
        Ok((token, claims))
    }

    /// Checks the signature, the algorithm, `exp`, `nbf`, `iss` and `aud`, and
    /// only then returns the claims.
    pub fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        self.verifier.verify(token)
    }

    /// The key ring that signs, in public-key mode (for the security
    /// events, which only a key pair may sign).
    pub(super) fn key_ring(&self) -> Option<&Arc<KeyRing>> {
        match &self.signer {
            Signer::Secret(_) => None,
            Signer::KeyRing(ring) => Some(ring),
        }
    }
}

fn random_token_id() -> Result<String, TokenError> {
    let mut bytes = [0u8; 16];
    getrandom::getrandom(&mut bytes).map_err(|e| TokenError::Signing(e.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

impl TokenError {
    /// A short, fixed name for metrics (`photo_spots_tokens_refused_total`).
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Missing => "missing",
            Self::Malformed => "malformed",
            Self::Expired => "expired",
            Self::Invalid(_) => "invalid",
            Self::UnknownKey(_) => "unknown_key",
            Self::KeysUnavailable => "keys_unavailable",
            Self::Revoked => "revoked",
            Self::UnknownUser => "unknown_user",
            Self::SessionEnded => "session_ended",
            Self::Signing(_) => "signing",
        }
    }
}

/// How a refused token is answered: 401 with the reason's code, 503 when
/// the keys can't be read; a signing failure is ours (500, logged).
impl From<TokenError> for ApiError {
    fn from(error: TokenError) -> Self {
        match error {
            TokenError::Missing => Self::MissingToken,
            TokenError::Expired => Self::ExpiredToken,
            TokenError::KeysUnavailable => Self::Unavailable(Outage::SigningKeys),
            TokenError::Malformed
            | TokenError::Invalid(_)
            | TokenError::UnknownKey(_)
            | TokenError::Revoked
            | TokenError::UnknownUser
            | TokenError::SessionEnded => Self::InvalidToken,
            TokenError::Signing(detail) => {
                tracing::error!(%detail, "could not sign a token");
                Self::Internal
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{User, UserId, UserName, Username};
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
        service().issue(&CurrentUser::new_user(john())).unwrap().0
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
               "iss": ISSUER, "aud": AUDIENCES, "jti": "t", "ver": 0, "sid": "s", "auth_time": now})
    }

    fn assert_refused(token: &str) {
        assert!(
            service().verify(token).is_err(),
            "token was accepted: {token}"
        );
    }

    #[test]
    fn issued_token_verifies_and_round_trips_the_claims() {
        let (token, issued) = service().issue(&CurrentUser::new_user(john())).unwrap();
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
        assert_refused(&other.issue(&CurrentUser::new_user(john())).unwrap().0);
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
        let (token, _) = service()
            .issue_at(
                &CurrentUser::new_user(john()),
                long_ago,
                &SignIn::default(),
                "s",
            )
            .unwrap();
        assert_eq!(service().verify(&token), Err(TokenError::Expired));
    }

    #[test]
    fn token_expired_within_the_leeway_is_still_accepted() {
        let mut claims = valid_claims();
        claims["exp"] = (unix_now() - 2).into();
        assert!(service().verify(&sign(Algorithm::HS256, &claims)).is_ok());
    }

    #[test]
    fn a_remembered_token_is_refused_the_second_after_its_expiry() {
        let service = service();
        // Signed so that this very second is its last (exp plus the leeway);
        // retried if the clock ticks between signing and the first check.
        let mut attempts = 0;
        let (token, start) = loop {
            attempts += 1;
            assert!(
                attempts < 50,
                "a token in its last second is refused outright"
            );
            let start = unix_now();
            let mut claims = valid_claims();
            claims["exp"] = (start - LEEWAY_SECONDS).into();
            let token = sign(Algorithm::HS256, &claims);
            let accepted = service.verify(&token).is_ok();
            if accepted && unix_now() == start {
                break (token, start);
            }
        };
        assert_eq!(service.remembered(), 1);
        while unix_now() == start {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(service.verify(&token), Err(TokenError::Expired));
        assert_eq!(service.remembered(), 0, "the expired entry is dropped");
    }

    #[test]
    fn refused_and_forged_tokens_are_never_remembered() {
        let service = service();
        let good = token_for_john();
        assert!(service.verify(&good).is_ok());
        assert_eq!(service.remembered(), 1);
        for position in (0..good.len()).step_by(7) {
            let mut bytes = good.clone().into_bytes();
            bytes[position] = if bytes[position] == b'A' { b'B' } else { b'A' };
            let forged = String::from_utf8(bytes).unwrap();
            // Still refused right after the real token was remembered.
            assert!(service.verify(&forged).is_err(), "position {position}");
        }
        let mut expired = valid_claims();
        expired["exp"] = (unix_now() - 3600).into();
        assert!(service.verify(&sign(Algorithm::HS256, &expired)).is_err());
        assert_eq!(service.remembered(), 1);
    }

    #[test]
    fn remembered_tokens_stay_within_the_bound() {
        let service = service().remembering(64);
        for id in 1..=1_000 {
            let mut claims = valid_claims();
            claims["jti"] = format!("token-{id}").into();
            let token = sign(Algorithm::HS256, &claims);
            assert!(service.verify(&token).is_ok());
            assert!(service.remembered() <= 64);
        }
    }

    #[test]
    fn a_service_told_to_remember_nothing_checks_every_time() {
        let service = service().remembering(0);
        assert!(service.verify(&token_for_john()).is_ok());
        assert_eq!(service.remembered(), 0);
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
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// Any user, any name the domain allows, admin or not, any token
        /// version: what is signed is what verification gives back.
        #[test]
        fn a_token_signed_then_verified_gives_the_same_claims(
            id in 1i64..=i64::MAX,
            name in "[^\\p{Cc}]{1,50}",
            username in "[a-z][a-z0-9_]{2,29}",
            admin: bool,
            version: u32,
        ) {
            let Ok(name) = UserName::parse(&name) else {
                return Err(proptest::test_runner::TestCaseError::reject("not a name"));
            };
            let holder = CurrentUser {
                user: User {
                    id: UserId::new(id).unwrap(),
                    username: Username::parse(&username).unwrap(),
                    name,
                },
                token_version: version,
                is_admin: admin,
            };
            let (token, issued) = service().issue(&holder).unwrap();
            let verified = service().verify(&token).unwrap();
            proptest::prop_assert_eq!(&verified, &issued);
            proptest::prop_assert_eq!(verified.sub, holder.user.id);
            proptest::prop_assert_eq!(&verified.name, &holder.user.name);
            proptest::prop_assert_eq!((verified.admin, verified.ver), (admin, version));
        }

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

    /// Public-key mode: what the main app does by default.
    mod eddsa {
        use super::*;
        use crate::auth::{
            FAVORITES_AUDIENCE,
            keys::{PrivateKey, RingKeys},
        };

        struct Fixture {
            _dir: tempfile::TempDir,
            path: std::path::PathBuf,
            ring: Arc<KeyRing>,
            service: TokenService,
        }

        fn fixture() -> Fixture {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("signing.pem");
            KeyRing::create_if_missing(&path).unwrap();
            let ring = Arc::new(KeyRing::open(&path, Duration::from_secs(3600)).unwrap());
            let service = TokenService::with_key_ring(ring.clone(), Duration::from_secs(3600));
            Fixture {
                _dir: dir,
                path,
                ring,
                service,
            }
        }

        fn active_key(fixture: &Fixture) -> PrivateKey {
            PrivateKey::from_pem(&std::fs::read_to_string(&fixture.path).unwrap()).unwrap()
        }

        fn header_with_kid(alg: Algorithm, kid: &str) -> Header {
            let mut header = Header::new(alg);
            header.kid = Some(kid.to_owned());
            header
        }

        fn sign_ed(key: &PrivateKey, header: &Header, claims: &Value) -> String {
            encode(header, claims, key.encoding_key()).unwrap()
        }

        fn header_json(token: &str) -> Value {
            let header = token.split('.').next().unwrap();
            serde_json::from_slice(&B64.decode(header).unwrap()).unwrap()
        }

        #[test]
        fn issued_token_is_eddsa_and_names_its_key() {
            let f = fixture();
            let (token, issued) = f.service.issue(&CurrentUser::new_user(john())).unwrap();
            let header = header_json(&token);
            assert_eq!(header["alg"], "EdDSA");
            assert_eq!(header["kid"], active_key(&f).kid());
            assert_eq!(f.service.verify(&token).unwrap(), issued);
        }

        #[test]
        fn the_key_that_signs_is_the_one_published() {
            let f = fixture();
            let published = f.service.public_keys().expect("keys to publish");
            let kids: Vec<&str> = published.iter().map(|key| key.kid()).collect();
            assert_eq!(kids, [active_key(&f).kid()]);
        }

        #[test]
        fn hs256_signed_with_the_public_key_as_secret_is_refused() {
            let f = fixture();
            let key = active_key(&f);
            let jwk = crate::auth::keys::PublicJwk::from(key.public());
            let public_bytes = B64.decode(jwk.x.as_deref().unwrap()).unwrap();
            for secret in [
                public_bytes.as_slice(),
                jwk.x.as_deref().unwrap().as_bytes(),
            ] {
                let token = encode(
                    &header_with_kid(Algorithm::HS256, key.kid()),
                    &valid_claims(),
                    &EncodingKey::from_secret(secret),
                )
                .unwrap();
                assert!(f.service.verify(&token).is_err());
            }
        }

        #[test]
        fn a_foreign_key_is_refused_even_when_it_claims_our_kid() {
            let f = fixture();
            let ours = active_key(&f);
            let foreign = PrivateKey::generate().unwrap();
            for kid in [ours.kid(), foreign.kid()] {
                let token = sign_ed(
                    &foreign,
                    &header_with_kid(Algorithm::EdDSA, kid),
                    &valid_claims(),
                );
                assert!(f.service.verify(&token).is_err(), "kid {kid}");
            }
            let good = sign_ed(
                &ours,
                &header_with_kid(Algorithm::EdDSA, ours.kid()),
                &valid_claims(),
            );
            assert!(f.service.verify(&good).is_ok());
        }

        #[test]
        fn unknown_or_missing_kid_is_refused() {
            let f = fixture();
            let key = active_key(&f);
            let unknown = sign_ed(
                &key,
                &header_with_kid(Algorithm::EdDSA, "no-such-key"),
                &valid_claims(),
            );
            assert!(matches!(
                f.service.verify(&unknown),
                Err(TokenError::UnknownKey(_))
            ));
            let no_kid = sign_ed(&key, &Header::new(Algorithm::EdDSA), &valid_claims());
            assert!(f.service.verify(&no_kid).is_err());
        }

        #[test]
        fn a_header_carrying_its_own_key_is_refused() {
            let f = fixture();
            let key = active_key(&f);
            let mut with_jku = header_with_kid(Algorithm::EdDSA, key.kid());
            with_jku.jku = Some("https://evil.example/jwks.json".into());
            let mut with_x5u = header_with_kid(Algorithm::EdDSA, key.kid());
            with_x5u.x5u = Some("https://evil.example/cert.pem".into());
            for header in [with_jku, with_x5u] {
                // Correctly signed with our key: refused for the header alone.
                assert!(
                    f.service
                        .verify(&sign_ed(&key, &header, &valid_claims()))
                        .is_err()
                );
            }
        }

        #[test]
        fn alg_none_is_refused() {
            let f = fixture();
            let kid = active_key(&f).kid().to_owned();
            let header = B64.encode(json!({"alg": "none", "kid": kid}).to_string());
            let payload = B64.encode(valid_claims().to_string());
            assert!(f.service.verify(&format!("{header}.{payload}.")).is_err());
        }

        #[test]
        fn each_service_accepts_only_tokens_naming_it_in_aud() {
            let f = fixture();
            let key = active_key(&f);
            let header = header_with_kid(Algorithm::EdDSA, key.kid());
            let favorites = TokenVerifier::public_keys(f.ring.clone(), FAVORITES_AUDIENCE);
            let mut only_main = valid_claims();
            only_main["aud"] = json!(["photo-spots"]);
            let token = sign_ed(&key, &header, &only_main);
            assert!(f.service.verify(&token).is_ok());
            assert!(favorites.verify(&token).is_err());
            let (issued, _) = f.service.issue(&CurrentUser::new_user(john())).unwrap();
            assert!(favorites.verify(&issued).is_ok());
        }

        #[test]
        fn a_remembered_token_is_refused_once_its_key_is_no_longer_trusted() {
            let old = PrivateKey::generate().unwrap();
            let ring = Arc::new(KeyRing::pushed(
                RingKeys::new(old.clone(), vec![], vec![]),
                Duration::from_secs(3600),
            ));
            let service = TokenService::with_key_ring(ring.clone(), Duration::from_secs(3600));
            let (token, _) = service.issue(&CurrentUser::new_user(john())).unwrap();
            assert!(service.verify(&token).is_ok());
            assert_eq!(service.remembered(), 1);
            // Retired and past its window (or removed outright): gone from the ring.
            let retired_long_ago = unix_now() - 7200;
            ring.replace(RingKeys::new(
                PrivateKey::generate().unwrap(),
                vec![(old.public().clone(), retired_long_ago)],
                vec![],
            ));
            assert!(matches!(
                service.verify(&token),
                Err(TokenError::UnknownKey(_))
            ));
            assert_eq!(service.remembered(), 0);
        }

        #[test]
        fn tokens_of_the_previous_key_verify_after_rotation() {
            let f = fixture();
            let (old_token, _) = f.service.issue(&CurrentUser::new_user(john())).unwrap();
            let (old_kid, new_kid) = KeyRing::rotate(&f.path, Duration::from_secs(3600)).unwrap();
            let (new_token, _) = f.service.issue(&CurrentUser::new_user(john())).unwrap();
            assert_eq!(header_json(&old_token)["kid"], old_kid);
            assert_eq!(header_json(&new_token)["kid"], new_kid);
            assert!(f.service.verify(&old_token).is_ok());
            assert!(f.service.verify(&new_token).is_ok());
        }
    }

    #[test]
    fn every_token_gets_its_own_unguessable_id() {
        let (_, first) = service().issue(&CurrentUser::new_user(john())).unwrap();
        let (_, second) = service().issue(&CurrentUser::new_user(john())).unwrap();
        assert_ne!(first.jti, second.jti);
        for jti in [&first.jti, &second.jti] {
            assert_eq!(jti.len(), 32, "128 random bits in hex: {jti}");
            assert!(jti.bytes().all(|b| b.is_ascii_hexdigit()), "{jti}");
        }
    }

    #[test]
    fn the_lifetime_is_the_configured_one() {
        assert_eq!(service().ttl(), Duration::from_secs(3600));
    }

    #[test]
    fn a_shared_secret_publishes_no_key() {
        assert!(service().public_keys().is_none());
    }

    #[test]
    fn each_refusal_has_its_own_metrics_label() {
        let reasons = [
            TokenError::Missing,
            TokenError::Malformed,
            TokenError::Expired,
            TokenError::Invalid("x".into()),
            TokenError::UnknownKey("k".into()),
            TokenError::KeysUnavailable,
            TokenError::Revoked,
            TokenError::UnknownUser,
            TokenError::SessionEnded,
            TokenError::Signing("x".into()),
        ]
        .map(|error| error.reason());
        let distinct: std::collections::BTreeSet<_> = reasons.iter().collect();
        assert_eq!(distinct.len(), reasons.len(), "{reasons:?}");
        assert!(
            reasons
                .iter()
                .all(|r| !r.is_empty() && r.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')),
            "{reasons:?}"
        );
    }
}

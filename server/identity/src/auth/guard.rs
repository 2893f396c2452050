use super::{Claims, TokenError, TokenService, dpop::DpopPolicy};
use crate::{
    domain::{User, UserId},
    error::{ApiError, DpopProblem},
    users::{SessionCheck, UserStore},
};
use axum::{
    extract::{FromRef, FromRequestParts},
    http::{HeaderMap, header::AUTHORIZATION, request::Parts},
};
use std::sync::Arc;

/// Longest `Authorization` header looked at; anything longer is refused
/// without being parsed.
const MAX_AUTHORIZATION_BYTES: usize = 4096;

/// How the caller presented its token (`Authorization: <scheme> <token>`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// Whoever holds it may use it (RFC 6750).
    Bearer,
    /// Bound to a key; each call carries a proof by that key (RFC 9449).
    Dpop,
}

/// A token as presented: its scheme and the token itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Presented<'a> {
    pub scheme: Scheme,
    pub token: &'a str,
}

/// A token whose signature and claims check out, and nothing more.
///
/// This is what a second service holding only the verification key can know
/// (the "retirement server"): it accepts the token until it expires. Photo
/// Spots itself uses [`Authenticated`], which also refuses revoked tokens.
/// A service that checks no DPoP proofs refuses bound tokens: their holder
/// would otherwise need no key.
#[derive(Clone, Debug)]
pub struct VerifiedClaims(pub Claims);

impl VerifiedClaims {
    pub fn from_headers(headers: &HeaderMap, tokens: &TokenService) -> Result<Self, ApiError> {
        let claims = tokens.verify(bearer_token(headers)?).map_err(refused)?;
        if claims.cnf.is_some() {
            return Err(dpop_refused(DpopProblem::BoundTokenAsBearer));
        }
        Ok(Self(claims))
    }
}

impl<S> FromRequestParts<S> for VerifiedClaims
where
    S: Send + Sync,
    Arc<TokenService>: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let tokens = Arc::<TokenService>::from_ref(state);
        Self::from_headers(&parts.headers, &tokens)
    }
}

/// Checks that `claims`, verified, were presented as their binding asks:
/// a bearer token as `Bearer` (unless `policy` requires DPoP); a bound
/// token as `DPoP`, with a fresh proof by its key for this very request.
pub async fn check_binding(
    presented: Presented<'_>,
    claims: &Claims,
    parts: &Parts,
    policy: &DpopPolicy,
) -> Result<(), ApiError> {
    let problem = match (presented.scheme, &claims.cnf) {
        (Scheme::Bearer, Some(_)) => DpopProblem::BoundTokenAsBearer,
        (Scheme::Bearer, None) if policy.required() => DpopProblem::Required,
        (Scheme::Bearer, None) => return Ok(()),
        (Scheme::Dpop, None) => DpopProblem::UnboundTokenAsDpop,
        (Scheme::Dpop, Some(cnf)) => {
            let proof = single_proof(&parts.headers).map_err(dpop_refused)?;
            return policy
                .check(
                    proof,
                    parts.method.as_str(),
                    parts.uri.path(),
                    Some(presented.token),
                    Some(&cnf.jkt),
                )
                .await
                .map(drop)
                .inspect_err(
                    |error| tracing::info!(%error, jti = %claims.jti, "DPoP proof refused"),
                );
        }
    };
    Err(dpop_refused(problem))
}

/// The `DPoP` header's value; more than one is refused (§4.3).
pub fn single_proof(headers: &HeaderMap) -> Result<Option<&str>, DpopProblem> {
    let mut proofs = headers.get_all(super::dpop::HEADER).iter();
    let first = proofs.next();
    if proofs.next().is_some() {
        return Err(DpopProblem::Invalid);
    }
    first
        .map(|proof| proof.to_str().map_err(|_| DpopProblem::Invalid))
        .transpose()
}

/// Proof that the request carried a valid, current Photo Spots token.
///
/// This is the single choke point for authorization: it can only be built by
/// verifying the token (and, for a bound token, its DPoP proof) and
/// checking that the user still exists and has not revoked it (password
/// change, "log out of all devices"). Protected code takes the user id from
/// it, never from the request body.
#[derive(Clone, Debug)]
pub struct Authenticated {
    claims: Claims,
    /// How the token was presented, which a challenge must name.
    scheme: Scheme,
    user: User,
    /// What the database said about admin rights at the check.
    is_admin: bool,
}

impl Authenticated {
    pub fn user_id(&self) -> UserId {
        self.claims.sub
    }

    pub fn claims(&self) -> &Claims {
        &self.claims
    }

    /// The token version this token carries, which is the user's current
    /// one: writes that must not outlive a revocation are guarded by it.
    pub fn token_version(&self) -> u32 {
        self.claims.ver
    }

    /// Refuses a sign-in older than `max_age` (the token's `auth_time`):
    /// 401 with RFC 9470's `insufficient_user_authentication` challenge, in
    /// the token's own scheme. A sensitive call asks this first, so that
    /// somebody at an unlocked device, or a script in the page, can't use a
    /// session to take the account for good.
    pub fn require_recent_sign_in(&self, max_age: std::time::Duration) -> Result<(), ApiError> {
        let age = crate::clock::unix_now().saturating_sub(self.claims.auth_time);
        if age <= max_age.as_secs() {
            return Ok(());
        }
        tracing::info!(user = %self.claims.sub, age, "sensitive call refused: the sign-in is too old");
        Err(ApiError::StepUpRequired {
            max_age_secs: max_age.as_secs(),
            dpop: self.scheme == Scheme::Dpop,
        })
    }

    /// The key this token is bound to (its `cnf.jkt`), if any.
    pub fn bound_key(&self) -> Option<String> {
        self.claims.cnf.as_ref().map(|cnf| cnf.jkt.clone())
    }

    /// The user as the database had them when the token was checked.
    pub fn user(&self) -> &User {
        &self.user
    }

    /// Whether the database called this user an admin at the check (the
    /// token's `admin` claim is only a copy from login time).
    pub fn is_admin_in_database(&self) -> bool {
        self.is_admin
    }

    /// Verifies the token in the request (and its DPoP proof, if bound),
    /// then reads the user, their token version and whether the token's
    /// session is live: one query of primary-key lookups, the price of
    /// revocable tokens (and all that `me` needs).
    pub async fn check(
        parts: &Parts,
        tokens: &TokenService,
        dpop: &DpopPolicy,
        users: &UserStore,
    ) -> Result<Self, ApiError> {
        let presented = presented_token(&parts.headers).map_err(refused)?;
        let claims = tokens.verify(presented.token).map_err(refused)?;
        check_binding(presented, &claims, parts, dpop).await?;
        match users.check_session(claims.sub, &claims.sid).await? {
            None => Err(refused(TokenError::UnknownUser)),
            Some(SessionCheck { current, .. }) if current.token_version != claims.ver => {
                Err(refused(TokenError::Revoked))
            }
            Some(SessionCheck { live: false, .. }) => Err(refused(TokenError::SessionEnded)),
            Some(SessionCheck { current, .. }) => {
                tracing::debug!(user = %claims.sub, jti = %claims.jti, "token accepted");
                Ok(Self {
                    claims,
                    scheme: presented.scheme,
                    user: current.user,
                    is_admin: current.is_admin,
                })
            }
        }
    }
}

impl<S> FromRequestParts<S> for Authenticated
where
    S: Send + Sync,
    Arc<TokenService>: FromRef<S>,
    DpopPolicy: FromRef<S>,
    UserStore: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let tokens = Arc::<TokenService>::from_ref(state);
        let (dpop, users) = (DpopPolicy::from_ref(state), UserStore::from_ref(state));
        Self::check(parts, &tokens, &dpop, &users).await
    }
}

fn refused(error: TokenError) -> ApiError {
    tracing::info!(reason = %error, "request refused: bad or missing token");
    metrics::counter!("photo_spots_tokens_refused_total", "reason" => error.reason()).increment(1);
    ApiError::from(error)
}

fn dpop_refused(problem: DpopProblem) -> ApiError {
    tracing::info!(reason = %problem, "request refused: DPoP");
    metrics::counter!("photo_spots_tokens_refused_total", "reason" => "dpop").increment(1);
    ApiError::Dpop(problem)
}

/// The token from `Authorization: Bearer <token>` or `Authorization: DPoP
/// <token>` (the scheme is case-insensitive, as RFC 7235 says).
pub fn presented_token(headers: &HeaderMap) -> Result<Presented<'_>, TokenError> {
    let value = headers.get(AUTHORIZATION).ok_or(TokenError::Missing)?;
    if value.len() > MAX_AUTHORIZATION_BYTES {
        return Err(TokenError::Malformed);
    }
    let value = value.to_str().map_err(|_| TokenError::Malformed)?;
    let (scheme, token) = value.split_once(' ').ok_or(TokenError::Malformed)?;
    let token = token.trim();
    let scheme = if scheme.eq_ignore_ascii_case("bearer") {
        Scheme::Bearer
    } else if scheme.eq_ignore_ascii_case("dpop") {
        Scheme::Dpop
    } else {
        return Err(TokenError::Malformed);
    };
    if token.is_empty() {
        return Err(TokenError::Malformed);
    }
    Ok(Presented { scheme, token })
}

/// The token from `Authorization: Bearer <token>` only.
pub fn bearer_token(headers: &HeaderMap) -> Result<&str, TokenError> {
    match presented_token(headers)? {
        Presented {
            scheme: Scheme::Bearer,
            token,
        } => Ok(token),
        _ => Err(TokenError::Malformed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(authorization: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, HeaderValue::from_str(authorization).unwrap());
        headers
    }

    #[test]
    fn bearer_token_is_taken_from_the_header() {
        assert_eq!(
            bearer_token(&headers("Bearer abc.def.ghi")),
            Ok("abc.def.ghi")
        );
        assert_eq!(
            bearer_token(&headers("bearer abc.def.ghi")),
            Ok("abc.def.ghi")
        );
    }

    #[test]
    fn a_dpop_token_is_taken_with_its_scheme() {
        let headers = headers("DPoP abc.def.ghi");
        assert_eq!(
            presented_token(&headers),
            Ok(Presented {
                scheme: Scheme::Dpop,
                token: "abc.def.ghi"
            })
        );
        assert_eq!(bearer_token(&headers), Err(TokenError::Malformed));
    }

    #[test]
    fn two_proofs_are_refused() {
        let mut headers = HeaderMap::new();
        headers.append("dpop", HeaderValue::from_static("a.b.c"));
        assert_eq!(single_proof(&headers), Ok(Some("a.b.c")));
        headers.append("dpop", HeaderValue::from_static("d.e.f"));
        assert_eq!(single_proof(&headers), Err(DpopProblem::Invalid));
    }

    #[test]
    fn missing_header_is_missing() {
        assert_eq!(bearer_token(&HeaderMap::new()), Err(TokenError::Missing));
    }

    #[test]
    fn other_schemes_and_empty_tokens_are_malformed() {
        let long = format!("Bearer {}", "a".repeat(5000));
        for bad in [
            "Basic am9objpqb2hu",
            "Bearer",
            "Bearer ",
            "abc.def.ghi",
            "Token abc",
            long.as_str(),
        ] {
            assert_eq!(
                bearer_token(&headers(bad)),
                Err(TokenError::Malformed),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn an_authorization_header_of_the_largest_size_is_read() {
        let largest = format!("Bearer {}", "a".repeat(MAX_AUTHORIZATION_BYTES - 7));
        assert_eq!(largest.len(), MAX_AUTHORIZATION_BYTES);
        assert_eq!(
            bearer_token(&headers(&largest)),
            Ok(&largest["Bearer ".len()..])
        );
    }

    fn claims(bound: bool) -> Claims {
        use crate::domain::{SignInMethod, UserName};
        Claims {
            sub: UserId::new(120).unwrap(),
            name: UserName::parse("John").unwrap(),
            admin: false,
            iat: 0,
            exp: 0,
            iss: super::super::ISSUER.into(),
            aud: vec![super::super::AUDIENCE.into()],
            jti: "j1".into(),
            ver: 0,
            cnf: bound.then(|| super::super::Confirmation { jkt: "key".into() }),
            amr: SignInMethod::Password,
            sid: "s1".into(),
            auth_time: 0,
        }
    }

    /// `check_binding` as a request with `authorization` would meet it.
    async fn binding(scheme: &str, bound: bool, required: bool) -> Result<(), ApiError> {
        let policy = DpopPolicy::new(
            "https://photos.example",
            super::super::dpop::ReplayCache::in_memory(),
            required,
        )
        .unwrap();
        let request = axum::http::Request::post("https://photos.example/api/me")
            .header(AUTHORIZATION, format!("{scheme} a.b.c"))
            .body(())
            .unwrap();
        let (parts, ()) = request.into_parts();
        let presented = presented_token(&parts.headers).unwrap();
        check_binding(presented, &claims(bound), &parts, &policy).await
    }

    #[tokio::test]
    async fn a_token_must_be_presented_as_its_binding_says() {
        assert_eq!(binding("Bearer", false, false).await, Ok(()));
        assert_eq!(
            binding("Bearer", false, true).await,
            Err(ApiError::Dpop(DpopProblem::Required))
        );
        assert_eq!(
            binding("Bearer", true, false).await,
            Err(ApiError::Dpop(DpopProblem::BoundTokenAsBearer))
        );
        assert_eq!(
            binding("DPoP", false, false).await,
            Err(ApiError::Dpop(DpopProblem::UnboundTokenAsDpop))
        );
        assert_eq!(
            binding("DPoP", true, false).await,
            Err(ApiError::Dpop(DpopProblem::Missing)),
            "a bound token needs a proof"
        );
    }

    mod checked {
        //! `Authenticated::check` against a real user store and session.
        use super::*;
        use crate::auth::{
            Device, JwtSecret, SignIn,
            dpop::ReplayCache,
            refresh::{RefreshSettings, RefreshStore, RefreshTokens},
        };
        use crate::{
            domain::{User, UserName, Username},
            test_databases::on_both_databases,
            users::{ActivityLog, CurrentUser},
        };
        use std::time::Duration;

        const SECRET: &str = "a-test-secret-that-is-long-enough-for-hs256";
        const FIVE_MINUTES: Duration = Duration::from_secs(300);

        struct World {
            users: UserStore,
            tokens: TokenService,
            dpop: DpopPolicy,
            john: CurrentUser,
            sid: String,
        }

        /// John (an admin in the database if `admin`), his token version
        /// moved on once, with a live session.
        async fn world(users: UserStore, admin: bool) -> World {
            let user = User {
                id: UserId::new(120).unwrap(),
                username: Username::parse("john").unwrap(),
                name: UserName::parse("John").unwrap(),
            };
            users.insert_if_absent(&user, "$hash").await.unwrap();
            users.set_admin(&user.username, admin).await.unwrap();
            users.bump_token_version(user.id).await.unwrap();
            let pools = users.pools().clone();
            let settings = RefreshSettings {
                ttl: Duration::from_secs(3600),
                max_age: Duration::from_secs(7200),
                secure_cookie: true,
            };
            let refresh = RefreshTokens::new(
                RefreshStore::on(pools.clone()),
                settings,
                ActivityLog::on(pools),
            );
            let grant = refresh
                .start(user.id, SignIn::password(None), &Device::default())
                .await
                .unwrap();
            World {
                john: users.current_user(user.id).await.unwrap().unwrap(),
                users,
                tokens: TokenService::new(
                    &JwtSecret::new(SECRET).unwrap(),
                    Duration::from_secs(600),
                ),
                dpop: DpopPolicy::new("https://photos.example", ReplayCache::in_memory(), false)
                    .unwrap(),
                sid: grant.family.id,
            }
        }

        impl World {
            /// A token of John's session, signed in `ago` seconds before now.
            fn token(&self, ago: u64) -> String {
                let mut login = SignIn::password(None);
                login.auth_time -= ago;
                self.tokens
                    .issue_for(&self.john, &login, &self.sid)
                    .unwrap()
                    .0
            }

            async fn check(&self, token: &str) -> Result<Authenticated, ApiError> {
                self.check_with(&format!("Bearer {token}"), None).await
            }

            async fn check_with(
                &self,
                authorization: &str,
                proof: Option<&str>,
            ) -> Result<Authenticated, ApiError> {
                let mut request = axum::http::Request::post("https://photos.example/api/me")
                    .header(AUTHORIZATION, authorization);
                if let Some(proof) = proof {
                    request = request.header("dpop", proof);
                }
                let request = request.body(()).unwrap();
                let (parts, ()) = request.into_parts();
                Authenticated::check(&parts, &self.tokens, &self.dpop, &self.users).await
            }
        }

        on_both_databases! {
            a_live_sessions_token_gives_who_the_database_says,
            a_bound_token_with_its_proof_names_its_key,
            a_revoked_token_version_is_refused,
            a_sensitive_call_needs_a_recent_sign_in,
        }

        async fn a_live_sessions_token_gives_who_the_database_says(users: UserStore) {
            let world = world(users, true).await;
            let checked = world.check(&world.token(0)).await.unwrap();
            assert_eq!(checked.user_id(), world.john.user.id);
            assert_eq!(checked.user(), &world.john.user);
            assert!(checked.is_admin_in_database());
            assert_eq!(checked.bound_key(), None);
            assert_eq!(checked.token_version(), 1);
        }

        async fn a_bound_token_with_its_proof_names_its_key(users: UserStore) {
            use crate::auth::dpop::{ProofKey, access_token_hash};
            let world = world(users, false).await;
            let key = ProofKey::generate().unwrap();
            let login = SignIn::password(Some(key.thumbprint()));
            let (token, _) = world
                .tokens
                .issue_for(&world.john, &login, &world.sid)
                .unwrap();
            let proof = key
                .sign(&serde_json::json!({
                    "jti": "p1", "htm": "POST", "htu": "https://photos.example/api/me",
                    "iat": crate::clock::unix_now(), "ath": access_token_hash(&token),
                }))
                .unwrap();
            let checked = world
                .check_with(&format!("DPoP {token}"), Some(&proof))
                .await
                .unwrap();
            assert_eq!(checked.bound_key(), Some(key.thumbprint()));
            assert!(!checked.is_admin_in_database());
        }

        async fn a_revoked_token_version_is_refused(users: UserStore) {
            let world = world(users, false).await;
            let token = world.token(0);
            let version = world
                .users
                .bump_token_version(world.john.user.id)
                .await
                .unwrap();
            assert_eq!(version, Some(world.john.token_version + 1));
            assert_eq!(
                world.check(&token).await.unwrap_err(),
                ApiError::InvalidToken
            );
        }

        async fn a_sensitive_call_needs_a_recent_sign_in(users: UserStore) {
            let world = world(users, false).await;
            let fresh = world.check(&world.token(60)).await.unwrap();
            assert_eq!(fresh.require_recent_sign_in(FIVE_MINUTES), Ok(()));
            let stale = world.check(&world.token(3600)).await.unwrap();
            assert_eq!(
                stale.require_recent_sign_in(FIVE_MINUTES),
                Err(ApiError::StepUpRequired {
                    max_age_secs: 300,
                    dpop: false
                })
            );
        }
    }
}

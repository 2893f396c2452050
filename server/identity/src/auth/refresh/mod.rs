//! Refresh tokens: how a login outlives its short access token.
//!
//! A login starts a *family*. Each `POST /api/refresh` exchanges the
//! family's newest token for a successor and a fresh access token; the old
//! one is spent (rotation). A spent token presented again means two parties
//! hold the family's tokens, and the server can't tell which is the thief,
//! so the whole family is revoked and both must log in again (reuse
//! detection, RFC 9700 §4.14.2). Server only.

pub mod cookie;
mod store;
mod token;

pub use store::{Family, RefreshStore, Rotation};
pub use token::{RefreshToken, is_family_id};

use super::{Device, SignIn};
use crate::clock::unix_now_i64;
use crate::{
    domain::{ActivityKind, UserId},
    error::ApiError,
    users::ActivityLog,
    wire::SessionSummary,
};
use axum::http::HeaderValue;
use std::time::Duration;

/// Thirty days without a visit end a login (sliding).
pub const DEFAULT_REFRESH_TTL: Duration = Duration::from_secs(30 * 86_400);
/// Ninety days after logging in, a login ends however active (absolute).
pub const DEFAULT_REFRESH_MAX_AGE: Duration = Duration::from_secs(90 * 86_400);

/// `REFRESH_TTL_SECONDS`, `REFRESH_MAX_AGE_SECONDS` and whether the cookie
/// is `Secure` (always, except in plain-http development).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RefreshSettings {
    pub ttl: Duration,
    pub max_age: Duration,
    pub secure_cookie: bool,
}

/// A refresh token just handed out, and until when it works.
pub struct Grant {
    pub token: RefreshToken,
    pub family: Family,
    /// Unix seconds.
    pub expires_at: i64,
    /// How the login was made (its access tokens' `amr`) and the DPoP key
    /// it is bound to (their `cnf.jkt`), if any.
    pub login: SignIn,
}

/// The refresh tokens of every login, and the rules for them.
#[derive(Clone)]
pub struct RefreshTokens {
    store: RefreshStore,
    settings: RefreshSettings,
    /// Where a detected reuse is told to the account's owner.
    activity: ActivityLog,
}

impl RefreshTokens {
    pub fn new(store: RefreshStore, settings: RefreshSettings, activity: ActivityLog) -> Self {
        Self {
            store,
            settings,
            activity,
        }
    }

    /// A new family (a session) for `login` by `user` on `device`, with its
    /// first token.
    pub async fn start(
        &self,
        user: UserId,
        login: SignIn,
        device: &Device,
    ) -> Result<Grant, ApiError> {
        let now = unix_now_i64();
        let token = generate()?;
        let family = Family {
            id: token::family_id().map_err(no_randomness)?,
            user,
        };
        let expires_at = now + secs(self.settings.ttl);
        let family_expires_at = now + secs(self.settings.max_age);
        let ends = (expires_at, family_expires_at);
        self.store
            .start_family(&family, (&login, device), &token.hash(), now, ends)
            .await?;
        Ok(Grant {
            token,
            family,
            expires_at: expires_at.min(family_expires_at),
            login,
        })
    }

    /// Exchanges `presented` for a successor. A spent token revokes its
    /// family and is logged as a warning: somebody else has a copy. A bound
    /// family needs `proof_jkt`, the key of the request's DPoP proof, to be
    /// its own.
    pub async fn rotate(
        &self,
        presented: &RefreshToken,
        proof_jkt: Option<&str>,
    ) -> Result<Grant, ApiError> {
        let now = unix_now_i64();
        let successor = generate()?;
        let rotation = self
            .store
            .rotate(store::Exchange {
                presented_hash: &presented.hash(),
                successor_hash: &successor.hash(),
                now,
                successor_expires_at: now + secs(self.settings.ttl),
                proof_jkt,
            })
            .await?;
        match rotation {
            Rotation::Rotated {
                family,
                expires_at,
                login,
            } => {
                metrics::counter!("photo_spots_refresh_rotations_total").increment(1);
                Ok(Grant {
                    token: successor,
                    family,
                    expires_at,
                    login,
                })
            }
            Rotation::WrongKey => {
                tracing::warn!("refresh refused: the login is bound to another DPoP key");
                Err(ApiError::Dpop(crate::error::DpopProblem::WrongKey))
            }
            Rotation::Reused(family) => {
                tracing::warn!(
                    user = %family.user,
                    family = %family.id,
                    "a spent refresh token was presented again: the login is revoked on every device that shares it"
                );
                metrics::counter!("photo_spots_refresh_reuse_detected_total").increment(1);
                self.activity
                    .record(family.user, ActivityKind::RefreshTokenReused, "")
                    .await;
                Err(ApiError::InvalidRefreshToken)
            }
            refused => {
                tracing::info!(reason = ?refused, "refresh refused");
                Err(ApiError::InvalidRefreshToken)
            }
        }
    }

    /// Ends the login `presented` belongs to (log-out on this device).
    pub async fn end(&self, presented: &RefreshToken) -> Result<Option<Family>, ApiError> {
        Ok(self
            .store
            .revoke_family_of(&presented.hash(), unix_now_i64())
            .await?)
    }

    /// Ends every login of `user`.
    pub async fn end_all(&self, user: UserId) -> Result<u64, ApiError> {
        Ok(self.store.revoke_all(user, unix_now_i64()).await?)
    }

    /// `user`'s live sessions, `current` marked, the most recently used first.
    pub async fn sessions(
        &self,
        user: UserId,
        current: &str,
    ) -> Result<Vec<SessionSummary>, ApiError> {
        let mut sessions = self.store.sessions(user, unix_now_i64()).await?;
        for session in &mut sessions {
            session.current = session.id == current;
        }
        Ok(sessions)
    }

    /// Ends `user`'s session `id`: its refresh token and access tokens are
    /// refused from now on. Answers its device's label; `NoSuchSession` if
    /// `user` has no such live session, whoever's it is.
    pub async fn end_session(&self, user: UserId, id: &str) -> Result<String, ApiError> {
        let label = self.store.end_session(user, id, unix_now_i64()).await?;
        let label = label.ok_or(ApiError::NoSuchSession)?;
        tracing::info!(%user, family = %id, "session ended by its owner");
        Ok(label)
    }

    /// Ends every session of `user` but `keep`; returns how many ended.
    pub async fn end_others(&self, user: UserId, keep: &str) -> Result<u64, ApiError> {
        let ended = self.store.end_others(user, keep, unix_now_i64()).await?;
        tracing::info!(%user, ended, "every other session ended by its owner");
        Ok(ended)
    }

    /// Records a new "confirm it's you" in `user`'s session `id`, at
    /// `auth_time`: its later renewals carry it. `InvalidToken` if the
    /// session ended meanwhile.
    pub async fn reauthenticated(
        &self,
        user: UserId,
        id: &str,
        auth_time: u64,
    ) -> Result<(), ApiError> {
        if self.store.reauthenticated(user, id, auth_time).await? {
            Ok(())
        } else {
            Err(ApiError::InvalidToken)
        }
    }

    /// Forgets ended families and tokens now and then every `period`, for
    /// as long as the process runs (several instances each doing so is
    /// harmless: a row is deleted once).
    pub fn prune_every(&self, period: Duration) {
        let store = self.store.clone();
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(period);
            loop {
                ticks.tick().await;
                if let Err(error) = store.prune(unix_now_i64()).await {
                    tracing::warn!(%error, "refresh token pruning skipped");
                }
            }
        });
    }

    /// `Set-Cookie` for `grant`, expiring with it.
    pub fn cookie(&self, grant: &Grant) -> HeaderValue {
        let left = u64::try_from(grant.expires_at - unix_now_i64()).unwrap_or_default();
        cookie::set_cookie(
            &grant.token,
            Duration::from_secs(left),
            self.settings.secure_cookie,
        )
    }

    /// `Set-Cookie` that removes the cookie.
    pub fn clear_cookie(&self) -> HeaderValue {
        cookie::clear_cookie(self.settings.secure_cookie)
    }
}

fn generate() -> Result<RefreshToken, ApiError> {
    RefreshToken::generate().map_err(no_randomness)
}

fn no_randomness(error: getrandom::Error) -> ApiError {
    tracing::error!(%error, "no randomness for a refresh token");
    ApiError::Internal
}

fn secs(duration: Duration) -> i64 {
    i64::try_from(duration.as_secs()).unwrap_or(i64::MAX / 2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        auth::Device,
        domain::{SignInMethod, User, UserName, Username},
        test_databases::on_both_databases,
        users::UserStore,
    };

    const HOUR: Duration = Duration::from_secs(3600);

    fn service(users: &UserStore, ttl: Duration, max_age: Duration) -> RefreshTokens {
        let pools = users.pools().clone();
        let settings = RefreshSettings {
            ttl,
            max_age,
            secure_cookie: true,
        };
        RefreshTokens::new(
            RefreshStore::on(pools.clone()),
            settings,
            ActivityLog::on(pools),
        )
    }

    async fn john(users: &UserStore) -> UserId {
        let id = UserId::new(120).unwrap();
        let user = User {
            id,
            username: Username::parse("john").unwrap(),
            name: UserName::parse("John").unwrap(),
        };
        users.insert_if_absent(&user, "$hash").await.unwrap();
        id
    }

    fn laptop() -> Device {
        Device::of(
            Some("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"),
            None,
        )
    }

    /// A password log-in of `user` on `device`.
    async fn log_in(tokens: &RefreshTokens, user: UserId, device: &Device) -> Grant {
        tokens
            .start(user, SignIn::password(None), device)
            .await
            .unwrap()
    }

    /// `at` is an hour from now, give or take the seconds the test took.
    #[track_caller]
    fn assert_an_hour_away(at: i64) {
        let left = at - unix_now_i64();
        assert!((3590..=3600).contains(&left), "{left}");
    }

    on_both_databases! {
        a_login_lasts_its_ttl_and_a_renewal_as_long_again,
        a_login_never_outlives_its_maximum_age,
        the_cookie_expires_with_the_grant,
        a_renewal_keeps_how_the_person_signed_in,
        sessions_are_listed_with_the_current_one_marked,
        one_session_or_all_others_can_be_ended,
        logging_out_ends_the_login_and_everything_can_end_at_once,
        a_confirmation_is_recorded_in_a_live_session_only,
    }

    async fn a_login_lasts_its_ttl_and_a_renewal_as_long_again(users: UserStore) {
        let tokens = service(&users, HOUR, 2 * HOUR);
        let grant = log_in(&tokens, john(&users).await, &laptop()).await;
        assert_an_hour_away(grant.expires_at);
        let renewed = tokens.rotate(&grant.token, None).await.unwrap();
        assert_an_hour_away(renewed.expires_at);
        assert_eq!(renewed.family, grant.family);
    }

    async fn a_login_never_outlives_its_maximum_age(users: UserStore) {
        let tokens = service(&users, 2 * HOUR, HOUR);
        let grant = log_in(&tokens, john(&users).await, &laptop()).await;
        assert_an_hour_away(grant.expires_at);
    }

    async fn the_cookie_expires_with_the_grant(users: UserStore) {
        let tokens = service(&users, HOUR, 2 * HOUR);
        let grant = log_in(&tokens, john(&users).await, &laptop()).await;
        let cookie = tokens.cookie(&grant);
        let cookie = cookie.to_str().unwrap();
        let max_age: i64 = cookie
            .split("; ")
            .find_map(|attribute| attribute.strip_prefix("Max-Age="))
            .unwrap()
            .parse()
            .unwrap();
        assert!((3590..=3600).contains(&max_age), "{cookie}");
    }

    async fn a_renewal_keeps_how_the_person_signed_in(users: UserStore) {
        let tokens = service(&users, HOUR, 2 * HOUR);
        let passkey = SignIn::now(SignInMethod::Passkey { synced: true }, None);
        let grant = tokens
            .start(john(&users).await, passkey, &laptop())
            .await
            .unwrap();
        let renewed = tokens.rotate(&grant.token, None).await.unwrap();
        assert_eq!(renewed.login.method, SignInMethod::Passkey { synced: true });
    }

    async fn sessions_are_listed_with_the_current_one_marked(users: UserStore) {
        let tokens = service(&users, HOUR, 2 * HOUR);
        let john = john(&users).await;
        let here = log_in(&tokens, john, &laptop()).await;
        let there = log_in(&tokens, john, &Device::default()).await;
        let sessions = tokens.sessions(john, &here.family.id).await.unwrap();
        let marked: Vec<(&str, bool)> = sessions
            .iter()
            .map(|s| (s.id.as_str(), s.current))
            .collect();
        assert_eq!(marked.len(), 2, "{marked:?}");
        assert!(
            marked.contains(&(here.family.id.as_str(), true)),
            "{marked:?}"
        );
        assert!(
            marked.contains(&(there.family.id.as_str(), false)),
            "{marked:?}"
        );
    }

    async fn one_session_or_all_others_can_be_ended(users: UserStore) {
        let tokens = service(&users, HOUR, 2 * HOUR);
        let john = john(&users).await;
        let here = log_in(&tokens, john, &laptop()).await;
        let laptop_label = laptop().label;
        let there = log_in(&tokens, john, &laptop()).await;
        assert_eq!(
            tokens.end_session(john, &there.family.id).await.unwrap(),
            laptop_label
        );
        assert_eq!(
            tokens.end_session(john, &there.family.id).await,
            Err(ApiError::NoSuchSession)
        );
        for _ in 0..2 {
            log_in(&tokens, john, &Device::default()).await;
        }
        assert_eq!(tokens.end_others(john, &here.family.id).await.unwrap(), 2);
        let left: Vec<String> = tokens
            .sessions(john, &here.family.id)
            .await
            .unwrap()
            .into_iter()
            .map(|s| s.id)
            .collect();
        assert_eq!(left, std::slice::from_ref(&here.family.id));
    }

    async fn logging_out_ends_the_login_and_everything_can_end_at_once(users: UserStore) {
        let tokens = service(&users, HOUR, 2 * HOUR);
        let john = john(&users).await;
        let grant = log_in(&tokens, john, &laptop()).await;
        assert_eq!(
            tokens.end(&grant.token).await.unwrap(),
            Some(grant.family.clone())
        );
        let unknown = RefreshToken::generate().unwrap();
        assert_eq!(
            tokens.end(&unknown).await.unwrap(),
            None,
            "no login of its own"
        );
        for _ in 0..3 {
            log_in(&tokens, john, &laptop()).await;
        }
        assert_eq!(tokens.end_all(john).await.unwrap(), 3);
        assert!(tokens.sessions(john, "").await.unwrap().is_empty());
    }

    async fn a_confirmation_is_recorded_in_a_live_session_only(users: UserStore) {
        let tokens = service(&users, HOUR, 2 * HOUR);
        let john = john(&users).await;
        let grant = log_in(&tokens, john, &laptop()).await;
        let later = grant.login.auth_time + 60;
        tokens
            .reauthenticated(john, &grant.family.id, later)
            .await
            .unwrap();
        let renewed = tokens.rotate(&grant.token, None).await.unwrap();
        assert_eq!(renewed.login.auth_time, later);
        tokens.end_all(john).await.unwrap();
        assert_eq!(
            tokens
                .reauthenticated(john, &grant.family.id, later + 60)
                .await,
            Err(ApiError::InvalidToken)
        );
    }

    #[test]
    fn a_lifetime_too_long_for_the_clock_is_capped_far_in_the_future() {
        assert_eq!(secs(HOUR), 3600);
        assert_eq!(secs(Duration::MAX), i64::MAX / 2);
    }
}

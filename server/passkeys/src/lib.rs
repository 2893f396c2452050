//! Passkeys (WebAuthn) as a first factor, with `webauthn-rs`: adding one
//! to an account, signing in with one (no username: the authenticator
//! says whose it is), and the list a person keeps. After a sign-in the
//! person gets what a password login gives; the tokens' `amr` says how
//! they signed in. Server only; a crate of its own so that a service that
//! only checks tokens (favourites) does not link WebAuthn.
//!
//! The relying party is this app's public origin (`PUBLIC_ORIGIN`): its
//! host is the rp id, which WebAuthn allows to be a domain name only (such
//! as `localhost`), never an IP address. Reached by an IP address, the app
//! answers passkey calls with 503 `passkeys_unavailable`.

mod ceremonies;
mod store;

pub use ceremonies::{Ceremonies, Purpose};
pub use photo_spots_core::wire::PasskeySummary;
pub use store::{LastWay, PasskeyStore};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use identity::{clock::unix_now_i64, db::Pools};
use photo_spots_core::{
    domain::{PasskeyName, SignInMethod, User, UserId},
    error::ApiError,
};
use serde::Serialize;
use std::{sync::Arc, time::Duration};
use store::{NewPasskey, Removal};
use webauthn_rs::prelude::{
    CreationChallengeResponse, Credential, DiscoverableAuthentication, Passkey,
    PasskeyRegistration, PublicKeyCredential, RegisterPublicKeyCredential,
    RequestChallengeResponse, Url, Uuid, Webauthn, WebauthnBuilder, WebauthnError,
};
use webauthn_rs_proto::{AllowCredentials, ResidentKeyRequirement};

/// How long a person has to answer their browser's passkey dialog; the
/// ceremony's challenge is refused after it.
pub const CEREMONY_TIME: Duration = Duration::from_secs(300);

/// A ceremony just started: its id, which finishing it names, and the
/// options for the browser's `navigator.credentials` call.
#[derive(Serialize)]
pub struct Started<T> {
    pub ceremony: String,
    pub options: T,
}

/// Whoever signed in with a passkey, how, and with which one (its id).
pub struct SignedIn {
    pub user: UserId,
    pub method: SignInMethod,
    pub passkey: String,
}

#[derive(Clone)]
pub struct Passkeys {
    relying_party: Option<Arc<Webauthn>>,
    store: PasskeyStore,
    ceremonies: Ceremonies,
}

impl Passkeys {
    /// Passkeys for the app at `public_origin`, kept in the main database.
    pub fn new(pools: Pools, public_origin: &str) -> Self {
        let relying_party = relying_party(public_origin)
            .inspect_err(|reason| {
                tracing::warn!(origin = public_origin, %reason, "passkeys are off: WebAuthn needs the app reached by a name such as localhost");
            })
            .ok()
            .map(Arc::new);
        Self {
            relying_party,
            store: PasskeyStore::on(pools.clone()),
            ceremonies: Ceremonies::on(pools),
        }
    }

    fn relying_party(&self) -> Result<&Webauthn, ApiError> {
        self.relying_party
            .as_deref()
            .ok_or(ApiError::PasskeysUnavailable)
    }

    /// Starts adding a passkey to `user`'s account; the credentials they
    /// have already are excluded (their authenticator says so instead of
    /// making a second one).
    pub async fn start_registration(
        &self,
        user: &User,
    ) -> Result<Started<CreationChallengeResponse>, ApiError> {
        let relying_party = self.relying_party()?;
        let fresh = Uuid::new_v4().to_string();
        let handle = self
            .store
            .handle(user.id, &fresh)
            .await?
            .ok_or(ApiError::InvalidToken)?;
        let handle = Uuid::parse_str(&handle).map_err(|_| internal("a stored handle"))?;
        let exclude = self
            .store
            .ids(user.id)
            .await?
            .iter()
            .filter_map(|id| URL_SAFE_NO_PAD.decode(id).ok())
            .collect();
        let (mut options, state) = relying_party
            .start_passkey_registration(
                handle,
                user.username.as_str(),
                user.name.as_str(),
                Some(exclude),
            )
            .map_err(|error| library("start a registration", &error))?;
        // A discoverable credential: signing in then needs no username.
        if let Some(selection) = options.public_key.authenticator_selection.as_mut() {
            selection.resident_key = Some(ResidentKeyRequirement::Required);
            selection.require_resident_key = true;
        }
        let ceremony = self.keep(Purpose::Register, Some(user.id), &state).await?;
        Ok(Started { ceremony, options })
    }

    /// Finishes `user`'s registration `ceremony` with the browser's
    /// `credential`, keeping the passkey as `name`.
    pub async fn finish_registration(
        &self,
        user: UserId,
        ceremony: &str,
        name: &PasskeyName,
        credential: &RegisterPublicKeyCredential,
    ) -> Result<PasskeySummary, ApiError> {
        let relying_party = self.relying_party()?;
        let state: PasskeyRegistration = self.take(ceremony, Purpose::Register, Some(user)).await?;
        // The library refuses an excluded credential with a misleading
        // reason; this one is plain.
        let presented = URL_SAFE_NO_PAD.encode(&credential.raw_id);
        if self.store.ids(user).await?.contains(&presented) {
            return Err(ApiError::PasskeyAlreadyRegistered);
        }
        let passkey = relying_party
            .finish_passkey_registration(credential, &state)
            .map_err(|error| refused("registration", user, &error))?;
        let id = URL_SAFE_NO_PAD.encode(passkey.cred_id());
        let synced = Credential::from(passkey.clone()).backup_state;
        let now = unix_now_i64();
        let stored = serde_json::to_string(&passkey).map_err(|_| internal("a passkey"))?;
        let new = NewPasskey {
            id: &id,
            user,
            name,
            credential: &stored,
            synced,
            now,
        };
        if !self.store.insert(new).await? {
            return Err(ApiError::PasskeyAlreadyRegistered);
        }
        tracing::info!(%user, passkey = %id, synced, "passkey added");
        metrics::counter!("photo_spots_passkeys_added_total").increment(1);
        Ok(PasskeySummary {
            id,
            name: name.to_string(),
            synced,
            created_at: now,
            last_used_at: None,
        })
    }

    /// Starts a sign-in with whichever passkey the person picks.
    pub async fn start_sign_in(&self) -> Result<Started<RequestChallengeResponse>, ApiError> {
        let relying_party = self.relying_party()?;
        let (options, state) = relying_party
            .start_discoverable_authentication()
            .map_err(|error| library("start a sign-in", &error))?;
        let ceremony = self.keep(Purpose::SignIn, None, &state).await?;
        Ok(Started { ceremony, options })
    }

    /// Finishes sign-in `ceremony` with the browser's `credential`: who it
    /// is, if the passkey is registered here, its signature is good, the
    /// person was verified and its counter moved forward.
    pub async fn finish_sign_in(
        &self,
        ceremony: &str,
        credential: &PublicKeyCredential,
    ) -> Result<SignedIn, ApiError> {
        self.finish_authentication(ceremony, (Purpose::SignIn, None), credential)
            .await
    }

    /// Starts `user` confirming it's them (step-up) with one of their own
    /// passkeys: the browser offers only those, at once (not as autofill).
    /// 404 `no_such_passkey` if they have none.
    pub async fn start_reauth(
        &self,
        user: UserId,
    ) -> Result<Started<RequestChallengeResponse>, ApiError> {
        let relying_party = self.relying_party()?;
        let theirs: Vec<Vec<u8>> = self
            .store
            .ids(user)
            .await?
            .iter()
            .filter_map(|id| URL_SAFE_NO_PAD.decode(id).ok())
            .collect();
        if theirs.is_empty() {
            return Err(ApiError::NoSuchPasskey);
        }
        let (mut options, state) = relying_party
            .start_discoverable_authentication()
            .map_err(|error| library("start a confirmation", &error))?;
        options.mediation = None;
        options.public_key.allow_credentials = theirs
            .into_iter()
            .map(|id| AllowCredentials {
                type_: "public-key".to_owned(),
                id,
                transports: None,
            })
            .collect();
        let ceremony = self.keep(Purpose::Reauth, Some(user), &state).await?;
        Ok(Started { ceremony, options })
    }

    /// Finishes `user`'s confirmation `ceremony`: how they confirmed, if
    /// the passkey is one of theirs and checks out as at a sign-in.
    pub async fn finish_reauth(
        &self,
        user: UserId,
        ceremony: &str,
        credential: &PublicKeyCredential,
    ) -> Result<SignInMethod, ApiError> {
        let signed_in = self
            .finish_authentication(ceremony, (Purpose::Reauth, Some(user)), credential)
            .await?;
        if signed_in.user != user {
            tracing::warn!(%user, other = %signed_in.user, "a confirmation offered another user's passkey");
            return Err(ApiError::PasskeyNotRegistered);
        }
        Ok(signed_in.method)
    }

    /// A passkey's answer to an authentication `ceremony` (kept for
    /// `purpose` and `user`): whose passkey it is, if it is registered
    /// here, its signature is good, the person was verified and its
    /// counter moved forward.
    async fn finish_authentication(
        &self,
        ceremony: &str,
        (purpose, user): (Purpose, Option<UserId>),
        credential: &PublicKeyCredential,
    ) -> Result<SignedIn, ApiError> {
        let relying_party = self.relying_party()?;
        let state: DiscoverableAuthentication = self.take(ceremony, purpose, user).await?;
        let (handle, credential_id) = relying_party
            .identify_discoverable_authentication(credential)
            .map_err(|_| ApiError::PasskeyNotRegistered)?;
        let id = URL_SAFE_NO_PAD.encode(credential_id);
        let stored = self
            .store
            .find(&id, &handle.to_string())
            .await?
            .ok_or(ApiError::PasskeyNotRegistered)?;
        let mut passkey: Passkey =
            serde_json::from_str(&stored.credential).map_err(|_| internal("a stored passkey"))?;
        let result = relying_party
            .finish_discoverable_authentication_v2(credential, state, &passkey)
            .map_err(|error| refused("sign-in", stored.user, &error))?;
        passkey.update_credential(&result);
        let after = serde_json::to_string(&passkey).map_err(|_| internal("a passkey"))?;
        let synced = result.backup_state();
        let now = unix_now_i64();
        if !self
            .store
            .record_use(&id, &stored.credential, &after, synced, now)
            .await?
        {
            // Another sign-in with this passkey was accepted meanwhile; its
            // counter is the one that counts.
            tracing::warn!(user = %stored.user, passkey = %id, "two sign-ins with one passkey at once; the later one is refused");
            return Err(ApiError::PasskeyRefused);
        }
        Ok(SignedIn {
            user: stored.user,
            method: SignInMethod::Passkey { synced },
            passkey: id,
        })
    }

    pub async fn list(&self, user: UserId) -> Result<Vec<PasskeySummary>, ApiError> {
        Ok(self.store.list(user).await?)
    }

    pub async fn rename(
        &self,
        user: UserId,
        id: &str,
        name: &PasskeyName,
    ) -> Result<PasskeySummary, ApiError> {
        let renamed = self.store.rename(user, id, name).await?;
        renamed.ok_or(ApiError::NoSuchPasskey)
    }

    /// Removes `user`'s passkey `id`; refused if it is their last way to
    /// sign in, unless `last` allows it.
    pub async fn remove(&self, user: UserId, id: &str, last: LastWay) -> Result<(), ApiError> {
        match self.store.remove(user, id, last).await? {
            Removal::Done(()) => {
                tracing::info!(%user, passkey = %id, "passkey removed");
                Ok(())
            }
            Removal::LastWay => Err(ApiError::LastSignInMethod),
            Removal::Missing => Err(ApiError::NoSuchPasskey),
        }
    }

    /// Removes `user`'s password, so they sign in with passkeys only;
    /// refused while they have none. Returns the new token version: every
    /// older token is refused, as after a password change.
    pub async fn remove_password(&self, user: UserId) -> Result<u32, ApiError> {
        match self.store.remove_password(user).await? {
            Removal::Done(version) => {
                tracing::info!(%user, "password removed; passkeys only from now on");
                u32::try_from(version).map_err(|_| internal("a token version"))
            }
            Removal::LastWay => Err(ApiError::LastSignInMethod),
            Removal::Missing => Err(ApiError::NoPassword),
        }
    }

    async fn keep<S: Serialize>(
        &self,
        purpose: Purpose,
        user: Option<UserId>,
        state: &S,
    ) -> Result<String, ApiError> {
        let id = ceremony_id()?;
        let state = serde_json::to_string(state).map_err(|_| internal("a ceremony"))?;
        let now = unix_now_i64();
        let ends = now + CEREMONY_TIME.as_secs() as i64;
        self.ceremonies
            .keep(&id, purpose, user, &state, (now, ends))
            .await?;
        Ok(id)
    }

    async fn take<S: serde::de::DeserializeOwned>(
        &self,
        ceremony: &str,
        purpose: Purpose,
        user: Option<UserId>,
    ) -> Result<S, ApiError> {
        let state = self
            .ceremonies
            .take(ceremony, purpose, user, unix_now_i64())
            .await?
            .ok_or(ApiError::PasskeyRequestExpired)?;
        serde_json::from_str(&state).map_err(|_| internal("a ceremony"))
    }
}

/// The relying party at `public_origin`: its host is the rp id.
fn relying_party(public_origin: &str) -> Result<Webauthn, String> {
    let origin = Url::parse(public_origin).map_err(|error| error.to_string())?;
    let rp_id = origin
        .domain()
        .ok_or_else(|| "the origin's host is an IP address".to_owned())?
        .to_owned();
    WebauthnBuilder::new(&rp_id, &origin)
        .and_then(|builder| {
            builder
                .rp_name("Photo Spots")
                .timeout(CEREMONY_TIME)
                .build()
        })
        .map_err(|error| error.to_string())
}

fn ceremony_id() -> Result<String, ApiError> {
    let mut bytes = [0u8; 16];
    getrandom::getrandom(&mut bytes).map_err(|_| internal("randomness"))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// A ceremony the library refused: logged with the reason, answered with
/// words a person understands (never the library's).
fn refused(ceremony: &str, user: UserId, error: &WebauthnError) -> ApiError {
    match error {
        WebauthnError::CredentialPossibleCompromise => {
            tracing::warn!(%user, "passkey {ceremony} refused: its signature counter went backwards (a cloned authenticator?)");
            metrics::counter!("photo_spots_passkey_counter_regressions_total").increment(1);
        }
        other => tracing::info!(%user, error = ?other, "passkey {ceremony} refused"),
    }
    ApiError::PasskeyRefused
}

fn library(what: &str, error: &WebauthnError) -> ApiError {
    tracing::error!(?error, "WebAuthn could not {what}");
    ApiError::Internal
}

fn internal(what: &str) -> ApiError {
    tracing::error!("passkeys: could not read or write {what}");
    ApiError::Internal
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_relying_party_is_the_public_origins_host_and_never_an_ip_address() {
        assert!(relying_party("http://localhost:3000").is_ok());
        assert!(relying_party("https://photos.example.com").is_ok());
        for ip in ["http://127.0.0.1:3000", "http://[::1]:3000"] {
            let refused = relying_party(ip).unwrap_err();
            assert!(refused.contains("IP address"), "{ip}: {refused}");
        }
    }
}

//! What every request handler and server function shares (server only).

use crate::{
    auth::{
        AdminPolicy, Authenticated, LoginThrottle, Passwords, TokenService, dpop::DpopPolicy,
        recovery::RecoveryCodes, refresh::RefreshTokens,
    },
    error::ApiError,
    passkeys::Passkeys,
    spots::store::SpotStore,
    users::{ActivityLog, UserStore},
};
use axum::extract::FromRef;
use axum::http::HeaderMap;
use leptos::prelude::LeptosOptions;
use std::{net::IpAddr, path::PathBuf, sync::Arc};

/// What every request handler and server function shares, behind one
/// `Arc`: a request clones the state many times (each extractor, each
/// server function's context), and that is then one reference count, not
/// one per store and pool (an `/api/me` spent 17,000 instructions on those
/// clones: BENCHMARKS.md). Fields are read through it ([`Shared`]).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl AppState {
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

pub struct Shared {
    pub leptos_options: LeptosOptions,
    pub users: UserStore,
    pub spots: SpotStore,
    pub photos: PhotoWork,
    pub tokens: Arc<TokenService>,
    /// How DPoP proofs are checked here: this app's public origin (`htu`),
    /// the proof ids seen lately, and whether bearer tokens are refused.
    pub dpop: DpopPolicy,
    /// The refresh tokens that renew access tokens (one family per login).
    pub refresh: RefreshTokens,
    /// Passkeys: registering them, signing in with them.
    pub passkeys: Passkeys,
    /// The one-use codes that sign a person in when all else is lost.
    pub recovery: RecoveryCodes,
    /// What happened to each account, for its owner.
    pub activity: ActivityLog,
    /// Whether admin calls need a passkey sign-in (`ADMIN_REQUIRES_PASSKEY`).
    pub admin_policy: AdminPolicy,
    pub passwords: Arc<Passwords>,
    pub throttle: Arc<LoginThrottle>,
    /// Where the browser reaches the favourites service (an origin).
    pub favorites_url: Arc<str>,
    /// How long other services may cache the published JWKS.
    pub jwks_max_age: std::time::Duration,
    /// How recent a sign-in sensitive calls need (RFC 9470's `max_age`).
    pub step_up_max_age: std::time::Duration,
    /// Load balancers whose `X-Forwarded-For` is believed (`TRUSTED_PROXY_ADDRESSES`).
    pub trusted_proxies: Arc<[IpAddr]>,
    /// Wakes this instance's security events deliverer after a write to the
    /// outbox (an account deleted), so the other services hear at once.
    pub security_events: Arc<tokio::sync::Notify>,
}

/// Where spot photos are kept and how many uploads are processed at once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhotoSettings {
    /// `PHOTOS_DIR`. Several instances need one shared directory.
    pub dir: PathBuf,
    /// `PHOTO_WORKERS`: uploads decoded and resized at the same time.
    pub workers: usize,
}

/// The photo directory and the permits that bound how many uploads are
/// decoded at once, shared by every request of this process.
#[derive(Clone, Debug)]
pub struct PhotoWork {
    pub dir: Arc<std::path::Path>,
    pub workers: Arc<tokio::sync::Semaphore>,
}

impl PhotoWork {
    pub fn new(settings: &PhotoSettings) -> Self {
        Self {
            dir: settings.dir.as_path().into(),
            workers: Arc::new(tokio::sync::Semaphore::new(settings.workers.max(1))),
        }
    }
}

impl AppState {
    /// The caller's IP address, for throttling (`None` when the server runs
    /// without connection info, e.g. in-process).
    pub fn client_address(&self) -> Option<IpAddr> {
        let parts = leptos::prelude::use_context::<axum::http::request::Parts>()?;
        self.address_of(&parts)
    }

    /// As [`client_address`](Self::client_address), for a request's `parts`.
    pub fn address_of(&self, parts: &axum::http::request::Parts) -> Option<IpAddr> {
        use axum::extract::ConnectInfo;
        let ConnectInfo(peer) = parts
            .extensions
            .get::<ConnectInfo<std::net::SocketAddr>>()?;
        Some(client_behind(
            peer.ip(),
            &self.trusted_proxies,
            &parts.headers,
        ))
    }

    /// The state as provided to server functions by the router.
    pub fn from_context() -> Result<Self, ApiError> {
        leptos::prelude::use_context::<Self>().ok_or_else(|| {
            tracing::error!("AppState missing from the server function context");
            ApiError::Internal
        })
    }

    /// The request's token, checked, inside a server function (leptos_axum
    /// provides the request's parts as context). The server's middleware
    /// checks protected calls before their body is read and leaves the
    /// result in the request; it is used as it is.
    pub async fn authenticated(&self) -> Result<Authenticated, ApiError> {
        let parts =
            leptos::prelude::use_context::<axum::http::request::Parts>().ok_or_else(|| {
                tracing::error!("request parts missing from the server function context");
                ApiError::Internal
            })?;
        if let Some(checked) = parts.extensions.get::<Authenticated>() {
            return Ok(checked.clone());
        }
        Authenticated::check(&parts, &self.tokens, &self.dpop, &self.users).await
    }

    /// As [`authenticated`](Self::authenticated), for a sensitive call: the
    /// sign-in must also be recent (step-up, RFC 9470).
    pub async fn recently_authenticated(&self) -> Result<Authenticated, ApiError> {
        let auth = self.authenticated().await?;
        auth.require_recent_sign_in(self.step_up_max_age)?;
        Ok(auth)
    }

    /// The device of the request being served (its User-Agent and address),
    /// for a session it starts.
    pub fn request_device(&self) -> crate::auth::Device {
        match leptos::prelude::use_context::<axum::http::request::Parts>() {
            Some(parts) => crate::auth::Device::of_request(&parts.headers, self.address_of(&parts)),
            None => crate::auth::Device::default(),
        }
    }
}

/// The client's address: the connection's peer, unless that peer is a
/// trusted proxy, in which case the address that proxy appended last to
/// `X-Forwarded-For`. Earlier entries came from the client and could be
/// anything, so they are never used.
pub fn client_behind(peer: IpAddr, trusted_proxies: &[IpAddr], headers: &HeaderMap) -> IpAddr {
    if !trusted_proxies.contains(&peer) {
        return peer;
    }
    let forwarded = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .last()
        .and_then(|last| last.trim().parse().ok());
    forwarded.unwrap_or(peer)
}

// The extractors' pieces of the state. Written out rather than
// `#[derive(FromRef)]`: the derive gives the pieces of the struct it is on,
// and the state handlers get is `AppState`, one `Arc` around `Shared`.
impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl FromRef<AppState> for Arc<TokenService> {
    fn from_ref(state: &AppState) -> Self {
        state.tokens.clone()
    }
}

impl FromRef<AppState> for DpopPolicy {
    fn from_ref(state: &AppState) -> Self {
        state.dpop.clone()
    }
}

impl FromRef<AppState> for AdminPolicy {
    fn from_ref(state: &AppState) -> Self {
        state.admin_policy
    }
}

impl FromRef<AppState> for UserStore {
    fn from_ref(state: &AppState) -> Self {
        state.users.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    const PROXY: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 9));
    const CLIENT: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(203, 0, 113, 7));

    fn forwarded_for(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append("x-forwarded-for", HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    #[test]
    fn a_trusted_proxy_names_the_client() {
        let headers = forwarded_for(&["203.0.113.7"]);
        assert_eq!(client_behind(PROXY, &[PROXY], &headers), CLIENT);
    }

    #[test]
    fn a_client_cannot_choose_its_address_through_the_header() {
        // The client sent a made-up first entry; the proxy appended the real one.
        let headers = forwarded_for(&["198.51.100.1, 203.0.113.7"]);
        assert_eq!(client_behind(PROXY, &[PROXY], &headers), CLIENT);
        // Straight from the client, with no proxy, the header is ignored.
        let spoofed = forwarded_for(&["198.51.100.1"]);
        assert_eq!(client_behind(CLIENT, &[PROXY], &spoofed), CLIENT);
    }

    #[test]
    fn a_trusted_proxy_without_a_usable_header_is_the_address() {
        assert_eq!(client_behind(PROXY, &[PROXY], &HeaderMap::new()), PROXY);
        let garbage = forwarded_for(&["not an address"]);
        assert_eq!(client_behind(PROXY, &[PROXY], &garbage), PROXY);
    }
}

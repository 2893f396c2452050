//! The favourites service's copy of the main app's public keys.
//!
//! Fetched from `JWT_JWKS_URL` at start (retried, with backoff, until the
//! main app answers), then again when the copy expires (the answer's
//! `Cache-Control: max-age`) and when a token names a key we don't have —
//! at most once per [`UNKNOWN_KID_REFETCH`], so tokens with made-up `kid`s
//! can't make us hammer the issuer. A failed fetch keeps the keys we have.

use arc_swap::ArcSwapOption;
use identity::auth::{
    TokenError,
    keys::{JwkSet, KeySet, PublicKey},
};
use jsonwebtoken::DecodingKey;
use parking_lot::Mutex;
use std::{
    collections::HashMap,
    sync::Arc,
    time::{Duration, Instant},
};
use thiserror::Error;

/// How often a token with an unknown `kid` may cause a fetch.
pub const UNKNOWN_KID_REFETCH: Duration = Duration::from_secs(30);
/// Used when the JWKS answer says nothing about caching.
const DEFAULT_MAX_AGE: Duration = Duration::from_secs(300);
/// Bounds on the issuer's `max-age`: not so short that we fetch in a loop,
/// not so long that a retired key lingers for days.
const MIN_MAX_AGE: Duration = Duration::from_secs(1);
const MAX_MAX_AGE: Duration = Duration::from_secs(3600);
/// A key set is a few hundred bytes; anything this large is not one.
const MAX_JWKS_BYTES: usize = 64 * 1024;
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);
const FIRST_RETRY: Duration = Duration::from_millis(250);
const LONGEST_RETRY: Duration = Duration::from_secs(10);

#[derive(Debug, Error)]
pub enum JwksError {
    #[error("could not reach {url}: {detail}")]
    Unreachable { url: String, detail: String },
    #[error("{url} answered {status}")]
    Status { url: String, status: u16 },
    #[error("{url} did not answer a JWKS: {detail}")]
    NotJwks { url: String, detail: String },
    #[error("{url} holds no Ed25519 signing key")]
    NoUsableKeys { url: String },
}

pub struct JwksCache {
    url: String,
    http: reqwest::Client,
    keys: ArcSwapOption<HashMap<String, PublicKey>>,
    unknown_kid_refetch: Duration,
    last_unknown_kid_fetch: Mutex<Option<Instant>>,
    /// One fetch at a time: requests meeting the same new `kid` together
    /// wait for one answer.
    fetching: tokio::sync::Mutex<()>,
}

impl JwksCache {
    pub fn new(url: String) -> Self {
        Self::with_refetch_interval(url, UNKNOWN_KID_REFETCH)
    }

    fn with_refetch_interval(url: String, unknown_kid_refetch: Duration) -> Self {
        let http = reqwest::Client::builder()
            .timeout(FETCH_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        Self {
            url,
            http,
            keys: ArcSwapOption::empty(),
            unknown_kid_refetch,
            last_unknown_kid_fetch: Mutex::new(None),
            fetching: tokio::sync::Mutex::new(()),
        }
    }

    /// Fetches the key set and, if it is a usable one, replaces ours.
    /// Returns how long it may be cached.
    pub async fn fetch(&self) -> Result<Duration, JwksError> {
        let _one_at_a_time = self.fetching.lock().await;
        let downloaded = self.download().await;
        let outcome = if downloaded.is_ok() { "ok" } else { "failed" };
        metrics::counter!("favorites_jwks_fetches_total", "outcome" => outcome).increment(1);
        let (keys, max_age) = downloaded?;
        let kids: Vec<&str> = keys.keys().map(String::as_str).collect();
        tracing::debug!(url = %self.url, ?kids, "fetched the JWKS");
        self.keys.store(Some(Arc::new(keys)));
        Ok(max_age)
    }

    async fn download(&self) -> Result<(HashMap<String, PublicKey>, Duration), JwksError> {
        let url = self.url.clone();
        let unreachable = |e: reqwest::Error| JwksError::Unreachable {
            url: url.clone(),
            detail: e.to_string(),
        };
        let not_jwks = |detail: String| JwksError::NotJwks {
            url: url.clone(),
            detail,
        };
        let mut response = self.http.get(&self.url).send().await.map_err(unreachable)?;
        if !response.status().is_success() {
            return Err(JwksError::Status {
                url,
                status: response.status().as_u16(),
            });
        }
        let max_age = max_age(response.headers());
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(unreachable)? {
            body.extend_from_slice(&chunk);
            if body.len() > MAX_JWKS_BYTES {
                return Err(not_jwks(format!("larger than {MAX_JWKS_BYTES} bytes")));
            }
        }
        let set: JwkSet = serde_json::from_slice(&body).map_err(|e| not_jwks(e.to_string()))?;
        let keys = usable_keys(&set);
        if keys.is_empty() {
            return Err(JwksError::NoUsableKeys { url });
        }
        Ok((keys, max_age))
    }

    /// Keeps the copy fresh for as long as the service runs: fetches now,
    /// retrying with backoff while the issuer doesn't answer, then again
    /// each time the copy expires.
    pub fn spawn_refresher(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let cache = self.clone();
        tokio::spawn(async move {
            let mut retry = FIRST_RETRY;
            loop {
                match cache.fetch().await {
                    Ok(max_age) => {
                        retry = FIRST_RETRY;
                        tokio::time::sleep(max_age).await;
                    }
                    Err(error) => {
                        tracing::warn!(%error, retry_in = ?retry, "could not fetch the JWKS; keeping the keys we have");
                        tokio::time::sleep(retry).await;
                        retry = (retry * 2).min(LONGEST_RETRY);
                    }
                }
            }
        })
    }

    /// A token named a `kid` we don't have (a key rotated in at the issuer,
    /// or junk): fetch again, unless we did so for this reason recently.
    /// Returns whether it fetched.
    /// Whether a fetch has brought keys yet (until then every token is
    /// refused as "can't check log-ins right now").
    pub fn has_keys(&self) -> bool {
        self.keys.load().is_some()
    }

    pub async fn refetch_for_unknown_kid(&self) -> bool {
        metrics::counter!("favorites_unknown_kid_total").increment(1);
        {
            let mut last = self.last_unknown_kid_fetch.lock();
            if last.is_some_and(|at| at.elapsed() < self.unknown_kid_refetch) {
                return false;
            }
            *last = Some(Instant::now());
        }
        match self.fetch().await {
            Ok(_) => true,
            Err(error) => {
                tracing::warn!(%error, "could not refetch the JWKS for an unknown kid");
                false
            }
        }
    }
}

impl KeySet for JwksCache {
    fn find(&self, kid: &str) -> Result<DecodingKey, TokenError> {
        let keys = self.keys.load();
        let keys = keys.as_deref().ok_or(TokenError::KeysUnavailable)?;
        keys.get(kid)
            .map(|key| key.decoding_key().clone())
            .ok_or_else(|| TokenError::UnknownKey(kid.chars().take(64).collect()))
    }
}

/// The Ed25519 signing keys in `set`, by kid; anything else is skipped.
fn usable_keys(set: &JwkSet) -> HashMap<String, PublicKey> {
    set.keys
        .iter()
        .filter_map(|jwk| match jwk.to_public_key() {
            Ok(key) => Some((key.kid().to_owned(), key)),
            Err(error) => {
                tracing::warn!(%error, kid = ?jwk.kid, "skipping a key in the JWKS");
                None
            }
        })
        .collect()
}

/// `Cache-Control: max-age=N`, kept within sane bounds.
fn max_age(headers: &reqwest::header::HeaderMap) -> Duration {
    headers
        .get_all(reqwest::header::CACHE_CONTROL)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .find_map(|directive| {
            let (name, value) = directive.trim().split_once('=')?;
            if !name.trim().eq_ignore_ascii_case("max-age") {
                return None;
            }
            value.trim().parse::<u64>().ok().map(Duration::from_secs)
        })
        .unwrap_or(DEFAULT_MAX_AGE)
        .clamp(MIN_MAX_AGE, MAX_MAX_AGE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{CACHE_CONTROL, HeaderMap, HeaderValue};

    fn headers(cache_control: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(CACHE_CONTROL, HeaderValue::from_str(cache_control).unwrap());
        headers
    }

    #[test]
    fn max_age_is_read_and_bounded() {
        assert_eq!(
            max_age(&headers("public, max-age=120")),
            Duration::from_secs(120)
        );
        assert_eq!(max_age(&headers("max-age=0")), MIN_MAX_AGE);
        assert_eq!(max_age(&headers("max-age=99999999")), MAX_MAX_AGE);
        assert_eq!(max_age(&headers("no-cache")), DEFAULT_MAX_AGE);
        assert_eq!(max_age(&HeaderMap::new()), DEFAULT_MAX_AGE);
    }

    #[test]
    fn before_the_first_fetch_no_key_is_trusted() {
        let cache = JwksCache::new("http://127.0.0.1:9/jwks.json".into());
        assert!(!cache.has_keys());
        assert_eq!(cache.find("any").unwrap_err(), TokenError::KeysUnavailable);
    }

    #[tokio::test]
    async fn unknown_kid_refetches_are_rate_limited() {
        // Nothing listens on port 9 (discard): each fetch fails fast.
        let cache = JwksCache::with_refetch_interval(
            "http://127.0.0.1:9/jwks.json".into(),
            Duration::from_secs(60),
        );
        // The first attempt goes out (and fails); the next is held back.
        assert!(!cache.refetch_for_unknown_kid().await);
        let before = *cache.last_unknown_kid_fetch.lock();
        assert!(before.is_some());
        assert!(!cache.refetch_for_unknown_kid().await);
        assert_eq!(*cache.last_unknown_kid_fetch.lock(), before);
    }
}

//! Sender-constrained tokens (DPoP, RFC 9449): a token bound to a key pair
//! the browser holds and cannot export, so a copy of the token alone is
//! worth nothing. Every call carries a fresh *proof*, a small JWT signed with
//! that key, naming the request (method and URL), when it was made, a
//! unique id, and a hash of the token it accompanies.
//!
//! - [`proof`]: one proof checked against one request (§4.3).
//! - [`replay`]: the proof ids seen lately, so no proof is used twice.
//! - [`ProofKey`]: how a Rust client (the tests, the benchmark) makes proofs;
//!   the browser makes them with WebCrypto (`client::dpop`).
//!
//! What DPoP does *not* stop: a script running in the page can still ask the
//! browser to sign with the key. It stops a stolen token from being used
//! anywhere else, or later; the CSP is what keeps hostile scripts out.

mod key;
pub mod proof;
pub mod replay;

pub use key::ProofKey;
pub use proof::{ProofCheck, VerifiedProof, access_token_hash};
pub use replay::ReplayCache;

use crate::error::{ApiError, DpopProblem};
use std::sync::Arc;

/// The one proof algorithm accepted (and advertised in `algs`).
pub const ALGORITHM: &str = "ES256";
/// The header that carries a proof.
pub const HEADER: &str = "dpop";

/// A proof that passed every check but whose id is not recorded yet. Anyone
/// can make valid proofs with a key of their own, so a request that is
/// refused (a wrong password, an unknown refresh token) must not spend one:
/// a stranger could otherwise fill the replay cache and have every DPoP
/// call refused until it drained.
#[must_use = "a proof binds nothing until it is spent"]
pub struct UnspentProof(VerifiedProof);

impl UnspentProof {
    /// The thumbprint of the key that made the proof.
    pub fn jkt(&self) -> &str {
        &self.0.jkt
    }
}

/// How one service checks proofs: where it is (the configured public origin
/// decides `htu`, never the `Host` header, which a client or proxy writes),
/// which proof ids it has seen, and whether bearer tokens are still welcome.
#[derive(Clone)]
pub struct DpopPolicy {
    origin: Arc<url::Url>,
    replay: Arc<ReplayCache>,
    required: bool,
}

impl DpopPolicy {
    /// `origin` is this service's public origin (`http://127.0.0.1:3000`,
    /// `https://photos.example`); `required` refuses bearer tokens and
    /// logins without a proof.
    pub fn new(origin: &str, replay: ReplayCache, required: bool) -> Result<Self, url::ParseError> {
        Ok(Self {
            origin: Arc::new(url::Url::parse(origin)?),
            replay: Arc::new(replay),
            required,
        })
    }

    pub fn required(&self) -> bool {
        self.required
    }

    /// The `htu` a proof for `path` on this service must carry.
    pub fn url_of(&self, path: &str) -> Result<url::Url, DpopProblem> {
        self.origin
            .join(path)
            .map_err(|_| DpopProblem::WrongRequest)
    }

    /// Checks the proof in `proof` (the `DPoP` header's value) for a
    /// `method` request to `path`, accompanying `access_token` (none at
    /// login and refresh), made by the key `bound_to` if one is named; then
    /// records its id: a second use is refused.
    pub async fn check(
        &self,
        proof: Option<&str>,
        method: &str,
        path: &str,
        access_token: Option<&str>,
        bound_to: Option<&str>,
    ) -> Result<VerifiedProof, ApiError> {
        let unspent = self.verify(proof, method, path, access_token, bound_to)?;
        self.spend(unspent).await
    }

    /// As [`Self::check`], without recording the proof's id: for a request
    /// that proves nothing else yet (a login, a sign-up, a renewal), which
    /// spends its proof only once its credentials are good.
    pub fn verify(
        &self,
        proof: Option<&str>,
        method: &str,
        path: &str,
        access_token: Option<&str>,
        bound_to: Option<&str>,
    ) -> Result<UnspentProof, ApiError> {
        let proof = proof.ok_or(DpopProblem::Missing)?;
        let url = self.url_of(path)?;
        let verified = proof::verify(
            proof,
            &ProofCheck {
                method,
                url: &url,
                access_token,
                now: crate::clock::unix_now(),
            },
        )?;
        if bound_to.is_some_and(|jkt| jkt != verified.jkt) {
            return Err(DpopProblem::WrongKey.into());
        }
        Ok(UnspentProof(verified))
    }

    /// Records `proof`'s id; a proof already spent is refused.
    pub async fn spend(&self, proof: UnspentProof) -> Result<VerifiedProof, ApiError> {
        self.replay.first_use(&proof.0).await?;
        Ok(proof.0)
    }

    /// Forgets proof ids too old to be accepted again, every `period`.
    pub fn prune_every(&self, period: std::time::Duration) {
        let replay = self.replay.clone();
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(period);
            loop {
                ticks.tick().await;
                if let Err(error) = replay.prune(crate::clock::unix_now()).await {
                    tracing::warn!(%error, "DPoP replay cache pruning skipped");
                }
            }
        });
    }
}

//! Delivering the outbox's security events (`app::users::Outbox`) to the
//! services that trust this app's tokens: each event as a Security Event
//! Token (RFC 8417) signed with the current signing key, pushed per RFC 8935
//! (`POST`, `Content-Type: application/secevent+jwt`, 202 when accepted).
//!
//! Every instance runs one deliverer. It wakes when this instance writes an
//! event, and every [`POLL`] for events other instances wrote or that wait
//! for a retry. An event not acknowledged goes again after a capped
//! back-off ([`retry_after`]): a receiver that was down has it within
//! [`MAX_BACK_OFF`] plus a poll of coming back. The outbox is in the
//! database, so a restart loses nothing; claims are leased, so an instance
//! that dies mid-send leaves the event to the next claim.

use app::{
    auth::{
        TokenService,
        security_event::{MEDIA_TYPE, SetClaims},
    },
    clock::unix_now,
    users::{Outbox, PendingEvent},
};
use reqwest::StatusCode;
use std::{sync::Arc, time::Duration};
use tokio::sync::Notify;

/// The services that hear of a deleted account (their audience names).
pub const EVENT_RECEIVERS: &[&str] = &[app::auth::FAVORITES_AUDIENCE];

/// How often the outbox is looked at without being woken.
pub const POLL: Duration = Duration::from_secs(1);
/// The longest wait between two attempts at one event.
pub const MAX_BACK_OFF: Duration = Duration::from_secs(20);
/// A claimed event is this instance's for this long: longer than a send
/// can take ([`SEND_TIMEOUT`]), short enough that another instance takes
/// over soon after a crash.
const LEASE: Duration = Duration::from_secs(30);
const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// Events claimed at once.
const BATCH: u32 = 16;
/// How often the outbox's depth is read for `/metrics` when nothing moves.
const GAUGE_EVERY_SECONDS: u64 = 15;
/// Acknowledged events are kept this long, for an operator to look at.
const KEEP_DELIVERED: Duration = Duration::from_secs(7 * 86_400);

/// Where one receiver takes its events: its audience name (the SET's
/// `aud`) and its push URL.
#[derive(Clone, Debug)]
pub struct Receiver {
    pub audience: &'static str,
    pub url: String,
}

/// Sends the outbox's events until the database closes.
pub struct Deliverer {
    outbox: Outbox,
    tokens: Arc<TokenService>,
    receivers: Vec<Receiver>,
    http: reqwest::Client,
    wake: Arc<Notify>,
}

/// Why an attempt did not count as delivered.
#[derive(Debug, thiserror::Error)]
enum Undelivered {
    #[error("no receiver is configured for audience {0:?}")]
    NoReceiver(String),
    #[error("could not sign the SET: {0}")]
    Signing(String),
    #[error("the receiver could not be reached: {0}")]
    Unreachable(String),
    #[error("the receiver answered {status}: {body}")]
    Refused { status: StatusCode, body: String },
}

impl Undelivered {
    fn reason(&self) -> &'static str {
        match self {
            Self::NoReceiver(_) => "no_receiver",
            Self::Signing(_) => "signing",
            Self::Unreachable(_) => "unreachable",
            Self::Refused { .. } => "refused",
        }
    }
}

impl Deliverer {
    pub fn new(
        outbox: Outbox,
        tokens: Arc<TokenService>,
        receivers: Vec<Receiver>,
        wake: Arc<Notify>,
    ) -> Self {
        let http = reqwest::Client::builder()
            .timeout(SEND_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        Self {
            outbox,
            tokens,
            receivers,
            http,
            wake,
        }
    }

    /// Runs in the background until the database is closed.
    pub fn spawn(self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(self.run())
    }

    async fn run(self) {
        let (mut next_prune, mut next_gauge) = (0, 0);
        loop {
            let now = unix_now();
            let claimed = match self.outbox.claim(now, LEASE, BATCH).await {
                Ok(claimed) => claimed,
                Err(sqlx::Error::PoolClosed) => return,
                Err(error) => {
                    tracing::warn!(%error, "could not read the security events outbox");
                    Vec::new()
                }
            };
            let busy = claimed.len() == BATCH as usize;
            let claimed_none = claimed.is_empty();
            for event in claimed {
                self.attempt(event).await;
            }
            if now >= next_prune {
                next_prune = now + 3600;
                if let Err(error) = self
                    .outbox
                    .prune(now.saturating_sub(KEEP_DELIVERED.as_secs()))
                    .await
                {
                    tracing::warn!(%error, "could not prune the security events outbox");
                }
            }
            if !claimed_none || now >= next_gauge {
                next_gauge = now + GAUGE_EVERY_SECONDS;
                self.gauge_depth().await;
            }
            if !busy {
                // A wake-up that comes while sending is kept for here.
                let _ = tokio::time::timeout(POLL, self.wake.notified()).await;
            }
        }
    }

    /// One attempt at `event`, and its outcome written back.
    async fn attempt(&self, event: PendingEvent) {
        let outcome = self.send(&event).await;
        let written = match &outcome {
            Ok(()) => {
                metrics::counter!("photo_spots_security_events_delivered_total").increment(1);
                tracing::info!(jti = %event.jti, receiver = %event.receiver, user = %event.subject, attempts = event.attempts, "security event delivered");
                self.outbox.delivered(event.id, unix_now()).await
            }
            Err(error) => {
                metrics::counter!("photo_spots_security_event_failures_total", "reason" => error.reason())
                    .increment(1);
                let wait = retry_after(event.attempts);
                tracing::warn!(jti = %event.jti, receiver = %event.receiver, attempts = event.attempts, retry_in = ?wait, %error, "security event not delivered");
                let retry_at = unix_now().saturating_add(wait.as_secs());
                self.outbox
                    .failed(event.id, retry_at, &error.to_string())
                    .await
            }
        };
        if let Err(error) = written {
            // The lease runs out and the event goes again: at least once.
            tracing::warn!(jti = %event.jti, %error, "could not record a delivery attempt");
        }
    }

    async fn send(&self, event: &PendingEvent) -> Result<(), Undelivered> {
        let receiver = self
            .receivers
            .iter()
            .find(|receiver| receiver.audience == event.receiver)
            .ok_or_else(|| Undelivered::NoReceiver(event.receiver.clone()))?;
        // Signed at each attempt: after a key rotation the retry carries
        // the key the receiver now trusts.
        let set = self
            .tokens
            .sign_security_event(&SetClaims::of(event))
            .map_err(|error| Undelivered::Signing(error.to_string()))?;
        let response = self
            .http
            .post(&receiver.url)
            .header(reqwest::header::CONTENT_TYPE, MEDIA_TYPE)
            .header(reqwest::header::ACCEPT, "application/json")
            .body(set)
            .send()
            .await
            .map_err(|error| Undelivered::Unreachable(error.without_url().to_string()))?;
        let status = response.status();
        if status == StatusCode::ACCEPTED {
            return Ok(());
        }
        let body: String = response
            .text()
            .await
            .unwrap_or_default()
            .chars()
            .take(200)
            .collect();
        Err(Undelivered::Refused { status, body })
    }

    async fn gauge_depth(&self) {
        if let Ok(depth) = self.outbox.depth().await {
            metrics::gauge!("photo_spots_security_event_outbox_depth").set(depth as f64);
        }
    }
}

/// The wait after attempt number `attempts` failed: 1, 2, 4, 8, 16 seconds,
/// then [`MAX_BACK_OFF`].
pub fn retry_after(attempts: u32) -> Duration {
    let doubled = 1u64 << attempts.saturating_sub(1).min(16);
    Duration::from_secs(doubled).min(MAX_BACK_OFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_to_a_cap_that_keeps_delivery_within_thirty_seconds() {
        let waits: Vec<u64> = (1..=8).map(|n| retry_after(n).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 20, 20, 20]);
        assert!(MAX_BACK_OFF + POLL < Duration::from_secs(30));
        assert_eq!(retry_after(u32::MAX), MAX_BACK_OFF);
    }
}

//! Keeping the access token fresh: `POST /api/refresh` with the HttpOnly
//! refresh cookie (which this code never sees) trades it for a new access
//! token and a new cookie.

use super::storage::stored_token;
#[cfg(feature = "hydrate")]
use super::storage::{end_session, store_token};

/// What a renewal came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Renewal {
    /// A fresh access token, stored (by this tab or, a moment ago, another).
    Renewed(String),
    /// The server refused the refresh token: the session has been ended
    /// (the page is on its way to the login page).
    Refused,
    /// No answer, or the server can't answer now: try again later; the
    /// session goes on until its access token runs out.
    Unreachable,
    /// There is no session to renew any more (logged out meanwhile, here or
    /// in another tab).
    LoggedOut,
}

/// Renews the access token `stale` (the one found due, or refused as
/// expired). One renewal at a time across all tabs; a tab that waited
/// finds the token another tab just stored and uses it.
pub async fn renew(stale: Option<String>) -> Renewal {
    #[cfg(feature = "hydrate")]
    {
        renewed(stale).await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = stale;
        Renewal::Unreachable
    }
}

/// [`renew`], in a wasm file of its own (`cargo leptos --split`), fetched
/// with the first renewal: a page without a session never downloads it.
#[cfg(feature = "hydrate")]
#[leptos::lazy]
async fn renewed(stale: Option<String>) -> Renewal {
    let renewal = super::lock::exclusively(super::lock::RENEW_LOCK, async move {
        let Some(current) = stored_token() else {
            return Renewal::LoggedOut;
        };
        let someone_renewed = Some(&current) != stale.as_ref();
        if someone_renewed && !is_due(&current, js_sys::Date::now()) {
            return Renewal::Renewed(current);
        }
        exchange_refresh_token().await
    })
    .await;
    if renewal == Renewal::Refused {
        end_session();
    }
    renewal
}

/// The token to send now: the stored one, renewed first if it is due.
/// `None` when there is no session (or it just ended).
pub async fn fresh_token() -> Option<String> {
    let token = stored_token()?;
    #[cfg(feature = "hydrate")]
    if is_due(&token, js_sys::Date::now()) {
        return match renew(Some(token.clone())).await {
            Renewal::Renewed(fresh) => Some(fresh),
            Renewal::Refused | Renewal::LoggedOut => None,
            // The server will say whether it still takes the old one.
            Renewal::Unreachable => Some(token),
        };
    }
    Some(token)
}

/// Runs `call` with a fresh token and, if its answer says the token expired
/// after all (`expired`; the browser's clock may be off), renews the token
/// and runs `call` once more: once, never in a loop.
#[cfg(feature = "hydrate")]
pub async fn with_fresh_token<R, Fut>(
    call: impl Fn(Option<String>) -> Fut,
    expired: impl Fn(&R) -> bool,
) -> R
where
    Fut: std::future::Future<Output = R>,
{
    let token = fresh_token().await;
    let answer = call(token.clone()).await;
    if !expired(&answer) {
        return answer;
    }
    match renew(token).await {
        Renewal::Renewed(fresh) => call(Some(fresh)).await,
        _ => answer,
    }
}

/// Whether `token` should be renewed at `now_ms`: from a third of its
/// lifetime before its end (at most a minute before), so a 10-minute token
/// is renewed at 9 minutes, and a 6-second one (in tests) at 4 seconds.
pub fn is_due(token: &str, now_ms: f64) -> bool {
    renew_at_ms(token).is_none_or(|at| now_ms >= at)
}

/// When `token` falls due (ms since 1970); `None` if it has no readable
/// `iat` and `exp` (then it is due at once: only the server can say more).
pub fn renew_at_ms(token: &str) -> Option<f64> {
    let claims = crate::token::UnverifiedClaims::read(token)?;
    let (issued, expires) = (claims.iat? as f64, claims.exp? as f64);
    let margin = ((expires - issued) / 3.0).clamp(0.0, 60.0);
    Some((expires - margin) * 1000.0)
}

/// `POST /api/refresh/logout`: this device's refresh family is revoked and
/// its cookie cleared. Best effort: if it fails, the page has forgotten the
/// access token anyway, and the cookie ends with its lifetime.
pub async fn end_login_on_server() {
    #[cfg(feature = "hydrate")]
    {
        use crate::wire::{CSRF_HEADER, REFRESH_LOGOUT_PATH};
        let sent = gloo_net::http::Request::post(REFRESH_LOGOUT_PATH)
            .header(CSRF_HEADER, "1")
            .send()
            .await;
        if !sent.is_ok_and(|response| response.ok()) {
            leptos::logging::warn!("the server did not confirm the log-out of this device");
        }
    }
}

/// One `POST /api/refresh`.
#[cfg(feature = "hydrate")]
async fn exchange_refresh_token() -> Renewal {
    use crate::wire::{CSRF_HEADER, LoginResponse, REFRESH_PATH};
    let mut request = gloo_net::http::Request::post(REFRESH_PATH).header(CSRF_HEADER, "1");
    // A bound login is renewed only with a proof by its key.
    for (name, value) in crate::client::dpop::authorization("POST", REFRESH_PATH, None).await {
        request = request.header(name, &value);
    }
    let request = request.build();
    let Ok(request) = request else {
        return Renewal::Unreachable;
    };
    let answer = crate::client::http::send(request).await;
    match answer.and_then(|body| crate::client::http::decode::<LoginResponse>(&body)) {
        Ok(LoginResponse { token, .. }) => {
            // The session may have ended while the request was out (a call
            // refused an edited token, another tab logged out): a late
            // answer must not bring it back.
            if stored_token().is_none() || super::storage::is_leaving() {
                return Renewal::LoggedOut;
            }
            store_token(&token);
            Renewal::Renewed(token)
        }
        Err(error) if error.ends_session() => Renewal::Refused,
        // No answer, or the server can't answer now (503, 500).
        Err(_) => Renewal::Unreachable,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};

    fn token(iat: u64, exp: u64) -> String {
        let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"EdDSA"}"#);
        let payload = URL_SAFE_NO_PAD.encode(format!(r#"{{"sub":"120","iat":{iat},"exp":{exp}}}"#));
        format!("{header}.{payload}.sig")
    }

    #[test]
    fn a_ten_minute_token_is_renewed_a_minute_before_its_end() {
        let ten_minutes = token(1_000, 1_600);
        assert_eq!(renew_at_ms(&ten_minutes), Some(1_540_000.0));
        assert!(!is_due(&ten_minutes, 1_539_000.0));
        assert!(is_due(&ten_minutes, 1_540_000.0));
        assert!(is_due(&ten_minutes, 2_000_000.0), "and when it has expired");
    }

    #[test]
    fn a_short_token_is_renewed_with_a_third_of_its_life_left() {
        assert_eq!(renew_at_ms(&token(1_000, 1_006)), Some(1_004_000.0));
    }

    #[test]
    fn a_token_without_times_is_due_at_once() {
        assert!(is_due("not a token", 0.0));
        let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"EdDSA"}"#);
        let payload = URL_SAFE_NO_PAD.encode(r#"{"sub":"120"}"#);
        assert!(is_due(&format!("{header}.{payload}.sig"), 0.0));
    }
}

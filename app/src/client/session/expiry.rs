//! When the access token ends, as the token says (`exp`), and how the page
//! puts it in words.
//!
//! The token carries its own end: `exp`, in seconds since 1970. The page
//! reads it (unverified, like the name: only the server's check decides)
//! to renew it on time and, when renewing fails, to warn before it ends.
//! The browser's clock is assumed to be right to within a few seconds; if
//! it is far off, the server says "expired" and the page renews then.

use crate::token::UnverifiedClaims;

/// From how far ahead of the end the profile warns.
pub const WARN_BEFORE_SECS: f64 = 5.0 * 60.0;

/// The token's `exp`, in milliseconds since 1970 (JavaScript's clock).
pub fn expires_at_ms(token: &str) -> Option<f64> {
    Some(UnverifiedClaims::read(token)?.exp? as f64 * 1000.0)
}

/// "Your session ends in 2 minutes." for `remaining_secs` left.
pub fn describe_remaining(remaining_secs: f64) -> String {
    let secs = remaining_secs.max(0.0).ceil() as u64;
    let (count, unit) = if secs > 90 {
        ((secs + 30) / 60, "minute")
    } else {
        (secs, "second")
    };
    let plural = if count == 1 { "" } else { "s" };
    format!("Your session ends in {count} {unit}{plural}.")
}

/// Whether the profile should warn now.
pub fn should_warn(remaining_secs: f64) -> bool {
    remaining_secs <= WARN_BEFORE_SECS
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};

    #[test]
    fn the_end_comes_from_the_token_exp_claim() {
        let payload = URL_SAFE_NO_PAD.encode(r#"{"sub":"120","exp":1700000000}"#);
        let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"EdDSA"}"#);
        let token = format!("{header}.{payload}.sig");
        assert_eq!(expires_at_ms(&token), Some(1_700_000_000_000.0));
        let no_exp = format!(
            "{header}.{}.sig",
            URL_SAFE_NO_PAD.encode(r#"{"sub":"120"}"#)
        );
        assert_eq!(expires_at_ms(&no_exp), None);
        assert_eq!(expires_at_ms("not a token"), None);
    }

    #[test]
    fn the_time_left_reads_as_people_say_it() {
        assert_eq!(describe_remaining(120.0), "Your session ends in 2 minutes.");
        assert_eq!(describe_remaining(100.0), "Your session ends in 2 minutes.");
        assert_eq!(describe_remaining(89.2), "Your session ends in 90 seconds.");
        assert_eq!(describe_remaining(1.0), "Your session ends in 1 second.");
        assert_eq!(describe_remaining(0.4), "Your session ends in 1 second.");
        assert_eq!(describe_remaining(-3.0), "Your session ends in 0 seconds.");
        assert_eq!(
            describe_remaining(3600.0),
            "Your session ends in 60 minutes."
        );
    }

    #[test]
    fn the_warning_starts_five_minutes_before_the_end() {
        assert!(!should_warn(301.0));
        assert!(should_warn(300.0));
        assert!(should_warn(10.0));
    }
}

//! The one wall clock the server reads: seconds since the Unix epoch, for
//! token times (`iat`, `exp`), refresh-token and key lifetimes, and the
//! spots' timestamps. The logic that depends on time takes `now` as an
//! argument, so tests pass the time they need; only the callers at the
//! edge read this.

use std::time::{SystemTime, UNIX_EPOCH};

/// Now, in whole seconds since 1970 (0 for a clock set before 1970).
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

/// [`unix_now`] as the databases store it (a signed 64-bit integer).
pub fn unix_now_i64() -> i64 {
    i64::try_from(unix_now()).unwrap_or(i64::MAX)
}

//! The token in the browser's localStorage.
//!
//! It lives under one key, [`TOKEN_KEY`], as a JSON string (gloo-storage's
//! format). localStorage survives reloads and is shared by the tabs of one
//! origin; it is also readable by any script on the page, which is why the
//! page must never run script it didn't ship.
//!
//! On the server these functions do nothing: there is no localStorage there.

#[cfg(feature = "hydrate")]
use crate::domain::ReturnPath;

/// The localStorage key holding the token.
pub const TOKEN_KEY: &str = "photo-spots.token";

/// Set (to the time, in ms) just before a tab drops a token the server
/// refused or that expired, so the other tabs, which only see the token
/// disappear, can tell that from a plain log-out and say why.
pub const ENDED_KEY: &str = "photo-spots.session-ended";

/// Where the browser goes when the server refuses the stored token.
pub const SESSION_ENDED_PATH: &str = "/login?session=ended";

/// The stored token, if any.
pub fn stored_token() -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        use gloo_storage::Storage;
        gloo_storage::LocalStorage::get::<String>(TOKEN_KEY).ok()
    }
    #[cfg(not(feature = "hydrate"))]
    None
}

pub fn store_token(token: &str) {
    #[cfg(feature = "hydrate")]
    {
        use gloo_storage::Storage;
        if let Err(error) = gloo_storage::LocalStorage::set(TOKEN_KEY, token) {
            leptos::logging::warn!("could not store the token: {error}");
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = token;
}

pub fn clear_token() {
    #[cfg(feature = "hydrate")]
    {
        use gloo_storage::Storage;
        gloo_storage::LocalStorage::delete(TOKEN_KEY);
    }
}

/// The server refused the token, or it expired: forget it and send the
/// person to log in, coming back to this page afterwards. A full navigation
/// also resets every piece of page state built on the old session.
pub fn end_session() {
    #[cfg(feature = "hydrate")]
    {
        use gloo_storage::Storage;
        // Whole milliseconds: writing and reading a float would bring a
        // float formatter and parser into every page's wasm.
        let _ = gloo_storage::LocalStorage::set(ENDED_KEY, js_sys::Date::now() as u64);
    }
    clear_token();
    go_to_login_session_ended();
}

#[cfg(feature = "hydrate")]
thread_local! {
    /// Whether this page is already on its way to the login page. Several
    /// things can end a session at once (the expiry clock, a refused call,
    /// another tab); a second navigation would abort the first.
    static LEAVING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether this page has ended its session and is on its way to log in.
#[cfg(feature = "hydrate")]
pub fn is_leaving() -> bool {
    LEAVING.with(std::cell::Cell::get)
}

/// A full navigation to the login page saying the session ended, with this
/// page as `next`. Once per page.
pub fn go_to_login_session_ended() {
    #[cfg(feature = "hydrate")]
    if LEAVING.with(|leaving| leaving.replace(true)) {
        return;
    }
    #[cfg(feature = "hydrate")]
    if let Some(window) = web_sys::window() {
        let location = window.location();
        let here = format!(
            "{}{}",
            location.pathname().unwrap_or_default(),
            location.search().unwrap_or_default()
        );
        let target = ReturnPath::parse(&here).map_or_else(
            || SESSION_ENDED_PATH.to_owned(),
            |path| path.session_ended_url(),
        );
        let _ = location.set_href(&target);
    }
}

/// The account is gone: forget the token and go to `path` with a full
/// navigation (no page state of the old session survives), marked as
/// leaving so that nothing sends the page to the login page meanwhile.
pub fn leave_for(path: &str) {
    clear_token();
    #[cfg(feature = "hydrate")]
    {
        LEAVING.with(|leaving| leaving.set(true));
        if let Some(window) = web_sys::window() {
            let _ = window.location().set_href(path);
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}

/// Whether another tab ended the session a moment ago (rather than the
/// person logging out there).
#[cfg(feature = "hydrate")]
pub fn ended_just_now() -> bool {
    use gloo_storage::Storage;
    gloo_storage::LocalStorage::get::<u64>(ENDED_KEY)
        .is_ok_and(|at| js_sys::Date::now() - (at as f64) < 5_000.0)
}

//! The token in the browser's localStorage.
//!
//! It lives under one key, [`TOKEN_KEY`], as a JSON string (gloo-storage's
//! format). localStorage survives reloads and is shared by the tabs of one
//! origin; it is also readable by any script on the page, which is why the
//! page must never run script it didn't ship.
//!
//! On the server these functions do nothing: there is no localStorage there.

/// The localStorage key holding the token.
pub const TOKEN_KEY: &str = "photo-spots.token";

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

/// The server refused the token: forget it and send the person to log in.
/// A full navigation also resets every piece of page state built on the old
/// session.
pub fn end_session() {
    clear_token();
    #[cfg(feature = "hydrate")]
    if let Some(window) = web_sys::window() {
        let _ = window.location().set_href(SESSION_ENDED_PATH);
    }
}

use crate::{auth::TokenParts, domain::User};
use leptos::prelude::*;

thread_local! {
    /// Whether the page has finished hydrating (set by the browser crate).
    static HYDRATED: ArcRwSignal<bool> = ArcRwSignal::new(false);
}

/// Called once the server's HTML is hydrated: the session may now be read
/// from localStorage and change what the page shows.
pub fn hydrated() {
    HYDRATED.with(|hydrated| hydrated.set(true));
}

/// The page's view of the session, provided as context by `App`.
///
/// It starts empty on the server and while hydrating (the server can't see
/// localStorage), and is filled from localStorage once the page is live, so
/// the first render matches the server's HTML.
#[derive(Clone, Copy)]
pub struct Session {
    token: RwSignal<Option<String>>,
    /// The name to show in the nav: from the token, then from the server.
    name: RwSignal<Option<String>>,
    /// Whether localStorage has been read (always false on the server).
    loaded: RwSignal<bool>,
}

impl Session {
    pub fn provide() -> Self {
        let session = Self {
            token: RwSignal::new(None),
            name: RwSignal::new(None),
            loaded: RwSignal::new(false),
        };
        provide_context(session);
        // Effects only run in the browser. Hydration is asynchronous (lazy
        // routes), so this one waits for it to end.
        let hydrated = HYDRATED.with(ArcRwSignal::clone);
        Effect::new(move |_| {
            if !hydrated.get() {
                return;
            }
            let token = stored_token();
            session.name.set(token.as_deref().and_then(name_in_token));
            session.token.set(token);
            session.loaded.set(true);
        });
        session
    }

    pub fn get() -> Self {
        expect_context::<Self>()
    }

    /// After a successful login.
    pub fn start(&self, token: &str, user: &User) {
        store_token(token);
        self.token.set(Some(token.to_owned()));
        self.name.set(Some(user.name.to_string()));
    }

    /// Log out: forget the token here and in localStorage.
    pub fn end(&self) {
        clear_token();
        self.token.set(None);
        self.name.set(None);
    }

    pub fn token(&self) -> Option<String> {
        self.token.get()
    }

    pub fn name(&self) -> Option<String> {
        self.name.get()
    }

    pub fn set_name(&self, name: &str) {
        self.name.set(Some(name.to_owned()));
    }

    pub fn loaded(&self) -> bool {
        self.loaded.get()
    }

    /// Whether the token says `"admin": true`: read, not verified, so only
    /// a hint for what to show. The server checks the signature and the
    /// database on every admin call.
    pub fn says_admin(&self) -> bool {
        self.token.with(|token| {
            token
                .as_deref()
                .and_then(|token| TokenParts::decode(token)?.payload_json())
                .is_some_and(|payload| payload["admin"] == true)
        })
    }
}

/// The `name` claim, read (not verified) for display only.
fn name_in_token(token: &str) -> Option<String> {
    let payload = TokenParts::decode(token)?.payload_json()?;
    payload.get("name")?.as_str().map(str::to_owned)
}

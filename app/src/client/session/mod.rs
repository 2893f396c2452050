//! The session in the browser: the access token in localStorage, kept in
//! step across tabs, and renewed before it expires with the refresh cookie
//! (which the page never sees).

mod expiry;
#[cfg(feature = "hydrate")]
mod lock;
mod renew;
mod storage;
mod tabs;

pub use expiry::{describe_remaining, expires_at_ms, should_warn};
#[cfg(feature = "hydrate")]
pub use renew::with_fresh_token;
pub use renew::{Renewal, fresh_token, is_due, renew, renew_at_ms};
pub use storage::{
    ENDED_KEY, SESSION_ENDED_PATH, TOKEN_KEY, clear_token, end_session, leave_for, store_token,
    stored_token,
};

use crate::{domain::User, token::UnverifiedClaims};
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
    /// The browser's clock (ms since 1970), ticking once a second once the
    /// page is live: what the expiry check and the countdown read.
    now_ms: RwSignal<f64>,
    /// The token's `exp` in ms, decoded once per token (not once per tick).
    expires_at_ms: Memo<Option<f64>>,
    /// When the token falls due for renewal (ms), decoded once per token.
    renew_at_ms: Memo<Option<f64>>,
    /// A renewal is under way (one at a time per tab).
    renewing: RwSignal<bool>,
    /// The last renewal got no answer; the next try is not before `retry_at_ms`.
    renewal_failing: RwSignal<bool>,
    retry_at_ms: RwSignal<f64>,
}

/// After a renewal that got no answer, the next try waits this long.
const RETRY_AFTER_MS: f64 = 5_000.0;

impl Session {
    pub fn provide() -> Self {
        let token = RwSignal::new(None::<String>);
        let session = Self {
            token,
            name: RwSignal::new(None),
            loaded: RwSignal::new(false),
            now_ms: RwSignal::new(0.0),
            expires_at_ms: Memo::new(move |_| token.with(|t| t.as_deref().and_then(expires_at_ms))),
            renew_at_ms: Memo::new(move |_| token.with(|t| t.as_deref().and_then(renew_at_ms))),
            renewing: RwSignal::new(false),
            renewal_failing: RwSignal::new(false),
            retry_at_ms: RwSignal::new(0.0),
        };
        provide_context(session);
        // Effects only run in the browser. Hydration is asynchronous (lazy
        // routes), so this one waits for it to end.
        let hydrated = HYDRATED.with(ArcRwSignal::clone);
        Effect::new(move |_| {
            if !hydrated.get() {
                return;
            }
            session.replace(stored_token());
            session.loaded.set(true);
            tabs::follow_other_tabs(session);
            session.tick();
        });
        // The page renews its token before it expires (and at once after a
        // reload that finds it expired), so an open tab never meets the
        // login page while its refresh token is good.
        Effect::new(move |_| {
            let now = session.now_ms.get();
            let due = session.renew_at_ms.get().is_some_and(|at| now >= at);
            if now == 0.0 || !due || session.renewing.get_untracked() {
                return;
            }
            if now < session.retry_at_ms.get_untracked() {
                return;
            }
            session.renew_now();
        });
        session
    }

    /// Renews the token in the background and shows the outcome.
    fn renew_now(&self) {
        let session = *self;
        let stale = self.token.get_untracked();
        self.renewing.set(true);
        leptos::task::spawn_local(async move {
            let renewal = renew(stale).await;
            session.after_renewal(renewal);
        });
    }

    fn after_renewal(&self, renewal: Renewal) {
        match renewal {
            Renewal::Renewed(token) => {
                self.renewal_failing.set(false);
                if self.token.with_untracked(|t| t.as_deref() != Some(&token)) {
                    self.replace(Some(token));
                }
            }
            // The page is on its way to the login page.
            Renewal::Refused => return,
            Renewal::LoggedOut => self.replace(None),
            Renewal::Unreachable => {
                self.renewal_failing.set(true);
                let now = self.now_ms.get_untracked();
                self.retry_at_ms.set(now + RETRY_AFTER_MS);
            }
        }
        self.renewing.set(false);
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

    /// Log out: forget the token here and in localStorage, end this
    /// device's login on the server (its refresh family; the cookie goes),
    /// and delete the key its tokens were bound to.
    pub fn end(&self) {
        clear_token();
        self.replace(None);
        leptos::task::spawn_local(async {
            renew::end_login_on_server().await;
            crate::client::dpop::forget_key().await;
        });
    }

    /// Whether renewing the token is failing (no answer from the server),
    /// so the token may run out before a renewal gets through.
    pub fn renewal_failing(&self) -> bool {
        self.renewal_failing.get()
    }

    /// Shows `token` (read from localStorage) as the session.
    fn replace(&self, token: Option<String>) {
        self.name.set(token.as_deref().and_then(name_in_token));
        self.token.set(token);
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

    /// Seconds until the token's `exp` (by this browser's clock), if there
    /// is a token. Updates once a second.
    pub fn remaining_secs(&self) -> Option<f64> {
        let now = self.now_ms.get();
        if now == 0.0 {
            return None; // not live yet
        }
        let end = self.expires_at_ms.get()?;
        Some((end - now) / 1000.0)
    }

    /// Whether the token says `"admin": true`: read, not verified, so only
    /// a hint for what to show. The server checks the signature and the
    /// database on every admin call.
    pub fn says_admin(&self) -> bool {
        self.token.with(|token| {
            token
                .as_deref()
                .and_then(UnverifiedClaims::read)
                .is_some_and(|claims| claims.admin)
        })
    }

    /// Starts the clock: now, then once a second for the page's life.
    fn tick(&self) {
        #[cfg(feature = "hydrate")]
        {
            let now_ms = self.now_ms;
            now_ms.set(js_sys::Date::now());
            let ticking = set_interval_with_handle(
                move || now_ms.set(js_sys::Date::now()),
                std::time::Duration::from_secs(1),
            );
            if ticking.is_err() {
                leptos::logging::warn!("no timer: the session will end on the server's word only");
            }
        }
    }
}

/// The `name` claim, read (not verified) for display only.
fn name_in_token(token: &str) -> Option<String> {
    UnverifiedClaims::read(token)?.name
}

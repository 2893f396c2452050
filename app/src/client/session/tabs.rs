//! Every open tab of the site shows the same session.
//!
//! Tabs of one origin share localStorage, and each is told (the `storage`
//! event) when another tab changes it. So a log-in, a log-out or a refused
//! token in one tab reaches the others at once, with no reload and no
//! polling.

use super::Session;

/// Listens, for the page's life, to the other tabs' changes to the token.
pub fn follow_other_tabs(session: Session) {
    #[cfg(feature = "hydrate")]
    {
        use super::storage::{TOKEN_KEY, ended_just_now, go_to_login_session_ended, stored_token};
        use leptos::prelude::*;

        // Never removed: one session per page, for the page's life.
        let _listening = window_event_listener(leptos::ev::storage, move |event| {
            // No key: the whole storage was cleared (e.g. from devtools).
            if event.key().is_some_and(|key| key != TOKEN_KEY) {
                return;
            }
            let token = stored_token();
            let had_one = session.token.with_untracked(Option::is_some);
            if token.is_none() && had_one && ended_just_now() {
                // Refused or expired over there: say so here too.
                go_to_login_session_ended();
                return;
            }
            session.replace(token);
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = session;
}

//! What every page of the account shares: it is for signed-in people only.

use crate::client::session::Session;
use leptos::prelude::*;
use leptos_router::{NavigateOptions, hooks::use_navigate};

/// Opened without a session: log in, then come back to `path`. A session
/// that ends while the page is open (a log-out, here or in another tab)
/// goes to the plain login page.
pub fn signed_in_only(path: &'static str) -> Session {
    let session = Session::get();
    let navigate = use_navigate();
    Effect::new(move |had_token: Option<bool>| {
        let has_token = session.token().is_some();
        if session.loaded() && !has_token {
            let target = match had_token {
                Some(true) => "/login".to_owned(),
                _ => format!("/login?next={path}"),
            };
            navigate(&target, NavigateOptions::default());
        }
        has_token
    });
    session
}

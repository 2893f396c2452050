use crate::client::session::{Session, describe_remaining, should_warn};
use leptos::prelude::*;

/// "Your session ends in 2 minutes.", shown shortly before the token
/// expires. Tokens are not renewed, so at the end the person must log in
/// again; the page ends the session by itself then (see `Session`).
#[component]
pub fn SessionClock() -> impl IntoView {
    let session = Session::get();
    let warning = move || {
        session
            .remaining_secs()
            .filter(|&left| should_warn(left))
            .map(describe_remaining)
    };
    view! {
        <Show when=move || warning().is_some()>
            <p class="notice" role="status" data-testid="session-clock">
                {warning}" You will need to log in again then."
            </p>
        </Show>
    }
}

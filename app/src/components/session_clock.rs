use crate::client::session::{Session, describe_remaining, should_warn};
use leptos::prelude::*;

/// "Your session ends in 2 minutes.", shown only when the page can't renew
/// the token (the server has not answered) and it is about to expire.
/// Normally the page renews it well before, and nothing shows.
#[component]
pub fn SessionClock() -> impl IntoView {
    let session = Session::get();
    let warning = move || {
        if !session.renewal_failing() {
            return None;
        }
        session
            .remaining_secs()
            .filter(|&left| should_warn(left))
            .map(describe_remaining)
    };
    view! {
        <Show when=move || warning().is_some()>
            <p class="notice" role="status" data-testid="session-clock">
                {warning}" Photo Spots can't be reached to renew it; it will go on if the connection comes back."
            </p>
        </Show>
    }
}

use super::signed_in::signed_in_only;
use crate::components::{AccountNav, ActivityList, SessionClock, SessionsPanel};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

/// `/profile/sessions`: where you are signed in, ending a session, and
/// what happened to the account lately.
pub struct SessionsPage;

#[lazy_route]
impl LazyRoute for SessionsPage {
    fn data() -> Self {
        Self
    }

    fn view(this: Self) -> AnyView {
        let SessionsPage = this;
        sessions_page().into_any()
    }
}

fn sessions_page() -> impl IntoView {
    let session = signed_in_only("/profile/sessions");
    view! {
        <Title text="Sessions" />
        <h1>"Sessions"</h1>
        <AccountNav />
        <SessionClock />
        <Show when=move || session.token().is_some()>
            <SessionsPanel />
            <ActivityList />
        </Show>
    }
}

use super::{
    data::{GOODBYE_PATH, data_page, goodbye},
    signed_in::signed_in_only,
};
use crate::components::{AccountNav, ActivityList, SessionClock, SessionsPanel};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, hooks::use_location, lazy_route};

/// `/profile/sessions`: where you are signed in, ending a session, and
/// what happened to the account lately; `/profile/data` (your data, and
/// deleting the account) and `/goodbye` (where deleting leads).
///
/// One lazy route for the three: each lazy route type costs every page's
/// main module its loader and the split's manifest about 0.7 KB, which the
/// heaviest pages had no room for (BENCHMARKS.md); these pages are seldom
/// opened, and the sessions page has room for the others' code.
pub struct SessionsAndDataPage;

#[lazy_route]
impl LazyRoute for SessionsAndDataPage {
    fn data() -> Self {
        Self
    }

    fn view(this: Self) -> AnyView {
        let SessionsAndDataPage = this;
        match use_location().pathname.get_untracked().as_str() {
            "/profile/data" => data_page().into_any(),
            GOODBYE_PATH => goodbye().into_any(),
            _ => sessions_page().into_any(),
        }
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

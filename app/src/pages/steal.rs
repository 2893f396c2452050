use super::signed_in::signed_in_only;
use crate::components::{AccountNav, StealToken};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

/// `/lab/steal`: what a thief holding a copy of your token can do with it,
/// tried against the real server from "another device". Beside the tamper
/// lab (`/lab`), a page of its own: each is the heaviest code of the site.
pub struct StealPage;

#[lazy_route]
impl LazyRoute for StealPage {
    fn data() -> Self {
        Self
    }

    fn view(this: Self) -> AnyView {
        let StealPage = this;
        steal_page().into_any()
    }
}

fn steal_page() -> impl IntoView {
    let session = signed_in_only("/lab/steal");
    view! {
        <Title text="Steal my token" />
        <h1>"Steal my token"</h1>
        <AccountNav />
        <Show when=move || session.token().is_some()>
            <StealToken />
        </Show>
    }
}

use super::signed_in::signed_in_only;
use crate::components::{AccountNav, PasskeysPanel, SessionClock};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

/// `/profile/passkeys`: your passkeys (add, rename, remove), and signing in
/// with passkeys only or setting a password again. Every change here needs
/// a recent sign-in (step-up), as on the password page.
pub struct PasskeysPage;

#[lazy_route]
impl LazyRoute for PasskeysPage {
    fn data() -> Self {
        Self
    }

    fn view(this: Self) -> AnyView {
        let PasskeysPage = this;
        passkeys_page().into_any()
    }
}

fn passkeys_page() -> impl IntoView {
    let session = signed_in_only("/profile/passkeys");
    view! {
        <Title text="Passkeys" />
        <h1>"Passkeys"</h1>
        <AccountNav />
        <SessionClock />
        <Show when=move || session.token().is_some()>
            <PasskeysPanel />
        </Show>
    }
}

use super::signed_in::signed_in_only;
use crate::components::{
    AccountNav, AccountSecurity, RecoveryPanel, ResetPasswordForm, SessionClock,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

/// `/profile/security`: your password, logging out every device, recovery
/// codes, and a new password after a recovery code (passkeys have a page of
/// their own). Every change here needs a recent sign-in: the page asks you
/// to confirm it's you when yours is older (step-up), then makes the change.
pub struct SecurityPage;

#[lazy_route]
impl LazyRoute for SecurityPage {
    fn data() -> Self {
        Self
    }

    fn view(this: Self) -> AnyView {
        let SecurityPage = this;
        security_page().into_any()
    }
}

fn security_page() -> impl IntoView {
    let session = signed_in_only("/profile/security");
    view! {
        <Title text="Password and recovery" />
        <h1>"Password and recovery"</h1>
        <AccountNav />
        <SessionClock />
        <Show when=move || session.token().is_some()>
            <ResetPasswordForm />
            <div class="forms">
                <AccountSecurity />
            </div>
            <RecoveryPanel />
        </Show>
    }
}

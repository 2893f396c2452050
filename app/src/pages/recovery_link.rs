use crate::{api::UseRecoveryLink, error::ApiError, wire::RecoveryLinkUsed};
use leptos::{ev::SubmitEvent, prelude::*, server_fn::ServerFn};
use leptos_meta::Title;
use leptos_router::{
    LazyRoute, NavigateOptions,
    hooks::{use_location, use_navigate},
    lazy_route,
};

/// `/recover/link#SECRET`: where a recovery link from support opens. The
/// person chooses a new password; every session of theirs then ends.
pub struct RecoveryLinkPage;

#[lazy_route]
impl LazyRoute for RecoveryLinkPage {
    fn data() -> Self {
        Self
    }

    fn view(this: Self) -> AnyView {
        let RecoveryLinkPage = this;
        recovery_link_page().into_any()
    }
}

fn recovery_link_page() -> impl IntoView {
    let secret = link_secret();
    let new = RwSignal::new(String::new());
    let set = Action::new(|input: &UseRecoveryLink| use_link(input.clone()));
    // A link cut short in a message (everything from its `#` lost) is told
    // as such, not as an expired one.
    let incomplete = RwSignal::new(false);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        incomplete.set(secret.with_untracked(String::is_empty));
        if incomplete.get_untracked() {
            return;
        }
        set.dispatch(UseRecoveryLink {
            link: secret.get_untracked(),
            new_password: new.get_untracked(),
        });
    };
    let used = move || match set.value().get() {
        Some(Ok(used)) => Some(used.username),
        _ => None,
    };
    view! {
        <Title text="Set a new password" />
        <section class="card form auth">
            <h1>"Set a new password"</h1>
            <Show
                when=move || used().is_none()
                fallback=move || view! { <LinkUsed username=used().unwrap_or_default() /> }
            >
                <p class="hint">
                    "Support sent you this link. Choose a new password: every device signed in to "
                    "your account is then signed out. The link works once, for 15 minutes."
                </p>
                <form on:submit=on_submit>
                    <label for="link-password">"New password"</label>
                    <input id="link-password" type="password" autocomplete="new-password" required
                        bind:value=new />
                    <button type="submit" disabled=move || set.pending().get()>"Set new password"</button>
                    {move || match (incomplete.get(), set.value().get()) {
                        (true, _) => Some(view! {
                            <p role="alert" class="error">
                                "This address is missing the end of your link (from its # on). "
                                "Open the whole link from support's message again."
                            </p>
                        }.into_any()),
                        (false, Some(Err(error))) => Some(view! {
                            <p role="alert" class="error">{error.to_string()}</p>
                        }.into_any()),
                        _ => None,
                    }}
                </form>
            </Show>
        </section>
    }
}

/// The link's secret, taken from the address's fragment once the page runs
/// in the browser (a server never sees a fragment); the fragment is then
/// dropped from the address bar and history.
fn link_secret() -> RwSignal<String> {
    let secret = RwSignal::new(String::new());
    let hash = use_location().hash;
    Effect::new(move |_| {
        let fragment = hash.get();
        if let Some(found) = fragment.strip_prefix('#').filter(|found| !found.is_empty()) {
            secret.set(found.to_owned());
            let quietly = NavigateOptions {
                replace: true,
                scroll: false,
                ..NavigateOptions::default()
            };
            use_navigate()("/recover/link", quietly);
        }
    });
    secret
}

#[component]
fn LinkUsed(username: String) -> impl IntoView {
    view! {
        <p role="status" class="success">
            "Your new password is set, and every device that was signed in to your account "
            "has been signed out."
        </p>
        <p>"Log in as " <strong>{username}</strong> " with your new password."</p>
        <p><a class="button" href="/login">"Log in"</a></p>
    }
}

/// The call, in a wasm file of its own: only this page's visitors need it.
#[leptos::lazy]
async fn use_link(input: UseRecoveryLink) -> Result<RecoveryLinkUsed, ApiError> {
    input.run_on_client().await
}

use crate::{
    api::{ChangePassword, LogoutAll},
    client::{server_action, session::Session},
};
use leptos::{ev::SubmitEvent, prelude::*};
use leptos_router::{NavigateOptions, hooks::use_navigate};

/// Change your password, or log out of every device. Both make the server
/// refuse every token issued before.
#[component]
pub fn AccountSecurity() -> impl IntoView {
    let session = Session::get();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let change = server_action::<ChangePassword>();
    let logout_all = server_action::<LogoutAll>();

    // The old token is now refused: keep this device logged in with the new one.
    Effect::new(move |_| {
        if let Some(Ok(fresh)) = change.value().get() {
            session.start(&fresh.token, &fresh.user);
            current.set(String::new());
            new.set(String::new());
        }
    });
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = logout_all.value().get() {
            session.end();
            navigate("/login", NavigateOptions::default());
        }
    });

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        change.dispatch(ChangePassword {
            current_password: current.get_untracked(),
            new_password: new.get_untracked(),
        });
    };

    view! {
        <form class="card form" on:submit=on_submit method="post">
            <h2>"Change your password"</h2>
            <label for="current-password">"Current password"</label>
            <input id="current-password" type="password" autocomplete="current-password" required bind:value=current />
            <label for="new-password">"New password"</label>
            <input id="new-password" type="password" autocomplete="new-password" required
                bind:value=new aria-describedby="new-password-rules" />
            <p id="new-password-rules" class="hint">"At least 10 characters, not your username, and not easy to guess: a few uncommon words work well."</p>
            <button type="submit" disabled=move || change.pending().get()>
                {move || if change.pending().get() { "Changing…" } else { "Change password" }}
            </button>
            {move || match change.value().get() {
                Some(Ok(_)) => Some(view! {
                    <p role="status" class="success">"Password changed. Every other device has been logged out."</p>
                }.into_any()),
                Some(Err(error)) => Some(view! { <p role="alert" class="error">{error.to_string()}</p> }.into_any()),
                None => None,
            }}
        </form>
        <section class="card form">
            <h2>"Devices"</h2>
            <p class="hint">"Lost a phone? This makes every token ever issued to you stop working, here too."</p>
            <button type="button" class="danger" disabled=move || logout_all.pending().get()
                on:click=move |_| { logout_all.dispatch(LogoutAll {}); }>
                "Log out of all devices"
            </button>
            {move || match logout_all.value().get() {
                Some(Err(error)) => Some(view! { <p role="alert" class="error">{error.to_string()}</p> }),
                _ => None,
            }}
        </section>
    }
}

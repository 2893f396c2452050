use crate::{
    api::{Login, LoginResponse},
    client::session::Session,
};
use leptos::{ev::SubmitEvent, prelude::*};
use leptos_meta::Title;
use leptos_router::{
    NavigateOptions,
    hooks::{use_navigate, use_query_map},
};

#[component]
pub fn LoginPage() -> impl IntoView {
    let session = Session::get();
    let query = use_query_map();
    let session_ended = move || query.read().get("session").is_some_and(|v| v == "ended");

    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let login = ServerAction::<Login>::new();
    // Until the page is live, a submit would be a plain form post; keep the
    // button off so a password never lands in a URL or a JSON endpoint.
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));

    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(LoginResponse { token, user })) = login.value().get() {
            session.start(&token, &user);
            navigate("/profile", NavigateOptions::default());
        }
    });

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        login.dispatch(Login {
            username: username.get_untracked(),
            password: password.get_untracked(),
        });
    };
    let error = move || match login.value().get() {
        Some(Err(error)) => Some(error.to_string()),
        _ => None,
    };

    view! {
        <Title text="Log in" />
        <section class="card form auth">
            <h1>"Log in"</h1>
            <Show when=session_ended>
                <p role="alert" class="notice">
                    "Your session is no longer valid. Please log in again."
                </p>
            </Show>
            <form on:submit=on_submit method="post">
                <label for="username">"Username"</label>
                <input
                    id="username"
                    name="username"
                    autocomplete="username"
                    autocapitalize="none"
                    spellcheck="false"
                    required
                    bind:value=username
                />
                <label for="password">"Password"</label>
                <input
                    id="password"
                    name="password"
                    type="password"
                    autocomplete="current-password"
                    required
                    bind:value=password
                />
                <button type="submit" disabled=move || !live.get() || login.pending().get()>
                    {move || if login.pending().get() { "Logging in…" } else { "Log in" }}
                </button>
                {move || error().map(|message| view! { <p role="alert" class="error">{message}</p> })}
            </form>
            <p class="hint">
                "Demo users: " <code>"john"</code> " / " <code>"john-password"</code> " and "
                <code>"jack"</code> " / " <code>"jack-password"</code>
            </p>
        </section>
    }
}

use crate::{
    api::Login,
    components::{PasskeySignIn, session_starter},
    error::ApiError,
    wire::LoginResponse,
};
use leptos::{ev::SubmitEvent, html::Input, prelude::*, server_fn::ServerFn};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let session_ended = move || query.read().get("session").is_some_and(|v| v == "ended");

    // Read the fields when the form is sent rather than binding them: text
    // typed before the page became interactive must not be lost.
    let username = NodeRef::<Input>::new();
    let password = NodeRef::<Input>::new();
    let login = Action::new(|input: &Login| log_in(input.clone()));
    // Until the page is live, a submit would be a plain form post; keep the
    // button off so a password never lands in a URL or a JSON endpoint.
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));

    session_starter(move || login.value().get());

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let value = |field: NodeRef<Input>| {
            field
                .get_untracked()
                .map(|el| el.value())
                .unwrap_or_default()
        };
        login.dispatch(Login {
            username: value(username),
            password: value(password),
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
                    autocomplete="username webauthn"
                    autocapitalize="none"
                    spellcheck="false"
                    required
                    node_ref=username
                />
                <label for="password">"Password"</label>
                <input
                    id="password"
                    name="password"
                    type="password"
                    autocomplete="current-password"
                    required
                    node_ref=password
                />
                <button type="submit" disabled=move || !live.get() || login.pending().get()>
                    {move || if login.pending().get() { "Logging in…" } else { "Log in" }}
                </button>
                {move || error().map(|message| view! { <p role="alert" class="error">{message}</p> })}
            </form>
            <PasskeySignIn />
            <p class="hint">"New here? " <a href="/signup">"Create an account"</a></p>
            <p class="hint">"Lost your password and passkeys? " <a href="/recover?next=/profile/security">"Use a recovery code"</a></p>
            <p class="hint">
                "Demo users: " <code>"john"</code> " / " <code>"john-password"</code> " and "
                <code>"jack"</code> " / " <code>"jack-password"</code>
            </p>
        </section>
    }
}

/// The login call, in a wasm file of its own (`cargo leptos --split`)
/// fetched when the form is sent: the server-function client and the DPoP
/// proof it signs are not part of the page's first download.
#[leptos::lazy]
async fn log_in(input: Login) -> Result<LoginResponse, ApiError> {
    input.run_on_client().await
}

use crate::{api::Recover, components::session_starter, error::ApiError, wire::LoginResponse};
use leptos::{ev::SubmitEvent, prelude::*, server_fn::ServerFn};
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

/// `/recover`: sign in with a recovery code when the password and passkeys
/// are gone; the security page then asks for a new password.
pub struct RecoverPage;

#[lazy_route]
impl LazyRoute for RecoverPage {
    fn data() -> Self {
        Self
    }

    fn view(this: Self) -> AnyView {
        let RecoverPage = this;
        recover_page().into_any()
    }
}

fn recover_page() -> impl IntoView {
    let username = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let recover = Action::new(|input: &Recover| use_code(input.clone()));
    session_starter(move || recover.value().get());
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        recover.dispatch(Recover {
            username: username.get_untracked(),
            code: code.get_untracked(),
        });
    };
    view! {
        <Title text="Use a recovery code" />
        <section class="card form auth">
            <h1>"Use a recovery code"</h1>
            <p class="hint">
                "Each of your recovery codes signs you in once. Then set a new password, or add a passkey."
            </p>
            <form on:submit=on_submit>
                <label for="recover-username">"Username"</label>
                <input id="recover-username" autocomplete="username" autocapitalize="none" spellcheck="false"
                    required bind:value=username />
                <label for="recover-code">"Recovery code"</label>
                <input id="recover-code" autocomplete="one-time-code" autocapitalize="characters"
                    spellcheck="false" required bind:value=code />
                <button type="submit" disabled=move || recover.pending().get()>"Sign in with the code"</button>
                {move || match recover.value().get() {
                    Some(Err(error)) => Some(view! { <p role="alert" class="error">{error.to_string()}</p> }),
                    _ => None,
                }}
            </form>
            <p class="hint"><a href="/login">"Back to log in"</a></p>
        </section>
    }
}

/// The call, in a wasm file of its own: only this page's visitors need it.
#[leptos::lazy]
async fn use_code(input: Recover) -> Result<LoginResponse, ApiError> {
    input.run_on_client().await
}

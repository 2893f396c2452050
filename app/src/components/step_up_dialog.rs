use crate::{
    client::{session::Session, step_up::StepUp},
    error::ApiError,
    wire::LoginResponse,
};
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};

/// "Confirm it's you": opened when a sensitive change needs a more recent
/// sign-in (see `client::step_up`). The person enters their password or
/// uses a passkey; the server renews the sign-in in this session, and the
/// change they asked for goes through at once, with everything they typed
/// still in the page.
///
/// Every page has it, closed; its view and calls are in a wasm file of
/// their own, fetched the first time a person is asked.
#[component]
pub fn StepUpDialog() -> impl IntoView {
    let step_up = StepUp::get();
    let session = Session::get();
    view! {
        <Show when=move || step_up.is_open()>
            {move || Suspend::new(async move { dialog(step_up, session).await })}
        </Show>
    }
}

/// The open dialog (see [`StepUpDialog`]).
#[leptos::lazy]
fn dialog(step_up: StepUp, session: Session) -> AnyView {
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    // One confirmation at a time; once the server has renewed the sign-in,
    // its token is this session's and the waiting calls go again.
    let confirm =
        move |attempt: std::pin::Pin<Box<dyn Future<Output = Result<LoginResponse, ApiError>>>>| {
            busy.set(true);
            error.set(None);
            spawn_local(async move {
                match attempt.await {
                    Ok(fresh) => {
                        session.start(&fresh.token, &fresh.user);
                        step_up.answer(true);
                    }
                    Err(problem) => error.set(Some(problem.to_string())),
                }
                busy.set(false);
            });
        };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let typed = password.try_update(std::mem::take).unwrap_or_default();
        confirm(Box::pin(confirm_with_password(typed)));
    };
    let with_passkey = move |_| confirm(Box::pin(confirm_with_passkey()));
    let cancel = move |_| {
        password.set(String::new());
        error.set(None);
        step_up.answer(false);
    };

    view! {
            <div class="dialog-backdrop">
                <div class="card dialog" role="dialog" aria-modal="true" aria-labelledby="step-up-title" data-testid="step-up">
                    <h2 id="step-up-title">"Confirm it's you"</h2>
                    <p>
                        "This change needs a recent sign-in. Enter your password, or use one of "
                        "your passkeys, to go on: what you asked for is kept, and made as soon as "
                        "you confirm."
                    </p>
                    <button type="button" disabled=move || busy.get() on:click=with_passkey>
                        "Use a passkey"
                    </button>
                    <form on:submit=on_submit>
                        <label for="step-up-password">"Your password"</label>
                        <input id="step-up-password" type="password" autocomplete="current-password"
                            required autofocus bind:value=password />
                        <div class="actions">
                            <button type="submit" disabled=move || busy.get()>"Confirm"</button>
                            <button type="button" class="link-button" on:click=cancel>"Cancel"</button>
                        </div>
                    </form>
                    {move || error.get().map(|message| view! { <p role="alert" class="error">{message}</p> })}
                </div>
            </div>
    }
    .into_any()
}

/// The confirmation call, in a wasm file of its own (`cargo leptos
/// --split`): pages load it only when a person is asked to confirm.
#[leptos::lazy]
async fn confirm_with_password(password: String) -> Result<LoginResponse, ApiError> {
    crate::api::reauth(password).await
}

/// The same with a passkey (the browser's own dialog), also in a file of its own.
#[leptos::lazy]
async fn confirm_with_passkey() -> Result<LoginResponse, ApiError> {
    #[cfg(feature = "hydrate")]
    {
        crate::client::passkeys::confirm().await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        Err(ApiError::PasskeysUnsupported)
    }
}

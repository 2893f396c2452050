#[cfg(feature = "hydrate")]
use crate::client::passkeys;
use crate::{components::session_starter, error::ApiError, wire::LoginResponse};
use leptos::prelude::*;
#[cfg(feature = "hydrate")]
use leptos::task::spawn_local;

/// "Sign in with a passkey" on the login page, and the passkeys the browser
/// offers in the username field's autofill (conditional mediation) while
/// the page is open. Either way the person gets what a password login
/// gives.
#[component]
pub fn PasskeySignIn() -> impl IntoView {
    let result = RwSignal::new(None::<Result<LoginResponse, ApiError>>);
    let pending = RwSignal::new(false);
    session_starter(move || result.get());

    // The autofill request waits in the background; the button's dialog
    // must abort it first (one WebAuthn request at a time).
    #[cfg(feature = "hydrate")]
    let autofill = StoredValue::new_local(None::<web_sys::AbortController>);
    #[cfg(feature = "hydrate")]
    let stop_autofill = move || {
        if let Some(controller) = autofill.try_update_value(Option::take).flatten() {
            controller.abort();
        }
    };
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        spawn_local(async move {
            if !passkeys::autofill_available().await {
                return;
            }
            let Ok(controller) = web_sys::AbortController::new() else {
                return;
            };
            // Nothing to offer (passkeys off here, the server away): the
            // password form is there, and the button says why if pressed.
            let Ok(ceremony) = passkeys::start_sign_in().await else {
                return;
            };
            let signal = controller.signal();
            autofill.set_value(Some(controller));
            match passkeys::finish_sign_in(ceremony, true, Some(signal)).await {
                // Dismissed, or aborted for the button: nothing to say.
                Err(ApiError::PasskeyCancelled) => {}
                answer => result.set(Some(answer)),
            }
        });
    });
    #[cfg(feature = "hydrate")]
    on_cleanup(stop_autofill);

    let on_click = move |_| {
        #[cfg(feature = "hydrate")]
        {
            stop_autofill();
            pending.set(true);
            result.set(None);
            spawn_local(async move {
                let answer = match passkeys::start_sign_in().await {
                    Ok(ceremony) => passkeys::finish_sign_in(ceremony, false, None).await,
                    Err(error) => Err(error),
                };
                pending.set(false);
                result.set(Some(answer));
            });
        }
    };
    let error = move || match result.get() {
        Some(Err(error)) => Some(error.to_string()),
        _ => None,
    };
    view! {
        <div class="passkey-sign-in">
            <button type="button" class="secondary" on:click=on_click disabled=move || pending.get()>
                {move || if pending.get() { "Waiting for your passkey…" } else { "Sign in with a passkey" }}
            </button>
            {move || error().map(|message| view! { <p role="alert" class="error">{message}</p> })}
        </div>
    }
}

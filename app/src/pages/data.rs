use super::signed_in::signed_in_only;
use crate::{
    client::{account, dpop, session::leave_for},
    components::{AccountNav, Changes},
};
use leptos::{prelude::*, task::spawn_local};
use leptos_meta::Title;

/// Where a deleted account's last page goes.
pub const GOODBYE_PATH: &str = "/goodbye";

/// `/goodbye`: the account is gone (served by the sessions page's lazy
/// route, see `SessionsAndDataPage`).
pub fn goodbye() -> impl IntoView {
    view! {
        <Title text="Goodbye" />
        <h1>"Your account is deleted"</h1>
        <p>"You are signed out everywhere, and your data is gone from Photo Spots."</p>
        <p><a href="/">"Back to the photo spots"</a></p>
    }
}

/// `/profile/data`: take your data with you, or delete your account
/// (served by the sessions page's lazy route, see `SessionsAndDataPage`).
pub fn data_page() -> impl IntoView {
    let session = signed_in_only("/profile/data");
    view! {
        <Title text="Your data" />
        <h1>"Your data"</h1>
        <AccountNav />
        <Show when=move || session.token().is_some()>
            <Download />
            <DeleteAccount />
        </Show>
    }
}

/// "Download my data": the export and the favourites, one file.
#[component]
fn Download() -> impl IntoView {
    let changes = Changes::new();
    let download = move |_| {
        let saved = async { Ok(format!("Saved as {}.", account::download().await?)) };
        changes.run::<account::ExportError>(Box::pin(saved), || {});
    };
    view! {
        <section class="card" aria-labelledby="download-title">
            <h2 id="download-title">"Download my data"</h2>
            <p class="hint">
                "Your profile, sign-ins, sessions, activity, spots and favourites in one JSON "
                "file, with no password, token or key in it."
            </p>
            <button type="button" disabled=move || changes.busy() on:click=download
                data-testid="download-data">
                "Download my data"
            </button>
            {changes.view()}
        </section>
    }
}

/// "Delete my account": type your username (the server checks it),
/// confirm it's you, gone.
#[component]
fn DeleteAccount() -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let delete = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        busy.set(true);
        problem.set(None);
        spawn_local(async move {
            match account::delete(&typed.get_untracked()).await {
                Ok(()) => {
                    dpop::forget_key().await;
                    leave_for(GOODBYE_PATH);
                }
                Err(error) => {
                    busy.set(false);
                    problem.set(Some(error.to_string()));
                }
            }
        });
    };
    view! {
        <section class="card danger-zone" aria-labelledby="delete-title">
            <h2 id="delete-title">"Delete my account"</h2>
            <p>
                "Your account, sessions, passkeys and activity go at once, your favourites "
                "within seconds; spots you added stay. This can't be undone."
            </p>
            <form on:submit=delete>
                <label for="confirm-username">"Type your username to confirm"</label>
                <input id="confirm-username" autocomplete="off" autocapitalize="none"
                    spellcheck="false" bind:value=typed />
                <button type="submit" class="danger"
                    disabled=move || busy.get() || typed.with(|name| name.trim().is_empty())>
                    "Delete my account"
                </button>
            </form>
            {move || problem.get().map(|message| view! { <p role="alert" class="error">{message}</p> })}
        </section>
    }
}

use super::signed_in::signed_in_only;
use crate::{
    api::me,
    client::{account, dpop, session::leave_for},
    components::AccountNav,
};
use leptos::{prelude::*, task::spawn_local};
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

/// `/profile/data`: take your data with you, or delete your account.
pub struct DataPage;

#[lazy_route]
impl LazyRoute for DataPage {
    fn data() -> Self {
        Self
    }

    fn view(this: Self) -> AnyView {
        let DataPage = this;
        data_page().into_any()
    }
}

fn data_page() -> impl IntoView {
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
    let busy = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Result<String, String>>);
    let download = move |_| {
        busy.set(true);
        outcome.set(None);
        spawn_local(async move {
            let saved = account::download().await;
            busy.set(false);
            outcome.set(Some(
                saved
                    .map(|file| format!("Saved as {file}."))
                    .map_err(|error| error.to_string()),
            ));
        });
    };
    view! {
        <section class="card" aria-labelledby="download-title">
            <h2 id="download-title">"Download my data"</h2>
            <p class="hint">
                "One JSON file: your profile, how you sign in, your sessions and security "
                "activity, the spots you added and your favourites. Nothing secret is in it: "
                "no password, token or key."
            </p>
            <button type="button" disabled=busy on:click=download data-testid="download-data">
                "Download my data"
            </button>
            {move || outcome.get().map(|outcome| match outcome {
                Ok(done) => view! { <p role="status" class="success">{done}</p> }.into_any(),
                Err(problem) => view! { <p role="alert" class="error">{problem}</p> }.into_any(),
            })}
        </section>
    }
}

/// "Delete my account": type your username, confirm it's you, gone.
#[component]
fn DeleteAccount() -> impl IntoView {
    let username = RwSignal::new(None::<String>);
    spawn_local(async move {
        if let Ok(user) = me().await {
            username.set(Some(user.username.to_string()));
        }
    });
    let typed = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let confirmed = move || username.with(|name| name.as_deref() == Some(typed.get().trim()));
    let delete = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if !confirmed() {
            return;
        }
        busy.set(true);
        problem.set(None);
        spawn_local(async move {
            match account::delete().await {
                Ok(()) => {
                    dpop::forget_key().await;
                    leave_for("/goodbye");
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
                "Your account goes at once, with your sessions, passkeys, recovery codes and "
                "activity; your favourites follow within seconds. Spots you added stay, credited "
                "to nobody. This can't be undone: download your data first if you want it."
            </p>
            <form on:submit=delete>
                <label for="confirm-username">"Type your username to confirm"</label>
                <input id="confirm-username" autocomplete="off" autocapitalize="none"
                    spellcheck="false" bind:value=typed />
                <button type="submit" class="danger" disabled=move || busy.get() || !confirmed()>
                    "Delete my account"
                </button>
            </form>
            {move || problem.get().map(|message| view! { <p role="alert" class="error">{message}</p> })}
        </section>
    }
}

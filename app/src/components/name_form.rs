use crate::{
    api::UpdateName,
    client::{server_action, session::Session},
    domain::{User, UserName},
};
use leptos::{ev::SubmitEvent, prelude::*};

/// Change your name. The browser checks the same `UserName` rules as the
/// server, for instant feedback; the server's check is the one that counts.
#[component]
pub fn NameForm(user: RwSignal<Option<User>>) -> impl IntoView {
    let session = Session::get();
    let draft = RwSignal::new(
        user.get_untracked()
            .map(|u| u.name.to_string())
            .unwrap_or_default(),
    );
    let edited = RwSignal::new(false);
    let save = server_action::<UpdateName>();

    let problem = move || UserName::parse(&draft.get()).err().map(|e| e.to_string());
    let shown_problem = move || edited.get().then(problem).flatten();

    Effect::new(move |_| {
        if let Some(Ok(updated)) = save.value().get() {
            session.set_name(updated.name.as_str());
            draft.set(updated.name.to_string());
            user.set(Some(updated));
        }
    });

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        edited.set(true);
        if problem().is_none() {
            save.dispatch(UpdateName {
                name: draft.get_untracked(),
            });
        }
    };

    view! {
        <form class="card form" on:submit=on_submit method="post" novalidate>
            <h2>"Change your name"</h2>
            <label for="name">"Name"</label>
            <input
                id="name"
                name="name"
                autocomplete="name"
                bind:value=draft
                on:input=move |_| edited.set(true)
                aria-invalid=move || shown_problem().is_some().to_string()
                aria-describedby="name-rules"
            />
            <p id="name-rules" class="hint">"1 to 50 characters, no line breaks or tabs."</p>
            {move || shown_problem().map(|message| view! { <p role="alert" class="error">{message}</p> })}
            <button type="submit" disabled=move || save.pending().get()>
                {move || if save.pending().get() { "Saving…" } else { "Save name" }}
            </button>
            {move || match save.value().get() {
                Some(Ok(_)) => Some(view! { <p role="status" class="success">"Name saved."</p> }.into_any()),
                Some(Err(error)) => Some(view! { <p role="alert" class="error">{error.to_string()}</p> }.into_any()),
                None => None,
            }}
        </form>
    }
}

use crate::{
    api::me,
    client::{favorites::Favorites, session::Session},
    components::{AccountSecurity, FavoritesList, NameForm, TokenAnatomy},
    domain::User,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{NavigateOptions, hooks::use_navigate};

/// Who you are, your token taken apart, and a form to change your name.
///
/// Rendered in the browser only: the token lives in localStorage, which the
/// server never sees.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let session = Session::get();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if session.loaded() && session.token().is_none() {
            navigate("/login", NavigateOptions::default());
        }
    });

    let favorites = Favorites::load(session);
    let user = RwSignal::new(None::<User>);
    let error = RwSignal::new(None::<String>);
    let profile = LocalResource::new(move || {
        let has_token = session.token().is_some();
        async move { if has_token { Some(me().await) } else { None } }
    });
    Effect::new(move |_| match profile.get().flatten() {
        Some(Ok(current)) => {
            session.set_name(current.name.as_str());
            user.set(Some(current));
        }
        Some(Err(e)) => error.set(Some(e.to_string())),
        None => {}
    });

    view! {
        <Title text="Your profile" />
        <h1>"Your profile"</h1>
        {move || error.get().map(|message| view! { <p role="alert" class="error">{message}</p> })}
        <Show
            when=move || user.with(Option::is_some)
            fallback=|| view! { <p class="loading" aria-live="polite">"Loading your profile…"</p> }
        >
            <section class="card profile" aria-label="Account">
                <dl>
                    <dt>"Name"</dt>
                    <dd data-testid="profile-name">{move || user.get().map(|u| u.name.to_string())}</dd>
                    <dt>"User id"</dt>
                    <dd data-testid="profile-id">{move || user.get().map(|u| u.id.to_string())}</dd>
                    <dt>"Username"</dt>
                    <dd data-testid="profile-username">{move || user.get().map(|u| u.username.to_string())}</dd>
                </dl>
            </section>
            <div class="forms">
                <NameForm user />
                <AccountSecurity />
            </div>
            <FavoritesList favorites />
            {move || session.token().map(|token| view! { <TokenAnatomy token /> })}
        </Show>
    }
}

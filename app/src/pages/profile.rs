use crate::{
    api::me,
    client::{favorites::Favorites, session::Session},
    components::{
        AccountSecurity, FavoritesList, NameForm, PasskeysPanel, SessionClock, StealToken,
        TamperLab, TokenAnatomy,
    },
    domain::User,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, NavigateOptions, hooks::use_navigate, lazy_route};

/// Who you are, your token taken apart (and a lab to tamper with it), and
/// forms to change your name and password.
///
/// Rendered in the browser only: the token lives in localStorage, which the
/// server never sees. A lazy route (see `AdminPage`): `/login` does not
/// download the profile's code, the tamper lab's least of all.
pub struct ProfilePage;

#[lazy_route]
impl LazyRoute for ProfilePage {
    fn data() -> Self {
        Self
    }

    fn view(this: Self) -> AnyView {
        let ProfilePage = this; // no data: the page loads its own
        profile_page().into_any()
    }
}

fn profile_page() -> impl IntoView {
    let session = Session::get();
    let navigate = use_navigate();
    // Opened without a session: log in, then come back here. A session
    // that ends while the page is open (a log-out, here or in another tab)
    // goes to the plain login page.
    Effect::new(move |had_token: Option<bool>| {
        let has_token = session.token().is_some();
        if session.loaded() && !has_token {
            let target = match had_token {
                Some(true) => "/login",
                _ => "/login?next=/profile",
            };
            navigate(target, NavigateOptions::default());
        }
        has_token
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
        <SessionClock />
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
            <PasskeysPanel />
            <FavoritesList favorites />
            {move || session.token().map(|token| view! {
                <TokenAnatomy token=token.clone() />
                <TamperLab token />
                <StealToken />
            })}
        </Show>
    }
}

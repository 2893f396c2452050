use super::signed_in::signed_in_only;
use crate::{
    api::me,
    client::LatestLoad,
    components::{AccountNav, NameForm, SessionClock, TokenAnatomy},
    domain::User,
    token::UnverifiedClaims,
};
use leptos::{prelude::*, task::spawn_local};
use leptos_meta::Title;
use leptos_router::{LazyRoute, NavigateOptions, hooks::use_navigate, lazy_route};

/// `/profile`: who you are, your name and your token taken apart. The rest
/// of the account has pages of its own (`AccountNav`), the favourites too.
///
/// Rendered in the browser only: the token lives in localStorage, which the
/// server never sees. A lazy route (see `AdminPage`): `/login` does not
/// download the profile's code.
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

/// Where the sections that used to be on this one page live now, by their
/// old anchors, so links and bookmarks to them keep working.
fn moved(anchor: &str) -> Option<&'static str> {
    match anchor {
        "#lab" | "#lab-title" => Some("/lab"),
        "#steal-title" => Some("/lab/steal"),
        "#passkeys-title" => Some("/profile/passkeys"),
        "#password" | "#security" => Some("/profile/security"),
        "#sessions" => Some("/profile/sessions"),
        "#favorites-title" | "#favorites" => Some("/favorites"),
        _ => None,
    }
}

fn profile_page() -> impl IntoView {
    let session = signed_in_only("/profile");
    let navigate = use_navigate();
    let hash = leptos_router::hooks::use_location().hash;
    Effect::new(move |_| {
        if let Some(page) = moved(&hash.get()) {
            navigate(page, NavigateOptions::default());
        }
    });

    let user = RwSignal::new(None::<User>);
    let error = RwSignal::new(None::<String>);
    // Loaded for each sign-in's tokens: again when another sign-in's token
    // arrives (a login in another tab), not when a renewal replaces it (it
    // keeps `auth_time`). A plain task rather than a `LocalResource`: each
    // resource type brings its own copy of the async-derived machinery into
    // the page's wasm.
    let sign_in = Memo::new(move |_| {
        session
            .token()
            .map(|token| UnverifiedClaims::read(&token).and_then(|claims| claims.auth_time))
    });
    let loads = LatestLoad::new();
    Effect::new(move |_| {
        let load = loads.begin();
        if sign_in.get().is_some() {
            spawn_local(async move {
                let current = me().await;
                if !loads.is_latest(load) {
                    return;
                }
                match current {
                    Ok(current) => {
                        session.set_name(current.name.as_str());
                        user.set(Some(current));
                    }
                    Err(e) => error.set(Some(e.to_string())),
                }
            });
        }
    });

    view! {
        <Title text="Your profile" />
        <h1>"Your profile"</h1>
        <AccountNav />
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
            </div>
            {move || session.token().map(|token| view! { <TokenAnatomy token /> })}
        </Show>
    }
}

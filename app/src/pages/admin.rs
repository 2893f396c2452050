use crate::{
    client::{admin, session::Session},
    components::SpotForm,
    error::ApiError,
    spots::{Spot, SpotInput},
};
use leptos::{prelude::*, task::spawn_local};
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

/// `/admin`: add, edit, hide and delete spots.
///
/// What this page shows follows the token's `admin` claim, which the
/// browser can read but not vouch for. That is only a courtesy: every call
/// it makes is checked by the server (signature, claim, database).
///
/// A lazy route: with `cargo leptos --split` its code is a separate wasm
/// file, fetched when someone opens the page, so the pages everyone uses
/// don't download it.
pub struct AdminPage;

#[lazy_route]
impl LazyRoute for AdminPage {
    fn data() -> Self {
        Self
    }

    fn view(this: Self) -> AnyView {
        let AdminPage = this; // no data: the page loads its own
        admin_page().into_any()
    }
}

fn admin_page() -> impl IntoView {
    let session = Session::get();
    view! {
        <Title text="Admin" />
        <h1>"Admin"</h1>
        {move || {
            if !session.loaded() {
                view! { <p class="loading" aria-live="polite">"Checking your access…"</p> }.into_any()
            } else if session.token().is_none() {
                view! { <AdminsOnly logged_in=false /> }.into_any()
            } else if !session.says_admin() {
                view! { <AdminsOnly logged_in=true /> }.into_any()
            } else {
                view! { <AdminArea /> }.into_any()
            }
        }}
    }
}

/// What a non-admin sees, and why typing `/admin` (or editing a token) does
/// not get them further.
#[component]
fn AdminsOnly(logged_in: bool) -> impl IntoView {
    view! {
        <section class="card" data-testid="admins-only">
            <h2>"Admins only"</h2>
            {if logged_in {
                view! { <p>"This area is for Photo Spots admins, and your account is not one."</p> }.into_any()
            } else {
                view! { <p>"This area is for Photo Spots admins. "<a href="/login">"Log in"</a>" with an admin account to use it."</p> }.into_any()
            }}
            <p class="explain">
                "The server decides who is an admin, on every request: it checks your token's "
                "signature, the admin claim inside it, and its own database. Hiding the Admin link "
                "is only a courtesy and protects nothing. Editing your token to say "
                <code>"\"admin\": true"</code>" breaks its signature, and the server refuses it."
            </p>
            <p><a href="/">"Back to the photo spots"</a></p>
        </section>
    }
}

#[component]
fn AdminArea() -> impl IntoView {
    let spots = RwSignal::new(None::<Result<Vec<Spot>, ApiError>>);
    let reload = move || spawn_local(async move { spots.set(Some(admin::list().await)) });
    reload();
    let editing = RwSignal::new(None::<Spot>);
    let notice = RwSignal::new(None::<String>);
    view! {
        {move || notice.get().map(|text| view! { <p class="notice" role="status" data-testid="admin-status">{text}</p> })}
        <SpotForm editing notice on_saved=reload />
        <section class="card" aria-labelledby="all-spots">
            <h2 id="all-spots">"All spots"</h2>
            {move || match spots.get() {
                None => view! { <p class="loading">"Loading the spots…"</p> }.into_any(),
                Some(Err(ApiError::Forbidden)) => view! { <AdminsOnly logged_in=true /> }.into_any(),
                Some(Err(error)) => view! { <p role="alert" class="error">{error.to_string()}</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <ul class="admin-spots">
                        {list.into_iter().map(|spot| view! { <AdminRow spot editing notice on_change=reload /> }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}

/// One spot in the admin list, with its actions.
#[component]
fn AdminRow(
    spot: Spot,
    editing: RwSignal<Option<Spot>>,
    notice: RwSignal<Option<String>>,
    on_change: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let spot = StoredValue::new(spot);
    let (slug, name, hidden) = spot.with_value(|s| (s.slug.to_string(), s.name.clone(), s.hidden));
    let thumb = spot.with_value(|s| s.photo.as_ref().map(|p| p.small.url.clone()));
    let toggle_hidden = move |_| {
        let spot = spot.get_value();
        let input = SpotInput {
            hidden: !spot.hidden,
            ..form_input(&spot)
        };
        spawn_local(async move {
            match admin::save(Some(spot.slug.to_string()), input).await {
                Ok(saved) => notice.set(Some(format!(
                    "{} is now {}.",
                    saved.name,
                    if saved.hidden { "hidden" } else { "public" }
                ))),
                Err(error) => notice.set(Some(error.to_string())),
            }
            on_change();
        });
    };
    let remove = move |_| {
        let spot = spot.get_value();
        if !confirm(&format!("Delete {}? This can't be undone.", spot.name)) {
            return;
        }
        spawn_local(async move {
            match admin::delete(spot.slug.to_string()).await {
                Ok(()) => notice.set(Some(format!("{} was deleted.", spot.name))),
                Err(error) => notice.set(Some(error.to_string())),
            }
            on_change();
        });
    };
    view! {
        <li class="admin-spot" data-slug=slug.clone()>
            {thumb.map(|url| view! { <img src=url width="80" height="40" alt="" /> })}
            <span class="admin-spot-name">
                <a href=format!("/spots/{slug}")>{name.clone()}</a>
                {hidden.then(|| view! { " " <span class="badge">"hidden"</span> })}
            </span>
            <button type="button" on:click=move |_| editing.set(Some(spot.get_value()))>"Edit"</button>
            <button type="button" on:click=toggle_hidden>{if hidden { "Show" } else { "Hide" }}</button>
            <button type="button" class="danger" on:click=remove>"Delete"</button>
        </li>
    }
}

/// The form's fields for an existing spot.
pub fn form_input(spot: &Spot) -> SpotInput {
    SpotInput {
        slug: None,
        name: spot.name.clone(),
        place: spot.place.clone(),
        latitude: spot.latitude,
        longitude: spot.longitude,
        best_light: spot.best_light.clone(),
        note: spot.note.clone(),
        hidden: spot.hidden,
    }
}

fn confirm(question: &str) -> bool {
    #[cfg(feature = "hydrate")]
    return web_sys::window()
        .and_then(|window| window.confirm_with_message(question).ok())
        .unwrap_or(false);
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = question;
        false
    }
}

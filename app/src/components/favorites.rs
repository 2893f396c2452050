use crate::{
    client::favorites::{Favorites, FavoritesState},
    domain::SpotSlug,
    spots::load,
};
use leptos::{prelude::*, task::spawn_local};

/// ☆/★ for one spot, for a logged-in person whose favourites loaded.
#[component]
pub fn StarButton(favorites: Favorites, slug: String, name: String) -> impl IntoView {
    let test_id = format!("star-{slug}");
    // Stored once, so the closures below are `Copy` and can be used twice.
    let slug = StoredValue::new(slug);
    let name = StoredValue::new(name);
    let starred = move || slug.with_value(|slug| favorites.is_starred(slug));
    let label = move || {
        let name = name.get_value();
        if starred() {
            format!("Remove {name} from your favourites")
        } else {
            format!("Add {name} to your favourites")
        }
    };
    view! {
        <Show when=move || favorites.is_ready()>
            <button
                type="button"
                class="star"
                data-testid=test_id.clone()
                aria-pressed=move || starred().to_string()
                aria-label=label
                title=label
                disabled=move || slug.with_value(|slug| favorites.is_saving(slug))
                on:click=move |_| favorites.toggle(slug.get_value())
            >
                {move || if starred() { "★" } else { "☆" }}
            </button>
        </Show>
    }
}

/// Why favourites can't be shown, if they can't.
#[component]
pub fn FavoritesNotice(favorites: Favorites) -> impl IntoView {
    move || {
        favorites.error().map(|error| {
            view! {
                <p class="notice" role="status" data-testid="favorites-status">{error.to_string()}</p>
            }
        })
    }
}

/// "Your favourite spots" on the profile page.
#[component]
pub fn FavoritesList(favorites: Favorites) -> impl IntoView {
    view! {
        <section class="card favorites" aria-labelledby="favorites-title">
            <h2 id="favorites-title">"Your favourite spots"</h2>
            <FavoritesNotice favorites />
            {move || match favorites.state() {
                FavoritesState::Ready(spots) if spots.is_empty() => view! {
                    <p data-testid="favorites-empty">
                        "No favourites yet. Star a spot on the "<a href="/">"home page"</a>"."
                    </p>
                }
                .into_any(),
                FavoritesState::Ready(spots) => view! {
                    <ul data-testid="favorites-list">
                        {spots
                            .into_iter()
                            .map(|slug| view! { <FavoriteItem slug /> })
                            .collect_view()}
                    </ul>
                }
                .into_any(),
                FavoritesState::Loading => view! {
                    <p class="loading" aria-live="polite">"Loading your favourites…"</p>
                }
                .into_any(),
                FavoritesState::LoggedOut | FavoritesState::Failed(_) => ().into_any(),
            }}
            <p class="explain">
                "These live in a second service, which accepts the same token as Photo Spots: "
                "it checks the signature with Photo Spots' public key and never sees your password."
            </p>
        </section>
    }
}

/// One favourite: its name and place from the spots API once loaded, the
/// slug until then (or if the spot was removed since it was starred).
#[component]
fn FavoriteItem(slug: String) -> impl IntoView {
    // A plain task rather than a `LocalResource` (see the profile page).
    let spot = RwSignal::new(None);
    let parsed = SpotSlug::parse(&slug);
    Effect::new(move |_| {
        let parsed = parsed.clone();
        spawn_local(async move {
            let loaded = match parsed {
                Ok(slug) => load::spot_name(slug).await,
                Err(_) => Err(load::LoadError::NotFound),
            };
            spot.set(Some(loaded));
        });
    });
    move || match spot.get() {
        Some(Ok(spot)) => view! {
            <li>
                <a href=format!("/spots/{slug}")><strong>{spot.name}</strong></a>
                " "<span class="place">{spot.place}</span>
            </li>
        }
        .into_any(),
        Some(Err(load::LoadError::NotFound)) => view! {
            <li><strong>{slug.clone()}</strong>" "<span class="place">"(removed)"</span></li>
        }
        .into_any(),
        _ => view! { <li><strong>{slug.clone()}</strong></li> }.into_any(),
    }
}

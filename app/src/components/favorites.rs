use crate::{
    client::favorites::{Favorites, FavoritesState},
    spots,
};
use leptos::prelude::*;

/// ☆/★ for one spot, for a logged-in person whose favourites loaded.
#[component]
pub fn StarButton(favorites: Favorites, slug: &'static str, name: &'static str) -> impl IntoView {
    let starred = move || favorites.is_starred(slug);
    let label = move || {
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
                data-testid=format!("star-{slug}")
                aria-pressed=move || starred().to_string()
                aria-label=label
                title=label
                disabled=move || favorites.is_saving(slug)
                on:click=move |_| favorites.toggle(slug)
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
                            .map(|slug| {
                                let (name, place) = spots::find(&slug)
                                    .map(|spot| (spot.name.to_owned(), spot.place))
                                    .unwrap_or((slug.clone(), ""));
                                view! { <li><strong>{name}</strong>" "<span class="place">{place}</span></li> }
                            })
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
